/* A readable capability report, in the spirit of QEMU's scripts/vmxcap:
 * for every control, whether the processor lets it be 0, 1, or both. */
#include "print.h"
#include "util.h"
#include "vmx/vmx_caps.h"
#include "vmx/vmx_controls.h"

static const char *setting_text(enum control_setting s)
{
	switch (s) {
	case CONTROL_FIXED_0:
		return "not supported (fixed 0)";
	case CONTROL_FIXED_1:
		return "always on (fixed 1)";
	case CONTROL_FLEXIBLE:
		return "may be 0 or 1";
	}
	return "?";
}

static void report_control_field(const struct control_field *field,
				 const char *msr_name, uint64_t cap)
{
	hv_printf("  %s (%s = 0x%016lx)\n", field->name, msr_name, cap);
	for (unsigned int bit = 0; bit < 32; bit++) {
		const char *name = control_bit_name(field, bit);
		enum control_setting s = control_setting(cap, bit);

		if (name)
			hv_printf("    %-40s %s\n", name, setting_text(s));
		else if (s != CONTROL_FIXED_0)
			hv_printf("    bit %-36u %s (reserved)\n", bit,
				  setting_text(s));
	}
}

static void report_flag(const char *name, int on)
{
	hv_printf("    %-40s %s\n", name, on ? "yes" : "no");
}

static const char *memory_type_name(unsigned int type)
{
	switch (type) {
	case 0:
		return "uncacheable";
	case 6:
		return "write-back";
	}
	return "reserved";
}

static void report_basic(const struct vmx_caps *c)
{
	hv_printf("  basic VMX information (IA32_VMX_BASIC = 0x%016lx)\n",
		  c->basic);
	hv_printf("    %-40s 0x%x\n", "VMCS revision identifier",
		  vmx_basic_revision(c->basic));
	hv_printf("    %-40s %u bytes\n", "VMCS region size",
		  vmx_basic_vmcs_size(c->basic));
	hv_printf("    %-40s %s\n", "VMCS memory type",
		  memory_type_name(vmx_basic_memory_type(c->basic)));
	report_flag("physical addresses limited to 32 bits",
		    !!(c->basic & VMX_BASIC_PHYS_ADDR_32BIT));
	report_flag("dual-monitor treatment of SMIs",
		    !!(c->basic & VMX_BASIC_DUAL_MONITOR));
	report_flag("INS/OUTS instruction information",
		    !!(c->basic & VMX_BASIC_INS_OUTS_INFO));
	report_flag("TRUE control MSRs (default-1 bits may be 0)",
		    c->true_controls);
	report_flag("exceptions injected without error code",
		    !!(c->basic & VMX_BASIC_NO_ERRCODE_INJECTION));
}

static void report_misc(uint64_t misc)
{
	hv_printf("  miscellaneous data (IA32_VMX_MISC = 0x%016lx)\n", misc);
	hv_printf("    %-40s TSC >> %u\n", "VMX-preemption timer rate",
		  vmx_misc_preemption_timer_rate(misc));
	report_flag("VM exit stores EFER.LMA in IA-32e mode guest",
		    !!(misc & VMX_MISC_STORE_LMA));
	report_flag("activity state HLT", !!(misc & VMX_MISC_ACTIVITY_HLT));
	report_flag("activity state shutdown",
		    !!(misc & VMX_MISC_ACTIVITY_SHUTDOWN));
	report_flag("activity state wait-for-SIPI",
		    !!(misc & VMX_MISC_ACTIVITY_WAIT_SIPI));
	hv_printf("    %-40s %u\n", "CR3-target values",
		  vmx_misc_cr3_targets(misc));
	hv_printf("    %-40s %u\n", "MSR-list entries (recommended max)",
		  vmx_misc_max_msr_list(misc));
	report_flag("VMWRITE to any field (exit info too)",
		    !!(misc & VMX_MISC_VMWRITE_ANY_FIELD));
}

static void report_ept_vpid(uint64_t cap)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} flags[] = {
		{EPT_CAP_EXECUTE_ONLY, "EPT execute-only pages"},
		{EPT_CAP_WALK_LENGTH_4, "EPT page-walk length 4"},
		{EPT_CAP_WALK_LENGTH_5, "EPT page-walk length 5"},
		{EPT_CAP_MEMTYPE_UC, "EPT paging structures uncacheable"},
		{EPT_CAP_MEMTYPE_WB, "EPT paging structures write-back"},
		{EPT_CAP_PAGE_2MB, "EPT 2-MByte pages"},
		{EPT_CAP_PAGE_1GB, "EPT 1-GByte pages"},
		{EPT_CAP_INVEPT, "INVEPT"},
		{EPT_CAP_ACCESSED_DIRTY, "EPT accessed and dirty flags"},
		{EPT_CAP_INVEPT_SINGLE, "INVEPT single-context"},
		{EPT_CAP_INVEPT_ALL, "INVEPT all-context"},
		{VPID_CAP_INVVPID, "INVVPID"},
		{VPID_CAP_INVVPID_ADDRESS, "INVVPID individual-address"},
		{VPID_CAP_INVVPID_SINGLE, "INVVPID single-context"},
		{VPID_CAP_INVVPID_ALL, "INVVPID all-context"},
		{VPID_CAP_INVVPID_SINGLE_NON_GLOBAL,
		 "INVVPID single-context retaining globals"},
	};

	hv_printf("  EPT and VPID (IA32_VMX_EPT_VPID_CAP = 0x%016lx)\n", cap);
	for (unsigned int i = 0; i < COUNT_OF(flags); i++)
		report_flag(flags[i].name, !!(cap & flags[i].bit));
}

static void report_fixed(const char *reg, uint64_t fixed0, uint64_t fixed1)
{
	hv_printf("  %s while VMX is on: must be 1 = 0x%016lx, may be 1 = "
		  "0x%016lx\n",
		  reg, fixed0, fixed1);
}

void vmx_caps_report(const struct vmx_caps *c)
{
	const char *t = c->true_controls ? "IA32_VMX_TRUE_" : "IA32_VMX_";
	char msr[40];

	static const char *const fc_text[] = {
		[FEATURE_CONTROL_UNLOCKED] = "unlocked: hv sets lock and "
					     "VMXON outside SMX",
		[FEATURE_CONTROL_LOCKED_ON] = "locked, VMXON outside SMX "
					      "enabled",
		[FEATURE_CONTROL_LOCKED_OFF] = "locked with VMX off",
	};

	hv_printf("hv: VMX capability report (CPU vendor %s)\n", c->vendor);
	hv_printf("  IA32_FEATURE_CONTROL = 0x%016lx (%s)\n",
		  c->feature_control,
		  fc_text[feature_control_state(c->feature_control)]);
	report_basic(c);
	hv_snprintf(msr, sizeof(msr), "%sPINBASED_CTLS", t);
	report_control_field(&pin_based_field, msr, c->pin);
	hv_snprintf(msr, sizeof(msr), "%sPROCBASED_CTLS", t);
	report_control_field(&primary_proc_field, msr, c->proc);
	if (c->has_proc2)
		report_control_field(&secondary_proc_field,
				     "IA32_VMX_PROCBASED_CTLS2", c->proc2);
	else
		hv_printf(
			"  secondary processor-based controls: not offered\n");
	hv_snprintf(msr, sizeof(msr), "%sEXIT_CTLS", t);
	report_control_field(&exit_field, msr, c->exit);
	hv_snprintf(msr, sizeof(msr), "%sENTRY_CTLS", t);
	report_control_field(&entry_field, msr, c->entry);
	report_misc(c->misc);
	if (c->has_ept_vpid)
		report_ept_vpid(c->ept_vpid);
	else
		hv_printf("  EPT and VPID: not offered\n");
	if (c->has_vmfunc)
		hv_printf("  VM functions (IA32_VMX_VMFUNC = 0x%016lx)\n",
			  c->vmfunc);
	report_fixed("CR0", c->cr0_fixed0, c->cr0_fixed1);
	report_fixed("CR4", c->cr4_fixed0, c->cr4_fixed1);
	hv_printf("  highest VMCS field index (IA32_VMX_VMCS_ENUM) = %u\n",
		  (unsigned int)(c->vmcs_enum >> 1) & 0x1ffu);
}

/* Whether VT-x can be used at all, decided from the capabilities alone. */
enum hv_status vmx_check_usable(const struct vmx_caps *caps)
{
	if (!caps->cpuid_vmx) {
		hv_printf("hv: this CPU does not support VMX: CPUID.1:ECX.VMX "
			  "[bit 5] = 0 (vendor %s%s)\n",
			  caps->vendor,
			  caps->hypervisor ? ", under a hypervisor that does "
					     "not expose VT-x"
					   : "");
		hv_printf("hv: VT-x needs an Intel CPU with VMX, or nested "
			  "virtualization enabled in the host hypervisor\n");
		return HV_NO_VMX;
	}
	/* SDM 3C 24.7, "Enabling and Entering VMX Operation": VMXON outside SMX
	 * #GPs unless bit 2 is set, and a locked MSR cannot be changed until
	 * reset. */
	if (feature_control_state(caps->feature_control) ==
	    FEATURE_CONTROL_LOCKED_OFF) {
		hv_printf("hv: VT-x is disabled by the firmware: "
			  "IA32_FEATURE_CONTROL = 0x%lx is locked (bit 0) "
			  "with VMXON outside SMX (bit 2) clear\n",
			  caps->feature_control);
		hv_printf("hv: enable \"Intel Virtualization Technology\" in "
			  "the firmware setup, then power-cycle\n");
		return HV_VMX_DISABLED;
	}
	return HV_OK;
}
