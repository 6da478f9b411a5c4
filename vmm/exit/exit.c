/* The one exit file: the table from basic exit reason to handler, the
 * dispatcher that makes one indexed call per exit, and the small
 * operations every handler needs (advance RIP, inject, kill, finish), on
 * top of the VMCS layer. */
#include "exit/exit.h"

#include "exit/exit_qual.h"
#include "exit/machine.h"
#include "exit/run_bounds.h"
#include "percpu.h"
#include "print.h"
#include "vmcs/vmcs.h"
#include "x86/x86.h"

/* Every reason not named: unhandled (the range first, the named entries
 * after it override it: GCC's designated-range initializer). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const exit_handler exit_handlers[EXIT_REASON_COUNT] = {
	[0 ... EXIT_REASON_COUNT - 1] = handle_unhandled,
	[EXIT_REASON_EXCEPTION_NMI] = handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = handle_external_interrupt,
	[EXIT_REASON_TRIPLE_FAULT] = handle_triple_fault,
	[EXIT_REASON_INIT_SIGNAL] = handle_init_signal,
	[EXIT_REASON_SIPI] = handle_sipi,
	[EXIT_REASON_INTERRUPT_WINDOW] = handle_interrupt_window,
	[EXIT_REASON_CPUID] = handle_cpuid,
	[EXIT_REASON_GETSEC] = handle_inject_ud,
	[EXIT_REASON_HLT] = handle_hlt,
	[EXIT_REASON_INVD] = handle_invd,
	[EXIT_REASON_PAUSE] = handle_pause,
	/* CPUID shows no PMU (leaf 0AH zero): every counter index is
	 * invalid, and RDPMC with one raises #GP(0) (SDM 2, "RDPMC"). */
	[EXIT_REASON_RDPMC] = handle_inject_gp,
	[EXIT_REASON_VMCALL] = handle_vmcall,
	/* CPUID hides VMX from the guest, so VMX instructions are undefined
	 * to it; they exit unconditionally (SDM 3C 26.1.2, "Instructions That
	 * Cause VM Exits Unconditionally"). */
	[EXIT_REASON_VMCLEAR] = handle_inject_ud,
	[EXIT_REASON_VMLAUNCH] = handle_inject_ud,
	[EXIT_REASON_VMPTRLD] = handle_inject_ud,
	[EXIT_REASON_VMPTRST] = handle_inject_ud,
	[EXIT_REASON_VMREAD] = handle_inject_ud,
	[EXIT_REASON_VMRESUME] = handle_inject_ud,
	[EXIT_REASON_VMWRITE] = handle_inject_ud,
	[EXIT_REASON_VMXOFF] = handle_inject_ud,
	[EXIT_REASON_VMXON] = handle_inject_ud,
	[EXIT_REASON_CR_ACCESS] = handle_cr_access,
	[EXIT_REASON_IO_INSTRUCTION] = handle_io_instruction,
	[EXIT_REASON_MSR_READ] = handle_msr_read,
	[EXIT_REASON_MSR_WRITE] = handle_msr_write,
	[EXIT_REASON_EPT_VIOLATION] = handle_ept_violation,
	[EXIT_REASON_EPT_MISCONFIG] = handle_ept_misconfig,
	[EXIT_REASON_APIC_ACCESS] = handle_apic_access,
	[EXIT_REASON_VIRTUALIZED_EOI] = handle_virtualized_eoi,
	[EXIT_REASON_APIC_WRITE] = handle_apic_write,
	[EXIT_REASON_INVEPT] = handle_inject_ud,
	[EXIT_REASON_PREEMPTION_TIMER] = handle_preemption_timer,
	[EXIT_REASON_INVVPID] = handle_inject_ud,
	/* With CR4.OSXSAVE clear XSETBV is #UD before any exit (SDM 3C
	 * 26.1.1), so only a guest whose machine offers XSAVE gets here. */
	[EXIT_REASON_XSETBV] = handle_xsetbv,
	[EXIT_REASON_VMFUNC] = handle_inject_ud,
	/* CPUID hides MONITOR/MWAIT (handle_cpuid.c): #UD, as on a CPU
	 * without them. Executed, MWAIT would sleep in a C-state where the
	 * preemption timer may stop (SDM 3C 26.5.1, "VMX-Preemption Timer"). */
	[EXIT_REASON_MONITOR] = handle_inject_ud,
	[EXIT_REASON_MWAIT] = handle_inject_ud,
};
#pragma GCC diagnostic pop

/* What the common exit skips (dispatch, below): a failed VM entry, a
 * reason with flag bits set (SDM 3C 28.2.1, "Basic VM-Exit Information":
 * bits 31:16 of the exit reason) or past the table, and the exits at
 * which the run bounds are checked. Out of line: the handler's call is
 * the exit path's only one. */
static __attribute__((noinline, cold)) enum exit_verdict dispatch_slow(
	struct vcpu *v, uint32_t raw)
{
	v->exit_reason = raw & EXIT_REASON_BASIC_MASK;
	/* SDM 3C 27.8, "VM-Entry Failures During or After Loading Guest State":
	 * a failed VM entry exits with bit 31 set and the basic reason 33
	 * (guest state), 34 (MSR loading) or 41. */
	if (raw & EXIT_REASON_FLAG_ENTRY_FAILURE) {
		if (v->exit_reason == EXIT_REASON_MACHINE_CHECK_EVENT)
			return vcpu_machine_check(v, "during VM entry");
		hv_printf("hv: guest %s: VM entry failed: exit reason 0x%x "
			  "(%s), qualification 0x%lx\n",
			  v->name, raw,
			  exit_reason_name(v->exit_reason)
				  ? exit_reason_name(v->exit_reason)
				  : "?",
			  exit_qualification());
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
	return exit_handlers[v->exit_reason](v);
}

/* Reads the exit reason, counts the exit, and calls its handler: one
 * indexed call. The qualification and the instruction length are read
 * by the handlers that use them (exit.h). One compare each tells the
 * common exit from the rest: a reason below EXIT_REASON_COUNT has no flag
 * bit set, so it is no failed VM entry; an exit count below
 * bounds_next_check checks no bound (run_bounds.h). */
static inline __attribute__((always_inline)) enum exit_verdict dispatch(
	struct vcpu *v)
{
	uint32_t raw = vmcs_read(VMCS_EXIT_REASON);

	v->exits++;
	if (__builtin_expect(raw >= EXIT_REASON_COUNT ||
				     v->exits >= v->bounds_next_check,
			     0))
		return dispatch_slow(v, raw);
	v->exit_reason = raw;
	v->exit_counts[raw]++;
	return exit_handlers[raw](v);
}

/* The same, out of line: what host tests call (exit.h). */
enum exit_verdict exit_dispatch(struct vcpu *v)
{
	return dispatch(v);
}

_Static_assert(offsetof(struct hv_cpu, vmcs_failures_pending) ==
		       HV_CPU_VMCS_FAILURES_PENDING,
	       "the exit stub's vmcs_failures_pending is struct hv_cpu's");

/* Called by the exit stub (vmx/vmx_entry.S) on every VM exit: 0 resumes
 * the guest. The dispatcher is inline here and its call to the handler a
 * tail call: the handler's verdict goes straight back to the stub. */
int vmx_exit_handler(void *ctx)
{
	return dispatch(ctx);
}

/* After the handler, where the stub finds any of it to do (vmx_entry.h):
 * the machine's work before each VM entry, and a failed VMCS access. */
int vmx_exit_finish(void *ctx)
{
	struct vcpu *v = ctx;

	if (v->machine->before_entry &&
	    v->machine->before_entry(v) == VERDICT_STOP)
		return 1;
	if (vmcs_failed()) {
		v->result = GUEST_ERROR;
		v->why = "vmcs_access_failed";
		return 1;
	}
	return 0;
}

void vcpu_bind_exit_frame(struct vcpu *v, struct vmx_exit_frame *frame)
{
	v->exit_frame = frame;
	frame->regs = &v->regs;
	frame->ctx = v;
	frame->finish = v->machine->before_entry != NULL;
}

/* Helpers for handlers. */
/* 64-bit mode: IA-32e mode (EFER.LMA) with a CS whose L bit is set;
 * outside IA-32e mode CS.L means nothing (SDM 3A 5.2.1, "Code-Segment
 * Descriptor in 64-bit Mode"), which a PC guest with paging off can
 * reach (unrestricted guest). */
static bool guest_in_64bit_mode(void)
{
	return (vmcs_read(VMCS_GUEST_IA32_EFER) & EFER_LMA) &&
	       (vmcs_read(VMCS_GUEST_CS_ACCESS_RIGHTS) & AR_L);
}

bool vcpu_next_rip(uint64_t rip, uint32_t length, bool mode64, uint64_t *next)
{
	uint64_t n = rip + length;

	/* Outside 64-bit mode the instruction pointer is EIP: it wraps at
	 * 4 GiB (SDM 1 3.5, "Instruction Pointer"; KVM's skip does the
	 * same). */
	if (!mode64) {
		*next = (uint32_t)n;
		return true;
	}
	/* In 64-bit mode, fetching the next instruction from a
	 * non-canonical address raises #GP(0) (SDM 3A 6.15, "Exception and
	 * Interrupt Reference", interrupt 13). Hardware retires the
	 * instruction and faults on the fetch, but a VM entry with a
	 * non-canonical RIP fails (SDM 3C 27.3.1.4, "Checks on Guest RIP,
	 * RFLAGS, and SSP"), so the #GP is raised on the instruction itself,
	 * as KVM's emulator does. */
	*next = n;
	return canonical(n);
}

/* An instruction that ends at or above 4 GiB, out of the common path
 * (exit.h): #GP(0) where the next RIP is not canonical. */
void vcpu_skip_above_4g(struct vcpu *v, uint64_t rip, uint32_t len)
{
	uint64_t next;

	v->exits_above_4g++;
	/* A RIP above 4 GiB is 64-bit mode's alone (RIP[63:32] is 0
	 * otherwise: SDM 3C 27.3.1.4, "Checks on Guest RIP, RFLAGS, and
	 * SSP"); only an instruction that starts below and ends above needs
	 * the mode read, whose IA32_EFER under nested KVM is a VMREAD that
	 * exits (KVM's shadow VMCS leaves the field out). */
	bool mode64 = (rip >> 32) != 0 || guest_in_64bit_mode();

	if (!vcpu_next_rip(rip, len, mode64, &next)) {
		vcpu_inject_exception(v, EXC_GP, 0);
		return;
	}
	vcpu_complete_instruction(next);
}

/* Event injection on the next VM entry — SDM 3C 25.8.3, "VM-Entry Controls for
 * Event Injection". RIP is left at the faulting instruction, as a fault
 * requires. In real mode (CR0.PE = 0, which a PC guest reaches through
 * unrestricted guest) exceptions push no error code, and VM entry fails
 * if one is asked for (SDM 3C 27.2.1.3, "Checks on VM-Entry Control
 * Fields": deliver-error-code is 1 only with CR0.PE = 1; review G2). */
void vcpu_inject_exception(struct vcpu *v, unsigned int vector,
			   uint32_t error_code)
{
	(void)v;
	uint32_t info = intr_info_hardware_exception(vector);

	if ((info & INTR_INFO_DELIVER_ERROR_CODE) &&
	    !(vmcs_read(VMCS_GUEST_CR0) & CR0_PE))
		info &= ~INTR_INFO_DELIVER_ERROR_CODE;
	vmcs_write(VMCS_ENTRY_INTERRUPTION_INFO, info);
	if (info & INTR_INFO_DELIVER_ERROR_CODE)
		vmcs_write(VMCS_ENTRY_EXCEPTION_ERROR_CODE, error_code);
}

uint64_t vcpu_gpr_operand(struct vcpu *v, unsigned int index)
{
	uint64_t value = vcpu_gpr(v, index);

	return guest_in_64bit_mode() ? value : (uint32_t)value;
}

void vcpu_set_gpr_operand(struct vcpu *v, unsigned int index, uint64_t value)
{
	vcpu_set_gpr(v, index, guest_in_64bit_mode() ? value : (uint32_t)value);
}

uint64_t vcpu_gpr(struct vcpu *v, unsigned int index)
{
	if (index == GPR_RSP)
		return vmcs_read(VMCS_GUEST_RSP);
	return v->regs.gpr[index & 15];
}

void vcpu_set_gpr(struct vcpu *v, unsigned int index, uint64_t value)
{
	if (index == GPR_RSP)
		vmcs_write(VMCS_GUEST_RSP, value);
	else
		v->regs.gpr[index & 15] = value;
}

enum exit_verdict vcpu_kill(struct vcpu *v, const char *why)
{
	v->result = GUEST_KILLED;
	v->why = why;
	return VERDICT_STOP;
}

enum exit_verdict vcpu_finish(struct vcpu *v, enum guest_result result,
			      uint64_t status)
{
	v->result = result;
	v->status = status;
	return VERDICT_STOP;
}

void *vcpu_guest_ptr(struct vcpu *v, uint64_t gpa, uint64_t len)
{
	if (gpa > v->mem_size || len > v->mem_size - gpa)
		return NULL;
	return v->mem + gpa;
}
