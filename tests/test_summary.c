/* The summary line of the log contract (vmm/summary.h), exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host_platform.h"
#include "summary.h"
#include "util.h"

static size_t format(const struct vcpu *v, char *buf, size_t size)
{
	size_t n = guest_summary_format(v, buf, size);

	assert_int_equal(n, strlen(buf));
	return n;
}

static void ok_result_lists_reasons_in_exit_reason_order(void **state)
{
	struct vcpu v = {.name = "tiny", .result = GUEST_OK};
	char buf[256];

	(void)state;
	/* Set out of order: the line follows the reason numbers. */
	v.exit_counts[EXIT_REASON_IO_INSTRUCTION] = 31;
	v.exit_counts[EXIT_REASON_HLT] = 1;
	v.exit_counts[EXIT_REASON_VMCALL] = 4;
	v.exit_counts[EXIT_REASON_CPUID] = 2;
	v.exits = 38;
	v.cr3_loads = 0;
	format(&v, buf, sizeof(buf));
	assert_string_equal(buf, "hv: summary guest=tiny result=ok exits=38 "
				 "cpuid=2 hlt=1 vmcall=4 io_instruction=31 "
				 "cr3_load=0");
}

static void killed_result_ends_with_why(void **state)
{
	struct vcpu v = {.name = "spin", .result = GUEST_KILLED};
	char buf[256];

	(void)state;
	v.exit_counts[EXIT_REASON_PREEMPTION_TIMER] = 400;
	v.exit_counts[EXIT_REASON_CR_ACCESS] = 2;
	v.exits = 402;
	v.cr3_loads = 2;
	v.why = "watchdog";
	v.status = 7; /* not printed: only errors without why have one */
	format(&v, buf, sizeof(buf));
	assert_string_equal(buf, "hv: summary guest=spin result=killed "
				 "exits=402 cr_access=2 preemption_timer=400 "
				 "cr3_load=2 why=watchdog");
}

static void error_result_ends_with_status(void **state)
{
	struct vcpu v = {.name = "bad", .result = GUEST_ERROR, .status = 3};
	char buf[256];

	(void)state;
	v.exit_counts[EXIT_REASON_VMCALL] = 1;
	v.exits = 1;
	format(&v, buf, sizeof(buf));
	assert_string_equal(buf, "hv: summary guest=bad result=error exits=1 "
				 "vmcall=1 cr3_load=0 status=3");
}

static void error_with_why_has_no_status(void **state)
{
	struct vcpu v = {
		.name = "x", .result = GUEST_ERROR, .why = "vm_entry_failed"};
	char buf[256];

	(void)state;
	v.exits = 1;
	format(&v, buf, sizeof(buf));
	assert_string_equal(buf, "hv: summary guest=x result=error exits=1 "
				 "cr3_load=0 why=vm_entry_failed");
}

static void cr3_load_present_without_any_exit(void **state)
{
	struct vcpu v = {.name = "idle", .result = GUEST_OK};
	char buf[128];

	(void)state;
	format(&v, buf, sizeof(buf));
	assert_string_equal(buf, "hv: summary guest=idle result=ok exits=0 "
				 "cr3_load=0");
}

static void counts_are_printed_as_64_bit_decimals(void **state)
{
	struct vcpu v = {.name = "big", .result = GUEST_OK};
	char buf[256];

	(void)state;
	v.exits = UINT64_MAX;
	v.exit_counts[EXIT_REASON_EXCEPTION_NMI] = 1ull << 32;
	v.exit_counts[EXIT_REASON_TDCALL] = 1;
	v.cr3_loads = 10000000000ull;
	format(&v, buf, sizeof(buf));
	assert_string_equal(buf, "hv: summary guest=big result=ok "
				 "exits=18446744073709551615 "
				 "exception_nmi=4294967296 tdcall=1 "
				 "cr3_load=10000000000");
}

static void result_names(void **state)
{
	(void)state;
	assert_string_equal(guest_result_name(GUEST_RUNNING), "running");
	assert_string_equal(guest_result_name(GUEST_OK), "ok");
	assert_string_equal(guest_result_name(GUEST_ERROR), "error");
	assert_string_equal(guest_result_name(GUEST_KILLED), "killed");
}

/* Every buffer size from 0 up: never a byte past size, always a
 * terminated prefix of the full line, and its length returned. */
static void small_buffers_truncate_safely(void **state)
{
	struct vcpu v = {.name = "trunc", .result = GUEST_KILLED};
	char full[256];
	size_t len;

	(void)state;
	v.exit_counts[EXIT_REASON_CPUID] = 12;
	v.exit_counts[EXIT_REASON_EPT_VIOLATION] = 1;
	v.exits = 13;
	v.cr3_loads = 5;
	v.why = "ept_violation";
	len = format(&v, full, sizeof(full));
	assert_true(len > 60);

	for (size_t size = 0; size <= len + 1; size++) {
		/* Exactly size bytes on the heap: ASan sees any overrun. */
		char *buf = malloc(size ? size : 1);
		size_t n;

		assert_non_null(buf);
		memset(buf, 'Z', size ? size : 1);
		n = guest_summary_format(&v, buf, size);
		if (size == 0) {
			assert_int_equal(n, 0);
			assert_int_equal(buf[0], 'Z'); /* untouched */
		} else {
			size_t want = len < size ? len : size - 1;

			assert_int_equal(n, want);
			assert_int_equal(buf[want], '\0');
			assert_memory_equal(buf, full, want);
		}
		free(buf);
	}
}

static void print_writes_the_line_and_a_newline(void **state)
{
	struct vcpu v = {.name = "tiny", .result = GUEST_OK, .exits = 1};

	(void)state;
	v.exit_counts[EXIT_REASON_HLT] = 1;
	host_output_reset();
	guest_summary_print(&v);
	assert_string_equal(host_output(), "hv: summary guest=tiny result=ok "
					   "exits=1 hlt=1 cr3_load=0\n");
}

/* A guest that used every handled exit kind, many times each. */
static void long_line_is_formatted_whole(void **state)
{
	static const unsigned int reasons[] = {
		0,  1,	2,  10, 11, 12, 13, 18, 19, 20, 21, 22, 23, 24,
		25, 26, 27, 28, 30, 31, 32, 48, 49, 50, 52, 53, 55, 59,
	};
	struct vcpu v = {.name = "a-guest-with-a-longish-name",
			 .result = GUEST_KILLED,
			 .why = "watchdog",
			 .cr3_loads = 3};
	char buf[1024];
	size_t n;

	(void)state;
	for (size_t i = 0; i < COUNT_OF(reasons); i++) {
		v.exit_counts[reasons[i]] = 12345;
		v.exits += 12345;
	}
	n = format(&v, buf, sizeof(buf));
	assert_true(n > 512);
	assert_string_equal(buf + n -
				    strlen(" vmfunc=12345 cr3_load=3 "
					   "why=watchdog"),
			    " vmfunc=12345 cr3_load=3 why=watchdog");
	/* Printed whole, past hv_printf's 512-byte buffer. */
	host_output_reset();
	guest_summary_print(&v);
	assert_int_equal(strlen(host_output()), n + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ok_result_lists_reasons_in_exit_reason_order),
		cmocka_unit_test(killed_result_ends_with_why),
		cmocka_unit_test(error_result_ends_with_status),
		cmocka_unit_test(error_with_why_has_no_status),
		cmocka_unit_test(cr3_load_present_without_any_exit),
		cmocka_unit_test(counts_are_printed_as_64_bit_decimals),
		cmocka_unit_test(result_names),
		cmocka_unit_test(small_buffers_truncate_safely),
		cmocka_unit_test(print_writes_the_line_and_a_newline),
		cmocka_unit_test(long_line_is_formatted_whole),
	};

	return cmocka_run_group_tests_name("summary", tests, NULL, NULL);
}
