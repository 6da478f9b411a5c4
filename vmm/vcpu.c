/* Small operations every exit handler needs, on top of the VMCS layer. */
#include "vcpu.h"

#include "exit_qual.h"
#include "vmcs.h"

#define RFLAGS_TF (1ull << 8)
#define PENDING_DBG_BS (1ull << 14) /* single step */

/* Only instruction-caused exits advance RIP: for them the CPU reports the
 * instruction's length; for events (preemption timer, external interrupt)
 * the field is undefined (SDM 3C 28.2.5) and must not be used. */
void vcpu_skip_instruction(struct vcpu *v)
{
	vmcs_write(VMCS_GUEST_RIP,
		   vmcs_read(VMCS_GUEST_RIP) + v->exit_instruction_length);
	/* Completing an instruction ends its STI / MOV-SS interrupt shadow
	 * (SDM 3A 6.8.3), so the emulated one must too. */
	uint32_t intr = vmcs_read(VMCS_GUEST_INTERRUPTIBILITY_STATE);

	if (intr & 3u)
		vmcs_write(VMCS_GUEST_INTERRUPTIBILITY_STATE, intr & ~3u);
	/* An instruction completed with RFLAGS.TF set ends in a single-step
	 * #DB: the emulated one too. BS in the pending debug exceptions has
	 * the VM entry deliver it (SDM 3C 27.3.1.5, 27.6.3). */
	if (vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_TF)
		vmcs_write(VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS,
			   vmcs_read(VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS) |
				   PENDING_DBG_BS);
}

/* Event injection on the next VM entry — SDM 3C 25.8.3. RIP is left at
 * the faulting instruction, as a fault requires. */
void vcpu_inject_exception(struct vcpu *v, unsigned int vector,
			   uint32_t error_code)
{
	(void)v;
	uint32_t info = intr_info_hardware_exception(vector);

	vmcs_write(VMCS_ENTRY_INTERRUPTION_INFO, info);
	if (info & INTR_INFO_DELIVER_ERROR_CODE)
		vmcs_write(VMCS_ENTRY_EXCEPTION_ERROR_CODE, error_code);
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
