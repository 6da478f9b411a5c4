/* The x2APIC model: registers as Linux reads them at boot, interrupt
 * priority and EOI, and the timer in its three modes against a TSC the
 * test moves by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dev/lapic.h"

static struct lapic l;

static int setup(void **state)
{
	(void)state;
	lapic_init(&l, 0);
	return 0;
}

static uint64_t rd(uint32_t msr, uint64_t now)
{
	uint64_t v = 0xdeadull;

	assert_true(lapic_read(&l, msr, now, &v));
	return v;
}

static void wr(uint32_t msr, uint64_t v, uint64_t now)
{
	assert_true(lapic_write(&l, msr, v, now));
}

static void enable(void)
{
	wr(X2APIC_SVR, LAPIC_SVR_ENABLE | 0xff, 0);
}

static void test_reset_state(void **state)
{
	(void)state;
	lapic_init(&l, 3);
	assert_int_equal(rd(X2APIC_ID, 0), 3);
	assert_int_equal(rd(X2APIC_VERSION, 0) & 0xff, 0x14);
	assert_int_equal((rd(X2APIC_VERSION, 0) >> 16) & 0xff, LVT_COUNT - 1);
	assert_int_equal(rd(X2APIC_LDR, 0), 1u << 3);
	assert_int_equal(rd(X2APIC_SVR, 0), 0xff);
	for (uint32_t m = X2APIC_LVT_TIMER; m <= X2APIC_LVT_ERROR; m++)
		assert_int_equal(rd(m, 0), LAPIC_LVT_MASKED);
	assert_int_equal(lapic_pending(&l), -1);
}

/* x2APIC's #GP cases: reserved registers, read-only ones written,
 * write-only ones read, non-zero EOI and ESR writes, high bits. */
static void test_gp_cases(void **state)
{
	uint64_t v;

	(void)state;
	assert_false(lapic_read(&l, X2APIC_EOI, 0, &v));
	assert_false(lapic_read(&l, X2APIC_SELF_IPI, 0, &v));
	assert_false(lapic_read(&l, 0x801, 0, &v));
	assert_false(lapic_read(&l, 0x82f, 0, &v)); /* no CMCI */
	assert_false(lapic_write(&l, X2APIC_ID, 1, 0));
	assert_false(lapic_write(&l, X2APIC_VERSION, 1, 0));
	assert_false(lapic_write(&l, X2APIC_PPR, 0, 0));
	assert_false(lapic_write(&l, X2APIC_TIMER_CURRENT, 0, 0));
	assert_false(lapic_write(&l, X2APIC_IRR0, 0, 0));
	assert_false(lapic_write(&l, X2APIC_EOI, 1, 0));
	assert_false(lapic_write(&l, X2APIC_ESR, 1, 0));
	assert_false(lapic_write(&l, X2APIC_TPR, 1ull << 32, 0));
	assert_false(lapic_write(&l, X2APIC_SELF_IPI, 0x100, 0));
	assert_true(lapic_write(&l, X2APIC_EOI, 0, 0));
	assert_true(lapic_write(&l, X2APIC_ESR, 0, 0));
}

static void test_software_disable_masks_lvt(void **state)
{
	(void)state;
	wr(X2APIC_LVT_TIMER, 0x30, 0);
	assert_int_equal(rd(X2APIC_LVT_TIMER, 0), LAPIC_LVT_MASKED | 0x30);
	enable();
	wr(X2APIC_LVT_TIMER, 0x30, 0);
	assert_int_equal(rd(X2APIC_LVT_TIMER, 0), 0x30);
	wr(X2APIC_SVR, 0xff, 0);
	assert_int_equal(rd(X2APIC_LVT_TIMER, 0), LAPIC_LVT_MASKED | 0x30);
}

static void test_self_ipi_priority_and_eoi(void **state)
{
	(void)state;
	enable();
	wr(X2APIC_SELF_IPI, 0x41, 0);
	wr(X2APIC_ICR, (1ull << 18) | 0xe1, 0); /* shorthand self */
	wr(X2APIC_ICR, (5ull << 32) | 0x51, 0); /* another CPU: dropped */
	assert_int_equal(rd(X2APIC_IRR0 + 2, 0), 1u << 1);
	assert_int_equal(lapic_pending(&l), 0xe1);
	lapic_accept(&l, 0xe1);
	assert_int_equal(rd(X2APIC_ISR0 + 7, 0), 1u << 1);
	assert_int_equal(rd(X2APIC_PPR, 0), 0xe0);
	/* 0x41 is of a lower class than the one in service. */
	assert_int_equal(lapic_pending(&l), -1);
	wr(X2APIC_EOI, 0, 0);
	assert_int_equal(rd(X2APIC_PPR, 0), 0);
	assert_int_equal(lapic_pending(&l), 0x41);
	/* TPR holds it back; CR8 is TPR's class. */
	lapic_set_cr8(&l, 4);
	assert_int_equal(rd(X2APIC_TPR, 0), 0x40);
	assert_int_equal(lapic_pending(&l), -1);
	wr(X2APIC_TPR, 0x3f, 0);
	assert_int_equal(lapic_cr8(&l), 3);
	assert_int_equal(lapic_pending(&l), 0x41);
}

/* An accepted vector that could not be delivered goes back to pending. */
static void test_returned_vector_is_pending_again(void **state)
{
	(void)state;
	enable();
	wr(X2APIC_SELF_IPI, 0x41, 0);
	assert_int_equal(lapic_pending(&l), 0x41);
	lapic_accept(&l, 0x41);
	assert_int_equal(lapic_pending(&l), -1);
	lapic_return(&l, 0x41);
	assert_int_equal(lapic_pending(&l), 0x41);
	assert_int_equal(rd(X2APIC_ISR0 + 2, 0), 0);
	assert_int_equal(rd(X2APIC_IRR0 + 2, 0), 1u << 1);
}

static void test_one_shot_timer(void **state)
{
	(void)state;
	enable();
	wr(X2APIC_LVT_TIMER, 0xec, 0);
	wr(X2APIC_TIMER_DIVIDE, 0x3, 0); /* divide by 16 */
	wr(X2APIC_TIMER_INITIAL, 1000, 100);
	assert_int_equal(lapic_next_event(&l), 100 + 16000);
	assert_int_equal(rd(X2APIC_TIMER_CURRENT, 100 + 1600), 900);
	lapic_update(&l, 100 + 15999);
	assert_int_equal(lapic_pending(&l), -1);
	lapic_update(&l, 100 + 16000);
	assert_int_equal(lapic_pending(&l), 0xec);
	assert_int_equal(lapic_next_event(&l), 0);
	assert_int_equal(rd(X2APIC_TIMER_CURRENT, 20000), 0);
	/* Divide value 1011b is "divide by 1". */
	wr(X2APIC_TIMER_DIVIDE, 0xb, 0);
	wr(X2APIC_TIMER_INITIAL, 500, 30000);
	assert_int_equal(lapic_next_event(&l), 30500);
	wr(X2APIC_TIMER_INITIAL, 0, 30100); /* 0 stops it */
	assert_int_equal(lapic_next_event(&l), 0);
}

static void test_periodic_timer_does_not_drift(void **state)
{
	(void)state;
	enable();
	wr(X2APIC_LVT_TIMER, (LAPIC_TIMER_PERIODIC << 17) | 0xef, 0);
	wr(X2APIC_TIMER_DIVIDE, 0xb, 0);
	wr(X2APIC_TIMER_INITIAL, 1000, 0);
	lapic_update(&l, 1010); /* woken 10 ticks late */
	assert_int_equal(lapic_pending(&l), 0xef);
	assert_int_equal(lapic_next_event(&l), 2000);
	lapic_accept(&l, 0xef);
	wr(X2APIC_EOI, 0, 1010);
	lapic_update(&l, 4500); /* periods at 2000, 3000, 4000 missed */
	assert_int_equal(lapic_pending(&l), 0xef);
	assert_int_equal(lapic_next_event(&l), 5000);
}

static void test_tsc_deadline_timer(void **state)
{
	(void)state;
	enable();
	/* Outside deadline mode the MSR is ignored. */
	lapic_write_tsc_deadline(&l, 5000);
	assert_int_equal(lapic_next_event(&l), 0);
	wr(X2APIC_LVT_TIMER, (LAPIC_TIMER_TSC_DEADLINE << 17) | 0xec, 0);
	lapic_write_tsc_deadline(&l, 5000);
	assert_int_equal(lapic_read_tsc_deadline(&l), 5000);
	assert_int_equal(lapic_next_event(&l), 5000);
	lapic_update(&l, 4999);
	assert_int_equal(lapic_pending(&l), -1);
	lapic_update(&l, 5000);
	assert_int_equal(lapic_pending(&l), 0xec);
	assert_int_equal(lapic_read_tsc_deadline(&l), 0);
	assert_int_equal(lapic_next_event(&l), 0);
	/* 0 disarms; a mode change stops the timer. */
	lapic_write_tsc_deadline(&l, 9000);
	lapic_write_tsc_deadline(&l, 0);
	assert_int_equal(lapic_next_event(&l), 0);
	lapic_write_tsc_deadline(&l, 9000);
	wr(X2APIC_LVT_TIMER, 0xec, 0);
	assert_int_equal(lapic_next_event(&l), 0);
}

static void test_masked_timer_counts_silently(void **state)
{
	(void)state;
	enable();
	wr(X2APIC_LVT_TIMER, LAPIC_LVT_MASKED | 0xec, 0);
	wr(X2APIC_TIMER_DIVIDE, 0xb, 0);
	wr(X2APIC_TIMER_INITIAL, 10, 0);
	lapic_update(&l, 10);
	assert_int_equal(lapic_pending(&l), -1);
	assert_int_equal(rd(X2APIC_IRR0 + 7, 10), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_state, setup),
		cmocka_unit_test_setup(test_gp_cases, setup),
		cmocka_unit_test_setup(test_software_disable_masks_lvt, setup),
		cmocka_unit_test_setup(test_self_ipi_priority_and_eoi, setup),
		cmocka_unit_test_setup(test_returned_vector_is_pending_again,
				       setup),
		cmocka_unit_test_setup(test_one_shot_timer, setup),
		cmocka_unit_test_setup(test_periodic_timer_does_not_drift,
				       setup),
		cmocka_unit_test_setup(test_tsc_deadline_timer, setup),
		cmocka_unit_test_setup(test_masked_timer_counts_silently,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
