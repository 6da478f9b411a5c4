/* VM entry and VM exit: the only code that runs with the guest's
 * registers live. See vmx_entry.h. */

	.set REGS_RAX, 0*8
	.set REGS_RCX, 1*8
	.set REGS_RDX, 2*8
	.set REGS_RBX, 3*8
	.set REGS_RBP, 5*8
	.set REGS_RSI, 6*8
	.set REGS_RDI, 7*8
	.set REGS_R8, 8*8
	.set REGS_R9, 9*8
	.set REGS_R10, 10*8
	.set REGS_R11, 11*8
	.set REGS_R12, 12*8
	.set REGS_R13, 13*8
	.set REGS_R14, 14*8
	.set REGS_R15, 15*8

	.set FRAME_REGS, 0
	.set FRAME_CALLER_RSP, 8
	.set FRAME_CTX, 16

/* Load every guest GPR from the guest_regs at %rdi, %rdi last. */
.macro LOAD_GUEST_REGS
	mov REGS_RAX(%rdi), %rax
	mov REGS_RCX(%rdi), %rcx
	mov REGS_RDX(%rdi), %rdx
	mov REGS_RBX(%rdi), %rbx
	mov REGS_RBP(%rdi), %rbp
	mov REGS_RSI(%rdi), %rsi
	mov REGS_R8(%rdi), %r8
	mov REGS_R9(%rdi), %r9
	mov REGS_R10(%rdi), %r10
	mov REGS_R11(%rdi), %r11
	mov REGS_R12(%rdi), %r12
	mov REGS_R13(%rdi), %r13
	mov REGS_R14(%rdi), %r14
	mov REGS_R15(%rdi), %r15
	mov REGS_RDI(%rdi), %rdi
.endm

/* VERW with a memory operand, when vmx_entry_verw is not 0: the last
 * memory access before VM entry (spec_ctrl.h). Only RFLAGS changes, and
 * VM entry loads the guest's. */
.macro CLEAR_CPU_BUFFERS
	cmpb $0, vmx_entry_verw(%rip)
	je 1f
	verw vmx_entry_verw_selector(%rip)
1:
.endm

	.data
	.globl vmx_entry_verw, vmx_entry_verw_selector
	.hidden vmx_entry_verw, vmx_entry_verw_selector
	.type vmx_entry_verw_selector, @object
vmx_entry_verw_selector:
	.word 0
	.size vmx_entry_verw_selector, 2
	.type vmx_entry_verw, @object
vmx_entry_verw:
	.byte 0
	.size vmx_entry_verw, 1

	.text
/* enum vmx_run_result vmx_run(struct vmx_exit_frame *frame %rdi) */
	.globl vmx_run
	.type vmx_run, @function
vmx_run:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	sub $8, %rsp			/* 16-byte aligned: exit handlers run here */
	mov %rsp, FRAME_CALLER_RSP(%rdi)
	mov FRAME_REGS(%rdi), %rdi
	LOAD_GUEST_REGS
	CLEAR_CPU_BUFFERS
	vmlaunch
	jmp vmx_entry_failed
	.size vmx_run, . - vmx_run

/* HOST_RIP. %rsp = HOST_RSP = the vmx_exit_frame; RFLAGS = 0x2. Saves
 * the guest's registers, calls vmx_exit_handler(frame->ctx) on vmx_run's
 * stack and, if it returns 0, resumes the guest. The host's callee-saved
 * registers need no saving here: they were saved once, by vmx_run. */
	.globl vmx_exit_entry
	.type vmx_exit_entry, @function
vmx_exit_entry:
	push %rdi
	mov 8+FRAME_REGS(%rsp), %rdi
	mov %rax, REGS_RAX(%rdi)
	mov %rcx, REGS_RCX(%rdi)
	mov %rdx, REGS_RDX(%rdi)
	mov %rbx, REGS_RBX(%rdi)
	mov %rbp, REGS_RBP(%rdi)
	mov %rsi, REGS_RSI(%rdi)
	mov %r8, REGS_R8(%rdi)
	mov %r9, REGS_R9(%rdi)
	mov %r10, REGS_R10(%rdi)
	mov %r11, REGS_R11(%rdi)
	mov %r12, REGS_R12(%rdi)
	mov %r13, REGS_R13(%rdi)
	mov %r14, REGS_R14(%rdi)
	mov %r15, REGS_R15(%rdi)
	popq REGS_RDI(%rdi)
	mov %rsp, %rbx			/* the frame; C preserves %rbx */
	mov FRAME_CALLER_RSP(%rbx), %rsp
	mov FRAME_CTX(%rbx), %rdi
	call vmx_exit_handler
	test %eax, %eax
	jnz vmx_stopped
	mov FRAME_REGS(%rbx), %rdi
	LOAD_GUEST_REGS
	CLEAR_CPU_BUFFERS
	vmresume
	/* Fall through: VMRESUME failed; %rsp is vmx_run's again. */
vmx_entry_failed:
	/* Still here: the instruction failed (SDM 3C 31.2). The guest
	 * registers we loaded are garbage to the host; %rsp is intact. */
	mov $1, %eax			/* VMX_RUN_FAIL_INVALID if CF */
	mov $2, %ecx			/* VMX_RUN_FAIL_VALID if ZF */
	cmovz %ecx, %eax
	jmp vmx_return
vmx_stopped:
	xor %eax, %eax			/* VMX_RUN_STOPPED */
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
