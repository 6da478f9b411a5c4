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

/* Where HOST_RSP points, on a dedicated host page: what the exit stub
 * needs to find the guest's registers, the stack to run the exit handler
 * on, and the handler's argument. 32 bytes, so HOST_RSP stays 16-byte
 * aligned at the top of the page. */
struct vmx_exit_frame {
	struct guest_regs *regs;
	uint64_t caller_rsp; /* vmx_run's stack, set by vmx_run */
	void *ctx;	     /* vmx_exit_handler's argument */
	uint64_t unused;
};

enum vmx_run_result {
	VMX_RUN_STOPPED = 0,	  /* vmx_exit_handler asked to stop */
	VMX_RUN_FAIL_INVALID = 1, /* VMLAUNCH/VMRESUME: VMfailInvalid */
	VMX_RUN_FAIL_VALID = 2,	  /* VMfailValid: see VM_INSTRUCTION_ERROR */
};

/* Loads the guest registers from frame->regs and executes VMLAUNCH. On
 * every VM exit the stub saves the guest registers, calls
 * vmx_exit_handler(frame->ctx) and, when it returns 0, executes VMRESUME:
 * one call per exit, no return to the caller in between. Returns once the
 * handler returns nonzero, or at once if VMLAUNCH or VMRESUME failed. Only
 * the guest GPRs and, once, the host's callee-saved registers are saved:
 * the host runs without vector registers (-mgeneral-regs-only). */
enum vmx_run_result vmx_run(struct vmx_exit_frame *frame);

/* Defined by the VMX core: handles one VM exit; 0 resumes the guest. */
int vmx_exit_handler(void *ctx);

/* HOST_RIP: where the CPU lands on every VM exit. */
void vmx_exit_entry(void);

/* Whether the stub executes VERW right before VMLAUNCH and VMRESUME,
 * after the guest's registers are loaded (spec_ctrl.h: with MD_CLEAR that
 * clears the CPU buffers, as KVM's CLEAR_CPU_BUFFERS does), and the
 * selector it checks (a writable data segment's, as KVM's __KERNEL_DS). */
extern uint8_t vmx_entry_verw;
extern uint16_t vmx_entry_verw_selector;

#endif
