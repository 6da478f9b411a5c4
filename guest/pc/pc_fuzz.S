/* A hostile PC guest that fuzzes the PC machine (issue 22). Its kernel
 * command line's "fuzz=SEED:FIRST:COUNT" (decimal; make fuzz
 * FUZZ_MACHINE=pc passes it with --append=, as for the flat fuzz guest's
 * --guest-arg) runs batches FIRST to FIRST+COUNT-1 of SEED's program;
 * without it, seed 1, batches 0 to 19 (make test's hostile boot). Each
 * batch is BATCH_ITERATIONS operations drawn by an xorshift64 PRNG
 * (Marsaglia, "Xorshift RNGs", 2003: 13, 7, 17) whose state is
 * splitmix64(SEED + BATCH * golden ratio) (Steele, Lea and Flood, "Fast
 * splittable pseudorandom number generators", 2014): batch B's
 * operations depend on SEED and B only, so BATCH=B replays it alone
 * (from a fresh PC: what earlier batches left in the devices is not
 * replayed). Each operation, chosen by it:
 *  - half of them IN or OUT of 1, 2 or 4 bytes at a port of the PC's own
 *    (COM1, the 8259 pair and ELCR, the CMOS clock, PCI configuration
 *    and the reset control, ACPI's PM1a and PM timer, the keyboard
 *    controller's status) or at an absent one, random values written;
 *  - a quarter RDMSR or WRMSR of an MSR of the PC's (IA32_APIC_BASE, the
 *    x2APIC range, TSC_DEADLINE, MISC_ENABLE, TSC_ADJUST, PAT,
 *    BIOS_SIGN_ID, PLATFORM_INFO) or an absent one, with random values
 *    or ones a kernel would write (each APIC mode, 0, PAT-like bytes);
 *    the #GP that refuses one is taken by this guest's own IDT, which
 *    skips the 2-byte RDMSR or WRMSR and counts it;
 *  - a quarter a MOV (8, 16 or 32 bits, load or store, register or
 *    immediate; MOVZX; XCHG) at a random offset of the local APIC's page
 *    or of the I/O APIC's window (IOREGSEL and IOWIN mostly).
 * The writes that would end the run are masked: SLP_EN (bit 13 of
 * PM1a_CNT, port 0x604) out of every write that covers it, the reset bit
 * (2) out of byte writes to the reset control (0xcf9), and 0xFE (pulse
 * reset) out of writes to the keyboard controller (0x64). Then it powers
 * the PC off through ACPI S5 as pc_acpi_s5 does: result=ok.
 *
 * Interrupts stay off (IF=0) throughout, so nothing the fuzz programs
 * (timers, IPIs to itself, I/O APIC routes, the 8259s, the UART's and the
 * CMOS clock's interrupts) is ever delivered; an exception other than the
 * counted #GP is reported on the console with the iteration and the
 * guest halts with interrupts off: result=error, which the test fails.
 *
 * The APIC page answers in xAPIC mode only (pc_mmio.c); in x2APIC mode,
 * where the PC starts, or disabled, an access there is nobody's and hv
 * stops the guest for an EPT violation, as it must. The MSR fuzz switches
 * modes, so before each access to the page the guest reads
 * IA32_APIC_BASE and, only if the APIC is not in xAPIC mode, writes it
 * disabled then xAPIC (the legal path from any mode, SDM 3A 11.12.5):
 * the xAPIC state the fuzz built up survives from one access to the next
 * while the mode stays, rather than being reset by a rewrite every time.
 *
 * hv's loader maps guest memory only (2-MiB pages, linux_boot.c), so the
 * guest maps the two MMIO pages itself (2-MiB pages, uncached) in the
 * fourth GiB of the loader's tables. Its IDT uses the loader's code
 * selector. Entered through the 64-bit boot protocol (boot.rst): paging
 * on, interrupts off, a stack. scripts/mkbzimage.py wraps it; the image
 * is .text alone, so its data lives there too (guest memory is
 * writable). */
#include "pc/pc_guest.inc"

#define GOLDEN 0x9e3779b97f4a7c15 /* 2^64 / golden ratio: splitmix64's step */
#define BATCH_ITERATIONS 1000
/* boot_params (the zero page, boot.rst), which RSI points to at entry. */
#define BP_EXT_CMD_LINE_PTR 0x0c8
#define BP_CMD_LINE_PTR 0x228
#define FUZZ_ARG 0x3d7a7a7566 /* "fuzz=", little-endian, 5 bytes */

#define COM1_LCR (COM1 + 3)
#define COM1_MCR (COM1 + 4)
#define PM1A_CNT_SLP_EN_BYTE 0x605 /* SLP_EN is bit 5 of this byte */
#define RESET_CONTROL 0xcf9
#define I8042_CMD 0x64
#define MSR_APIC_BASE 0x1b
#define APIC_BASE_DISABLED 0xfee00100 /* base, BSP */
#define APIC_BASE_XAPIC 0xfee00900    /* base, BSP, EN */
#define APIC_BASE_X2APIC 0xfee00d00   /* base, BSP, EN, EXTD */
#define X2APIC_MARK 0x800 /* in msrs[]: a random MSR of 0x800-0x83f */

	.code64
	.text
	.globl _start
_start:
	mov %rsi, %rdi
	call parse_args
	lea msg_start(%rip), %rsi
	call puts
	call setup_idt
	call map_mmio

	xor %r14d, %r14d	/* the iteration, counted over the run */
batch_loop:
	mov batch(%rip), %rax
	cmp batch_end(%rip), %rax
	jae fuzz_done
	call batch_state
	lea msg_seed(%rip), %rsi
	mov seed(%rip), %rax
	call puts_hex
	lea msg_batch(%rip), %rsi
	mov batch(%rip), %rax
	call puts_hex
	lea msg_nl(%rip), %rsi
	call puts
	mov $BATCH_ITERATIONS, %r12d /* left in this batch */
fuzz_loop:
	call rand
	and $7, %eax
	cmp $4, %eax
	jb 2f
	cmp $6, %eax
	jb 3f
	call fuzz_mmio
	jmp 4f
2:	call fuzz_port
	jmp 4f
3:	call fuzz_msr
4:	inc %r14
	dec %r12d
	jnz fuzz_loop
	incq batch(%rip)
	jmp batch_loop

fuzz_done:
	lea msg_done(%rip), %rsi
	call report_line
	lea msg_gp(%rip), %rsi
	mov gp_count(%rip), %rax
	call puts_hex
	lea msg_s5(%rip), %rsi
	call puts
	mov $PM1A_CNT, %dx
	mov $(5 << 10 | 1 << 13), %ax /* SLP_TYP 5 | SLP_EN: S5 */
	outw %ax, (%dx)
	lea msg_alive(%rip), %rsi /* not reached: hv ignored S5 */
	call puts
	cli
	hlt
	jmp .

/* parse_args: "fuzz=SEED:FIRST:COUNT" from the command line of the
 * boot_params at RDI into seed, batch and batch_end (FIRST + COUNT);
 * what is absent keeps its default. Clobbers RAX, RCX, RDX, RSI. */
parse_args:
	mov BP_CMD_LINE_PTR(%rdi), %eax
	mov BP_EXT_CMD_LINE_PTR(%rdi), %edx
	shl $32, %rdx
	or %rdx, %rax
	jz 9f
	mov %rax, %rsi
	movabs $FUZZ_ARG, %rdx
1:	cmpb $0, (%rsi)
	je 9f
	mov (%rsi), %rax	/* "fuzz=" at RSI, before a NUL (bytes past it unread) */
	shl $24, %rax
	shr $24, %rax
	cmp %rdx, %rax
	je 2f
	inc %rsi
	jmp 1b
2:	add $5, %rsi
	call parse_dec
	mov %rax, seed(%rip)
	cmpb $':', (%rsi)
	jne 8f
	inc %rsi
	call parse_dec
	mov %rax, batch(%rip)
	cmpb $':', (%rsi)
	jne 8f
	inc %rsi
	call parse_dec
	mov %rax, batch_count(%rip)
8:	mov batch(%rip), %rax
	add batch_count(%rip), %rax
	mov %rax, batch_end(%rip)
9:	ret

/* parse_dec: the decimal digits at RSI into RAX, RSI past them. */
parse_dec:
	xor %eax, %eax
1:	movzbl (%rsi), %ecx
	sub $'0', %ecx
	cmp $9, %ecx
	ja 2f
	imul $10, %rax, %rax
	add %rcx, %rax
	inc %rsi
	jmp 1b
2:	ret

/* batch_state: R15, the PRNG's state for this batch: splitmix64 of
 * seed + batch * GOLDEN, never zero (xorshift's one fixed point).
 * Clobbers RAX, RCX, RDX. */
batch_state:
	movabs $GOLDEN, %rcx
	mov batch(%rip), %rax
	imul %rcx, %rax
	add seed(%rip), %rax
	add %rcx, %rax		/* z = x + GOLDEN */
	mov %rax, %rdx
	shr $30, %rdx
	xor %rdx, %rax
	movabs $0xbf58476d1ce4e5b9, %rdx
	imul %rdx, %rax
	mov %rax, %rdx
	shr $27, %rdx
	xor %rdx, %rax
	movabs $0x94d049bb133111eb, %rdx
	imul %rdx, %rax
	mov %rax, %rdx
	shr $31, %rdx
	xor %rdx, %rax
	test %rax, %rax
	cmovz %rcx, %rax
	mov %rax, %r15
	ret

/* rand: the next xorshift64 value in RAX; RAX alone clobbered. */
rand:
	mov %r15, %rax
	shl $13, %rax
	xor %rax, %r15
	mov %r15, %rax
	shr $7, %rax
	xor %rax, %r15
	mov %r15, %rax
	shl $17, %rax
	xor %rax, %r15
	mov %r15, %rax
	ret

/* fuzz_port: one IN or OUT. RBX's bits: 5:0 the port's index in ports[]
 * (0 there: a random port), 9:8 the size, 10 the direction. */
fuzz_port:
	call rand
	mov %rax, %rbx
	mov %ebx, %ecx
	and $63, %ecx
	lea ports(%rip), %rsi
	movzwl (%rsi,%rcx,2), %edx
	test %edx, %edx
	jnz 1f
	mov %rbx, %rdx
	shr $48, %rdx		/* any port */
1:	mov %ebx, %ecx
	shr $8, %ecx
	and $3, %ecx
	lea sizes(%rip), %rsi
	movzbl (%rsi,%rcx), %r8d /* 1, 2, 4, 1 */
	call rand		/* the value, if written */
	bt $10, %ebx
	jc port_out
	cmp $1, %r8d
	je 1f
	cmp $2, %r8d
	je 2f
	inl (%dx), %eax
	ret
1:	inb (%dx), %al
	ret
2:	inw (%dx), %ax
	ret

port_out:
	/* SLP_EN out of any write that covers PM1a_CNT's high byte:
	 * 0x605 - port < size, unsigned. */
	mov $PM1A_CNT_SLP_EN_BYTE, %ecx
	sub %edx, %ecx
	cmp %r8d, %ecx
	jae 1f
	shl $3, %ecx
	add $5, %ecx
	btr %ecx, %eax
1:	cmp $RESET_CONTROL, %edx /* a byte there is the reset control */
	jne 2f
	cmp $1, %r8d
	jne 2f
	and $~4, %al
2:	cmp $I8042_CMD, %edx	/* 0xFE: pulse the reset line */
	jne 3f
	cmp $0xfe, %al
	jne 3f
	xor $1, %al
3:	cmp $1, %r8d
	je 1f
	cmp $2, %r8d
	je 2f
	outl %eax, (%dx)
	ret
1:	outb %al, (%dx)
	ret
2:	outw %ax, (%dx)
	ret

/* fuzz_msr: one RDMSR or WRMSR. RBX's bits: 3:0 the MSR's index in
 * msrs[], 13:8 the x2APIC register, 14 the direction, 17:16 the kind of
 * value, 19:18 which of values[]. */
fuzz_msr:
	call rand
	mov %rax, %rbx
	mov %ebx, %eax
	and $15, %eax
	lea msrs(%rip), %rsi
	mov (%rsi,%rax,4), %ecx
	cmp $X2APIC_MARK, %ecx
	jne 1f
	mov %ebx, %eax
	shr $8, %eax
	and $0x3f, %eax
	or %eax, %ecx
1:	bt $14, %ebx
	jc 2f
msr_read_insn:
	rdmsr
	ret
2:	call rand
	mov %rax, %rdx
	shr $32, %rdx
	mov %ebx, %esi
	shr $16, %esi
	and $3, %esi
	jz 5f			/* 0: 64 random bits */
	cmp $2, %esi
	jb 3f
	je 4f
	/* 3: each byte 0-7, as PAT's memory types */
	movabs $0x0707070707070707, %rdx
	and %rdx, %rax
	mov %rax, %rdx
	shr $32, %rdx
	jmp 5f
3:	/* 1: a value a kernel writes: an APIC mode, or 0 */
	mov %ebx, %eax
	shr $18, %eax
	and $3, %eax
	lea values(%rip), %rsi
	mov (%rsi,%rax,4), %eax
	xor %edx, %edx
	jmp 5f
4:	xor %edx, %edx		/* 2: 32 random bits */
5:
msr_write_insn:
	wrmsr
	ret

/* fuzz_mmio: one access to the APIC page or the I/O APIC's window.
 * RBX's bits: 0 which, 7:4 the kind of access, 9:8 how the offset is
 * chosen, 23:12 a random offset, 24 an I/O APIC register index stored. */
fuzz_mmio:
	call rand
	mov %rax, %rbx
	bt $0, %ebx
	jc ioapic_offset
	call xapic_mode
	mov %ebx, %edi		/* the APIC page: 3 in 4 a register */
	shr $12, %edi
	and $0xfff, %edi
	test $0x300, %ebx
	jz 1f
	and $0xff0, %edi
1:	mov $APIC_PAGE, %esi
	jmp mmio_access
ioapic_offset:
	mov %ebx, %eax		/* IOREGSEL, IOWIN, IOREGSEL, random */
	shr $8, %eax
	and $3, %eax
	mov $0x10, %edi
	cmp $1, %eax
	je 1f
	xor %edi, %edi
	cmp $3, %eax
	jne 1f
	mov %ebx, %edi
	shr $12, %edi
	and $0xfff, %edi
1:	mov $IOAPIC_PAGE, %esi
mmio_access:
	/* Within the page: an offset past 0x1000 - size moves back by
	 * size (4 at most). */
	cmp $0xffc, %edi
	jb 1f
	sub $4, %edi
1:	add %esi, %edi		/* RDI: the address */
	call rand		/* the value stored */
	test $0x1000000, %ebx	/* half the I/O APIC's: a register index */
	jz 2f
	cmp $IOAPIC_PAGE, %esi
	jne 2f
	and $0x3f, %eax
2:	mov %ebx, %ecx
	shr $4, %ecx
	and $15, %ecx
	lea mmio_ops(%rip), %rsi
	movslq (%rsi,%rcx,4), %rcx
	add %rsi, %rcx
	jmp *%rcx

/* The accesses, as Linux's readl/writel and friends compile. */
mmio_store32:
	mov %eax, (%rdi)
	ret
mmio_load32:
	mov (%rdi), %eax
	ret
mmio_store8:
	mov %al, (%rdi)
	ret
mmio_load8:
	mov (%rdi), %al
	ret
mmio_store16:
	mov %ax, (%rdi)
	ret
mmio_load16:
	mov (%rdi), %ax
	ret
mmio_movzx8:
	movzbl (%rdi), %eax
	ret
mmio_movzx16:
	movzwl (%rdi), %eax
	ret
mmio_xchg32:
	xchg %eax, (%rdi)
	ret
mmio_store_imm32:
	movl $0x000000ef, (%rdi)
	ret
mmio_store_imm8:
	movb $0x3f, (%rdi)
	ret
mmio_store32_r9:
	mov %eax, %r9d
	mov %r9d, (%rdi)	/* with REX */
	ret
mmio_load32_r10:
	mov (%rdi), %r10d
	ret

/* xapic_mode: the APIC in xAPIC mode, unless it is already: disabled,
 * then xAPIC. RAX, RCX, RDX clobbered. */
xapic_mode:
	mov $MSR_APIC_BASE, %ecx
	rdmsr
	and $0xc00, %eax
	cmp $0x800, %eax
	je 1f
	xor %edx, %edx
	mov $APIC_BASE_DISABLED, %eax
	wrmsr
	mov $APIC_BASE_XAPIC, %eax
	wrmsr
1:	ret

/* setup_idt: vectors 0-31, through the loader's code selector: #GP to
 * gp_handler, the rest to a stub each. */
setup_idt:
	mov %cs, %r8d
	lea idt(%rip), %rdi
	lea stubs(%rip), %rsi
	xor %ecx, %ecx
1:	mov %rsi, %rax
	cmp $13, %ecx
	jne 2f
	lea gp_handler(%rip), %rax
2:	mov %ax, (%rdi)
	mov %r8w, 2(%rdi)
	movw $0x8e00, 4(%rdi)	/* present, DPL 0, 64-bit interrupt gate */
	shr $16, %rax
	mov %ax, 6(%rdi)
	shr $16, %rax
	mov %eax, 8(%rdi)
	movl $0, 12(%rdi)
	add $16, %rdi
	add $16, %rsi
	inc %ecx
	cmp $32, %ecx
	jb 1b
	lea idtr(%rip), %rax
	movw $(32 * 16 - 1), (%rax)
	lea idt(%rip), %rdx
	mov %rdx, 2(%rax)
	lidt (%rax)
	ret

	PC_MAP_MMIO pd_space

/* #GP: counted and skipped if RDMSR or WRMSR of the fuzz raised it with
 * error code 0; anything else is unexpected. */
gp_handler:
	cmpq $0, (%rsp)
	jne 2f
	push %rax
	lea msr_read_insn(%rip), %rax
	cmp %rax, 16(%rsp)
	je 1f
	lea msr_write_insn(%rip), %rax
	cmp %rax, 16(%rsp)
	jne 3f
1:	addq $2, 16(%rsp)	/* 0F 32 or 0F 30 */
	incq gp_count(%rip)
	pop %rax
	add $8, %rsp
	iretq
3:	pop %rax
2:	pushq $13
	jmp unexpected

/* Stack: vector, error code (0 where the CPU pushes none), RIP, CS,
 * RFLAGS. Reported, then a halt with interrupts off. */
unexpected:
	call console_reset
	lea msg_exc(%rip), %rsi
	call puts
	mov (%rsp), %rax
	call puthex
	lea msg_err(%rip), %rsi
	call puts
	mov 8(%rsp), %rax
	call puthex
	lea msg_rip(%rip), %rsi
	call puts
	mov 16(%rsp), %rax
	call puthex
	lea msg_iter(%rip), %rsi
	call puts
	mov %r14, %rax
	call puthex
	lea msg_nl(%rip), %rsi
	call puts
	cli
	hlt
	jmp .

/* report_line: "pc_fuzz: " RSI's text " iteration 0x..." and a newline,
 * on a console put back to 8 bits, no DLAB, no loopback. */
report_line:
	push %rsi
	call console_reset
	lea msg_prefix(%rip), %rsi
	call puts
	pop %rsi
	call puts
	mov %r14, %rax
	call puthex
	lea msg_nl(%rip), %rsi
	jmp puts

console_reset:
	mov $COM1_LCR, %dx
	mov $3, %al
	outb %al, (%dx)
	mov $COM1_MCR, %dx
	xor %al, %al
	outb %al, (%dx)
	ret

	PC_PUTS

/* puts_hex: the string at RSI, then RAX as puthex prints it. */
puts_hex:
	push %rax
	call puts
	pop %rax
	jmp puthex

/* puthex: RAX as 0x and 16 hex digits. */
puthex:
	push %rbx
	mov %rax, %rbx
	mov $COM1, %dx
	mov $'0', %al
	outb %al, (%dx)
	mov $'x', %al
	outb %al, (%dx)
	mov $16, %ecx
1:	rol $4, %rbx
	mov %ebx, %eax
	and $15, %eax
	add $'0', %al
	cmp $'9', %al
	jbe 2f
	add $('a' - '9' - 1), %al
2:	outb %al, (%dx)
	dec %ecx
	jnz 1b
	pop %rbx
	ret

/* A stub a vector: vector and a 0 error code where the CPU pushes none. */
	.balign 16
stubs:
	.set vec, 0
	.rept 32
	.balign 16
	.if vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30
	.else
	pushq $0
	.endif
	pushq $vec
	jmp unexpected
	.set vec, vec + 1
	.endr

	.balign 4
mmio_ops:
	.long mmio_store32 - mmio_ops, mmio_load32 - mmio_ops
	.long mmio_store32 - mmio_ops, mmio_load32 - mmio_ops
	.long mmio_store32_r9 - mmio_ops, mmio_load32_r10 - mmio_ops
	.long mmio_store8 - mmio_ops, mmio_load8 - mmio_ops
	.long mmio_store16 - mmio_ops, mmio_load16 - mmio_ops
	.long mmio_movzx8 - mmio_ops, mmio_movzx16 - mmio_ops
	.long mmio_xchg32 - mmio_ops, mmio_store_imm32 - mmio_ops
	.long mmio_store_imm8 - mmio_ops, mmio_xchg32 - mmio_ops
/* 64 ports; 0: a random one. */
ports:
	.word 0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x3fe, 0x3ff
	.word 0x3f8, 0x3f9, 0x3fb, 0x3fc	/* COM1 */
	.word 0x20, 0x21, 0xa0, 0xa1, 0x20, 0x21, 0xa0, 0xa1 /* 8259s */
	.word 0x4d0, 0x4d1				  /* ELCR */
	.word 0x70, 0x71, 0x70, 0x71			  /* CMOS */
	.word 0xcf8, 0xcf9, 0xcfa, 0xcfb, 0xcfc, 0xcfd, 0xcfe, 0xcff
	.word 0xcf8, 0xcfc, 0xcf9			  /* PCI, reset */
	.word 0x600, 0x601, 0x602, 0x603, 0x604, 0x605, 0x606, 0x607
	.word 0x608, 0x609, 0x60a, 0x60b, 0x604	  /* ACPI */
	.word 0x64, 0x64				  /* i8042 */
	.word 0x61, 0x40, 0x43, 0x92, 0x2f8, 0x5ff	  /* absent */
	.word 0x60c, 0xcf7, 0, 0, 0, 0
sizes:
	.byte 1, 2, 4, 1
	.balign 4
msrs:
	.long 0x1b, 0x1b, 0x1b, X2APIC_MARK, X2APIC_MARK, X2APIC_MARK
	.long X2APIC_MARK, 0x6e0, 0x1a0, 0x3b, 0x3b, 0x277, 0xce
	.long 0x1234, 0x40000000, 0xc0011234	/* absent */
values:
	.long APIC_BASE_DISABLED, APIC_BASE_XAPIC, APIC_BASE_X2APIC, 0
msg_start: .asciz "pc_fuzz: batches of 1000 iterations (fuzz=SEED:FIRST:COUNT)\n"
msg_prefix: .asciz "pc_fuzz: "
msg_seed: .asciz "pc_fuzz: seed "
msg_batch: .asciz " batch "
msg_done: .asciz "done, iterations "
msg_gp: .asciz "pc_fuzz: #GPs taken by RDMSR/WRMSR "
msg_s5: .asciz "\npc_fuzz: powering off through ACPI S5\n"
msg_alive: .asciz "pc_fuzz: still running after S5\n"
msg_exc: .asciz "pc_fuzz: unexpected exception "
msg_err: .asciz " error "
msg_rip: .asciz " RIP "
msg_iter: .asciz " at iteration "
msg_nl: .asciz "\n"
	.balign 8
gp_count: .quad 0
seed: .quad 1
batch: .quad 0
batch_count: .quad 20
batch_end: .quad 20
idtr: .word 0
	.quad 0
	.balign 16
idt: .skip 32 * 16
pd_space: .skip 8192
	.section .note.GNU-stack, "", @progbits
