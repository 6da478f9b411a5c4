/* Guest-linear to guest-physical translation through the guest's own
 * page tables, as the processor walks them (SDM 3A chapter 4, "Paging"),
 * and instruction fetch on top of it. An access to a page EPT does not
 * map (the local APIC's, the I/O APIC's) exits with the guest-physical
 * address of the data but no reliable instruction length, so hv reads
 * the instruction at the guest's RIP itself and decodes it
 * (x86/mmio_insn.h). Pure: guest memory is a flat buffer, guest-physical
 * 0 at its start, so host tests build page tables in one.
 *
 * The walk only translates: it checks no access rights (U/S, R/W, XD)
 * and no reserved bits, and sets no accessed or dirty flags. The bytes
 * it is asked for are those the processor has just fetched and run
 * through the same tables, so what would fault has already faulted; a
 * table changed since (another CPU's write) costs a wrong or refused
 * decode, never a read outside the buffer. */
#ifndef HV_GUEST_WALK_H
#define HV_GUEST_WALK_H

#include <stdint.h>

#include "x86/x86.h"

/* What the walk needs of the guest: its memory, and the registers that
 * choose the paging mode and locate the tables. */
struct guest_mmu {
	const uint8_t *mem; /* guest-physical 0 */
	uint64_t mem_size;  /* bytes */
	uint64_t cr0, cr3, cr4, efer;
	/* PAE paging only: the four PDPTE registers, from the VMCS's guest
	 * PDPTE fields. The processor loads them from the table at CR3 when
	 * CR3 is loaded or the paging bits change, and translates through
	 * them, not through memory (SDM 3A 4.4.1, "PDPTE Registers"); with
	 * EPT a VM exit saves them and VM entry loads them (SDM 3C
	 * 27.3.2.4, "Loading Page-Directory-Pointer-Table Entries"), and the
	 * PC machine loads them when it emulates those writes. The table in
	 * memory may have changed since, so reading it again could translate
	 * differently from the processor. */
	uint64_t pdpte[4];
};

/* SDM 3A 4.1.1, "Four Paging Modes", table 4-1. */
enum guest_paging_mode {
	GUEST_PAGING_NONE,   /* CR0.PG = 0: linear = physical */
	GUEST_PAGING_32BIT,  /* CR4.PAE = 0 */
	GUEST_PAGING_PAE,    /* IA32_EFER.LMA = 0 */
	GUEST_PAGING_4LEVEL, /* CR4.LA57 = 0 */
	GUEST_PAGING_5LEVEL, /* never shown to a guest: not walked */
};

enum guest_paging_mode guest_paging_mode(const struct guest_mmu *g);

enum guest_walk_result {
	GUEST_WALK_OK,
	GUEST_WALK_NOT_PRESENT,	   /* an entry's P is 0: the access would #PF */
	GUEST_WALK_OUTSIDE_MEMORY, /* a paging structure outside mem_size */
	GUEST_WALK_5LEVEL, /* CR4.LA57: hv never offers 5-level paging */
};

/* The guest-physical address of @linear in *@gpa, when the result is
 * GUEST_WALK_OK. Outside IA-32e mode linear addresses are 32 bits: bits
 * 63:32 of @linear are ignored; 4-level paging uses bits 47:0. */
enum guest_walk_result guest_walk(const struct guest_mmu *g, uint64_t linear,
				  uint64_t *gpa);

const char *guest_walk_result_text(enum guest_walk_result r);

/* Copies up to @n bytes (at most INSN_MAX_LENGTH, x86/x86.h) from @linear into @buf,
 * each page translated on its own, as an instruction that crosses a page
 * boundary is fetched. Returns how many bytes it copied: fewer than @n
 * from the first byte whose page does not translate or lies outside
 * guest memory. */
unsigned int guest_fetch(const struct guest_mmu *g, uint64_t linear,
			 uint8_t *buf, unsigned int n);

#endif
