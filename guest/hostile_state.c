/* hostile_state: writes the host state that the VMCS does not switch and
 * that reaches the real registers without a VM exit: the debug registers
 * DR0-DR3, DR6 and DR7 (MOV DR does not exit here), and, through SWAPGS,
 * IA32_KERNEL_GS_BASE. Proves that the guest really holds those registers
 * while it runs (each reads back what it wrote) and that the hypervisor
 * gives the host its own values back afterwards: the host's line "hv:
 * host state after the run: as before" follows this run. Ends with status
 * 0 (result=ok) when every check passed, else the number of failed checks
 * (result=error). */
#include "lib.h"

#define DEFINE_DR(n)                                              \
	static void write_dr##n(uint64_t v)                       \
	{                                                         \
		__asm__ volatile("mov %0, %%dr" #n ::"r"(v));     \
	}                                                         \
	static uint64_t read_dr##n(void)                          \
	{                                                         \
		uint64_t v;                                       \
		__asm__ volatile("mov %%dr" #n ", %0" : "=r"(v)); \
		return v;                                         \
	}
DEFINE_DR(0)
DEFINE_DR(1)
DEFINE_DR(2)
DEFINE_DR(3)
DEFINE_DR(6)
DEFINE_DR(7)

int guest_main(struct hv_info *info);
int guest_main(struct hv_info *info)
{
	uint64_t gs = 0;

	(void)info;
	guest_exceptions_init();
	guest_printf("hostile_state: writing DR0-DR3, DR6, DR7 and, with "
		     "SWAPGS, IA32_KERNEL_GS_BASE\n");
	check(read_dr0() == 0 && read_dr7() == 0x400,
	      "DR0 and DR7 start at their power-on values, not the host's");
	write_dr0(0x1000);
	write_dr1(0x2000);
	write_dr2(0x3000);
	write_dr3(0x4000);
	write_dr6(DR6_INIT | DR6_BS);
	write_dr7(DR7_INIT | DR7_GE);
	check(read_dr0() == 0x1000 && read_dr1() == 0x2000 &&
		      read_dr2() == 0x3000 && read_dr3() == 0x4000,
	      "DR0-DR3 hold what the guest wrote");
	check(read_dr6() & DR6_BS, "DR6 holds what the guest wrote");
	check(read_dr7() == (DR7_INIT | DR7_GE),
	      "DR7 holds what the guest wrote");

	/* SWAPGS exchanges GS.base with the real IA32_KERNEL_GS_BASE. */
	check(wrmsr_safe(MSR_IA32_GS_BASE, 0x5000) == 0, "GS.base set");
	__asm__ volatile("swapgs" ::: "memory");
	check(rdmsr_safe(MSR_IA32_GS_BASE, &gs) == 0 && gs == 0,
	      "IA32_KERNEL_GS_BASE started at 0, not the host's");
	guest_printf("hostile_state: IA32_KERNEL_GS_BASE now holds 0x5000; "
		     "%d of %d checks passed\n",
		     check_count() - check_failures(), check_count());
	return check_failures();
}
