/* The host's GDT while VMX is on: the firmware's, copied, plus a TSS. VM exits
 * load TR from HOST_TR_SELECTOR, which must not be 0 (SDM 3C 27.2.3, "Checks on
 * Host Segment and Descriptor-Table Registers"), and OVMF runs with TR = 0 and
 * no TSS in its GDT. */
#ifndef HV_HOST_GDT_H
#define HV_HOST_GDT_H

#include <stdbool.h>
#include <stdint.h>

#include "x86/arch.h"

struct host_gdt {
	uint8_t *page; /* GDT copy, then the TSS */
	uint64_t tss_base;
	uint16_t tr_selector;
	bool own_tss; /* hv.efi's TSS in the page; else the firmware's TR */
	struct descriptor_table_reg gdtr, firmware_gdtr, firmware_idtr;
};

/* Loads the copy and, when the firmware has no TSS of its own
 * (host_tr.h), hv.efi's TSS (LTR). 0, or -1 when out of memory or the
 * firmware's GDT does not fit a page. */
int host_gdt_enter(struct host_gdt *g);
/* Loads the firmware's GDTR and IDTR again (a VM exit leaves their limits
 * at 0xFFFF). With hv.efi's own TSS, TR cannot be set back to 0, so the
 * page TR refers to stays allocated; with the firmware's, it is freed. */
void host_gdt_leave(struct host_gdt *g);

#endif
