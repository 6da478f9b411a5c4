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
};

/* Everything the design needs that the CPU lacks is named on the console
 * ("hv: this CPU lacks <control> (<field>)"), and HV_UNSUPPORTED returned:
 * no VM entry is attempted. */
enum hv_status vm_controls_choose(const struct vmx_caps *caps,
				  const struct exit_controls *policy,
				  struct vm_controls *out);

#endif
