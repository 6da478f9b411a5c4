/* Guest-physical memory as guest/hv_abi.h promises it: the test walks the
 * page tables and decodes the GDT the way the processor would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../guest/hv_abi.h"
#include "mem/guest_memory.h"
#include "x86/x86.h"

#define GIB (1ull << 30)
#define NO_MAPPING UINT64_MAX

static uint8_t *mem;

static int alloc_mem(void **state)
{
	(void)state;
	mem = calloc(1, HV_GUEST_MEM_SIZE);
	return mem ? 0 : -1;
}

static int free_mem(void **state)
{
	(void)state;
	free(mem);
	mem = NULL;
	return 0;
}

static uint64_t entry(uint64_t table_gpa, unsigned int index)
{
	uint64_t e;

	assert_true(table_gpa + 4096 <= HV_GUEST_MEM_SIZE);
	memcpy(&e, mem + table_gpa + 8 * index, sizeof(e));
	return e;
}

/* The processor's walk for a supervisor write: physical address of
 * @linear under @cr3, or NO_MAPPING. Checks that every level on the way
 * is present and writable. */
static uint64_t translate(uint64_t cr3, uint64_t linear)
{
	uint64_t pml4e = entry(cr3 & PTE_ADDR, (linear >> 39) & 511);

	if (!(pml4e & PTE_P))
		return NO_MAPPING;
	assert_true(pml4e & PTE_RW);
	assert_false(pml4e & PTE_PS); /* reserved in a PML4E */
	uint64_t pdpte = entry(pml4e & PTE_ADDR, (linear >> 30) & 511);

	if (!(pdpte & PTE_P))
		return NO_MAPPING;
	assert_true(pdpte & PTE_RW);
	assert_false(pdpte & PTE_PS); /* no 1-GiB pages */
	uint64_t pde = entry(pdpte & PTE_ADDR, (linear >> 21) & 511);

	if (!(pde & PTE_P))
		return NO_MAPPING;
	assert_true(pde & PTE_RW);
	assert_true(pde & PTE_PS); /* a 2-MiB page, no page table */
	return (pde & PTE_ADDR & ~(PAGE_2M - 1)) | (linear & (PAGE_2M - 1));
}

static void init_ok(const void *image, size_t size)
{
	assert_int_equal(guest_memory_init(mem, image, size), GUEST_IMAGE_OK);
}

static void page_tables_map_first_gib_identity_with_2m_pages(void **state)
{
	static const uint8_t image[] = {0xf4};

	(void)state;
	init_ok(image, sizeof(image));
	assert_int_equal(translate(HV_GUEST_PML4, 0), 0);
	assert_int_equal(translate(HV_GUEST_PML4, HV_GUEST_LOAD_ADDR),
			 HV_GUEST_LOAD_ADDR);
	assert_int_equal(translate(HV_GUEST_PML4, 0x12345678), 0x12345678);
	assert_int_equal(translate(HV_GUEST_PML4, GIB - 1), GIB - 1);
	/* Beyond 1 GiB, and the alias, fault in the first address space. */
	assert_int_equal(translate(HV_GUEST_PML4, GIB), NO_MAPPING);
	assert_int_equal(translate(HV_GUEST_PML4, HV_GUEST_ALIAS_BASE + 0x1000),
			 NO_MAPPING);
	assert_int_equal(translate(HV_GUEST_PML4, 1ull << 39), NO_MAPPING);
}

static void every_pde_is_a_present_writable_2m_page(void **state)
{
	static const uint8_t image[] = {0xf4};

	(void)state;
	init_ok(image, sizeof(image));
	assert_int_equal(entry(HV_GUEST_PML4, 0),
			 HV_GUEST_PDPT | PTE_P | PTE_RW);
	assert_int_equal(entry(HV_GUEST_PDPT, 0), HV_GUEST_PD | PTE_P | PTE_RW);
	for (unsigned int i = 0; i < 512; i++) {
		uint64_t pde = entry(HV_GUEST_PD, i);

		assert_int_equal(pde & (PTE_P | PTE_RW | PTE_PS),
				 PTE_P | PTE_RW | PTE_PS);
		assert_int_equal(pde & PTE_ADDR, i * PAGE_2M);
		/* Supervisor only, executable. */
		assert_int_equal(pde & (PTE_US | PTE_NX), 0);
	}
	for (unsigned int i = 1; i < 512; i++) {
		assert_int_equal(entry(HV_GUEST_PML4, i), 0);
		assert_int_equal(entry(HV_GUEST_PDPT, i), 0);
	}
}

static void alternate_pml4_maps_alias_base_to_physical_0(void **state)
{
	static const uint8_t image[] = {0xf4};

	(void)state;
	init_ok(image, sizeof(image));
	assert_int_equal(translate(HV_GUEST_PML4_ALT, HV_GUEST_ALIAS_BASE), 0);
	assert_int_equal(translate(HV_GUEST_PML4_ALT,
				   HV_GUEST_ALIAS_BASE + HV_GUEST_INFO + 8),
			 HV_GUEST_INFO + 8);
	/* ... and keeps the identity map, so code keeps running after the
	 * CR3 switch. */
	assert_int_equal(translate(HV_GUEST_PML4_ALT, HV_GUEST_LOAD_ADDR),
			 HV_GUEST_LOAD_ADDR);
	assert_int_equal(translate(HV_GUEST_PML4_ALT, 2 * GIB), NO_MAPPING);
	assert_int_not_equal(entry(HV_GUEST_PML4_ALT, 0) & PTE_ADDR,
			     HV_GUEST_PDPT);
}

/* A segment descriptor's fields — SDM 3A 3.4.5, "Segment Descriptors". */
struct descriptor {
	uint32_t base, limit;
	unsigned int type, s, dpl, p, l, db, g;
	uint16_t vmcs_access; /* bits 55:40 as the VMCS access rights */
};

static struct descriptor decode(uint64_t d)
{
	return (struct descriptor){
		.limit = (uint32_t)((d & 0xffff) | ((d >> 32) & 0xf0000)),
		.base = (uint32_t)(((d >> 16) & 0xffffff) |
				   ((d >> 32) & 0xff000000)),
		.type = (d >> 40) & 0xf,
		.s = (d >> 44) & 1,
		.dpl = (d >> 45) & 3,
		.p = (d >> 47) & 1,
		.l = (d >> 53) & 1,
		.db = (d >> 54) & 1,
		.g = (d >> 55) & 1,
		.vmcs_access = (uint16_t)((d >> 40) & 0xf0ff),
	};
}

static uint64_t gdt(unsigned int selector)
{
	return entry(HV_GUEST_GDT, selector / 8);
}

static void gdt_has_64bit_code_data_and_busy_tss(void **state)
{
	static const uint8_t image[] = {0xf4};
	struct descriptor cs, ds, tr;

	(void)state;
	init_ok(image, sizeof(image));
	assert_int_equal(gdt(0), 0);

	cs = decode(gdt(HV_GUEST_CS));
	assert_int_equal(cs.p, 1);
	assert_int_equal(cs.s, 1);
	assert_int_equal(cs.dpl, 0);
	assert_int_equal(cs.type & 0x8, 0x8); /* code */
	assert_int_equal(cs.l, 1);
	assert_int_equal(cs.db, 0); /* L=1 requires D=0 */
	assert_int_equal(cs.vmcs_access, GUEST_CODE64_ACCESS);

	ds = decode(gdt(HV_GUEST_DS));
	assert_int_equal(ds.p, 1);
	assert_int_equal(ds.s, 1);
	assert_int_equal(ds.dpl, 0);
	assert_int_equal(ds.type, 0x3); /* read/write, accessed */
	assert_int_equal(ds.vmcs_access, GUEST_DATA_ACCESS);

	tr = decode(gdt(HV_GUEST_TR));
	assert_int_equal(tr.p, 1);
	assert_int_equal(tr.s, 0);
	assert_int_equal(tr.type, 0xb); /* 64-bit TSS, busy */
	assert_int_equal(tr.base, HV_GUEST_TSS);
	assert_int_equal(tr.limit, GUEST_TSS_LIMIT);
	assert_int_equal(tr.g, 0);
	assert_int_equal(tr.vmcs_access, GUEST_TSS_ACCESS);
	/* The upper half of the 16-byte TSS descriptor: base 63:32. */
	assert_int_equal(gdt(HV_GUEST_TR + 8), HV_GUEST_TSS >> 32);
	assert_true(HV_GUEST_TR + 16 <= GUEST_GDT_LIMIT + 1);
}

static void info_page_describes_guest_and_image(void **state)
{
	static const uint8_t image[3000] = {1, 2, 3};
	struct hv_info info;

	(void)state;
	init_ok(image, sizeof(image));
	memcpy(&info, mem + HV_GUEST_INFO, sizeof(info));
	assert_int_equal(info.magic, HV_INFO_MAGIC);
	assert_memory_equal(&info.magic, "via4info", 8);
	assert_int_equal(info.abi_version, HV_ABI_VERSION);
	assert_int_equal(info.mem_size, HV_GUEST_MEM_SIZE);
	assert_int_equal(info.image_size, sizeof(image));
	assert_int_equal(info.preemptions, 0);
}

static void info_arg_is_the_guest_arg_truncated(void **state)
{
	static const uint8_t image[16] = {1};
	char longer[100];
	const struct hv_info *info = (const void *)(mem + HV_GUEST_INFO);

	(void)state;
	init_ok(image, sizeof(image));
	assert_string_equal(info->arg, ""); /* none: zeroed */
	guest_memory_set_arg(mem, NULL);
	assert_string_equal(info->arg, "");
	guest_memory_set_arg(mem, "0xdeadbeef:3");
	assert_string_equal(info->arg, "0xdeadbeef:3");
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	guest_memory_set_arg(mem, longer);
	assert_int_equal(strlen(info->arg), HV_GUEST_ARG_MAX - 1);
	assert_int_equal(offsetof(struct hv_info, arg), 32);
}

static void image_is_copied_to_load_address(void **state)
{
	uint8_t image[5000];

	(void)state;
	for (size_t i = 0; i < sizeof(image); i++)
		image[i] = (uint8_t)(i * 7 + 1);
	init_ok(image, sizeof(image));
	assert_memory_equal(mem + HV_GUEST_LOAD_ADDR, image, sizeof(image));
	assert_int_equal(mem[HV_GUEST_LOAD_ADDR - 1], 0);
	assert_int_equal(mem[HV_GUEST_LOAD_ADDR + sizeof(image)], 0);
}

static void largest_image_fits_below_the_stack(void **state)
{
	uint8_t *image = malloc(HV_GUEST_MAX_IMAGE);

	(void)state;
	assert_non_null(image);
	memset(image, 0xcc, HV_GUEST_MAX_IMAGE);
	assert_int_equal(guest_memory_init(mem, image, HV_GUEST_MAX_IMAGE),
			 GUEST_IMAGE_OK);
	assert_int_equal(mem[HV_GUEST_LOAD_ADDR + HV_GUEST_MAX_IMAGE - 1],
			 0xcc);
	/* The stack stays clear. */
	assert_int_equal(mem[HV_GUEST_STACK_TOP - HV_GUEST_STACK_SIZE], 0);
	free(image);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void empty_image_is_rejected(void **state)
{
	static const uint8_t image[] = {0xf4};

	(void)state;
	assert_int_equal(guest_memory_init(mem, image, 0), GUEST_IMAGE_EMPTY);
	assert_string_equal(guest_image_error_text(GUEST_IMAGE_EMPTY),
			    "the image is empty");
	assert_true(all_zero(mem, HV_GUEST_MEM_SIZE));
}

static void too_large_image_is_rejected(void **state)
{
	uint8_t *image = calloc(1, HV_GUEST_MAX_IMAGE + 1);

	(void)state;
	assert_non_null(image);
	assert_int_equal(guest_memory_init(mem, image, HV_GUEST_MAX_IMAGE + 1),
			 GUEST_IMAGE_TOO_LARGE);
	assert_string_equal(guest_image_error_text(GUEST_IMAGE_TOO_LARGE),
			    "the image is larger than guest memory allows");
	assert_true(all_zero(mem, HV_GUEST_MEM_SIZE));
	free(image);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, alloc_mem, free_mem)
	const struct CMUnitTest tests[] = {
		T(page_tables_map_first_gib_identity_with_2m_pages),
		T(every_pde_is_a_present_writable_2m_page),
		T(alternate_pml4_maps_alias_base_to_physical_0),
		T(gdt_has_64bit_code_data_and_busy_tss),
		T(info_page_describes_guest_and_image),
		T(info_arg_is_the_guest_arg_truncated),
		T(image_is_copied_to_load_address),
		T(largest_image_fits_below_the_stack),
		T(empty_image_is_rejected),
		T(too_large_image_is_rejected),
	};
#undef T

	return cmocka_run_group_tests_name("guest_memory", tests, NULL, NULL);
}
