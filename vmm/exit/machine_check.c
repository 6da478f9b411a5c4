#include "exit/machine_check.h"

#include "x86/x86.h"
#include "exit/exit.h"
#include "print.h"
#include "vmcs/vmcs.h"

uint64_t vcpu_real_cr4(const struct vcpu *v, uint64_t value)
{
	uint64_t real = (value & ~CR4_MCE) | (v->host_cr4 & CR4_MCE);

	return (real | v->cr4_fixed0) & v->cr4_fixed1;
}

enum exit_verdict vcpu_machine_check(struct vcpu *v, const char *when)
{
	console_flush(v);
	hv_printf("hv: guest %s: machine check %s, at RIP 0x%lx; the guest is "
		  "stopped and the host's #MC handler gets it\n",
		  v->name, when, vmcs_read(VMCS_GUEST_RIP));
	v->host_machine_check = true;
	return vcpu_kill(v, "machine_check");
}
