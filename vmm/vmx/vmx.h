/* Entering and leaving VMX operation — SDM 3C 24.7, "Enabling and Entering VMX
 * Operation", 24.8, "Restrictions on VMX Operation". */
#ifndef HV_VMX_H
#define HV_VMX_H

#include <stdint.h>

#include "hv.h"
#include "vmx/vmx_caps.h"

struct vmx_session {
	void *vmxon_region;
	uint64_t cr0_before, cr4_before;
};

/* IA32_FEATURE_CONTROL, CR0/CR4 fixed bits, CR4.VMXE, VMXON. On failure
 * everything is undone and the reason printed. */
enum hv_status vmx_on(struct vmx_session *s, const struct vmx_caps *caps);
/* VMXOFF, then CR4 and CR0 as they were, and the VMXON region freed. If VMXOFF
 * fails the CPU is still in VMX operation: CR4.VMXE cannot be cleared then (SDM
 * 3C 24.7, "Enabling and Entering VMX Operation": #GP) and the region is still
 * the CPU's, so both stay, and this returns HV_VMX_FAILED. */
enum hv_status vmx_off(struct vmx_session *s);

/* A VMCS region: its first 31 bits hold the revision identifier. */
void *vmx_alloc_region(const struct vmx_caps *caps);

#endif
