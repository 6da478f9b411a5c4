/* Memory Type Range Registers (SDM 3A 11.11, "Memory Type Range Registers
 * (MTRRs)"): the memory type the processor gives each physical address.
 * Under EPT the MTRRs no longer apply to the guest's accesses: the EPT
 * entry's memory type does (SDM 3C 29.3.7.2, "Memory Type Used for
 * Translated Guest-Physical Addresses"), so an identity EPT that stands
 * in for them (resident mode) must carry their types, or MMIO becomes
 * write-back. Reading goes through a cpu_ops; the decoding is pure, and
 * tests/test_mtrr.c runs it on the host. */
#ifndef HV_MTRR_H
#define HV_MTRR_H

#include <stdbool.h>
#include <stdint.h>

#include "x86/cpu_ops.h"
#include "x86/msr.h"

/* IA32_MTRRCAP — SDM 3A 11.11.1, "MTRR Feature Identification": the
 * number of variable ranges, and whether the fixed ranges and WC exist. */
#define MTRRCAP_VCNT 0xffull
#define MTRRCAP_FIX (1ull << 8)
#define MTRRCAP_WC (1ull << 10)

/* IA32_MTRR_DEF_TYPE — SDM 3A 11.11.2.1, "IA32_MTRR_DEF_TYPE MSR": the
 * default type (bits 7:0), fixed ranges enabled (FE), MTRRs enabled (E). */
#define MTRR_DEF_TYPE_TYPE 0xffull
#define MTRR_DEF_TYPE_FE (1ull << 10)
#define MTRR_DEF_TYPE_E (1ull << 11)

/* IA32_MTRR_PHYSBASEn / PHYSMASKn — SDM 3A 11.11.2.3, "Variable Range
 * MTRRs": the type in PHYSBASE bits 7:0, the base and mask in bits
 * MAXPHYADDR-1:12, the valid bit in PHYSMASK bit 11. The pairs follow
 * PHYSBASE0 (200H) two by two. */
#define MTRR_PHYSBASE_TYPE 0xffull
#define MTRR_PHYSMASK_VALID (1ull << 11)
#define MTRR_PHYSBASE(n) (MSR_IA32_MTRR_PHYSBASE0 + 2u * (n))
#define MTRR_PHYSMASK(n) (MSR_IA32_MTRR_PHYSMASK0 + 2u * (n))
/* Room for the pairs between PHYSBASE0 (200H) and FIX64K_00000 (250H);
 * processors report 8 or 10 (VCNT). */
#define MTRR_VARIABLE_MAX 40u

/* The fixed ranges: 11 MSRs of eight one-byte types each, covering the
 * first MiB (SDM 3A 11.11.2.2, "Fixed Range MTRRs"). */
#define MTRR_FIXED_MSRS 11u
#define MTRR_FIXED_TOP 0x100000ull

/* What mtrr_type gives for a range of more than one type. */
#define MTRR_MIXED (-1)

struct mtrr_variable {
	uint64_t base, mask; /* IA32_MTRR_PHYSBASEn, IA32_MTRR_PHYSMASKn */
};

/* The MTRRs as read: only what the processor has is set, the rest 0. */
struct mtrr_state {
	bool present;	     /* CPUID.1:EDX.MTRR */
	uint64_t cap;	     /* IA32_MTRRCAP */
	uint64_t def_type;   /* IA32_MTRR_DEF_TYPE */
	unsigned int nvar;   /* variable pairs read: VCNT, at most the max */
	unsigned int maxphy; /* MAXPHYADDR, CPUID.80000008H:EAX[7:0] */
	uint64_t fixed[MTRR_FIXED_MSRS]; /* FIX64K_00000 ... FIX4K_F8000 */
	struct mtrr_variable var[MTRR_VARIABLE_MAX];
};

/* Reads the MTRRs through @cpu, touching only MSRs the processor has (a
 * missing MSR #GPs): none without CPUID.1:EDX.MTRR, VCNT variable pairs,
 * the fixed ranges only when MTRRCAP.FIX and DEF_TYPE.FE. Without MTRRs
 * the state says write-back everywhere (present false), the type an
 * identity EPT gave all memory before it knew of MTRRs. */
void mtrr_read(const struct cpu_ops *cpu, struct mtrr_state *m);

/* The state of a processor without MTRRs, as mtrr_read leaves it:
 * enabled, default write-back, no range. */
void mtrr_all_wb(struct mtrr_state *m, unsigned int maxphy);

/* The memory type (MEMORY_TYPE_*) of every byte of [base, base + size),
 * or MTRR_MIXED when it has more than one. MTRRs work on 4-KiB pages, so
 * the range is widened to them; @size > 0. */
int mtrr_type(const struct mtrr_state *m, uint64_t base, uint64_t size);

/* Variable ranges with the valid bit set. */
unsigned int mtrr_variable_enabled(const struct mtrr_state *m);

/* Whether the fixed ranges are in force: MTRRCAP.FIX, DEF_TYPE.E and FE. */
bool mtrr_fixed_enabled(const struct mtrr_state *m);

#endif
