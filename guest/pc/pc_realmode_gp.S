/* A hostile PC guest (review finding G2): it leaves IA-32e mode and then
 * protected mode, which the PC allows (unrestricted guest), and executes
 * RDMSR of an MSR nobody has. hv answers with #GP(0); in real mode that
 * #GP must carry no error code, or the VM entry that injects it fails
 * (SDM 3C 27.2.1.3, "Checks on VM-Entry Control Fields"). Before the
 * fix: "VMRESUME failed: VM-instruction error 7", result=error.
 *
 * The interrupt table is emptied first (IDTR limit 0), so the #GP's
 * delivery itself faults twice and the CPU shuts down: a triple fault,
 * which on a PC is a reset: result=reboot, msr_read=1, and no VM-entry
 * failure. Entered through the 64-bit boot protocol (boot.rst) by hv's
 * loader; scripts/mkbzimage.py wraps it. */
#include "pc/pc_guest.inc"
	.code64
	.text
	.globl _start
_start:
	lea msg_start(%rip), %rsi
	call puts
	lidt idt_empty(%rip)
	lea gdt(%rip), %rax	/* a GDT with a 32-bit code segment */
	mov %rax, gdt_base(%rip)
	lgdt gdt_desc(%rip)
	lea compat(%rip), %rax
	pushq $0x08
	push %rax
	lretq			/* to compatibility mode */

	.code32
compat:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %cr0, %eax
	btr $31, %eax		/* PG off: IA-32e mode off (EFER.LMA) */
	mov %eax, %cr0
	btr $0, %eax		/* PE off: real mode, 32-bit CS still cached */
	mov %eax, %cr0
	mov $0x3f8, %dx
	mov $'R', %al		/* "R": in real mode */
	outb %al, (%dx)
	mov $'\n', %al
	outb %al, (%dx)
	mov $0x4b4d5351, %ecx	/* no such MSR */
	rdmsr			/* #GP(0), no error code in real mode */
	cli			/* not reached: the #GP shuts the CPU down */
	hlt

	.code64
	PC_PUTS

	.balign 8
gdt:
	.quad 0
	.quad 0x00cf9b000000ffff /* 0x08: 32-bit code, base 0, 4 GiB */
	.quad 0x00cf93000000ffff /* 0x10: data, base 0, 4 GiB */
gdt_desc:
	.word 3 * 8 - 1
gdt_base:
	.quad 0
idt_empty:
	.word 0
	.quad 0
msg_start: .asciz "pc_realmode_gp: leaving IA-32e and protected mode\n"
	.section .note.GNU-stack, "", @progbits
