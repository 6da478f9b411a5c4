/* EPT builder: tables built, walked and freed, against a counting page
 * source. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mem/ept.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

/* Hands out @left pages (any number while negative) and counts them. */
struct fake_pages {
	unsigned int allocs, frees;
	int left;
};

static void *fake_alloc(void *ctx)
{
	struct fake_pages *f = ctx;
	void *p;

	if (f->left == 0)
		return NULL;
	if (f->left > 0)
		f->left--;
	p = aligned_alloc(4096, 4096);
	if (!p)
		return NULL;
	memset(p, 0, 4096);
	f->allocs++;
	return p;
}

static void fake_free(void *ctx, void *page)
{
	struct fake_pages *f = ctx;

	f->frees++;
	free(page);
}

struct fixture {
	struct fake_pages counts;
	struct page_source source;
	struct ept ept;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	fx->counts.left = -1;
	fx->source = (struct page_source){fake_alloc, fake_free, &fx->counts};
	if (ept_init(&fx->ept, &fx->source) != 0)
		return -1;
	*state = fx;
	return 0;
}

/* Every test ends by destroying: all table pages must come back. */
static int teardown(void **state)
{
	struct fixture *fx = *state;

	ept_destroy(&fx->ept);
	assert_null(fx->ept.pml4);
	assert_int_equal(fx->ept.table_pages, 0);
	assert_int_equal(fx->counts.frees, fx->counts.allocs);
	free(fx);
	return 0;
}

static void init_allocates_one_pml4(void **state)
{
	struct fixture *fx = *state;

	assert_non_null(fx->ept.pml4);
	assert_int_equal(fx->ept.table_pages, 1);
	assert_int_equal(fx->counts.allocs, 1);
	assert_int_equal(ept_translate(&fx->ept, 0, NULL, NULL), -1);
}

static void init_fails_without_memory(void **state)
{
	struct fake_pages none = {.left = 0};
	struct page_source src = {fake_alloc, fake_free, &none};
	struct ept e;

	(void)state;
	assert_int_equal(ept_init(&e, &src), -1);
	assert_null(e.pml4);
}

static void maps_2mib_at_zero_page_by_page(void **state)
{
	struct fixture *fx = *state;
	const uint64_t hpa = 0x40000000;
	uint64_t out;
	unsigned int perms;

	assert_int_equal(
		ept_map(&fx->ept, 0, hpa, 2 * MiB, EPT_RWX, MEMORY_TYPE_WB), 0);
	/* PML4, PDPT, PD and one PT of 512 entries. */
	assert_int_equal(fx->ept.table_pages, 4);
	for (uint64_t gpa = 0; gpa < 2 * MiB; gpa += 4096) {
		assert_int_equal(ept_translate(&fx->ept, gpa, &out, &perms), 0);
		assert_int_equal(out, hpa + gpa);
		assert_int_equal(perms, EPT_RWX);
		assert_int_equal(
			ept_translate(&fx->ept, gpa + 4095, &out, NULL), 0);
		assert_int_equal(out, hpa + gpa + 4095);
	}
	assert_int_equal(ept_translate(&fx->ept, 2 * MiB, &out, NULL), -1);
	assert_int_equal(ept_translate(&fx->ept, 4 * GiB, &out, NULL), -1);
}

/* make fuzz's oracle: the checksum sees any change to an entry but the
 * accessed and dirty bits the CPU may set. */
static void checksum_sees_entries_not_accessed_dirty(void **state)
{
	struct fixture *fx = *state;
	const uint64_t addr = 0x000ffffffffff000ull;
	uint64_t *t = fx->ept.pml4, before;

	assert_int_equal(ept_map(&fx->ept, 0, 0x40000000, 2 * MiB, EPT_RWX,
				 MEMORY_TYPE_WB),
			 0);
	before = ept_checksum(&fx->ept);
	assert_int_not_equal(before, 0);
	for (int level = 4; level > 1; level--)
		t = (uint64_t *)(uintptr_t)(t[0] & addr);
	t[5] |= 3ull << 8; /* accessed, dirty */
	assert_int_equal(ept_checksum(&fx->ept), before);
	t[5] &= ~(uint64_t)EPT_WRITE;
	assert_int_not_equal(ept_checksum(&fx->ept), before);
	t[5] |= EPT_WRITE;
	t[7] ^= 0x1000; /* another host page */
	assert_int_not_equal(ept_checksum(&fx->ept), before);
	t[7] ^= 0x1000;
	assert_int_equal(ept_checksum(&fx->ept), before);
}

static void gpa_above_512gib_takes_a_new_pml4_slot(void **state)
{
	struct fixture *fx = *state;
	const uint64_t gpa = 512 * GiB + 0x1000;
	uint64_t out;

	assert_int_equal(
		ept_map(&fx->ept, 0, 0x100000, 4096, EPT_RWX, MEMORY_TYPE_WB),
		0);
	assert_int_equal(fx->ept.table_pages, 4);
	assert_int_equal(ept_map(&fx->ept, gpa, 0x200000, 4096, EPT_READ,
				 MEMORY_TYPE_WB),
			 0);
	assert_int_equal(fx->ept.table_pages, 7);
	assert_true(fx->ept.pml4[0] & EPT_RWX);
	assert_true(fx->ept.pml4[1] & EPT_RWX);
	assert_int_equal(ept_translate(&fx->ept, gpa + 8, &out, NULL), 0);
	assert_int_equal(out, 0x200008);
	assert_int_equal(ept_translate(&fx->ept, 0x1000, &out, NULL), -1);
	/* The top of the 48-bit space is reachable; beyond it is not. */
	assert_int_equal(ept_map(&fx->ept, (1ull << 48) - 4096, 0x300000, 4096,
				 EPT_RWX, MEMORY_TYPE_WB),
			 0);
	assert_int_equal(ept_translate(&fx->ept, (1ull << 48) - 1, &out, NULL),
			 0);
	assert_int_equal(out, 0x300fff);
	assert_int_equal(ept_map(&fx->ept, 1ull << 48, 0x300000, 4096, EPT_RWX,
				 MEMORY_TYPE_WB),
			 -1);
	assert_int_equal(ept_map(&fx->ept, (1ull << 48) - 4096, 0x300000, 8192,
				 EPT_RWX, MEMORY_TYPE_WB),
			 -1);
	assert_int_equal(ept_translate(&fx->ept, 1ull << 48, &out, NULL), -1);
}

static void misaligned_or_bad_arguments_are_rejected(void **state)
{
	struct fixture *fx = *state;
	struct ept *e = &fx->ept;

	assert_int_equal(ept_map(e, 0x800, 0, 4096, EPT_RWX, 6), -1);
	assert_int_equal(ept_map(e, 0, 0x10, 4096, EPT_RWX, 6), -1);
	assert_int_equal(ept_map(e, 0, 0, 4095, EPT_RWX, 6), -1);
	assert_int_equal(ept_map(e, 0, 0, 0, EPT_RWX, 6), -1);
	assert_int_equal(ept_map(e, 0, 1ull << 52, 4096, EPT_RWX, 6), -1);
	assert_int_equal(ept_map(e, 0, 0, -4096ull, EPT_RWX, 6), -1);
	/* EPT misconfigurations, SDM 3C 29.3.3.1, "EPT Misconfigurations". */
	assert_int_equal(ept_map(e, 0, 0, 4096, 0, 6), -1);
	assert_int_equal(ept_map(e, 0, 0, 4096, EPT_WRITE, 6), -1);
	assert_int_equal(ept_map(e, 0, 0, 4096, EPT_WRITE | EPT_EXECUTE, 6),
			 -1);
	assert_int_equal(ept_map(e, 0, 0, 4096, 8 | EPT_READ, 6), -1);
	assert_int_equal(ept_map(e, 0, 0, 4096, EPT_RWX, 2), -1);
	assert_int_equal(ept_map(e, 0, 0, 4096, EPT_RWX, 3), -1);
	assert_int_equal(ept_map(e, 0, 0, 4096, EPT_RWX, 7), -1);
	/* Nothing was built by any of them. */
	assert_int_equal(e->table_pages, 1);
	assert_int_equal(ept_translate(e, 0, NULL, NULL), -1);
}

static void overlap_is_rejected_whole(void **state)
{
	struct fixture *fx = *state;
	uint64_t out;

	assert_int_equal(ept_map(&fx->ept, 0x10000, 0x10000, 0x4000, EPT_RWX,
				 MEMORY_TYPE_WB),
			 0);
	/* Overlaps only in its last page: even its first pages stay free. */
	assert_int_equal(ept_map(&fx->ept, 0x8000, 0x90000, 0x9000, EPT_RWX,
				 MEMORY_TYPE_WB),
			 -1);
	assert_int_equal(ept_translate(&fx->ept, 0x8000, &out, NULL), -1);
	assert_int_equal(
		ept_map(&fx->ept, 0x13000, 0, 4096, EPT_READ, MEMORY_TYPE_UC),
		-1);
	assert_int_equal(ept_translate(&fx->ept, 0x13000, &out, NULL), 0);
	assert_int_equal(out, 0x13000);
	/* Right next to it is fine. */
	assert_int_equal(
		ept_map(&fx->ept, 0x14000, 0x0, 4096, EPT_READ, MEMORY_TYPE_UC),
		0);
}

static uint64_t leaf_of(const struct ept *e, uint64_t gpa)
{
	const uint64_t *t = e->pml4;

	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t entry = t[(gpa >> shift) & 511];

		/* Non-leaf: RWX, no memory type, no large-page bit. */
		assert_int_equal(entry & 0xff, EPT_RWX);
		t = (const uint64_t *)(uintptr_t)(entry &
						  0x000ffffffffff000ull);
	}
	return t[(gpa >> 12) & 511];
}

static void leaf_holds_permissions_and_memory_type(void **state)
{
	struct fixture *fx = *state;
	unsigned int perms;

	assert_int_equal(ept_map(&fx->ept, 0x1000, 0xfee00000, 4096,
				 EPT_READ | EPT_WRITE, MEMORY_TYPE_UC),
			 0);
	assert_int_equal(ept_map(&fx->ept, 0x2000, 0x5000, 4096,
				 EPT_READ | EPT_EXECUTE, MEMORY_TYPE_WB),
			 0);
	assert_int_equal(ept_map(&fx->ept, 0x3000, 0x6000, 4096, EPT_EXECUTE,
				 MEMORY_TYPE_WT),
			 0);
	/* Bits 2:0 permissions, 5:3 memory type, 6 ignore-PAT set: the
	 * guest's PAT cannot change the type the host chose. */
	assert_int_equal(leaf_of(&fx->ept, 0x1000),
			 0xfee00000 | 0x3 | 0 << 3 | 1 << 6);
	assert_int_equal(leaf_of(&fx->ept, 0x2000),
			 0x5000 | 0x5 | 6 << 3 | 1 << 6);
	assert_int_equal(leaf_of(&fx->ept, 0x3000),
			 0x6000 | 0x4 | 4 << 3 | 1 << 6);
	assert_int_equal(ept_translate(&fx->ept, 0x2000, NULL, &perms), 0);
	assert_int_equal(perms, EPT_READ | EPT_EXECUTE);
	assert_int_equal(ept_translate(&fx->ept, 0x3000, NULL, &perms), 0);
	assert_int_equal(perms, EPT_EXECUTE);
}

static void eptp_format(void **state)
{
	struct fixture *fx = *state;
	uint64_t eptp = ept_pointer(&fx->ept);

	/* SDM 3C 25.6.11, "Extended-Page-Table Pointer (EPTP)": bits 2:0 type 6
	 * (WB), 5:3 walk length - 1 = 3, bit 6 accessed/dirty off, 51:12 the
	 * PML4. */
	assert_int_equal(eptp & 0xfff, 0x1e);
	assert_int_equal(eptp & ~0xfffull, (uint64_t)(uintptr_t)fx->ept.pml4);
}

/* The walk as the CPU does it: permissions ANDed over all levels, and
 * 2 MiB / 1 GiB pages honoured. */
static void translate_walks_hand_made_large_pages(void **state)
{
	struct fixture *fx = *state;
	uint64_t out;
	unsigned int perms;
	uint64_t *pdpt, *pd;

	assert_int_equal(ept_map(&fx->ept, 0, 0, 4096, EPT_RWX, 6), 0);
	pdpt = (uint64_t *)(uintptr_t)(fx->ept.pml4[0] & ~0xfffull);
	pd = (uint64_t *)(uintptr_t)(pdpt[0] & ~0xfffull);
	pd[1] = 0x80000000ull | 1u << 7 | 6 << 3 | EPT_READ | EPT_WRITE;
	pdpt[1] = 0x100000000ull | 1u << 7 | 6 << 3 | EPT_READ;
	assert_int_equal(
		ept_translate(&fx->ept, 2 * MiB + 0x12345, &out, &perms), 0);
	assert_int_equal(out, 0x80012345);
	assert_int_equal(perms, EPT_READ | EPT_WRITE);
	assert_int_equal(ept_translate(&fx->ept, GiB + 0x3456789, &out, &perms),
			 0);
	assert_int_equal(out, 0x103456789);
	assert_int_equal(perms, EPT_READ);
	/* A non-leaf without execute takes it from every page below. */
	fx->ept.pml4[0] &= ~(uint64_t)EPT_EXECUTE;
	assert_int_equal(ept_translate(&fx->ept, 0x10, &out, &perms), 0);
	assert_int_equal(perms, EPT_READ | EPT_WRITE);
	/* A map over a large page is an overlap. */
	assert_int_equal(ept_map(&fx->ept, 2 * MiB, 0, 4096, EPT_RWX, 6), -1);
}

static void out_of_memory_maps_nothing(void **state)
{
	struct fixture *fx = *state;

	fx->counts.left = 2; /* a PDPT and a PD, no page table */
	assert_int_equal(ept_map(&fx->ept, 0, 0, 8192, EPT_RWX, 6), -1);
	assert_int_equal(ept_translate(&fx->ept, 0, NULL, NULL), -1);
	assert_int_equal(fx->ept.table_pages, 3);
	fx->counts.left = -1;
	assert_int_equal(ept_map(&fx->ept, 0, 0, 8192, EPT_RWX, 6), 0);
	assert_int_equal(fx->ept.table_pages, 4);
}

/* 1 GiB + 4 KiB across the 512 GiB line: every table comes back. */
static void destroy_frees_every_table(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(ept_map(&fx->ept, 0, 0, GiB, EPT_RWX, 6), 0);
	/* PML4 + PDPT + PD + 512 PTs */
	assert_int_equal(fx->ept.table_pages, 3 + 512);
	assert_int_equal(
		ept_map(&fx->ept, 512 * GiB - 4096, 0, 8192, EPT_READ, 6), 0);
	/* a PD and a PT below the old PDPT, then PDPT, PD, PT in slot 1 */
	assert_int_equal(fx->ept.table_pages, 3 + 512 + 2 + 3);
	assert_int_equal(fx->counts.allocs, fx->ept.table_pages);
	ept_destroy(&fx->ept);
	assert_int_equal(fx->counts.frees, fx->counts.allocs);
	assert_int_equal(fx->ept.table_pages, 0);
	ept_destroy(&fx->ept); /* a second destroy is harmless */
	assert_int_equal(fx->counts.frees, fx->counts.allocs);
}

/* 2-MiB leaves: PDEs with bit 7, translated as the CPU walks them, one
 * PD for 256 MiB (PML4, PDPT, PD: three pages), overlap and misalignment
 * refused, 4-KiB pages refused inside a 2-MiB one. */
static void maps_with_2mib_pages(void **state)
{
	struct fixture *fx = *state;
	uint64_t hpa = 0;
	unsigned int perms = 0;

	assert_int_equal(ept_map_2m(&fx->ept, 0, 64 * MiB, 256 * MiB, EPT_RWX,
				    MEMORY_TYPE_WB),
			 0);
	assert_int_equal(fx->ept.table_pages, 3);
	assert_int_equal(ept_translate(&fx->ept, 0x1234567, &hpa, &perms), 0);
	assert_int_equal(hpa, 64 * MiB + 0x1234567);
	assert_int_equal(perms, EPT_RWX);
	assert_int_equal(ept_translate(&fx->ept, 256 * MiB, &hpa, NULL), -1);
	assert_int_equal(ept_map_2m(&fx->ept, 254 * MiB, 0, 4 * MiB, EPT_RWX,
				    MEMORY_TYPE_WB),
			 -1);
	assert_int_equal(
		ept_map(&fx->ept, 2 * MiB, 0, 4096, EPT_RWX, MEMORY_TYPE_WB),
		-1);
	assert_int_equal(ept_map_2m(&fx->ept, 256 * MiB, 4096, 2 * MiB, EPT_RWX,
				    MEMORY_TYPE_WB),
			 -1);
	assert_int_equal(ept_map_2m(&fx->ept, 257 * MiB, 0, 2 * MiB, EPT_RWX,
				    MEMORY_TYPE_WB),
			 -1);
	assert_int_equal(ept_map_2m(&fx->ept, 256 * MiB, 0, 2 * MiB, EPT_WRITE,
				    MEMORY_TYPE_WB),
			 -1);
}

/* 1-GiB leaves: PDPTEs with bit 7 (PML4 and PDPT: two pages), refused
 * misaligned, over a 2-MiB page, or over a page directory. */
static void maps_with_1gib_pages(void **state)
{
	struct fixture *fx = *state;
	uint64_t hpa = 0;
	unsigned int perms = 0;

	assert_int_equal(ept_map_1g(&fx->ept, 1024 * MiB, 4096 * MiB,
				    2048 * MiB, EPT_RWX, MEMORY_TYPE_UC),
			 0);
	assert_int_equal(fx->ept.table_pages, 2);
	assert_int_equal(
		ept_translate(&fx->ept, 2048 * MiB + 0x1234567, &hpa, &perms),
		0);
	assert_int_equal(hpa, 5120 * MiB + 0x1234567);
	assert_int_equal(perms, EPT_RWX);
	assert_int_equal(ept_translate(&fx->ept, 3072 * MiB, &hpa, NULL), -1);
	assert_int_equal(ept_translate(&fx->ept, 1024 * MiB - 1, &hpa, NULL),
			 -1);
	assert_int_equal(ept_map_1g(&fx->ept, 3072 * MiB, 2 * MiB, 1024 * MiB,
				    EPT_RWX, MEMORY_TYPE_WB),
			 -1);
	assert_int_equal(ept_map_2m(&fx->ept, 1024 * MiB, 0, 2 * MiB, EPT_RWX,
				    MEMORY_TYPE_WB),
			 -1);
	assert_int_equal(
		ept_map_2m(&fx->ept, 0, 0, 2 * MiB, EPT_RWX, MEMORY_TYPE_WB),
		0);
	assert_int_equal(
		ept_map_1g(&fx->ept, 0, 0, 1024 * MiB, EPT_RWX, MEMORY_TYPE_WB),
		-1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(init_allocates_one_pml4, setup,
						teardown),
		cmocka_unit_test(init_fails_without_memory),
		cmocka_unit_test_setup_teardown(maps_with_2mib_pages, setup,
						teardown),
		cmocka_unit_test_setup_teardown(maps_with_1gib_pages, setup,
						teardown),
		cmocka_unit_test_setup_teardown(maps_2mib_at_zero_page_by_page,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			gpa_above_512gib_takes_a_new_pml4_slot, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			misaligned_or_bad_arguments_are_rejected, setup,
			teardown),
		cmocka_unit_test_setup_teardown(overlap_is_rejected_whole,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			leaf_holds_permissions_and_memory_type, setup,
			teardown),
		cmocka_unit_test_setup_teardown(eptp_format, setup, teardown),
		cmocka_unit_test_setup_teardown(
			translate_walks_hand_made_large_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(out_of_memory_maps_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(destroy_frees_every_table,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			checksum_sees_entries_not_accessed_dirty, setup,
			teardown),
	};

	return cmocka_run_group_tests_name("ept", tests, NULL, NULL);
}
