/* hv.efi's arguments: the shell's command line and hv.cfg. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cmdline.h"
#include "util.h"

static char err[160];

static const char *parse(const char *text, bool skip_program,
			 struct cmdline *out)
{
	return cmdline_parse(text, skip_program, out, err, sizeof(err));
}

static void empty_text_changes_nothing(void **state)
{
	struct cmdline c = {0};

	(void)state;
	assert_null(parse("", false, &c));
	assert_null(parse("  \t\r\n", false, &c));
	assert_false(c.caps_only);
	assert_string_equal(c.guest, "");
	assert_int_equal(c.watchdog_slices, 0);
}

/* The shell passes the program name first; hv.cfg has none. */
static void shell_line_skips_the_program_name(void **state)
{
	struct cmdline c = {0};

	(void)state;
	assert_null(parse("hv.efi --dump good.bin", true, &c));
	assert_true(c.dump_vmcs);
	assert_string_equal(c.guest, "good.bin");
	memset(&c, 0, sizeof(c));
	assert_null(parse("hv.efi", true, &c));
	assert_string_equal(c.guest, "");
}

static void config_file_words_and_comments(void **state)
{
	struct cmdline c = {0};

	(void)state;
	assert_null(parse("# a comment --caps\n--debug-wait   # wait\n"
			  "\tabi_only.bin\r\n",
			  false, &c));
	assert_false(c.caps_only);
	assert_true(c.debug_wait);
	assert_string_equal(c.guest, "abi_only.bin");
}

/* The command line is applied on top of hv.cfg: later words win. */
static void later_text_adds_to_earlier(void **state)
{
	struct cmdline c = {0};

	(void)state;
	assert_null(parse("--caps tiny.bin", false, &c));
	assert_null(parse("hv.efi good.bin", true, &c));
	assert_true(c.caps_only);
	assert_string_equal(c.guest, "good.bin");
}

static void break_entry_rules(void **state)
{
	struct cmdline c = {0};

	(void)state;
	assert_null(parse("--break-entry=host-tr", false, &c));
	assert_int_equal(c.break_entry, ENTRY_BREAK_HOST_TR);
	assert_null(parse("--break-entry=guest-rflags", false, &c));
	assert_int_equal(c.break_entry, ENTRY_BREAK_GUEST_RFLAGS);
	assert_string_equal(parse("--break-entry=cr0", false, &c),
			    "unknown or bad argument \"--break-entry=cr0\"");
	assert_non_null(parse("--break-entry=", false, &c));
}

static void watchdog_takes_1_to_a_million_slices(void **state)
{
	struct cmdline c = {0};

	(void)state;
	assert_null(parse("--watchdog=1", false, &c));
	assert_int_equal(c.watchdog_slices, 1);
	assert_null(parse("--watchdog=1000000", false, &c));
	assert_int_equal(c.watchdog_slices, 1000000);
	static const char *const bad[] = {
		"--watchdog=0",
		"--watchdog=1000001",
		"--watchdog=",
		"--watchdog=12x",
		"--watchdog=-5",
		"--watchdog=+5",
		"--watchdog=99999999999999999999",
	};
	for (size_t i = 0; i < COUNT_OF(bad); i++) {
		char want[120];

		snprintf(want, sizeof(want), "unknown or bad argument \"%s\"",
			 bad[i]);
		assert_string_equal(parse(bad[i], false, &c), want);
	}
	assert_int_equal(c.watchdog_slices, 1000000); /* unchanged */
}

static void unknown_options_are_named(void **state)
{
	struct cmdline c = {0};

	(void)state;
	assert_string_equal(parse("hv.efi --bogus", true, &c),
			    "unknown or bad argument \"--bogus\"");
	assert_string_equal(parse("-x", false, &c),
			    "unknown or bad argument \"-x\"");
}

static void guest_path_must_fit(void **state)
{
	struct cmdline c = {0};
	char text[CMDLINE_MAX_PATH + 8];

	(void)state;
	memset(text, 'g', CMDLINE_MAX_PATH - 1);
	text[CMDLINE_MAX_PATH - 1] = '\0';
	assert_null(parse(text, false, &c));
	assert_int_equal(strlen(c.guest), CMDLINE_MAX_PATH - 1);
	memset(text, 'h', CMDLINE_MAX_PATH);
	text[CMDLINE_MAX_PATH] = '\0';
	assert_non_null(parse(text, false, &c));
	assert_int_equal(c.guest[0], 'g'); /* unchanged */
}

/* Issue 11 item 15: a Boot#### entry's optional data holds no program
 * name, so its first word is the guest; the shell's argv[0] is the
 * program, however it was typed. */
static void first_word_skipped_only_when_it_names_the_program(void **state)
{
	const char *img = "\\EFI\\BOOT\\BOOTX64.EFI";
	struct cmdline c = {0};

	(void)state;
	assert_false(cmdline_names_program("guest.bin", img));
	assert_null(parse("guest.bin", cmdline_names_program("guest.bin", img),
			  &c));
	assert_string_equal(c.guest, "guest.bin");
	assert_false(cmdline_names_program("--dump good.bin", img));
	assert_false(cmdline_names_program("", img));
	assert_false(cmdline_names_program("   ", img));
	assert_true(cmdline_names_program("BOOTX64.EFI --dump", img));
	assert_true(cmdline_names_program("bootx64.efi", img));
	assert_true(cmdline_names_program("fs0:\\EFI\\BOOT\\BootX64.efi", img));
	assert_true(cmdline_names_program("  bootx64 good.bin", img));
	assert_true(cmdline_names_program("hv.efi good.bin", "\\hv.efi"));
	assert_true(cmdline_names_program("hv good.bin", "\\hv.efi"));
	assert_true(cmdline_names_program("fs0:hv.efi", "hv.efi"));
	assert_false(cmdline_names_program("hv.efi.bin", "\\hv.efi"));
	assert_false(cmdline_names_program("good.bin", "\\hv.efi"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_text_changes_nothing),
		cmocka_unit_test(shell_line_skips_the_program_name),
		cmocka_unit_test(config_file_words_and_comments),
		cmocka_unit_test(later_text_adds_to_earlier),
		cmocka_unit_test(break_entry_rules),
		cmocka_unit_test(watchdog_takes_1_to_a_million_slices),
		cmocka_unit_test(unknown_options_are_named),
		cmocka_unit_test(guest_path_must_fit),
		cmocka_unit_test(
			first_word_skipped_only_when_it_names_the_program),
	};

	return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
