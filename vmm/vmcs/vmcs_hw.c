/* The VMCS layer on the real processor, out of line: its error hook and
 * the VM-instruction error. The accessors themselves are inline
 * (vmcs_backend_hw.h). */
#include "print.h"
#include "vmcs/vmcs.h"
#include "vmcs/vm_errors.h"
#include "x86/vmx_insn.h"

void vmcs_hw_print_instruction_error(const char *what)
{
	uint64_t err = 0;

	if (vmread(VMCS_ENC_VM_INSTRUCTION_ERROR, &err) != VMX_SUCCEED) {
		hv_printf("hv: %s: VMfailInvalid (no current VMCS)\n", what);
		return;
	}
	const char *text = vm_error_description((unsigned int)err);

	hv_printf("hv: %s: VM-instruction error %lu: %s\n", what, err,
		  text ? text : "unknown error number");
}

static void hw_error(uint32_t enc, enum vmcs_status status, const char *what)
{
	const char *name = vmcs_field_name(enc);
	char buf[96];

	hv_snprintf(buf, sizeof(buf), "%s of %s (0x%x) failed: %s", what,
		    name ? name : "?", enc, vmcs_status_name(status));
	if (status == VMCS_ERR_BACKEND)
		vmcs_hw_print_instruction_error(buf);
	else
		hv_printf("hv: %s\n", buf);
}

void vmcs_hw_install(void)
{
	vmcs_set_error_hook(hw_error);
	(void)vmcs_failed(); /* a fresh start */
}
