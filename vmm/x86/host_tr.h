/* Which task register the host keeps while VMX is on. A VM exit loads TR
 * from HOST_TR_SELECTOR and HOST_TR_BASE, and the selector must not be 0
 * (SDM 3C 27.2.3 "Checks on Host Segment and Descriptor-Table
 * Registers"). OVMF runs with TR = 0, so hv.efi brings its own TSS; an
 * EDK2 build with the stack guard has a TSS whose IST stacks serve #DF
 * and #PF, and that one must stay the host's, during and after the run. */
#ifndef HV_HOST_TR_H
#define HV_HOST_TR_H

#include <stdbool.h>
#include <stdint.h>

struct host_tr_choice {
	bool own;	   /* hv.efi loads its own TSS (LTR) */
	uint16_t selector; /* with !own: the firmware's TR */
	uint64_t base;	   /* with !own: its TSS, from the descriptor */
	const char *why;   /* why, in a few words */
};

/* From the firmware's TR (STR) and its GDT (@gdt_size = GDTR.limit + 1
 * bytes): keep the firmware's TR when it selects a present 64-bit TSS
 * descriptor (type 9 available or 11 busy, SDM 3A 8.2.3 "TSS Descriptor
 * in 64-bit mode") in the GDT with RPL = TI = 0, as HOST_TR_SELECTOR
 * needs; otherwise hv.efi's own. */
void host_tr_choose(uint16_t firmware_tr, const uint8_t *gdt, uint32_t gdt_size,
		    struct host_tr_choice *c);

#endif
