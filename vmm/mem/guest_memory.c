#include "mem/guest_memory.h"

#include "../guest/hv_abi.h"
#include "x86/x86.h"

static uint64_t *table(uint8_t *mem, uint64_t gpa)
{
	return (uint64_t *)(mem + gpa);
}

/* Linear = physical over 0..1 GiB with 2-MiB pages; only the first 2 MiB
 * are backed by EPT, the rest faults as an EPT violation. The alternate
 * PML4 maps the same 1 GiB twice, so a write through the alias shows
 * whether a CR3 switch took effect. */
static void build_page_tables(uint8_t *mem)
{
	uint64_t *pd = table(mem, HV_GUEST_PD);

	for (uint64_t i = 0; i < 512; i++)
		pd[i] = i * PAGE_2M | PTE_P | PTE_RW | PTE_PS;
	table(mem, HV_GUEST_PDPT)[0] = HV_GUEST_PD | PTE_P | PTE_RW;
	table(mem, HV_GUEST_PML4)[0] = HV_GUEST_PDPT | PTE_P | PTE_RW;

	uint64_t *alt = table(mem, HV_GUEST_PDPT_ALT);

	alt[0] = HV_GUEST_PD | PTE_P | PTE_RW;
	alt[HV_GUEST_ALIAS_BASE >> 30] = HV_GUEST_PD | PTE_P | PTE_RW;
	table(mem, HV_GUEST_PML4_ALT)[0] = HV_GUEST_PDPT_ALT | PTE_P | PTE_RW;
}

/* Null, 64-bit code (0x08), data (0x10), busy TSS (0x18, 16 bytes). */
static void build_gdt(uint8_t *mem)
{
	uint64_t *gdt = table(mem, HV_GUEST_GDT);
	uint64_t base = HV_GUEST_TSS;

	gdt[1] = segment_descriptor(0, 0xfffff, GUEST_CODE64_ACCESS);
	gdt[2] = segment_descriptor(0, 0xfffff, GUEST_DATA_ACCESS);
	gdt[3] = segment_descriptor(base, GUEST_TSS_LIMIT, GUEST_TSS_ACCESS);
	gdt[4] = base >> 32;
}

enum guest_image_error guest_memory_init(uint8_t *mem, const void *image,
					 size_t image_size)
{
	if (!image_size)
		return GUEST_IMAGE_EMPTY;
	if (image_size > HV_GUEST_MAX_IMAGE)
		return GUEST_IMAGE_TOO_LARGE;
	build_page_tables(mem);
	build_gdt(mem);

	struct hv_info *info = (struct hv_info *)(mem + HV_GUEST_INFO);

	info->magic = HV_INFO_MAGIC;
	info->abi_version = HV_ABI_VERSION;
	info->mem_size = (uint32_t)HV_GUEST_MEM_SIZE;
	info->image_size = image_size;

	const uint8_t *src = image;

	for (size_t i = 0; i < image_size; i++)
		mem[HV_GUEST_LOAD_ADDR + i] = src[i];
	return GUEST_IMAGE_OK;
}

void guest_memory_set_arg(uint8_t *mem, const char *arg)
{
	struct hv_info *info = (struct hv_info *)(mem + HV_GUEST_INFO);
	size_t i = 0;

	for (; arg && arg[i] && i < HV_GUEST_ARG_MAX - 1; i++)
		info->arg[i] = arg[i];
	info->arg[i] = '\0';
}

const char *guest_image_error_text(enum guest_image_error e)
{
	switch (e) {
	case GUEST_IMAGE_OK:
		return "ok";
	case GUEST_IMAGE_EMPTY:
		return "the image is empty";
	case GUEST_IMAGE_TOO_LARGE:
		return "the image is larger than guest memory allows";
	}
	return "?";
}
