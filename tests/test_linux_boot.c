/* The Linux boot-protocol loader against synthetic bzImages: the header
 * checks and their refusals, where things land, and the zero page, page
 * tables and GDT read back the way the kernel and the processor read
 * them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "loader/linux_boot.h"

#define MIB (1ull << 20)
#define GIB (1ull << 30)
#define SETUP_SECTS 27 /* Debian 6.1's bzImage has 27 + 1 sectors */
#define SETUP_SIZE ((SETUP_SECTS + 1) * 512)
#define KERNEL_SIZE 4096
#define FILE_SIZE (SETUP_SIZE + KERNEL_SIZE)
#define PREF 0x1000000ull     /* 16 MiB, as Debian's */
#define INIT_SIZE 0x2000000ul /* 32 MiB */

static uint8_t file[FILE_SIZE];

static uint64_t rd(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static void wr(uint8_t *p, unsigned int n, uint64_t v)
{
	for (unsigned int i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/* A header as a 2.15 x86-64 kernel has it (boot.rst offsets). */
static void make_bzimage(void)
{
	memset(file, 0, sizeof(file));
	file[0x1f1] = SETUP_SECTS;
	wr(file + 0x1fe, 2, 0xaa55);
	file[0x201] = 0x6a; /* jump: the header ends at 0x26c */
	wr(file + 0x202, 4, 0x53726448);
	wr(file + 0x206, 2, 0x020f);
	wr(file + 0x1f4, 4, KERNEL_SIZE / 16); /* syssize */
	file[0x211] = 0x01;		       /* LOADED_HIGH */
	wr(file + 0x22c, 4, 0x7fffffff);
	wr(file + 0x230, 4, 0x200000);
	file[0x234] = 1;
	wr(file + 0x236, 2, 0x7f);
	wr(file + 0x238, 4, 2047);
	wr(file + 0x258, 8, PREF);
	wr(file + 0x260, 4, INIT_SIZE);
	for (unsigned int i = 0; i < KERNEL_SIZE; i++)
		file[SETUP_SIZE + i] = (uint8_t)(i * 7 + 1);
}

static enum linux_boot_error parse(struct linux_kernel *k)
{
	return linux_kernel_parse(file, sizeof(file), k);
}

static void test_parse_decodes_the_header(void **state)
{
	struct linux_kernel k;

	(void)state;
	make_bzimage();
	assert_int_equal(parse(&k), LINUX_BOOT_OK);
	assert_int_equal(k.protocol, 0x020f);
	assert_int_equal(k.setup_size, SETUP_SIZE);
	assert_int_equal(k.kernel_size, KERNEL_SIZE);
	assert_int_equal(k.load_address, PREF);
	assert_int_equal(k.init_size, INIT_SIZE);
	assert_int_equal(k.cmdline_size, 2047);
	assert_int_equal(k.initrd_addr_max, 0x7fffffff);
}

/* boot.rst: "If this field is 0, the real value is 4." */
static void test_zero_setup_sects_means_four(void **state)
{
	struct linux_kernel k;

	(void)state;
	make_bzimage();
	file[0x1f1] = 0;
	assert_int_equal(parse(&k), LINUX_BOOT_OK);
	assert_int_equal(k.setup_size, 5 * 512);
	assert_int_equal(k.kernel_size, FILE_SIZE - 5 * 512);
}

static void test_refusals(void **state)
{
	struct linux_kernel k;

	(void)state;
	make_bzimage();
	assert_int_equal(linux_kernel_parse(file, 0x100, &k),
			 LINUX_BOOT_TRUNCATED);
	assert_int_equal(linux_kernel_parse(file, SETUP_SIZE, &k),
			 LINUX_BOOT_TRUNCATED);

	file[0x1fe] = 0;
	assert_int_equal(parse(&k), LINUX_BOOT_NOT_BZIMAGE);
	make_bzimage();
	file[0x202] = 'X';
	assert_int_equal(parse(&k), LINUX_BOOT_NOT_BZIMAGE);

	make_bzimage();
	wr(file + 0x206, 2, 0x020b);
	assert_int_equal(parse(&k), LINUX_BOOT_PROTOCOL_TOO_OLD);

	make_bzimage();
	wr(file + 0x236, 2, 0x7e); /* XLF_KERNEL_64 clear */
	assert_int_equal(parse(&k), LINUX_BOOT_NOT_64BIT);
	assert_non_null(
		strstr(linux_boot_error_text(LINUX_BOOT_NOT_64BIT), "64-bit"));
}

static void test_layout_places_everything(void **state)
{
	struct linux_kernel k;
	struct linux_layout l;

	(void)state;
	make_bzimage();
	assert_int_equal(parse(&k), LINUX_BOOT_OK);
	assert_int_equal(
		linux_layout_plan(&k, 256 * MIB, 10 * MIB + 5, 100, &l),
		LINUX_BOOT_OK);
	assert_int_equal(l.kernel, PREF);
	assert_int_equal(l.entry, PREF + 0x200);
	assert_int_equal(l.kernel_end, PREF + INIT_SIZE);
	/* The initrd ends at the top of memory, page aligned below it. */
	assert_int_equal(l.initrd % 4096, 0);
	assert_true(l.initrd >= l.kernel_end);
	assert_true(l.initrd + l.initrd_size <= 256 * MIB);
	assert_true(256 * MIB - (l.initrd + l.initrd_size) < 4096);
	/* Low structures below 640 KiB, apart from each other. */
	assert_true(l.zero_page + 4096 <= l.cmdline);
	assert_true(l.stack_top <= 0xa0000);
}

static void test_initrd_respects_initrd_addr_max(void **state)
{
	struct linux_kernel k;
	struct linux_layout l;

	(void)state;
	make_bzimage();
	wr(file + 0x22c, 4, 0x37ffffff); /* the pre-2.03 default: 896 MiB */
	assert_int_equal(parse(&k), LINUX_BOOT_OK);
	assert_int_equal(linux_layout_plan(&k, 2048 * MIB, MIB, 0, &l),
			 LINUX_BOOT_OK);
	assert_true(l.initrd + l.initrd_size <= 0x38000000ull);
}

static void test_layout_refusals(void **state)
{
	struct linux_kernel k;
	struct linux_layout l;

	(void)state;
	make_bzimage();
	assert_int_equal(parse(&k), LINUX_BOOT_OK);
	/* 16 MiB + 32 MiB of init_size does not fit in 32 MiB. */
	assert_int_equal(linux_layout_plan(&k, 32 * MIB, 0, 0, &l),
			 LINUX_BOOT_KERNEL_TOO_BIG);
	assert_int_equal(linux_layout_plan(&k, 48 * MIB, 0, 0, &l),
			 LINUX_BOOT_OK);
	assert_int_equal(linux_layout_plan(&k, 48 * MIB, 4096, 0, &l),
			 LINUX_BOOT_INITRD_TOO_BIG);
	assert_int_equal(linux_layout_plan(&k, 64 * MIB, 17 * MIB, 0, &l),
			 LINUX_BOOT_INITRD_TOO_BIG);
	assert_int_equal(linux_layout_plan(&k, 64 * MIB, 0, 2048, &l),
			 LINUX_BOOT_CMDLINE_TOO_LONG);
	assert_int_equal(linux_layout_plan(&k, 64 * MIB, 0, 2047, &l),
			 LINUX_BOOT_OK);
	assert_int_equal(linux_layout_plan(&k, 8192 * MIB, 0, 0, &l),
			 LINUX_BOOT_KERNEL_TOO_BIG);
}

/* Review I1: a file that ends inside the version field (0x206..0x207) is
 * TRUNCATED before the field is read. The copy is exactly @n bytes on the
 * heap, so ASan reports any read past it. */
static enum linux_boot_error parse_exact(size_t n, struct linux_kernel *k)
{
	uint8_t *copy = malloc(n);
	enum linux_boot_error e;

	assert_non_null(copy);
	memcpy(copy, file, n);
	e = linux_kernel_parse(copy, n, k);
	free(copy);
	return e;
}

static void test_every_short_header_is_truncated(void **state)
{
	struct linux_kernel k;
	char why[160];

	(void)state;
	make_bzimage();
	for (size_t n = 0x1ff; n <= SETUP_SIZE; n++)
		assert_int_equal(parse_exact(n, &k), LINUX_BOOT_TRUNCATED);
	assert_int_equal(
		linux_boot_why(file, 0x206, 64 * MIB, 0, 0, why, sizeof(why)),
		LINUX_BOOT_TRUNCATED);
	assert_string_equal(why, "the file is 518 bytes, too short for a "
				 "setup header (612 bytes at least)");
}

/* Review I2: boot.rst, syssize: "The size of the protected-mode code in
 * units of 16-byte paragraphs". A file with fewer bytes after the setup
 * code is truncated; more (a signature) is fine. */
static void test_syssize_catches_a_truncated_kernel(void **state)
{
	struct linux_kernel k;
	char why[160];

	(void)state;
	make_bzimage();
	for (size_t cut = 1; cut < KERNEL_SIZE; cut += 255)
		assert_int_equal(parse_exact(SETUP_SIZE + cut, &k),
				 LINUX_BOOT_TRUNCATED);
	assert_int_equal(linux_boot_why(file, SETUP_SIZE + 1, 64 * MIB, 0, 0,
					why, sizeof(why)),
			 LINUX_BOOT_TRUNCATED);
	assert_string_equal(why,
			    "the file is truncated: syssize says 4096 bytes "
			    "of kernel after the setup code, the file has 1");
	wr(file + 0x1f4, 4,
	   (KERNEL_SIZE - 64) / 16); /* 64 bytes of signature */
	assert_int_equal(parse(&k), LINUX_BOOT_OK);
	/* No room for the 64-bit entry at +0x200. */
	wr(file + 0x1f4, 4, 0x200 / 16);
	assert_int_equal(parse(&k), LINUX_BOOT_BAD_HEADER);
	wr(file + 0x1f4, 4, 0);
	assert_int_equal(linux_boot_why(file, sizeof(file), 64 * MIB, 0, 0, why,
					sizeof(why)),
			 LINUX_BOOT_BAD_HEADER);
	assert_string_equal(why, "syssize says the kernel is 0 bytes: no room "
				 "for the 64-bit entry at +0x200");
}

/* Review I3: boot.rst, init_size: a relocatable kernel runs from
 * align_up(load address, kernel_alignment). The loader loads it there, so
 * its window [start, start + init_size) is what the layout reserves. */
static void test_relocatable_kernel_is_loaded_aligned(void **state)
{
	struct linux_kernel k;
	struct linux_layout l;

	(void)state;
	make_bzimage();
	wr(file + 0x258, 8, PREF + 0x1000); /* not 2-MiB aligned */
	assert_int_equal(parse(&k), LINUX_BOOT_OK);
	assert_int_equal(k.pref_address, PREF + 0x1000);
	assert_int_equal(k.load_address, PREF + 0x200000);
	assert_int_equal(linux_layout_plan(&k, 64 * MIB, 14 * MIB, 0, &l),
			 LINUX_BOOT_OK);
	assert_int_equal(l.kernel, PREF + 0x200000);
	assert_int_equal(l.entry, PREF + 0x200200);
	assert_int_equal(l.kernel_end, PREF + 0x200000 + INIT_SIZE);
	assert_true(l.initrd >= l.kernel_end); /* was 2093056 bytes inside */
	/* --mem= exactly pref + init_size is too small once aligned. */
	assert_int_equal(linux_layout_plan(&k, 48 * MIB, 0, 0, &l),
			 LINUX_BOOT_KERNEL_TOO_BIG);
	/* Not relocatable: pref_address it is. */
	file[0x234] = 0;
	assert_int_equal(parse(&k), LINUX_BOOT_OK);
	assert_int_equal(k.load_address, PREF + 0x1000);
}

/* The header's sizes and addresses must agree with each other (issue 22:
 * kernel_alignment, relocatable_kernel, init_size, pref_address). */
static void test_disagreeing_header_fields(void **state)
{
	static const struct {
		unsigned int offset, bytes;
		uint64_t value;
		const char *why;
	} cases[] = {
		{0x230, 4, 0,
		 "kernel_alignment 0x0 of a relocatable kernel "
		 "is not a power of two"},
		{0x230, 4, 3,
		 "kernel_alignment 0x3 of a relocatable kernel "
		 "is not a power of two"},
		{0x260, 4, KERNEL_SIZE - 1,
		 "init_size 0xfff is smaller than the kernel itself "
		 "(syssize: 4096 bytes)"},
		{0x258, 8, 0xfffff, "pref_address 0xfffff is below 1 MiB"},
		{0x258, 8, 0, "pref_address 0x0 is below 1 MiB"},
		{0x258, 8, 0xfffffffffffff000ull,
		 "pref_address 0xfffffffffffff000 is too close to the top of "
		 "memory"},
		/* Review I13: a 2.15 header that ends before 2.12's fields. */
		{0x201, 1, 0x00,
		 "the setup header ends at 0x202 (jump byte "
		 "0x00), before 0x268 where protocol 2.15's "
		 "fields end"},
		{0x201, 1, 0x62,
		 "the setup header ends at 0x264 (jump byte "
		 "0x62), before 0x268 where protocol 2.15's "
		 "fields end"},
	};
	struct linux_kernel k;
	char why[160];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		make_bzimage();
		wr(file + cases[i].offset, cases[i].bytes, cases[i].value);
		assert_int_equal(parse(&k), LINUX_BOOT_BAD_HEADER);
		assert_int_equal(linux_boot_why(file, sizeof(file), 256 * MIB,
						0, 0, why, sizeof(why)),
				 LINUX_BOOT_BAD_HEADER);
		assert_string_equal(why, cases[i].why);
	}
	/* A non-relocatable kernel's kernel_alignment is not used. */
	make_bzimage();
	file[0x234] = 0;
	wr(file + 0x230, 4, 0);
	assert_int_equal(parse(&k), LINUX_BOOT_OK);
}

/* Review I8: each refusal names its field, its value and, where more
 * memory would help, the --mem= that would do. */
static void test_refusals_say_why_with_numbers(void **state)
{
	char why[200];

	(void)state;
	make_bzimage();
	assert_int_equal(linux_boot_why(file, sizeof(file), 16 * MIB, 0, 0, why,
					sizeof(why)),
			 LINUX_BOOT_KERNEL_TOO_BIG);
	assert_string_equal(why, "the kernel needs 32 MiB from 0x1000000 "
				 "(init_size 0x2000000): --mem=16 is too "
				 "small, it needs --mem=48 or more");
	wr(file + 0x260, 4, 0xffffffff);
	assert_int_equal(linux_boot_why(file, sizeof(file), 4096 * MIB, 0, 0,
					why, sizeof(why)),
			 LINUX_BOOT_KERNEL_TOO_BIG);
	assert_string_equal(why, "the kernel needs memory to 0x100ffffff "
				 "(init_size 0xffffffff from 0x1000000), "
				 "beyond the 4096 MiB --mem= allows");
	make_bzimage();
	assert_int_equal(linux_boot_why(file, sizeof(file), 64 * MIB, 17 * MIB,
					0, why, sizeof(why)),
			 LINUX_BOOT_INITRD_TOO_BIG);
	assert_string_equal(why, "a 17825792-byte initrd does not fit between "
				 "the kernel's end 0x3000000 and the top of "
				 "--mem=64: it needs --mem=66 or more");
	wr(file + 0x22c, 4, 0x2ffffff);
	assert_int_equal(linux_boot_why(file, sizeof(file), 4096 * MIB, MIB, 0,
					why, sizeof(why)),
			 LINUX_BOOT_INITRD_TOO_BIG);
	assert_string_equal(why, "a 1048576-byte initrd does not fit between "
				 "the kernel's end 0x3000000 and its "
				 "initrd_addr_max 0x2ffffff");
	make_bzimage();
	wr(file + 0x238, 4, 255);
	assert_int_equal(linux_boot_why(file, sizeof(file), 64 * MIB, 0, 256,
					why, sizeof(why)),
			 LINUX_BOOT_CMDLINE_TOO_LONG);
	assert_string_equal(why, "the command line is 256 bytes, the kernel "
				 "takes at most 255 (its cmdline_size)");
	assert_int_equal(linux_boot_why(file, sizeof(file), 64 * MIB, 0, 255,
					why, sizeof(why)),
			 LINUX_BOOT_OK);
}

/* The processor's 4-level walk of @linear (2-MiB pages only). */
static uint64_t translate(const uint8_t *mem, uint64_t cr3, uint64_t linear)
{
	uint64_t pml4e = rd(mem + cr3 + 8 * ((linear >> 39) & 511), 8);

	if (!(pml4e & 1))
		return UINT64_MAX;
	uint64_t pdpte =
		rd(mem + (pml4e & ~0xfffull) + 8 * ((linear >> 30) & 511), 8);

	if (!(pdpte & 1) || (pdpte & 0x80))
		return UINT64_MAX;
	uint64_t pde =
		rd(mem + (pdpte & ~0xfffull) + 8 * ((linear >> 21) & 511), 8);

	if (!(pde & 1) || !(pde & 0x80) || !(pde & 2))
		return UINT64_MAX;
	return (pde & ~0x1fffffull) | (linear & 0x1fffff);
}

static void test_load_writes_guest_memory(void **state)
{
	const uint64_t mem_size = 1280 * MIB; /* more than one GiB: 2 PDs */
	static const char cmdline[] = "console=ttyS0 rdinit=/init";
	uint8_t initrd[3000];
	struct linux_kernel k;
	struct linux_layout l;
	uint8_t *mem = calloc(1, mem_size);

	(void)state;
	assert_non_null(mem);
	memset(initrd, 0x5a, sizeof(initrd));
	make_bzimage();
	assert_int_equal(parse(&k), LINUX_BOOT_OK);
	assert_int_equal(linux_layout_plan(&k, mem_size, sizeof(initrd),
					   strlen(cmdline), &l),
			 LINUX_BOOT_OK);
	linux_boot_load(mem, file, &k, &l, initrd, cmdline, strlen(cmdline));

	/* The protected-mode kernel, without its real-mode setup. */
	assert_memory_equal(mem + l.kernel, file + SETUP_SIZE, KERNEL_SIZE);
	assert_memory_equal(mem + l.initrd, initrd, sizeof(initrd));
	assert_string_equal((const char *)mem + l.cmdline, cmdline);

	const uint8_t *zp = mem + l.zero_page;

	/* The header copied, the loader's fields filled in. */
	assert_int_equal(rd(zp + 0x1fe, 2), 0xaa55);
	assert_int_equal(rd(zp + 0x202, 4), 0x53726448);
	assert_int_equal(rd(zp + 0x260, 4), INIT_SIZE);
	assert_int_equal(zp[0x210], 0xff);
	assert_int_equal(rd(zp + 0x228, 4), l.cmdline);
	assert_int_equal(rd(zp + 0x218, 4), l.initrd);
	assert_int_equal(rd(zp + 0x21c, 4), sizeof(initrd));
	assert_int_equal(zp[0x1ef], 0); /* the sentinel: header is valid */
	assert_int_equal(zp[0x26c], 0); /* nothing past the header */
	/* e820: 640 KiB low, then 1 MiB to the top. */
	assert_int_equal(zp[0x1e8], 2);
	assert_int_equal(rd(zp + 0x2d0, 8), 0);
	assert_int_equal(rd(zp + 0x2d8, 8), 0xa0000);
	assert_int_equal(rd(zp + 0x2e0, 4), 1);
	assert_int_equal(rd(zp + 0x2e4, 8), 0x100000);
	assert_int_equal(rd(zp + 0x2ec, 8), mem_size - 0x100000);
	assert_int_equal(rd(zp + 0x2f4, 4), 1);

	/* Identity mapping of everything the kernel is handed. */
	const uint64_t probes[] = {0,	       l.zero_page,	 l.cmdline,
				   l.entry,    l.kernel_end - 1, l.initrd,
				   GIB + 4096, mem_size - 1};

	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		assert_int_equal(translate(mem, l.page_tables, probes[i]),
				 probes[i]);
	assert_int_equal(translate(mem, l.page_tables, mem_size), UINT64_MAX);

	/* __BOOT_CS: 64-bit code (L=1, D=0); __BOOT_DS: writable data. */
	uint64_t cs = rd(mem + l.gdt + LINUX_BOOT_CS, 8);
	uint64_t ds = rd(mem + l.gdt + LINUX_BOOT_DS, 8);

	assert_int_equal((cs >> 40) & 0x9a, 0x9a); /* P, S, code, readable */
	assert_int_equal((cs >> 53) & 3, 1);	   /* L=1, D=0 */
	assert_int_equal((ds >> 40) & 0x92, 0x92); /* P, S, writable */
	uint64_t tss = rd(mem + l.gdt + LINUX_BOOT_TR, 8);

	assert_int_equal((tss >> 40) & 0x8f, 0x8b); /* busy 64-bit TSS */
	assert_int_equal(((tss >> 16) & 0xffffff) | ((tss >> 56) << 24), l.tss);
	free(mem);
}

/* Review I13: setup_data, hardware_subarch and ext_loader_* are the
 * loader's to write; the file's junk in them does not reach the kernel. */
static void test_zero_page_fields_are_the_loaders(void **state)
{
	const uint64_t mem_size = 64 * MIB;
	struct linux_kernel k;
	struct linux_layout l;
	uint8_t *mem = calloc(1, mem_size);

	(void)state;
	assert_non_null(mem);
	make_bzimage();
	wr(file + 0x250, 8, 0xdeadbeefcafef00dull); /* setup_data */
	wr(file + 0x23c, 4, 2);			    /* hardware_subarch: Xen */
	wr(file + 0x240, 8, 0x1234);		    /* hardware_subarch_data */
	wr(file + 0x226, 2, 0xffff);		    /* ext_loader_ver/type */
	assert_int_equal(parse(&k), LINUX_BOOT_OK);
	assert_int_equal(linux_layout_plan(&k, mem_size, 0, 0, &l),
			 LINUX_BOOT_OK);
	linux_boot_load(mem, file, &k, &l, NULL, "", 0);
	const uint8_t *zp = mem + l.zero_page;

	assert_int_equal(rd(zp + 0x250, 8), 0);
	assert_int_equal(rd(zp + 0x23c, 4), 0);
	assert_int_equal(rd(zp + 0x240, 8), 0);
	assert_int_equal(rd(zp + 0x226, 2), 0);
	assert_int_equal(rd(zp + 0x258, 8),
			 PREF); /* the rest as the file has it */
	free(mem);
}

/* Issue 22: an initrd that is not a cpio archive, plain or compressed,
 * gets a warning (boot/main.c); these are the magics that do not. */
static void test_initrd_formats(void **state)
{
	static const struct {
		const char *bytes;
		size_t len;
		const char *format;
	} cases[] = {
		{"070701000000", 12, "cpio"},
		{"070702000000", 12, "cpio"},
		{"\x1f\x8b\x08\x00", 4, "gzip"},
		{"\xfd"
		 "7zXZ\0\0",
		 7, "xz"},
		{"\x28\xb5\x2f\xfd", 4, "zstd"},
		{"\x02\x21\x4c\x18", 4, "lz4"},
		{"BZh9", 4, "bzip2"},
		{"070707", 6, NULL}, /* the old binary-ish odc cpio */
		{"0707", 4, NULL},   /* cut short */
		{"MZ\x90\x00", 4, NULL},
		{"", 0, NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *f = linux_initrd_format(
			(const uint8_t *)cases[i].bytes, cases[i].len);

		if (cases[i].format)
			assert_string_equal(f, cases[i].format);
		else
			assert_null(f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_decodes_the_header),
		cmocka_unit_test(test_zero_setup_sects_means_four),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_layout_places_everything),
		cmocka_unit_test(test_initrd_respects_initrd_addr_max),
		cmocka_unit_test(test_layout_refusals),
		cmocka_unit_test(test_load_writes_guest_memory),
		cmocka_unit_test(test_every_short_header_is_truncated),
		cmocka_unit_test(test_syssize_catches_a_truncated_kernel),
		cmocka_unit_test(test_relocatable_kernel_is_loaded_aligned),
		cmocka_unit_test(test_disagreeing_header_fields),
		cmocka_unit_test(test_refusals_say_why_with_numbers),
		cmocka_unit_test(test_zero_page_fields_are_the_loaders),
		cmocka_unit_test(test_initrd_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
