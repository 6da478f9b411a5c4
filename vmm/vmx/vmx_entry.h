/* The assembly stub between C and the guest (vmx_entry.S), and the one
 * register layout both share: the stub takes its offsets from here
 * (this header is also included by the .S, hence the __ASSEMBLER__
 * guard), and the _Static_asserts tie them to the C structures. */
#ifndef HV_VMX_ENTRY_H
#define HV_VMX_ENTRY_H

/* The guest's general-purpose registers, in the x86 register-number order
 * that exit qualifications use (SDM 3C table 28-3, in 28.2.1, "Basic
 * VM-Exit Information"), so regs->gpr[n] is register n. Slot 4 (RSP) is
 * unused: the guest's RSP lives in the VMCS. Byte offsets, for the stub. */
#define GUEST_REGS_RAX (0 * 8)
#define GUEST_REGS_RCX (1 * 8)
#define GUEST_REGS_RDX (2 * 8)
#define GUEST_REGS_RBX (3 * 8)
#define GUEST_REGS_RBP (5 * 8)
#define GUEST_REGS_RSI (6 * 8)
#define GUEST_REGS_RDI (7 * 8)
#define GUEST_REGS_R8 (8 * 8)
#define GUEST_REGS_R9 (9 * 8)
#define GUEST_REGS_R10 (10 * 8)
#define GUEST_REGS_R11 (11 * 8)
#define GUEST_REGS_R12 (12 * 8)
#define GUEST_REGS_R13 (13 * 8)
#define GUEST_REGS_R14 (14 * 8)
#define GUEST_REGS_R15 (15 * 8)

/* struct vmx_exit_frame, for the stub. */
#define EXIT_FRAME_REGS 0
#define EXIT_FRAME_CALLER_RSP 8
#define EXIT_FRAME_CTX 16
#define EXIT_FRAME_FINISH 24
#define EXIT_FRAME_SIZE 32

/* struct hv_cpu's vmcs_failures_pending (percpu.h), for the stub's
 * GS-relative test (the assertion is in exit/exit.c). */
#define HV_CPU_VMCS_FAILURES_PENDING 32

/* For the stub's L1D flush: IA32_FLUSH_CMD and its L1D_FLUSH bit
 * (x86/msr.h names them for C; an assembler file cannot use its enum). */
#define MSR_IA32_FLUSH_CMD_INDEX 0x10b
#define FLUSH_CMD_L1D_BIT 1

/* What vmx_enter_guest returns. */
#define VMX_RUN_STOPPED 0      /* vmx_exit_handler asked to stop */
#define VMX_RUN_FAIL_INVALID 1 /* VMLAUNCH/VMRESUME: VMfailInvalid */
#define VMX_RUN_FAIL_VALID 2   /* VMfailValid: see VM_INSTRUCTION_ERROR */

#ifdef __ASSEMBLER__
/* Load every guest GPR from the guest_regs at %rdi, %rdi last: VM entry
 * (vmx_entry.S) and the way back to native (resident_entry.S).
 * clang-format reads this as C; the markers keep it assembly. */
/* clang-format off */
.macro LOAD_GUEST_REGS
	mov GUEST_REGS_RAX(%rdi), %rax
	mov GUEST_REGS_RCX(%rdi), %rcx
	mov GUEST_REGS_RDX(%rdi), %rdx
	mov GUEST_REGS_RBX(%rdi), %rbx
	mov GUEST_REGS_RBP(%rdi), %rbp
	mov GUEST_REGS_RSI(%rdi), %rsi
	mov GUEST_REGS_R8(%rdi), %r8
	mov GUEST_REGS_R9(%rdi), %r9
	mov GUEST_REGS_R10(%rdi), %r10
	mov GUEST_REGS_R11(%rdi), %r11
	mov GUEST_REGS_R12(%rdi), %r12
	mov GUEST_REGS_R13(%rdi), %r13
	mov GUEST_REGS_R14(%rdi), %r14
	mov GUEST_REGS_R15(%rdi), %r15
	mov GUEST_REGS_RDI(%rdi), %rdi
.endm
/* clang-format on */
#else
#include <stddef.h>
#include <stdint.h>

#include "x86/msr.h"

_Static_assert(MSR_IA32_FLUSH_CMD_INDEX == MSR_IA32_FLUSH_CMD &&
		       FLUSH_CMD_L1D_BIT == FLUSH_CMD_L1D,
	       "the stub's IA32_FLUSH_CMD is x86/msr.h's");

struct guest_regs {
	uint64_t gpr[16];
};
enum gpr_index {
	GPR_RAX = GUEST_REGS_RAX / 8,
	GPR_RCX = GUEST_REGS_RCX / 8,
	GPR_RDX = GUEST_REGS_RDX / 8,
	GPR_RBX = GUEST_REGS_RBX / 8,
	GPR_RSP = 4,
	GPR_RBP = GUEST_REGS_RBP / 8,
	GPR_RSI = GUEST_REGS_RSI / 8,
	GPR_RDI = GUEST_REGS_RDI / 8,
	GPR_R8 = GUEST_REGS_R8 / 8,
	GPR_R9 = GUEST_REGS_R9 / 8,
	GPR_R10 = GUEST_REGS_R10 / 8,
	GPR_R11 = GUEST_REGS_R11 / 8,
	GPR_R12 = GUEST_REGS_R12 / 8,
	GPR_R13 = GUEST_REGS_R13 / 8,
	GPR_R14 = GUEST_REGS_R14 / 8,
	GPR_R15 = GUEST_REGS_R15 / 8,
};
_Static_assert(sizeof(struct guest_regs) == 16 * 8 &&
		       offsetof(struct guest_regs, gpr[GPR_R15]) ==
			       GUEST_REGS_R15,
	       "the stub's register offsets are struct guest_regs'");

/* Where HOST_RSP points, on a dedicated host page: what the exit stub
 * needs to find the guest's registers, the stack to run the exit handler
 * on, and the handler's argument. 32 bytes, so HOST_RSP stays 16-byte
 * aligned at the top of the page. */
struct vmx_exit_frame {
	struct guest_regs *regs;
	uint64_t caller_rsp; /* vmx_enter_guest's stack, set by it */
	void *ctx;	     /* vmx_exit_handler's argument */
	/* Not 0: vmx_exit_finish(ctx) runs after every exit's handler (a
	 * machine with work before each VM entry); else only after a failed
	 * VMCS access. */
	uint64_t finish;
};
_Static_assert(offsetof(struct vmx_exit_frame, regs) == EXIT_FRAME_REGS &&
		       offsetof(struct vmx_exit_frame, caller_rsp) ==
			       EXIT_FRAME_CALLER_RSP &&
		       offsetof(struct vmx_exit_frame, ctx) == EXIT_FRAME_CTX &&
		       offsetof(struct vmx_exit_frame, finish) ==
			       EXIT_FRAME_FINISH &&
		       sizeof(struct vmx_exit_frame) == EXIT_FRAME_SIZE,
	       "the stub's frame offsets are struct vmx_exit_frame's");

/* One of VMX_RUN_*. Loads the guest registers from frame->regs and
 * executes VMLAUNCH. On
 * every VM exit the stub saves the guest registers, calls
 * vmx_exit_handler(frame->ctx) and, when it returns 0, executes VMRESUME:
 * one call per exit, no return to the caller in between. Returns once the
 * handler returns nonzero, or at once if VMLAUNCH or VMRESUME failed. Only
 * the guest GPRs and, once, the host's callee-saved registers are saved:
 * the host runs without vector registers (-mgeneral-regs-only). */
int vmx_enter_guest(struct vmx_exit_frame *frame);

/* Defined by the exit file (exit/exit.c): handles one VM exit; 0 resumes
 * the guest. Then, where frame->finish asks or a VMCS access failed on
 * this CPU (struct hv_cpu's vmcs_failures_pending), vmx_exit_finish: what
 * is left before the VM entry; 0 resumes the guest. */
int vmx_exit_handler(void *ctx);
int vmx_exit_finish(void *ctx);

/* HOST_RIP: where the CPU lands on every VM exit. */
void vmx_exit_entry(void);

/* Whether the stub executes VERW right before VMLAUNCH and VMRESUME,
 * after the guest's registers are loaded (x86/spec_ctrl.h: with MD_CLEAR
 * that clears the CPU buffers, as KVM's CLEAR_CPU_BUFFERS does), and the
 * selector it checks (a writable data segment's, as KVM's __KERNEL_DS). */
extern uint8_t vmx_entry_verw;
extern uint16_t vmx_entry_verw_selector;
/* Whether the stub flushes L1D (IA32_FLUSH_CMD) before every VM entry
 * (x86/spec_ctrl.h: the L1TF mitigation, as KVM's vmx_l1d_flush()). */
extern uint8_t vmx_entry_l1d_flush;
#endif /* __ASSEMBLER__ */

#endif
