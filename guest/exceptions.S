/* Exception entry stubs for vectors 0-31: a uniform frame for the C
 * handler in lib.c (vector and error code pushed, then the scratch
 * registers). */
.macro STUB vec, has_error
exc_\vec:
	.if \has_error == 0
	push $0
	.endif
	push $\vec
	jmp exc_common
.endm

	.text
	STUB 0,0; STUB 1,0; STUB 2,0; STUB 3,0; STUB 4,0; STUB 5,0; STUB 6,0
	STUB 7,0; STUB 8,1; STUB 9,0; STUB 10,1; STUB 11,1; STUB 12,1
	STUB 13,1; STUB 14,1; STUB 15,0; STUB 16,0; STUB 17,1; STUB 18,0
	STUB 19,0; STUB 20,0; STUB 21,1; STUB 22,0; STUB 23,0; STUB 24,0
	STUB 25,0; STUB 26,0; STUB 27,0; STUB 28,0; STUB 29,1; STUB 30,1
	STUB 31,0

exc_common:
	push %rax
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	push %r11
	mov %rsp, %rdi
	cld
	call guest_exception
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rax
	add $16, %rsp
	iretq

	.section .rodata
	.globl guest_exception_stubs
guest_exception_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad exc_\v
	.endr

	.section .note.GNU-stack, "", @progbits
