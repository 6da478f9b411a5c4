#include "cpu_fixtures.h"

#include <string.h>

#include "x86/msr.h"

static const struct msr_value skylake_msrs[] = {
	{MSR_IA32_FEATURE_CONTROL, 0x0}, /* OVMF leaves it unlocked */
	{MSR_IA32_VMX_BASIC, 0x00d810000000002bull},
	{MSR_IA32_VMX_PINBASED_CTLS, 0x0000007f00000016ull},
	{MSR_IA32_VMX_PROCBASED_CTLS, 0xf7f9fffe0401e172ull},
	{MSR_IA32_VMX_EXIT_CTLS, 0x007fffff00036dffull},
	{MSR_IA32_VMX_ENTRY_CTLS, 0x0000ffff000011ffull},
	{MSR_IA32_VMX_MISC, 0x00000000600401e0ull},
	{MSR_IA32_VMX_CR0_FIXED0, 0x0000000080000021ull},
	{MSR_IA32_VMX_CR0_FIXED1, 0x00000000ffffffffull},
	{MSR_IA32_VMX_CR4_FIXED0, 0x0000000000002000ull},
	{MSR_IA32_VMX_CR4_FIXED1, 0x00000000003727ffull},
	{MSR_IA32_VMX_VMCS_ENUM, 0x0000000000000034ull},
	{MSR_IA32_VMX_PROCBASED_CTLS2, 0x02177fff00000000ull},
	{MSR_IA32_VMX_EPT_VPID_CAP, 0x00000f0106334141ull},
	{MSR_IA32_VMX_TRUE_PINBASED_CTLS, 0x0000007f00000016ull},
	{MSR_IA32_VMX_TRUE_PROCBASED_CTLS, 0xf7f9fffe04006172ull},
	{MSR_IA32_VMX_TRUE_EXIT_CTLS, 0x007fffff00036dfbull},
	{MSR_IA32_VMX_TRUE_ENTRY_CTLS, 0x0000ffff000011fbull},
	{MSR_IA32_VMX_VMFUNC, 0x1},
	{0, 0},
};

struct cpu_fixture bochs_skylake_x = {"bochs-skylake-x",
				      "GenuineIntel",
				      0x7ffafbbf,
				      skylake_msrs,
				      0,
				      0,
				      0,
				      0};

static const struct msr_value core2_msrs[] = {
	{MSR_IA32_FEATURE_CONTROL, 0x5},
	{MSR_IA32_VMX_BASIC, 0x005a08000000000dull},
	{MSR_IA32_VMX_PINBASED_CTLS, 0x0000003f00000016ull},
	/* no "activate secondary controls" (bit 63 clear) */
	{MSR_IA32_VMX_PROCBASED_CTLS, 0x77b9fffe0401e172ull},
	{MSR_IA32_VMX_EXIT_CTLS, 0x0003efff00036dffull},
	{MSR_IA32_VMX_ENTRY_CTLS, 0x00003fff000011ffull},
	{MSR_IA32_VMX_MISC, 0x00000000000403c0ull},
	{MSR_IA32_VMX_CR0_FIXED0, 0x0000000080000021ull},
	{MSR_IA32_VMX_CR0_FIXED1, 0x00000000ffffffffull},
	{MSR_IA32_VMX_CR4_FIXED0, 0x0000000000002000ull},
	{MSR_IA32_VMX_CR4_FIXED1, 0x00000000000027ffull},
	{MSR_IA32_VMX_VMCS_ENUM, 0x000000000000002cull},
	{0, 0},
};

struct cpu_fixture core2_no_true_ctls = {"core2-no-true-controls",
					 "GenuineIntel",
					 0x0008e3fd,
					 core2_msrs,
					 0,
					 0,
					 0,
					 0};

static const struct msr_value haswell_msrs[] = {
	{MSR_IA32_FEATURE_CONTROL, 0x5},
	{MSR_IA32_VMX_BASIC, 0x00da040000000012ull},
	{MSR_IA32_VMX_PINBASED_CTLS, 0x0000007f00000016ull},
	{MSR_IA32_VMX_PROCBASED_CTLS, 0xfff9fffe0401e172ull},
	{MSR_IA32_VMX_EXIT_CTLS, 0x007fffff00036dffull},
	{MSR_IA32_VMX_ENTRY_CTLS, 0x0000ffff000011ffull},
	{MSR_IA32_VMX_MISC, 0x00000000300481e5ull},
	{MSR_IA32_VMX_CR0_FIXED0, 0x0000000080000021ull},
	{MSR_IA32_VMX_CR0_FIXED1, 0x00000000ffffffffull},
	{MSR_IA32_VMX_CR4_FIXED0, 0x0000000000002000ull},
	{MSR_IA32_VMX_CR4_FIXED1, 0x00000000001767ffull},
	{MSR_IA32_VMX_VMCS_ENUM, 0x000000000000002eull},
	{MSR_IA32_VMX_PROCBASED_CTLS2, 0x000032ff00000000ull},
	{MSR_IA32_VMX_EPT_VPID_CAP, 0x00000f0106734141ull},
	{MSR_IA32_VMX_TRUE_PINBASED_CTLS, 0x0000007f00000016ull},
	{MSR_IA32_VMX_TRUE_PROCBASED_CTLS, 0xfff9fffe04006172ull},
	{MSR_IA32_VMX_TRUE_EXIT_CTLS, 0x007fffff00036dfbull},
	{MSR_IA32_VMX_TRUE_ENTRY_CTLS, 0x0000ffff000011fbull},
	{MSR_IA32_VMX_VMFUNC, 0x1}, /* EPTP switching */
	{0, 0},
};

struct cpu_fixture haswell_kvm = {
	"haswell-kvm", "GenuineIntel", 0xf7fa3223, haswell_msrs, 0, 0, 0, 0};

static const struct msr_value no_msrs[] = {{0, 0}};

struct cpu_fixture amd_no_vmx = {
	"amd-no-vmx", "AuthenticAMD", 0x7ed8320b, no_msrs, 0, 0, 0, 0};

/* CPUID.(EAX=7,ECX=0):EDX bits: MD_CLEAR 10, IBRS/IBPB 26, STIBP 27,
 * L1D_FLUSH 28, ARCH_CAPABILITIES 29, SSBD 31. */
#define L7_SPEC (1u << 26 | 1u << 27 | 1u << 31)

struct cpu_fixture skylake_client = {"skylake-client",
				     "GenuineIntel",
				     0x7ffafbbf,
				     no_msrs,
				     0,
				     0,
				     0x16,
				     L7_SPEC | 1u << 10 | 1u << 28};

static const struct msr_value cascade_lake_msrs[] = {
	{MSR_IA32_ARCH_CAPABILITIES, 0x2b}, /* RDCL_NO IBRS_ALL SKIP MDS_NO */
	{0, 0},
};

struct cpu_fixture cascade_lake = {"cascade-lake",
				   "GenuineIntel",
				   0x7ffefbff,
				   cascade_lake_msrs,
				   0,
				   0,
				   0x16,
				   L7_SPEC | 1u << 10 | 1u << 28 | 1u << 29};

static const struct msr_value whiskey_lake_msrs[] = {
	{MSR_IA32_ARCH_CAPABILITIES, 0x0b}, /* RDCL_NO IBRS_ALL RSBA SKIP */
	{0, 0},
};

struct cpu_fixture whiskey_lake = {"whiskey-lake",
				   "GenuineIntel",
				   0x7ffafbbf,
				   whiskey_lake_msrs,
				   0,
				   0,
				   0x16,
				   L7_SPEC | 1u << 10 | 1u << 28 | 1u << 29};

static const struct msr_value nested_skip_msrs[] = {
	{MSR_IA32_ARCH_CAPABILITIES, 0x08}, /* SKIP_L1DFL_VMENTRY only */
	{0, 0},
};

struct cpu_fixture nested_skip_l1dfl = {"nested-skip-l1dfl",
					"GenuineIntel",
					0xf7fa3223,
					nested_skip_msrs,
					0,
					0,
					0xd,
					L7_SPEC | 1u << 10 | 1u << 28 |
						1u << 29};

struct cpu_fixture haswell_old_microcode = {"haswell-old-microcode",
					    "GenuineIntel",
					    0x7ffafbbf,
					    no_msrs,
					    0,
					    0,
					    0xd,
					    0};

uint64_t fixture_msr(const struct cpu_fixture *f, uint32_t msr)
{
	for (const struct msr_value *m = f->msrs; m->index; m++)
		if (m->index == msr)
			return m->value;
	return 0;
}

static void fake_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf,
		       struct cpuid_regs *out)
{
	const struct cpu_fixture *f = ctx;
	uint32_t v[3];

	memset(out, 0, sizeof(*out));
	if (leaf == 0) {
		memcpy(v, f->vendor, 12); /* EBX, EDX, ECX order */
		out->ebx = v[0];
		out->edx = v[1];
		out->ecx = v[2];
		out->eax = f->max_leaf;
	} else if (leaf == 1) {
		out->ecx = f->cpuid1_ecx;
	} else if (leaf == 7 && leaf <= f->max_leaf && subleaf == 0) {
		out->edx = f->cpuid7_edx;
	}
}

static uint64_t fake_rdmsr(void *ctx, uint32_t msr)
{
	struct cpu_fixture *f = ctx;

	f->reads++;
	for (const struct msr_value *m = f->msrs; m->index; m++)
		if (m->index == msr)
			return m->value;
	if (!f->bad_read)
		f->bad_read = msr;
	return 0;
}

struct cpu_ops fixture_ops(struct cpu_fixture *f)
{
	f->bad_read = 0;
	f->reads = 0;
	return (struct cpu_ops){fake_cpuid, fake_rdmsr, f};
}
