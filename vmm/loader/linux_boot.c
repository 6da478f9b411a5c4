/* The Linux x86 boot protocol, 64-bit entry. Offsets are boot.rst's "The
 * Real-Mode Kernel Header" (into the file, and the same into the zero
 * page, which carries a copy of the header) and zero-page.rst. */
#include "loader/linux_boot.h"

#include <stdarg.h>

#include "print.h"
#include "util.h"

#include "mem/guest_memory.h"
#include "x86/x86.h"

/* The setup header: offset in the file and in struct boot_params. */
#define HDR_SETUP_SECTS 0x1f1	     /* u8; 0 means 4 */
#define HDR_SYSSIZE 0x1f4	     /* u32, 2.04: 16-byte paragraphs */
#define HDR_BOOT_FLAG 0x1fe	     /* u16 0xAA55 */
#define HDR_JUMP_LENGTH 0x201	     /* u8: the header ends at 0x202 + this */
#define HDR_MAGIC 0x202		     /* u32 "HdrS" */
#define HDR_VERSION 0x206	     /* u16 */
#define HDR_TYPE_OF_LOADER 0x210     /* u8 */
#define HDR_RAMDISK_IMAGE 0x218	     /* u32 */
#define HDR_RAMDISK_SIZE 0x21c	     /* u32 */
#define HDR_EXT_LOADER_VER 0x226     /* u8, write (optional) */
#define HDR_EXT_LOADER_TYPE 0x227    /* u8, write (obligatory if ...) */
#define HDR_CMD_LINE_PTR 0x228	     /* u32 */
#define HDR_INITRD_ADDR_MAX 0x22c    /* u32 */
#define HDR_KERNEL_ALIGNMENT 0x230   /* u32, 2.05 */
#define HDR_RELOCATABLE_KERNEL 0x234 /* u8, 2.05 */
#define HDR_XLOADFLAGS 0x236	     /* u16, protocol 2.12 */
#define HDR_CMDLINE_SIZE 0x238	     /* u32, protocol 2.06 */
#define HDR_HARDWARE_SUBARCH 0x23c   /* u32, write (optional) */
#define HDR_HARDWARE_SUBARCH_DATA 0x240 /* u64, write (subarch-dependent) */
#define HDR_SETUP_DATA 0x250		/* u64, write (special) */
#define HDR_PREF_ADDRESS 0x258		/* u64, protocol 2.10 */
#define HDR_INIT_SIZE 0x260		/* u32, protocol 2.10 */
#define HDR_END_MIN 0x264		/* what this loader reads */
/* handover_offset (2.11, u32 at 0x264) is the last field before 2.12's
 * header ends: a 2.12+ kernel whose jump says its header ends before it
 * contradicts its own version. */
#define HDR_END_2_12 0x268

#define BOOT_FLAG 0xaa55u
#define HDRS_MAGIC 0x53726448u /* "HdrS" */
#define PROTOCOL_2_12 0x020cu
#define XLF_KERNEL_64 (1u << 0)
#define LOADER_UNDEFINED 0xffu /* type_of_loader: "no assigned ID" */
#define ENTRY_64_OFFSET 0x200u /* XLF_KERNEL_64's entry point */
#define SYSSIZE_UNIT 16u       /* syssize counts 16-byte paragraphs */

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
#define MIB (1ull << 20)

/* Why a check failed, with its numbers, when the caller asked (@why not
 * NULL): the same checks serve linux_kernel_parse, which only answers,
 * and linux_boot_why, which explains. */
struct why {
	char *buf;
	size_t size;
};

__attribute__((format(printf, 3, 4))) static enum linux_boot_error because(
	const struct why *why, enum linux_boot_error e, const char *fmt, ...)
{
	va_list ap;

	if (why && why->buf) {
		va_start(ap, fmt);
		hv_vsnprintf(why->buf, why->size, fmt, ap);
		va_end(ap);
	}
	return e;
}

static enum linux_boot_error parse(const uint8_t *file, size_t size,
				   struct linux_kernel *k,
				   const struct why *why)
{
	/* boot.rst, "The Real-Mode Kernel Header": boot_flag, the "HdrS"
	 * magic and version are where a loader starts; each is read only
	 * once the file holds it. */
	if (size < HDR_VERSION + 2)
		return because(why, LINUX_BOOT_TRUNCATED,
			       "the file is %zu bytes, too short for a setup "
			       "header (%u bytes at least)",
			       size, HDR_END_MIN);
	if (get_le(file + HDR_BOOT_FLAG, 2) != BOOT_FLAG ||
	    get_le(file + HDR_MAGIC, 4) != HDRS_MAGIC)
		return because(why, LINUX_BOOT_NOT_BZIMAGE, "%s",
			       linux_boot_error_text(LINUX_BOOT_NOT_BZIMAGE));
	k->protocol = (uint16_t)get_le(file + HDR_VERSION, 2);
	/* xloadflags, which says whether the 64-bit entry exists, came with
	 * 2.12; pref_address and init_size with 2.10. */
	if (k->protocol < PROTOCOL_2_12)
		return because(why, LINUX_BOOT_PROTOCOL_TOO_OLD,
			       "boot protocol %u.%02u is older than 2.12 (no "
			       "64-bit entry)",
			       k->protocol >> 8, k->protocol & 0xff);
	if (size < HDR_END_MIN)
		return because(why, LINUX_BOOT_TRUNCATED,
			       "the file is %zu bytes, too short for a setup "
			       "header (%u bytes at least)",
			       size, HDR_END_MIN);
	/* "Details of Header Fields", jump: the header ends at 0x202 plus
	 * the jump's byte; the loader reads fields up to HDR_END_MIN. */
	if (0x202u + file[HDR_JUMP_LENGTH] < HDR_END_2_12)
		return because(why, LINUX_BOOT_BAD_HEADER,
			       "the setup header ends at 0x%x (jump byte "
			       "0x%02x), before 0x%x where protocol %u.%02u's "
			       "fields end",
			       0x202u + file[HDR_JUMP_LENGTH],
			       file[HDR_JUMP_LENGTH], HDR_END_2_12,
			       k->protocol >> 8, k->protocol & 0xff);
	unsigned int sects = file[HDR_SETUP_SECTS] ? file[HDR_SETUP_SECTS] : 4;

	k->setup_size = (sects + 1) * 512u;
	if (size <= k->setup_size)
		return because(why, LINUX_BOOT_TRUNCATED,
			       "the file is %zu bytes, but its setup code "
			       "alone is %u (setup_sects %u)",
			       size, k->setup_size, sects);
	k->kernel_size = (uint32_t)(size - k->setup_size);
	/* "Loading The Rest of The Kernel": the protected-mode code is
	 * syssize paragraphs after the setup code; a file may carry more
	 * (a signature), never less. */
	uint64_t syssize =
		(uint64_t)get_le(file + HDR_SYSSIZE, 4) * SYSSIZE_UNIT;

	if (syssize <= ENTRY_64_OFFSET)
		return because(why, LINUX_BOOT_BAD_HEADER,
			       "syssize says the kernel is %lu bytes: no room "
			       "for the 64-bit entry at +0x%x",
			       (unsigned long)syssize, ENTRY_64_OFFSET);
	if (k->kernel_size < syssize)
		return because(why, LINUX_BOOT_TRUNCATED,
			       "the file is truncated: syssize says %lu bytes "
			       "of kernel after the setup code, the file has "
			       "%u",
			       (unsigned long)syssize, k->kernel_size);
	k->xloadflags = (uint16_t)get_le(file + HDR_XLOADFLAGS, 2);
	if (!(k->xloadflags & XLF_KERNEL_64))
		return because(why, LINUX_BOOT_NOT_64BIT, "%s",
			       linux_boot_error_text(LINUX_BOOT_NOT_64BIT));
	k->pref_address = get_le(file + HDR_PREF_ADDRESS, 8);
	k->init_size = (uint32_t)get_le(file + HDR_INIT_SIZE, 4);
	k->initrd_addr_max = (uint32_t)get_le(file + HDR_INITRD_ADDR_MAX, 4);
	k->cmdline_size = (uint32_t)get_le(file + HDR_CMDLINE_SIZE, 4);
	k->kernel_alignment = (uint32_t)get_le(file + HDR_KERNEL_ALIGNMENT, 4);
	k->relocatable = file[HDR_RELOCATABLE_KERNEL] != 0;
	/* init_size: "The kernel runtime start address is determined by the
	 * following algorithm: if (relocatable_kernel) runtime_start =
	 * align_up(load_address, kernel_alignment) else runtime_start =
	 * pref_address". This loader loads it at that start, so the two are
	 * the same address. */
	if (k->relocatable &&
	    (!k->kernel_alignment ||
	     (k->kernel_alignment & (k->kernel_alignment - 1))))
		return because(why, LINUX_BOOT_BAD_HEADER,
			       "kernel_alignment 0x%x of a relocatable kernel "
			       "is not a power of two",
			       k->kernel_alignment);
	k->load_address = k->pref_address;
	if (k->relocatable)
		k->load_address = (k->pref_address + k->kernel_alignment - 1) &
				  ~(uint64_t)(k->kernel_alignment - 1);
	if (k->pref_address < HIGH_RAM_START ||
	    k->load_address < k->pref_address)
		return because(why, LINUX_BOOT_BAD_HEADER,
			       "pref_address 0x%lx is %s",
			       (unsigned long)k->pref_address,
			       k->pref_address < HIGH_RAM_START
				       ? "below 1 MiB"
				       : "too close to the top of memory");
	if (k->init_size < syssize)
		return because(why, LINUX_BOOT_BAD_HEADER,
			       "init_size 0x%x is smaller than the kernel "
			       "itself (syssize: %lu bytes)",
			       k->init_size, (unsigned long)syssize);
	return LINUX_BOOT_OK;
}

enum linux_boot_error linux_kernel_parse(const uint8_t *file, size_t size,
					 struct linux_kernel *k)
{
	return parse(file, size, k, NULL);
}

/* The smallest --mem= (2-MiB multiple, MiB) that holds @end bytes. */
static unsigned long mem_mib_for(uint64_t end)
{
	return (unsigned long)(((end + 2 * MIB - 1) & ~(2 * MIB - 1)) >> 20);
}

static enum linux_boot_error plan(const struct linux_kernel *k,
				  uint64_t mem_size, uint64_t initrd_size,
				  size_t cmdline_len, struct linux_layout *l,
				  const struct why *why)
{
	/* parse() made sure init_size covers the kernel's bytes. */
	uint64_t need = k->init_size;
	uint64_t end = k->load_address + need;

	if (cmdline_len > k->cmdline_size)
		return because(why, LINUX_BOOT_CMDLINE_TOO_LONG,
			       "the command line is %zu bytes, the kernel "
			       "takes at most %u (its cmdline_size)",
			       cmdline_len, k->cmdline_size);
	if (cmdline_len >= LOW_CMDLINE_END - LOW_CMDLINE)
		return because(
			why, LINUX_BOOT_CMDLINE_TOO_LONG,
			"the command line is %zu bytes, hv's buffer "
			"holds %lu",
			cmdline_len,
			(unsigned long)(LOW_CMDLINE_END - LOW_CMDLINE - 1));
	if (mem_size > LINUX_MAX_MEM || k->load_address > mem_size ||
	    need > mem_size - k->load_address) {
		if (end > LINUX_MAX_MEM)
			return because(why, LINUX_BOOT_KERNEL_TOO_BIG,
				       "the kernel needs memory to 0x%lx "
				       "(init_size 0x%x from 0x%lx), beyond "
				       "the %lu MiB --mem= allows",
				       (unsigned long)end, k->init_size,
				       (unsigned long)k->load_address,
				       (unsigned long)(LINUX_MAX_MEM >> 20));
		return because(why, LINUX_BOOT_KERNEL_TOO_BIG,
			       "the kernel needs %lu MiB from 0x%lx "
			       "(init_size 0x%x): --mem=%lu is too small, it "
			       "needs --mem=%lu or more",
			       (unsigned long)((need + MIB - 1) >> 20),
			       (unsigned long)k->load_address, k->init_size,
			       (unsigned long)(mem_size >> 20),
			       mem_mib_for(end));
	}
	*l = (struct linux_layout){
		.mem_size = mem_size,
		.page_tables = LOW_PAGE_TABLES,
		.gdt = LOW_GDT,
		.tss = LOW_TSS,
		.zero_page = LOW_ZERO_PAGE,
		.cmdline = LOW_CMDLINE,
		.stack_top = LOW_STACK_TOP,
		.kernel = k->load_address,
		.kernel_end = end,
		.entry = k->load_address + ENTRY_64_OFFSET,
	};
	if (!initrd_size)
		return LINUX_BOOT_OK;
	/* As high as both memory and the kernel's limit allow, page
	 * aligned, and above the memory the kernel boots in. */
	uint64_t max = (uint64_t)k->initrd_addr_max + 1;
	uint64_t limit = max < mem_size ? max : mem_size;
	uint64_t page_end = (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

	if (initrd_size > limit ||
	    ((limit - initrd_size) & ~(PAGE_SIZE - 1)) < end) {
		if (max < mem_size || page_end + initrd_size > max)
			return because(why, LINUX_BOOT_INITRD_TOO_BIG,
				       "a %lu-byte initrd does not fit between "
				       "the kernel's end 0x%lx and its "
				       "initrd_addr_max 0x%x",
				       (unsigned long)initrd_size,
				       (unsigned long)end, k->initrd_addr_max);
		return because(why, LINUX_BOOT_INITRD_TOO_BIG,
			       "a %lu-byte initrd does not fit between the "
			       "kernel's end 0x%lx and the top of --mem=%lu: "
			       "it needs --mem=%lu or more",
			       (unsigned long)initrd_size, (unsigned long)end,
			       (unsigned long)(mem_size >> 20),
			       mem_mib_for(page_end + initrd_size));
	}
	l->initrd = (limit - initrd_size) & ~(PAGE_SIZE - 1);
	l->initrd_size = initrd_size;
	return LINUX_BOOT_OK;
}

enum linux_boot_error linux_layout_plan(const struct linux_kernel *k,
					uint64_t mem_size, uint64_t initrd_size,
					size_t cmdline_len,
					struct linux_layout *l)
{
	return plan(k, mem_size, initrd_size, cmdline_len, l, NULL);
}

enum linux_boot_error linux_boot_why(const uint8_t *file, size_t size,
				     uint64_t mem_size, uint64_t initrd_size,
				     size_t cmdline_len, char *buf,
				     size_t buf_size)
{
	const struct why why = {buf, buf_size};
	struct linux_kernel k;
	struct linux_layout l;
	enum linux_boot_error e = parse(file, size, &k, &why);

	if (e == LINUX_BOOT_OK)
		e = plan(&k, mem_size, initrd_size, cmdline_len, &l, &why);
	if (e == LINUX_BOOT_OK)
		hv_snprintf(buf, buf_size, "%s", linux_boot_error_text(e));
	return e;
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
	/* Fields the loader writes ("Details of Header Fields"), not the
	 * file: no setup_data list ("write (special)"), a PC
	 * (hardware_subarch "write (optional, defaults to x86/PC)"), and no
	 * extended loader type with type_of_loader 0xff. */
	zp[HDR_EXT_LOADER_VER] = 0;
	zp[HDR_EXT_LOADER_TYPE] = 0;
	put_le(zp + HDR_HARDWARE_SUBARCH, 4, 0);
	put_le(zp + HDR_HARDWARE_SUBARCH_DATA, 8, 0);
	put_le(zp + HDR_SETUP_DATA, 8, 0);
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
	case LINUX_BOOT_BAD_HEADER:
		return "the setup header's fields disagree";
	case LINUX_BOOT_NOT_64BIT:
		return "the kernel has no 64-bit entry point (XLF_KERNEL_64 "
		       "clear)";
	case LINUX_BOOT_KERNEL_TOO_BIG:
		return "the kernel does not fit in guest memory at its "
		       "preferred address";
	case LINUX_BOOT_INITRD_TOO_BIG:
		return "the initrd does not fit between the kernel and the "
		       "top of guest memory or under its initrd_addr_max";
	case LINUX_BOOT_CMDLINE_TOO_LONG:
		return "the command line is longer than the kernel accepts";
	}
	return "?";
}

const char *linux_initrd_format(const uint8_t *data, size_t size)
{
	/* lib/decompress.c, compressed_formats[], and the newc magic. */
	static const struct {
		const char *name;
		uint8_t magic[6];
		size_t len;
	} formats[] = {
		{"cpio", "070701", 6},
		{"cpio", "070702", 6},
		{"gzip", {0x1f, 0x8b}, 2},
		{"gzip", {0x1f, 0x9e}, 2},
		{"bzip2", {'B', 'Z', 'h'}, 3},
		{"lzma", {0x5d, 0x00, 0x00}, 3},
		{"xz", {0xfd, '7', 'z', 'X', 'Z', 0x00}, 6},
		{"lzo", {0x89, 'L', 'Z', 'O'}, 4},
		{"lz4", {0x02, 0x21}, 2},
		{"zstd", {0x28, 0xb5, 0x2f, 0xfd}, 4},
	};

	for (size_t i = 0; i < COUNT_OF(formats); i++) {
		size_t k = 0;

		while (k < formats[i].len && k < size &&
		       data[k] == formats[i].magic[k])
			k++;
		if (k == formats[i].len)
			return formats[i].name;
	}
	return NULL;
}
