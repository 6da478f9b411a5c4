/* The assembly stub between C and the guest (vmx_entry.S). */
#ifndef HV_VMX_ENTRY_H
#define HV_VMX_ENTRY_H

#include <stdint.h>

/* The guest's general-purpose registers, in the x86 register-number order
 * that exit qualifications use (SDM 3C table 28-3), so regs->gpr[n] is
 * register n. Slot 4 (RSP) is unused: the guest's RSP lives in the VMCS. */
struct guest_regs {
	uint64_t gpr[16];
};
enum gpr_index {
	GPR_RAX,
	GPR_RCX,
	GPR_RDX,
	GPR_RBX,
	GPR_RSP,
	GPR_RBP,
	GPR_RSI,
	GPR_RDI,
	GPR_R8,
	GPR_R9,
	GPR_R10,
	GPR_R11,
	GPR_R12,
	GPR_R13,
	GPR_R14,
	GPR_R15,
};

/* Where HOST_RSP points: the exit stub finds the guest registers and the
 * caller's stack here. It lives on a dedicated host page. */
struct vmx_exit_frame {
	struct guest_regs *regs;
	uint64_t caller_rsp;
};

enum vmx_enter_result {
	VMX_ENTER_EXITED = 0, /* a VM exit happened; regs hold the guest */
	VMX_ENTER_FAIL_INVALID = 1, /* VMLAUNCH/VMRESUME: VMfailInvalid */
	VMX_ENTER_FAIL_VALID = 2,   /* VMfailValid: see VM_INSTRUCTION_ERROR */
};

/* Loads the guest registers and executes VMLAUNCH (launched == 0) or
 * VMRESUME. Returns after the next VM exit with the guest's registers
 * saved, or at once if the instruction failed. Only the guest GPRs and
 * the host's callee-saved registers are saved: the host runs without
 * vector registers (-mgeneral-regs-only). */
enum vmx_enter_result vmx_enter(struct guest_regs *regs,
				struct vmx_exit_frame *frame, int launched);

/* HOST_RIP: where the CPU lands on every VM exit. */
void vmx_exit_entry(void);

#endif
