/* A PC guest that powers its machine off through ACPI, as Linux's
 * acpi_hw_legacy_sleep does (ACPI 6.4, 16.1.7, "Transitioning from the
 * Working to the Sleeping State"; 4.8.3.2, "PM1 Control Grouping"): the
 * FADT's PM1a_CNT (port 0x604, pc/pc.h) written 16 bits at a time. First
 * SLP_EN with SLP_TYP 1 (no \_S1 in the DSDT: ignored), then SLP_TYP 5
 * alone (no SLP_EN: nothing), then SLP_TYP 5 | SLP_EN, \_S5's soft-off:
 * hv ends the run, result=ok, "power off through ACPI". Had hv ignored
 * it, the UD2 after it would meet an empty IDT and shut the CPU down:
 * result=reboot. Entered through the 64-bit boot protocol (boot.rst)
 * by hv's loader; scripts/mkbzimage.py wraps it. */
#include "pc/pc_guest.inc"
	.code64
	.text
	.globl _start
_start:
	lea msg_start(%rip), %rsi
	call puts
	lidt idt_empty(%rip)
	mov $PM1A_CNT, %dx		/* PM1a_CNT */
	mov $(1 << 10 | 1 << 13), %ax /* SLP_TYP 1 | SLP_EN */
	outw %ax, (%dx)
	mov $(5 << 10), %ax	/* SLP_TYP 5 */
	outw %ax, (%dx)
	lea msg_s5(%rip), %rsi
	call puts
	mov $PM1A_CNT, %dx
	mov $(5 << 10 | 1 << 13), %ax /* SLP_TYP 5 | SLP_EN */
	outw %ax, (%dx)
	ud2			/* not reached */

	PC_PUTS

idt_empty:
	.word 0
	.quad 0
msg_start: .asciz "pc_acpi_s5: SLP_EN with S1's SLP_TYP, then S5's SLP_TYP alone\n"
msg_s5: .asciz "pc_acpi_s5: still running; now S5's SLP_TYP with SLP_EN\n"
	.section .note.GNU-stack, "", @progbits
