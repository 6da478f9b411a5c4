/* Filling the current VMCS: controls, host state, guest state. */
#ifndef HV_VMCS_SETUP_H
#define HV_VMCS_SETUP_H

#include "vmx/exit_policy.h"
#include "vmx/vm_controls.h"
#include "vmx/vmx_entry.h"
#include "vmx/vmx_caps.h"
#include "vmx/host_gdt.h"
#include "x86/x86.h"

struct vm_setup {
	const struct vmx_caps *caps;
	const struct vm_controls *controls;
	const struct exit_controls *policy;
	const struct exit_bitmaps *bitmaps;
	const struct host_gdt *gdt;
	uint64_t eptp;
	const struct guest_entry *entry;
	uint16_t vpid;			   /* 0: VPID not in use */
	uint32_t preemption_timer;	   /* its first value */
	struct vmx_exit_frame *exit_frame; /* HOST_RSP */
	/* The real CR4 under the guest's first one, GUEST_FIRST_CR4: VMX's
	 * fixed bits and the host's MCE (exit/machine_check.h). */
	uint64_t real_cr4;
	/* With controls->apicv: the virtual-APIC page and the APIC-access
	 * page (SDM 3C 25.6.8, "Controls for APIC Virtualization"). */
	uint64_t virtual_apic_page, apic_access_page;
};

/* The CR4 every guest starts with: PAE, for IA-32e mode. */
#define GUEST_FIRST_CR4 CR4_PAE

/* Where and how the guest starts: a 64-bit, paged, flat-segment CPU in
 * both cases (the guest ABI's entry, or the Linux boot protocol's 64-bit
 * entry); the addresses differ, and a PC guest owns its x87 state. */
struct guest_entry {
	uint64_t rip, rsp, cr3;
	uint16_t cs, ds, tr;
	uint64_t tr_base, gdt_base;
	uint32_t gdt_limit;
	bool own_fpu; /* CR0.EM clear, CR0.MP set: x87 and SSE usable */
};

void vmcs_setup_controls(const struct vm_setup *s);
void vmcs_setup_host(const struct vm_setup *s);
void vmcs_setup_guest(const struct vm_setup *s);

#endif
