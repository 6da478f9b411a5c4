/* The PC's ACPI tables: an RSDP, an XSDT and one MADT with one local
 * APIC (ACPI 6.4: 5.2.5, "Root System Description Pointer"; 5.2.8,
 * "Extended System Description Table"; 5.2.12, "Multiple APIC
 * Description Table"). Linux 6.1 needs the MADT, not only for its local
 * APIC timer (without a MADT or MP table it never starts it), but also
 * to switch to its x2APIC driver before it first reads the APIC ID
 * (acpi_parse_madt -> default_acpi_madt_oem_check): from an MP table it
 * would read it through the xAPIC's MMIO page, which an APIC already in
 * x2APIC mode does not have. No FADT or DSDT: the ACPI interpreter finds
 * nothing to load and turns itself off; only the tables are used. */
#include "pc/pc.h"

#include "util.h"

#define RSDP_SIZE 36u
#define SDT_HEADER_SIZE 36u
#define XSDT_SIZE (SDT_HEADER_SIZE + 8u)
#define MADT_LAPIC_SIZE 8u
#define MADT_SIZE (SDT_HEADER_SIZE + 8u + MADT_LAPIC_SIZE)
#define MADT_REVISION 3u
#define MADT_TYPE_LOCAL_APIC 0u
#define MADT_LAPIC_ENABLED 1u
/* The tables follow the RSDP, 16-byte aligned. */
#define XSDT_OFFSET 0x30u
#define MADT_OFFSET 0x60u

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

unsigned int acpi_tables_write(uint8_t *mem, uint64_t addr)
{
	uint8_t *rsdp = mem + addr;
	uint8_t *xsdt = rsdp + XSDT_OFFSET;
	uint8_t *madt = rsdp + MADT_OFFSET;
	uint8_t *lapic = madt + SDT_HEADER_SIZE + 8;

	sdt_header(madt, "APIC", MADT_SIZE, MADT_REVISION);
	put_le(madt + SDT_HEADER_SIZE, 4, APIC_DEFAULT_BASE);
	/* flags 0: no PC-AT dual 8259 PICs (PCAT_COMPAT clear) */
	lapic[0] = MADT_TYPE_LOCAL_APIC;
	lapic[1] = MADT_LAPIC_SIZE;
	lapic[2] = 0; /* ACPI processor UID */
	lapic[3] = 0; /* APIC ID */
	put_le(lapic + 4, 4, MADT_LAPIC_ENABLED);
	checksum(madt, MADT_SIZE, &madt[9]);

	sdt_header(xsdt, "XSDT", XSDT_SIZE, 1);
	put_le(xsdt + SDT_HEADER_SIZE, 8, addr + MADT_OFFSET);
	checksum(xsdt, XSDT_SIZE, &xsdt[9]);

	put_text(rsdp, "RSD PTR ", 8);
	put_text(rsdp + 9, "HV", 6);
	rsdp[15] = 2; /* ACPI 2.0 and later: the XSDT */
	put_le(rsdp + 20, 4, RSDP_SIZE);
	put_le(rsdp + 24, 8, addr + XSDT_OFFSET);
	checksum(rsdp, 20, &rsdp[8]);
	checksum(rsdp, RSDP_SIZE, &rsdp[32]);
	return MADT_OFFSET + MADT_SIZE;
}
