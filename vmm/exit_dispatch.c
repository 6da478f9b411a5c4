/* One table from basic exit reason to handler; one indexed call per exit. */
#include "exit_handlers.h"
#include "print.h"
#include "run_bounds.h"
#include "vmcs.h"
#include "vmcs_dump.h"

static const exit_handler exit_handlers[EXIT_REASON_COUNT] = {
	[EXIT_REASON_EXCEPTION_NMI] = handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = handle_external_interrupt,
	[EXIT_REASON_TRIPLE_FAULT] = handle_triple_fault,
	[EXIT_REASON_CPUID] = handle_cpuid,
	[EXIT_REASON_GETSEC] = handle_inject_ud,
	[EXIT_REASON_HLT] = handle_hlt,
	[EXIT_REASON_INVD] = handle_invd,
	[EXIT_REASON_VMCALL] = handle_vmcall,
	[EXIT_REASON_VMCLEAR] = handle_vmx_instruction,
	[EXIT_REASON_VMLAUNCH] = handle_vmx_instruction,
	[EXIT_REASON_VMPTRLD] = handle_vmx_instruction,
	[EXIT_REASON_VMPTRST] = handle_vmx_instruction,
	[EXIT_REASON_VMREAD] = handle_vmx_instruction,
	[EXIT_REASON_VMRESUME] = handle_vmx_instruction,
	[EXIT_REASON_VMWRITE] = handle_vmx_instruction,
	[EXIT_REASON_VMXOFF] = handle_vmx_instruction,
	[EXIT_REASON_VMXON] = handle_vmx_instruction,
	[EXIT_REASON_CR_ACCESS] = handle_cr_access,
	[EXIT_REASON_IO_INSTRUCTION] = handle_io_instruction,
	[EXIT_REASON_MSR_READ] = handle_msr_read,
	[EXIT_REASON_MSR_WRITE] = handle_msr_write,
	[EXIT_REASON_EPT_VIOLATION] = handle_ept_violation,
	[EXIT_REASON_EPT_MISCONFIG] = handle_ept_misconfig,
	[EXIT_REASON_INVEPT] = handle_vmx_instruction,
	[EXIT_REASON_PREEMPTION_TIMER] = handle_preemption_timer,
	[EXIT_REASON_INVVPID] = handle_vmx_instruction,
	/* Defensive: CR4.OSXSAVE stays 0, and that #UD comes before the
	 * exit (SDM 3C 26.1.1), so a guest's XSETBV never gets here. */
	[EXIT_REASON_XSETBV] = handle_inject_gp,
	[EXIT_REASON_VMFUNC] = handle_inject_ud,
	/* CPUID hides MONITOR/MWAIT (handle_cpuid.c): #UD, as on a CPU
	 * without them. Executed, MWAIT would sleep in a C-state where the
	 * preemption timer may stop (SDM 3C 26.5.1). */
	[EXIT_REASON_MONITOR] = handle_inject_ud,
	[EXIT_REASON_MWAIT] = handle_inject_ud,
};

enum exit_verdict exit_dispatch(struct vcpu *v)
{
	uint32_t raw = vmcs_read(VMCS_EXIT_REASON);

	v->exit_reason = raw & EXIT_REASON_BASIC_MASK;
	v->exit_qualification = vmcs_read(VMCS_EXIT_QUALIFICATION);
	v->exit_instruction_length = vmcs_read(VMCS_EXIT_INSTRUCTION_LENGTH);
	v->exits++;

	/* SDM 3C 27.8: a failed VM entry exits with bit 31 set and the
	 * basic reason 33 (guest state), 34 (MSR loading) or 41. */
	if (raw & EXIT_REASON_FLAG_ENTRY_FAILURE) {
		if (v->exit_reason == EXIT_REASON_MACHINE_CHECK_EVENT)
			return vcpu_machine_check(v, "during VM entry");
		hv_printf("hv: guest %s: VM entry failed: exit reason 0x%x "
			  "(%s), qualification 0x%lx\n",
			  v->name, raw,
			  exit_reason_name(v->exit_reason)
				  ? exit_reason_name(v->exit_reason)
				  : "?",
			  v->exit_qualification);
		vmcs_dump();
		v->result = GUEST_ERROR;
		v->why = "vm_entry_failed";
		return VERDICT_STOP;
	}
	if (vcpu_check_run_bounds(v) == VERDICT_STOP)
		return VERDICT_STOP;
	if (v->exit_reason >= EXIT_REASON_COUNT)
		return handle_unhandled(v);
	v->exit_counts[v->exit_reason]++;
	exit_handler h = exit_handlers[v->exit_reason];

	return h ? h(v) : handle_unhandled(v);
}
