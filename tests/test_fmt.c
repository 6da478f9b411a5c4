/* The VMM's printf: the formats VMCS dumps and summaries rely on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "print.h"

static void check(const char *expect, const char *fmt, ...)
{
	char buf[128];
	va_list ap;

	va_start(ap, fmt);
	int n = hv_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	assert_string_equal(buf, expect);
	assert_int_equal(n, (int)__builtin_strlen(expect));
}

static void formats_integers(void **state)
{
	(void)state;
	check("42 -7 0", "%d %d %u", 42, -7, 0u);
	check("0x0000ffff", "0x%08x", 0xffffu);
	check("FFFF", "%X", 0xffffu);
	check("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
	check("ffffffffffffffff", "%lx", (unsigned long)UINT64_MAX);
	check("-9223372036854775808", "%ld", (long)INT64_MIN);
	check("  -5|-5  |-005", "%4d|%-4d|%04d", -5, -5, -5);
	check("0x00ab", "0x%0*lx", 4, (unsigned long)0xab);
}

static void formats_strings_chars_pointers(void **state)
{
	(void)state;
	check("ab  |  ab|x|(null)", "%-4s|%4s|%c|%s", "ab", "ab", 'x',
	      (char *)NULL);
	check("0x1000", "%p", (void *)0x1000);
	check("100%", "%d%%", 100);
}

static void truncates_but_reports_full_length(void **state)
{
	char buf[4];

	(void)state;
	assert_int_equal(hv_snprintf(buf, sizeof(buf), "%s", "abcdef"), 6);
	assert_string_equal(buf, "abc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(formats_integers),
		cmocka_unit_test(formats_strings_chars_pointers),
		cmocka_unit_test(truncates_but_reports_full_length),
	};

	return cmocka_run_group_tests_name("fmt", tests, NULL, NULL);
}
