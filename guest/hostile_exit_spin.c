/* hostile_exit_spin: disables interrupts and spins on CPUID, an
 * instruction that always exits. Between exits the guest runs for a few
 * instructions, so the VMX-preemption timer (which counts guest time
 * only) hardly moves: measured by its slices alone, this guest would run
 * about a hundred times longer than its budget under Bochs, and far
 * longer on hardware. Proves that a run is bounded by host time as well:
 * the TSC checked at every exit stops the guest (result=killed
 * why=host_time) long before its slices run out. */
#include "lib.h"

int guest_main(struct hv_info *info);
int guest_main(struct hv_info *info)
{
	(void)info;
	guest_exceptions_init();
	guest_printf("hostile_exit_spin: CPUID forever with interrupts "
		     "disabled\n");
	__asm__ volatile("cli\n"
			 "1:\tcpuid\n\t"
			 "jmp 1b" ::"a"(0),
			 "c"(0)
			 : "rbx", "rdx", "memory");
	guest_printf("hostile_exit_spin: FAIL: the loop ended\n");
	return 1;
}
