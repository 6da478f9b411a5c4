/* hostile_spin: disables interrupts and spins forever without a single
 * VM exit of its own making. Proves that a guest cannot keep the CPU:
 * the VMX-preemption timer still takes it away (RFLAGS.IF does not mask
 * it), and after 400 time slices the watchdog kills the guest
 * (result=killed why=watchdog). */
#include "lib.h"

int guest_main(struct hv_info *info);
int guest_main(struct hv_info *info)
{
	(void)info;
	guest_exceptions_init();
	guest_printf("hostile_spin: spinning forever with interrupts "
		     "disabled\n");
	__asm__ volatile("cli\n"
			 "1:\tjmp 1b");
	guest_printf("hostile_spin: FAIL: the loop ended\n");
	return 1;
}
