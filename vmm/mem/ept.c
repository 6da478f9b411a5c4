/* EPT paging structures (SDM 3C 29.3, "The Extended Page Table Mechanism
 * (EPT)"): four levels of 512 entries, 4-KiB, 2-MiB and 1-GiB leaves.
 * Tables are pages from a page_source, addressed by their physical
 * address, which is their pointer value (UEFI identity map). */
#include "mem/ept.h"

#include <stdbool.h>
#include <stddef.h>

#include "util.h"
#include "x86/x86.h"

#define ENTRIES 512
#define LEVELS 4 /* PML4 = 4, PDPT = 3, PD = 2, PT = 1 */
#define ADDRESS_MASK 0x000ffffffffff000ull /* bits 51:12 */
#define LARGE_PAGE (1ull << 7)		   /* PDPTE / PDE map memory */
#define MEMTYPE_SHIFT 3			   /* leaf bits 5:3 */
#define IGNORE_PAT (1ull << 6)		   /* leaf bit 6 */
#define GPA_LIMIT (1ull << 48)		   /* what 4 levels translate */
#define HPA_LIMIT (1ull << 52)		   /* widest MAXPHYADDR */

static uint64_t ipat(const struct ept *e)
{
	return e->guest_pat ? 0 : IGNORE_PAT;
}

static uint64_t physical(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static uint64_t *table_of(uint64_t entry)
{
	return (uint64_t *)(uintptr_t)(entry & ADDRESS_MASK);
}

/* An entry with no permission is not present (SDM 3C 29.3.2, "EPT Translation
 * Mechanism"). */
static bool present(uint64_t entry)
{
	return entry & EPT_RWX;
}

static unsigned int shift_of(int level)
{
	return 12 + 9 * (level - 1);
}

static unsigned int index_of(uint64_t gpa, int level)
{
	return (gpa >> shift_of(level)) & (ENTRIES - 1);
}

static uint64_t *new_table(struct ept *e)
{
	uint64_t *t = e->pages->alloc_page(e->pages->ctx);

	if (!t)
		return NULL;
	for (int i = 0; i < ENTRIES; i++) /* a stray bit would map memory */
		t[i] = 0;
	e->table_pages++;
	return t;
}

int ept_init(struct ept *e, const struct page_source *pages)
{
	e->pages = pages;
	e->table_pages = 0;
	e->guest_pat = false;
	e->pml4 = new_table(e);
	return e->pml4 ? 0 : -1;
}

/* The table at @leaf_level (1: page table, 2: page directory) holding
 * @gpa's leaf entry, creating the tables on the way. NULL when memory
 * runs out or a large page is in the way. */
static uint64_t *table_at(struct ept *e, uint64_t gpa, int leaf_level)
{
	uint64_t *table = e->pml4;

	for (int level = LEVELS; level > leaf_level; level--) {
		uint64_t *entry = &table[index_of(gpa, level)];

		if (!present(*entry)) {
			uint64_t *next = new_table(e);

			if (!next)
				return NULL;
			/* Non-leaf entries allow everything: the leaf alone
			 * decides, since the CPU ANDs all levels. */
			*entry = physical(next) | EPT_RWX;
		} else if (*entry & LARGE_PAGE) {
			return NULL;
		}
		table = table_of(*entry);
	}
	return table;
}

static uint64_t *page_table(struct ept *e, uint64_t gpa)
{
	return table_at(e, gpa, 1);
}

/* Permissions and memory types that are not EPT misconfigurations (SDM 3C
 * 29.3.3.1, "EPT Misconfigurations"): never writable without readable, no
 * reserved type. */
static bool valid_leaf(unsigned int perms, unsigned int memtype)
{
	if (perms == 0 || (perms & ~(unsigned int)EPT_RWX) ||
	    ((perms & EPT_WRITE) && !(perms & EPT_READ)))
		return false;
	return memtype == MEMORY_TYPE_UC || memtype == MEMORY_TYPE_WC ||
	       memtype == MEMORY_TYPE_WT || memtype == MEMORY_TYPE_WP ||
	       memtype == MEMORY_TYPE_WB;
}

static bool fits(uint64_t base, uint64_t size, uint64_t limit)
{
	return size <= limit && base <= limit - size;
}

/* The arguments of a mapping in pages of @page bytes (ept.h). */
static bool mappable(const struct ept *e, uint64_t gpa, uint64_t hpa,
		     uint64_t size, uint64_t page, unsigned int perms,
		     unsigned int memtype)
{
	return e->pml4 && size && !((gpa | hpa | size) & (page - 1)) &&
	       fits(gpa, size, GPA_LIMIT) && fits(hpa, size, HPA_LIMIT) &&
	       valid_leaf(perms, memtype);
}

int ept_map(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size,
	    unsigned int perms, unsigned int memtype)
{
	if (!mappable(e, gpa, hpa, size, PAGE_SIZE, perms, memtype))
		return -1;
	/* Check, then build tables, then fill leaves: a failure leaves no
	 * partial mapping behind (empty tables are harmless). */
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		if (ept_translate(e, gpa + off, NULL, NULL) == 0)
			return -1;
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		if (!page_table(e, gpa + off))
			return -1;
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		uint64_t *pt = page_table(e, gpa + off);

		/* Ignore-PAT: the EPT memory type alone is the type (SDM 3C
		 * 29.3.7.2, "Memory Type Used for Translated Guest-Physical
		 * Addresses"), so the guest's PAT and CR0.CD cannot make memory
		 * the host uses write-back uncached or write-combined for the
		 * guest (aliases of differing types, SDM 3A 13.12.4,
		 * "Programming the PAT"), and the guest's CD, which the real
		 * CR0 never gets, changes nothing either; unless the guest is
		 * the machine itself (guest_pat). */
		pt[index_of(gpa + off, 1)] = (hpa + off) | perms | ipat(e) |
					     (uint64_t)memtype << MEMTYPE_SHIFT;
	}
	return 0;
}

/* Pages of 2 MiB (@level 2, PDEs) or 1 GiB (@level 3, PDPTEs). */
static int map_large(struct ept *e, int level, uint64_t gpa, uint64_t hpa,
		     uint64_t size, unsigned int perms, unsigned int memtype)
{
	uint64_t page = 1ull << shift_of(level);

	if (!mappable(e, gpa, hpa, size, page, perms, memtype))
		return -1;
	/* Nothing mapped there yet, at any size: its entry is empty. */
	for (uint64_t off = 0; off < size; off += page) {
		uint64_t *t = table_at(e, gpa + off, level);

		if (!t || present(t[index_of(gpa + off, level)]))
			return -1;
	}
	for (uint64_t off = 0; off < size; off += page) {
		uint64_t *t = table_at(e, gpa + off, level);

		/* A PDE with bit 7 maps 2 MiB, a PDPTE with bit 7 1 GiB (SDM
		 * 3C 29.3.2, "EPT Translation Mechanism", tables 29-2 and
		 * 29-4); ignore-PAT as for 4-KiB pages (ept_map). */
		t[index_of(gpa + off, level)] =
			(hpa + off) | perms | LARGE_PAGE | ipat(e) |
			(uint64_t)memtype << MEMTYPE_SHIFT;
	}
	return 0;
}

int ept_map_2m(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size,
	       unsigned int perms, unsigned int memtype)
{
	return map_large(e, 2, gpa, hpa, size, perms, memtype);
}

int ept_map_1g(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size,
	       unsigned int perms, unsigned int memtype)
{
	return map_large(e, 3, gpa, hpa, size, perms, memtype);
}

uint64_t ept_pointer(const struct ept *e)
{
	return physical(e->pml4) |
	       (uint64_t)(LEVELS - 1) << EPTP_WALK_LENGTH_SHIFT |
	       MEMORY_TYPE_WB;
}

int ept_translate(const struct ept *e, uint64_t gpa, uint64_t *hpa,
		  unsigned int *perms)
{
	const uint64_t *table = e->pml4;
	unsigned int allowed = EPT_RWX;

	if (!table || gpa >= GPA_LIMIT)
		return -1;
	for (int level = LEVELS; level >= 1; level--) {
		uint64_t entry = table[index_of(gpa, level)];

		if (!present(entry))
			return -1;
		allowed &= entry & EPT_RWX;
		/* Bit 7 maps 1 GiB in a PDPTE, 2 MiB in a PDE; it is reserved
		 * in a PML4E (SDM 3C 29.3.2, "EPT Translation Mechanism"). */
		if (level == LEVELS && (entry & LARGE_PAGE))
			return -1;
		if (level == 1 || (entry & LARGE_PAGE)) {
			uint64_t within = (1ull << shift_of(level)) - 1;

			if (hpa)
				*hpa = (entry & ADDRESS_MASK & ~within) |
				       (gpa & within);
			if (perms)
				*perms = allowed;
			return 0;
		}
		table = table_of(entry);
	}
	return -1;
}

static void free_table(struct ept *e, uint64_t *table, int level)
{
	if (level > 1)
		for (int i = 0; i < ENTRIES; i++)
			if (present(table[i]) && !(table[i] & LARGE_PAGE))
				free_table(e, table_of(table[i]), level - 1);
	e->pages->free_page(e->pages->ctx, table);
	e->table_pages--;
}

static uint64_t sum_table(const uint64_t *table, int level, uint64_t h)
{
	for (int i = 0; i < ENTRIES; i++) {
		uint64_t entry = table[i] & ~(UINT64_C(3) << 8);

		h = fnv1a(h, &entry, sizeof(entry));
		if (level > 1 && present(table[i]) && !(table[i] & LARGE_PAGE))
			h = sum_table(table_of(table[i]), level - 1, h);
	}
	return h;
}

uint64_t ept_checksum(const struct ept *e)
{
	return e->pml4 ? sum_table(e->pml4, LEVELS, FNV1A_START) : 0;
}

void ept_destroy(struct ept *e)
{
	if (e->pml4)
		free_table(e, e->pml4, LEVELS);
	e->pml4 = NULL;
}
