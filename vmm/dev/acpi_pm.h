/* The ACPI fixed hardware's PM1 registers, as one PM1a block: PM1_STS and
 * PM1_EN (the PM1 event block, 4 bytes) followed by PM1_CNT (the control
 * block, 2 bytes), the six bytes from the block's base (ACPI 6.4,
 * 4.8.3.1, "PM1 Event Grouping"; 4.8.3.2, "PM1 Control Grouping"). The
 * FADT (pc/acpi_tables.c) says where they are. No event is ever raised
 * (no buttons, no SCI; the PM timer's carry sets no TMR_STS, which Linux
 * never enables), so PM1_STS reads 0; PM1_EN keeps
 * what is written (ACPICA checks that GBL_EN reads back); PM1_CNT is
 * always in ACPI mode (SCI_EN 1: the FADT has no SMI_CMD), keeps
 * SLP_TYP, and SLP_EN written asks for the sleep state SLP_TYP names.
 * Pure: the PC (pc/pc_io.c) decides what a sleep state does.
 *
 * And the power management timer (4.8.3.3, "Power Management Timer
 * (PM_TMR)"), in its own block: a 24-bit count at 3.579545 MHz, read as
 * a 32-bit port, which Linux takes as its acpi_pm clocksource, the
 * watchdog's second clock beside the TSC. Pure too: the count is the TSC
 * the caller passes, scaled by the TSC's rate. */
#ifndef HV_ACPI_PM_H
#define HV_ACPI_PM_H

#include <stdbool.h>
#include <stdint.h>

/* Offsets from the block's base. */
#define ACPI_PM1_STS 0u
#define ACPI_PM1_EN 2u
#define ACPI_PM1_CNT 4u
#define ACPI_PM1_EVT_LEN 4u /* FADT PM1_EVT_LEN */
#define ACPI_PM1_CNT_LEN 2u /* FADT PM1_CNT_LEN */
#define ACPI_PM1_BYTES (ACPI_PM1_EVT_LEN + ACPI_PM1_CNT_LEN)

/* PM1_EN (table 4.15, "PM1 Enable Registers Fixed Hardware Feature
 * Enable Bits"): the bits that exist. */
#define ACPI_PM1_EN_TMR 0x0001u
#define ACPI_PM1_EN_GBL 0x0020u
#define ACPI_PM1_EN_PWRBTN 0x0100u
#define ACPI_PM1_EN_SLPBTN 0x0200u
#define ACPI_PM1_EN_RTC 0x0400u
#define ACPI_PM1_EN_PCIEXP_WAKE_DIS 0x4000u
#define ACPI_PM1_EN_MASK 0x4721u
/* PM1_CNT (table 4.16, "PM1 Control Registers Fixed Hardware Feature
 * Control Bits"). */
#define ACPI_PM1_CNT_SCI_EN 0x0001u
#define ACPI_PM1_CNT_BM_RLD 0x0002u
#define ACPI_PM1_CNT_GBL_RLS 0x0004u /* write-only */
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10u
#define ACPI_PM1_CNT_SLP_TYP 0x1c00u
#define ACPI_PM1_CNT_SLP_EN 0x2000u /* write-only */

struct acpi_pm {
	uint16_t en;
	uint16_t cnt;	      /* BM_RLD and SLP_TYP as written */
	bool sleep;	      /* SLP_EN was written ... */
	unsigned int slp_typ; /* ... with this SLP_TYP */
};

/* PM_TMR (FADT PM_TMR_LEN 4): the count in bits 23:0, and bits 31:24
 * 0 (FADT flags TMR_VAL_EXT clear: a 24-bit timer). */
#define ACPI_PM_TMR_HZ 3579545u
#define ACPI_PM_TMR_LEN 4u
#define ACPI_PM_TMR_MASK 0x00ffffffu

void acpi_pm_init(struct acpi_pm *pm);
/* @size bytes (1, 2 or 4) at @offset from the block's base; bytes past
 * the block read 0xFF and ignore writes. */
uint32_t acpi_pm_read(const struct acpi_pm *pm, unsigned int offset,
		      unsigned int size);
void acpi_pm_write(struct acpi_pm *pm, unsigned int offset, unsigned int size,
		   uint32_t value);
/* The timer's count at TSC @tsc, a TSC of @tsc_hz ticks a second that
 * started with the count at 0: floor(tsc * 3579545 / tsc_hz) modulo
 * 2^24, so it never goes backwards but to wrap; 0 when @tsc_hz is 0 (a
 * stopped timer, which Linux's check finds and refuses). */
uint32_t acpi_pm_timer(uint64_t tsc, uint64_t tsc_hz);
/* @size bytes (1, 2 or 4) at @offset from PM_TMR_BLK: the count's bytes,
 * as acpi_pm_read gives the PM1 registers'; bytes past the register read
 * 0xFF. PM_TMR is read-only: there is no write. */
uint32_t acpi_pm_tmr_read(uint64_t tsc, uint64_t tsc_hz, unsigned int offset,
			  unsigned int size);

#endif
