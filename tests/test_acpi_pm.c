/* ACPI's PM1 registers (dev/acpi_pm.h) at any access width: PM1_STS
 * write-1-to-clear and never set, PM1_EN kept, PM1_CNT in ACPI mode with
 * SLP_TYP kept and SLP_EN reported with the type it came with. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_power_on_state, setup),
		cmocka_unit_test_setup(test_enable_register, setup),
		cmocka_unit_test_setup(test_control_register, setup),
		cmocka_unit_test_setup(test_sleep_request, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
