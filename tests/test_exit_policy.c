/* The exit policy: "trap" in, control bits and bitmaps out, and the SDM's
 * exit conditions read back from them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "flat/flat_machine.h"
#include "vmx/exit_policy.h"
#include "host_platform.h"
#include "util.h"
#include "vmx/vmx_controls.h"
#include "x86/msr.h"

static uint8_t msr_map[EXIT_BITMAP_SIZE], io_a[EXIT_BITMAP_SIZE],
	io_b[EXIT_BITMAP_SIZE];
static struct exit_bitmaps maps = {msr_map, io_a, io_b};

static int reset_maps(void **state)
{
	(void)state;
	memset(msr_map, 0, sizeof(msr_map));
	memset(io_a, 0, sizeof(io_a));
	memset(io_b, 0, sizeof(io_b));
	return 0;
}

static enum exit_action rd(const struct exit_controls *c, uint32_t msr)
{
	return exit_policy_msr_action(c, &maps, msr, false);
}

static enum exit_action wr(const struct exit_controls *c, uint32_t msr)
{
	return exit_policy_msr_action(c, &maps, msr, true);
}

static enum exit_action io(const struct exit_controls *c, uint16_t port,
			   unsigned int size)
{
	return exit_policy_io_action(c, &maps, port, size);
}

static bool bit(const uint8_t *map, unsigned int n)
{
	return map[n / 8] & (1u << (n % 8));
}

static void empty_policy_traps_every_msr_and_port(void **state)
{
	struct exit_policy p = {0};
	struct exit_controls c;
	static const uint32_t msrs[] = {0,
					MSR_IA32_TIME_STAMP_COUNTER,
					0x1fff,
					0x2000,
					MSR_IA32_EFER,
					0xc0001fff,
					0xc0002000,
					0xffffffff};

	(void)state;
	assert_int_equal(exit_policy_build(&p, &c, &maps), 0);
	assert_false(c.uses_msr_bitmap);
	assert_false(c.uses_io_bitmaps);
	assert_int_equal(c.proc, PROC_UNCONDITIONAL_IO_EXITING);
	assert_int_equal(c.pin, 0);
	assert_int_equal(c.proc2, 0);
	for (size_t i = 0; i < COUNT_OF(msrs); i++) {
		assert_int_equal(rd(&c, msrs[i]), POLICY_TRAP);
		assert_int_equal(wr(&c, msrs[i]), POLICY_TRAP);
	}
	for (uint32_t port = 0; port <= 0xffff; port++)
		assert_int_equal(io(&c, (uint16_t)port, 1), POLICY_TRAP);
}

/* Bitmaps the controls do not use are still written, all-trap, so that a
 * dump of them never suggests a pass that is not there. */
static void unused_bitmaps_are_written_all_trap(void **state)
{
	struct exit_policy p = {0};
	struct exit_controls c;

	(void)state;
	assert_int_equal(exit_policy_build(&p, &c, &maps), 0);
	for (size_t i = 0; i < EXIT_BITMAP_SIZE; i++) {
		assert_int_equal(msr_map[i], 0xff);
		assert_int_equal(io_a[i], 0xff);
		assert_int_equal(io_b[i], 0xff);
	}
}

static void all_trap_policy_needs_no_bitmap(void **state)
{
	static const struct msr_rule msrs[] = {
		{0, 0x1fff, POLICY_TRAP, POLICY_TRAP},
		{0xc0002000, 0xffffffff, POLICY_TRAP, POLICY_TRAP},
	};
	static const struct io_rule ports[] = {{0, 0xffff, POLICY_TRAP}};
	struct exit_policy p = {
		.msrs = msrs, .msr_count = 2, .io = ports, .io_count = 1};
	struct exit_bitmaps none = {0};
	struct exit_controls c;

	(void)state;
	assert_int_equal(exit_policy_build(&p, &c, &none), 0);
	assert_false(c.uses_msr_bitmap);
	assert_false(c.uses_io_bitmaps);
	assert_false(c.proc & PROC_USE_MSR_BITMAPS);
	assert_false(c.proc & PROC_USE_IO_BITMAPS);
	assert_true(c.proc & PROC_UNCONDITIONAL_IO_EXITING);
	assert_int_equal(exit_policy_msr_action(&c, &none, 0x10, false),
			 POLICY_TRAP);
	assert_int_equal(exit_policy_io_action(&c, &none, 0x80, 1),
			 POLICY_TRAP);
	assert_int_equal(exit_policy_build(&p, &c, NULL), 0);
}

struct single_case {
	size_t member;
	uint32_t pin, proc, proc2;
};

#define MEMBER(m) offsetof(struct exit_policy, m)

static void each_single_control_sets_its_bit(void **state)
{
	static const struct single_case cases[] = {
		{MEMBER(hlt), 0, PROC_HLT_EXITING, 0},
		{MEMBER(cr3_load), 0, PROC_CR3_LOAD_EXITING, 0},
		{MEMBER(cr3_store), 0, PROC_CR3_STORE_EXITING, 0},
		{MEMBER(cr8_load), 0, PROC_CR8_LOAD_EXITING, 0},
		{MEMBER(cr8_store), 0, PROC_CR8_STORE_EXITING, 0},
		{MEMBER(invlpg), 0, PROC_INVLPG_EXITING, 0},
		{MEMBER(rdtsc), 0, PROC_RDTSC_EXITING, 0},
		{MEMBER(rdpmc), 0, PROC_RDPMC_EXITING, 0},
		{MEMBER(mwait), 0, PROC_MWAIT_EXITING, 0},
		{MEMBER(monitor), 0, PROC_MONITOR_EXITING, 0},
		{MEMBER(pause), 0, PROC_PAUSE_EXITING, 0},
		{MEMBER(mov_dr), 0, PROC_MOV_DR_EXITING, 0},
		{MEMBER(wbinvd), 0, PROC_ACTIVATE_SECONDARY_CONTROLS,
		 PROC2_WBINVD_EXITING},
		{MEMBER(rdrand), 0, PROC_ACTIVATE_SECONDARY_CONTROLS,
		 PROC2_RDRAND_EXITING},
		{MEMBER(rdseed), 0, PROC_ACTIVATE_SECONDARY_CONTROLS,
		 PROC2_RDSEED_EXITING},
		{MEMBER(descriptor_tables), 0, PROC_ACTIVATE_SECONDARY_CONTROLS,
		 PROC2_DESCRIPTOR_TABLE_EXITING},
		{MEMBER(external_interrupt), PIN_EXTERNAL_INTERRUPT_EXITING, 0,
		 0},
		{MEMBER(nmi), PIN_NMI_EXITING, 0, 0},
	};

	(void)state;
	for (size_t i = 0; i < COUNT_OF(cases); i++) {
		struct exit_policy p = {0};
		struct exit_controls c;

		*(enum exit_action *)((char *)&p + cases[i].member) =
			POLICY_TRAP;
		assert_int_equal(exit_policy_build(&p, &c, &maps), 0);
		assert_int_equal(c.pin, cases[i].pin);
		assert_int_equal(c.proc,
				 cases[i].proc | PROC_UNCONDITIONAL_IO_EXITING);
		assert_int_equal(c.proc2, cases[i].proc2);
	}
}

static void preemption_timer_masks_and_exceptions(void **state)
{
	struct exit_policy p = {.preemption_timer = true,
				.cr0_trap_bits = 0x80000021, /* PG, NE, PE */
				.cr4_trap_bits = 1u << 13,   /* VMXE */
				.exception_trap_bitmap =
					(1u << 6) | (1u << 14)};
	struct exit_controls c;

	(void)state;
	assert_int_equal(exit_policy_build(&p, &c, &maps), 0);
	assert_int_equal(c.pin, PIN_ACTIVATE_PREEMPTION_TIMER);
	/* Guest/host masks and the exception bitmap are already "1 = trap" (SDM
	 * 3C 25.6.3, "Exception Bitmap", 25.6.6, "Guest/Host Masks and Read
	 * Shadows for CR0 and CR4"): copied, not inverted. */
	assert_int_equal(c.cr0_guest_host_mask, 0x80000021);
	assert_int_equal(c.cr4_guest_host_mask, 1u << 13);
	assert_int_equal(c.exception_bitmap, (1u << 6) | (1u << 14));
}

/* With "use MSR bitmaps" and a bitmap of zeros, the edges of the two
 * covered regions pass and everything just outside them exits. */
static void msrs_outside_the_bitmap_regions_always_exit(void **state)
{
	struct exit_controls c = {.proc = PROC_USE_MSR_BITMAPS};

	(void)state;
	assert_int_equal(rd(&c, 0), POLICY_PASS);
	assert_int_equal(wr(&c, 0x1fff), POLICY_PASS);
	assert_int_equal(rd(&c, 0x2000), POLICY_TRAP);
	assert_int_equal(rd(&c, 0xbfffffff), POLICY_TRAP);
	assert_int_equal(wr(&c, 0xc0000000), POLICY_PASS);
	assert_int_equal(rd(&c, 0xc0001fff), POLICY_PASS);
	assert_int_equal(wr(&c, 0xc0002000), POLICY_TRAP);
	assert_int_equal(rd(&c, 0xffffffff), POLICY_TRAP);
	c.proc = 0; /* no bitmap: every access exits */
	assert_int_equal(rd(&c, 0), POLICY_TRAP);
	assert_int_equal(wr(&c, 0xc0000000), POLICY_TRAP);
}

static void msr_passes_at_region_edges(void **state)
{
	static const struct msr_rule msrs[] = {
		{0x0, 0x0, POLICY_PASS, POLICY_PASS},
		{0x1fff, 0x1fff, POLICY_PASS, POLICY_PASS},
		{0xc0000000, 0xc0000000, POLICY_PASS, POLICY_PASS},
		{0xc0001fff, 0xc0001fff, POLICY_PASS, POLICY_PASS},
	};
	struct exit_policy p = {.msrs = msrs, .msr_count = 4};
	struct exit_controls c;

	(void)state;
	assert_int_equal(exit_policy_build(&p, &c, &maps), 0);
	assert_true(c.uses_msr_bitmap);
	assert_true(c.proc & PROC_USE_MSR_BITMAPS);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(rd(&c, msrs[i].first), POLICY_PASS);
		assert_int_equal(wr(&c, msrs[i].first), POLICY_PASS);
	}
	assert_int_equal(rd(&c, 0x1), POLICY_TRAP);
	assert_int_equal(rd(&c, 0x1ffe), POLICY_TRAP);
	assert_int_equal(rd(&c, 0x2000), POLICY_TRAP);
	assert_int_equal(rd(&c, 0xbfffffff), POLICY_TRAP);
	assert_int_equal(rd(&c, 0xc0000001), POLICY_TRAP);
	assert_int_equal(rd(&c, 0xc0001ffe), POLICY_TRAP);
	assert_int_equal(rd(&c, 0xc0002000), POLICY_TRAP);
	assert_int_equal(wr(&c, 0xc0002000), POLICY_TRAP);
	/* Raw layout, SDM 3C 25.6.9, "MSR-Bitmap Address": read-low 0,
	 * read-high 1024, write-low 2048, write-high 3072; MSR n of a region is
	 * bit n. */
	assert_false(bit(msr_map, 0));
	assert_false(bit(msr_map, 0x1fff));
	assert_false(bit(msr_map + 1024, 0));
	assert_false(bit(msr_map + 1024, 0x1fff));
	assert_false(bit(msr_map + 2048, 0));
	assert_false(bit(msr_map + 2048, 0x1fff));
	assert_false(bit(msr_map + 3072, 0));
	assert_false(bit(msr_map + 3072, 0x1fff));
	assert_true(bit(msr_map, 1));
	assert_true(bit(msr_map + 3072, 1));
}

static void msr_read_and_write_are_independent(void **state)
{
	static const struct msr_rule msrs[] = {
		{MSR_IA32_TIME_STAMP_COUNTER, MSR_IA32_TIME_STAMP_COUNTER,
		 POLICY_PASS, POLICY_TRAP},
		{MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_EIP, POLICY_TRAP,
		 POLICY_PASS},
		{MSR_IA32_EFER, MSR_IA32_EFER, POLICY_PASS, POLICY_TRAP},
		{MSR_IA32_FS_BASE, MSR_IA32_KERNEL_GS_BASE, POLICY_PASS,
		 POLICY_PASS},
	};
	struct exit_policy p = {.msrs = msrs, .msr_count = 4};
	struct exit_controls c;

	(void)state;
	assert_int_equal(exit_policy_build(&p, &c, &maps), 0);
	assert_int_equal(rd(&c, MSR_IA32_TIME_STAMP_COUNTER), POLICY_PASS);
	assert_int_equal(wr(&c, MSR_IA32_TIME_STAMP_COUNTER), POLICY_TRAP);
	assert_int_equal(rd(&c, MSR_IA32_SYSENTER_ESP), POLICY_TRAP);
	assert_int_equal(wr(&c, MSR_IA32_SYSENTER_CS), POLICY_PASS);
	assert_int_equal(wr(&c, MSR_IA32_SYSENTER_EIP), POLICY_PASS);
	assert_int_equal(wr(&c, 0x177), POLICY_TRAP);
	assert_int_equal(rd(&c, MSR_IA32_EFER), POLICY_PASS);
	assert_int_equal(wr(&c, MSR_IA32_EFER), POLICY_TRAP);
	assert_int_equal(rd(&c, MSR_IA32_GS_BASE), POLICY_PASS);
	assert_int_equal(wr(&c, MSR_IA32_KERNEL_GS_BASE), POLICY_PASS);
	assert_int_equal(wr(&c, MSR_IA32_TSC_AUX), POLICY_TRAP);
	/* 0x10: byte 2, bit 0 of read-low clear; of write-low set. */
	assert_int_equal(msr_map[2] & 1, 0);
	assert_int_equal(msr_map[2048 + 2] & 1, 1);
	/* 0xc0000080: byte 16, bit 0 of read-high clear, write-high set. */
	assert_int_equal(msr_map[1024 + 16] & 1, 0);
	assert_int_equal(msr_map[3072 + 16] & 1, 1);
}

/* One port per bit: A holds 0-0x7fff, B 0x8000-0xffff (SDM 3C 25.6.4,
 * "I/O-Bitmap Addresses"). */
static void io_bitmap_a_b_boundary(void **state)
{
	static const struct io_rule ports[] = {{0x7fff, 0x7fff, POLICY_PASS}};
	struct exit_policy p = {.io = ports, .io_count = 1};
	struct exit_controls c;

	(void)state;
	assert_int_equal(exit_policy_build(&p, &c, &maps), 0);
	assert_true(c.uses_io_bitmaps);
	assert_true(c.proc & PROC_USE_IO_BITMAPS);
	assert_false(c.proc & PROC_UNCONDITIONAL_IO_EXITING);
	assert_int_equal(io_a[0xfff], 0x7f);
	assert_int_equal(io_b[0], 0xff);
	assert_int_equal(io(&c, 0x7fff, 1), POLICY_PASS);
	assert_int_equal(io(&c, 0x7ffe, 1), POLICY_TRAP);
	assert_int_equal(io(&c, 0x8000, 1), POLICY_TRAP);
	assert_int_equal(io(&c, 0x7fff, 2), POLICY_TRAP); /* 0x8000 marked */

	static const struct io_rule b[] = {{0x7fff, 0x8000, POLICY_PASS}};
	p.io = b;
	assert_int_equal(exit_policy_build(&p, &c, &maps), 0);
	assert_int_equal(io_b[0], 0xfe);
	assert_int_equal(io(&c, 0x8000, 1), POLICY_PASS);
	assert_int_equal(io(&c, 0x7fff, 2), POLICY_PASS);
	assert_int_equal(io(&c, 0x7fff, 4), POLICY_TRAP);
}

/* A COM1 dword access straddling the last passed port. */
static void io_access_exits_if_any_port_is_marked(void **state)
{
	static const struct io_rule ports[] = {{0x3f8, 0x3ff, POLICY_PASS}};
	struct exit_policy p = {.io = ports, .io_count = 1};
	struct exit_controls c;

	(void)state;
	assert_int_equal(exit_policy_build(&p, &c, &maps), 0);
	assert_int_equal(io(&c, 0x3f8, 1), POLICY_PASS);
	assert_int_equal(io(&c, 0x3fc, 4), POLICY_PASS);
	assert_int_equal(io(&c, 0x3fd, 4), POLICY_TRAP);
	assert_int_equal(io(&c, 0x3fe, 2), POLICY_PASS);
	assert_int_equal(io(&c, 0x3ff, 2), POLICY_TRAP);
	assert_int_equal(io(&c, 0x3f7, 2), POLICY_TRAP);
	assert_int_equal(io(&c, 0x400, 1), POLICY_TRAP);
}

/* An access that wraps past 0xffff exits even if every port is passed. */
static void io_access_wrapping_past_ffff_exits(void **state)
{
	static const struct io_rule ports[] = {{0, 0xffff, POLICY_PASS}};
	struct exit_policy p = {.io = ports, .io_count = 1};
	struct exit_controls c;

	(void)state;
	assert_int_equal(exit_policy_build(&p, &c, &maps), 0);
	assert_int_equal(io(&c, 0xffff, 1), POLICY_PASS);
	assert_int_equal(io(&c, 0xfffc, 4), POLICY_PASS);
	assert_int_equal(io(&c, 0xfffd, 4), POLICY_TRAP);
	assert_int_equal(io(&c, 0xffff, 2), POLICY_TRAP);
	assert_int_equal(io(&c, 0, 4), POLICY_PASS);
}

/* Both I/O controls 0 means the guest owns every port: the builder never
 * produces it, and the read-back says so. */
static void io_without_bitmaps_follows_unconditional_exiting(void **state)
{
	struct exit_controls c = {0};

	(void)state;
	assert_int_equal(io(&c, 0x80, 1), POLICY_PASS);
	assert_int_equal(io(&c, 0xffff, 4), POLICY_PASS);
	c.proc = PROC_UNCONDITIONAL_IO_EXITING;
	assert_int_equal(io(&c, 0x80, 1), POLICY_TRAP);
	/* "use I/O bitmaps" overrides "unconditional I/O exiting". */
	c.proc |= PROC_USE_IO_BITMAPS;
	assert_int_equal(io(&c, 0x80, 1), POLICY_PASS);
}

static enum exit_action expected_msr(const struct exit_policy *p, uint32_t msr,
				     bool write)
{
	for (size_t i = 0; i < p->msr_count; i++)
		if (p->msrs[i].first <= msr && msr <= p->msrs[i].last)
			return write ? p->msrs[i].write : p->msrs[i].read;
	return POLICY_TRAP;
}

static enum exit_action expected_port(const struct exit_policy *p,
				      uint32_t port)
{
	for (size_t i = 0; i < p->io_count; i++)
		if (p->io[i].first <= port && port <= p->io[i].last)
			return p->io[i].action;
	return POLICY_TRAP;
}

/* Every MSR of both regions and every port and size: the CPU's view of
 * the built bitmaps equals the policy's words. */
static void build_then_read_back_matches_policy_everywhere(void **state)
{
	static const struct msr_rule msrs[] = {
		{0x0, 0x7, POLICY_PASS, POLICY_TRAP},
		{0x10, 0x10, POLICY_PASS, POLICY_PASS},
		{0x174, 0x176, POLICY_TRAP, POLICY_PASS},
		{0x1f00, 0x1fff, POLICY_PASS, POLICY_PASS},
		{0x2000, 0xbfffffff, POLICY_TRAP, POLICY_TRAP},
		{0xc0000080, 0xc0000084, POLICY_PASS, POLICY_TRAP},
		{0xc0000100, 0xc0000103, POLICY_PASS, POLICY_PASS},
	};
	static const struct io_rule ports[] = {
		{0x20, 0x21, POLICY_PASS},     {0x60, 0x64, POLICY_TRAP},
		{0x3f8, 0x3ff, POLICY_PASS},   {0x7ff0, 0x800f, POLICY_PASS},
		{0xfff0, 0xffff, POLICY_PASS},
	};
	struct exit_policy p = {
		.msrs = msrs, .msr_count = 7, .io = ports, .io_count = 5};
	struct exit_controls c;
	static const uint32_t bases[] = {0, 0xc0000000};

	(void)state;
	memset(msr_map, 0x5a, sizeof(msr_map)); /* the builder writes all */
	memset(io_a, 0x5a, sizeof(io_a));
	assert_int_equal(exit_policy_build(&p, &c, &maps), 0);
	for (size_t r = 0; r < 2; r++)
		for (uint32_t msr = bases[r]; msr < bases[r] + 0x2000; msr++) {
			assert_int_equal(rd(&c, msr),
					 expected_msr(&p, msr, false));
			assert_int_equal(wr(&c, msr),
					 expected_msr(&p, msr, true));
		}
	for (uint32_t port = 0; port <= 0xffff; port++) {
		static const unsigned int sizes[] = {1, 2, 4};

		for (size_t s = 0; s < 3; s++) {
			enum exit_action want = POLICY_PASS;

			for (uint32_t q = port; q < port + sizes[s]; q++)
				if (q > 0xffff ||
				    expected_port(&p, q) == POLICY_TRAP)
					want = POLICY_TRAP;
			assert_int_equal(io(&c, (uint16_t)port, sizes[s]),
					 want);
		}
	}
}

static void invalid_policies_are_rejected_untouched(void **state)
{
	static const struct msr_rule backwards[] = {
		{0x11, 0x10, POLICY_PASS, POLICY_PASS}};
	static const struct msr_rule overlap[] = {
		{0x10, 0x20, POLICY_PASS, POLICY_PASS},
		{0x20, 0x30, POLICY_TRAP, POLICY_TRAP}};
	static const struct msr_rule uncovered[] = {
		{0xc0002000, 0xc0002000, POLICY_PASS, POLICY_TRAP}};
	static const struct msr_rule across_edge[] = {
		{0x1fff, 0x2000, POLICY_TRAP, POLICY_PASS}};
	static const struct msr_rule across_regions[] = {
		{0x0, 0xc0000000, POLICY_PASS, POLICY_PASS}};
	static const struct msr_rule bad_action[] = {
		{0x10, 0x10, (enum exit_action)2, POLICY_PASS}};
	static const struct io_rule io_backwards[] = {
		{0x61, 0x60, POLICY_PASS}};
	static const struct io_rule io_overlap[] = {{0x60, 0x64, POLICY_PASS},
						    {0x0, 0x60, POLICY_PASS}};
	static const struct io_rule io_bad_action[] = {
		{0x60, 0x60, (enum exit_action) - 1}};
	const struct exit_policy bad[] = {
		{.msrs = backwards, .msr_count = 1},
		{.msrs = overlap, .msr_count = 2},
		{.msrs = uncovered, .msr_count = 1},
		{.msrs = across_edge, .msr_count = 1},
		{.msrs = across_regions, .msr_count = 1},
		{.msrs = bad_action, .msr_count = 1},
		{.msrs = NULL, .msr_count = 1},
		{.io = io_backwards, .io_count = 1},
		{.io = io_overlap, .io_count = 2},
		{.io = io_bad_action, .io_count = 1},
		{.io = NULL, .io_count = 1},
		{.hlt = (enum exit_action)3},
		{.nmi = (enum exit_action) - 1},
	};
	struct exit_controls c;

	(void)state;
	for (size_t i = 0; i < COUNT_OF(bad); i++) {
		memset(&c, 0xa5, sizeof(c));
		assert_int_equal(exit_policy_build(&bad[i], &c, &maps), -1);
		assert_int_equal(c.proc, 0xa5a5a5a5);
		assert_int_equal(msr_map[0], 0);
		assert_int_equal(io_a[0], 0);
	}
	assert_int_equal(exit_policy_build(NULL, &c, &maps), -1);
	assert_int_equal(exit_policy_build(&bad[11], NULL, &maps), -1);
}

/* A policy that passes something needs the bitmap to say so. */
static void missing_bitmap_is_rejected(void **state)
{
	static const struct msr_rule msrs[] = {
		{0x10, 0x10, POLICY_PASS, POLICY_TRAP}};
	static const struct io_rule ports[] = {{0x80, 0x80, POLICY_PASS}};
	struct exit_policy pm = {.msrs = msrs, .msr_count = 1};
	struct exit_policy pi = {.io = ports, .io_count = 1};
	struct exit_bitmaps no_msr = {NULL, io_a, io_b};
	struct exit_bitmaps no_b = {msr_map, io_a, NULL};
	struct exit_controls c;

	(void)state;
	assert_int_equal(exit_policy_build(&pm, &c, &no_msr), -1);
	assert_int_equal(exit_policy_build(&pm, &c, NULL), -1);
	assert_int_equal(exit_policy_build(&pi, &c, &no_b), -1);
	assert_int_equal(exit_policy_build(&pm, &c, &no_b), 0);
	assert_int_equal(exit_policy_build(&pi, &c, &no_msr), 0);
}

static void print_says_it_in_words(void **state)
{
	static const struct msr_rule msrs[] = {
		{MSR_IA32_TIME_STAMP_COUNTER, MSR_IA32_TIME_STAMP_COUNTER,
		 POLICY_PASS, POLICY_TRAP},
		{0xc0000100, 0xc0000102, POLICY_PASS, POLICY_PASS},
		{0x2000, 0x3000, POLICY_TRAP, POLICY_TRAP},
	};
	static const struct io_rule ports[] = {{0x3f8, 0x3ff, POLICY_PASS},
					       {0x80, 0x80, POLICY_PASS}};
	struct exit_policy p = {.hlt = POLICY_TRAP,
				.cr3_load = POLICY_TRAP,
				.descriptor_tables = POLICY_TRAP,
				.cr4_trap_bits = 1u << 13,
				.exception_trap_bitmap = (1u << 6) | (1u << 14),
				.msrs = msrs,
				.msr_count = 3,
				.io = ports,
				.io_count = 2};
	const char *out;

	(void)state;
	host_output_reset();
	exit_policy_print(&p);
	out = host_output();
	assert_non_null(strstr(
		out, "  trap: HLT, CR3 loads, descriptor-table accesses\n"));
	assert_non_null(strstr(out, "  free: CR3 stores, CR8 loads,"));
	assert_non_null(strstr(out, "  CR0 writes never trap\n"));
	assert_non_null(
		strstr(out, "  CR4 writes that change bits 0x2000 trap\n"));
	assert_non_null(strstr(out, "exception vectors that trap: 6, 14\n"));
	assert_non_null(strstr(out, "  MSRs free: 0x10 "
				    "(IA32_TIME_STAMP_COUNTER) read, "
				    "0xc0000100-0xc0000102 read/write; "
				    "every other MSR access traps\n"));
	assert_non_null(strstr(out, "  I/O ports free: 0x3f8-0x3ff, 0x80; "
				    "every other port traps\n"));

	host_output_reset();
	exit_policy_print(&(struct exit_policy){0});
	out = host_output();
	assert_non_null(strstr(out, "  trap: nothing\n"));
	assert_non_null(strstr(out, "MSRs free: none; every other"));
	assert_non_null(strstr(out, "I/O ports free: none; every other"));
}

/* The guest's SYSCALL MSRs and IA32_KERNEL_GS_BASE are its own (run.c
 * gives it power-on values and the host its own back): the bitmap passes
 * them both ways, while EFER (SCE among the bits) stays with the
 * hypervisor. */
static void guest_policy_passes_the_syscall_msrs(void **state)
{
	struct exit_controls c;
	static const uint32_t passed[] = {MSR_IA32_STAR, MSR_IA32_LSTAR,
					  MSR_IA32_CSTAR, MSR_IA32_FMASK,
					  MSR_IA32_KERNEL_GS_BASE};

	(void)state;
	assert_int_equal(exit_policy_build(&flat_exit_policy, &c, &maps), 0);
	for (size_t i = 0; i < sizeof(passed) / sizeof(passed[0]); i++) {
		assert_int_equal(rd(&c, passed[i]), POLICY_PASS);
		assert_int_equal(wr(&c, passed[i]), POLICY_PASS);
	}
	assert_int_equal(wr(&c, MSR_IA32_EFER), POLICY_TRAP);
}

/* Port 0x80 passes for 1-byte accesses only: a 2- or 4-byte access also
 * covers 0x81-0x83, and one trapping port makes it exit (SDM 3C 26.1.3),
 * to be denied like any other port (docs/guest-abi.md). */
static void guest_policy_passes_port_0x80_one_byte_only(void **state)
{
	struct exit_controls c;

	(void)state;
	assert_int_equal(exit_policy_build(&flat_exit_policy, &c, &maps), 0);
	assert_int_equal(io(&c, 0x80, 1), POLICY_PASS);
	assert_int_equal(io(&c, 0x80, 2), POLICY_TRAP);
	assert_int_equal(io(&c, 0x80, 4), POLICY_TRAP);
	assert_int_equal(io(&c, 0x7f, 2), POLICY_TRAP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(guest_policy_passes_the_syscall_msrs,
				       reset_maps),
		cmocka_unit_test_setup(
			guest_policy_passes_port_0x80_one_byte_only,
			reset_maps),
		cmocka_unit_test_setup(empty_policy_traps_every_msr_and_port,
				       reset_maps),
		cmocka_unit_test_setup(unused_bitmaps_are_written_all_trap,
				       reset_maps),
		cmocka_unit_test_setup(all_trap_policy_needs_no_bitmap,
				       reset_maps),
		cmocka_unit_test_setup(each_single_control_sets_its_bit,
				       reset_maps),
		cmocka_unit_test_setup(preemption_timer_masks_and_exceptions,
				       reset_maps),
		cmocka_unit_test_setup(
			msrs_outside_the_bitmap_regions_always_exit,
			reset_maps),
		cmocka_unit_test_setup(msr_passes_at_region_edges, reset_maps),
		cmocka_unit_test_setup(msr_read_and_write_are_independent,
				       reset_maps),
		cmocka_unit_test_setup(io_bitmap_a_b_boundary, reset_maps),
		cmocka_unit_test_setup(io_access_exits_if_any_port_is_marked,
				       reset_maps),
		cmocka_unit_test_setup(io_access_wrapping_past_ffff_exits,
				       reset_maps),
		cmocka_unit_test_setup(
			io_without_bitmaps_follows_unconditional_exiting,
			reset_maps),
		cmocka_unit_test_setup(
			build_then_read_back_matches_policy_everywhere,
			reset_maps),
		cmocka_unit_test_setup(invalid_policies_are_rejected_untouched,
				       reset_maps),
		cmocka_unit_test_setup(missing_bitmap_is_rejected, reset_maps),
		cmocka_unit_test_setup(print_says_it_in_words, reset_maps),
	};

	return cmocka_run_group_tests_name("exit_policy", tests, NULL, NULL);
}
