/* Every exit handler, by the exit reason it serves, and the helpers they
 * share. The dispatch table in exit.c maps reasons to these. */
#ifndef HV_EXIT_H
#define HV_EXIT_H

#include "exit/machine_check.h"
#include "exit/exit_qual.h"
#include "exit/vcpu.h"
#include "vmcs/vmcs.h"
#include "x86/x86.h"

enum exit_verdict handle_cpuid(struct vcpu *v);
enum exit_verdict handle_cr_access(struct vcpu *v);
enum exit_verdict handle_xsetbv(struct vcpu *v);
enum exit_verdict handle_io_instruction(struct vcpu *v);
enum exit_verdict handle_msr_read(struct vcpu *v);
enum exit_verdict handle_msr_write(struct vcpu *v);
enum exit_verdict handle_vmcall(struct vcpu *v);
enum exit_verdict handle_hlt(struct vcpu *v);
enum exit_verdict handle_preemption_timer(struct vcpu *v);
enum exit_verdict handle_interrupt_window(struct vcpu *v);
enum exit_verdict handle_external_interrupt(struct vcpu *v);
enum exit_verdict handle_exception_nmi(struct vcpu *v);
enum exit_verdict handle_triple_fault(struct vcpu *v);
enum exit_verdict handle_init_signal(struct vcpu *v);
enum exit_verdict handle_sipi(struct vcpu *v);
enum exit_verdict handle_ept_violation(struct vcpu *v);
enum exit_verdict handle_ept_misconfig(struct vcpu *v);
enum exit_verdict handle_apic_access(struct vcpu *v);
enum exit_verdict handle_apic_write(struct vcpu *v);
enum exit_verdict handle_virtualized_eoi(struct vcpu *v);
enum exit_verdict handle_invd(struct vcpu *v);
enum exit_verdict handle_pause(struct vcpu *v);
enum exit_verdict handle_inject_gp(struct vcpu *v);
enum exit_verdict handle_inject_ud(struct vcpu *v);
enum exit_verdict handle_unhandled(struct vcpu *v);

/* After the run: how many host NMIs there were, when more than were
 * printed one by one. */
void host_nmi_report(const struct vcpu *v);

/* The guest's console (console.c): bytes from the UART or HV_HC_PRINT,
 * printed by the host a line at a time as "guest: <line>". Returns false
 * once the guest has flooded the console past its limit. */
bool console_write(struct vcpu *v, const char *bytes, size_t len);
void console_flush(struct vcpu *v);

/* Reads reason, qualification and instruction length, counts the exit,
 * and calls its handler. */
enum exit_verdict exit_dispatch(struct vcpu *v);

/* @frame becomes @v's exit frame (HOST_RSP, vmx/vmx_entry.h): its
 * registers, its context, and whether the stub calls vmx_exit_finish
 * after every exit (a machine with before_entry). Once v->machine is
 * set. */
void vcpu_bind_exit_frame(struct vcpu *v, struct vmx_exit_frame *frame);

/* B0-B3 for the enabled I/O breakpoints in @dr7 (DR0-DR3 in @dr) that
 * an access of @size bytes at @port touches; 0 for none (handle_io.c). */
uint32_t io_breakpoint_hits(uint64_t dr7, const uint64_t dr[4], uint16_t port,
			    unsigned int size);

/* The exit qualification and the exiting instruction's length, read by
 * the handlers that use them (SDM 3C 28.2.1, "Basic VM-Exit
 * Information"): most exits need neither, so the dispatcher reads only
 * the reason. The length is defined only for exits caused by an
 * instruction (28.2.5). */
static inline uint64_t exit_qualification(void)
{
	return vmcs_read(VMCS_EXIT_QUALIFICATION);
}

static inline uint32_t exit_instruction_length(void)
{
	return vmcs_read(VMCS_EXIT_INSTRUCTION_LENGTH);
}

/* Helpers for handlers (exit.c). */
/* The instruction is done: RIP past it (@next), its interrupt shadow
 * ended, and its single-step trap pending. */
static inline __attribute__((always_inline)) void vcpu_complete_instruction(
	uint64_t next)
{
	vmcs_write(VMCS_GUEST_RIP, next);
	/* Completing an instruction ends its STI / MOV-SS interrupt shadow
	 * (SDM 3A 6.8.3, "Masking Exceptions and Interrupts When Switching
	 * Stacks"), so the emulated one must too. */
	uint32_t intr = vmcs_read(VMCS_GUEST_INTERRUPTIBILITY_STATE);
	uint32_t shadow = BLOCKING_BY_STI | BLOCKING_BY_MOV_SS;

	if (intr & shadow)
		vmcs_write(VMCS_GUEST_INTERRUPTIBILITY_STATE, intr & ~shadow);
	/* An instruction completed with RFLAGS.TF set ends in a single-step
	 * #DB: the emulated one too. BS in the pending debug exceptions has
	 * the VM entry deliver it (SDM 3C 27.3.1.5, "Checks on Guest
	 * Non-Register State"; 27.6.3, "Delivery of Pending Debug Exceptions
	 * after VM Entry"). */
	if (vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_TF)
		vmcs_write(VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS,
			   vmcs_read(VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS) |
				   PENDING_DBG_BS);
}

/* The same for an instruction ending at or above 4 GiB (exit.c). */
void vcpu_skip_above_4g(struct vcpu *v, uint64_t rip, uint32_t len);

/* Advances RIP past the exiting instruction (vcpu_skip_bytes: from
 * @rip past @len bytes, for an instruction hv decoded itself), or raises #GP(0) in the
 * guest where the next RIP would not be canonical (vcpu_next_rip). Only
 * instruction-caused exits advance RIP: for them the CPU reports the
 * instruction's length; for events (preemption timer, external
 * interrupt) the field is undefined (SDM 3C 28.2.5, "Information for VM
 * Exits Due to Instruction Execution") and must not be used. Inline: it
 * is half of a CPUID's path. */
static inline __attribute__((always_inline)) void vcpu_skip_bytes(
	struct vcpu *v, uint64_t rip, uint32_t len)
{
	/* Below 4 GiB both modes give the same next RIP, and it is
	 * canonical: CS is read only when the instruction ends above. */
	if (__builtin_expect((rip + len) >> 32, 0)) {
		vcpu_skip_above_4g(v, rip, len);
		return;
	}
	vcpu_complete_instruction(rip + len);
}

static inline __attribute__((always_inline)) void vcpu_skip_instruction(
	struct vcpu *v)
{
	vcpu_skip_bytes(v, vmcs_read(VMCS_GUEST_RIP),
			exit_instruction_length());
}
/* The RIP after an instruction of @length at @rip: wrapped to 32 bits
 * outside 64-bit mode; false where, in 64-bit mode, it is not canonical
 * (the next fetch raises #GP(0)). */
bool vcpu_next_rip(uint64_t rip, uint32_t length, bool mode64, uint64_t *next);
void vcpu_inject_exception(struct vcpu *v, unsigned int vector,
			   uint32_t error_code);
/* What most emulations end with: the instruction faults with #GP(0)
 * (RIP stays), or it is done (RIP past it). */
static inline enum exit_verdict vcpu_fault_gp(struct vcpu *v)
{
	vcpu_inject_exception(v, EXC_GP, 0);
	return VERDICT_RESUME;
}

static inline __attribute__((always_inline)) enum exit_verdict vcpu_done(
	struct vcpu *v)
{
	vcpu_skip_instruction(v);
	return VERDICT_RESUME;
}
uint64_t vcpu_gpr(struct vcpu *v, unsigned int index);
void vcpu_set_gpr(struct vcpu *v, unsigned int index, uint64_t value);
/* The same at the instruction's operand size where it has no REX.W: 64
 * bits in 64-bit mode, 32 in compatibility mode, as MOV CR reads and
 * writes them (SDM 2 "MOV—Move to/from Control Registers"); a 32-bit
 * result is zero-extended. */
uint64_t vcpu_gpr_operand(struct vcpu *v, unsigned int index);
void vcpu_set_gpr_operand(struct vcpu *v, unsigned int index, uint64_t value);
enum exit_verdict vcpu_kill(struct vcpu *v, const char *why);
enum exit_verdict vcpu_finish(struct vcpu *v, enum guest_result result,
			      uint64_t status);
/* Host pointer to [gpa, gpa + len) of guest memory, or NULL if any of it
 * lies outside. */
void *vcpu_guest_ptr(struct vcpu *v, uint64_t gpa, uint64_t len);

#endif
