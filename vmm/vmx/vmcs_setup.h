/* Filling the current VMCS: controls, host state, guest state. */
#ifndef HV_VMCS_SETUP_H
#define HV_VMCS_SETUP_H

#include "exit/exit_policy.h"
#include "exit/vcpu.h"
#include "vmx/vm_controls.h"
#include "vmx/vmx_caps.h"
#include "x86/host_gdt.h"

struct vm_setup {
	const struct vmx_caps *caps;
	const struct vm_controls *controls;
	const struct exit_controls *policy;
	const struct exit_bitmaps *bitmaps;
	const struct host_gdt *gdt;
	uint64_t eptp;
};

void vmcs_setup_controls(const struct vm_setup *s, const struct vcpu *v);
void vmcs_setup_host(const struct vm_setup *s, const struct vcpu *v);
void vmcs_setup_guest(const struct vm_setup *s, const struct vcpu *v);

#endif
