/* RDMSR and WRMSR of MSRs the exit policy traps. The guest has a small
 * virtual MSR set; anything else raises #GP in the guest, as a CPU without
 * that MSR would (SDM 2 "RDMSR"). Host MSRs are never touched. */
#include <stddef.h>

#include "exit/exit.h"
#include "exit/exit_qual.h"
#include "exit/machine.h"
#include "vmcs/vmcs.h"
#include "x86/msr.h"
#include "x86/x86.h"

/* enabled, BSP, default base */
#define APIC_BASE_VALUE (APIC_DEFAULT_BASE | APIC_BASE_BSP | APIC_BASE_EN)
#define EFER_GUEST_WRITABLE (EFER_SCE | EFER_NXE)

static inline __attribute__((always_inline)) bool msr_read(struct vcpu *v,
							   uint32_t msr,
							   uint64_t *value)
{
	switch (msr) {
	case MSR_IA32_EFER:
		*value = vmcs_read(VMCS_GUEST_IA32_EFER);
		return true;
	case MSR_IA32_SYSENTER_CS:
		*value = vmcs_read(VMCS_GUEST_IA32_SYSENTER_CS);
		return true;
	case MSR_IA32_SYSENTER_ESP:
		*value = vmcs_read(VMCS_GUEST_IA32_SYSENTER_ESP);
		return true;
	case MSR_IA32_SYSENTER_EIP:
		*value = vmcs_read(VMCS_GUEST_IA32_SYSENTER_EIP);
		return true;
	case MSR_IA32_APIC_BASE:
		*value = APIC_BASE_VALUE;
		return true;
	case MSR_IA32_PAT:
		if (!v->has_pat)
			return false;
		*value = vmcs_read(VMCS_GUEST_IA32_PAT);
		return true;
	}
	return false;
}

/* Reserved bits #GP; LME cannot change while paging is on (SDM 3A
 * 2.2.1, "Extended Feature Enable Register"); LMA is the processor's and
 * writes to it are ignored. A flat guest always pages, so its LME stays;
 * a PC guest's may change with paging off (emulate_write_cr0_pc). */
static bool write_efer(uint64_t value)
{
	uint64_t old = vmcs_read(VMCS_GUEST_IA32_EFER);
	uint64_t writable = EFER_GUEST_WRITABLE;

	if (value & ~(EFER_GUEST_WRITABLE | EFER_LME | EFER_LMA))
		return false;
	if (vmcs_read(VMCS_CR0_READ_SHADOW) & CR0_PG) {
		if ((value ^ old) & EFER_LME)
			return false;
	} else {
		writable |= EFER_LME;
	}
	vmcs_write(VMCS_GUEST_IA32_EFER,
		   (old & ~writable) | (value & writable));
	return true;
}

static bool msr_write(struct vcpu *v, uint32_t msr, uint64_t value)
{
	switch (msr) {
	case MSR_IA32_EFER:
		return write_efer(value);
	case MSR_IA32_SYSENTER_CS:
		vmcs_write(VMCS_GUEST_IA32_SYSENTER_CS, (uint32_t)value);
		return true;
	case MSR_IA32_SYSENTER_ESP:
		if (!canonical(value))
			return false;
		vmcs_write(VMCS_GUEST_IA32_SYSENTER_ESP, value);
		return true;
	case MSR_IA32_SYSENTER_EIP:
		if (!canonical(value))
			return false;
		vmcs_write(VMCS_GUEST_IA32_SYSENTER_EIP, value);
		return true;
	case MSR_IA32_PAT:
		if (!v->has_pat || pat_bad_entry(value) >= 0)
			return false;
		vmcs_write(VMCS_GUEST_IA32_PAT, value);
		return true;
	}
	return false;
}

/* A machine's own MSRs first, where it has any (out of line: the flat
 * guests' machine has none). */
static __attribute__((noinline)) enum machine_answer machine_rdmsr(
	struct vcpu *v, uint32_t msr, uint64_t *value)
{
	enum machine_answer a = v->machine->rdmsr(v, msr, value);

	if (a == MACHINE_NOT_MINE)
		a = msr_read(v, msr, value) ? MACHINE_DONE : MACHINE_GP;
	return a;
}

enum exit_verdict handle_msr_read(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->regs.gpr[GPR_RCX];
	uint64_t value;
	enum machine_answer a;

	if (__builtin_expect(!v->machine->rdmsr, 1))
		a = msr_read(v, msr, &value) ? MACHINE_DONE : MACHINE_GP;
	else
		a = machine_rdmsr(v, msr, &value);
	if (__builtin_expect(a != MACHINE_DONE, 0))
		return a == MACHINE_STOP ? VERDICT_STOP : vcpu_fault_gp(v);
	v->regs.gpr[GPR_RAX] = (uint32_t)value;
	v->regs.gpr[GPR_RDX] = value >> 32;
	return vcpu_done(v);
}

enum exit_verdict handle_msr_write(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->regs.gpr[GPR_RCX];
	uint64_t value =
		(v->regs.gpr[GPR_RDX] << 32) | (uint32_t)v->regs.gpr[GPR_RAX];
	enum machine_answer a = v->machine->wrmsr
					? v->machine->wrmsr(v, msr, value)
					: MACHINE_NOT_MINE;

	if (a == MACHINE_STOP)
		return VERDICT_STOP;
	if (a == MACHINE_GP ||
	    (a == MACHINE_NOT_MINE && !msr_write(v, msr, value))) {
		vcpu_inject_exception(v, EXC_GP, 0);
		return VERDICT_RESUME;
	}
	vcpu_skip_instruction(v);
	return VERDICT_RESUME;
}
