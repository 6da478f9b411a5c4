/* hostile_ept_read: reads linear 0x3ff000, mapped by the guest's page
 * tables but not backed by EPT. Proves that a guest cannot read host
 * memory past its own 2 MiB: the read ends in an EPT violation and the
 * hypervisor kills the guest (result=killed why=ept_violation,
 * guest-physical 0x3ff000 printed). */
#include "lib.h"

#define OUTSIDE_GPA UINT64_C(0x3ff000)

int guest_main(struct hv_info *info);
int guest_main(struct hv_info *info)
{
	volatile uint64_t *outside =
		(volatile uint64_t *)(uintptr_t)OUTSIDE_GPA;

	(void)info;
	guest_exceptions_init();
	guest_printf("hostile_ept_read: reading guest-physical 0x%lx, "
		     "outside guest memory\n",
		     OUTSIDE_GPA);
	uint64_t leaked = *outside; /* the EPT violation */

	guest_printf("hostile_ept_read: FAIL: read 0x%lx from 0x%lx\n", leaked,
		     OUTSIDE_GPA);
	return 1;
}
