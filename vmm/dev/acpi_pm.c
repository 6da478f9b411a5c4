/* The PM1a registers (acpi_pm.h), byte by byte: an access of any width
 * reaches the bytes it covers, as on an I/O bus. SLP_TYP and SLP_EN are
 * both in PM1_CNT's high byte, so the byte that holds SLP_EN holds the
 * SLP_TYP it asks for. */
#include "dev/acpi_pm.h"

void acpi_pm_init(struct acpi_pm *pm)
{
	*pm = (struct acpi_pm){0};
}

static uint16_t cnt_read(const struct acpi_pm *pm)
{
	return (uint16_t)(ACPI_PM1_CNT_SCI_EN |
			  (pm->cnt &
			   (ACPI_PM1_CNT_BM_RLD | ACPI_PM1_CNT_SLP_TYP)));
}

static uint8_t read_byte(const struct acpi_pm *pm, unsigned int offset)
{
	switch (offset) {
	case ACPI_PM1_STS:
	case ACPI_PM1_STS + 1:
		return 0; /* no event ever happens */
	case ACPI_PM1_EN:
		return (uint8_t)pm->en;
	case ACPI_PM1_EN + 1:
		return (uint8_t)(pm->en >> 8);
	case ACPI_PM1_CNT:
		return (uint8_t)cnt_read(pm);
	case ACPI_PM1_CNT + 1:
		return (uint8_t)(cnt_read(pm) >> 8);
	default:
		return 0xff;
	}
}

static void write_byte(struct acpi_pm *pm, unsigned int offset, uint8_t b)
{
	uint16_t v;

	switch (offset) {
	case ACPI_PM1_EN:
	case ACPI_PM1_EN + 1:
		v = offset == ACPI_PM1_EN
			    ? (uint16_t)((pm->en & 0xff00) | b)
			    : (uint16_t)((pm->en & 0x00ff) | b << 8);
		pm->en = v & ACPI_PM1_EN_MASK;
		return;
	case ACPI_PM1_CNT:
		pm->cnt = (uint16_t)((pm->cnt & 0xff00) |
				     (b & ACPI_PM1_CNT_BM_RLD));
		return;
	case ACPI_PM1_CNT + 1:
		v = (uint16_t)(b << 8);
		pm->cnt = (uint16_t)((pm->cnt & 0x00ff) |
				     (v & ACPI_PM1_CNT_SLP_TYP));
		if (v & ACPI_PM1_CNT_SLP_EN) {
			pm->sleep = true;
			pm->slp_typ = (v & ACPI_PM1_CNT_SLP_TYP) >>
				      ACPI_PM1_CNT_SLP_TYP_SHIFT;
		}
		return;
	default:
		return; /* PM1_STS: write 1 to clear, and nothing is set */
	}
}

uint32_t acpi_pm_read(const struct acpi_pm *pm, unsigned int offset,
		      unsigned int size)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < size && i < 4; i++)
		v |= (uint32_t)read_byte(pm, offset + i) << (8 * i);
	return v;
}

void acpi_pm_write(struct acpi_pm *pm, unsigned int offset, unsigned int size,
		   uint32_t value)
{
	for (unsigned int i = 0; i < size && i < 4; i++)
		write_byte(pm, offset + i, (uint8_t)(value >> (8 * i)));
}

/* floor(tsc * F / hz) split as tsc = q * hz + r: q * F + r * F / hz, which
 * is exact, and r * F (r below hz, F below 2^22) cannot overflow for any
 * TSC slower than 2^64 / F ticks a second, 5.15 THz. Only the low 24 bits
 * are kept, and q * F wrapping at 2^64 leaves those as they are. A rate
 * past that bound (none is real) is scaled down with r until r * F fits:
 * no longer exact, still never backwards (r * F / hz stays at most F, the
 * next q's first count). */
uint32_t acpi_pm_timer(uint64_t tsc, uint64_t tsc_hz)
{
	if (!tsc_hz)
		return 0;
	uint64_t q = tsc / tsc_hz, r = tsc % tsc_hz, hz = tsc_hz;

	while (hz > UINT64_MAX / ACPI_PM_TMR_HZ) {
		hz >>= 1;
		r >>= 1;
	}
	return (uint32_t)(q * ACPI_PM_TMR_HZ + r * ACPI_PM_TMR_HZ / hz) &
	       ACPI_PM_TMR_MASK;
}

uint32_t acpi_pm_tmr_read(uint64_t tsc, uint64_t tsc_hz, unsigned int offset,
			  unsigned int size)
{
	uint32_t count = acpi_pm_timer(tsc, tsc_hz), v = 0;

	for (unsigned int i = 0; i < size && i < 4; i++) {
		unsigned int byte = offset + i;
		uint32_t b = byte < ACPI_PM_TMR_LEN
				     ? count >> (8 * byte) & 0xffu
				     : 0xffu;

		v |= b << (8 * i);
	}
	return v;
}
