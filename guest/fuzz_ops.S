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

/* One instruction each for an operation at CPL 3 or in compatibility
 * mode (guest/fuzz.c op_mode), 16 bytes apart, then UD2: its #UD brings
 * the guest back to CPL 0 in 64-bit mode (lib.c, guest_fixup_rsp). The
 * same list twice: 32-bit code, then 64-bit code. */
.macro MODE_STUBS r
	.balign 16; cpuid; ud2
	.balign 16; vmcall; ud2
	.balign 16; inb %dx, %al; ud2
	.balign 16; outb %al, %dx; ud2
	.balign 16; inl %dx, %eax; ud2
	.balign 16; outw %ax, %dx; ud2
	.balign 16; rdmsr; ud2
	.balign 16; wrmsr; ud2
	.balign 16; rdpmc; ud2
	.balign 16; rdtsc; ud2
	.balign 16; invd; ud2
	.balign 16; xsetbv; ud2
	.balign 16; mov %cr3, %\r\()ax; ud2
	.balign 16; mov %\r\()ax, %cr0; ud2
	.balign 16; mov %\r\()ax, %cr4; ud2
	.balign 16; clts; ud2
	.balign 16; lmsw %ax; ud2
	.balign 16; vmxoff; ud2
	.balign 16; pushf; orl $0x100, (%\r\()sp); popf; cpuid; ud2
	.balign 16; int3; ud2
.endm
	.balign 16
	.globl fuzz_mode_stubs32, fuzz_mode_stubs64, fuzz_mode_stubs_end
	.code32
fuzz_mode_stubs32:
	MODE_STUBS e
	.balign 16
fuzz_mode_stubs64:
	.code64
	MODE_STUBS r
	.balign 16
fuzz_mode_stubs_end:

	.section .note.GNU-stack, "", @progbits
