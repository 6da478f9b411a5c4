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
 * CPUID loses the APIC flag; it cannot come back without xAPIC's MMIO. */
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
	assert_int_equal(pc.lapic.irr[2], 0);
	assert_int_equal(lapic_next_event(&pc.lapic), 0);
	assert_true(pc.lapic.lvt[LVT_TIMER] & LAPIC_LVT_MASKED);
	assert_false(pc.lapic.svr & LAPIC_SVR_ENABLE);
	pc_cpuid(&pc, 1, 0, &host, &r);
	assert_false(r.edx & (1u << 9));
	/* Disabled -> x2APIC is illegal, -> xAPIC not offered; the same
	 * value again is no change. */
	assert_int_equal(
		pc_msr_write(&pc, MSR_IA32_APIC_BASE, 0xfee00d00ull, 0),
		PC_MSR_GP);
	assert_int_equal(
		pc_msr_write(&pc, MSR_IA32_APIC_BASE, 0xfee00900ull, 0),
		PC_MSR_GP);
	assert_int_equal(
		pc_msr_write(&pc, MSR_IA32_APIC_BASE, 0xfee00100ull, 0),
		PC_MSR_DONE);
	assert_int_equal(pc_msr_read(&pc, MSR_IA32_APIC_BASE, 0, &v),
			 PC_MSR_DONE);
	assert_int_equal(v, 0xfee00100ull);
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
	assert_false(pc_port_in(&pc, 0x21, 1, 0, &v)); /* no PIC */
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

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* What ACPICA and Linux's acpi_parse_madt check: the RSDP's signature and
 * both checksums, the XSDT it points at, the MADT the XSDT lists, its
 * checksum, a local APIC address, no PC-AT PICs, and one enabled local
 * APIC with ID 0. */
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
	assert_int_equal(le32(xsdt + 4), 44);
	assert_int_equal(sum(xsdt, 44), 0);
	const uint8_t *madt = mem + le32(xsdt + 36);

	assert_memory_equal(madt, "APIC", 4);
	assert_int_equal(sum(madt, le32(madt + 4)), 0);
	assert_int_equal(le32(madt + 36), 0xfee00000u);
	assert_int_equal(le32(madt + 40), 0); /* no PCAT_COMPAT */
	assert_int_equal(le32(madt + 4), 36 + 8 + 8);
	const uint8_t *lapic = madt + 44;

	assert_int_equal(lapic[0], 0); /* processor local APIC */
	assert_int_equal(lapic[1], 8);
	assert_int_equal(lapic[3], 0);	      /* APIC ID */
	assert_int_equal(le32(lapic + 4), 1); /* enabled */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_cpuid_clocks, setup),
		cmocka_unit_test_setup(test_cpuid_leaf1, setup),
		cmocka_unit_test_setup(test_cpuid_xsave_and_topology, setup),
		cmocka_unit_test_setup(test_msrs, setup),
		cmocka_unit_test_setup(test_apic_base_x2apic_to_disabled,
				       setup),
		cmocka_unit_test_setup(test_ports, setup),
		cmocka_unit_test_setup(test_acpi_tables, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
