/* hv's escape key on the PC's console (pc/pc_keys.h): Ctrl-A x stops the
 * guest, Ctrl-A h asks for help, Ctrl-A Ctrl-A types one Ctrl-A, and
 * every other key, Ctrl-A followed by another key included, reaches the
 * guest unchanged and in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pc/pc_keys.h"

/* Feeds keys; the typed bytes go to out, the last action is returned. */
static enum pc_key_action feed(struct pc_keys *k, const char *keys, char *out,
			       size_t *len)
{
	enum pc_key_action a = PC_KEY_PASS;

	*len = 0;
	for (const char *c = keys; *c; c++) {
		uint8_t typed[2];
		unsigned int n = 3;

		a = pc_key_feed(k, (uint8_t)*c, typed, &n);
		assert_true(n <= 2);
		for (unsigned int i = 0; i < n; i++)
			out[(*len)++] = (char)typed[i];
	}
	out[*len] = 0;
	return a;
}

static void test_plain_keys_pass(void **state)
{
	struct pc_keys k = {0};
	char out[32];
	size_t len;

	(void)state;
	assert_int_equal(feed(&k, "ls -l\r", out, &len), PC_KEY_PASS);
	assert_string_equal(out, "ls -l\r");
}

static void test_ctrl_a_x_stops(void **state)
{
	struct pc_keys k = {0};
	char out[32];
	size_t len;

	(void)state;
	assert_int_equal(feed(&k, "ab\001", out, &len), PC_KEY_PASS);
	assert_string_equal(out, "ab"); /* Ctrl-A held back */
	assert_int_equal(feed(&k, "x", out, &len), PC_KEY_STOP_GUEST);
	assert_int_equal(len, 0);
}

static void test_ctrl_a_h_helps(void **state)
{
	struct pc_keys k = {0};
	char out[32];
	size_t len;

	(void)state;
	assert_int_equal(feed(&k, "\001h", out, &len), PC_KEY_SHOW_HELP);
	assert_int_equal(len, 0);
	/* and the escape is over: an x is an x */
	assert_int_equal(feed(&k, "x", out, &len), PC_KEY_PASS);
	assert_string_equal(out, "x");
}

static void test_ctrl_a_twice_types_one(void **state)
{
	struct pc_keys k = {0};
	char out[32];
	size_t len;

	(void)state;
	assert_int_equal(feed(&k, "\001\001x", out, &len), PC_KEY_PASS);
	assert_int_equal(len, 2);
	assert_memory_equal(out, "\001x", 2);
}

static void test_ctrl_a_other_types_both(void **state)
{
	struct pc_keys k = {0};
	char out[32];
	size_t len;

	(void)state;
	/* Ctrl-A e, a shell's "end of line" after its "start of line":
	 * both reach the guest. */
	assert_int_equal(feed(&k, "\001e\001X", out, &len), PC_KEY_PASS);
	assert_int_equal(len, 4);
	assert_memory_equal(out, "\001e\001X", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_keys_pass),
		cmocka_unit_test(test_ctrl_a_x_stops),
		cmocka_unit_test(test_ctrl_a_h_helps),
		cmocka_unit_test(test_ctrl_a_twice_types_one),
		cmocka_unit_test(test_ctrl_a_other_types_both),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
