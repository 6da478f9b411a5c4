#include "vmx/vm_controls.h"

#include "print.h"
#include "vmx/vmx_controls.h"

/* Adjusts one field and names each missing required bit. */
static unsigned int choose(const struct control_field *field, uint64_t cap,
			   uint32_t required, uint32_t optional,
			   uint32_t *value)
{
	struct control_choice c = control_adjust(cap, required, optional);
	unsigned int missing = 0;

	for (unsigned int bit = 0; bit < 32; bit++) {
		if (!(c.missing & (1u << bit)))
			continue;
		const char *name = control_bit_name(field, bit);

		hv_printf("hv: this CPU lacks \"%s\" (%s), which hv needs\n",
			  name ? name : "?", field->name);
		missing++;
	}
	*value = c.value;
	return missing;
}

/* VPID only with single-context INVVPID, which the VMM issues after emulating a
 * TLB flush (SDM 3C 29.4.3.3, "Guidelines for Use of the INVVPID Instruction",
 * 31.3 "INVVPID"). */
static bool vpid_usable(const struct vmx_caps *caps)
{
	return caps->has_ept_vpid && (caps->ept_vpid & VPID_CAP_INVVPID) &&
	       (caps->ept_vpid & VPID_CAP_INVVPID_SINGLE);
}

bool vm_controls_apicv(const struct vmx_caps *caps, uint32_t *proc,
		       uint32_t *proc2)
{
	const uint32_t p = PROC_USE_TPR_SHADOW;
	const uint32_t p2 = PROC2_VIRTUALIZE_APIC_ACCESSES |
			    PROC2_APIC_REGISTER_VIRTUALIZATION |
			    PROC2_VIRTUAL_INTERRUPT_DELIVERY;
	/* The allowed-1 settings are the capability MSRs' high halves (SDM
	 * 3D A.3, "VM-Execution Controls"). */
	bool usable = caps->has_proc2 && ((caps->proc >> 32) & p) == p &&
		      ((caps->proc2 >> 32) & p2) == p2 &&
		      ((caps->pin >> 32) & PIN_EXTERNAL_INTERRUPT_EXITING);

	if (usable) {
		*proc |= p;
		*proc2 |= p2;
	}
	return usable;
}

enum hv_status vm_controls_choose(const struct vmx_caps *caps,
				  const struct exit_controls *policy,
				  struct vm_controls *out)
{
	unsigned int missing = 0;
	uint32_t proc2_optional = 0, exit_optional = 0, entry_optional = 0;

	*out = (struct vm_controls){0};
	missing +=
		choose(&pin_based_field, caps->pin, policy->pin, 0, &out->pin);
	/* EPT lives in the secondary controls. */
	missing += choose(&primary_proc_field, caps->proc,
			  policy->proc | PROC_ACTIVATE_SECONDARY_CONTROLS, 0,
			  &out->proc);
	if (vpid_usable(caps))
		proc2_optional |= PROC2_ENABLE_VPID;
	missing += choose(
		&secondary_proc_field, caps->has_proc2 ? caps->proc2 : 0,
		policy->proc2 | PROC2_ENABLE_EPT, proc2_optional, &out->proc2);

	/* A 64-bit host and guest, each with its own IA32_EFER, DR7 and
	 * IA32_DEBUGCTL (without the debug controls the guest would run with
	 * the host's). The watchdog counts guest time only if the timer's
	 * value survives exits (SDM 3C 26.5.1, "VMX-Preemption Timer"). */
	uint32_t exit_required = EXIT_HOST_ADDRESS_SPACE_SIZE |
				 EXIT_SAVE_IA32_EFER | EXIT_LOAD_IA32_EFER |
				 EXIT_SAVE_DEBUG_CONTROLS;

	if (policy->pin & PIN_ACTIVATE_PREEMPTION_TIMER)
		exit_required |= EXIT_SAVE_PREEMPTION_TIMER;
	exit_optional |= EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT;
	entry_optional |= ENTRY_LOAD_IA32_PAT;
	missing += choose(&exit_field, caps->exit, exit_required, exit_optional,
			  &out->exit);
	missing += choose(&entry_field, caps->entry,
			  ENTRY_IA32E_MODE_GUEST | ENTRY_LOAD_IA32_EFER |
				  ENTRY_LOAD_DEBUG_CONTROLS,
			  entry_optional, &out->entry);

	/* SDM 3C 29.3.7, "EPT and Memory Typing": this VMM's EPT is 4-level,
	 * write-back, and its mappings are dropped with all-context INVEPT (SDM
	 * 3C 31.3, "VMX Instructions"). */
	if (caps->has_ept_vpid && (!(caps->ept_vpid & EPT_CAP_WALK_LENGTH_4) ||
				   !(caps->ept_vpid & EPT_CAP_MEMTYPE_WB))) {
		hv_printf("hv: this CPU's EPT lacks 4-level page walks or "
			  "write-back paging structures, which hv needs\n");
		missing++;
	}
	if (caps->has_ept_vpid && (!(caps->ept_vpid & EPT_CAP_INVEPT) ||
				   !(caps->ept_vpid & EPT_CAP_INVEPT_ALL))) {
		hv_printf("hv: this CPU lacks all-context INVEPT, which hv "
			  "needs\n");
		missing++;
	}
	if (missing)
		return HV_UNSUPPORTED;

	out->vpid = out->proc2 & PROC2_ENABLE_VPID;
	out->apicv = (out->proc2 & PROC2_VIRTUAL_INTERRUPT_DELIVERY) != 0;
	out->save_timer = out->exit & EXIT_SAVE_PREEMPTION_TIMER;
	/* Switch PAT only if all three halves are there. */
	out->pat = (out->exit & EXIT_SAVE_IA32_PAT) &&
		   (out->exit & EXIT_LOAD_IA32_PAT) &&
		   (out->entry & ENTRY_LOAD_IA32_PAT);
	if (!out->pat) {
		/* Otherwise drop them, but for any the CPU forces to 1: the
		 * capability's low half is its must-be-1 bits (SDM 3D A.4,
		 * "VM-Exit Controls", A.5, "VM-Entry Controls"). */
		out->exit &= ~(EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT) |
			     (uint32_t)caps->exit;
		out->entry &= ~ENTRY_LOAD_IA32_PAT | (uint32_t)caps->entry;
	}
	return HV_OK;
}
