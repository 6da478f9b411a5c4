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

	.text
/* enum vmx_enter_result vmx_enter(regs %rdi, frame %rsi, launched %edx) */
	.globl vmx_enter
	.type vmx_enter, @function
vmx_enter:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rdi, FRAME_REGS(%rsi)
	mov %rsp, FRAME_CALLER_RSP(%rsi)
	test %edx, %edx
	jnz 1f
	LOAD_GUEST_REGS
	vmlaunch
	jmp 2f
1:	LOAD_GUEST_REGS
	vmresume
2:	/* Still here: the instruction failed (SDM 3C 31.2). The guest
	 * registers we loaded are garbage to the host; %rsp is intact. */
	mov $1, %eax			/* VMX_ENTER_FAIL_INVALID if CF */
	mov $2, %ecx			/* VMX_ENTER_FAIL_VALID if ZF */
	cmovz %ecx, %eax
	jmp vmx_return
	.size vmx_enter, . - vmx_enter

/* HOST_RIP. %rsp = HOST_RSP = the vmx_exit_frame; RFLAGS = 0x2. */
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
	xor %eax, %eax			/* VMX_ENTER_EXITED */
	mov FRAME_CALLER_RSP(%rsp), %rsp
vmx_return:
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret
	.size vmx_exit_entry, . - vmx_exit_entry

	.section .note.GNU-stack, "", @progbits
