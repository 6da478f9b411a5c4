/* ACPI's PM1 registers (dev/acpi_pm.h) at any access width: PM1_STS
 * write-1-to-clear and never set, PM1_EN kept, PM1_CNT in ACPI mode with
 * SLP_TYP kept and SLP_EN reported with the type it came with; and the PM
 * timer's 24-bit count from the TSC, exact for any TSC value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dev/acpi_pm.h"

static struct acpi_pm pm;

static int setup(void **state)
{
	(void)state;
	acpi_pm_init(&pm);
	return 0;
}

static void test_power_on_state(void **state)
{
	(void)state;
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM1_STS, 4), 0);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM1_CNT, 2),
			 ACPI_PM1_CNT_SCI_EN);
	assert_false(pm.sleep);
}

/* PM1_EN keeps the bits that exist, whatever the width; ACPICA's global
 * lock setup reads GBL_EN back. */
static void test_enable_register(void **state)
{
	(void)state;
	acpi_pm_write(&pm, ACPI_PM1_EN, 2, 0xffff);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM1_EN, 2), ACPI_PM1_EN_MASK);
	acpi_pm_write(&pm, ACPI_PM1_EN + 1, 1, 0);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM1_EN, 2), 0x21);
	acpi_pm_write(&pm, ACPI_PM1_STS, 4,
		      0x0000ffffu | ACPI_PM1_EN_GBL << 16);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM1_STS, 4),
			 (uint32_t)ACPI_PM1_EN_GBL << 16);
}

/* SCI_EN stays 1 (no legacy mode); GBL_RLS and SLP_EN are write-only. */
static void test_control_register(void **state)
{
	(void)state;
	acpi_pm_write(&pm, ACPI_PM1_CNT, 2, 0);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM1_CNT, 2),
			 ACPI_PM1_CNT_SCI_EN);
	acpi_pm_write(&pm, ACPI_PM1_CNT, 2,
		      ACPI_PM1_CNT_GBL_RLS | ACPI_PM1_CNT_BM_RLD | 3u << 10);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM1_CNT, 2),
			 ACPI_PM1_CNT_SCI_EN | ACPI_PM1_CNT_BM_RLD | 3u << 10);
	assert_false(pm.sleep);
	/* past the block */
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM1_CNT, 4), 0xffff0c03u);
}

/* SLP_EN, by a word or by the high byte alone, with the type beside it. */
static void test_sleep_request(void **state)
{
	(void)state;
	acpi_pm_write(&pm, ACPI_PM1_CNT, 2, 5u << 10 | ACPI_PM1_CNT_SLP_EN);
	assert_true(pm.sleep);
	assert_int_equal(pm.slp_typ, 5);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM1_CNT, 2), 5u << 10 | 1);
	acpi_pm_init(&pm);
	acpi_pm_write(&pm, ACPI_PM1_CNT + 1, 1, (7u << 10 | 1u << 13) >> 8);
	assert_true(pm.sleep);
	assert_int_equal(pm.slp_typ, 7);
	acpi_pm_init(&pm);
	acpi_pm_write(&pm, ACPI_PM1_CNT, 1, 0xff);
	assert_false(pm.sleep);
}

/* The count the exact way, with 128-bit arithmetic (the host's libgcc
 * divides; hv has no such routine). */
static uint32_t reference(uint64_t tsc, uint64_t hz)
{
	unsigned __int128 t = (unsigned __int128)tsc * ACPI_PM_TMR_HZ / hz;

	return (uint32_t)t & ACPI_PM_TMR_MASK;
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* 3.579545 MHz whatever the TSC's rate: one second of TSC is 3579545
 * counts; the count wraps at 2^24 (4.69 s); it is exact for TSC values
 * where tsc * 3579545 overflows 64 bits (past 2^64 / 3579545, 85 minutes
 * at 1 GHz), against 128-bit arithmetic. */
static void test_timer_rate_and_wrap(void **state)
{
	(void)state;
	static const uint64_t rates[] = {1000000000ull, 2893412000ull,
					 3579545ull,	1ull,
					 50000000ull,	5000000000ull};
	uint64_t x = 0x2545f4914f6cdd1dull;

	for (unsigned int i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		uint64_t hz = rates[i];

		assert_int_equal(acpi_pm_timer(0, hz), 0);
		assert_int_equal(acpi_pm_timer(hz, hz), 3579545);
		assert_int_equal(acpi_pm_timer(hz / 2, hz),
				 reference(hz / 2, hz));
		assert_int_equal(acpi_pm_timer(5 * hz, hz),
				 (5ull * 3579545) & 0xffffff);
		assert_int_equal(acpi_pm_timer(~0ull, hz),
				 reference(~0ull, hz));
		for (unsigned int n = 0; n < 1000; n++) {
			uint64_t tsc = xorshift(&x);

			assert_int_equal(acpi_pm_timer(tsc, hz),
					 reference(tsc, hz));
		}
	}
	/* at the TSC's rate the count is the TSC's low 24 bits */
	assert_int_equal(acpi_pm_timer(0x123456789abcdefull, 3579545),
			 0xabcdefu);
	assert_true(acpi_pm_timer(~0ull, 1000000000ull) <= 0xffffff);
}

/* Never backwards but to wrap: consecutive reads a few TSC ticks apart
 * (closer than one count, and farther), across a 64-bit TSC's whole range
 * and at a rate past the exact bound. */
static void test_timer_monotonic(void **state)
{
	(void)state;
	static const uint64_t rates[] = {2893412000ull, ~0ull,
					 (~0ull / 3579545) + 1};
	static const uint64_t starts[] = {0, 1ull << 40, 1ull << 62,
					  ~0ull - 100000000ull};

	for (unsigned int i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
		for (unsigned int j = 0; j < sizeof(starts) / sizeof(starts[0]);
		     j++) {
			uint64_t tsc = starts[j];
			uint32_t last = acpi_pm_timer(tsc, rates[i]);

			for (unsigned int n = 0; n < 100000; n++) {
				tsc += 1 + n % 1500;
				uint32_t now = acpi_pm_timer(tsc, rates[i]);

				/* forwards by less than half the range */
				assert_true(((now - last) & 0xffffff) <
					    0x800000);
				last = now;
			}
		}
	/* a TSC of unknown rate: a stopped timer, not a division by 0 */
	assert_int_equal(acpi_pm_timer(12345, 0), 0);
}

/* PM_TMR read as a dword, or by bytes and words: bits 31:24 read 0 (a
 * 24-bit timer), bytes past the register 0xFF. */
static void test_timer_register(void **state)
{
	(void)state;
	uint64_t hz = 3579545; /* the count is the TSC */

	assert_int_equal(acpi_pm_tmr_read(0xaabbccddull, hz, 0, 4),
			 0x00bbccddu);
	assert_int_equal(acpi_pm_tmr_read(0xaabbccddull, hz, 1, 1), 0xcc);
	assert_int_equal(acpi_pm_tmr_read(0xaabbccddull, hz, 0, 2), 0xccdd);
	assert_int_equal(acpi_pm_tmr_read(0xaabbccddull, hz, 3, 1), 0);
	assert_int_equal(acpi_pm_tmr_read(0xaabbccddull, hz, 2, 4),
			 0xffff00bbu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_power_on_state, setup),
		cmocka_unit_test_setup(test_enable_register, setup),
		cmocka_unit_test_setup(test_control_register, setup),
		cmocka_unit_test_setup(test_sleep_request, setup),
		cmocka_unit_test(test_timer_rate_and_wrap),
		cmocka_unit_test(test_timer_monotonic),
		cmocka_unit_test(test_timer_register),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
