/* The hypercall ABI (guest/hv_abi.h, docs/guest-abi.md): VMCALL with the
 * number in RAX, arguments in RDI and RSI, the result in RAX. */
#include "../guest/hv_abi.h"
#include "exit/exit.h"
#include "exit/exit_qual.h"
#include "vmcs/vmcs.h"

enum exit_verdict handle_vmcall(struct vcpu *v)
{
	uint64_t nr = v->regs.gpr[GPR_RAX];
	uint64_t a0 = v->regs.gpr[GPR_RDI], a1 = v->regs.gpr[GPR_RSI];
	uint64_t ret;

	/* Hypercalls are for the guest kernel: CPL > 0 gets #UD, as
	 * VMCALL outside VMX non-root operation would. */
	if ((vmcs_read(VMCS_GUEST_SS_ACCESS_RIGHTS) >> 5) & 3u) {
		vcpu_inject_exception(v, EXC_UD, 0);
		return VERDICT_RESUME;
	}
	switch (nr) {
	case HV_HC_PRINT: {
		const char *buf = vcpu_guest_ptr(v, a0, a1);

		/* Length 0 reads no byte, so no byte can be outside guest
		 * memory: 0, as docs/guest-abi.md says, whatever RDI is. */
		if (a1 > HV_HC_MAX_PRINT)
			ret = HV_HC_EINVAL;
		else if (a1 == 0)
			ret = HV_HC_OK;
		else if (!buf)
			ret = HV_HC_EFAULT;
		else if (!console_write(v, buf, a1))
			return vcpu_kill(v, "console_flood");
		else
			ret = HV_HC_OK;
		break;
	}
	case HV_HC_EXIT:
		console_flush(v);
		return vcpu_finish(v, a0 ? GUEST_ERROR : GUEST_OK, a0);
	case HV_HC_VERSION:
		ret = HV_ABI_VERSION;
		break;
	default:
		ret = HV_HC_ENOSYS;
		break;
	}
	v->regs.gpr[GPR_RAX] = ret;
	vcpu_skip_instruction(v);
	return VERDICT_RESUME;
}
