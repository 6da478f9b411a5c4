/* hostile_msr: RDMSR and WRMSR of MSRs a guest must not touch: the VMX
 * lock (IA32_FEATURE_CONTROL), the host's VMX capabilities
 * (IA32_VMX_BASIC), IA32_EFER with a reserved bit or without long mode,
 * an MSR that does not exist, and IA32_KERNEL_GS_BASE with a
 * non-canonical value (the MSR bitmap passes it: the CPU's own check).
 * Proves that every one raises #GP in the guest (the hypervisor never
 * touches the host's MSR) and that IA32_EFER is unchanged afterwards. Then, for each feature whose MSR the guest
 * does not have (x2APIC, TSC-deadline, PDCM, MTRR, MCA, TSC_ADJUST,
 * SPEC_CTRL, L1D_FLUSH, ARCH_CAPABILITIES, performance monitoring), that
 * CPUID does not advertise it and that its MSR raises #GP, and that the
 * XSAVE leaf 0DH is empty. Ends with status 0 (result=ok) when every
 * check passed, else the number of failed checks (result=error). */
#include "lib.h"

#include "../vmm/print.h"
#define MSR_NONEXISTENT 0xdeadbeef
#define FEATURE_CONTROL_LOCK (1ull << 0)
#define FEATURE_CONTROL_VMXON_OUTSIDE_SMX (1ull << 2)
#define EFER_RESERVED_BIT1 (1ull << 1)

/* A CPUID feature bit and an MSR that exists only with it (SDM 4). */
static const struct {
	uint32_t leaf;
	int reg; /* 0 EAX, 1 EBX, 2 ECX, 3 EDX */
	uint32_t bits;
	uint32_t msr;
	const char *what;
} msr_features[] = {
	{1, 2, 1u << 21, 0x802, "x2APIC (IA32_X2APIC_APICID)"},
	{1, 2, 1u << 24, 0x6e0, "TSC-deadline (IA32_TSC_DEADLINE)"},
	{1, 2, 1u << 15, 0x345, "PDCM (IA32_PERF_CAPABILITIES)"},
	{1, 3, 1u << 12, 0xfe, "MTRR (IA32_MTRRCAP)"},
	{1, 3, 1u << 14, 0x179, "MCA (IA32_MCG_CAP)"},
	{7, 1, 1u << 1, 0x3b, "IA32_TSC_ADJUST"},
	{7, 3, 1u << 26, 0x48, "IBRS/IBPB (IA32_SPEC_CTRL)"},
	{7, 3, 1u << 31, 0x48, "SSBD (IA32_SPEC_CTRL)"},
	{7, 3, 1u << 28, 0x10b, "L1D_FLUSH (IA32_FLUSH_CMD)"},
	{7, 3, 1u << 29, 0x10a, "IA32_ARCH_CAPABILITIES"},
	{0xa, 0, 0xffu, 0xc1, "performance monitoring (IA32_PMC0)"},
};

static void hidden_msr_features(void)
{
	char what[96];
	uint32_t r[4];
	uint64_t v;

	for (unsigned int i = 0;
	     i < sizeof(msr_features) / sizeof(msr_features[0]); i++) {
		cpuid(msr_features[i].leaf, &r[0], &r[1], &r[2], &r[3]);
		hv_snprintf(what, sizeof(what), "CPUID does not advertise %s",
			    msr_features[i].what);
		check(!(r[msr_features[i].reg] & msr_features[i].bits), what);
		check_raises(rdmsr_safe(msr_features[i].msr, &v), EXC_GP,
			     "... and its MSR raises #GP");
	}
	cpuid(0xd, &r[0], &r[1], &r[2], &r[3]);
	check(!(r[0] | r[1] | r[2] | r[3]),
	      "CPUID leaf 0DH (XSAVE components) is empty");
}

int guest_main(struct hv_info *info);
int guest_main(struct hv_info *info)
{
	uint64_t efer = 0, v = 0;

	(void)info;
	guest_exceptions_init();
	guest_printf("hostile_msr: touching IA32_FEATURE_CONTROL, "
		     "IA32_VMX_BASIC, IA32_EFER, IA32_KERNEL_GS_BASE and MSR "
		     "0x%x\n",
		     MSR_NONEXISTENT);
	check(rdmsr_safe(MSR_IA32_EFER, &efer) == 0,
	      "RDMSR IA32_EFER works before the attacks");

	check_raises(rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &v), EXC_GP,
		     "RDMSR IA32_FEATURE_CONTROL raises #GP");
	check_raises(wrmsr_safe(MSR_IA32_FEATURE_CONTROL,
				FEATURE_CONTROL_LOCK |
					FEATURE_CONTROL_VMXON_OUTSIDE_SMX),
		     EXC_GP,
		     "WRMSR IA32_FEATURE_CONTROL (lock, VMXON) raises #GP");
	check_raises(wrmsr_safe(MSR_IA32_EFER, efer | EFER_RESERVED_BIT1),
		     EXC_GP, "WRMSR IA32_EFER with reserved bit 1 raises #GP");
	check_raises(wrmsr_safe(MSR_IA32_EFER, efer & ~EFER_LME), EXC_GP,
		     "WRMSR IA32_EFER clearing LME raises #GP");
	check_raises(rdmsr_safe(MSR_NONEXISTENT, &v), EXC_GP,
		     "RDMSR of nonexistent MSR 0xdeadbeef raises #GP");
	check_raises(wrmsr_safe(MSR_NONEXISTENT, 0), EXC_GP,
		     "WRMSR of nonexistent MSR 0xdeadbeef raises #GP");
	check_raises(rdmsr_safe(MSR_IA32_VMX_BASIC, &v), EXC_GP,
		     "RDMSR IA32_VMX_BASIC raises #GP");
	check_raises(wrmsr_safe(MSR_IA32_KERNEL_GS_BASE, 0x0000800000001000ull),
		     EXC_GP,
		     "WRMSR IA32_KERNEL_GS_BASE, not canonical, raises #GP");

	check(rdmsr_safe(MSR_IA32_EFER, &v) == 0 && v == efer,
	      "IA32_EFER reads back unchanged");
	hidden_msr_features();
	guest_printf("hostile_msr: %d of %d checks passed\n",
		     check_count() - check_failures(), check_count());
	return check_failures();
}
