/* A PC guest that ends as Linux does after a panic without panic= on its
 * command line (kernel/panic.c, panic(): the message, then interrupts on
 * and a delay loop, forever): a line, then STI and a PAUSE loop that never
 * exits to hv. Nothing bounds such a run (docs/linux-guest.md, "What
 * bounds a Linux run": its interrupts are on, it does not halt), so it is
 * its user who ends it: Ctrl-A x on the console, which the harness types
 * once the line is there (tests/integration.sh). hv then stops the guest,
 * "stopped from the console", result=stopped, and returns to the
 * firmware. Entered through the 64-bit boot protocol (boot.rst) by hv's
 * loader; scripts/mkbzimage.py wraps it. */
#include "pc/pc_guest.inc"
	.code64
	.text
	.globl _start
_start:
	lea msg_panic(%rip), %rsi
	call puts
	sti
1:	pause
	jmp 1b

	PC_PUTS

msg_panic: .asciz "pc_panic: Kernel panic - not syncing: a test of hv's Ctrl-A x\n"
	.section .note.GNU-stack, "", @progbits
