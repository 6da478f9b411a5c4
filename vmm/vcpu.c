/* Small operations every exit handler needs, on top of the VMCS layer. */
#include "vcpu.h"

#include "exit_qual.h"
#include "vmcs.h"

#define RFLAGS_TF (1ull << 8)
#define PENDING_DBG_BS (1ull << 14) /* single step */
#define SEG_AR_L (1u << 13)	    /* CS.L: 64-bit code (SDM 3A 3.4.5) */

/* SDM 3A 3.3.7.1: bits 63:47 all equal (48-bit linear addresses: the
 * guest cannot turn on 5-level paging). The same as handle_msr.c's. */
static bool canonical(uint64_t a)
{
	uint64_t top = a >> 47;

	return top == 0 || top == 0x1ffff;
}

/* The guest always runs in IA-32e mode (it cannot clear EFER.LME or
 * CR0.PG), so CS.L alone tells 64-bit mode from compatibility mode. */
static bool guest_in_64bit_mode(void)
{
	return vmcs_read(VMCS_GUEST_CS_ACCESS_RIGHTS) & SEG_AR_L;
}

bool vcpu_next_rip(uint64_t rip, uint32_t length, bool mode64, uint64_t *next)
{
	uint64_t n = rip + length;

	/* Outside 64-bit mode the instruction pointer is EIP: it wraps at
	 * 4 GiB (SDM 1 3.5 "Instruction Pointer"; KVM's skip does the
	 * same). */
	if (!mode64) {
		*next = (uint32_t)n;
		return true;
	}
	/* In 64-bit mode, fetching the next instruction from a
	 * non-canonical address raises #GP(0) (SDM 3A 6.15 "Interrupt
	 * 13"). Hardware retires the instruction and faults on the fetch,
	 * but a VM entry with a non-canonical RIP fails (SDM 3C 27.3.1.4
	 * "Checks on Guest RIP, RFLAGS, and SSP"), so the #GP is raised on
	 * the instruction itself, as KVM's emulator does. */
	*next = n;
	return canonical(n);
}

/* Only instruction-caused exits advance RIP: for them the CPU reports the
 * instruction's length; for events (preemption timer, external interrupt)
 * the field is undefined (SDM 3C 28.2.5) and must not be used. */
void vcpu_skip_instruction(struct vcpu *v)
{
	uint64_t rip = vmcs_read(VMCS_GUEST_RIP), next;
	uint32_t len = v->exit_instruction_length;
	/* Below 4 GiB both modes give the same next RIP: CS is read only
	 * when the instruction ends above it. */
	bool mode64 = ((rip + len) >> 32) ? guest_in_64bit_mode() : true;

	if (!vcpu_next_rip(rip, len, mode64, &next)) {
		vcpu_inject_exception(v, EXC_GP, 0);
		return;
	}
	vmcs_write(VMCS_GUEST_RIP, next);
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
