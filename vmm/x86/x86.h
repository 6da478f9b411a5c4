/* The x86 architecture's facts, each written once: RFLAGS, control,
 * debug and EFER bits, exception vectors, canonical addresses. The VMM,
 * its entry checker and the guests (guest/lib.h) all read them from
 * here. */
#ifndef HV_X86_H
#define HV_X86_H

/* The vectors whose exception pushes an error code, one bit per vector:
 * #DF (8), #TS (10), #NP (11), #SS (12), #GP (13), #PF (14), #AC (17)
 * and, with CET, #CP (21) — SDM 3A 6.15, "Exception and Interrupt
 * Reference"; 6.13, "Error Code". First and in plain hex: hv's host IDT
 * stubs (resident/host_idt_entry.S) read it from the assembler too, and
 * the rest of this header is C. */
#define EXC_ERROR_CODE_VECTORS 0x227d00

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

/* RFLAGS — SDM 3A 2.3, "System Flags and Fields in the EFLAGS Register". */
#define RFLAGS_FIXED1 (1ull << 1) /* reserved, always 1 */
#define RFLAGS_TF (1ull << 8)
#define RFLAGS_IF (1ull << 9)
#define RFLAGS_DF (1ull << 10)
#define RFLAGS_IOPL (3ull << 12)
#define RFLAGS_AC (1ull << 18)
#define RFLAGS_VM (1ull << 17)
#define RFLAGS_RESERVED \
	(~0x3fffffull | (1ull << 15) | (1ull << 5) | (1ull << 3))

/* CR0 and CR4 bits — SDM 3A 2.5, "Control Registers". */
#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_AM (1ull << 18)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)

#define CR4_VME (1ull << 0)
#define CR4_PVI (1ull << 1)
#define CR4_TSD (1ull << 2)
#define CR4_DE (1ull << 3)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_MCE (1ull << 6)
#define CR4_PGE (1ull << 7)
#define CR4_PCE (1ull << 8)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_LA57 (1ull << 12) /* 5-level paging */
#define CR4_VMXE (1ull << 13)
#define CR4_PCIDE (1ull << 17)
#define CR4_OSXSAVE (1ull << 18)

/* What the guest may set in CR4. Not VMXE (no nested VMX), not OSFXSR or
 * OSXSAVE (the host does not switch vector state), not PCIDE. */
#define CR4_GUEST_ALLOWED \
	(CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_MCE | CR4_PGE | CR4_PCE)

/* CR4 bits whose change flushes the TLB (SDM 3A 4.10.4.1, "Operations that
 * Invalidate TLBs and Paging-Structure Caches"): with VPID, VM entry does not,
 * so the VMM must when it emulates the write. */
#define CR4_TLB_BITS (CR4_PSE | CR4_PAE | CR4_PGE)

/* The CR0 bits the host owns: changing them traps (guest/host mask). EM
 * stays 1, so x87 instructions raise #NM: the host never switches x87
 * state, and the guest must not leave its own in the firmware's FPU. */
#define CR0_HOST_OWNED \
	(CR0_PE | CR0_EM | CR0_ET | CR0_NE | CR0_NW | CR0_CD | CR0_PG)

/* A PC guest (Linux) owns x87 state (EM, TS, MP: x86/fpu.h) and may turn
 * paging off, which unrestricted guest allows (SDM 3C 27.3.1.1, "Checks
 * on Guest Control Registers, Debug Registers, and MSRs"); changing
 * paging must still trap, for IA32_EFER.LMA and the "IA-32e mode guest"
 * entry control follow CR0.PG (SDM 3A 10.8.5, "Initializing IA-32e
 * Mode"), and the caching bits stay the host's. */
#define PC_CR0_HOST_OWNED (CR0_PE | CR0_NE | CR0_NW | CR0_CD | CR0_PG)
#define PC_CR4_GUEST_ALLOWED (CR4_GUEST_ALLOWED | CR4_OSFXSR | CR4_OSXMMEXCPT)

/* CR0 bits a guest must keep set: long mode needs PE and PG; EM keeps
 * x87 out (see above). */
#define CR0_GUEST_REQUIRED (CR0_PE | CR0_EM | CR0_PG)

/* Every CR0 bit the SDM defines. The rest of bits 31:0 is reserved: a
 * MOV to CR0 ignores them (only bits 63:32 raise #GP), and ET is fixed
 * at 1 on every processor since the Pentium 4 (SDM 3A 2.5, "Control
 * Registers"). */
#define CR0_DEFINED                                                     \
	(CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | \
	 CR0_AM | CR0_NW | CR0_CD | CR0_PG)

/* CR8 holds the task priority in bits 3:0; the rest is reserved. */
#define CR8_TPR_MASK 0xfull

/* IA32_APIC_BASE — SDM 3A 11.4.4, "Local APIC Status and Location",
 * and 11.12.1, "Detecting and Enabling x2APIC Mode": the bootstrap
 * processor's flag, x2APIC mode, global enable, and the base after reset,
 * where an xAPIC's registers are. */
#define APIC_DEFAULT_BASE 0xfee00000ull
#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EXTD (1ull << 10)
#define APIC_BASE_EN (1ull << 11)

/* CPUID feature bits the VMM hides or shows a guest — SDM 2 "CPUID",
 * tables 3-8 to 3-10 (leaf 1) and 3-8 (leaf 7). */
/* Leaf 1 EDX and ECX: x87, MMX and SSE up to SSE4.2 and AES, all of whose
 * state an FXSAVE image holds. */
#define CPUID_1_EDX_FXSAVE_STATE                                              \
	((1u << 0) /* FPU */ | (1u << 23) /* MMX */ | (1u << 24) /* FXSR */ | \
	 (1u << 25) /* SSE */ | (1u << 26) /* SSE2 */)
#define CPUID_1_ECX_FXSAVE_STATE                            \
	((1u << 0) /* SSE3 */ | (1u << 1) /* PCLMULQDQ */ | \
	 (1u << 9) /* SSSE3 */ | (1u << 19) /* SSE4.1 */ |  \
	 (1u << 20) /* SSE4.2 */ | (1u << 25) /* AES-NI */)
/* Leaf 1 ECX: the XSAVE feature set, and what its AVX component holds. */
#define CPUID_1_ECX_XSAVE (1u << 26)
#define CPUID_1_ECX_OSXSAVE (1u << 27) /* CR4.OSXSAVE, mirrored */
#define CPUID_1_ECX_AVX_STATE \
	((1u << 12) /* FMA */ | (1u << 28) /* AVX */ | (1u << 29) /* F16C */)
#define CPUID_7_EBX_AVX2 (1u << 5)
#define CPUID_7_EBX_TSC_ADJUST (1u << 1) /* IA32_TSC_ADJUST (MSR 3BH) */
/* Leaf 1 EDX: the MTRRs (IA32_MTRRCAP and the rest, x86/mtrr.h). */
#define CPUID_1_EDX_MTRR (1u << 12)
/* Leaf 1 EDX: an on-chip APIC, globally enabled (SDM 3A 11.4.3,
 * "Enabling or Disabling the Local APIC"). */
#define CPUID_1_EDX_APIC (1u << 9)
/* Leaf 1 ECX: the local APIC's x2APIC mode and TSC-deadline timer. */
#define CPUID_1_ECX_X2APIC (1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
/* Leaf 1 ECX bit 5: VMX; bit 31: "not used" on hardware, hypervisors set
 * it for their guests (SDM 2, "CPUID", Table 3-10). */
#define CPUID_1_ECX_VMX (1u << 5)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
/* Leaf 0DH: the XSAVE state components. */
#define CPUID_LEAF_XSAVE 0xdu

/* IA32_EFER — SDM 3A 2.2.1, "Extended Feature Enable Register". */
#define EFER_SCE (1ull << 0)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)
/* The bits an Intel processor defines; the rest are reserved. */
#define EFER_DEFINED (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

/* DR6 and DR7 — SDM 3B 18.2, "Debug Registers": their values after
 * power-up or reset (SDM 3A 10.1.1, "Processor State After Reset"), which
 * every VM exit also gives DR7 (SDM 3C 28.5.1, "Loading Host Control
 * Registers, Debug Registers, MSRs"). */
#define DR6_INIT 0xffff0ff0ull
#define DR6_B0_B3 0xfull
#define DR6_BD (1ull << 13)  /* debug-register access detected */
#define DR6_BS (1ull << 14)  /* single step */
#define DR6_RTM (1ull << 16) /* active low: 1 when no RTM #DB */
#define DR7_INIT 0x400ull
#define DR7_GE (1ull << 9)
#define DR7_GD (1ull << 13) /* general detect */
/* DR7's Ln at bit 2n, Gn at 2n + 1, R/Wn at 16 + 4n, LENn at 18 + 4n;
 * R/W 10b breaks on I/O (with CR4.DE). */
#define DR7_ENABLE_BITS 0xffull /* L0, G0 ... L3, G3 */
#define DR7_RW_IO 2u
/* The VMCS's pending debug exceptions field uses DR6's layout: B3-B0,
 * enabled breakpoint (12), BS, single step (14), and RTM (16) — SDM 3C
 * 25.4.2, "Guest Non-Register State". */
#define PENDING_DBG_BS DR6_BS
#define PENDING_DBG_ENABLED_BP (1ull << 12)
#define PENDING_DBG_RESERVED \
	(~0x1ffffull | (1ull << 15) | (1ull << 13) | 0xff0ull)

/* Exception vectors — SDM 3A 6.15, "Exception and Interrupt Reference". */
enum exception_vector {
	EXC_DE = 0,
	EXC_DB = 1,
	EXC_NMI = 2,
	EXC_BP = 3,
	EXC_OF = 4,
	EXC_BR = 5,
	EXC_UD = 6,
	EXC_NM = 7,
	EXC_DF = 8,
	EXC_TS = 10,
	EXC_NP = 11,
	EXC_SS = 12,
	EXC_GP = 13,
	EXC_PF = 14,
	EXC_MF = 16,
	EXC_AC = 17,
	EXC_MC = 18,
	EXC_XM = 19,
	EXC_VE = 20,
	EXC_CP = 21
};
/* Vectors 32-255 are interrupts' (SDM 3A 6.2, "Exception and Interrupt
 * Vectors"); 0-31 the architecture's. */
#define FIRST_INTERRUPT_VECTOR 32u

/* The exceptions that push an error code (in protected mode):
 * EXC_ERROR_CODE_VECTORS. No interrupt (vectors 32-255) does. */
static inline bool exception_has_error_code(unsigned int vector)
{
	return vector < FIRST_INTERRUPT_VECTOR &&
	       (((uint32_t)EXC_ERROR_CODE_VECTORS >> vector) & 1u);
}

/* Bits 63:47 all equal: a canonical 48-bit linear address — SDM 3A
 * 3.3.7.1, "Canonical Addressing". A processor with 5-level paging also
 * accepts 57-bit ones; this VMM uses none, so the stricter check only
 * catches more. */
static inline bool canonical(uint64_t address)
{
	uint64_t top = address >> 47;

	return top == 0 || top == 0x1ffff;
}

/* Memory types, as PAT entries, MTRRs and EPT encode them — SDM 3A
 * 11.12.2, "IA32_PAT MSR"; 2 and 3 are reserved, and EPT has no UC-. */
enum memory_type {
	MEMORY_TYPE_UC = 0,
	MEMORY_TYPE_WC = 1,
	MEMORY_TYPE_WT = 4,
	MEMORY_TYPE_WP = 5,
	MEMORY_TYPE_WB = 6,
	MEMORY_TYPE_UC_MINUS = 7,
};

/* A memory type's usual abbreviation, for messages. */
static inline const char *memory_type_abbrev(unsigned int type)
{
	switch (type) {
	case MEMORY_TYPE_UC:
		return "UC";
	case MEMORY_TYPE_WC:
		return "WC";
	case MEMORY_TYPE_WT:
		return "WT";
	case MEMORY_TYPE_WP:
		return "WP";
	case MEMORY_TYPE_WB:
		return "WB";
	case MEMORY_TYPE_UC_MINUS:
		return "UC-";
	}
	return "reserved";
}

/* IA32_PAT after power-up or reset: WB, WT, UC-, UC, twice — SDM 3A
 * 11.12.4, "Programming the PAT". */
#define PAT_POWER_ON 0x0007040600070406ull

/* The first of IA32_PAT's eight entries that is not a memory type, or
 * -1 when all are. */
static inline int pat_bad_entry(uint64_t pat)
{
	for (int i = 0; i < 8; i++) {
		unsigned int type = (unsigned int)(pat >> (8 * i)) & 0xffu;

		if (type > MEMORY_TYPE_UC_MINUS || type == 2 || type == 3)
			return i;
	}
	return -1;
}

/* 4-level paging entries — SDM 3A 5.5, "4-Level Paging and 5-Level
 * Paging". */
#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_US (1ull << 2)
#define PTE_PS (1ull << 7) /* in a PDPTE or PDE: maps 1 GiB or 2 MiB */
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull /* bits 51:12 */
#define PAGE_SIZE 4096ull
#define PAGE_2M (1ull << 21)
#define PAGE_1G (1ull << 30)

/* 32-bit paging entries — SDM 3A 4.3, "32-Bit Paging", tables 4-4 to
 * 4-6: P and PS where the 64-bit entries have them, 4-byte entries with
 * bits 31:12 the next table or the page. A 4-MiB page (PS, with
 * CR4.PSE) takes physical bits 31:22 from bits 31:22 and bits 39:32
 * from bits 20:13 (PSE-36). */
#define PTE32_ADDR 0xfffff000u
#define PDE32_4M_ADDR 0xffc00000u
#define PDE32_4M_ADDR_HIGH_SHIFT 13 /* bits 20:13 ... */
#define PDE32_4M_ADDR_HIGH_MASK 0xffu
#define PDE32_4M_ADDR_HIGH_TO 32 /* ... are physical bits 39:32 */
#define PAGE_4M (1ull << 22)

/* The longest instruction, prefixes included: a longer one raises #GP
 * (SDM 2A 2.3.11, "AVX Instruction Length"). */
#define INSN_MAX_LENGTH 15u

/* Segment selectors — SDM 3A 3.4.2, "Segment Selectors". */
#define SELECTOR_RPL(sel) ((unsigned int)(sel)&3u)
#define SELECTOR_RPL_MASK 3u
#define SELECTOR_TI 4u

/* A segment's attributes as the VMCS holds them (access rights, SDM 3C
 * 25.4.1, "Guest Register State"): the descriptor's bits 47:40 and 55:52
 * (SDM 3A 3.4.5, "Segment Descriptors") in bits 7:0 and 15:12, and bit
 * 16, "unusable", which only VMX has. */
#define AR_TYPE(ar) ((ar)&0xfu)
#define AR_TYPE_ACCESSED 1u
#define AR_TYPE_READABLE 2u /* code; for data, writable */
#define AR_TYPE_CODE 8u
#define AR_S (1u << 4)
#define AR_DPL(ar) (((ar) >> 5) & 3u)
#define AR_P (1u << 7)
#define AR_L (1u << 13)
#define AR_DB (1u << 14)
#define AR_G (1u << 15)
#define AR_UNUSABLE (1u << 16)
#define AR_RESERVED 0xfffe0f00u /* bits 31:17 and 11:8 */

/* Segment types (S=1 code/data, S=0 system) — SDM 3A 3.4.5.1, "Code- and
 * Data-Segment Descriptor Types"; 3.5, "System Descriptor Types". */
#define TYPE_DATA_RW_ACCESSED 3u
#define TYPE_DATA_RW_DOWN_ACCESSED 7u
#define TYPE_LDT 2u
#define TYPE_BUSY_TSS16 3u
#define TYPE_AVAILABLE_TSS 9u	/* 32-bit, or 64-bit in IA-32e mode */
#define TYPE_BUSY_TSS 11u	/* 32-bit, or 64-bit in IA-32e mode */
#define TYPE_INTERRUPT_GATE 14u /* 32-bit, or 64-bit in IA-32e mode */

/* The low eight bytes of a segment descriptor from its base, 20-bit
 * limit and attributes in the access-rights layout above. */
static inline uint64_t segment_descriptor(uint64_t base, uint32_t limit,
					  uint32_t ar)
{
	return (limit & 0xffffull) | (base & 0xffffffull) << 16 |
	       (uint64_t)(ar & 0xffu) << 40 |
	       (uint64_t)((limit >> 16) & 0xfu) << 48 |
	       (uint64_t)((ar >> 12) & 0xfu) << 52 |
	       ((base >> 24) & 0xffull) << 56;
}

#endif /* __ASSEMBLER__ */

#endif
