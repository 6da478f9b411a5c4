/* A hostile PC guest (issue 17): junk in every interrupt controller the
 * PC has, each access one hv emulates, with counts hv reports that the
 * checks compare exactly (tests/checks.sh, expect_hostile):
 *
 * 1. It leaves x2APIC mode as Linux does (IA32_APIC_BASE: disabled, then
 *    xAPIC; SDM 3A 11.12.5, "x2APIC State Transitions"), maps the I/O
 *    APIC's and the local APIC's 2 MiB in its own page tables (the
 *    loader's identity map covers guest memory only), and enables the
 *    APIC (SVR 0x1ff).
 * 2. It loads every 4-byte-aligned address of the APIC page (1024
 *    loads), writes 0xffffffff at every one that is no register (960:
 *    the 768 whose offset & 0xf != 0, and the 192 16-byte-aligned ones
 *    past the last register, 0x3f0), and makes three accesses of a
 *    register that are not 32 bits (a byte load, a MOVZX of a byte, a
 *    16-bit store): hv counts 960 + 960 + 3 = 1923 "xAPIC-page accesses
 *    of no register", or 1920 where the CPU's APIC virtualization takes
 *    those three itself (below). Every load of no register must read 0,
 *    the registers what they hold.
 * 3. It writes all 24 I/O APIC redirection entries, the high half first
 *    (the entry still masked), then the low half that unmasks it, as
 *    Linux does: vector 5 (illegal), fixed, edge, on every pin but
 *    these, each active-low and level-triggered so that its idle line
 *    is asserted and one message goes at once:
 *      pins 10-14: SMI, NMI, INIT, ExtINT, reserved mode 3 (5 dropped
 *                  for their delivery mode);
 *      pin 15: physical destination 5, pin 16: logical destination 2,
 *              neither the one local APIC (2 for their destination);
 *      pin 17: lowest priority, vector 7 (1 for its illegal vector);
 *      pin 18: masked (nothing); pin 23: all ones (masked: nothing).
 *    COM1's pin 4 (vector 5, edge) drops one more for its illegal vector
 *    when COM1 raises its line in 4. Junk in the window too: IOREGSEL
 *    0xff, IOWIN written and read there, the ID register all ones, a
 *    byte store to IOREGSEL, a load between the two registers.
 *    In all: 9 dropped (illegal vector 2, delivery mode 5, destination
 *    2); hv must say so.
 * 4. It programs the master 8259 with vector base 0, the exception
 *    vectors (ICW2 0x00), unmasks IRQ 4 alone, opens LINT0 as ExtINT
 *    (0x700), and makes COM1 raise IRQ 4 (OUT2, then THRI: the one
 *    rising edge of the run; the handler clears IER, so the line falls
 *    and never rises again). With an IDT whose every vector has a stub
 *    of its own, it turns interrupts on: the 8259's IRQ 4 must come as
 *    the external interrupt vector 4, what the guest asked for, exactly
 *    once (hv: "1 interrupts injected"); the I/O APIC's vector 5 must
 *    not come at all.
 * 5. It powers off through ACPI S5 (as pc_acpi_s5.S): result=ok.
 *
 * Anything else (a readback that differs, a vector that is not 4, a
 * second interrupt, none at all) loads an empty IDT and runs UD2: a
 * triple fault, result=reboot, which the checks fail. Entered through
 * the 64-bit boot protocol (Documentation/arch/x86/boot.rst) by hv's
 * loader, interrupts off; scripts/mkbzimage.py wraps it. */
	.code64
	.text
	.globl _start

#include "pc/pc_guest.inc"

#define APIC_BASE_MSR 0x1b

/* check MEM, VALUE: MEM (a 32-bit load, one hv emulates: MOV, never
 * CMP) must read VALUE. */
	.macro check mem, value
	mov \mem, %eax
	cmp $\value, %eax
	jne fail
	.endm

_start:
	lea msg_start(%rip), %rsi
	call puts

	/* The 2 MiB at 0xFEC00000 and at 0xFEE00000 (the loader's map
	 * ends with guest memory; --mem=64 leaves the fourth GiB's PD to
	 * pd_space). */
	call map_mmio

	/* 1. x2APIC -> disabled -> xAPIC. */
	mov $APIC_BASE_MSR, %ecx
	xor %edx, %edx
	mov $(APIC_PAGE | 0x100), %eax /* BSP, EN=0 EXTD=0 */
	wrmsr
	mov $(APIC_PAGE | 0x900), %eax /* BSP, EN=1 */
	wrmsr
	rdmsr
	cmp $(APIC_PAGE | 0x900), %eax
	jne fail

	/* 2. The APIC page. */
	mov $APIC_PAGE, %ebx
	movl $0x1ff, 0xf0(%rbx)	/* SVR: enabled, spurious vector 0xff */
	check 0xf0(%rbx), 0x1ff
	xor %r8d, %r8d		/* what the non-registers read, ORed */
	xor %ecx, %ecx
1:	mov (%rbx,%rcx), %eax
	call no_register
	jnc 2f
	or %eax, %r8d
2:	add $4, %ecx
	cmp $0x1000, %ecx
	jb 1b
	test %r8d, %r8d
	jnz fail
	mov $-1, %eax
	xor %ecx, %ecx
1:	call no_register
	jnc 2f
	mov %eax, (%rbx,%rcx)
2:	add $4, %ecx
	cmp $0x1000, %ecx
	jb 1b
	/* Accesses of a register that are not 32 bits are undefined on a
	 * real APIC (SDM 3A 11.4.1). hv's emulation reads 0 and drops the
	 * write; the CPU's APIC virtualization, where hv uses it, reads the
	 * register's byte from the virtual-APIC page and takes the TPR
	 * store as the byte it holds (SDM 3C 30.4.2, 30.4.3.2). Either is
	 * right; the counts hv reports say which one ran. */
	mov $0x5a, %eax
	mov 0x20(%rbx), %al	/* a byte of the ID: 0 either way */
	test %al, %al
	jnz fail
	movzbl 0x30(%rbx), %eax	/* a byte of the version: 0 or 0x14 */
	test %eax, %eax
	jz 3f
	cmp $0x14, %eax
	jne fail
3:	mov $0xffff, %eax
	mov %ax, 0x80(%rbx)	/* 16 bits at TPR: dropped, or TPR 0xff */
	mov 0x80(%rbx), %eax
	test %eax, %eax
	jz 4f
	cmp $0xff, %eax
	jne fail
	movl $0, 0x80(%rbx)	/* TPR 0 again, for the interrupt below */
4:	check 0x80(%rbx), 0	/* TPR */
	check 0x20(%rbx), 0	/* ID: the one APIC is 0 */
	check 0x30(%rbx), 0x00050014 /* version */
	lea msg_apic(%rip), %rsi
	call puts

	/* 3. The I/O APIC's redirection table, from rte_junk. */
	mov $IOAPIC_PAGE, %edi
	lea rte_junk(%rip), %rsi
	xor %ecx, %ecx		/* pin */
1:	lea 0x11(,%rcx,2), %eax	/* the high half first */
	mov %eax, (%rdi)
	mov 4(%rsi,%rcx,8), %eax
	mov %eax, 0x10(%rdi)
	lea 0x10(,%rcx,2), %eax	/* then the low half */
	mov %eax, (%rdi)
	mov (%rsi,%rcx,8), %eax
	mov %eax, 0x10(%rdi)
	inc %ecx
	cmp $24, %ecx
	jb 1b
	movl $0x10 + 2 * 4, (%rdi) /* pin 4 low: vector 5, unmasked */
	check 0x10(%rdi), 0x00000005
	movl $0x10 + 2 * 23, (%rdi) /* pin 23: what is writable */
	check 0x10(%rdi), 0x0001afff
	movl $0x11 + 2 * 23, (%rdi)
	check 0x10(%rdi), 0xff000000
	movl $0xffffffff, (%rdi) /* IOREGSEL: 8 bits of it */
	check (%rdi), 0xff
	movl $0xffffffff, 0x10(%rdi) /* register 0xff: not there */
	check 0x10(%rdi), 0
	movb $1, (%rdi)		/* a byte store: ignored */
	check (%rdi), 0xff
	check 4(%rdi), 0xffffffff /* no register: all ones */
	movl $0, (%rdi)		/* the ID: bits 27:24 alone */
	movl $0xffffffff, 0x10(%rdi)
	check 0x10(%rdi), 0x0f000000
	movl $1, (%rdi)		/* the version: 24 entries, 0x11 */
	check 0x10(%rdi), 0x00170011
	lea msg_ioapic(%rip), %rsi
	call puts

	/* 4. The 8259 at the exception vectors, through LINT0. */
	mov $0x11, %al		/* ICW1: edge, cascade, ICW4 */
	outb %al, $0x20
	xor %eax, %eax		/* ICW2: vector base 0 */
	outb %al, $0x21
	mov $0x04, %al		/* ICW3: the slave on IR2 */
	outb %al, $0x21
	mov $0x01, %al		/* ICW4: 8086 mode, normal EOI */
	outb %al, $0x21
	mov $0xef, %al		/* OCW1: IRQ 4 alone */
	outb %al, $0x21
	movl $0x700, 0x350(%rbx) /* LINT0: ExtINT, unmasked */
	check 0x350(%rbx), 0x700

	/* The IDT: 256 interrupt gates, vector n to stub n. */
	lea idt_space(%rip), %rdi
	lea stubs(%rip), %rsi
	mov %cs, %dx
	movzwl %dx, %edx
	xor %ecx, %ecx
1:	mov %rsi, %rax		/* offset 15:0, selector, type, 31:16 */
	and $0xffff, %eax
	shl $16, %edx
	or %rdx, %rax
	shr $16, %edx
	mov $0x8e00, %r8d	/* P, DPL 0, 64-bit interrupt gate */
	shl $32, %r8
	or %r8, %rax
	mov %rsi, %r8
	shr $16, %r8
	shl $48, %r8
	or %r8, %rax
	mov %rax, (%rdi)
	mov %rsi, %rax		/* offset 63:32 */
	shr $32, %rax
	mov %rax, 8(%rdi)
	add $16, %rdi
	add $16, %rsi
	inc %ecx
	cmp $256, %ecx
	jb 1b
	lea idt_space(%rip), %rax
	mov %rax, idtr+2(%rip)
	lidt idtr(%rip)

	lea msg_sti(%rip), %rsi
	call puts
	mov $(COM1 + 4), %dx	/* MCR: OUT2 */
	mov $0x08, %al
	outb %al, (%dx)
	mov $(COM1 + 1), %dx	/* IER: THRI, and the line rises */
	mov $0x02, %al
	outb %al, (%dx)
	sti
	mov $1000000, %ecx
1:	cmpb $0, seen(%rip)
	jne 2f
	dec %ecx
	jnz 1b
2:	cli
	cmpb $1, seen(%rip)
	jne fail

	/* 5. S5. */
	lea msg_s5(%rip), %rsi
	call puts
	mov $0x604, %dx		/* PM1a_CNT */
	mov $(5 << 10 | 1 << 13), %ax /* SLP_TYP 5 | SLP_EN */
	outw %ax, (%dx)
	jmp fail		/* not reached */

/* Every vector's stub pushes its number; the stubs are 16 bytes apart. */
	.balign 16
stubs:
	.set vec, 0
	.rept 256
	.balign 16
	pushq $vec
	jmp handler
	.set vec, vec + 1
	.endr

/* Vector 4, the first time: IER cleared (COM1's line falls), a line,
 * the 8259's EOI. Anything else: fail. */
handler:
	cmpq $4, (%rsp)
	jne unexpected
	cmpb $0, seen(%rip)
	jne unexpected
	movb $1, seen(%rip)
	push %rax
	push %rdx
	push %rsi
	mov $(COM1 + 1), %dx
	xor %eax, %eax
	outb %al, (%dx)
	lea msg_irq(%rip), %rsi
	call puts
	mov $0x20, %al		/* OCW2: non-specific EOI */
	outb %al, $0x20
	pop %rsi
	pop %rdx
	pop %rax
	add $8, %rsp
	iretq
unexpected:
	lea msg_unexpected(%rip), %rsi
	call puts
	mov (%rsp), %rax
	call puthex8
	lea msg_nl(%rip), %rsi
	call puts

/* Something was not as it should be: a triple fault, result=reboot. */
fail:
	lea msg_fail(%rip), %rsi
	call puts
	lidt idt_empty(%rip)
	ud2

/* no_register: CF set when APIC-page offset ECX is no register: not
 * 16-byte aligned, or past the last (0x3f0; SDM 3A table 11-1, "Local
 * APIC Register Address Map"). */
no_register:
	test $0xf, %ecx
	jnz 1f
	cmp $0x400, %ecx
	cmc			/* CF: ECX >= 0x400 */
	ret
1:	stc
	ret

	PC_PUTS
	PC_MAP_MMIO pd_space

/* puthex8: AL as two hex digits to COM1. */
puthex8:
	mov $COM1, %dx
	mov %eax, %ecx
	shr $4, %eax
	call 1f
	mov %ecx, %eax
1:	and $0xf, %eax
	add $'0', %al
	cmp $'9', %al
	jbe 2f
	add $('a' - '0' - 10), %al
2:	outb %al, (%dx)
	ret

/* Each pin's low and high halves (ioapic.h's bits: vector 7:0,
 * delivery mode 10:8, logical 11, active-low 13, level 15, masked 16;
 * destination 63:56). */
#define EDGE_5 0x00000005, 0
#define JUNK_LEVEL 0xa000	/* level, active-low: asserted when idle */
	.balign 8
rte_junk:
	.long EDGE_5, EDGE_5, EDGE_5, EDGE_5	/* pins 0-3 */
	.long EDGE_5				/* 4: COM1 */
	.long EDGE_5, EDGE_5, EDGE_5, EDGE_5, EDGE_5 /* 5-9 */
	.long JUNK_LEVEL | 2 << 8 | 0x30, 0	/* 10: SMI */
	.long JUNK_LEVEL | 4 << 8 | 0x31, 0	/* 11: NMI */
	.long JUNK_LEVEL | 5 << 8 | 0x32, 0	/* 12: INIT */
	.long JUNK_LEVEL | 7 << 8 | 0x33, 0	/* 13: ExtINT */
	.long JUNK_LEVEL | 3 << 8 | 0x34, 0	/* 14: reserved */
	.long JUNK_LEVEL | 0x40, 0x05000000	/* 15: physical 5 */
	.long JUNK_LEVEL | 1 << 11 | 0x41, 0x02000000 /* 16: logical 2 */
	.long JUNK_LEVEL | 1 << 8 | 0x07, 0	/* 17: lowest priority, 7 */
	.long 1 << 16 | JUNK_LEVEL | 0x42, 0	/* 18: masked */
	.long EDGE_5, EDGE_5, EDGE_5, EDGE_5	/* 19-22 */
	.long 0xffffffff, 0xffffffff		/* 23: all ones */

idtr:
	.word 256 * 16 - 1
	.quad 0
idt_empty:
	.word 0
	.quad 0
seen:	.byte 0

msg_start: .asciz "pc_apic_junk: start; to xAPIC mode\n"
msg_apic: .asciz "pc_apic_junk: the APIC page read and its gaps written\n"
msg_ioapic: .asciz "pc_apic_junk: the I/O APIC's entries written with junk\n"
msg_sti: .asciz "pc_apic_junk: the 8259 at vector 0, COM1's IRQ 4 raised; interrupts on\n"
msg_irq: .asciz "pc_apic_junk: interrupt\n"
msg_s5: .asciz "pc_apic_junk: one interrupt, vector 4; S5\n"
msg_unexpected: .asciz "pc_apic_junk: unexpected interrupt, vector 0x"
msg_nl: .asciz "\n"
msg_fail: .asciz "pc_apic_junk: FAILED; triple fault\n"

	/* The image is .text alone: room for the IDT and a page-aligned
	 * PD, zero. */
	.balign 16
idt_space:
	.fill 256 * 16, 1, 0
pd_space:
	.fill 8192, 1, 0
	.section .note.GNU-stack, "", @progbits
