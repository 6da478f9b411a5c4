/* Guest page walks over page tables built in a test buffer, one paging
 * mode at a time, and instruction fetch across a page boundary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mem/guest_walk.h"
#include "util.h"

#define MEM_SIZE 0x10000u /* 64 KiB: every table and test page in it */

static uint8_t mem[MEM_SIZE];

static struct guest_mmu mmu(uint64_t cr0, uint64_t cr3, uint64_t cr4,
			    uint64_t efer)
{
	memset(mem, 0, sizeof(mem));
	return (struct guest_mmu){.mem = mem,
				  .mem_size = sizeof(mem),
				  .cr0 = cr0,
				  .cr3 = cr3,
				  .cr4 = cr4,
				  .efer = efer};
}

static void entry32(uint64_t table, unsigned int index, uint64_t value)
{
	put_le(mem + table + 4 * index, 4, value);
}

static void entry64(uint64_t table, unsigned int index, uint64_t value)
{
	put_le(mem + table + 8 * index, 8, value);
}

static uint64_t walk(const struct guest_mmu *g, uint64_t linear,
		     enum guest_walk_result expect)
{
	uint64_t gpa = 0xbad;

	assert_int_equal(guest_walk(g, linear, &gpa), expect);
	return gpa;
}

#define CR0_PAGING (CR0_PE | CR0_PG)
#define EFER_LONG (EFER_LME | EFER_LMA)

static void mode_from_control_registers(void **state)
{
	struct guest_mmu g = {0};

	(void)state;
	g.cr0 = CR0_PE;
	g.cr4 = CR4_PAE;
	g.efer = EFER_LME; /* LME without PG: not active */
	assert_int_equal(guest_paging_mode(&g), GUEST_PAGING_NONE);
	g.cr0 = CR0_PAGING;
	g.cr4 = CR4_PSE;
	g.efer = 0;
	assert_int_equal(guest_paging_mode(&g), GUEST_PAGING_32BIT);
	g.cr4 = CR4_PAE;
	assert_int_equal(guest_paging_mode(&g), GUEST_PAGING_PAE);
	g.efer = EFER_LONG;
	assert_int_equal(guest_paging_mode(&g), GUEST_PAGING_4LEVEL);
	g.cr4 = CR4_PAE | CR4_LA57;
	assert_int_equal(guest_paging_mode(&g), GUEST_PAGING_5LEVEL);
	assert_int_equal(walk(&g, 0x1000, GUEST_WALK_5LEVEL), 0xbad);
	assert_string_equal(guest_walk_result_text(GUEST_WALK_5LEVEL),
			    "5-level paging");
	assert_string_equal(guest_walk_result_text(GUEST_WALK_OUTSIDE_MEMORY),
			    "paging structure outside guest memory");
}

static void no_paging_is_identity_in_32_bits(void **state)
{
	struct guest_mmu g = mmu(CR0_PE, 0x1000, CR4_PAE, 0);

	(void)state;
	assert_int_equal(walk(&g, 0xfee000f0, GUEST_WALK_OK), 0xfee000f0);
	/* Without IA-32e mode, linear addresses are 32 bits. */
	assert_int_equal(walk(&g, 0x100001234ull, GUEST_WALK_OK), 0x1234);
}

/* 32-bit paging: PD at 0x1000, PT at 0x2000. */
static void paging_32bit_4k(void **state)
{
	struct guest_mmu g =
		mmu(CR0_PAGING, 0x1000 | 0x18 /* PWT, PCD */, 0, 0);

	(void)state;
	entry32(0x1000, 1, 0x2000 | PTE_P | PTE_RW); /* 0x00400000 */
	entry32(0x2000, 3, 0x5000 | PTE_P);	     /* 0x00403000 */
	entry32(0x2000, 4, 0x7000);		     /* not present */
	assert_int_equal(walk(&g, 0x00403abc, GUEST_WALK_OK), 0x5abc);
	walk(&g, 0x00404000, GUEST_WALK_NOT_PRESENT);
	walk(&g, 0x00800000, GUEST_WALK_NOT_PRESENT); /* PDE 2 is 0 */
	/* Bits 63:32 of the linear address are not part of it. */
	assert_int_equal(walk(&g, 0xffffffff00403001ull, GUEST_WALK_OK),
			 0x5001);
}

static void paging_32bit_4m_needs_pse(void **state)
{
	struct guest_mmu g = mmu(CR0_PAGING, 0x1000, CR4_PSE, 0);
	/* 4 MiB at 0x00c00000, and bits 20:13 = 0x81: physical bits 39:32. */
	uint64_t pde = 0x00c00000 | 0x81u << 13 | PTE_PS | PTE_P;

	(void)state;
	entry32(0x1000, 0x3fb, pde); /* linear 0xfec00000 */
	assert_int_equal(walk(&g, 0xfee12345, GUEST_WALK_OK),
			 0x8100c00000ull | 0x212345);
	/* Without CR4.PSE, PS is ignored: the entry points to a page table,
	 * at 0x00c00000 + 0x81 << 13 (bits 31:12), outside memory. */
	g.cr4 = 0;
	walk(&g, 0xfee12345, GUEST_WALK_OUTSIDE_MEMORY);
}

/* PAE: the PDPTEs come from the caller (the VMCS), not from CR3's table. */
static void paging_pae_from_pdpte_registers(void **state)
{
	struct guest_mmu g = mmu(CR0_PAGING, 0x1000, CR4_PAE, 0);

	(void)state;
	/* What the table at CR3 says, which must not be used. */
	entry64(0x1000, 3, 0x8000 | PTE_P);
	g.pdpte[3] = 0x3000 | PTE_P; /* 0xc0000000 */
	g.pdpte[0] = 0;
	entry64(0x3000, 0x1f6, 0x4000 | PTE_P); /* 0xfec00000 */
	entry64(0x4000, 0x002, 0x9000 | PTE_P); /* 0xfec02000 */
	entry64(0x3000, 0x1f7, 0xfee00000 | PTE_PS | PTE_P);
	entry64(0x3000, 0x001, 0x12345600000ull | PTE_PS | PTE_P | PTE_NX);

	assert_int_equal(walk(&g, 0xfec02010, GUEST_WALK_OK), 0x9010);
	/* A 2-MiB page, whatever CR4.PSE says. */
	assert_int_equal(walk(&g, 0xfee000f0, GUEST_WALK_OK), 0xfee000f0);
	walk(&g, 0xfec03000, GUEST_WALK_NOT_PRESENT);
	walk(&g, 0x00001000, GUEST_WALK_NOT_PRESENT); /* PDPTE 0 */
	g.pdpte[0] = 0x3000 | PTE_P;
	/* Physical addresses above 4 GiB; XD is not part of the address. */
	assert_int_equal(walk(&g, 0x00200042, GUEST_WALK_OK), 0x12345600042ull);
	/* A page directory outside memory. */
	g.pdpte[2] = 0x40000000 | PTE_P;
	walk(&g, 0x80000000, GUEST_WALK_OUTSIDE_MEMORY);
}

/* 4-level: PML4 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000, with Linux's
 * direct map at 0xffff888000000000 (PML4 index 273). */
static struct guest_mmu four_level(void)
{
	/* CR3's low bits (PCD, PWT, a PCID) are not part of the address. */
	struct guest_mmu g = mmu(CR0_PAGING, 0x1000 | 0x18, CR4_PAE, EFER_LONG);

	entry64(0x1000, 273, 0x2000 | PTE_P | PTE_RW);
	entry64(0x2000, 0, 0x3000 | PTE_P | PTE_RW);
	entry64(0x3000, 0, 0x4000 | PTE_P | PTE_RW);
	entry64(0x4000, 1, 0x6000 | PTE_P | PTE_NX);
	entry64(0x4000, 2, 0x7000 | PTE_P);
	/* 0xffff888040000000: a 1-GiB page at 3 GiB */
	entry64(0x2000, 1, 0xc0000000 | PTE_PS | PTE_P);
	/* 0xffff888000200000: a 2-MiB page at 0xfee00000 */
	entry64(0x3000, 1, 0xfee00000 | PTE_PS | PTE_P);
	return g;
}

static void paging_4level(void **state)
{
	struct guest_mmu g = four_level();

	(void)state;
	assert_int_equal(walk(&g, 0xffff888000001234ull, GUEST_WALK_OK),
			 0x6234);
	assert_int_equal(walk(&g, 0xffff888000002fffull, GUEST_WALK_OK),
			 0x7fff);
	assert_int_equal(walk(&g, 0xffff888000200300ull, GUEST_WALK_OK),
			 0xfee00300);
	assert_int_equal(walk(&g, 0xffff888052345678ull, GUEST_WALK_OK),
			 0xd2345678);
}

static void paging_4level_not_present_at_each_level(void **state)
{
	struct guest_mmu g = four_level();

	(void)state;
	walk(&g, 0xffff888000003000ull, GUEST_WALK_NOT_PRESENT); /* PTE */
	walk(&g, 0xffff888000400000ull, GUEST_WALK_NOT_PRESENT); /* PDE */
	walk(&g, 0xffff888080000000ull, GUEST_WALK_NOT_PRESENT); /* PDPTE */
	walk(&g, 0xffff880000000000ull, GUEST_WALK_NOT_PRESENT); /* PML4E */
	/* The same address's PML4 entry, made present: now it translates. */
	entry64(0x1000, 272, 0x2000 | PTE_P);
	assert_int_equal(walk(&g, 0xffff880000001000ull, GUEST_WALK_OK),
			 0x6000);
}

static void paging_4level_tables_outside_memory(void **state)
{
	struct guest_mmu g = four_level();

	(void)state;
	/* A page table whose last entry would straddle the end. */
	entry64(0x3000, 2, (MEM_SIZE - 0x1000) | PTE_P);
	g.mem_size = MEM_SIZE - 4;
	walk(&g, 0xffff8880005ff000ull, GUEST_WALK_OUTSIDE_MEMORY);
	g.mem_size = MEM_SIZE;
	walk(&g, 0xffff8880005ff000ull, GUEST_WALK_NOT_PRESENT);
	/* A PDPT far above memory. */
	entry64(0x1000, 273, 0x7fff0000000ull | PTE_P);
	walk(&g, 0xffff888000001000ull, GUEST_WALK_OUTSIDE_MEMORY);
	/* CR3 itself outside: so is the PML4. */
	g.cr3 = 0x100000;
	walk(&g, 0x1000, GUEST_WALK_OUTSIDE_MEMORY);
	/* An empty buffer holds no table. */
	g.cr3 = 0;
	g.mem_size = 0;
	walk(&g, 0x1000, GUEST_WALK_OUTSIDE_MEMORY);
	/* PML4 bit 7 is not PS: the walk goes on to the PDPT. */
	g = four_level();
	entry64(0x1000, 273, 0x2000 | PTE_PS | PTE_P);
	assert_int_equal(walk(&g, 0xffff888000001234ull, GUEST_WALK_OK),
			 0x6234);
}

/* An instruction at 0xffff888000001ffd: three bytes at the end of the
 * page at physical 0x6000, the rest on the next linear page, which maps
 * physical 0x9000, not the 0x7000 that follows in the buffer. */
static void fetch_crosses_a_page_boundary(void **state)
{
	struct guest_mmu g = four_level();
	static const uint8_t insn[] = {0x8b, 0x87, 0xf0, 0x00, 0x00, 0x00};
	uint8_t buf[INSN_MAX_LENGTH + 4];

	(void)state;
	entry64(0x4000, 2, 0x9000 | PTE_P);
	memcpy(mem + 0x6ffd, insn, 3);
	memset(mem + 0x7000, 0xee, 3);
	memcpy(mem + 0x9000, insn + 3, 3);
	memset(buf, 0xcc, sizeof(buf));
	assert_int_equal(guest_fetch(&g, 0xffff888000001ffdull, buf, 6), 6);
	assert_memory_equal(buf, insn, 6);
	assert_int_equal(buf[6], 0xcc);

	/* The second page not present: the first page's bytes only. */
	entry64(0x4000, 2, 0x9000);
	memset(buf, 0xcc, sizeof(buf));
	assert_int_equal(guest_fetch(&g, 0xffff888000001ffdull, buf, 6), 3);
	assert_memory_equal(buf, insn, 3);
	assert_int_equal(buf[3], 0xcc);
	assert_int_equal(guest_fetch(&g, 0xffff888000002000ull, buf, 6), 0);
}

/* 32-bit paging wraps at 4 GiB: the byte after 0xffffffff is at linear
 * 0. */
static void fetch_wraps_at_4g_outside_ia32e(void **state)
{
	struct guest_mmu g = mmu(CR0_PAGING, 0x1000, 0, 0);
	uint8_t buf[4];

	(void)state;
	entry32(0x1000, 0x3ff, 0x2000 | PTE_P);
	entry32(0x2000, 0x3ff, 0x5000 | PTE_P); /* 0xfffff000 */
	entry32(0x1000, 0, 0x3000 | PTE_P);
	entry32(0x3000, 0, 0x8000 | PTE_P); /* 0x00000000 */
	mem[0x5fff] = 0x89;
	mem[0x8000] = 0x30;
	assert_int_equal(guest_fetch(&g, 0xffffffff, buf, 2), 2);
	assert_memory_equal(buf, "\x89\x30", 2);
}

static void fetch_limits(void **state)
{
	struct guest_mmu g = four_level();
	uint8_t buf[32];

	(void)state;
	memset(mem + 0x6000, 0x90, 0x1000);
	memset(buf, 0xcc, sizeof(buf));
	/* Never more than the longest instruction. */
	assert_int_equal(guest_fetch(&g, 0xffff888000001000ull, buf, 32),
			 INSN_MAX_LENGTH);
	assert_int_equal(buf[INSN_MAX_LENGTH - 1], 0x90);
	assert_int_equal(buf[INSN_MAX_LENGTH], 0xcc);
	/* A page that ends guest memory: up to its end. */
	g.mem_size = 0x6ffa;
	assert_int_equal(guest_fetch(&g, 0xffff888000001ff0ull, buf, 15), 10);
	/* A page that maps nothing of guest memory (the local APIC's). */
	assert_int_equal(guest_fetch(&g, 0xffff888000200000ull, buf, 15), 0);
	/* Without paging: physical addresses, the same limits. */
	g = mmu(CR0_PE, 0, 0, 0);
	mem[MEM_SIZE - 2] = 0x8b;
	mem[MEM_SIZE - 1] = 0x00;
	assert_int_equal(guest_fetch(&g, MEM_SIZE - 2, buf, 15), 2);
	assert_memory_equal(buf, "\x8b\x00", 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mode_from_control_registers),
		cmocka_unit_test(no_paging_is_identity_in_32_bits),
		cmocka_unit_test(paging_32bit_4k),
		cmocka_unit_test(paging_32bit_4m_needs_pse),
		cmocka_unit_test(paging_pae_from_pdpte_registers),
		cmocka_unit_test(paging_4level),
		cmocka_unit_test(paging_4level_not_present_at_each_level),
		cmocka_unit_test(paging_4level_tables_outside_memory),
		cmocka_unit_test(fetch_crosses_a_page_boundary),
		cmocka_unit_test(fetch_wraps_at_4g_outside_ia32e),
		cmocka_unit_test(fetch_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
