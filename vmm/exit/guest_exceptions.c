#include "exit/guest_exceptions.h"

#include "x86/x86.h"
#include "exit/exit.h"
#include "print.h"
#include "vmcs/vmcs.h"

/* No progress: the same vector at the same RIP and RSP as the last
 * exception exit. IDT-vectoring information that names the same vector
 * (the delivery of the one reflected last time raised it again, SDM 3C
 * 28.2.4, "Information for VM Exits During Event Delivery") is the #AC
 * case; a #DB raised by the delivery's own stack writes is recognized
 * once delivery is done, so the IDT-vectoring information may be clear,
 * but RIP and RSP stay the handler's first, at CPL 0.
 *
 * Only those count: the loop is one inside event delivery. At CPL 3 with
 * no delivery under way the exception is an instruction's of a user
 * process (a single-stepped "jmp .", an #AC handler that returns into the
 * same misaligned access): its kernel runs in between and decides about
 * the process; it is no reason to stop the whole guest. The CPL is SS.DPL
 * (SDM 3C 25.4.1, "Guest Register State"). */
static bool loops(struct vcpu *v, unsigned int vector)
{
	struct intr_info vectoring =
		intr_info_decode(vmcs_read(VMCS_IDT_VECTORING_INFO));
	bool in_delivery = vectoring.valid && vectoring.vector == vector;

	if (!in_delivery &&
	    AR_DPL(vmcs_read(VMCS_GUEST_SS_ACCESS_RIGHTS)) != 0) {
		v->exc_loop_count = 0;
		return false;
	}
	uint64_t rip = vmcs_read(VMCS_GUEST_RIP);
	uint64_t rsp = vmcs_read(VMCS_GUEST_RSP);
	bool same = v->exc_loop_count && vector == v->exc_loop_vector &&
		    rip == v->exc_loop_rip && rsp == v->exc_loop_rsp;

	if (in_delivery)
		same = v->exc_loop_count && vector == v->exc_loop_vector;
	if (!same)
		v->exc_loop_count = 0;
	v->exc_loop_vector = vector;
	v->exc_loop_rip = rip;
	v->exc_loop_rsp = rsp;
	return ++v->exc_loop_count >= EXCEPTION_LOOP_LIMIT;
}

/* A #DB that causes a VM exit leaves DR6 alone (SDM 3C 28.1, "Architectural
 * State before a VM Exit"), and an injected #DB does not write it either: DR6
 * (the guest's, MOV DR does not exit) gets what the processor would have
 * written, from the exit qualification, as KVM's
 * kvm_deliver_exception_payload() does: B0-B3 replaced, BD and BS set, RTM
 * active low. A general-detect #DB also clears DR7.GD (SDM 3B 18.2.4, "Debug
 * Control Register (DR7)"), so the handler's own MOV DR does not fault
 * again. */
static void deliver_debug_status(struct vcpu *v)
{
	uint64_t q = exit_qualification();

	if (v->ops->read_dr && v->ops->write_dr6) {
		uint64_t dr6 = v->ops->read_dr(6);

		dr6 = (dr6 & ~DR6_B0_B3) | (q & (DR6_B0_B3 | DR6_BD | DR6_BS));
		dr6 = (q & DR6_RTM) ? dr6 & ~DR6_RTM : dr6 | DR6_RTM;
		v->ops->write_dr6(dr6);
	}
	if (q & DR6_BD)
		vmcs_write(VMCS_GUEST_DR7, vmcs_read(VMCS_GUEST_DR7) & ~DR7_GD);
}

enum exit_verdict vcpu_reflect_exception(struct vcpu *v,
					 const struct intr_info *i)
{
	if (loops(v, i->vector)) {
		console_flush(v);
		hv_printf("hv: guest %s: %s delivered %u times in a row at RIP "
			  "0x%lx, RSP 0x%lx without progress; stopping the "
			  "guest\n",
			  v->name, exception_name(i->vector), v->exc_loop_count,
			  v->exc_loop_rip, v->exc_loop_rsp);
		return vcpu_kill(v, "exception_loop");
	}
	if (i->vector == EXC_DB)
		deliver_debug_status(v);
	/* INT1 (ICEBP) exits as a privileged software exception: injected as
	 * one again, with its length, so the guest's RIP moves past it (SDM
	 * 3C 27.6.1.1 "Details of Event Injection"). */
	if (i->type == INTR_TYPE_PRIVILEGED_SOFTWARE_EXCEPTION) {
		vmcs_write(
			VMCS_ENTRY_INTERRUPTION_INFO,
			INTR_INFO_VALID |
				(uint32_t)INTR_TYPE_PRIVILEGED_SOFTWARE_EXCEPTION
					<< INTR_INFO_TYPE_SHIFT |
				i->vector);
		vmcs_write(VMCS_ENTRY_INSTRUCTION_LENGTH,
			   exit_instruction_length());
		return VERDICT_RESUME;
	}
	vcpu_inject_exception(
		v, i->vector,
		i->has_error_code
			? (uint32_t)vmcs_read(VMCS_EXIT_INTERRUPTION_ERROR_CODE)
			: 0);
	return VERDICT_RESUME;
}
