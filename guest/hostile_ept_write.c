/* hostile_ept_write: writes to linear 0x300000, which the guest's own page
 * tables map (linear = physical over 0..1 GiB) but EPT does not back
 * (guest memory is 0x0-0x1fffff). Proves that a guest cannot write host
 * memory by pointing its page tables past its own memory: the write ends
 * in an EPT violation and the hypervisor kills the guest
 * (result=killed why=ept_violation, guest-physical 0x300000 printed). */
#include "lib.h"

#define OUTSIDE_GPA UINT64_C(0x300000)

int guest_main(struct hv_info *info);
int guest_main(struct hv_info *info)
{
	volatile uint64_t *outside =
		(volatile uint64_t *)(uintptr_t)OUTSIDE_GPA;

	(void)info;
	guest_exceptions_init();
	guest_printf("hostile_ept_write: writing to guest-physical 0x%lx, "
		     "outside guest memory\n",
		     OUTSIDE_GPA);
	*outside = UINT64_C(0x6b696c6c6d65); /* the EPT violation */
	guest_printf("hostile_ept_write: FAIL: the write to 0x%lx went "
		     "through\n",
		     OUTSIDE_GPA);
	return 1;
}
