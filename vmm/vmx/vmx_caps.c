/* Reading and decoding the VMX capability MSRs — SDM 3D appendix A. */
#include "vmx/vmx_caps.h"

#include "vmx/vmx_controls.h"
#include "x86/msr.h"

#define CPUID_1_ECX_VMX (1u << 5)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)

static void read_vendor(struct vmx_caps *caps, const struct cpu_ops *cpu)
{
	struct cpuid_regs r;
	const uint32_t order[3] = {0, 2, 1}; /* EBX, EDX, ECX */

	cpu->cpuid(cpu->ctx, 0, 0, &r);
	const uint32_t regs[3] = {r.ebx, r.ecx, r.edx};

	for (int i = 0; i < 3; i++)
		for (int b = 0; b < 4; b++)
			caps->vendor[i * 4 + b] =
				(char)(regs[order[i]] >> (8 * b));
	caps->vendor[12] = '\0';
}

void vmx_caps_read(struct vmx_caps *caps, const struct cpu_ops *cpu)
{
	struct cpuid_regs r;

	*caps = (struct vmx_caps){0};
	read_vendor(caps, cpu);
	cpu->cpuid(cpu->ctx, 1, 0, &r);
	caps->cpuid_vmx = r.ecx & CPUID_1_ECX_VMX;
	caps->hypervisor = r.ecx & CPUID_1_ECX_HYPERVISOR;
	if (!caps->cpuid_vmx)
		return; /* none of the MSRs below exist */

	uint64_t (*rd)(void *, uint32_t) = cpu->rdmsr;
	void *c = cpu->ctx;

	caps->feature_control = rd(c, MSR_IA32_FEATURE_CONTROL);
	caps->basic = rd(c, MSR_IA32_VMX_BASIC);
	caps->misc = rd(c, MSR_IA32_VMX_MISC);
	caps->cr0_fixed0 = rd(c, MSR_IA32_VMX_CR0_FIXED0);
	caps->cr0_fixed1 = rd(c, MSR_IA32_VMX_CR0_FIXED1);
	caps->cr4_fixed0 = rd(c, MSR_IA32_VMX_CR4_FIXED0);
	caps->cr4_fixed1 = rd(c, MSR_IA32_VMX_CR4_FIXED1);
	caps->vmcs_enum = rd(c, MSR_IA32_VMX_VMCS_ENUM);

	/* SDM 3D A.2, "Reserved Controls and Default Settings": the TRUE MSRs
	 * exist only when BASIC bit 55 is 1. */
	caps->true_controls = caps->basic & VMX_BASIC_TRUE_CONTROLS;
	if (caps->true_controls) {
		caps->pin = rd(c, MSR_IA32_VMX_TRUE_PINBASED_CTLS);
		caps->proc = rd(c, MSR_IA32_VMX_TRUE_PROCBASED_CTLS);
		caps->exit = rd(c, MSR_IA32_VMX_TRUE_EXIT_CTLS);
		caps->entry = rd(c, MSR_IA32_VMX_TRUE_ENTRY_CTLS);
	} else {
		caps->pin = rd(c, MSR_IA32_VMX_PINBASED_CTLS);
		caps->proc = rd(c, MSR_IA32_VMX_PROCBASED_CTLS);
		caps->exit = rd(c, MSR_IA32_VMX_EXIT_CTLS);
		caps->entry = rd(c, MSR_IA32_VMX_ENTRY_CTLS);
	}

	/* SDM 3D A.3.3, "Secondary Processor-Based VM-Execution Controls":
	 * PROCBASED_CTLS2 exists only if the primary controls allow "activate
	 * secondary controls" to be 1. */
	caps->has_proc2 =
		control_allowed1(caps->proc, PROC_ACTIVATE_SECONDARY_CONTROLS);
	if (!caps->has_proc2)
		return;
	caps->proc2 = rd(c, MSR_IA32_VMX_PROCBASED_CTLS2);

	/* SDM 3D A.10, "VPID and EPT Capabilities": EPT_VPID_CAP exists only if
	 * EPT or VPID may be 1. */
	caps->has_ept_vpid = control_allowed1(caps->proc2, PROC2_ENABLE_EPT) ||
			     control_allowed1(caps->proc2, PROC2_ENABLE_VPID);
	if (caps->has_ept_vpid)
		caps->ept_vpid = rd(c, MSR_IA32_VMX_EPT_VPID_CAP);

	/* SDM 3D A.11, "VM Functions": VMFUNC exists only if VM functions may
	 * be 1. */
	caps->has_vmfunc =
		control_allowed1(caps->proc2, PROC2_ENABLE_VM_FUNCTIONS);
	if (caps->has_vmfunc)
		caps->vmfunc = rd(c, MSR_IA32_VMX_VMFUNC);
}

enum feature_control_state feature_control_state(uint64_t msr)
{
	if (!(msr & FEATURE_CONTROL_LOCK))
		return FEATURE_CONTROL_UNLOCKED;
	if (msr & FEATURE_CONTROL_VMXON_OUTSIDE_SMX)
		return FEATURE_CONTROL_LOCKED_ON;
	return FEATURE_CONTROL_LOCKED_OFF;
}

enum control_setting control_setting(uint64_t cap, unsigned int bit)
{
	uint32_t must_be_1 = (uint32_t)cap;
	uint32_t may_be_1 = (uint32_t)(cap >> 32);
	uint32_t mask = 1u << bit;

	if (must_be_1 & mask)
		return CONTROL_FIXED_1;
	if (!(may_be_1 & mask))
		return CONTROL_FIXED_0;
	return CONTROL_FLEXIBLE;
}

/* SDM 3D A.3.1, "Pin-Based VM-Execution Controls": a bit is 1 if the CPU
 * requires it (allowed-0 bit set), may be 1 only if its allowed-1 bit is set.
 */
struct control_choice control_adjust(uint64_t cap, uint32_t required,
				     uint32_t optional)
{
	uint32_t must_be_1 = (uint32_t)cap;
	uint32_t may_be_1 = (uint32_t)(cap >> 32);
	uint32_t wanted = required | optional;

	return (struct control_choice){
		.value = (wanted & may_be_1) | must_be_1,
		.missing = required & ~may_be_1,
		.forced = must_be_1 & ~wanted,
	};
}
