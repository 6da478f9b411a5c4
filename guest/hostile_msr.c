/* hostile_msr: RDMSR and WRMSR of MSRs a guest must not touch: the VMX
 * lock (IA32_FEATURE_CONTROL), the host's VMX capabilities
 * (IA32_VMX_BASIC), IA32_EFER with a reserved bit or without long mode,
 * an MSR that does not exist, and IA32_KERNEL_GS_BASE, which the
 * hypervisor does not switch. Proves that every one raises #GP in the
 * guest (the hypervisor never touches the host's MSR) and that IA32_EFER
 * is unchanged afterwards. Ends with status 0 (result=ok) when every #GP
 * arrived, else the number of failed checks (result=error). */
#include "lib.h"

#define MSR_NONEXISTENT 0xdeadbeef
#define FEATURE_CONTROL_LOCK (1ull << 0)
#define FEATURE_CONTROL_VMXON_OUTSIDE_SMX (1ull << 2)
#define EFER_RESERVED_BIT1 (1ull << 1)

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
	check_raises(wrmsr_safe(MSR_IA32_KERNEL_GS_BASE, 0xffff800000001000ull),
		     EXC_GP, "WRMSR IA32_KERNEL_GS_BASE raises #GP");

	check(rdmsr_safe(MSR_IA32_EFER, &v) == 0 && v == efer,
	      "IA32_EFER reads back unchanged");
	guest_printf("hostile_msr: %d of %d checks passed\n",
		     check_count() - check_failures(), check_count());
	return check_failures();
}
