/* Resident mode's assembly (resident_entry.h). */
#include "resident/resident_entry.h"
#include "vmx/vmx_entry.h"

	.text
/* uint64_t resident_capture(struct resident_capture *c %rdi) */
	.globl resident_capture
	.type resident_capture, @function
resident_capture:
	mov %rbx, CAPTURE_RBX(%rdi)
	mov %rbp, CAPTURE_RBP(%rdi)
	mov %r12, CAPTURE_R12(%rdi)
	mov %r13, CAPTURE_R13(%rdi)
	mov %r14, CAPTURE_R14(%rdi)
	mov %r15, CAPTURE_R15(%rdi)
	lea 8(%rsp), %rax		/* RSP after the return */
	mov %rax, CAPTURE_RSP(%rdi)
	mov (%rsp), %rax		/* the return address */
	mov %rax, CAPTURE_RIP(%rdi)
	pushfq
	popq CAPTURE_RFLAGS(%rdi)
	xor %eax, %eax
	ret
	.size resident_capture, . - resident_capture

/* RDMSR and WRMSR that the processor, or the hypervisor below, may
 * refuse with #GP: a paravirtual MSR of that hypervisor, which checks the
 * value the guest gave. hv's host IDT resumes a #GP at either instruction
 * at resident_msr_fixup (host_idt_handler), which returns 1 where the
 * instruction would have returned 0. */
/* int resident_wrmsr_safe(uint32_t msr %edi, uint64_t value %rsi) */
	.globl resident_wrmsr_safe, resident_wrmsr_insn
	.type resident_wrmsr_safe, @function
resident_wrmsr_safe:
	mov %edi, %ecx
	mov %esi, %eax
	mov %rsi, %rdx
	shr $32, %rdx
resident_wrmsr_insn:
	wrmsr
	xor %eax, %eax
	ret
	.size resident_wrmsr_safe, . - resident_wrmsr_safe

/* int resident_rdmsr_safe(uint32_t msr %edi, uint64_t *value %rsi) */
	.globl resident_rdmsr_safe, resident_rdmsr_insn
	.type resident_rdmsr_safe, @function
resident_rdmsr_safe:
	mov %edi, %ecx
resident_rdmsr_insn:
	rdmsr
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, (%rsi)
	xor %eax, %eax
	ret
	.size resident_rdmsr_safe, . - resident_rdmsr_safe

	.globl resident_msr_fixup
	.type resident_msr_fixup, @function
resident_msr_fixup:
	mov $1, %eax
	ret
	.size resident_msr_fixup, . - resident_msr_fixup

/* int resident_call_on_stack(int (*fn)(void *) %rdi, void *arg %rsi,
 *                            void *stack_top %rdx) */
	.globl resident_call_on_stack
	.type resident_call_on_stack, @function
resident_call_on_stack:
	push %rbp
	mov %rsp, %rbp
	mov %rdx, %rsp
	mov %rdi, %rax
	mov %rsi, %rdi
	call *%rax
	mov %rbp, %rsp
	pop %rbp
	ret
	.size resident_call_on_stack, . - resident_call_on_stack

/* void resident_resume_native(const struct resident_native *n %rdi) */
	.globl resident_resume_native
	.type resident_resume_native, @function
resident_resume_native:
	lgdt NATIVE_GDTR(%rdi)
	lidt NATIVE_IDTR(%rdi)
	mov NATIVE_SS(%rdi), %ax
	mov %ax, %ss
	mov NATIVE_DS(%rdi), %ax
	mov %ax, %ds
	mov NATIVE_ES(%rdi), %ax
	mov %ax, %es
	mov NATIVE_FS(%rdi), %ax
	mov %ax, %fs
	mov NATIVE_GS(%rdi), %ax
	mov %ax, %gs
	/* The bases after the selectors: loading a selector sets them
	 * from its descriptor (SDM 3A 3.4.4). */
	mov $0xc0000100, %ecx		/* IA32_FS_BASE */
	mov NATIVE_FS_BASE(%rdi), %eax
	mov NATIVE_FS_BASE+4(%rdi), %edx
	wrmsr
	mov $0xc0000101, %ecx		/* IA32_GS_BASE */
	mov NATIVE_GS_BASE(%rdi), %eax
	mov NATIVE_GS_BASE+4(%rdi), %edx
	wrmsr
	/* The IRETQ frame: SS, RSP, RFLAGS, CS, RIP (SDM 3A 7.14.3,
	 * "IRET in IA-32e Mode"). */
	movzwq NATIVE_SS(%rdi), %rax
	push %rax
	pushq NATIVE_RSP(%rdi)
	pushq NATIVE_RFLAGS(%rdi)
	movzwq NATIVE_CS(%rdi), %rax
	push %rax
	pushq NATIVE_RIP(%rdi)
	mov NATIVE_REGS(%rdi), %rdi
	LOAD_GUEST_REGS
	iretq
	.size resident_resume_native, . - resident_resume_native

	.section .note.GNU-stack, "", @progbits
