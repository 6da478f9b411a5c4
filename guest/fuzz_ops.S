/* The fuzz guest's operations that C cannot write: INT n takes its
 * vector as an immediate, so each vector gets a stub of its own, 8 bytes
 * apart: fuzz_int_stubs + 8 * n is "INT n", then a jump back to the
 * fixup address lib.c's handler would have resumed at (an INT n always
 * raises something: the handler already went there, and clears
 * guest_fixup_rip, so the jump runs only if nothing was raised). */
	.text
	.balign 8
	.globl fuzz_int_stubs
fuzz_int_stubs:
	.irp hi, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.irp lo, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.balign 8
	int $(\hi * 16 + \lo)
	jmp *guest_fixup_rip(%rip)
	.endr
	.endr

	.section .note.GNU-stack, "", @progbits
