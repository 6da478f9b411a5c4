/* hostile_cr3: loads CR3 with 0x10000000, a page-aligned address below
 * MAXPHYADDR (so MOV to CR3 itself is legal and the hypervisor accepts
 * it) but outside guest memory. The guest's page tables do not set the
 * global bit, so MOV to CR3 drops every translation and the very next
 * instruction fetch walks a PML4 at guest-physical 0x10000000. Proves
 * that a page walk through memory the guest was not given cannot read
 * host memory: it ends in an EPT violation and the hypervisor kills the
 * guest (result=killed why=ept_violation, guest-physical 0x10000000
 * printed). It also proves the hypervisor flushes the guest's TLB when
 * it emulates the load: with stale translations the guest would run on
 * and end with result=error. */
#include "lib.h"

#define OUTSIDE_CR3 UINT64_C(0x10000000)

int guest_main(struct hv_info *info);
int guest_main(struct hv_info *info)
{
	(void)info;
	guest_exceptions_init();
	guest_printf("hostile_cr3: loading CR3 with 0x%lx, outside guest "
		     "memory\n",
		     OUTSIDE_CR3);
	write_cr3(OUTSIDE_CR3); /* the next fetch walks unbacked memory */
	guest_printf("hostile_cr3: FAIL: still running with CR3 0x%lx\n",
		     read_cr3());
	return 1;
}
