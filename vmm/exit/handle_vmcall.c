/* VMCALL: hypercalls are for the guest's kernel, and what they are is
 * its machine's (exit/machine.h): the flat guests' ABI (guest/hv_abi.h,
 * docs/guest-abi.md), none on the PC. */
#include "exit/exit.h"
#include "exit/exit_qual.h"
#include "exit/machine.h"
#include "vmcs/vmcs.h"

enum exit_verdict handle_vmcall(struct vcpu *v)
{
	/* CPL > 0, or a machine with no hypercalls: #UD, as VMCALL outside
	 * VMX non-root operation would give (SDM 2 "VMCALL"). */
	if (!v->machine->vmcall ||
	    ((vmcs_read(VMCS_GUEST_SS_ACCESS_RIGHTS) >> 5) & 3u)) {
		vcpu_inject_exception(v, EXC_UD, 0);
		return VERDICT_RESUME;
	}
	return v->machine->vmcall(v);
}
