/* The PC a Linux guest sees (pc/pc.h): its CPUID additions, its MSRs,
 * its ports, and the ACPI tables Linux reads its APIC from. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pc/pc.h"
#include "x86/msr.h"

static struct pc pc;
static uint8_t sent[64];
static unsigned int nsent;

static void tx(void *ctx, uint8_t byte)
{
	(void)ctx;
	if (nsent < sizeof(sent))
		sent[nsent++] = byte;
}

static int setup(void **state)
{
	(void)state;
	memset(&pc, 0, sizeof(pc));
	lapic_init(&pc.lapic, 0);
	pc.apic_mode = PC_APIC_X2APIC;
	uart16550_init(&pc.uart, tx, NULL);
	pc.tsc_hz = 50000000;
	nsent = 0;
	return 0;
}

/* Leaf 15H names the TSC as its own crystal, so Linux's tsc_khz and the
 * APIC timer's rate are both the measured rate. */
static void test_cpuid_clocks(void **state)
{
	(void)state;
	struct cpuid_regs host = {0x14, 0, 0, 0}, r = host;

	pc_cpuid(&pc, 0, 0, &host, &r);
	assert_int_equal(r.eax, 0x16);
	r = (struct cpuid_regs){0, 0, 0, 0};
	pc_cpuid(&pc, 0x15, 0, &host, &r);
	assert_int_equal(r.eax, 1);
	assert_int_equal(r.ebx, 1);
	assert_int_equal(r.ecx, 50000000);
	pc_cpuid(&pc, 0x16, 0, &host, &r);
	assert_int_equal(r.eax, 50);
	host = (struct cpuid_regs){0xffffffffu, 0, 0, 0};
	pc_cpuid(&pc, 6, 0, &host, &r);
	assert_int_equal(r.eax, 1u << 2); /* ARAT, nothing thermal */
	pc.tsc_hz = 5000000000ull;	  /* too fast for ECX */
	pc_cpuid(&pc, 0x15, 0, &host, &r);
	assert_int_equal(r.ecx, 0);
}

/* SSE back where the host has it, the APIC's two features added, no AVX
 * nor XSAVE (no XSAVE switching), one logical processor with APIC ID 0. */
static void test_cpuid_leaf1(void **state)
{
	(void)state;
	struct cpuid_regs host = {0x50654, 0x03020800u, 0xffffffffu,
				  0xffffffffu};
	struct cpuid_regs r = {0x50654, 0x03020800u, 0, 0};

	pc_cpuid(&pc, 1, 0, &host, &r);
	assert_true(r.edx & (1u << 25));  /* SSE */
	assert_true(r.edx & (1u << 26));  /* SSE2 */
	assert_true(r.ecx & (1u << 20));  /* SSE4.2 */
	assert_true(r.ecx & (1u << 21));  /* x2APIC */
	assert_true(r.ecx & (1u << 24));  /* TSC-deadline */
	assert_false(r.ecx & (1u << 28)); /* AVX */
	assert_false(r.ecx & (1u << 26)); /* XSAVE */
	assert_int_equal(r.ebx, 0x00010800u);
	host.ecx = 0;
	r.ecx = 0;
	pc_cpuid(&pc, 1, 0, &host, &r);
	assert_false(r.ecx & (1u << 20)); /* only what the host has */
}

/* XSAVE and AVX shown only with components to switch; OSXSAVE follows the
 * guest's CR4; the topology leaves say one thread, APIC ID 0. */
static void test_cpuid_xsave_and_topology(void **state)
{
	(void)state;
	struct cpuid_regs host = {0x50654, 0, 0xffffffffu, 0xffffffffu};
	struct cpuid_regs r = {0x50654, 0, 0, 0};

	pc_cpuid(&pc, 1, 0, &host, &r);
	assert_false(r.ecx & (1u << 26)); /* no components: no XSAVE */
	pc.xsave_components = 0x7;
	pc.cr4 = 0;
	r.ecx = 0;
	pc_cpuid(&pc, 1, 0, &host, &r);
	assert_true(r.ecx & (1u << 26));  /* XSAVE */
	assert_true(r.ecx & (1u << 28));  /* AVX */
	assert_false(r.ecx & (1u << 27)); /* OSXSAVE: CR4 says not yet */
	pc.cr4 = 1u << 18;
	r.ecx = 0;
	pc_cpuid(&pc, 1, 0, &host, &r);
	assert_true(r.ecx & (1u << 27));
	host = (struct cpuid_regs){0, 0xffffffffu, 0, 0};
	r = (struct cpuid_regs){0, 0, 0, 0};
	pc_cpuid(&pc, 7, 0, &host, &r);
	assert_true(r.ebx & (1u << 5)); /* AVX2 */

	host = (struct cpuid_regs){1, 8, 0x100, 6};
	r = host;
	pc_cpuid(&pc, 0xb, 0, &host, &r);
	assert_int_equal(r.ebx, 1);
	assert_int_equal(r.ecx, 0x100);
	assert_int_equal(r.edx, 0);
	pc_cpuid(&pc, 0xb, 1, &host, &r);
	assert_int_equal(r.ecx, 0x201);
	pc_cpuid(&pc, 0xb, 2, &host, &r);
	assert_int_equal(r.ebx, 0);
	assert_int_equal(r.ecx & 0xff00u, 0);
	r = (struct cpuid_regs){0x1c004121u, 0, 0, 0};
	pc_cpuid(&pc, 4, 0, &host, &r);
	assert_int_equal(r.eax, 0x121u);
}

static void test_msrs(void **state)
{
	(void)state;
	uint64_t v = 0;

	assert_int_equal(pc_msr_read(&pc, MSR_IA32_APIC_BASE, 0, &v),
			 PC_MSR_DONE);
	assert_int_equal(v, 0xfee00d00ull);
	/* x2APIC -> xAPIC: refused */
	assert_int_equal(
		pc_msr_write(&pc, MSR_IA32_APIC_BASE, 0xfee00900ull, 0),
		PC_MSR_GP);
	assert_int_equal(pc_msr_write(&pc, MSR_IA32_APIC_BASE, v, 0),
			 PC_MSR_DONE);
	assert_int_equal(pc_msr_read(&pc, X2APIC_VERSION, 0, &v), PC_MSR_DONE);
	assert_int_equal(pc_msr_read(&pc, 0x801, 0, &v), PC_MSR_GP);
	assert_int_equal(pc_msr_read(&pc, MSR_IA32_MISC_ENABLE, 0, &v),
			 PC_MSR_DONE);
	assert_false(v & (1ull << 22)); /* CPUID not limited */
	assert_false(v & (1ull << 7));	/* no PMU */
	assert_int_equal(pc_msr_read(&pc, MSR_IA32_EFER, 0, &v),
			 PC_MSR_NOT_MINE);
	assert_int_equal(pc_msr_read(&pc, 0x1a2, 0, &v), PC_MSR_NOT_MINE);
	/* TSC deadline, armed in TSC-deadline mode */
	assert_int_equal(pc_msr_write(&pc, X2APIC_LVT_TIMER,
				      0x40 | LAPIC_TIMER_TSC_DEADLINE
						      << LAPIC_TIMER_MODE_SHIFT,
				      0),
			 PC_MSR_DONE);
	assert_int_equal(pc_msr_write(&pc, MSR_IA32_TSC_DEADLINE, 1000, 0),
			 PC_MSR_DONE);
	assert_int_equal(pc_msr_read(&pc, MSR_IA32_TSC_DEADLINE, 0, &v),
			 PC_MSR_DONE);
	assert_int_equal(v, 1000);
}

/* Review G9: x2APIC -> disabled (EN = EXTD = 0) is a legal transition
 * (SDM 3A 11.12.5): the APIC goes back to its reset state, its MSRs #GP,
 * CPUID loses the APIC flag; it comes back only through xAPIC mode. */
static void test_apic_base_x2apic_to_disabled(void **state)
{
	struct cpuid_regs host = {0, 0, 0, ~0u}, r = {0, 0, 0, 1u << 9};
	uint64_t v = 0;

	(void)state;
	/* An APIC in use: enabled, a timer armed, an interrupt pending. */
	assert_int_equal(pc_msr_write(&pc, X2APIC_SVR, 0x1ff, 0), PC_MSR_DONE);
	assert_int_equal(pc_msr_write(&pc, X2APIC_LVT_TIMER, 0xef, 0),
			 PC_MSR_DONE);
	assert_int_equal(pc_msr_write(&pc, X2APIC_TIMER_INITIAL, 100, 0),
			 PC_MSR_DONE);
	assert_int_equal(pc_msr_write(&pc, X2APIC_SELF_IPI, 0x41, 0),
			 PC_MSR_DONE);
	assert_int_equal(lapic_pending(&pc.lapic), 0x41);
	/* EN=0 with EXTD=1 is no state; another base is not offered. */
	assert_int_equal(
		pc_msr_write(&pc, MSR_IA32_APIC_BASE, 0xfee00500ull, 0),
		PC_MSR_GP);
	assert_int_equal(
		pc_msr_write(&pc, MSR_IA32_APIC_BASE, 0xfed00100ull, 0),
		PC_MSR_GP);
	assert_int_equal(
		pc_msr_write(&pc, MSR_IA32_APIC_BASE, 0xfee00100ull, 0),
		PC_MSR_DONE);
	assert_int_equal(pc_msr_read(&pc, MSR_IA32_APIC_BASE, 0, &v),
			 PC_MSR_DONE);
	assert_int_equal(v, 0xfee00100ull);
	assert_int_equal(pc_msr_read(&pc, X2APIC_VERSION, 0, &v), PC_MSR_GP);
	assert_int_equal(pc_msr_write(&pc, X2APIC_SVR, 0x1ff, 0), PC_MSR_GP);
	assert_int_equal(pc_msr_write(&pc, X2APIC_SELF_IPI, 0x42, 0),
			 PC_MSR_GP);
	/* The reset state: nothing pending, no timer, every LVT masked. */
	assert_int_equal(lapic_pending(&pc.lapic), -1);
	assert_int_equal(lapic_reg(&pc.lapic, LAPIC_OFFSET(X2APIC_IRR0 + 2)),
			 0);
	assert_int_equal(lapic_next_event(&pc.lapic), 0);
	assert_true(pc.lapic.lvt[LVT_TIMER] & LAPIC_LVT_MASKED);
	assert_false(pc.lapic.svr & LAPIC_SVR_ENABLE);
	pc_cpuid(&pc, 1, 0, &host, &r);
	assert_false(r.edx & (1u << 9));
	/* Disabled -> x2APIC is illegal; the same value again is no
	 * change. */
	assert_int_equal(
		pc_msr_write(&pc, MSR_IA32_APIC_BASE, 0xfee00d00ull, 0),
		PC_MSR_GP);
	assert_int_equal(
		pc_msr_write(&pc, MSR_IA32_APIC_BASE, 0xfee00100ull, 0),
		PC_MSR_DONE);
	assert_int_equal(pc_msr_read(&pc, MSR_IA32_APIC_BASE, 0, &v),
			 PC_MSR_DONE);
	assert_int_equal(v, 0xfee00100ull);
}

/* IA32_TSC_ADJUST where the host has it: shown in CPUID, reads 0, and
 * only 0, no adjustment, may be written. */
static void test_tsc_adjust(void **state)
{
	struct cpuid_regs host = {0, 1u << 1, 0, 0}, r = host;
	uint64_t v = 1;

	(void)state;
	pc_cpuid(&pc, 7, 0, &host, &r);
	assert_true(r.ebx & (1u << 1));
	host.ebx = 0;
	r = host;
	pc_cpuid(&pc, 7, 0, &host, &r);
	assert_false(r.ebx & (1u << 1));
	assert_int_equal(pc_msr_read(&pc, MSR_IA32_TSC_ADJUST, 0, &v),
			 PC_MSR_DONE);
	assert_int_equal(v, 0);
	assert_int_equal(pc_msr_write(&pc, MSR_IA32_TSC_ADJUST, 0, 0),
			 PC_MSR_DONE);
	assert_int_equal(pc_msr_write(&pc, MSR_IA32_TSC_ADJUST, 5, 0),
			 PC_MSR_GP);
}

/* Linux without interrupt remapping leaves x2APIC mode
 * (__x2apic_disable: disabled, then xAPIC): the registers move to the
 * MMIO page, the x2APIC MSRs #GP, CPUID keeps the APIC flag; xAPIC ->
 * x2APIC is legal again, x2APIC -> xAPIC directly is not. */
static void test_apic_base_to_xapic_and_back(void **state)
{
	struct cpuid_regs host = {0, 0, 0, ~0u}, r = {0, 0, 0, 1u << 9};
	uint64_t v = 0;

	(void)state;
	assert_int_equal(
		pc_msr_write(&pc, MSR_IA32_APIC_BASE, 0xfee00900ull, 0),
		PC_MSR_GP);
	assert_int_equal(
		pc_msr_write(&pc, MSR_IA32_APIC_BASE, 0xfee00100ull, 0),
		PC_MSR_DONE);
	assert_int_equal(
		pc_msr_write(&pc, MSR_IA32_APIC_BASE, 0xfee00900ull, 0),
		PC_MSR_DONE);
	assert_int_equal(pc.apic_mode, PC_APIC_XAPIC);
	assert_true(pc.lapic.xapic);
	assert_int_equal(pc_msr_read(&pc, MSR_IA32_APIC_BASE, 0, &v),
			 PC_MSR_DONE);
	assert_int_equal(v, 0xfee00900ull);
	assert_int_equal(pc_msr_read(&pc, X2APIC_VERSION, 0, &v), PC_MSR_GP);
	pc_cpuid(&pc, 1, 0, &host, &r);
	assert_true(r.edx & (1u << 9));
	/* Another base, or a BSP flag cleared: not this PC's APIC. */
	assert_int_equal(
		pc_msr_write(&pc, MSR_IA32_APIC_BASE, 0xfed00900ull, 0),
		PC_MSR_GP);
	assert_int_equal(
		pc_msr_write(&pc, MSR_IA32_APIC_BASE, 0xfee00800ull, 0),
		PC_MSR_GP);
	assert_int_equal(
		pc_msr_write(&pc, MSR_IA32_APIC_BASE, 0xfee00d00ull, 0),
		PC_MSR_DONE);
	assert_false(pc.lapic.xapic);
	assert_int_equal(pc_msr_read(&pc, X2APIC_VERSION, 0, &v), PC_MSR_DONE);
}

static void test_ports(void **state)
{
	(void)state;
	uint32_t v = 0;

	assert_true(pc_port_in(&pc, 0x3fd, 1, 0, &v)); /* LSR */
	assert_int_equal(v & 0x60, 0x60);
	assert_true(pc_port_out(&pc, 0x3f8, 1, 'A', 0));
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0], 'A');
	assert_true(pc_port_in(&pc, 0x64, 1, 0, &v));
	assert_int_equal(v, 0x01);
	assert_true(pc_port_in(&pc, 0x21, 1, 0, &v)); /* the master 8259 */
	/* the CMOS clock: index through 0x70 (bit 7, NMI, dropped), data
	 * at 0x71; index 0x70 itself reads as nothing */
	struct rtc_time t = {2026, 12, 6, 15, 42, 21};

	mc146818_init(&pc.rtc, &t, 0, pc.tsc_hz);
	assert_true(pc_port_out(&pc, 0x70, 1, 0x8a, 0));
	assert_true(pc_port_in(&pc, 0x71, 1, 0, &v));
	assert_int_equal(v, RTC_A_POWER_ON);
	assert_true(pc_port_out(&pc, 0x70, 1, 0x09, 0));
	assert_true(pc_port_in(&pc, 0x71, 1, 0, &v));
	assert_int_equal(v, 0x26);
	assert_true(pc_port_out(&pc, 0x70, 1, 0x00, 0));
	assert_true(pc_port_in(&pc, 0x71, 1, 3 * pc.tsc_hz, &v));
	assert_int_equal(v, 0x24);
	assert_false(pc_port_in(&pc, 0x70, 1, 0, &v));
	assert_false(pc_port_out(&pc, 0x43, 1, 0, 0)); /* no PIT */
	assert_false(pc.reset);
	assert_true(pc_port_out(&pc, 0x64, 1, 0xd1, 0)); /* A20: no reset */
	assert_false(pc.reset);
	assert_true(pc_port_out(&pc, 0x64, 1, 0xfe, 0));
	assert_true(pc.reset);
	pc.reset = false;
	assert_true(pc_port_out(&pc, 0xcf9, 1, 0x02, 0));
	assert_false(pc.reset);
	assert_true(pc_port_out(&pc, 0xcf9, 1, 0x06, 0));
	assert_true(pc.reset);
}

static uint8_t sum(const uint8_t *p, unsigned int n)
{
	uint8_t s = 0;

	for (unsigned int i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

static uint32_t le16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* What ACPICA and Linux's acpi_parse_madt check: the RSDP's signature and
 * both checksums, the XSDT it points at, the MADT the XSDT lists, its
 * checksum, a local APIC address, the PC-AT PICs, one enabled local APIC
 * with ID 0, the I/O APIC (ID 1, not the local APIC's; at 0xFEC00000;
 * GSI base 0), and the interrupt source overrides: ISA IRQ 0 on GSI 2,
 * conforming (ISA: edge, active high), and the SCI, IRQ 9 on GSI 9,
 * level, active high (Linux's default for an SCI is active low). */
static void test_acpi_tables(void **state)
{
	(void)state;
	static uint8_t mem[0x100000];
	unsigned int n = acpi_tables_write(mem, ACPI_TABLES_ADDR);
	const uint8_t *rsdp = mem + ACPI_TABLES_ADDR;

	assert_true(n <= 0x10000);
	assert_int_equal(ACPI_TABLES_ADDR % 16, 0);
	assert_memory_equal(rsdp, "RSD PTR ", 8);
	assert_int_equal(sum(rsdp, 20), 0);
	assert_int_equal(rsdp[15], 2);
	assert_int_equal(le32(rsdp + 20), 36);
	assert_int_equal(sum(rsdp, 36), 0);
	const uint8_t *xsdt = mem + le32(rsdp + 24);

	assert_memory_equal(xsdt, "XSDT", 4);
	assert_int_equal(le32(xsdt + 4), 36 + 2 * 8);
	assert_int_equal(sum(xsdt, le32(xsdt + 4)), 0);
	const uint8_t *madt = mem + le64(xsdt + 36);

	assert_memory_equal(madt, "APIC", 4);
	assert_int_equal(sum(madt, le32(madt + 4)), 0);
	assert_int_equal(le32(madt + 36), 0xfee00000u);
	assert_int_equal(le32(madt + 40), 1); /* PCAT_COMPAT: 8259s */
	assert_int_equal(le32(madt + 4), 36 + 8 + 8 + 12 + 2 * 10);
	const uint8_t *lapic = madt + 44;

	assert_int_equal(lapic[0], 0); /* processor local APIC */
	assert_int_equal(lapic[1], 8);
	assert_int_equal(lapic[3], 0);	      /* APIC ID */
	assert_int_equal(le32(lapic + 4), 1); /* enabled */
	const uint8_t *ioapic = lapic + 8;

	assert_int_equal(ioapic[0], 1); /* I/O APIC */
	assert_int_equal(ioapic[1], 12);
	assert_int_equal(ioapic[2], 1); /* I/O APIC ID */
	assert_int_not_equal(ioapic[2], lapic[3]);
	assert_int_equal(ioapic[3], 0);
	assert_int_equal(le32(ioapic + 4), 0xfec00000u);
	assert_int_equal(le32(ioapic + 8), 0); /* GSI base */
	/* the I/O APIC model answers to that ID */
	struct ioapic io;

	ioapic_init(&io, ioapic[2]);
	ioapic_write(&io, 0, 4, 0);
	assert_int_equal(ioapic_read(&io, 0x10, 4) >> 24, ioapic[2]);
	const uint8_t *irq0 = ioapic + 12, *sci = irq0 + 10;

	assert_int_equal(irq0[0], 2); /* interrupt source override */
	assert_int_equal(irq0[1], 10);
	assert_int_equal(irq0[2], 0); /* ISA */
	assert_int_equal(irq0[3], 0);
	assert_int_equal(le32(irq0 + 4), 2);
	assert_int_equal(le16(irq0 + 8), 0); /* conforms: edge, high */
	assert_int_equal(sci[0], 2);
	assert_int_equal(sci[1], 10);
	assert_int_equal(sci[2], 0);
	assert_int_equal(sci[3], 9);
	assert_int_equal(le32(sci + 4), 9);
	assert_int_equal(le16(sci + 8), 0xd); /* level, active high */
	/* the MADT's entries fill it exactly, and it ends before the FADT */
	unsigned int off = 44;

	while (off < le32(madt + 4)) {
		assert_true(madt[off + 1] >= 2);
		off += madt[off + 1];
	}
	assert_int_equal(off, le32(madt + 4));
	assert_true(madt + le32(madt + 4) <= mem + le64(xsdt + 44));
	/* every table lies inside what acpi_tables_write wrote */
	assert_true(le64(xsdt + 36) + le32(madt + 4) <= ACPI_TABLES_ADDR + n);
}

/* The FADT as ACPICA reads it (tbfadt.c) and Linux uses it: revision 6,
 * 276 bytes, checksum; the FACS 64-byte aligned; the DSDT through both
 * the 32- and 64-bit fields; PM1a event and control blocks through both,
 * with their lengths; SCI 9; no SMI_CMD (always ACPI mode); CENTURY the
 * AT's CMOS byte; the reset register, 0xCF9 in I/O space, value 6 (the
 * PC's reset: pc_port_out resets on it). */
static void test_acpi_fadt(void **state)
{
	(void)state;
	static uint8_t mem[0x100000];
	unsigned int n = acpi_tables_write(mem, ACPI_TABLES_ADDR);
	const uint8_t *xsdt = mem + le64(mem + ACPI_TABLES_ADDR + 24);
	const uint8_t *fadt = mem + le64(xsdt + 44);

	assert_memory_equal(fadt, "FACP", 4);
	assert_int_equal(le32(fadt + 4), 276);
	assert_int_equal(fadt[8], 6);
	assert_int_equal(sum(fadt, 276), 0);
	assert_true((uint64_t)(fadt - mem) + 276 <= ACPI_TABLES_ADDR + n);
	const uint8_t *facs = mem + le32(fadt + 36);

	assert_int_equal(le64(fadt + 132), 0); /* X_FIRMWARE_CTRL: unused */
	assert_int_equal((facs - mem) % 64, 0);
	assert_memory_equal(facs, "FACS", 4);
	assert_int_equal(le32(facs + 4), 64);
	assert_int_equal(le64(fadt + 140), le32(fadt + 40));
	assert_int_equal(le16(fadt + 46), 9);	  /* SCI_INT */
	assert_int_equal(le32(fadt + 48), 0);	  /* SMI_CMD */
	assert_int_equal(le32(fadt + 56), 0x600); /* PM1a_EVT_BLK */
	assert_int_equal(le32(fadt + 64), 0x604); /* PM1a_CNT_BLK */
	assert_int_equal(fadt[88], 4);		  /* PM1_EVT_LEN */
	assert_int_equal(fadt[89], 2);		  /* PM1_CNT_LEN */
	/* PM_TMR_BLK 0x608, after the PM1a blocks; PM_TMR_LEN 4 (Linux
	 * takes no other); X_PM_TMR_BLK the same, 32 bits of system I/O,
	 * dword access; TMR_VAL_EXT clear: 24 bits */
	assert_int_equal(le32(fadt + 76), 0x608);
	assert_int_equal(fadt[91], 4);
	assert_int_equal(fadt[208], 1);
	assert_int_equal(fadt[209], 32);
	assert_int_equal(fadt[210], 0);
	assert_int_equal(fadt[211], 3);
	assert_int_equal(le64(fadt + 212), 0x608);
	assert_false(le32(fadt + 112) & (1u << 8));
	assert_true(le32(fadt + 76) >= le32(fadt + 56) + fadt[88] &&
		    le32(fadt + 76) >= le32(fadt + 64) + fadt[89]);
	assert_int_equal(fadt[108], 0x32); /* CENTURY */
	/* X_PM1a_EVT_BLK, X_PM1a_CNT_BLK: system I/O, 32 and 16 bits */
	assert_int_equal(fadt[148], 1);
	assert_int_equal(fadt[149], 32);
	assert_int_equal(le64(fadt + 152), 0x600);
	assert_int_equal(fadt[172], 1);
	assert_int_equal(fadt[173], 16);
	assert_int_equal(le64(fadt + 176), 0x604);
	/* RESET_REG_SUP; RESET_REG 0xCF9 byte in I/O space; value 6 */
	assert_true(le32(fadt + 112) & (1u << 10));
	assert_int_equal(fadt[116], 1);
	assert_int_equal(fadt[117], 8);
	assert_int_equal(le64(fadt + 120), 0xcf9);
	assert_int_equal(fadt[128], 6);
	/* no 8042, no VGA */
	assert_int_equal(le16(fadt + 109) & 0x6, 0x4);
	pc.reset = false;
	assert_true(
		pc_port_out(&pc, (uint16_t)le64(fadt + 120), 1, fadt[128], 0));
	assert_true(pc.reset);
}

/* The DSDT: its header and checksum, and the AML: \_S5 a package whose
 * first element is the SLP_TYP that powers the PC off, and the PCI root
 * bridge \_SB.PCI0 with _HID PNP0A03. The bytes are checked against
 * what iasl emits for the same ASL. */
static void test_acpi_dsdt(void **state)
{
	(void)state;
	static uint8_t mem[0x100000];
	static const uint8_t aml[] = {
		0x08, 0x5c, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x08, 0x04, 0x0a,
		0x05, 0x0a, 0x05, 0x00, 0x00, 0x10, 0x17, 0x5c, 0x5f, 0x53,
		0x42, 0x5f, 0x5b, 0x82, 0x0f, 0x50, 0x43, 0x49, 0x30, 0x08,
		0x5f, 0x48, 0x49, 0x44, 0x0c, 0x41, 0xd0, 0x0a, 0x03,
	};

	acpi_tables_write(mem, ACPI_TABLES_ADDR);
	const uint8_t *xsdt = mem + le64(mem + ACPI_TABLES_ADDR + 24);
	const uint8_t *fadt = mem + le64(xsdt + 44);
	const uint8_t *dsdt = mem + le64(fadt + 140);

	assert_memory_equal(dsdt, "DSDT", 4);
	assert_int_equal(dsdt[8], 2);
	assert_int_equal(le32(dsdt + 4), 36 + sizeof(aml));
	assert_int_equal(sum(dsdt, le32(dsdt + 4)), 0);
	assert_memory_equal(dsdt + 36, aml, sizeof(aml));
	/* each PkgLength is what follows its opcode, itself included */
	assert_int_equal(dsdt[36 + 7], 15 - 7);
	assert_int_equal(dsdt[36 + 16], sizeof(aml) - 16);
	assert_int_equal(dsdt[36 + 24], sizeof(aml) - 24);
}

/* ACPI power-off as Linux's acpi_hw_legacy_sleep does it: PM1 status
 * cleared, then SLP_TYP, then SLP_TYP | SLP_EN, 16 bits to PM1a_CNT.
 * Only \_S5's SLP_TYP powers off; GBL_EN reads back. */
static void test_acpi_power_off(void **state)
{
	(void)state;
	uint32_t v;

	acpi_pm_init(&pc.pm);
	assert_true(pc_port_out(&pc, 0x602, 2, 0x0020, 0)); /* GBL_EN */
	assert_true(pc_port_in(&pc, 0x602, 2, 0, &v));
	assert_int_equal(v, 0x0020);
	assert_true(pc_port_in(&pc, 0x604, 2, 0, &v));
	assert_int_equal(v, 0x0001); /* SCI_EN: ACPI mode */
	assert_true(pc_port_out(&pc, 0x600, 2, 0xffff, 0));
	assert_true(pc_port_in(&pc, 0x600, 2, 0, &v));
	assert_int_equal(v, 0);
	/* SLP_EN with S1's type: nothing (the DSDT has no \_S1) */
	assert_true(pc_port_out(&pc, 0x604, 2, 1u << 10 | 1u << 13, 0));
	assert_false(pc.power_off);
	assert_true(pc_port_out(&pc, 0x604, 2, 5u << 10, 0));
	assert_false(pc.power_off);
	assert_true(pc_port_in(&pc, 0x604, 2, 0, &v));
	assert_int_equal(v, 5u << 10 | 1);
	assert_true(pc_port_out(&pc, 0x604, 2, 5u << 10 | 1u << 13, 0));
	assert_true(pc.power_off);
	/* past the block: not the PC's */
	assert_false(pc_port_in(&pc, 0x606, 1, 0, &v));
}

/* The PM timer at PM_TMR_BLK (0x608): a 32-bit read gives the 24-bit
 * count at 3.579545 MHz of the TSC it is read at, from the TSC rate the
 * PC has; writes are ignored; 0x60C is not the PC's. */
static void test_acpi_pm_timer_port(void **state)
{
	(void)state;
	uint32_t v;

	assert_true(pc_port_in(&pc, 0x608, 4, 0, &v));
	assert_int_equal(v, 0);
	assert_true(pc_port_in(&pc, 0x608, 4, pc.tsc_hz, &v));
	assert_int_equal(v, 3579545);
	assert_true(pc_port_in(&pc, 0x608, 4, 5 * pc.tsc_hz, &v));
	assert_int_equal(v, (5ull * 3579545) % (1u << 24));
	assert_true(pc_port_in(&pc, 0x60a, 1, pc.tsc_hz, &v));
	assert_int_equal(v, 3579545 >> 16);
	assert_true(pc_port_out(&pc, 0x608, 4, 0, pc.tsc_hz));
	assert_true(pc_port_in(&pc, 0x608, 4, pc.tsc_hz, &v));
	assert_int_equal(v, 3579545);
	assert_false(pc_port_in(&pc, 0x60c, 4, 0, &v));
	assert_false(pc_port_in(&pc, 0x607, 1, 0, &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_cpuid_clocks, setup),
		cmocka_unit_test_setup(test_cpuid_leaf1, setup),
		cmocka_unit_test_setup(test_cpuid_xsave_and_topology, setup),
		cmocka_unit_test_setup(test_msrs, setup),
		cmocka_unit_test_setup(test_tsc_adjust, setup),
		cmocka_unit_test_setup(test_apic_base_to_xapic_and_back, setup),
		cmocka_unit_test_setup(test_apic_base_x2apic_to_disabled,
				       setup),
		cmocka_unit_test_setup(test_ports, setup),
		cmocka_unit_test_setup(test_acpi_tables, setup),
		cmocka_unit_test_setup(test_acpi_fadt, setup),
		cmocka_unit_test_setup(test_acpi_dsdt, setup),
		cmocka_unit_test_setup(test_acpi_power_off, setup),
		cmocka_unit_test_setup(test_acpi_pm_timer_port, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
