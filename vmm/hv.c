#include "hv.h"

#include "print.h"
#include "vmx_caps.h"
#include "vmx_check.h"

const char *hv_status_name(enum hv_status s)
{
	static const char *const names[] = {
		[HV_OK] = "ok",
		[HV_NO_VMX] = "no VMX on this CPU",
		[HV_VMX_DISABLED] = "VT-x disabled by firmware",
		[HV_UNSUPPORTED] = "a required VMX feature is missing",
		[HV_OUT_OF_MEMORY] = "out of memory",
		[HV_VMX_FAILED] = "VMX operation failed",
		[HV_GUEST_FAILED] = "guest failed",
		[HV_BAD_ARGUMENT] = "bad argument",
	};

	return (unsigned int)s < sizeof(names) / sizeof(names[0]) && names[s]
		       ? names[s]
		       : "unknown";
}

enum hv_status hv_main(const struct hv_options *opt, const struct cpu_ops *cpu)
{
	struct vmx_caps caps;

	vmx_caps_read(&caps, cpu);
	enum hv_status st = vmx_check_usable(&caps);

	if (st != HV_OK)
		return st;
	vmx_caps_report(&caps);
	if (opt->caps_only)
		return HV_OK;
	return HV_OK;
}
