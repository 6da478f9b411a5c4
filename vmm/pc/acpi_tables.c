/* The PC's ACPI tables (ACPI 6.4): an RSDP, an XSDT, a MADT with one
 * local APIC, the I/O APIC and two interrupt source overrides, a FADT
 * with its FACS, and a DSDT (5.2.5, "Root System Description Pointer";
 * 5.2.8, "Extended System Description Table"; 5.2.12, "Multiple APIC
 * Description Table"; 5.2.9, "Fixed ACPI Description Table"; 5.2.10,
 * "Firmware ACPI Control Structure"; 5.2.11.1, "Differentiated System
 * Description Table").
 *
 * Linux 6.1 needs the MADT, not only for its local APIC timer (without a
 * MADT or MP table it never starts it), but also to switch to its x2APIC
 * driver before it first reads the APIC ID (acpi_parse_madt ->
 * default_acpi_madt_oem_check): from an MP table it would read it through
 * the xAPIC's MMIO page, which an APIC already in x2APIC mode does not
 * have. The FADT and DSDT give it ACPI's power management: the PM1a
 * registers (dev/acpi_pm.h) and \_S5, so that its power-off writes
 * SLP_TYP and SLP_EN there (acpi_power_off), the PM timer, its acpi_pm
 * clocksource (drivers/clocksource/acpi_pm.c), and the reset register,
 * 0xCF9, for its reboot (acpi_reboot); the DSDT also names the PCI root
 * bridge, since with ACPI on Linux scans only the root buses the
 * namespace lists (pci_acpi_init, acpi_pci_root_add). */
#include "pc/pc.h"

#include "util.h"

#define RSDP_SIZE 36u
#define SDT_HEADER_SIZE 36u
#define XSDT_ENTRIES 2u
#define XSDT_SIZE (SDT_HEADER_SIZE + 8u * XSDT_ENTRIES)
/* The MADT's interrupt controller structures (5.2.12: "Processor Local
 * APIC Structure", "I/O APIC Structure", "Interrupt Source Override
 * Structure"): type and length. */
#define MADT_TYPE_LOCAL_APIC 0u
#define MADT_LAPIC_SIZE 8u
#define MADT_TYPE_IO_APIC 1u
#define MADT_IOAPIC_SIZE 12u
#define MADT_TYPE_OVERRIDE 2u
#define MADT_OVERRIDE_SIZE 10u
#define MADT_REVISION 3u
#define MADT_LAPIC_ENABLED 1u
#define MADT_PCAT_COMPAT 1u
#define MADT_BUS_ISA 0u
/* MPS INTI flags (5.2.12, "MPS INTI Flags"): polarity in bits 1:0 and
 * trigger mode in bits 3:2, each 00 for "conforms to the bus" (ISA: edge,
 * active high). */
#define MPS_INTI_CONFORMS 0x0u
#define MPS_INTI_ACTIVE_HIGH 0x1u
#define MPS_INTI_LEVEL 0xcu

/* The interrupt source overrides: the ISA IRQs that do not reach the I/O
 * APIC pin of their own number, or not as ISA's edge, active high. The
 * ones QEMU's pc and q35 tables list (hw/i386/acpi-common.c), and why
 * each is kept or left out:
 * - IRQ 0 on pin 2, conforming: kept. The PC's wiring (pin 0 is the
 *   8259's INTR); without it Linux would route a timer's IRQ 0 to pin 0.
 * - IRQ 9, the SCI (FADT SCI_INT), level, active high: kept. With no
 *   override Linux sets the SCI up as ACPI says an SCI is, level and
 *   active low (acpi_sci_ioapic_setup), and the SCI's line, low while
 *   idle, would be asserted for good.
 * - IRQs 5, 10 and 11, level, active high: left out. They are where
 *   QEMU's PIIX routes PCI INTx (its PCI links); this PC's one PCI
 *   function, the host bridge, has no interrupt, and the DSDT routes
 *   none, so they stay ISA's.
 * The Local APIC NMI structure QEMU adds (LINT1 as NMI) is left out too:
 * nothing drives this PC's LINT1. */
static const struct {
	uint8_t irq;
	uint32_t gsi;
	uint16_t flags;
} madt_overrides[] = {
	{0, PC_IRQ0_GSI, MPS_INTI_CONFORMS},
	{PC_ACPI_SCI_IRQ, PC_ACPI_SCI_IRQ,
	 MPS_INTI_ACTIVE_HIGH | MPS_INTI_LEVEL},
};

#define MADT_SIZE                                                    \
	(SDT_HEADER_SIZE + 8u + MADT_LAPIC_SIZE + MADT_IOAPIC_SIZE + \
	 MADT_OVERRIDE_SIZE * (unsigned int)COUNT_OF(madt_overrides))
/* FADT revision 6 (ACPI 6.x), minor version 4: 276 bytes. */
#define FADT_SIZE 276u
#define FADT_REVISION 6u
#define FADT_MINOR_VERSION 4u
#define FACS_SIZE 64u
#define FACS_VERSION 2u
/* The DSDT's revision 2: integers are 64 bits wide (19.6.28,
 * "DefinitionBlock"). */
#define DSDT_REVISION 2u
/* The tables follow the RSDP, 16-byte aligned; the FACS 64-byte aligned
 * (5.2.10). */
#define XSDT_OFFSET 0x30u
#define MADT_OFFSET 0x70u
#define FADT_OFFSET 0xd0u
#define FACS_OFFSET 0x200u
#define DSDT_OFFSET 0x240u
_Static_assert(XSDT_OFFSET + XSDT_SIZE <= MADT_OFFSET, "XSDT overlaps MADT");
_Static_assert(MADT_OFFSET + MADT_SIZE <= FADT_OFFSET, "MADT overlaps FADT");
_Static_assert(FADT_OFFSET + FADT_SIZE <= FACS_OFFSET, "FADT overlaps FACS");
_Static_assert(FACS_OFFSET + FACS_SIZE <= DSDT_OFFSET, "FACS overlaps DSDT");

/* FADT fields (table 5.9, "FADT Format"): offsets. */
#define FADT_FIRMWARE_CTRL 36u
#define FADT_DSDT 40u
#define FADT_SCI_INT 46u
#define FADT_SMI_CMD 48u
#define FADT_PM1A_EVT_BLK 56u
#define FADT_PM1A_CNT_BLK 64u
#define FADT_PM_TMR_BLK 76u
#define FADT_PM1_EVT_LEN 88u
#define FADT_PM1_CNT_LEN 89u
#define FADT_PM_TMR_LEN 91u
#define FADT_P_LVL2_LAT 96u
#define FADT_P_LVL3_LAT 98u
#define FADT_CENTURY 108u
#define FADT_IAPC_BOOT_ARCH 109u
#define FADT_FLAGS 112u
#define FADT_RESET_REG 116u
#define FADT_RESET_VALUE 128u
#define FADT_MINOR 131u
#define FADT_X_DSDT 140u
#define FADT_X_PM1A_EVT_BLK 148u
#define FADT_X_PM1A_CNT_BLK 172u
#define FADT_X_PM_TMR_BLK 208u
/* C2 and C3 latencies over 100 and 1000 us: neither state exists. */
#define FADT_NO_C2 101u
#define FADT_NO_C3 1001u
/* IAPC_BOOT_ARCH (table 5.11): ISA devices the namespace does not list
 * (COM1, the CMOS clock); no VGA. The 8042 bit is clear: there is no
 * keyboard controller to probe (port 0x64 only resets). */
#define IAPC_LEGACY_DEVICES 0x0001u
#define IAPC_VGA_NOT_PRESENT 0x0004u
/* FADT flags (table 5.10): WBINVD works; C1 (HLT) on every CPU; no fixed
 * power or sleep button; RTC wake status not in fixed hardware; the
 * reset register is there. TMR_VAL_EXT (bit 8) clear: the PM timer
 * counts 24 bits (dev/acpi_pm.h). */
#define FADT_F_WBINVD 0x00000001u
#define FADT_F_PROC_C1 0x00000004u
#define FADT_F_PWR_BUTTON 0x00000010u
#define FADT_F_SLP_BUTTON 0x00000020u
#define FADT_F_FIX_RTC 0x00000040u
#define FADT_F_RESET_REG_SUP 0x00000400u
/* Generic Address Structure (5.2.3.2): 12 bytes; system I/O space;
 * access sizes. */
#define GAS_SYSTEM_IO 1u
#define GAS_ACCESS_BYTE 1u
#define GAS_ACCESS_WORD 2u
#define GAS_ACCESS_DWORD 3u

/* The DSDT's AML (20, "ACPI Machine Language (AML) Specification";
 * opcodes from 20.3, "AML Byte Stream Byte Values"), assembled by hand:
 *
 *	Name (\_S5, Package (4) { 5, 5, 0, 0 })
 *	Scope (\_SB) {
 *		Device (PCI0) { Name (_HID, EisaId ("PNP0A03")) }
 *	}
 *
 * \_S5 (7.4.2.5, "\_S5 (Soft Off)"): SLP_TYP for PM1a_CNT and PM1b_CNT,
 * then two reserved values. A PkgLength below 64 is one byte, the length
 * of what follows the opcode, itself included (20.2.4, "Package Length
 * Encoding"). */
static const uint8_t dsdt_aml[] = {
	/* DefName := NameOp NameString DataRefObject */
	0x08,			  /* NameOp */
	'\\', '_', 'S', '5',	  /* RootChar, then the NameSeg _S5_ ... */
	'_',			  /* ... padded with '_' to four */
	0x12,			  /* PackageOp */
	0x08,			  /* PkgLength: 8 bytes from here */
	0x04,			  /* NumElements */
	0x0a, PC_ACPI_SLP_TYP_S5, /* BytePrefix 5: PM1a_CNT.SLP_TYP */
	0x0a, PC_ACPI_SLP_TYP_S5, /* BytePrefix 5: PM1b_CNT.SLP_TYP */
	0x00,			  /* ZeroOp: reserved */
	0x00,			  /* ZeroOp: reserved */
	/* DefScope := ScopeOp PkgLength NameString TermList */
	0x10,			  /* ScopeOp */
	0x17,			  /* PkgLength: 23 bytes from here */
	'\\', '_', 'S', 'B', '_', /* RootChar, NameSeg _SB_ */
	/* DefDevice := DeviceOp PkgLength NameString TermList */
	0x5b, 0x82,		/* ExtOpPrefix, DeviceOp */
	0x0f,			/* PkgLength: 15 bytes from here */
	'P', 'C', 'I', '0',	/* NameSeg PCI0 */
	0x08,			/* NameOp */
	'_', 'H', 'I', 'D',	/* NameSeg _HID */
	0x0c,			/* DWordPrefix: EisaId ("PNP0A03"), */
	0x41, 0xd0, 0x0a, 0x03, /* "PNP" in 5-bit letters, 0A03 */
};

#define DSDT_SIZE (SDT_HEADER_SIZE + (unsigned int)sizeof(dsdt_aml))

static void put_text(uint8_t *p, const char *s, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = *s ? (uint8_t)*s++ : ' ';
}

/* Every byte of the structure, the checksum among them, sums to 0. */
static void checksum(const uint8_t *p, unsigned int n, uint8_t *sum)
{
	uint8_t s = 0;

	*sum = 0;
	for (unsigned int i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	*sum = (uint8_t)-s;
}

static void sdt_header(uint8_t *t, const char *signature, unsigned int length,
		       unsigned int revision)
{
	put_text(t, signature, 4);
	put_le(t + 4, 4, length);
	t[8] = (uint8_t)revision;
	put_text(t + 10, "HV", 6);    /* OEM ID */
	put_text(t + 16, "HV-PC", 8); /* OEM table ID */
	put_le(t + 24, 4, 1);	      /* OEM revision */
	put_text(t + 28, "HV", 4);    /* creator ID */
	put_le(t + 32, 4, 1);	      /* creator revision */
}

/* A Generic Address Structure in system I/O space. */
static void gas_io(uint8_t *g, unsigned int bits, unsigned int access,
		   uint64_t port)
{
	g[0] = GAS_SYSTEM_IO;
	g[1] = (uint8_t)bits;
	g[2] = 0; /* bit offset */
	g[3] = (uint8_t)access;
	put_le(g + 4, 8, port);
}

static void write_fadt(uint8_t *f, uint64_t addr)
{
	sdt_header(f, "FACP", FADT_SIZE, FADT_REVISION);
	put_le(f + FADT_FIRMWARE_CTRL, 4, addr + FACS_OFFSET);
	put_le(f + FADT_DSDT, 4, addr + DSDT_OFFSET);
	put_le(f + FADT_SCI_INT, 2, PC_ACPI_SCI_IRQ);
	/* SMI_CMD 0: no legacy mode, the hardware is always in ACPI mode */
	put_le(f + FADT_SMI_CMD, 4, 0);
	put_le(f + FADT_PM1A_EVT_BLK, 4, PC_ACPI_PM1A);
	put_le(f + FADT_PM1A_CNT_BLK, 4, PC_ACPI_PM1A_CNT);
	f[FADT_PM1_EVT_LEN] = ACPI_PM1_EVT_LEN;
	f[FADT_PM1_CNT_LEN] = ACPI_PM1_CNT_LEN;
	put_le(f + FADT_PM_TMR_BLK, 4, PC_ACPI_PM_TMR);
	f[FADT_PM_TMR_LEN] = ACPI_PM_TMR_LEN;
	/* no GPE blocks */
	put_le(f + FADT_P_LVL2_LAT, 2, FADT_NO_C2);
	put_le(f + FADT_P_LVL3_LAT, 2, FADT_NO_C3);
	f[FADT_CENTURY] = PC_CMOS_CENTURY;
	put_le(f + FADT_IAPC_BOOT_ARCH, 2,
	       IAPC_LEGACY_DEVICES | IAPC_VGA_NOT_PRESENT);
	put_le(f + FADT_FLAGS, 4,
	       FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_PWR_BUTTON |
		       FADT_F_SLP_BUTTON | FADT_F_FIX_RTC |
		       FADT_F_RESET_REG_SUP);
	gas_io(f + FADT_RESET_REG, 8, GAS_ACCESS_BYTE, PC_RESET_CONTROL);
	f[FADT_RESET_VALUE] = PC_ACPI_RESET_VALUE;
	f[FADT_MINOR] = FADT_MINOR_VERSION;
	/* X_FIRMWARE_CTRL stays 0: FIRMWARE_CTRL holds the FACS (5.2.9:
	 * one of the two, not both) */
	put_le(f + FADT_X_DSDT, 8, addr + DSDT_OFFSET);
	gas_io(f + FADT_X_PM1A_EVT_BLK, 8 * ACPI_PM1_EVT_LEN, GAS_ACCESS_WORD,
	       PC_ACPI_PM1A);
	gas_io(f + FADT_X_PM1A_CNT_BLK, 8 * ACPI_PM1_CNT_LEN, GAS_ACCESS_WORD,
	       PC_ACPI_PM1A_CNT);
	gas_io(f + FADT_X_PM_TMR_BLK, 8 * ACPI_PM_TMR_LEN, GAS_ACCESS_DWORD,
	       PC_ACPI_PM_TMR);
	checksum(f, FADT_SIZE, &f[9]);
}

/* The FACS has no checksum; its fields are the firmware's and OSPM's
 * (the waking vector, the global lock), all 0 at start. */
static void write_facs(uint8_t *f)
{
	put_text(f, "FACS", 4);
	put_le(f + 4, 4, FACS_SIZE);
	f[32] = FACS_VERSION;
}

unsigned int acpi_tables_write(uint8_t *mem, uint64_t addr)
{
	uint8_t *rsdp = mem + addr;
	uint8_t *xsdt = rsdp + XSDT_OFFSET;
	uint8_t *madt = rsdp + MADT_OFFSET;
	uint8_t *lapic = madt + SDT_HEADER_SIZE + 8;
	uint8_t *ioapic = lapic + MADT_LAPIC_SIZE;
	uint8_t *dsdt = rsdp + DSDT_OFFSET;

	sdt_header(madt, "APIC", MADT_SIZE, MADT_REVISION);
	put_le(madt + SDT_HEADER_SIZE, 4, APIC_DEFAULT_BASE);
	/* PCAT_COMPAT: the PC-AT's dual 8259s are there (dev/i8259.h) */
	put_le(madt + SDT_HEADER_SIZE + 4, 4, MADT_PCAT_COMPAT);
	lapic[0] = MADT_TYPE_LOCAL_APIC;
	lapic[1] = MADT_LAPIC_SIZE;
	lapic[2] = 0; /* ACPI processor UID */
	lapic[3] = 0; /* APIC ID */
	put_le(lapic + 4, 4, MADT_LAPIC_ENABLED);
	ioapic[0] = MADT_TYPE_IO_APIC;
	ioapic[1] = MADT_IOAPIC_SIZE;
	ioapic[2] = PC_IOAPIC_ID;
	put_le(ioapic + 4, 4, IOAPIC_DEFAULT_BASE);
	put_le(ioapic + 8, 4, 0); /* its pin 0 is GSI 0 */
	for (unsigned int i = 0; i < COUNT_OF(madt_overrides); i++) {
		uint8_t *o = ioapic + MADT_IOAPIC_SIZE + i * MADT_OVERRIDE_SIZE;

		o[0] = MADT_TYPE_OVERRIDE;
		o[1] = MADT_OVERRIDE_SIZE;
		o[2] = MADT_BUS_ISA;
		o[3] = madt_overrides[i].irq;
		put_le(o + 4, 4, madt_overrides[i].gsi);
		put_le(o + 8, 2, madt_overrides[i].flags);
	}
	checksum(madt, MADT_SIZE, &madt[9]);

	sdt_header(dsdt, "DSDT", DSDT_SIZE, DSDT_REVISION);
	for (unsigned int i = 0; i < sizeof(dsdt_aml); i++)
		dsdt[SDT_HEADER_SIZE + i] = dsdt_aml[i];
	checksum(dsdt, DSDT_SIZE, &dsdt[9]);
	write_facs(rsdp + FACS_OFFSET);
	write_fadt(rsdp + FADT_OFFSET, addr);

	sdt_header(xsdt, "XSDT", XSDT_SIZE, 1);
	put_le(xsdt + SDT_HEADER_SIZE, 8, addr + MADT_OFFSET);
	put_le(xsdt + SDT_HEADER_SIZE + 8, 8, addr + FADT_OFFSET);
	checksum(xsdt, XSDT_SIZE, &xsdt[9]);

	put_text(rsdp, "RSD PTR ", 8);
	put_text(rsdp + 9, "HV", 6);
	rsdp[15] = 2; /* ACPI 2.0 and later: the XSDT */
	put_le(rsdp + 20, 4, RSDP_SIZE);
	put_le(rsdp + 24, 8, addr + XSDT_OFFSET);
	checksum(rsdp, 20, &rsdp[8]);
	checksum(rsdp, RSDP_SIZE, &rsdp[32]);
	return DSDT_OFFSET + DSDT_SIZE;
}
