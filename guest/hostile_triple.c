/* hostile_triple: loads an IDT with limit 0 and executes UD2. The #UD
 * cannot be delivered (its gate lies past the limit), nor can the #GP
 * that raises, nor the double fault: a triple fault, which on bare metal
 * resets the machine. Proves that a guest's triple fault ends the guest
 * and never the host (result=killed why=triple_fault). */
#include "lib.h"

int guest_main(struct hv_info *info);
int guest_main(struct hv_info *info)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = {0, 0};

	(void)info;
	guest_printf("hostile_triple: loading an empty IDT and raising #UD: "
		     "a triple fault\n");
	__asm__ volatile("lidt %0\n\t"
			 "ud2" ::"m"(idtr)
			 : "memory");
	guest_printf("hostile_triple: FAIL: survived UD2 with no IDT\n");
	return 1;
}
