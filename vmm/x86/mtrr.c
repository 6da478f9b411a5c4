/* The MTRRs' memory type of a physical range (SDM 3A 11.11, "Memory Type
 * Range Registers (MTRRs)"). Ranges are cut into naturally aligned
 * power-of-two blocks, since a variable range matches such a block
 * either wholly, not at all, or in part, which its mask alone tells:
 * no walk over 4-KiB pages unless the types really change there. */
#include "x86/mtrr.h"

#include "x86/x86.h"

/* The fixed-range MSRs in address order, each of eight one-byte types for
 * eight equal ranges: SDM 3A 11.11.2.2, "Fixed Range MTRRs", table 11-9. */
static const struct fixed_msr {
	uint32_t msr;
	uint32_t base; /* the first byte's range */
	uint32_t unit; /* bytes each byte's type covers */
} fixed_msrs[MTRR_FIXED_MSRS] = {
	{MSR_IA32_MTRR_FIX64K_00000, 0x00000, 0x10000},
	{MSR_IA32_MTRR_FIX16K_80000, 0x80000, 0x4000},
	{MSR_IA32_MTRR_FIX16K_A0000, 0xa0000, 0x4000},
	{MSR_IA32_MTRR_FIX4K_C0000, 0xc0000, 0x1000},
	{MSR_IA32_MTRR_FIX4K_C8000, 0xc8000, 0x1000},
	{MSR_IA32_MTRR_FIX4K_D0000, 0xd0000, 0x1000},
	{MSR_IA32_MTRR_FIX4K_D8000, 0xd8000, 0x1000},
	{MSR_IA32_MTRR_FIX4K_E0000, 0xe0000, 0x1000},
	{MSR_IA32_MTRR_FIX4K_E8000, 0xe8000, 0x1000},
	{MSR_IA32_MTRR_FIX4K_F0000, 0xf0000, 0x1000},
	{MSR_IA32_MTRR_FIX4K_F8000, 0xf8000, 0x1000},
};

#define MTRR_PAGE 0x1000ull /* the MTRRs' granularity */

void mtrr_all_wb(struct mtrr_state *m, unsigned int maxphy)
{
	*m = (struct mtrr_state){
		.def_type = MTRR_DEF_TYPE_E | MEMORY_TYPE_WB,
		.maxphy = maxphy,
	};
}

void mtrr_read(const struct cpu_ops *cpu, struct mtrr_state *m)
{
	struct cpuid_regs r;
	unsigned int maxphy = cpu_maxphyaddr(cpu);

	cpu->cpuid(cpu->ctx, 1, 0, &r);
	if (!(r.edx & CPUID_1_EDX_MTRR)) {
		mtrr_all_wb(m, maxphy);
		return;
	}
	*m = (struct mtrr_state){.present = true, .maxphy = maxphy};
	m->cap = cpu->rdmsr(cpu->ctx, MSR_IA32_MTRRCAP);
	m->def_type = cpu->rdmsr(cpu->ctx, MSR_IA32_MTRR_DEF_TYPE);
	m->nvar = (unsigned int)(m->cap & MTRRCAP_VCNT);
	if (m->nvar > MTRR_VARIABLE_MAX)
		m->nvar = MTRR_VARIABLE_MAX;
	for (unsigned int i = 0; i < m->nvar; i++) {
		m->var[i].base = cpu->rdmsr(cpu->ctx, MTRR_PHYSBASE(i));
		m->var[i].mask = cpu->rdmsr(cpu->ctx, MTRR_PHYSMASK(i));
	}
	if ((m->cap & MTRRCAP_FIX) && (m->def_type & MTRR_DEF_TYPE_FE))
		for (unsigned int i = 0; i < MTRR_FIXED_MSRS; i++)
			m->fixed[i] = cpu->rdmsr(cpu->ctx, fixed_msrs[i].msr);
}

unsigned int mtrr_variable_enabled(const struct mtrr_state *m)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < m->nvar && i < MTRR_VARIABLE_MAX; i++)
		if (m->var[i].mask & MTRR_PHYSMASK_VALID)
			n++;
	return n;
}

/* SDM 3A 11.11.2.2, "Fixed Range MTRRs": in force only while the MTRRs
 * are enabled (11.11.2.1, "IA32_MTRR_DEF_TYPE MSR") and FE is set, on a
 * processor that has them. */
bool mtrr_fixed_enabled(const struct mtrr_state *m)
{
	return (m->cap & MTRRCAP_FIX) && (m->def_type & MTRR_DEF_TYPE_E) &&
	       (m->def_type & MTRR_DEF_TYPE_FE);
}

/* A type field as a memory type. The reserved encodings cannot be
 * written (WRMSR #GPs: SDM 3A 11.11.2.1 to 11.11.2.3), so only a state
 * not read from a processor has one; UC is the safe reading. */
static int type_of(uint64_t field)
{
	switch (field & 0xff) {
	case MEMORY_TYPE_WC:
	case MEMORY_TYPE_WT:
	case MEMORY_TYPE_WP:
	case MEMORY_TYPE_WB:
		return (int)(field & 0xff);
	default:
		return MEMORY_TYPE_UC;
	}
}

/* The type where the variable ranges in @seen (a bit per type) all
 * match: SDM 3A 11.11.4.1, "MTRR Precedences". */
static int overlap_type(unsigned int seen)
{
	if (seen & (1u << MEMORY_TYPE_UC))
		return MEMORY_TYPE_UC; /* UC wins over every type */
	if (!(seen & (seen - 1)))
		return __builtin_ctz(seen); /* one type */
	if (seen == (1u << MEMORY_TYPE_WT | 1u << MEMORY_TYPE_WB))
		return MEMORY_TYPE_WT;
	/* Any other overlap is undefined behavior in the SDM. UC: never
	 * wrong for MMIO, only slow for memory. */
	return MEMORY_TYPE_UC;
}

static int both(int a, int b)
{
	return a == b ? a : MTRR_MIXED;
}

/* The fixed ranges' type of [base, base + size), below 1 MiB. */
static int fixed_type(const struct mtrr_state *m, uint64_t base, uint64_t size)
{
	int t = MTRR_MIXED;
	bool any = false;

	for (unsigned int i = 0; i < MTRR_FIXED_MSRS; i++) {
		const struct fixed_msr *f = &fixed_msrs[i];

		for (unsigned int b = 0; b < 8; b++) {
			uint64_t start = f->base + (uint64_t)b * f->unit;

			if (start >= base + size || start + f->unit <= base)
				continue;
			int bt = type_of(m->fixed[i] >> (8 * b));

			if (any && bt != t)
				return MTRR_MIXED;
			t = bt;
			any = true;
		}
	}
	return t;
}

/* The type of the naturally aligned block [base, base + size), @size a
 * power of two and at least 4 KiB. */
static int block_type(const struct mtrr_state *m, uint64_t base, uint64_t size)
{
	uint64_t half = size / 2;

	/* SDM 3A 11.11.2.1: with E clear every address is UC. */
	if (!(m->def_type & MTRR_DEF_TYPE_E))
		return MEMORY_TYPE_UC;
	/* The fixed ranges, where in force, decide the first MiB alone,
	 * whatever the variable ranges say (SDM 3A 11.11.2.2). */
	if (mtrr_fixed_enabled(m) && base < MTRR_FIXED_TOP) {
		if (size <= MTRR_FIXED_TOP)
			return fixed_type(m, base, size);
		int lo = block_type(m, base, half);

		return lo == MTRR_MIXED
			       ? lo
			       : both(lo, block_type(m, base + half, half));
	}
	/* SDM 3A 11.11.2.3, "Variable Range MTRRs": an address is in a
	 * range when (address & mask) == (base & mask), over bits
	 * MAXPHYADDR-1:12. */
	uint64_t width =
		m->maxphy && m->maxphy < 64 ? (1ull << m->maxphy) - 1 : ~0ull;
	unsigned int seen = 0;

	for (unsigned int i = 0; i < m->nvar && i < MTRR_VARIABLE_MAX; i++) {
		const struct mtrr_variable *v = &m->var[i];
		uint64_t mask = v->mask & width & ~(MTRR_PAGE - 1);

		if (!(v->mask & MTRR_PHYSMASK_VALID))
			continue;
		if ((base ^ v->base) & mask & ~(size - 1))
			continue; /* no address of the block matches */
		if (mask & (size - 1)) {
			/* Some addresses match, some do not (never within
			 * 4 KiB: the mask's bits start at 12). */
			int lo = block_type(m, base, half);

			return lo == MTRR_MIXED
				       ? lo
				       : both(lo,
					      block_type(m, base + half, half));
		}
		seen |= 1u << type_of(v->base & MTRR_PHYSBASE_TYPE);
	}
	return seen ? overlap_type(seen) : type_of(m->def_type);
}

int mtrr_type(const struct mtrr_state *m, uint64_t base, uint64_t size)
{
	uint64_t at = base & ~(MTRR_PAGE - 1);
	uint64_t end = (base + size + MTRR_PAGE - 1) & ~(MTRR_PAGE - 1);
	int t = MTRR_MIXED;

	/* The largest aligned blocks that fit, in address order. */
	for (bool first = true; at < end; first = false) {
		uint64_t block = at ? at & -at : 1ull << 63;

		while (block > end - at)
			block /= 2;
		int bt = block_type(m, at, block);

		if (bt == MTRR_MIXED || (!first && bt != t))
			return MTRR_MIXED;
		t = bt;
		at += block;
	}
	return t;
}
