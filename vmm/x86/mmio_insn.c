/* Prefixes, opcode, ModR/M, SIB, displacement and immediate, as SDM 2A
 * chapter 2, "Instruction Format", lays them out, for the MOV forms of
 * x86/mmio_insn.h. */
#include "x86/mmio_insn.h"

#include <stddef.h>

#include "util.h"
#include "x86/x86.h"

/* Legacy prefixes — SDM 2A 2.1.1, "Instruction Prefixes". */
enum {
	PREFIX_LOCK = 0xf0,
	PREFIX_REPNE = 0xf2,
	PREFIX_REP = 0xf3,
	PREFIX_CS = 0x2e,
	PREFIX_SS = 0x36,
	PREFIX_DS = 0x3e,
	PREFIX_ES = 0x26,
	PREFIX_FS = 0x64,
	PREFIX_GS = 0x65,
	PREFIX_OPERAND_SIZE = 0x66,
	PREFIX_ADDRESS_SIZE = 0x67,
};

/* REX — SDM 2A 2.2.1, "REX Prefixes", table 2-4: 0100WRXB, 64-bit mode
 * only. X and B extend SIB.index and ModR/M.rm or SIB.base, which choose
 * registers for the address but never change the instruction's length
 * (table 2-5, "Special Cases of REX Encodings"). */
#define REX_MASK 0xf0u
#define REX_BASE 0x40u
#define REX_W 0x08u
#define REX_R 0x04u

/* The opcodes emulated: SDM 2B "MOV—Move", "MOVZX—Move With
 * Zero-Extend"; SDM 2B "XCHG—Exchange Register/Memory With Register". */
enum {
	OP_XCHG_RM8_R8 = 0x86,
	OP_XCHG_RM_R = 0x87,
	OP_MOV_RM8_R8 = 0x88,
	OP_MOV_RM_R = 0x89,
	OP_MOV_R8_RM8 = 0x8a,
	OP_MOV_R_RM = 0x8b,
	OP_MOV_AL_MOFFS8 = 0xa0,
	OP_MOV_AX_MOFFS = 0xa1,
	OP_MOV_MOFFS8_AL = 0xa2,
	OP_MOV_MOFFS_AX = 0xa3,
	OP_MOV_RM8_IMM8 = 0xc6,
	OP_MOV_RM_IMM = 0xc7,
	OP_ESCAPE = 0x0f,
	OP_MOVZX_R_RM8 = 0xb6, /* after 0F */
	OP_MOVZX_R_RM16 = 0xb7,
};

/* ModR/M — SDM 2A 2.1.3, "ModR/M and SIB Bytes". */
#define MODRM_MOD(m) ((unsigned int)(m) >> 6)
#define MODRM_REG(m) (((unsigned int)(m) >> 3) & 7u)
#define MODRM_RM(m) ((unsigned int)(m)&7u)
#define MOD_REGISTER 3u
#define SIB_BASE(s) ((unsigned int)(s)&7u)

/* AH, CH, DH, BH are register numbers 4-7 of byte operands without REX:
 * bits 15:8 of registers 0-3. */
#define HIGH_BYTE_FIRST 4u

enum insn_mode insn_mode_of(uint32_t cs_access_rights, uint64_t efer)
{
	if ((efer & EFER_LMA) && (cs_access_rights & AR_L))
		return INSN_MODE_64;
	return (cs_access_rights & AR_DB) ? INSN_MODE_32 : INSN_MODE_16;
}

/* The bytes read so far, never past avail. */
struct cursor {
	const uint8_t *bytes;
	unsigned int avail, pos;
};

static bool next_byte(struct cursor *c, uint8_t *b)
{
	if (c->pos >= c->avail)
		return false;
	*b = c->bytes[c->pos++];
	return true;
}

/* @n (1 to 8) little-endian bytes, sign-extended, into *@v (NULL: just
 * skipped). */
static bool take(struct cursor *c, unsigned int n, uint64_t *v)
{
	if (n > c->avail - c->pos)
		return false;
	if (v && n) {
		uint64_t sign = 1ull << (8 * n - 1);

		*v = (get_le(c->bytes + c->pos, n) ^ sign) - sign;
	}
	c->pos += n;
	return true;
}

/* The bytes after ModR/M that address memory. 16-bit addressing (SDM 2A
 * table 2-1): no SIB; mod 00 with r/m 110 is disp16 alone. 32- and
 * 64-bit addressing (table 2-2, table 2-3): r/m 100 adds a SIB byte, and
 * a SIB base of 101 under mod 00 is disp32 with no base; mod 00 with
 * r/m 101 is disp32 alone, RIP-relative in 64-bit mode (SDM 2A 2.2.1.6,
 * "RIP-Relative Addressing"): the same length either way. */
static bool skip_address(struct cursor *c, unsigned int address_size,
			 uint8_t modrm)
{
	unsigned int mod = MODRM_MOD(modrm), rm = MODRM_RM(modrm);
	unsigned int disp = 0;

	if (address_size == 2) {
		if (mod == 1)
			disp = 1;
		else if (mod == 2 || (mod == 0 && rm == 6))
			disp = 2;
		return take(c, disp, NULL);
	}
	if (rm == 4) {
		uint8_t sib;

		if (!next_byte(c, &sib))
			return false;
		if (mod == 0 && SIB_BASE(sib) == 5)
			disp = 4;
	}
	if (mod == 1)
		disp = 1;
	else if (mod == 2 || (mod == 0 && rm == 5))
		disp = 4;
	return take(c, disp, NULL);
}

/* Running out of bytes: the instruction is cut short where fewer than
 * INSN_MAX_LENGTH were given, and longer than any instruction may be
 * otherwise. */
static enum mmio_insn_result short_of_bytes(const struct cursor *c)
{
	return c->avail >= INSN_MAX_LENGTH ? MMIO_INSN_TOO_LONG
					   : MMIO_INSN_TRUNCATED;
}

/* Opcode and operand sizes of what follows the prefixes. */
struct form {
	enum mmio_op op;
	unsigned int size, reg_size, imm_size;
	bool modrm, zero_extend;
};

static bool opcode_form(uint16_t opcode, unsigned int operand_size,
			struct form *f)
{
	*f = (struct form){.modrm = true};
	switch (opcode) {
	case OP_XCHG_RM8_R8:
	case OP_XCHG_RM_R:
		f->op = MMIO_XCHG;
		break;
	case OP_MOV_RM8_R8:
	case OP_MOV_RM_R:
	case OP_MOV_RM8_IMM8:
	case OP_MOV_RM_IMM:
	case OP_MOV_MOFFS8_AL:
	case OP_MOV_MOFFS_AX:
		f->op = MMIO_STORE;
		break;
	case OP_MOV_R8_RM8:
	case OP_MOV_R_RM:
	case OP_MOV_AL_MOFFS8:
	case OP_MOV_AX_MOFFS:
	case OP_ESCAPE << 8 | OP_MOVZX_R_RM8:
	case OP_ESCAPE << 8 | OP_MOVZX_R_RM16:
		f->op = MMIO_LOAD;
		break;
	default:
		return false;
	}
	switch (opcode) {
	case OP_XCHG_RM8_R8:
	case OP_MOV_RM8_R8:
	case OP_MOV_R8_RM8:
	case OP_MOV_RM8_IMM8:
	case OP_MOV_AL_MOFFS8:
	case OP_MOV_MOFFS8_AL:
	case OP_ESCAPE << 8 | OP_MOVZX_R_RM8:
		f->size = 1;
		break;
	case OP_ESCAPE << 8 | OP_MOVZX_R_RM16:
		f->size = 2;
		break;
	default:
		f->size = operand_size;
	}
	f->reg_size = f->size;
	if (opcode >> 8 == OP_ESCAPE) {
		f->reg_size = operand_size;
		f->zero_extend = true;
	}
	if (opcode == OP_MOV_RM8_IMM8)
		f->imm_size = 1;
	/* imm16 or imm32, which REX.W sign-extends to 64 bits. */
	if (opcode == OP_MOV_RM_IMM)
		f->imm_size = operand_size == 2 ? 2 : 4;
	if (opcode >= OP_MOV_AL_MOFFS8 && opcode <= OP_MOV_MOFFS_AX)
		f->modrm = false;
	return true;
}

enum mmio_insn_result mmio_insn_decode(const uint8_t *bytes, unsigned int avail,
				       enum insn_mode mode,
				       struct mmio_insn *out)
{
	struct cursor c = {.bytes = bytes,
			   .avail = avail < INSN_MAX_LENGTH ? avail
							    : INSN_MAX_LENGTH};
	bool operand_prefix = false, address_prefix = false;
	unsigned int rex = 0, operand_size, address_size;
	uint16_t opcode;
	uint8_t b;
	struct form f;

	*out = (struct mmio_insn){0};
	for (;;) {
		if (!next_byte(&c, &b))
			return short_of_bytes(&c);
		switch (b) {
		case PREFIX_LOCK:
		case PREFIX_REPNE:
		case PREFIX_REP:
			out->opcode = b;
			return MMIO_INSN_LOCK_REP;
		case PREFIX_OPERAND_SIZE:
			operand_prefix = true;
			rex = 0;
			continue;
		case PREFIX_ADDRESS_SIZE:
			address_prefix = true;
			rex = 0;
			continue;
		/* The guest-physical address comes with the exit: the
		 * segment is of no concern. */
		case PREFIX_CS:
		case PREFIX_SS:
		case PREFIX_DS:
		case PREFIX_ES:
		case PREFIX_FS:
		case PREFIX_GS:
			rex = 0;
			continue;
		default:
			break;
		}
		/* A REX prefix counts only right before the opcode; one
		 * followed by another prefix is ignored (SDM 2A 2.2.1). */
		if (mode == INSN_MODE_64 && (b & REX_MASK) == REX_BASE) {
			rex = b;
			continue;
		}
		break;
	}
	opcode = b;
	if (b == OP_ESCAPE) {
		if (!next_byte(&c, &b))
			return short_of_bytes(&c);
		opcode = (uint16_t)(OP_ESCAPE << 8 | b);
	}
	out->opcode = opcode;

	/* SDM 1 3.6, "Operand-Size and Address-Size Attributes"; 3.6.1,
	 * "Operand Size and Address Size in 64-Bit Mode", table 3-4: REX.W
	 * wins over 66, and 67 gives 32-bit addresses in 64-bit mode. */
	if (mode == INSN_MODE_64) {
		operand_size = (rex & REX_W) ? 8 : operand_prefix ? 2 : 4;
		address_size = address_prefix ? 4 : 8;
	} else {
		bool wide = (mode == INSN_MODE_32) != operand_prefix;

		operand_size = wide ? 4 : 2;
		wide = (mode == INSN_MODE_32) != address_prefix;
		address_size = wide ? 4 : 2;
	}
	if (!opcode_form(opcode, operand_size, &f))
		return MMIO_INSN_UNSUPPORTED;

	if (f.modrm) {
		uint8_t modrm;
		unsigned int reg;

		if (!next_byte(&c, &modrm))
			return short_of_bytes(&c);
		if (MODRM_MOD(modrm) == MOD_REGISTER)
			return MMIO_INSN_REGISTER_OPERAND;
		reg = MODRM_REG(modrm);
		/* C6 and C7 are MOV only with reg 0 (/0). */
		if (f.imm_size && reg != 0)
			return MMIO_INSN_UNSUPPORTED;
		if (!skip_address(&c, address_size, modrm))
			return short_of_bytes(&c);
		if (rex & REX_R)
			reg += 8;
		if (f.reg_size == 1 && !rex && reg >= HIGH_BYTE_FIRST) {
			out->high_byte = true;
			reg -= HIGH_BYTE_FIRST;
		}
		out->reg = f.imm_size ? 0 : reg;
	} else if (!take(&c, address_size, NULL)) {
		/* moffs: an address of the address size, register AL/AX */
		return short_of_bytes(&c);
	}
	if (f.imm_size && !take(&c, f.imm_size, &out->imm))
		return short_of_bytes(&c);

	out->op = f.op;
	out->size = f.size;
	out->reg_size = f.reg_size;
	out->zero_extend = f.zero_extend;
	out->has_imm = f.imm_size != 0;
	out->length = c.pos;
	return MMIO_INSN_OK;
}

const char *mmio_insn_result_text(enum mmio_insn_result r)
{
	static const char *const text[] = {
		[MMIO_INSN_OK] = "ok",
		[MMIO_INSN_UNSUPPORTED] = "unsupported instruction",
		[MMIO_INSN_REGISTER_OPERAND] = "register operand, not memory",
		[MMIO_INSN_LOCK_REP] = "LOCK or REP prefix",
		[MMIO_INSN_TRUNCATED] = "instruction bytes cut short",
		[MMIO_INSN_TOO_LONG] = "instruction longer than 15 bytes",
	};

	return (unsigned int)r < COUNT_OF(text) && text[r] ? text[r] : "?";
}

/* The low @bytes bytes of @v. */
static uint64_t low_bytes(uint64_t v, unsigned int bytes)
{
	return bytes >= 8 ? v : v & ((1ull << (8 * bytes)) - 1);
}

uint64_t mmio_insn_store_value(const struct mmio_insn *insn, uint64_t reg)
{
	uint64_t v = insn->has_imm     ? insn->imm
		     : insn->high_byte ? reg >> 8
				       : reg;

	return low_bytes(v, insn->size);
}

uint64_t mmio_insn_load_result(const struct mmio_insn *insn, uint64_t reg,
			       uint64_t loaded)
{
	/* MOVZX: the bytes loaded, zero-extended to the destination. */
	uint64_t v = low_bytes(loaded, insn->size);
	unsigned int shift = insn->high_byte ? 8 : 0;
	uint64_t mask;

	if (insn->reg_size >= 4)
		return v; /* a 32-bit result is zero-extended to 64 bits */
	mask = low_bytes(~0ull, insn->reg_size) << shift;
	return (reg & ~mask) | (v << shift & mask);
}
