/* The MMIO instruction decoder on the bytes compilers emit for Linux's
 * readl/writel and friends (objdump's AT&T syntax beside each), its
 * refusals, and the register-write rules of its two helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "x86/mmio_insn.h"
#include "x86/x86.h"

#define BYTES(...) ((const uint8_t[]){__VA_ARGS__})
#define LEN(...) sizeof((const uint8_t[]){__VA_ARGS__})

/* Decodes from a heap copy of exactly @n bytes, so that ASan catches a
 * read past them. */
static enum mmio_insn_result decode_n(enum insn_mode mode, const uint8_t *b,
				      unsigned int n, struct mmio_insn *out)
{
	uint8_t *copy = malloc(n ? n : 1);
	enum mmio_insn_result r;

	assert_non_null(copy);
	memcpy(copy, b, n);
	r = mmio_insn_decode(copy, n, mode, out);
	free(copy);
	return r;
}

static struct mmio_insn ok_n(enum insn_mode mode, const uint8_t *b,
			     unsigned int n)
{
	struct mmio_insn i;

	assert_int_equal(decode_n(mode, b, n, &i), MMIO_INSN_OK);
	assert_int_equal(i.length, n);
	return i;
}

/* The whole instruction decodes, to exactly its bytes; any fewer is
 * truncated. */
#define OK64(...) ok_n(INSN_MODE_64, BYTES(__VA_ARGS__), LEN(__VA_ARGS__))
#define OK32(...) ok_n(INSN_MODE_32, BYTES(__VA_ARGS__), LEN(__VA_ARGS__))
#define OK16(...) ok_n(INSN_MODE_16, BYTES(__VA_ARGS__), LEN(__VA_ARGS__))

static void expect(const struct mmio_insn *i, enum mmio_op op,
		   unsigned int size, unsigned int reg, bool high_byte)
{
	assert_int_equal(i->op, op);
	assert_int_equal(i->size, size);
	assert_int_equal(i->reg_size, size);
	assert_false(i->zero_extend);
	assert_false(i->has_imm);
	assert_int_equal(i->reg, reg);
	assert_int_equal(i->high_byte, high_byte);
}

static enum mmio_insn_result refuse(enum insn_mode mode, const uint8_t *b,
				    unsigned int n, uint16_t *opcode)
{
	struct mmio_insn i;
	enum mmio_insn_result r = decode_n(mode, b, n, &i);

	*opcode = i.opcode;
	return r;
}

#define REFUSE64(op, ...) \
	refuse(INSN_MODE_64, BYTES(__VA_ARGS__), LEN(__VA_ARGS__), op)
#define REFUSE32(op, ...) \
	refuse(INSN_MODE_32, BYTES(__VA_ARGS__), LEN(__VA_ARGS__), op)

static void mode_from_cs_and_efer(void **state)
{
	(void)state;
	assert_int_equal(insn_mode_of(AR_L, EFER_LME | EFER_LMA), INSN_MODE_64);
	/* Compatibility mode. */
	assert_int_equal(insn_mode_of(AR_DB, EFER_LME | EFER_LMA),
			 INSN_MODE_32);
	/* CS.L outside IA-32e mode means nothing. */
	assert_int_equal(insn_mode_of(AR_L | AR_DB, 0), INSN_MODE_32);
	assert_int_equal(insn_mode_of(AR_L, EFER_LME), INSN_MODE_16);
	assert_int_equal(insn_mode_of(0, 0), INSN_MODE_16);
}

/* What Linux's readl/writel compile to. */
static void linux_readl_writel(void **state)
{
	struct mmio_insn i;

	(void)state;
	i = OK64(0x8b, 0x00); /* mov (%rax),%eax */
	expect(&i, MMIO_LOAD, 4, 0, false);
	assert_int_equal(i.opcode, 0x8b);
	i = OK64(0x89, 0x30); /* mov %esi,(%rax) */
	expect(&i, MMIO_STORE, 4, 6, false);
	i = OK64(0x8b, 0x87, 0xf0, 0x00, 0x00, 0x00); /* mov 0xf0(%rdi),%eax */
	expect(&i, MMIO_LOAD, 4, 0, false);
	i = OK64(0x41, 0x89, 0x44, 0x24, 0x10); /* mov %eax,0x10(%r12) */
	expect(&i, MMIO_STORE, 4, 0, false);
	i = OK64(0x8b, 0x45, 0x08); /* mov 0x8(%rbp),%eax */
	expect(&i, MMIO_LOAD, 4, 0, false);
	i = OK64(0x8b, 0x53, 0x20); /* mov 0x20(%rbx),%edx */
	expect(&i, MMIO_LOAD, 4, 2, false);
	/* The local APIC through its fixmap address, absolute: SIB with
	 * neither base nor index. mov %eax,0xffffffffff5fd0b0 */
	i = OK64(0x89, 0x04, 0x25, 0xb0, 0xd0, 0x5f, 0xff);
	expect(&i, MMIO_STORE, 4, 0, false);
	/* xchg %eax,0xffffffffff5fd380: the erratum 11AP write. */
	i = OK64(0x87, 0x04, 0x25, 0x80, 0xd3, 0x5f, 0xff);
	expect(&i, MMIO_XCHG, 4, 0, false);
	i = OK64(0x87, 0x02); /* xchg %eax,(%rdx) */
	expect(&i, MMIO_XCHG, 4, 0, false);
	assert_int_equal(i.opcode, 0x87);
}

static void addressing_forms_64(void **state)
{
	struct mmio_insn i;

	(void)state;
	/* RIP-relative: mod 00, r/m 101, disp32. */
	i = OK64(0x8b, 0x05, 0x10, 0x20, 0x30, 0x40); /* 0x40302010(%rip) */
	expect(&i, MMIO_LOAD, 4, 0, false);
	/* REX.B does not make r/m 101 under mod 00 R13: still RIP. */
	i = OK64(0x41, 0x8b, 0x0d, 0, 0, 0, 0); /* 0x0(%rip),%ecx */
	expect(&i, MMIO_LOAD, 4, 1, false);
	/* mod 01 r/m 101: RBP/R13 with disp8. */
	i = OK64(0x41, 0x8b, 0x45, 0x00); /* 0x0(%r13),%eax */
	expect(&i, MMIO_LOAD, 4, 0, false);
	/* SIB, base 101 under mod 00: disp32 and no base. */
	i = OK64(0x8b, 0x04, 0x8d, 0x00, 0x10, 0x00, 0x00); /* (,%rcx,4) */
	expect(&i, MMIO_LOAD, 4, 0, false);
	/* SIB with REX.B: base 101 is R13, mod 00 still disp32. */
	i = OK64(0x43, 0x8b, 0x04, 0x2d, 0, 0, 0, 0);
	expect(&i, MMIO_LOAD, 4, 0, false);
	/* SIB, mod 01 and mod 10. */
	i = OK64(0x8b, 0x44, 0x8a, 0x04); /* 0x4(%rdx,%rcx,4),%eax */
	expect(&i, MMIO_LOAD, 4, 0, false);
	i = OK64(0x8b, 0x84, 0x24, 0x00, 0x01, 0x00, 0x00); /* 0x100(%rsp) */
	expect(&i, MMIO_LOAD, 4, 0, false);
	/* mod 10 without SIB: disp32. */
	i = OK64(0x89, 0x9e, 0x00, 0x03, 0x00, 0x00); /* %ebx,0x300(%rsi) */
	expect(&i, MMIO_STORE, 4, 3, false);
	/* 67: 32-bit addresses, the same forms. */
	i = OK64(0x67, 0x8b, 0x00); /* mov (%eax),%eax */
	expect(&i, MMIO_LOAD, 4, 0, false);
	i = OK64(0x67, 0x8b, 0x04, 0x24); /* mov (%esp),%eax */
	expect(&i, MMIO_LOAD, 4, 0, false);
	i = OK64(0x67, 0x8b, 0x05, 1, 2, 3, 4); /* 0x4030201(%eip) */
	expect(&i, MMIO_LOAD, 4, 0, false);
	/* Segment overrides: accepted, ignored. */
	i = OK64(0x64, 0x8b, 0x00); /* mov %fs:(%rax),%eax */
	expect(&i, MMIO_LOAD, 4, 0, false);
	i = OK64(0x2e, 0x3e, 0x26, 0x36, 0x65, 0x89, 0x08);
	expect(&i, MMIO_STORE, 4, 1, false);
}

static void operand_sizes_and_rex(void **state)
{
	struct mmio_insn i;

	(void)state;
	i = OK64(0x48, 0x89, 0x10); /* mov %rdx,(%rax) */
	expect(&i, MMIO_STORE, 8, 2, false);
	i = OK64(0x48, 0x8b, 0x07); /* mov (%rdi),%rax: readq */
	expect(&i, MMIO_LOAD, 8, 0, false);
	i = OK64(0x4c, 0x8b, 0x08); /* mov (%rax),%r9 */
	expect(&i, MMIO_LOAD, 8, 9, false);
	i = OK64(0x44, 0x89, 0x38); /* mov %r15d,(%rax) */
	expect(&i, MMIO_STORE, 4, 15, false);
	i = OK64(0x66, 0x89, 0x08); /* mov %cx,(%rax) */
	expect(&i, MMIO_STORE, 2, 1, false);
	i = OK64(0x66, 0x44, 0x8b, 0x50, 0x02); /* mov 0x2(%rax),%r10w */
	expect(&i, MMIO_LOAD, 2, 10, false);
	/* REX.W wins over 66. */
	i = OK64(0x66, 0x48, 0x8b, 0x00);
	expect(&i, MMIO_LOAD, 8, 0, false);
	/* A REX before another prefix is ignored: a 32-bit load of EAX. */
	i = OK64(0x4c, 0x64, 0x8b, 0x00);
	expect(&i, MMIO_LOAD, 4, 0, false);
	/* Of two REX prefixes, the last counts. */
	i = OK64(0x48, 0x44, 0x8b, 0x00);
	expect(&i, MMIO_LOAD, 4, 8, false);
}

static void byte_registers(void **state)
{
	struct mmio_insn i;

	(void)state;
	i = OK64(0x8a, 0x00); /* mov (%rax),%al */
	expect(&i, MMIO_LOAD, 1, 0, false);
	i = OK64(0x88, 0x20); /* mov %ah,(%rax) */
	expect(&i, MMIO_STORE, 1, 0, true);
	i = OK64(0x8a, 0x38); /* mov (%rax),%bh */
	expect(&i, MMIO_LOAD, 1, 3, true);
	i = OK64(0x8a, 0x2f); /* mov (%rdi),%ch */
	expect(&i, MMIO_LOAD, 1, 1, true);
	/* With any REX, 4-7 are SPL, BPL, SIL, DIL. */
	i = OK64(0x40, 0x88, 0x20); /* mov %spl,(%rax) */
	expect(&i, MMIO_STORE, 1, 4, false);
	i = OK64(0x40, 0x8a, 0x38); /* mov (%rax),%dil */
	expect(&i, MMIO_LOAD, 1, 7, false);
	i = OK64(0x44, 0x88, 0x20); /* mov %r12b,(%rax) */
	expect(&i, MMIO_STORE, 1, 12, false);
	/* 66 does not change a byte operation. */
	i = OK64(0x66, 0x88, 0x08); /* mov %cl,(%rax) */
	expect(&i, MMIO_STORE, 1, 1, false);
	i = OK64(0x86, 0x30); /* xchg %dh,(%rax) */
	expect(&i, MMIO_XCHG, 1, 2, true);
	/* In 32-bit mode there is no REX: 4-7 are always high bytes. */
	i = OK32(0x88, 0x3a); /* mov %bh,(%edx) */
	expect(&i, MMIO_STORE, 1, 3, true);
}

static void immediates(void **state)
{
	struct mmio_insn i;

	(void)state;
	i = OK64(0xc7, 0x00, 0x78, 0x56, 0x34,
		 0x12); /* movl $0x12345678,(%rax) */
	assert_int_equal(i.op, MMIO_STORE);
	assert_int_equal(i.size, 4);
	assert_true(i.has_imm);
	assert_int_equal(i.imm, 0x12345678);
	assert_int_equal(i.reg, 0);
	i = OK64(0xc7, 0x00, 0x00, 0x00, 0x00, 0x00); /* movl $0x0,(%rax) */
	assert_true(i.has_imm);
	assert_int_equal(i.imm, 0);
	/* movl $0x8300,0xffffffffff5fd300: disp32 then imm32. */
	i = OK64(0xc7, 0x04, 0x25, 0x00, 0xd3, 0x5f, 0xff, 0x00, 0x83, 0x00,
		 0x00);
	assert_int_equal(i.imm, 0x8300);
	/* movl $0x0,0xb0(%rax): disp32 and imm32. */
	i = OK64(0xc7, 0x80, 0xb0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);
	assert_int_equal(i.size, 4);
	/* REX.W: imm32 sign-extended to 64 bits. */
	i = OK64(0x48, 0xc7, 0x00, 0x00, 0x00, 0x00, 0x80);
	assert_int_equal(i.size, 8);
	assert_int_equal(i.imm, 0xffffffff80000000ull);
	assert_int_equal(mmio_insn_store_value(&i, 0), 0xffffffff80000000ull);
	/* 66: imm16. */
	i = OK64(0x66, 0xc7, 0x40, 0x04, 0x34,
		 0x12); /* movw $0x1234,0x4(%rax) */
	assert_int_equal(i.size, 2);
	assert_int_equal(mmio_insn_store_value(&i, ~0ull), 0x1234);
	/* C6: imm8. */
	i = OK64(0xc6, 0x00, 0xff); /* movb $0xff,(%rax) */
	assert_int_equal(i.size, 1);
	assert_true(i.has_imm);
	assert_int_equal(mmio_insn_store_value(&i, 0), 0xff);
	/* REX.R in C7's ModR/M reg field is not a register. */
	i = OK64(0x4c, 0xc7, 0x00, 1, 0, 0, 0);
	assert_int_equal(i.reg, 0);
	assert_int_equal(mmio_insn_store_value(&i, 0), 1);
}

static void movzx(void **state)
{
	struct mmio_insn i;

	(void)state;
	i = OK64(0x0f, 0xb6, 0x00); /* movzbl (%rax),%eax */
	assert_int_equal(i.op, MMIO_LOAD);
	assert_int_equal(i.size, 1);
	assert_int_equal(i.reg_size, 4);
	assert_true(i.zero_extend);
	assert_false(i.high_byte);
	assert_int_equal(i.opcode, 0x0fb6);
	i = OK64(0x0f, 0xb7, 0x4f, 0x02); /* movzwl 0x2(%rdi),%ecx */
	assert_int_equal(i.size, 2);
	assert_int_equal(i.reg_size, 4);
	assert_int_equal(i.reg, 1);
	i = OK64(0x48, 0x0f, 0xb6, 0x38); /* movzbq (%rax),%rdi */
	assert_int_equal(i.reg_size, 8);
	assert_int_equal(i.reg, 7);
	i = OK64(0x66, 0x0f, 0xb6, 0x20); /* movzbw (%rax),%sp */
	assert_int_equal(i.reg_size, 2);
	/* The destination is never a byte register: 4 is ESP, not AH. */
	assert_int_equal(i.reg, 4);
	assert_false(i.high_byte);
	i = OK64(0x44, 0x0f, 0xb7, 0x00); /* movzwl (%rax),%r8d */
	assert_int_equal(i.reg, 8);
}

static void memory_offsets(void **state)
{
	struct mmio_insn i;

	(void)state;
	/* movabs 0xfee000b0,%eax: a 64-bit offset. */
	i = OK64(0xa1, 0xb0, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00);
	expect(&i, MMIO_LOAD, 4, 0, false);
	i = OK64(0x48, 0xa3, 0xb0, 0x00, 0xe0, 0xfe, 0, 0, 0, 0);
	expect(&i, MMIO_STORE, 8, 0, false);
	i = OK64(0x67, 0xa2, 0xb0, 0x00, 0xe0, 0xfe); /* addr32 mov %al */
	expect(&i, MMIO_STORE, 1, 0, false);
	i = OK32(0xa1, 0x20, 0x00, 0xe0, 0xfe); /* mov 0xfee00020,%eax */
	expect(&i, MMIO_LOAD, 4, 0, false);
	i = OK32(0x66, 0xa0, 0x20, 0x00, 0xe0, 0xfe); /* mov ...,%al */
	expect(&i, MMIO_LOAD, 1, 0, false);
	i = OK16(0xa1, 0x20, 0x00); /* mov 0x20,%ax */
	expect(&i, MMIO_LOAD, 2, 0, false);
}

/* A 32-bit kernel's readl/writel. */
static void protected_mode_32(void **state)
{
	struct mmio_insn i;

	(void)state;
	i = OK32(0x8b, 0x00); /* mov (%eax),%eax */
	expect(&i, MMIO_LOAD, 4, 0, false);
	/* mod 00 r/m 101: an absolute disp32 (no RIP outside 64-bit mode). */
	i = OK32(0x89, 0x15, 0xb0, 0x00, 0xe0, 0xfe); /* %edx,0xfee000b0 */
	expect(&i, MMIO_STORE, 4, 2, false);
	i = OK32(0x8b, 0x04, 0x24); /* mov (%esp),%eax */
	expect(&i, MMIO_LOAD, 4, 0, false);
	i = OK32(0x66, 0x8b, 0x48, 0x10); /* mov 0x10(%eax),%cx */
	expect(&i, MMIO_LOAD, 2, 1, false);
	i = OK32(0xc7, 0x00, 0x01, 0x00, 0x00, 0x00);
	assert_int_equal(i.imm, 1);
	/* 66 C7: imm16 in 32-bit mode too. */
	i = OK32(0x66, 0xc7, 0x00, 0x01, 0x00);
	assert_int_equal(i.size, 2);
	/* 67: 16-bit addressing, no SIB: (%bx)+disp8, and disp16 alone. */
	i = OK32(0x67, 0x8b, 0x47, 0x10);
	expect(&i, MMIO_LOAD, 4, 0, false);
	i = OK32(0x67, 0x8b, 0x06, 0x34, 0x12);
	expect(&i, MMIO_LOAD, 4, 0, false);
	i = OK32(0x67, 0x8b, 0x04); /* (%si): r/m 100 is no SIB */
	expect(&i, MMIO_LOAD, 4, 0, false);
}

static void real_mode_16(void **state)
{
	struct mmio_insn i;
	uint16_t op;

	(void)state;
	i = OK16(0x8b, 0x07); /* mov (%bx),%ax */
	expect(&i, MMIO_LOAD, 2, 0, false);
	i = OK16(0x66, 0x8b, 0x07); /* mov (%bx),%eax */
	expect(&i, MMIO_LOAD, 4, 0, false);
	i = OK16(0x89, 0x86, 0x00, 0x10); /* mov %ax,0x1000(%bp) */
	expect(&i, MMIO_STORE, 2, 0, false);
	i = OK16(0xc7, 0x06, 0x00, 0x10, 0x34, 0x12); /* movw $0x1234,0x1000 */
	assert_int_equal(i.size, 2);
	assert_int_equal(i.imm, 0x1234);
	/* 67: 32-bit addressing with a SIB byte. */
	i = OK16(0x67, 0x66, 0x8b, 0x04, 0x24);
	expect(&i, MMIO_LOAD, 4, 0, false);
	/* 0x40-0x4f are INC/DEC outside 64-bit mode. */
	assert_int_equal(refuse(INSN_MODE_16, BYTES(0x48, 0x8b, 0x00), 3, &op),
			 MMIO_INSN_UNSUPPORTED);
	assert_int_equal(op, 0x48);
}

static void refusals(void **state)
{
	uint16_t op;

	(void)state;
	/* mov %eax,%eax: no memory. */
	assert_int_equal(REFUSE64(&op, 0x8b, 0xc0), MMIO_INSN_REGISTER_OPERAND);
	assert_int_equal(op, 0x8b);
	assert_int_equal(REFUSE64(&op, 0xc7, 0xc0, 1, 0, 0, 0),
			 MMIO_INSN_REGISTER_OPERAND);
	assert_int_equal(REFUSE64(&op, 0x0f, 0xb6, 0xc0),
			 MMIO_INSN_REGISTER_OPERAND);
	/* lock xchg, rep movsl, repne. */
	assert_int_equal(REFUSE64(&op, 0xf0, 0x87, 0x00), MMIO_INSN_LOCK_REP);
	assert_int_equal(op, 0xf0);
	assert_int_equal(REFUSE64(&op, 0xf3, 0xa5), MMIO_INSN_LOCK_REP);
	assert_int_equal(op, 0xf3);
	assert_int_equal(REFUSE64(&op, 0x66, 0xf2, 0x89, 0x00),
			 MMIO_INSN_LOCK_REP);
	/* add %eax,(%rax); incl (%rax); movups; ModR/M reg not 0 in C7. */
	assert_int_equal(REFUSE64(&op, 0x01, 0x00), MMIO_INSN_UNSUPPORTED);
	assert_int_equal(op, 0x01);
	assert_int_equal(REFUSE64(&op, 0x48, 0xff, 0x00),
			 MMIO_INSN_UNSUPPORTED);
	assert_int_equal(op, 0xff);
	assert_int_equal(REFUSE64(&op, 0x0f, 0x10, 0x00),
			 MMIO_INSN_UNSUPPORTED);
	assert_int_equal(op, 0x0f10);
	assert_int_equal(REFUSE64(&op, 0xc7, 0x08, 0, 0, 0, 0),
			 MMIO_INSN_UNSUPPORTED);
	assert_int_equal(op, 0xc7);
	/* movsbl (0F BE) sign-extends: not MOVZX. */
	assert_int_equal(REFUSE64(&op, 0x0f, 0xbe, 0x00),
			 MMIO_INSN_UNSUPPORTED);
	assert_int_equal(REFUSE32(&op, 0x40), MMIO_INSN_UNSUPPORTED);
	assert_string_equal(mmio_insn_result_text(MMIO_INSN_LOCK_REP),
			    "LOCK or REP prefix");
	assert_string_equal(mmio_insn_result_text(MMIO_INSN_UNSUPPORTED),
			    "unsupported instruction");
}

/* Every proper prefix of a whole instruction is truncated, read from a
 * buffer of just its bytes (ASan would see a read past them). */
static void truncated_never_reads_past_avail(void **state)
{
	static const struct {
		enum insn_mode mode;
		uint8_t bytes[INSN_MAX_LENGTH];
		unsigned int n;
	} cases[] = {
		{INSN_MODE_64, {0x8b, 0x87, 0xf0, 0x00, 0x00, 0x00}, 6},
		{INSN_MODE_64, {0x41, 0x89, 0x44, 0x24, 0x10}, 5},
		{INSN_MODE_64, {0x89, 0x04, 0x25, 0xb0, 0xd0, 0x5f, 0xff}, 7},
		{INSN_MODE_64,
		 {0x48, 0xc7, 0x80, 0xb0, 0, 0, 0, 0x01, 0x02, 0x03, 0x04},
		 11},
		{INSN_MODE_64, {0x66, 0x0f, 0xb7, 0x00}, 4},
		{INSN_MODE_64, {0xa1, 0xb0, 0x00, 0xe0, 0xfe, 0, 0, 0, 0}, 9},
		{INSN_MODE_32, {0x67, 0x8b, 0x06, 0x34, 0x12}, 5},
		{INSN_MODE_16, {0xc6, 0x06, 0x00, 0x10, 0x7f}, 5},
	};
	struct mmio_insn i;

	(void)state;
	for (unsigned int c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		assert_int_equal(
			decode_n(cases[c].mode, cases[c].bytes, cases[c].n, &i),
			MMIO_INSN_OK);
		assert_int_equal(i.length, cases[c].n);
		for (unsigned int n = 0; n < cases[c].n; n++)
			assert_int_equal(
				decode_n(cases[c].mode, cases[c].bytes, n, &i),
				MMIO_INSN_TRUNCATED);
	}
}

/* 15 bytes is the limit: 13 redundant prefixes and mov (%rax),%eax fit,
 * 14 do not, however many bytes are given. */
static void fifteen_bytes_at_most(void **state)
{
	uint8_t b[20];
	struct mmio_insn i;

	(void)state;
	memset(b, 0x3e, sizeof(b));
	b[13] = 0x8b;
	b[14] = 0x00;
	assert_int_equal(decode_n(INSN_MODE_64, b, 15, &i), MMIO_INSN_OK);
	assert_int_equal(i.length, 15);
	assert_int_equal(decode_n(INSN_MODE_64, b, 20, &i), MMIO_INSN_OK);
	assert_int_equal(i.length, 15);
	memset(b, 0x3e, sizeof(b));
	b[14] = 0x8b;
	b[15] = 0x00;
	assert_int_equal(decode_n(INSN_MODE_64, b, 16, &i), MMIO_INSN_TOO_LONG);
	assert_int_equal(decode_n(INSN_MODE_64, b, 15, &i), MMIO_INSN_TOO_LONG);
	assert_int_equal(decode_n(INSN_MODE_64, b, 14, &i),
			 MMIO_INSN_TRUNCATED);
}

/* The x86 register-write rules, through decoded instructions. */
static void load_results(void **state)
{
	const uint64_t old = 0x1111111111111111ull;
	const uint64_t loaded = 0xdeadbeef8765abcdull;
	struct mmio_insn i;

	(void)state;
	i = OK64(0x48, 0x8b, 0x00); /* 64-bit: all of it */
	assert_int_equal(mmio_insn_load_result(&i, old, loaded), loaded);
	i = OK64(0x8b, 0x00); /* 32-bit: zero-extended to 64 */
	assert_int_equal(mmio_insn_load_result(&i, old, loaded), 0x8765abcd);
	i = OK32(0x8b, 0x00); /* the same in 32-bit mode */
	assert_int_equal(mmio_insn_load_result(&i, old, loaded), 0x8765abcd);
	i = OK64(0x66, 0x8b, 0x00); /* 16-bit: merged */
	assert_int_equal(mmio_insn_load_result(&i, old, loaded),
			 0x111111111111abcdull);
	i = OK64(0x8a, 0x00); /* AL: merged */
	assert_int_equal(mmio_insn_load_result(&i, old, loaded),
			 0x11111111111111cdull);
	i = OK64(0x8a, 0x20); /* AH: bits 15:8 */
	assert_int_equal(mmio_insn_load_result(&i, old, loaded),
			 0x111111111111cd11ull);
	i = OK64(0x0f, 0xb6, 0x00); /* movzbl: zero-extended, then to 64 */
	assert_int_equal(mmio_insn_load_result(&i, old, loaded), 0xcd);
	i = OK64(0x0f, 0xb7, 0x00); /* movzwl */
	assert_int_equal(mmio_insn_load_result(&i, old, loaded), 0xabcd);
	i = OK64(0x48, 0x0f, 0xb7, 0x00); /* movzwq */
	assert_int_equal(mmio_insn_load_result(&i, old, loaded), 0xabcd);
	i = OK64(0x66, 0x0f, 0xb6, 0x00); /* movzbw: 16 bits, merged */
	assert_int_equal(mmio_insn_load_result(&i, old, loaded),
			 0x11111111111100cdull);
	i = OK64(0x87, 0x00); /* xchg: the old value loads the same way */
	assert_int_equal(mmio_insn_load_result(&i, old, loaded), 0x8765abcd);
}

static void store_values(void **state)
{
	const uint64_t reg = 0xdeadbeef8765abcdull;
	struct mmio_insn i;

	(void)state;
	i = OK64(0x48, 0x89, 0x00);
	assert_int_equal(mmio_insn_store_value(&i, reg), reg);
	i = OK64(0x89, 0x00);
	assert_int_equal(mmio_insn_store_value(&i, reg), 0x8765abcd);
	i = OK64(0x66, 0x89, 0x00);
	assert_int_equal(mmio_insn_store_value(&i, reg), 0xabcd);
	i = OK64(0x88, 0x00); /* AL */
	assert_int_equal(mmio_insn_store_value(&i, reg), 0xcd);
	i = OK64(0x88, 0x20); /* AH */
	assert_int_equal(mmio_insn_store_value(&i, reg), 0xab);
	i = OK64(0x87, 0x00); /* xchg stores the register */
	assert_int_equal(mmio_insn_store_value(&i, reg), 0x8765abcd);
	/* An immediate, whatever the register holds. */
	i = OK64(0xc7, 0x00, 0xfe, 0xff, 0xff, 0xff);
	assert_int_equal(mmio_insn_store_value(&i, reg), 0xfffffffe);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mode_from_cs_and_efer),
		cmocka_unit_test(linux_readl_writel),
		cmocka_unit_test(addressing_forms_64),
		cmocka_unit_test(operand_sizes_and_rex),
		cmocka_unit_test(byte_registers),
		cmocka_unit_test(immediates),
		cmocka_unit_test(movzx),
		cmocka_unit_test(memory_offsets),
		cmocka_unit_test(protected_mode_32),
		cmocka_unit_test(real_mode_16),
		cmocka_unit_test(refusals),
		cmocka_unit_test(truncated_never_reads_past_avail),
		cmocka_unit_test(fifteen_bytes_at_most),
		cmocka_unit_test(load_results),
		cmocka_unit_test(store_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
