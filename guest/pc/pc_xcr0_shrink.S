/* A hostile PC guest (review finding G1): a "kernel" of a few
 * instructions that shrinks XCR0 under live SSE state. It turns on
 * CR4.OSXSAVE, sets XCR0 = x87|SSE, fills XMM0, prints a line (each byte
 * an exit; the console line hv prints is a firmware call, so hv XSAVEs
 * the guest's state under XCR0 = 3), then sets XCR0 = x87 alone, which
 * XSETBV allows, and prints again: the next VM entry restores the image
 * saved under the larger XCR0. Before the fix, hv's XRSTOR took #GP in
 * VMX root and the machine hung. It then checks that XMM0 survived
 * (SSE needs only CR4.OSFXSR, not XCR0[1]) and halts with interrupts
 * off: a kernel that never booted, result=error why=halted_at_boot.
 *
 * Entered by hv's bzImage loader through the 64-bit boot protocol
 * (Documentation/arch/x86/boot.rst, "64-bit Boot Protocol"): paging on,
 * interrupts off, RSI the boot_params. scripts/mkbzimage.py wraps it. */
#include "pc/pc_guest.inc"
	.code64
	.text
	.globl _start
_start:
	lea msg_start(%rip), %rsi
	call puts

	mov $1, %eax		/* CPUID.1:ECX.XSAVE[26]: without it, */
	cpuid			/* nothing to test (hv said so too) */
	bt $26, %ecx
	jc 1f
	lea msg_no_xsave(%rip), %rsi
	jmp halt
1:

	mov %cr4, %rax
	or $((1 << 18) | (1 << 10) | (1 << 9)), %rax /* OSXSAVE OSXMMEXCPT OSFXSR */
	mov %rax, %cr4
	mov $3, %eax		/* XCR0 = x87 | SSE */
	call set_xcr0
	pcmpeqd %xmm0, %xmm0	/* XMM0 all ones: SSE state in use */
	lea msg_sse(%rip), %rsi
	call puts

	mov $1, %eax		/* XCR0 = x87 alone */
	call set_xcr0
	lea msg_shrunk(%rip), %rsi
	call puts

	pmovmskb %xmm0, %eax	/* 0xffff while XMM0 is all ones */
	lea msg_kept(%rip), %rsi
	cmp $0xffff, %eax
	je 1f
	lea msg_lost(%rip), %rsi
1:	call puts

	lea msg_end(%rip), %rsi
halt:
	call puts
	cli
	hlt
	jmp .

set_xcr0:
	xor %ecx, %ecx
	xor %edx, %edx
	xsetbv
	ret

	PC_PUTS

	/* The strings in .text: the image is this one section, unlinked. */
msg_start:  .asciz "pc_xcr0_shrink: start\n"
msg_sse:    .asciz "pc_xcr0_shrink: XCR0=3, XMM0 all ones\n"
msg_shrunk: .asciz "pc_xcr0_shrink: XCR0=1 (x87 alone); hv restored the image\n"
msg_kept:   .asciz "pc_xcr0_shrink: XMM0 kept\n"
msg_lost:   .asciz "pc_xcr0_shrink: XMM0 LOST\n"
msg_end:    .asciz "pc_xcr0_shrink: halting with interrupts off\n"
msg_no_xsave: .asciz "pc_xcr0_shrink: no XSAVE in CPUID: nothing to test; halting\n"
	.section .note.GNU-stack, "", @progbits
