/* The MTRR decoder (vmm/x86/mtrr.c): SDM 3A 11.11, "Memory Type Range
 * Registers (MTRRs)" — enabling (11.11.2.1), the fixed ranges
 * (11.11.2.2), variable ranges and their masks (11.11.2.3), precedences
 * (11.11.4.1), and which MSRs mtrr_read may touch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "x86/msr.h"
#include "x86/mtrr.h"
#include "x86/x86.h"

#define GIB (1ull << 30)
#define MIB (1ull << 20)
#define PAGE 0x1000ull
/* Eight one-byte types, all the same. */
#define ALL8(t) (0x0101010101010101ull * (t))

/* Enabled, default @def, fixed ranges off, MAXPHYADDR 36. */
static struct mtrr_state enabled(unsigned int def)
{
	return (struct mtrr_state){
		.present = true,
		.cap = 8 | MTRRCAP_FIX | MTRRCAP_WC,
		.def_type = MTRR_DEF_TYPE_E | def,
		.nvar = 8,
		.maxphy = 36,
	};
}

/* Variable range @i: [base, base + size), size a power of two, as
 * PHYSBASE/PHYSMASK hold it under MAXPHYADDR @m->maxphy. */
static void var(struct mtrr_state *m, unsigned int i, uint64_t base,
		uint64_t size, unsigned int type)
{
	uint64_t width = (1ull << m->maxphy) - 1;

	m->var[i].base = base | type;
	m->var[i].mask =
		(~(size - 1) & width & ~0xfffull) | MTRR_PHYSMASK_VALID;
}

/* The fixed ranges as OVMF-like firmware sets them: WB up to 9FFFFH, the
 * legacy VGA frame buffer A0000H-BFFFFH UC, the option ROM and BIOS area
 * C0000H-FFFFFH write-protected. */
static void fixed_legacy(struct mtrr_state *m)
{
	m->def_type |= MTRR_DEF_TYPE_FE;
	m->fixed[0] = ALL8(MEMORY_TYPE_WB); /* FIX64K_00000 */
	m->fixed[1] = ALL8(MEMORY_TYPE_WB); /* FIX16K_80000 */
	m->fixed[2] = ALL8(MEMORY_TYPE_UC); /* FIX16K_A0000 */
	for (unsigned int i = 3; i < MTRR_FIXED_MSRS; i++)
		m->fixed[i] = ALL8(MEMORY_TYPE_WP); /* FIX4K_C0000.. */
}

/* SDM 3A 11.11.2.1: E clear, every address is UC, whatever the default,
 * fixed and variable ranges say. */
static void disabled_mtrrs_are_uc(void **state)
{
	struct mtrr_state m = enabled(MEMORY_TYPE_WB);

	(void)state;
	fixed_legacy(&m);
	var(&m, 0, 0, 2 * GIB, MEMORY_TYPE_WB);
	m.def_type &= ~MTRR_DEF_TYPE_E;
	assert_int_equal(mtrr_type(&m, 0, PAGE), MEMORY_TYPE_UC);
	assert_int_equal(mtrr_type(&m, 0, 4 * GIB), MEMORY_TYPE_UC);
	assert_int_equal(mtrr_type(&m, 0x123456, 1), MEMORY_TYPE_UC);
	assert_false(mtrr_fixed_enabled(&m));
}

static void default_type_where_no_range_matches(void **state)
{
	struct mtrr_state m = enabled(MEMORY_TYPE_WB);

	(void)state;
	assert_int_equal(mtrr_type(&m, 0, 64 * GIB), MEMORY_TYPE_WB);
	m = enabled(MEMORY_TYPE_UC);
	assert_int_equal(mtrr_type(&m, 0x1000, PAGE), MEMORY_TYPE_UC);
	/* a range that is not valid (PHYSMASK.V clear) matches nothing */
	var(&m, 0, 0, GIB, MEMORY_TYPE_WB);
	m.var[0].mask &= ~MTRR_PHYSMASK_VALID;
	assert_int_equal(mtrr_type(&m, 0, GIB), MEMORY_TYPE_UC);
	assert_int_equal(mtrr_variable_enabled(&m), 0);
	/* beyond VCNT: not a register the processor has */
	m.var[0].mask |= MTRR_PHYSMASK_VALID;
	m.nvar = 0;
	assert_int_equal(mtrr_type(&m, 0, GIB), MEMORY_TYPE_UC);
}

/* SDM 3A 11.11.2.2: the fixed ranges cover the first MiB, each byte of
 * each MSR one range, and win there over the variable ranges. */
static void fixed_ranges_decide_the_first_mib(void **state)
{
	struct mtrr_state m = enabled(MEMORY_TYPE_WB);

	(void)state;
	fixed_legacy(&m);
	var(&m, 0, 0, 2 * MIB, MEMORY_TYPE_UC); /* overridden below 1 MiB */
	assert_true(mtrr_fixed_enabled(&m));
	assert_int_equal(mtrr_type(&m, 0, 0xa0000), MEMORY_TYPE_WB);
	assert_int_equal(mtrr_type(&m, 0x9f000, PAGE), MEMORY_TYPE_WB);
	assert_int_equal(mtrr_type(&m, 0xa0000, 0x20000), MEMORY_TYPE_UC);
	assert_int_equal(mtrr_type(&m, 0xbffff, 1), MEMORY_TYPE_UC);
	assert_int_equal(mtrr_type(&m, 0xc0000, 0x40000), MEMORY_TYPE_WP);
	assert_int_equal(mtrr_type(&m, 0x9f000, 2 * PAGE), MTRR_MIXED);
	assert_int_equal(mtrr_type(&m, 0, MIB), MTRR_MIXED);
	/* above 1 MiB the variable range */
	assert_int_equal(mtrr_type(&m, MIB, MIB), MEMORY_TYPE_UC);
	/* one 4-KiB range of FIX4K_F8000 (its byte 3: F8000H + 3 * 1000H) */
	m.fixed[10] = ALL8(MEMORY_TYPE_WP) & ~(0xffull << 24);
	m.fixed[10] |= (uint64_t)MEMORY_TYPE_UC << 24;
	assert_int_equal(mtrr_type(&m, 0xfa000, PAGE), MEMORY_TYPE_WP);
	assert_int_equal(mtrr_type(&m, 0xfb000, PAGE), MEMORY_TYPE_UC);
	assert_int_equal(mtrr_type(&m, 0xfc000, PAGE), MEMORY_TYPE_WP);
	/* one 64-KiB range of FIX64K_00000 (byte 1: 10000H-1FFFFH) */
	m.fixed[0] = ALL8(MEMORY_TYPE_WB) & ~(0xffull << 8);
	m.fixed[0] |= (uint64_t)MEMORY_TYPE_WT << 8;
	assert_int_equal(mtrr_type(&m, 0x10000, 0x10000), MEMORY_TYPE_WT);
	assert_int_equal(mtrr_type(&m, 0xf000, 2 * PAGE), MTRR_MIXED);

	/* FE clear, or a processor without them (MTRRCAP.FIX): the
	 * variable ranges and the default decide the first MiB too */
	m.def_type &= ~MTRR_DEF_TYPE_FE;
	assert_int_equal(mtrr_type(&m, 0xa0000, PAGE), MEMORY_TYPE_UC);
	assert_int_equal(mtrr_type(&m, 0, 2 * MIB), MEMORY_TYPE_UC);
	m.def_type |= MTRR_DEF_TYPE_FE;
	m.cap &= ~MTRRCAP_FIX;
	assert_int_equal(mtrr_type(&m, 0, 2 * MIB), MEMORY_TYPE_UC);
}

/* SDM 3A 11.11.2.3: (address & mask) == (base & mask) over bits
 * MAXPHYADDR-1:12. */
static void variable_range_with_a_mask(void **state)
{
	struct mtrr_state m = enabled(MEMORY_TYPE_WB);

	(void)state;
	var(&m, 3, 0xc0000000, GIB, MEMORY_TYPE_UC); /* 32-bit MMIO hole */
	assert_int_equal(m.var[3].mask, 0xfc0000000ull | MTRR_PHYSMASK_VALID);
	assert_int_equal(mtrr_variable_enabled(&m), 1);
	assert_int_equal(mtrr_type(&m, 0xbffff000, PAGE), MEMORY_TYPE_WB);
	assert_int_equal(mtrr_type(&m, 0xc0000000, GIB), MEMORY_TYPE_UC);
	assert_int_equal(mtrr_type(&m, 0xfee00000, PAGE), MEMORY_TYPE_UC);
	assert_int_equal(mtrr_type(&m, 0xfffff000, PAGE), MEMORY_TYPE_UC);
	assert_int_equal(mtrr_type(&m, 4 * GIB, PAGE), MEMORY_TYPE_WB);
	assert_int_equal(mtrr_type(&m, 0x80000000, 2 * GIB), MTRR_MIXED);
	assert_int_equal(mtrr_type(&m, 0xbff00000, 2 * MIB), MTRR_MIXED);
	/* MAXPHYADDR 39: the mask's bits 38:12 compared, so 10C0000000H is
	 * outside; under MAXPHYADDR 36 bits 38:36 are not, and it aliases
	 * C0000000H */
	m.maxphy = 39;
	var(&m, 3, 0xc0000000, GIB, MEMORY_TYPE_UC);
	assert_int_equal(m.var[3].mask, 0x7fc0000000ull | MTRR_PHYSMASK_VALID);
	assert_int_equal(mtrr_type(&m, 0x10c0000000ull, PAGE), MEMORY_TYPE_WB);
	m.maxphy = 36;
	assert_int_equal(mtrr_type(&m, 0x10c0000000ull, PAGE), MEMORY_TYPE_UC);

	/* a 4-KiB range (HPET-like) splits its 2-MiB page */
	m = enabled(MEMORY_TYPE_WB);
	var(&m, 0, 0xfed00000, PAGE, MEMORY_TYPE_UC);
	assert_int_equal(mtrr_type(&m, 0xfec00000, 2 * MIB), MTRR_MIXED);
	assert_int_equal(mtrr_type(&m, 0xfed00000, PAGE), MEMORY_TYPE_UC);
	assert_int_equal(mtrr_type(&m, 0xfecff000, PAGE), MEMORY_TYPE_WB);
	assert_int_equal(mtrr_type(&m, 0xfed01000, PAGE), MEMORY_TYPE_WB);
	/* a range of the default's own type changes nothing: not mixed */
	var(&m, 0, 0xfed00000, PAGE, MEMORY_TYPE_WB);
	assert_int_equal(mtrr_type(&m, 0xfec00000, 2 * MIB), MEMORY_TYPE_WB);
}

/* SDM 3A 11.11.4.1, "MTRR Precedences". */
static void overlaps_follow_the_precedences(void **state)
{
	static const struct {
		unsigned int a, b, want;
	} cases[] = {
		{MEMORY_TYPE_UC, MEMORY_TYPE_WB, MEMORY_TYPE_UC},
		{MEMORY_TYPE_WB, MEMORY_TYPE_UC, MEMORY_TYPE_UC},
		{MEMORY_TYPE_WC, MEMORY_TYPE_UC, MEMORY_TYPE_UC},
		{MEMORY_TYPE_WT, MEMORY_TYPE_WB, MEMORY_TYPE_WT},
		{MEMORY_TYPE_WB, MEMORY_TYPE_WT, MEMORY_TYPE_WT},
		{MEMORY_TYPE_WB, MEMORY_TYPE_WB, MEMORY_TYPE_WB},
		{MEMORY_TYPE_WP, MEMORY_TYPE_WP, MEMORY_TYPE_WP},
		/* undefined in the SDM; hv takes UC */
		{MEMORY_TYPE_WC, MEMORY_TYPE_WB, MEMORY_TYPE_UC},
		{MEMORY_TYPE_WP, MEMORY_TYPE_WT, MEMORY_TYPE_UC},
		{MEMORY_TYPE_WC, MEMORY_TYPE_WP, MEMORY_TYPE_UC},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mtrr_state m = enabled(MEMORY_TYPE_WB);

		var(&m, 0, 0x40000000, GIB, cases[i].a);
		var(&m, 5, 0x60000000, 512 * MIB, cases[i].b);
		assert_int_equal(mtrr_type(&m, 0x60000000, 512 * MIB),
				 cases[i].want);
		assert_int_equal(mtrr_type(&m, 0x40000000, PAGE), cases[i].a);
	}
	/* three at once: UC still wins */
	struct mtrr_state m = enabled(MEMORY_TYPE_WB);

	var(&m, 0, 0, 4 * GIB, MEMORY_TYPE_WB);
	var(&m, 1, 0, 2 * GIB, MEMORY_TYPE_WT);
	var(&m, 2, 0, GIB, MEMORY_TYPE_UC);
	assert_int_equal(mtrr_type(&m, 0, PAGE), MEMORY_TYPE_UC);
	assert_int_equal(mtrr_type(&m, GIB, GIB), MEMORY_TYPE_WT);
	assert_int_equal(mtrr_type(&m, 2 * GIB, 2 * GIB), MEMORY_TYPE_WB);
	/* a reserved type in a field (cannot be written: a corrupt state)
	 * reads as UC */
	m = enabled(2);
	assert_int_equal(mtrr_type(&m, 0, PAGE), MEMORY_TYPE_UC);
}

/* A processor for mtrr_read: leaf 1 EDX, MAXPHYADDR, and its MSRs; an
 * MSR it lacks is remembered, as a real one would #GP. */
struct fake_cpu {
	uint32_t cpuid1_edx;
	unsigned int maxphy;
	uint64_t cap, def_type;
	uint32_t bad_read;
	unsigned int reads;
};

static void fake_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf,
		       struct cpuid_regs *out)
{
	const struct fake_cpu *f = ctx;

	(void)subleaf;
	memset(out, 0, sizeof(*out));
	if (leaf == 1)
		out->edx = f->cpuid1_edx;
	else if (leaf == 0x80000000u)
		out->eax = 0x80000008u;
	else if (leaf == 0x80000008u)
		out->eax = f->maxphy;
}

static uint64_t fake_rdmsr(void *ctx, uint32_t msr)
{
	struct fake_cpu *f = ctx;
	unsigned int vcnt = (unsigned int)(f->cap & MTRRCAP_VCNT);

	f->reads++;
	if (!(f->cpuid1_edx & CPUID_1_EDX_MTRR))
		goto missing;
	if (msr == MSR_IA32_MTRRCAP)
		return f->cap;
	if (msr == MSR_IA32_MTRR_DEF_TYPE)
		return f->def_type;
	if (msr >= MSR_IA32_MTRR_PHYSBASE0 &&
	    msr < MSR_IA32_MTRR_PHYSBASE0 + 2 * vcnt)
		return msr & 1 ? MTRR_PHYSMASK_VALID | 0xfc0000000ull
			       : 0xc0000000ull;
	if ((f->cap & MTRRCAP_FIX) && msr >= MSR_IA32_MTRR_FIX64K_00000 &&
	    msr <= MSR_IA32_MTRR_FIX4K_F8000)
		return ALL8(MEMORY_TYPE_WB);
missing:
	if (!f->bad_read)
		f->bad_read = msr;
	return 0;
}

static void read_touches_only_what_the_cpu_has(void **state)
{
	struct fake_cpu f = {
		.cpuid1_edx = CPUID_1_EDX_MTRR,
		.maxphy = 39,
		.cap = 2 | MTRRCAP_FIX,
		.def_type = MTRR_DEF_TYPE_E | MTRR_DEF_TYPE_FE | MEMORY_TYPE_WB,
	};
	struct cpu_ops ops = {fake_cpuid, fake_rdmsr, &f};
	struct mtrr_state m;

	(void)state;
	mtrr_read(&ops, &m);
	assert_int_equal(f.bad_read, 0);
	assert_int_equal(f.reads, 2 + 2 * 2 + MTRR_FIXED_MSRS);
	assert_true(m.present);
	assert_int_equal(m.maxphy, 39);
	assert_int_equal(m.nvar, 2);
	assert_int_equal(mtrr_variable_enabled(&m), 2);
	assert_true(mtrr_fixed_enabled(&m));
	assert_int_equal(m.fixed[MTRR_FIXED_MSRS - 1], ALL8(MEMORY_TYPE_WB));
	assert_int_equal(mtrr_type(&m, 0xc0000000, GIB), MEMORY_TYPE_UC);
	assert_int_equal(mtrr_type(&m, 0, 2 * MIB), MEMORY_TYPE_WB);

	/* FE clear: the fixed-range MSRs are not read */
	f = (struct fake_cpu){.cpuid1_edx = CPUID_1_EDX_MTRR,
			      .maxphy = 39,
			      .cap = 1 | MTRRCAP_FIX,
			      .def_type = MTRR_DEF_TYPE_E | MEMORY_TYPE_UC};
	mtrr_read(&ops, &m);
	assert_int_equal(f.bad_read, 0);
	assert_int_equal(f.reads, 2 + 2);
	assert_false(mtrr_fixed_enabled(&m));
	assert_int_equal(mtrr_type(&m, 0, PAGE), MEMORY_TYPE_UC);

	/* no fixed ranges (MTRRCAP.FIX clear), though FE is set */
	f = (struct fake_cpu){.cpuid1_edx = CPUID_1_EDX_MTRR,
			      .maxphy = 39,
			      .cap = 0,
			      .def_type = MTRR_DEF_TYPE_E | MTRR_DEF_TYPE_FE |
					  MEMORY_TYPE_WB};
	mtrr_read(&ops, &m);
	assert_int_equal(f.bad_read, 0);
	assert_int_equal(f.reads, 2);

	/* no MTRRs at all (CPUID.1:EDX.MTRR clear): no MSR read, and
	 * everything write-back, as the EPT had it before MTRRs */
	f = (struct fake_cpu){.maxphy = 36};
	mtrr_read(&ops, &m);
	assert_int_equal(f.reads, 0);
	assert_false(m.present);
	assert_int_equal(mtrr_type(&m, 0, 1ull << 36), MEMORY_TYPE_WB);
	assert_int_equal(mtrr_type(&m, 0xa0000, PAGE), MEMORY_TYPE_WB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(disabled_mtrrs_are_uc),
		cmocka_unit_test(default_type_where_no_range_matches),
		cmocka_unit_test(fixed_ranges_decide_the_first_mib),
		cmocka_unit_test(variable_range_with_a_mask),
		cmocka_unit_test(overlaps_follow_the_precedences),
		cmocka_unit_test(read_touches_only_what_the_cpu_has),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
