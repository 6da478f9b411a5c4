/* VM entry and VM exit: the only code that runs with the guest's
 * registers live. The register layout is vmx_entry.h's. */
#include "vmx/vmx_entry.h"

/* The L1D flush (IA32_FLUSH_CMD), when vmx_entry_l1d_flush is not 0: the
 * last of the host's work before VM entry, before the guest's registers
 * are loaded, since WRMSR takes three of them (x86/spec_ctrl.h). */
.macro FLUSH_L1D
	cmpb $0, vmx_entry_l1d_flush(%rip)
	je 1f
	mov $MSR_IA32_FLUSH_CMD_INDEX, %ecx
	mov $FLUSH_CMD_L1D_BIT, %eax
	xor %edx, %edx
	wrmsr
1:
.endm

/* VERW with a memory operand, when vmx_entry_verw is not 0: the last
 * memory access before VM entry (x86/spec_ctrl.h). Only RFLAGS changes,
 * and VM entry loads the guest's. */
.macro CLEAR_CPU_BUFFERS
	cmpb $0, vmx_entry_verw(%rip)
	je 1f
	verw vmx_entry_verw_selector(%rip)
1:
.endm

	.data
	.globl vmx_entry_verw, vmx_entry_verw_selector, vmx_entry_l1d_flush
	.hidden vmx_entry_verw, vmx_entry_verw_selector, vmx_entry_l1d_flush
/* The two flags side by side, so that the exit path tests both with one
 * 16-bit compare (vmx_exit_entry). */
	.balign 2
vmx_entry_mitigations:
	.type vmx_entry_l1d_flush, @object
vmx_entry_l1d_flush:
	.byte 0
	.size vmx_entry_l1d_flush, 1
	.type vmx_entry_verw, @object
vmx_entry_verw:
	.byte 0
	.size vmx_entry_verw, 1
	.type vmx_entry_verw_selector, @object
vmx_entry_verw_selector:
	.word 0
	.size vmx_entry_verw_selector, 2

	.text
/* int vmx_enter_guest(struct vmx_exit_frame *frame %rdi) */
	.globl vmx_enter_guest
	.type vmx_enter_guest, @function
vmx_enter_guest:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	sub $8, %rsp			/* 16-byte aligned: exit handlers run here */
	mov %rsp, EXIT_FRAME_CALLER_RSP(%rdi)
	mov %rdi, %rbx			/* the frame, across the flush */
	FLUSH_L1D
	mov EXIT_FRAME_REGS(%rbx), %rdi
	LOAD_GUEST_REGS
	CLEAR_CPU_BUFFERS
	vmlaunch
	jmp vmx_entry_failed
	.size vmx_enter_guest, . - vmx_enter_guest

/* HOST_RIP. %rsp = HOST_RSP = the vmx_exit_frame; RFLAGS = 0x2. Saves
 * the guest's registers, calls vmx_exit_handler(frame->ctx) on
 * vmx_enter_guest's stack, then vmx_exit_finish(frame->ctx) where
 * vmx_entry.h says, and, if they return 0, resumes the guest. The
 * host's callee-saved registers need no saving here: they were saved
 * once, by vmx_enter_guest. */
	.globl vmx_exit_entry
	.type vmx_exit_entry, @function
vmx_exit_entry:
	push %rdi
	mov 8+EXIT_FRAME_REGS(%rsp), %rdi
	mov %rax, GUEST_REGS_RAX(%rdi)
	mov %rcx, GUEST_REGS_RCX(%rdi)
	mov %rdx, GUEST_REGS_RDX(%rdi)
	mov %rbx, GUEST_REGS_RBX(%rdi)
	mov %rbp, GUEST_REGS_RBP(%rdi)
	mov %rsi, GUEST_REGS_RSI(%rdi)
	mov %r8, GUEST_REGS_R8(%rdi)
	mov %r9, GUEST_REGS_R9(%rdi)
	mov %r10, GUEST_REGS_R10(%rdi)
	mov %r11, GUEST_REGS_R11(%rdi)
	mov %r12, GUEST_REGS_R12(%rdi)
	mov %r13, GUEST_REGS_R13(%rdi)
	mov %r14, GUEST_REGS_R14(%rdi)
	mov %r15, GUEST_REGS_R15(%rdi)
	popq GUEST_REGS_RDI(%rdi)
	mov %rsp, %rbx			/* the frame; C preserves %rbx */
	mov EXIT_FRAME_CALLER_RSP(%rbx), %rsp
	mov EXIT_FRAME_CTX(%rbx), %rdi
	call vmx_exit_handler
	test %eax, %eax
	jnz vmx_stopped
	/* The rest of the exit's work, only where there is any: the
	 * machine's before each entry, or a failed VMCS access to report. */
	cmpq $0, EXIT_FRAME_FINISH(%rbx)
	jnz vmx_finish
	cmpb $0, %gs:HV_CPU_VMCS_FAILURES_PENDING
	jnz vmx_finish
vmx_resume:
	/* Neither mitigation (most CPUs that are not affected): one compare
	 * of both flags, and the way without them. */
	cmpw $0, vmx_entry_mitigations(%rip)
	jnz vmx_resume_mitigated
	mov EXIT_FRAME_REGS(%rbx), %rdi
	LOAD_GUEST_REGS
	vmresume
	jmp vmx_entry_failed		/* the flags are VMRESUME's */
vmx_resume_mitigated:
	FLUSH_L1D
	mov EXIT_FRAME_REGS(%rbx), %rdi
	LOAD_GUEST_REGS
	CLEAR_CPU_BUFFERS
	vmresume
	/* Fall through: VMRESUME failed; %rsp is vmx_enter_guest's again. */
vmx_entry_failed:
	/* Still here: the instruction failed (SDM 3C 31.2, "Conventions").
	 * The guest registers we loaded are garbage to the host; %rsp is
	 * intact. */
	mov $VMX_RUN_FAIL_INVALID, %eax	/* if CF */
	mov $VMX_RUN_FAIL_VALID, %ecx	/* if ZF */
	cmovz %ecx, %eax
	jmp vmx_return
vmx_finish:
	mov EXIT_FRAME_CTX(%rbx), %rdi
	call vmx_exit_finish
	test %eax, %eax
	jz vmx_resume
vmx_stopped:
	mov $VMX_RUN_STOPPED, %eax
vmx_return:
	add $8, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret
	.size vmx_exit_entry, . - vmx_exit_entry

	.section .note.GNU-stack, "", @progbits
