/* hostile_string_io: writes to the UART with REP OUTSB, string I/O that
 * the hypervisor does not emulate (it would have to walk the guest's page
 * tables for the source buffer). Proves that an instruction the VMM
 * cannot handle ends the guest cleanly and by name instead of being
 * skipped or half-done: result=killed why=string_io. */
#include "lib.h"

int guest_main(struct hv_info *info);
int guest_main(struct hv_info *info)
{
	static const char text[] = "hostile_string_io: via REP OUTSB\n";
	const char *p = text;
	uint64_t n = sizeof(text) - 1;

	(void)info;
	guest_exceptions_init();
	guest_printf("hostile_string_io: REP OUTSB to the UART at 0x%x\n",
		     HV_UART_BASE);
	__asm__ volatile("rep outsb"
			 : "+S"(p), "+c"(n)
			 : "d"((uint16_t)HV_UART_BASE)
			 : "memory");
	guest_printf("hostile_string_io: FAIL: still running after REP "
		     "OUTSB\n");
	return 1;
}
