/* Guest entry (guest ABI): 64-bit mode, paging on, RDI = struct hv_info,
 * RSP = top of guest memory. guest_main's return value is the status. */
	.section .text.start, "ax"
	.globl _start
_start:
	call guest_main
	mov %rax, %rdi
	mov $1, %eax		/* HV_HC_EXIT */
	vmcall
1:	hlt
	jmp 1b

	.section .note.GNU-stack, "", @progbits
