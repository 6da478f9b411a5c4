/* The guest's paging structures walked in a flat copy of its memory:
 * 32-bit, PAE and 4-level paging (SDM 3A 4.3, 4.4, 4.5). */
#include "mem/guest_walk.h"

#include "util.h"

/* Bits of the linear address that index each table: 10 under 32-bit
 * paging, 9 under PAE and 4-level paging, whose entries are 8 bytes. */
#define INDEX_BITS_32BIT 10u
#define INDEX_BITS 9u
#define INDEX_SHIFT_PT 12u
#define INDEX_SHIFT_PD 21u
#define INDEX_SHIFT_PDPT 30u
#define INDEX_SHIFT_PML4 39u
#define INDEX_SHIFT_PD_32BIT 22u

enum guest_paging_mode guest_paging_mode(const struct guest_mmu *g)
{
	if (!(g->cr0 & CR0_PG))
		return GUEST_PAGING_NONE;
	if (!(g->cr4 & CR4_PAE))
		return GUEST_PAGING_32BIT;
	if (!(g->efer & EFER_LMA))
		return GUEST_PAGING_PAE;
	return (g->cr4 & CR4_LA57) ? GUEST_PAGING_5LEVEL : GUEST_PAGING_4LEVEL;
}

/* The @bytes-byte entry at guest-physical @addr, or false where any of it
 * lies outside guest memory. */
static bool read_entry(const struct guest_mmu *g, uint64_t addr,
		       unsigned int bytes, uint64_t *entry)
{
	if (g->mem_size < bytes || addr > g->mem_size - bytes)
		return false;
	*entry = get_le(g->mem + addr, bytes);
	return true;
}

static uint64_t table_index(uint64_t linear, unsigned int shift,
			    unsigned int bits)
{
	return (linear >> shift) & ((1ull << bits) - 1);
}

/* The page of @size bytes at @frame, and @linear's offset in it. */
static uint64_t in_page(uint64_t frame, uint64_t size, uint64_t linear)
{
	return (frame & ~(size - 1)) | (linear & (size - 1));
}

/* SDM 3A 4.3, "32-Bit Paging": a page directory at CR3 bits 31:12; a PDE
 * with PS maps 4 MiB where CR4.PSE allows it (table 4-4), else it points
 * to a page table. */
static enum guest_walk_result walk_32bit(const struct guest_mmu *g,
					 uint64_t linear, uint64_t *gpa)
{
	uint64_t pde, pte;
	uint64_t pd = g->cr3 & PTE32_ADDR;

	if (!read_entry(g,
			pd + 4 * table_index(linear, INDEX_SHIFT_PD_32BIT,
					     INDEX_BITS_32BIT),
			4, &pde))
		return GUEST_WALK_OUTSIDE_MEMORY;
	if (!(pde & PTE_P))
		return GUEST_WALK_NOT_PRESENT;
	if ((pde & PTE_PS) && (g->cr4 & CR4_PSE)) {
		uint64_t high = (pde >> PDE32_4M_ADDR_HIGH_SHIFT) &
				PDE32_4M_ADDR_HIGH_MASK;

		*gpa = in_page((pde & PDE32_4M_ADDR) |
				       high << PDE32_4M_ADDR_HIGH_TO,
			       PAGE_4M, linear);
		return GUEST_WALK_OK;
	}
	if (!read_entry(g,
			(pde & PTE32_ADDR) + 4 * table_index(linear,
							     INDEX_SHIFT_PT,
							     INDEX_BITS_32BIT),
			4, &pte))
		return GUEST_WALK_OUTSIDE_MEMORY;
	if (!(pte & PTE_P))
		return GUEST_WALK_NOT_PRESENT;
	*gpa = in_page(pte & PTE32_ADDR, PAGE_SIZE, linear);
	return GUEST_WALK_OK;
}

/* 8-byte entries from the table at @table, indexed from bit @shift of
 * @linear, down to a page: PS maps 1 GiB in a PDPTE and 2 MiB in a PDE
 * (SDM 3A 4.5, "4-Level Paging and 5-Level Paging", tables 4-15 to
 * 4-20; 4.4.2, "Linear-Address Translation with PAE Paging", from the
 * PDE). A PML4E's bit 7 is reserved, not PS. */
static enum guest_walk_result walk_8byte(const struct guest_mmu *g,
					 uint64_t table, unsigned int shift,
					 uint64_t linear, uint64_t *gpa)
{
	for (;; shift -= INDEX_BITS) {
		uint64_t e;
		uint64_t addr =
			table + 8 * table_index(linear, shift, INDEX_BITS);

		if (!read_entry(g, addr, 8, &e))
			return GUEST_WALK_OUTSIDE_MEMORY;
		if (!(e & PTE_P))
			return GUEST_WALK_NOT_PRESENT;
		if (shift == INDEX_SHIFT_PT ||
		    ((shift == INDEX_SHIFT_PDPT || shift == INDEX_SHIFT_PD) &&
		     (e & PTE_PS))) {
			*gpa = in_page(e & PTE_ADDR, 1ull << shift, linear);
			return GUEST_WALK_OK;
		}
		table = e & PTE_ADDR;
	}
}

/* SDM 3A 4.4, "PAE Paging": linear bits 31:30 choose a PDPTE register,
 * which points to a page directory. */
static enum guest_walk_result walk_pae(const struct guest_mmu *g,
				       uint64_t linear, uint64_t *gpa)
{
	uint64_t pdpte = g->pdpte[(linear >> INDEX_SHIFT_PDPT) & 3];

	if (!(pdpte & PTE_P))
		return GUEST_WALK_NOT_PRESENT;
	return walk_8byte(g, pdpte & PTE_ADDR, INDEX_SHIFT_PD, linear, gpa);
}

enum guest_walk_result guest_walk(const struct guest_mmu *g, uint64_t linear,
				  uint64_t *gpa)
{
	switch (guest_paging_mode(g)) {
	case GUEST_PAGING_NONE:
		*gpa = (uint32_t)linear;
		return GUEST_WALK_OK;
	case GUEST_PAGING_32BIT:
		return walk_32bit(g, (uint32_t)linear, gpa);
	case GUEST_PAGING_PAE:
		return walk_pae(g, (uint32_t)linear, gpa);
	case GUEST_PAGING_4LEVEL:
		return walk_8byte(g, g->cr3 & PTE_ADDR, INDEX_SHIFT_PML4,
				  linear, gpa);
	case GUEST_PAGING_5LEVEL:
		break;
	}
	return GUEST_WALK_5LEVEL;
}

const char *guest_walk_result_text(enum guest_walk_result r)
{
	static const char *const text[] = {
		[GUEST_WALK_OK] = "ok",
		[GUEST_WALK_NOT_PRESENT] = "not present",
		[GUEST_WALK_OUTSIDE_MEMORY] =
			"paging structure outside guest memory",
		[GUEST_WALK_5LEVEL] = "5-level paging",
	};

	return (unsigned int)r < COUNT_OF(text) && text[r] ? text[r] : "?";
}

unsigned int guest_fetch(const struct guest_mmu *g, uint64_t linear,
			 uint8_t *buf, unsigned int n)
{
	unsigned int got = 0;

	if (n > INSN_MAX_LENGTH)
		n = INSN_MAX_LENGTH;
	while (got < n) {
		uint64_t at = linear + got, gpa;
		uint64_t left_in_page = PAGE_SIZE - (at & (PAGE_SIZE - 1));
		unsigned int chunk = n - got;

		if (chunk > left_in_page)
			chunk = (unsigned int)left_in_page;
		if (guest_walk(g, at, &gpa) != GUEST_WALK_OK ||
		    gpa >= g->mem_size)
			break;
		if (chunk > g->mem_size - gpa)
			chunk = (unsigned int)(g->mem_size - gpa);
		for (unsigned int i = 0; i < chunk; i++)
			buf[got + i] = g->mem[gpa + i];
		got += chunk;
	}
	return got;
}
