/* The Linux x86 boot protocol, 64-bit entry (Documentation/arch/x86/
 * boot.rst, "The Real-Mode Kernel Header" and "64-bit Boot Protocol";
 * zero-page.rst): what a loader checks in a bzImage's setup header, where
 * it puts the kernel, initrd, command line and boot_params in guest memory,
 * and what it writes there. Pure: it reads the file and writes guest memory
 * through host pointers, nothing else, so host tests run it whole. */
#ifndef HV_LINUX_BOOT_H
#define HV_LINUX_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum linux_boot_error {
	LINUX_BOOT_OK,
	LINUX_BOOT_TRUNCATED,	     /* shorter than its own header says */
	LINUX_BOOT_NOT_BZIMAGE,	     /* no boot flag 0xAA55 or "HdrS" */
	LINUX_BOOT_PROTOCOL_TOO_OLD, /* before 2.12: no xloadflags */
	LINUX_BOOT_NOT_64BIT,	   /* XLF_KERNEL_64 clear: no entry at 0x200 */
	LINUX_BOOT_BAD_HEADER,	   /* its fields disagree with each other */
	LINUX_BOOT_KERNEL_TOO_BIG, /* its init_size does not fit in memory */
	LINUX_BOOT_INITRD_TOO_BIG, /* no room for it between kernel and limit */
	LINUX_BOOT_CMDLINE_TOO_LONG, /* longer than the kernel's cmdline_size */
};

/* What the setup header says, decoded once. */
struct linux_kernel {
	uint16_t protocol;     /* 0x020f is 2.15 */
	uint32_t setup_size;   /* bytes of real-mode code before the kernel */
	uint32_t kernel_size;  /* the protected-mode kernel: the rest */
	uint64_t pref_address; /* where it runs unrelocated */
	/* Where this loader puts it: pref_address, aligned up to
	 * kernel_alignment for a relocatable kernel (boot.rst, init_size),
	 * so that it runs where it was loaded. */
	uint64_t load_address;
	uint32_t kernel_alignment;
	bool relocatable;
	uint32_t init_size;	  /* memory it needs from there while booting */
	uint32_t initrd_addr_max; /* highest address an initrd byte may have */
	uint32_t cmdline_size;	  /* longest command line, NUL not counted */
	uint16_t xloadflags;
};

/* Guest-physical addresses of everything the loader places. The low ones
 * lie below 640 KiB, under the kernel, where its decompressor never
 * writes; the kernel runs at its preferred address; the initrd goes as
 * high as the kernel allows (as GRUB and QEMU place it). */
struct linux_layout {
	uint64_t mem_size;
	uint64_t page_tables; /* PML4, PDPT, then one PD per GiB */
	uint64_t gdt;
	uint64_t tss; /* VM entry wants a usable TR; Linux loads its own */
	uint64_t zero_page;
	uint64_t cmdline;
	uint64_t stack_top;
	uint64_t kernel;
	uint64_t kernel_end; /* kernel + init_size */
	uint64_t entry;	     /* kernel + 0x200: the 64-bit entry point */
	uint64_t initrd;
	uint64_t initrd_size;
};

/* The 64-bit boot protocol's segments: __BOOT_CS and __BOOT_DS, 4-GiB
 * flat, in the GDT the loader provides. */
#define LINUX_BOOT_CS 0x10
#define LINUX_BOOT_DS 0x18
#define LINUX_BOOT_TR 0x20
#define LINUX_GDT_LIMIT (6u * 8u - 1u) /* null, null, CS, DS, TSS (16) */

/* Identity-mapped with 2-MiB pages: at most this much guest memory. */
#define LINUX_MAX_MEM (4ull << 30)
#define LINUX_ZERO_PAGE_SIZE 4096u

enum linux_boot_error linux_kernel_parse(const uint8_t *file, size_t size,
					 struct linux_kernel *k);

/* Places everything for @mem_size bytes of guest memory (a multiple of
 * 2 MiB, at most LINUX_MAX_MEM), an initrd of @initrd_size bytes (0: none)
 * and a command line of @cmdline_len bytes. */
enum linux_boot_error linux_layout_plan(const struct linux_kernel *k,
					uint64_t mem_size, uint64_t initrd_size,
					size_t cmdline_len,
					struct linux_layout *l);

/* Writes guest memory (@mem: guest-physical 0, l->mem_size bytes, zeroed):
 * the identity-mapping page tables, the GDT and TSS, the kernel, the
 * initrd, the command line and the zero page with its e820 map. */
void linux_boot_load(uint8_t *mem, const uint8_t *file,
		     const struct linux_kernel *k, const struct linux_layout *l,
		     const uint8_t *initrd, const char *cmdline,
		     size_t cmdline_len);

const char *linux_boot_error_text(enum linux_boot_error e);

/* linux_kernel_parse and linux_layout_plan on the same input, with the
 * reason for a refusal written to @buf: which header field or size, its
 * value, and the --mem= that would do where more memory helps. Pure, and
 * needs no guest memory: callers examine a kernel before allocating it. */
enum linux_boot_error linux_boot_why(const uint8_t *file, size_t size,
				     uint64_t mem_size, uint64_t initrd_size,
				     size_t cmdline_len, char *buf,
				     size_t buf_size);

/* What an initrd is, from its first bytes (NULL: none of these): a newc
 * cpio archive ("070701", or "070702" with checksums), or one compressed
 * with a format the kernel can unpack (Documentation/driver-api/
 * early-userspace/buffer-format.rst; lib/decompress.c's magic table). */
const char *linux_initrd_format(const uint8_t *data, size_t size);

#endif
