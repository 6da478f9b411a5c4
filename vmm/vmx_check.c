#include "vmx_check.h"

#include "print.h"

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
	/* SDM 3C 24.7: VMXON outside SMX #GPs unless bit 2 is set, and a
	 * locked MSR cannot be changed until reset. */
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
