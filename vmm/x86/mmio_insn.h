/* The one instruction behind an access to emulated memory-mapped I/O (the
 * local APIC's page, the I/O APIC's), decoded far enough to emulate it:
 * which way the data moves, how many bytes, which register or immediate,
 * and the instruction's length, which an EPT-violation exit does not
 * give (SDM 3C 28.2.5, "Information for VM Exits Due to Instruction
 * Execution": the VM-exit instruction-length field is defined only for
 * the exits listed there). The exit gives the guest-physical address, so
 * the addressing form matters only for its length (SDM 2A 2.1,
 * "Instruction Format for Protected Mode, Real-Address Mode, and
 * Virtual-8086 Mode"; 2.2, "IA-32e Mode").
 *
 * The instructions are those compilers emit for readb/readw/readl/readq
 * and their writes: MOV between memory and a register (88, 89, 8A, 8B),
 * MOV of an immediate (C6 /0, C7 /0), MOV with a memory offset (A0-A3),
 * MOVZX (0F B6, 0F B7), and XCHG with memory (86, 87: Linux writes the
 * local APIC with XCHG on processors with erratum 11AP). Anything else,
 * and any of them with LOCK, REP or REPNE, is refused. Pure: bytes in,
 * fields out, for host tests. */
#ifndef HV_MMIO_INSN_H
#define HV_MMIO_INSN_H

#include <stdbool.h>
#include <stdint.h>

/* The code segment's default operand and address size (SDM 3A 3.4.5,
 * "Segment Descriptors": the L and D flags). */
enum insn_mode {
	INSN_MODE_16, /* real mode, virtual-8086, 16-bit protected mode */
	INSN_MODE_32, /* CS.D = 1: 32-bit protected or compatibility mode */
	INSN_MODE_64, /* IA32_EFER.LMA and CS.L: 64-bit mode */
};

/* From the guest's CS access rights (the VMCS layout, x86/x86.h AR_*) and
 * IA32_EFER: CS.L means 64-bit mode only in IA-32e mode (SDM 3A 5.2.1,
 * "Code-Segment Descriptor in 64-bit Mode"). */
enum insn_mode insn_mode_of(uint32_t cs_access_rights, uint64_t efer);

enum mmio_op {
	MMIO_LOAD,  /* memory into the register */
	MMIO_STORE, /* the register, or the immediate, into memory */
	MMIO_XCHG,  /* both: the register's value is stored, the old loaded */
};

struct mmio_insn {
	enum mmio_op op;
	unsigned int size;   /* bytes of memory accessed: 1, 2, 4 or 8 */
	unsigned int length; /* bytes of the instruction, prefixes included */
	/* The register operand, in x86 register-number order (0 RAX ... 15
	 * R15, struct guest_regs' gpr[] index), unused with an immediate.
	 * With high_byte it is AH, CH, DH or BH: bits 15:8 of register 0-3
	 * (SDM 2A 2.2.1.2, "More on REX Prefix Fields", table 3-1 in 3.1.1.1;
	 * a REX prefix makes 4-7 SPL, BPL, SIL, DIL instead). Register 4 is
	 * RSP, which struct guest_regs does not hold: read and write it
	 * through the exit layer's vcpu_gpr() and vcpu_set_gpr(). */
	unsigned int reg;
	bool high_byte;
	/* The register's operand size: size, except MOVZX's destination (2,
	 * 4 or 8 bytes), where zero_extend is set. */
	unsigned int reg_size;
	bool zero_extend;
	bool has_imm;
	uint64_t imm; /* sign-extended from the instruction's 1, 2 or 4 bytes */
	/* The opcode, 0x0fb6 for two-byte ones, or the LOCK/REP prefix:
	 * what to name when the instruction is refused. */
	uint16_t opcode;
};

enum mmio_insn_result {
	MMIO_INSN_OK,
	MMIO_INSN_UNSUPPORTED,	    /* not one of the instructions above */
	MMIO_INSN_REGISTER_OPERAND, /* ModR/M mod = 11: no memory access */
	MMIO_INSN_LOCK_REP,	    /* LOCK, REP or REPNE prefix */
	MMIO_INSN_TRUNCATED,	    /* fewer bytes than the instruction needs */
	MMIO_INSN_TOO_LONG,	    /* over INSN_MAX_LENGTH bytes */
};

/* Decodes the instruction in the first @avail bytes at @bytes (none read
 * beyond them) for code of @mode. *@out is filled on MMIO_INSN_OK; on a
 * refusal only its opcode is meaningful: the opcode or prefix refused,
 * or, cut short, the opcode if the bytes reached it (else 0). */
enum mmio_insn_result mmio_insn_decode(const uint8_t *bytes, unsigned int avail,
				       enum insn_mode mode,
				       struct mmio_insn *out);

const char *mmio_insn_result_text(enum mmio_insn_result r);

/* The x86 register rules, so the caller applies none of them. The
 * caller passes the register's whole 64-bit value (vcpu_gpr(v,
 * insn->reg)) and, for a load, writes back what comes out
 * (vcpu_set_gpr). */

/* The value an MMIO_STORE or MMIO_XCHG writes to memory, in its low
 * insn->size bytes (the rest 0): the immediate, or the register's value,
 * bits 15:8 for a high-byte register. */
uint64_t mmio_insn_store_value(const struct mmio_insn *insn, uint64_t reg);

/* The register's new value after an MMIO_LOAD or MMIO_XCHG loaded
 * @loaded (its low insn->size bytes count): a 32-bit destination is
 * zero-extended to 64 bits, an 8- or 16-bit one replaces only its own
 * bits (SDM 1 3.4.1.1, "General-Purpose Registers in 64-Bit Mode"), and
 * MOVZX zero-extends the value to its operand size first (SDM 2B
 * "MOVZX—Move With Zero-Extend"). */
uint64_t mmio_insn_load_result(const struct mmio_insn *insn, uint64_t reg,
			       uint64_t loaded);

#endif
