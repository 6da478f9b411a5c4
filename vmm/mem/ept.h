/* Extended page tables: guest-physical to host-physical translation, 4-level, 4
 * KiB pages (SDM 3C 29.3, "The Extended Page Table Mechanism (EPT)"). */
#ifndef HV_EPT_H
#define HV_EPT_H

#include <stdbool.h>
#include <stdint.h>

#include "x86/x86.h"

/* Zeroed 4 KiB pages whose physical address equals their address (UEFI
 * identity-maps memory). alloc_page returns NULL when memory is short. */
struct page_source {
	void *(*alloc_page)(void *ctx);
	void (*free_page)(void *ctx, void *page);
	void *ctx;
};

struct ept {
	uint64_t *pml4;
	const struct page_source *pages;
	unsigned int table_pages; /* paging-structure pages, PML4 included */
	/* false (ept_init's): ignore-PAT, the EPT type alone is the type;
	 * true: the guest's PAT combines with the EPT type as it does with
	 * the MTRRs' natively (SDM 3C 29.3.7.2, "Memory Type Used for
	 * Translated Guest-Physical Addresses"), for a guest that is the
	 * machine itself (resident mode: its WC frame buffer stays WC).
	 * Set before mapping. */
	bool guest_pat;
};

/* Permission bits of an EPT entry, bits 2:0 (SDM 3C 29.3.2, "EPT Translation
 * Mechanism"). */
enum { EPT_READ = 1, EPT_WRITE = 2, EPT_EXECUTE = 4, EPT_RWX = 7 };

/* EPT memory types are x86/x86.h's MEMORY_TYPE_*, without UC- (SDM 3C
 * 29.3.7, "EPT and Memory Typing"). */

/* The EPT pointer's fields — SDM 3C 25.6.11, "Extended-Page-Table Pointer
 * (EPTP)". */
#define EPTP_MEMORY_TYPE(eptp) ((unsigned int)(eptp)&7u)
#define EPTP_WALK_LENGTH_SHIFT 3 /* bits 5:3: levels - 1 */
#define EPTP_WALK_LENGTH_MINUS_1(eptp) \
	((unsigned int)((eptp) >> EPTP_WALK_LENGTH_SHIFT) & 7u)
#define EPTP_ACCESSED_DIRTY (1ull << 6)
#define EPTP_RESERVED 0xf80ull /* bits 11:7 */

/* 0, or -1 when out of memory. */
int ept_init(struct ept *e, const struct page_source *pages);

/* Maps @size bytes at @gpa to @hpa with 4 KiB pages. Returns -1, mapping
 * nothing, when gpa/hpa/size are not 4 KiB aligned or size is 0, when the
 * range leaves the 48-bit guest-physical space, when @perms or @memtype
 * would be an EPT misconfiguration (write without read, a reserved type),
 * when any page is already mapped, or when memory runs out. Execute-only
 * pages need IA32_VMX_EPT_VPID_CAP bit 0: the caller checks it. */
int ept_map(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size,
	    unsigned int perms, unsigned int memtype);

/* The same with 2-MiB pages: gpa, hpa and size 2-MiB aligned, and no
 * part of the range mapped yet. They need IA32_VMX_EPT_VPID_CAP bit 16:
 * the caller checks it. */
int ept_map_2m(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size,
	       unsigned int perms, unsigned int memtype);

/* The same with 1-GiB pages: gpa, hpa and size 1-GiB aligned, nothing
 * mapped in the range yet (not even an empty page directory). They need
 * IA32_VMX_EPT_VPID_CAP bit 17: the caller checks it. */
int ept_map_1g(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size,
	       unsigned int perms, unsigned int memtype);

/* The EPT pointer: PML4 address | (4 - 1) << 3 | write-back paging structures
 * (SDM 3C 25.6.11, "Extended-Page-Table Pointer (EPTP)"). WB needs
 * IA32_VMX_EPT_VPID_CAP bit 14. */
uint64_t ept_pointer(const struct ept *e);

/* Walks the tables as the CPU does: 0 and the host-physical address and
 * permissions when @gpa is mapped, -1 when not. */
int ept_translate(const struct ept *e, uint64_t gpa, uint64_t *hpa,
		  unsigned int *perms);

/* Frees every table page. The mapped memory itself is the caller's. */
void ept_destroy(struct ept *e);

/* A checksum (FNV-1a) of every EPT paging-structure entry, the accessed
 * and dirty bits (8, 9) left out: equal before and after a run unless
 * something wrote hv's EPT. */
uint64_t ept_checksum(const struct ept *e);

#endif
