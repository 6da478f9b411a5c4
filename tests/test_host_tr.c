/* Issue 11 item 4: which TR the host keeps (vmm/host_tr.c), decided from
 * GDT images like the firmware's. Before the fix hv.efi always loaded its
 * own TSS: the "stack guard" case below is the one it got wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "x86/host_tr.h"

/* OVMF's GDT: null, then flat code and data descriptors. */
static const uint64_t ovmf_gdt[] = {
	0,
	0x00cf92000000ffffull, /* 0x08 data */
	0x00cf9a000000ffffull, /* 0x10 code 32 */
	0x00cf92000000ffffull, /* 0x18 data */
	0x00cf9a000000ffffull, /* 0x20 */
	0x00cf92000000ffffull, /* 0x28 */
	0x00af9a000000ffffull, /* 0x30 code 64 */
	0,
};

/* An EDK2 GDT with the stack guard: the same, then a busy 64-bit TSS at
 * 0x40 whose base is 0x0000_0001_7f8e_5000 (limit 0x67). */
static uint64_t guard_gdt[10];

static void make_guard_gdt(void)
{
	uint64_t base = 0x000000017f8e5000ull;

	memcpy(guard_gdt, ovmf_gdt, sizeof(ovmf_gdt));
	guard_gdt[8] = 0x67 | (base & 0xffffff) << 16 | 0x8bull << 40 |
		       ((base >> 24) & 0xff) << 56;
	guard_gdt[9] = base >> 32;
}

static void firmware_without_a_tss_gets_hvs_own(void **state)
{
	struct host_tr_choice c;

	(void)state;
	host_tr_choose(0, (const uint8_t *)ovmf_gdt, sizeof(ovmf_gdt), &c);
	assert_true(c.own);
	assert_string_equal(c.why, "the firmware has no TSS");
}

static void firmwares_tss_is_kept(void **state)
{
	struct host_tr_choice c;

	(void)state;
	make_guard_gdt();
	host_tr_choose(0x40, (const uint8_t *)guard_gdt, sizeof(guard_gdt), &c);
	assert_false(c.own);
	assert_int_equal(c.selector, 0x40);
	assert_int_equal(c.base, 0x000000017f8e5000ull);
	/* an available (not yet busy) TSS descriptor is a TSS too */
	guard_gdt[8] &= ~(0x2ull << 40);
	host_tr_choose(0x40, (const uint8_t *)guard_gdt, sizeof(guard_gdt), &c);
	assert_false(c.own);
}

/* What HOST_TR_SELECTOR cannot hold, or what is no TSS: hv's own. */
static void anything_but_a_gdt_tss_gets_hvs_own(void **state)
{
	struct host_tr_choice c;
	const uint8_t *g = (const uint8_t *)guard_gdt;

	(void)state;
	make_guard_gdt();
	host_tr_choose(0x43, g, sizeof(guard_gdt), &c); /* RPL 3 */
	assert_true(c.own);
	host_tr_choose(0x44, g, sizeof(guard_gdt), &c); /* TI: the LDT */
	assert_true(c.own);
	/* past the limit: an earlier hv.efi's TSS, in a page of its own */
	host_tr_choose(0x40, (const uint8_t *)ovmf_gdt, sizeof(ovmf_gdt), &c);
	assert_true(c.own);
	assert_string_equal(c.why, "the firmware's TR is outside its GDT");
	host_tr_choose(0x40, g, sizeof(guard_gdt) - 1, &c); /* half in */
	assert_true(c.own);
	host_tr_choose(0x30, g, sizeof(guard_gdt), &c); /* code */
	assert_true(c.own);
	assert_string_equal(c.why,
			    "the firmware's TR does not select a 64-bit TSS");
	guard_gdt[8] &= ~(1ull << 47); /* not present */
	host_tr_choose(0x40, g, sizeof(guard_gdt), &c);
	assert_true(c.own);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(firmware_without_a_tss_gets_hvs_own),
		cmocka_unit_test(firmwares_tss_is_kept),
		cmocka_unit_test(anything_but_a_gdt_tss_gets_hvs_own),
	};

	return cmocka_run_group_tests_name("host_tr", tests, NULL, NULL);
}
