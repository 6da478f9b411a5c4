/* Choosing the five VMX control fields for this hypervisor's guests from
 * what the exit policy asks for and what the CPU allows. */
#ifndef HV_VM_CONTROLS_H
#define HV_VM_CONTROLS_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/exit_policy.h"
#include "hv.h"
#include "vmx/vmx_caps.h"

struct vm_controls {
	uint32_t pin, proc, proc2, exit, entry;
	bool vpid;	 /* VPID enabled (and INVVPID usable) */
	bool save_timer; /* the preemption timer counts on across exits */
	bool pat;	 /* guest and host IA32_PAT switched by the VMCS */
	bool apicv;	 /* APIC virtualization (vm_controls_apicv) */
};

/* The CPU's APIC virtualization, all of it or none (SDM 3C chapter 30,
 * "APIC Virtualization and Virtual Interrupts"): "use TPR shadow" (the
 * virtual-APIC page), "virtualize APIC accesses" (the xAPIC page),
 * "APIC-register virtualization" (its reads from the virtual-APIC page)
 * and "virtual-interrupt delivery" (the CPU delivers what its IRR holds
 * and completes EOIs, without exits), which needs "external-interrupt
 * exiting" (SDM 3C 27.2.1.1). True where the CPU can set all five; the
 * bits in @proc and @proc2. */
bool vm_controls_apicv(const struct vmx_caps *caps, uint32_t *proc,
		       uint32_t *proc2);

/* Everything the design needs that the CPU lacks is named on the console
 * ("hv: this CPU lacks <control> (<field>)"), and HV_UNSUPPORTED returned:
 * no VM entry is attempted. */
enum hv_status vm_controls_choose(const struct vmx_caps *caps,
				  const struct exit_controls *policy,
				  struct vm_controls *out);

#endif
