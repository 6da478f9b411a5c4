/* The Linux x86 boot protocol, 64-bit entry. Offsets are boot.rst's "The
 * Real-Mode Kernel Header" (into the file, and the same into the zero
 * page, which carries a copy of the header) and zero-page.rst. */
#include "loader/linux_boot.h"

#include "util.h"

#include "mem/guest_memory.h"
#include "x86/x86.h"

/* The setup header: offset in the file and in struct boot_params. */
#define HDR_SETUP_SECTS 0x1f1	  /* u8; 0 means 4 */
#define HDR_BOOT_FLAG 0x1fe	  /* u16 0xAA55 */
#define HDR_JUMP_LENGTH 0x201	  /* u8: the header ends at 0x202 + this */
#define HDR_MAGIC 0x202		  /* u32 "HdrS" */
#define HDR_VERSION 0x206	  /* u16 */
#define HDR_TYPE_OF_LOADER 0x210  /* u8 */
#define HDR_RAMDISK_IMAGE 0x218	  /* u32 */
#define HDR_RAMDISK_SIZE 0x21c	  /* u32 */
#define HDR_CMD_LINE_PTR 0x228	  /* u32 */
#define HDR_INITRD_ADDR_MAX 0x22c /* u32 */
#define HDR_XLOADFLAGS 0x236	  /* u16, protocol 2.12 */
#define HDR_CMDLINE_SIZE 0x238	  /* u32, protocol 2.06 */
#define HDR_PREF_ADDRESS 0x258	  /* u64, protocol 2.10 */
#define HDR_INIT_SIZE 0x260	  /* u32, protocol 2.10 */
#define HDR_END_MIN 0x264	  /* what this loader reads */

#define BOOT_FLAG 0xaa55u
#define HDRS_MAGIC 0x53726448u /* "HdrS" */
#define PROTOCOL_2_12 0x020cu
#define XLF_KERNEL_64 (1u << 0)
#define LOADER_UNDEFINED 0xffu /* type_of_loader: "no assigned ID" */
#define ENTRY_64_OFFSET 0x200u /* XLF_KERNEL_64's entry point */

/* struct boot_params fields outside the header (zero-page.rst). */
#define ZP_EXT_RAMDISK_IMAGE 0x0c0
#define ZP_EXT_RAMDISK_SIZE 0x0c4
#define ZP_EXT_CMD_LINE_PTR 0x0c8
#define ZP_E820_ENTRIES 0x1e8
#define ZP_E820_TABLE 0x2d0 /* 20-byte entries: addr, size, type */
#define E820_ENTRY_SIZE 20u
#define E820_RAM 1u

/* Guest-physical low memory, below the legacy 640 KiB. */
#define LOW_PAGE_TABLES 0x1000ull /* PML4, PDPT, 4 PDs: to 0x7000 */
#define LOW_GDT 0x7000ull
#define LOW_TSS 0x7080ull
#define LOW_ZERO_PAGE 0x8000ull
#define LOW_CMDLINE 0x9000ull
#define LOW_CMDLINE_END 0x10000ull
#define LOW_STACK_TOP 0x80000ull
#define LEGACY_RAM_END 0xa0000ull  /* VGA and BIOS areas above */
#define HIGH_RAM_START 0x100000ull /* 1 MiB */

#define GIB (1ull << 30)

enum linux_boot_error linux_kernel_parse(const uint8_t *file, size_t size,
					 struct linux_kernel *k)
{
	if (size < HDR_MAGIC + 4)
		return LINUX_BOOT_TRUNCATED;
	if (get_le(file + HDR_BOOT_FLAG, 2) != BOOT_FLAG ||
	    get_le(file + HDR_MAGIC, 4) != HDRS_MAGIC)
		return LINUX_BOOT_NOT_BZIMAGE;
	k->protocol = (uint16_t)get_le(file + HDR_VERSION, 2);
	/* xloadflags, which says whether the 64-bit entry exists, came with
	 * 2.12; pref_address and init_size with 2.10. */
	if (k->protocol < PROTOCOL_2_12)
		return LINUX_BOOT_PROTOCOL_TOO_OLD;
	if (size < HDR_END_MIN)
		return LINUX_BOOT_TRUNCATED;
	unsigned int sects = file[HDR_SETUP_SECTS] ? file[HDR_SETUP_SECTS] : 4;

	k->setup_size = (sects + 1) * 512u;
	if (size <= k->setup_size)
		return LINUX_BOOT_TRUNCATED;
	k->kernel_size = (uint32_t)(size - k->setup_size);
	k->xloadflags = (uint16_t)get_le(file + HDR_XLOADFLAGS, 2);
	if (!(k->xloadflags & XLF_KERNEL_64))
		return LINUX_BOOT_NOT_64BIT;
	k->load_address = get_le(file + HDR_PREF_ADDRESS, 8);
	k->init_size = (uint32_t)get_le(file + HDR_INIT_SIZE, 4);
	k->initrd_addr_max = (uint32_t)get_le(file + HDR_INITRD_ADDR_MAX, 4);
	k->cmdline_size = (uint32_t)get_le(file + HDR_CMDLINE_SIZE, 4);
	return LINUX_BOOT_OK;
}

enum linux_boot_error linux_layout_plan(const struct linux_kernel *k,
					uint64_t mem_size, uint64_t initrd_size,
					size_t cmdline_len,
					struct linux_layout *l)
{
	uint64_t need =
		k->init_size > k->kernel_size ? k->init_size : k->kernel_size;

	if (cmdline_len > k->cmdline_size ||
	    cmdline_len >= LOW_CMDLINE_END - LOW_CMDLINE)
		return LINUX_BOOT_CMDLINE_TOO_LONG;
	if (mem_size > LINUX_MAX_MEM || k->load_address < HIGH_RAM_START ||
	    k->load_address > mem_size || need > mem_size - k->load_address)
		return LINUX_BOOT_KERNEL_TOO_BIG;
	*l = (struct linux_layout){
		.mem_size = mem_size,
		.page_tables = LOW_PAGE_TABLES,
		.gdt = LOW_GDT,
		.tss = LOW_TSS,
		.zero_page = LOW_ZERO_PAGE,
		.cmdline = LOW_CMDLINE,
		.stack_top = LOW_STACK_TOP,
		.kernel = k->load_address,
		.kernel_end = k->load_address + need,
		.entry = k->load_address + ENTRY_64_OFFSET,
	};
	if (!initrd_size)
		return LINUX_BOOT_OK;
	/* As high as both memory and the kernel's limit allow, page
	 * aligned, and above the memory the kernel boots in. */
	uint64_t limit = (uint64_t)k->initrd_addr_max + 1;

	if (limit > mem_size)
		limit = mem_size;
	if (initrd_size > limit ||
	    ((limit - initrd_size) & ~(PAGE_SIZE - 1)) < l->kernel_end)
		return LINUX_BOOT_INITRD_TOO_BIG;
	l->initrd = (limit - initrd_size) & ~(PAGE_SIZE - 1);
	l->initrd_size = initrd_size;
	return LINUX_BOOT_OK;
}

static void copy(uint8_t *dst, const uint8_t *src, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		dst[i] = src[i];
}

/* "The range with setup_header.init_size from start address of loaded
 * kernel and zero page and command line buffer get ident mapping": all of
 * guest memory is, with 2-MiB pages. */
static void build_page_tables(uint8_t *mem, const struct linux_layout *l)
{
	uint8_t *pml4 = mem + l->page_tables;
	uint8_t *pdpt = pml4 + PAGE_SIZE;
	uint64_t pd_gpa = l->page_tables + 2 * PAGE_SIZE;

	put_le(pml4, 8, (l->page_tables + PAGE_SIZE) | PTE_P | PTE_RW);
	for (uint64_t g = 0; g * GIB < l->mem_size; g++) {
		put_le(pdpt + 8 * g, 8,
		       (pd_gpa + g * PAGE_SIZE) | PTE_P | PTE_RW);
		for (uint64_t i = 0; i < 512; i++) {
			uint64_t pa = g * GIB + i * PAGE_2M;

			if (pa >= l->mem_size)
				break;
			put_le(mem + pd_gpa + g * PAGE_SIZE + 8 * i, 8,
			       pa | PTE_P | PTE_RW | PTE_PS);
		}
	}
}

/* __BOOT_CS (64-bit code) and __BOOT_DS (data), 4-GiB flat, and a 64-bit
 * TSS, which VM entry requires of guest TR (SDM 3C 27.3.1.2, "Checks on
 * Guest Segment Registers"). */
static void build_gdt(uint8_t *mem, const struct linux_layout *l)
{
	uint8_t *gdt = mem + l->gdt;
	uint64_t tss = l->tss;

	put_le(gdt + LINUX_BOOT_CS, 8,
	       segment_descriptor(0, 0xfffff, GUEST_CODE64_ACCESS));
	put_le(gdt + LINUX_BOOT_DS, 8,
	       segment_descriptor(0, 0xfffff, GUEST_DATA_ACCESS));
	put_le(gdt + LINUX_BOOT_TR, 8,
	       segment_descriptor(tss, GUEST_TSS_LIMIT, GUEST_TSS_ACCESS));
	put_le(gdt + LINUX_BOOT_TR + 8, 8, tss >> 32);
}

static unsigned int add_e820(uint8_t *zp, unsigned int n, uint64_t addr,
			     uint64_t size)
{
	uint8_t *e = zp + ZP_E820_TABLE + n * E820_ENTRY_SIZE;

	put_le(e, 8, addr);
	put_le(e + 8, 8, size);
	put_le(e + 16, 4, E820_RAM);
	return n + 1;
}

/* A PC's map: RAM below 640 KiB and from 1 MiB up; the hole between is
 * where a PC has video memory and the BIOS, and Linux expects it. */
static void build_zero_page(uint8_t *mem, const uint8_t *file,
			    const struct linux_layout *l)
{
	uint8_t *zp = mem + l->zero_page;
	uint64_t hdr_end = 0x202u + file[HDR_JUMP_LENGTH];
	unsigned int n = 0;

	/* The header as the kernel wrote it; the rest of the page zero. */
	if (hdr_end > LINUX_ZERO_PAGE_SIZE)
		hdr_end = LINUX_ZERO_PAGE_SIZE;
	copy(zp + HDR_SETUP_SECTS, file + HDR_SETUP_SECTS,
	     hdr_end - HDR_SETUP_SECTS);
	zp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	put_le(zp + HDR_CMD_LINE_PTR, 4, (uint32_t)l->cmdline);
	put_le(zp + ZP_EXT_CMD_LINE_PTR, 4, l->cmdline >> 32);
	put_le(zp + HDR_RAMDISK_IMAGE, 4, (uint32_t)l->initrd);
	put_le(zp + ZP_EXT_RAMDISK_IMAGE, 4, l->initrd >> 32);
	put_le(zp + HDR_RAMDISK_SIZE, 4, (uint32_t)l->initrd_size);
	put_le(zp + ZP_EXT_RAMDISK_SIZE, 4, l->initrd_size >> 32);
	n = add_e820(zp, n, 0, LEGACY_RAM_END);
	n = add_e820(zp, n, HIGH_RAM_START, l->mem_size - HIGH_RAM_START);
	zp[ZP_E820_ENTRIES] = (uint8_t)n;
}

void linux_boot_load(uint8_t *mem, const uint8_t *file,
		     const struct linux_kernel *k, const struct linux_layout *l,
		     const uint8_t *initrd, const char *cmdline,
		     size_t cmdline_len)
{
	build_page_tables(mem, l);
	build_gdt(mem, l);
	copy(mem + l->kernel, file + k->setup_size, k->kernel_size);
	if (l->initrd_size)
		copy(mem + l->initrd, initrd, l->initrd_size);
	copy(mem + l->cmdline, (const uint8_t *)cmdline, cmdline_len);
	mem[l->cmdline + cmdline_len] = '\0';
	build_zero_page(mem, file, l);
}

const char *linux_boot_error_text(enum linux_boot_error e)
{
	switch (e) {
	case LINUX_BOOT_OK:
		return "ok";
	case LINUX_BOOT_TRUNCATED:
		return "the file is shorter than its setup header says";
	case LINUX_BOOT_NOT_BZIMAGE:
		return "not a bzImage (no boot flag 0xAA55 and \"HdrS\" "
		       "header)";
	case LINUX_BOOT_PROTOCOL_TOO_OLD:
		return "boot protocol older than 2.12 (no 64-bit entry)";
	case LINUX_BOOT_NOT_64BIT:
		return "the kernel has no 64-bit entry point (XLF_KERNEL_64 "
		       "clear)";
	case LINUX_BOOT_KERNEL_TOO_BIG:
		return "the kernel does not fit in guest memory at its "
		       "preferred address (raise --mem)";
	case LINUX_BOOT_INITRD_TOO_BIG:
		return "the initrd does not fit between the kernel and the "
		       "top of guest memory (raise --mem)";
	case LINUX_BOOT_CMDLINE_TOO_LONG:
		return "the command line is longer than the kernel accepts";
	}
	return "?";
}
