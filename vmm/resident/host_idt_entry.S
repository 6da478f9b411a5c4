/* hv's host IDT's entry stubs (resident/host_idt.h): assembly because an
 * interrupt gate enters with the processor's frame on the stack and must
 * leave with IRETQ, which C cannot do. */
#include "resident/host_idt.h"
#include "x86/x86.h"

/* One stub per vector, exactly HOST_IDT_STUB_SIZE bytes (.org: the
 * assembler refuses a stub that is longer, and fills the rest with INT3).
 * A vector whose exception pushes no error code (EXC_ERROR_CODE_VECTORS,
 * x86/x86.h; no interrupt pushes one) pushes a 0 in its place, so that
 * every stub leaves the same frame: error code, then the vector. */
.macro HOST_IDT_STUB
0:
	.if vector < 32
	.if !((EXC_ERROR_CODE_VECTORS >> vector) & 1)
	pushq $0
	.endif
	.else
	pushq $0
	.endif
	pushq $vector
	jmp host_idt_common
	.org 0b + HOST_IDT_STUB_SIZE, 0xcc
.endm

	.text
	.balign HOST_IDT_STUB_SIZE
	.globl host_idt_stubs
	.type host_idt_stubs, @function
host_idt_stubs:
	vector = 0
	.rept HOST_IDT_VECTORS
	HOST_IDT_STUB
	vector = vector + 1
	.endr
	.size host_idt_stubs, . - host_idt_stubs

/* Every register saved (struct host_idt_frame): an NMI may come while
 * the guest's registers are live (vmx_entry.S loads them before VMRESUME)
 * and returns to that code. The processor aligned RSP to 16 bytes before
 * its 5 quadwords (SDM 3A 6.14.2, "64-Bit Mode Stack Frame"); with the
 * error code, the vector and 15 registers, 22 quadwords: RSP is 16-byte
 * aligned again at the call, as the ABI wants. Interrupt gates entered
 * with IF = 0; DF is cleared for C (IRETQ restores RFLAGS). */
	.type host_idt_common, @function
host_idt_common:
	push %rax
	push %rcx
	push %rdx
	push %rbx
	push %rbp
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	cld
	mov %rsp, %rdi
	call host_idt_handler		/* returns for an NMI, an MSR fixup */
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rdi
	pop %rsi
	pop %rbp
	pop %rbx
	pop %rdx
	pop %rcx
	pop %rax
	add $16, %rsp			/* the vector and the error code */
	iretq
	.size host_idt_common, . - host_idt_common

	.section .note.GNU-stack, "", @progbits
