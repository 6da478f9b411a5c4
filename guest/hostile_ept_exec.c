/* hostile_ept_exec: calls into linear 0x600000, which the guest's page
 * tables map (inside the 1 GiB identity map, so no #PF) but EPT does not
 * back. Proves that a guest cannot execute from memory it was not given:
 * the instruction fetch ends in an EPT violation and the hypervisor kills
 * the guest (result=killed why=ept_violation, guest-physical 0x600000
 * printed). */
#include "lib.h"

#define OUTSIDE_GPA UINT64_C(0x600000)

int guest_main(struct hv_info *info);
int guest_main(struct hv_info *info)
{
	/* volatile: the compiler must make the call, not reason about it. */
	void (*volatile outside)(void) = (void (*)(void))(uintptr_t)OUTSIDE_GPA;

	(void)info;
	guest_exceptions_init();
	guest_printf("hostile_ept_exec: calling guest-physical 0x%lx, outside "
		     "guest memory\n",
		     OUTSIDE_GPA);
	outside(); /* the fetch is the EPT violation */
	guest_printf("hostile_ept_exec: FAIL: came back from 0x%lx\n",
		     OUTSIDE_GPA);
	return 1;
}
