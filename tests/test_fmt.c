/* The VMM's printf: the formats VMCS dumps and summaries rely on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "host_platform.h"
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

/* Review I7: a line longer than hv_printf's buffer (a long --append= in
 * "hv: kernel command line: ...") used to lose its line break, and the
 * next hv line was joined onto it. */
static void long_line_is_cut_with_its_line_break(void **state)
{
	char append[1024];
	const char *out;

	(void)state;
	memset(append, 'a', sizeof(append) - 1);
	append[sizeof(append) - 1] = '\0';
	host_output_reset();
	hv_printf("hv: kernel command line: %s\n", append);
	hv_printf("hv: the next line\n");
	out = host_output();
	assert_int_equal(strlen(out), 511 + strlen("hv: the next line\n"));
	assert_memory_equal(out + 507, "...\nhv: the next line\n", 22);
	/* Without a line break in the format, none is added. */
	host_output_reset();
	hv_printf("%s", append);
	assert_int_equal(strlen(host_output()), 511);
	assert_string_equal(host_output() + 508, "...");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(formats_integers),
		cmocka_unit_test(formats_strings_chars_pointers),
		cmocka_unit_test(truncates_but_reports_full_length),
		cmocka_unit_test(long_line_is_cut_with_its_line_break),
	};

	return cmocka_run_group_tests_name("fmt", tests, NULL, NULL);
}
