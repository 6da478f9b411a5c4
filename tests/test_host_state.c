/* The host-state comparison printed after every run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "host_platform.h"
#include "x86/host_state.h"

static struct host_state sample(void)
{
	return (struct host_state){
		.cr0 = 0x80010033,
		.cr3 = 0x1fc01000,
		.cr4 = 0x668,
		.rflags_if = 0x200,
		.gdtr_base = 0x1f9ee698,
		.gdtr_limit = 0x47,
		.idtr_base = 0x1f2dc018,
		.idtr_limit = 0xfff,
		.dr6 = 0xffff0ff0,
		.dr7 = 0x400,
		.efer = 0xd00,
		.pat = 0x0007040600070406,
		.feature_control = 0x5,
		.kernel_gs_base = 0,
	};
}

static void same_state_is_reported_as_before(void **state)
{
	struct host_state a = sample(), b = sample();

	(void)state;
	host_output_reset();
	assert_int_equal(host_state_compare(&a, &b), 0);
	assert_string_equal(host_output(), "hv: host state after the run: as "
					   "before (31 registers compared)\n");
}

static void each_changed_register_is_named_with_both_values(void **state)
{
	struct host_state a = sample(), b = sample();

	(void)state;
	b.efer = 0xd01;
	b.kernel_gs_base = 0xffff800000001000ull;
	b.idtr_limit = 0xffff; /* what a VM exit leaves, unrestored */
	b.cr2 = 0x5000;	       /* a guest's page fault, unrestored */
	b.lstar = 0x10040;     /* a guest's SYSCALL entry, unrestored */
	host_output_reset();
	assert_int_equal(host_state_compare(&a, &b), 5);
	assert_string_equal(host_output(),
			    "hv: host state after the run: CHANGED\n"
			    "hv:   CR2 was 0x0, is 0x5000\n"
			    "hv:   IDTR limit was 0xfff, is 0xffff\n"
			    "hv:   IA32_EFER was 0xd00, is 0xd01\n"
			    "hv:   IA32_KERNEL_GS_BASE was 0x0, is "
			    "0xffff800000001000\n"
			    "hv:   IA32_LSTAR was 0x0, is 0x10040\n");
}

/* Issue 11 item 6: a run that returns with interrupts off is caught
 * even though the firmware's next RestoreTPL would turn them on again. */
static void interrupts_left_off_by_the_run_are_named(void **state)
{
	struct host_state a = sample(), b = sample();

	(void)state;
	a.rflags_if_after_run = 0x200;
	b.rflags_if_after_run = 0;
	host_output_reset();
	assert_int_equal(host_state_compare(&a, &b), 1);
	assert_string_equal(host_output(),
			    "hv: host state after the run: CHANGED\n"
			    "hv:   RFLAGS.IF right after the run was 0x200, "
			    "is 0x0\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_state_is_reported_as_before),
		cmocka_unit_test(
			each_changed_register_is_named_with_both_values),
		cmocka_unit_test(interrupts_left_off_by_the_run_are_named),
	};

	return cmocka_run_group_tests_name("host_state", tests, NULL, NULL);
}
