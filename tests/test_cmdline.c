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

/* --quiet leaves out the report; --caps prints nothing else. */
static void quiet_leaves_out_what_caps_prints(void **state)
{
	struct cmdline c = {0};
	char err[160];

	(void)state;
	assert_null(parse("--quiet hostile_cr.bin", false, &c));
	assert_true(c.quiet);
	assert_false(c.caps_only);
	assert_string_equal(c.guest, "hostile_cr.bin");
	assert_null(cmdline_check(&c, err, sizeof(err)));
	assert_null(parse("--caps", false, &c));
	assert_string_equal(cmdline_check(&c, err, sizeof(err)),
			    "--caps and --quiet: --caps prints the capability "
			    "report that --quiet leaves out: choose one");
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

/* Resident mode (docs/resident.md): --break-cpu=N names processor N,
 * 0 included, and only with --resident. */
static void resident_options(void **state)
{
	struct cmdline c = {0};
	char err[160];

	(void)state;
	assert_null(parse("--resident --break-cpu=1", false, &c));
	assert_true(c.resident);
	assert_int_equal(c.break_cpu, 2);
	assert_null(cmdline_check(&c, err, sizeof(err)));
	assert_null(parse("--break-cpu=0", false, &c));
	assert_int_equal(c.break_cpu, 1);
	assert_non_null(parse("--break-cpu=x", false, &c));
	assert_non_null(parse("--break-cpu=", false, &c));

	struct cmdline u = {0};

	assert_null(parse("--unload", false, &u));
	assert_true(u.unload);
	assert_null(cmdline_check(&u, err, sizeof(err)));
	u.resident = true;
	assert_string_equal(cmdline_check(&u, err, sizeof(err)),
			    "--resident and --unload: choose one");

	struct cmdline b = {0};

	assert_null(parse("--break-cpu=3", false, &b));
	assert_string_equal(cmdline_check(&b, err, sizeof(err)),
			    "--break-cpu=3: only with --resident");
	struct cmdline g = {0};

	assert_null(parse("--resident good.bin", false, &g));
	assert_string_equal(cmdline_check(&g, err, sizeof(err)),
			    "--resident: the firmware is the guest, no other");

	struct cmdline p = {0};

	assert_null(parse("--peek-hidden", false, &p));
	assert_true(p.peek_hidden);
	assert_null(cmdline_check(&p, err, sizeof(err)));
	assert_null(parse("--peek-hidden --resident", false, &p));
	assert_string_equal(cmdline_check(&p, err, sizeof(err)),
			    "--peek-hidden: on its own");
}

/* --chain=FILE: with --resident, and --append= is its command line. */
static void chain_after_resident(void **state)
{
	struct cmdline c = {0};
	char err[200];

	(void)state;
	assert_null(parse("--resident --chain=vmlinuz.efi "
			  "--append=\"initrd=\\initrd.img console=ttyS0\"",
			  false, &c));
	assert_string_equal(c.chain, "vmlinuz.efi");
	assert_string_equal(c.append, "initrd=\\initrd.img console=ttyS0");
	assert_null(cmdline_check(&c, err, sizeof(err)));

	struct cmdline alone = {0};

	assert_null(parse("--chain=grubx64.efi", false, &alone));
	assert_string_equal(cmdline_check(&alone, err, sizeof(err)),
			    "--chain=grubx64.efi: only with --resident");

	struct cmdline initrd = {0};

	assert_null(parse("--resident --chain=vmlinuz.efi --initrd=i.img",
			  false, &initrd));
	assert_string_equal(cmdline_check(&initrd, err, sizeof(err)),
			    "--chain=vmlinuz.efi: --initrd= is the kernel's, "
			    "not the chained image's (give initrd= in "
			    "--append=)");

	struct cmdline empty = {0};

	assert_non_null(parse("--resident --chain=", false, &empty));

	struct cmdline next = {0};

	assert_null(parse("--resident --chain=next", false, &next));
	assert_true(cmdline_chain_next(&next));
	assert_null(cmdline_check(&next, err, sizeof(err)));
	assert_null(parse("--append=\"quiet\"", false, &next));
	assert_string_equal(cmdline_check(&next, err, sizeof(err)),
			    "--chain=next --append=\"quiet\": the next boot "
			    "entry has its own options");
	assert_false(cmdline_chain_next(&c));
	struct cmdline nextish = {0};

	assert_null(parse("--resident --chain=next.efi", false, &nextish));
	assert_false(cmdline_chain_next(&nextish));
}

static void console_limit_takes_1_byte_to_1_mib(void **state)
{
	struct cmdline c = {0};

	(void)state;
	assert_null(parse("--console-limit=1", false, &c));
	assert_int_equal(c.console_limit, 1);
	assert_null(parse("--console-limit=1048576", false, &c));
	assert_int_equal(c.console_limit, 1048576);
	static const char *const bad[] = {
		"--console-limit=0",
		"--console-limit=1048577",
		"--console-limit=",
		"--console-limit=4k",
	};
	for (size_t i = 0; i < COUNT_OF(bad); i++) {
		char want[120];

		snprintf(want, sizeof(want), "unknown or bad argument \"%s\"",
			 bad[i]);
		assert_string_equal(parse(bad[i], false, &c), want);
	}
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

static char check_err[160];

static const char *check(const struct cmdline *c)
{
	return cmdline_check(c, check_err, sizeof(check_err));
}

/* Issue 12: a Linux guest's files and memory size. */
static void kernel_initrd_and_mem_take_their_values(void **state)
{
	struct cmdline c = {0};

	(void)state;
	assert_null(parse("hv.efi --kernel=vmlinuz --initrd=initrd.img "
			  "--mem=256",
			  true, &c));
	assert_string_equal(c.kernel, "vmlinuz");
	assert_string_equal(c.initrd, "initrd.img");
	assert_int_equal(c.mem_mib, 256);
	assert_false(c.has_append);
	assert_string_equal(c.guest, "");
	assert_null(check(&c));
	assert_null(parse("--mem=16", false, &c));
	assert_int_equal(c.mem_mib, 16);
	assert_null(parse("--mem=4096", false, &c));
	assert_int_equal(c.mem_mib, 4096);
	/* A quoted file name may hold a space. */
	assert_null(parse("--kernel=\"my kernel\" --initrd=\"\\boot\\i.img\"",
			  false, &c));
	assert_string_equal(c.kernel, "my kernel");
	assert_string_equal(c.initrd, "\\boot\\i.img");
}

static void kernel_and_initrd_names_must_fit(void **state)
{
	struct cmdline c = {0};
	char text[CMDLINE_MAX_PATH + 32];
	size_t k = strlen("--kernel=");

	(void)state;
	assert_string_equal(parse("--kernel=", false, &c),
			    "--kernel=: no file name");
	assert_string_equal(parse("--initrd=\"\"", false, &c),
			    "--initrd=\"\": no file name");
	memcpy(text, "--kernel=", k);
	memset(text + k, 'k', CMDLINE_MAX_PATH - 1);
	text[k + CMDLINE_MAX_PATH - 1] = '\0';
	assert_null(parse(text, false, &c));
	assert_int_equal(strlen(c.kernel), CMDLINE_MAX_PATH - 1);
	memset(text + k, 'l', CMDLINE_MAX_PATH);
	text[k + CMDLINE_MAX_PATH] = '\0';
	assert_string_equal(parse(text, false, &c),
			    "--kernel=lllllllllllllllllllllllllllllllllll...: "
			    "the file name is longer than 127 bytes");
	assert_int_equal(c.kernel[0], 'k'); /* unchanged */
}

/* The shell passes --append="..." with its quotes (LoadOptions is the
 * line as typed): the spaces inside belong to the value. */
static void quoted_append_holds_spaces(void **state)
{
	struct cmdline c = {0};

	(void)state;
	assert_null(
		parse("hv.efi --kernel=vmlinuz "
		      "--append=\"console=ttyS0,115200 quiet  rdinit=/init\" "
		      "--mem=64",
		      true, &c));
	assert_true(c.has_append);
	assert_string_equal(c.append,
			    "console=ttyS0,115200 quiet  rdinit=/init");
	assert_int_equal(c.mem_mib, 64); /* the word after the quote */
	assert_string_equal(c.guest, "");
	/* In hv.cfg: "#" inside quotes is no comment. */
	memset(&c, 0, sizeof(c));
	assert_null(
		parse("--append=\"a #b\" # a comment\n--mem=32\n", false, &c));
	assert_string_equal(c.append, "a #b");
	assert_int_equal(c.mem_mib, 32);
	assert_null(parse("--append=\"\"", false, &c));
	assert_true(c.has_append);
	assert_string_equal(c.append, "");
}

/* Review I11: an unquoted --append= is one word, and the word after it is
 * no guest image: refused with the hint, where it used to become GUEST.bin
 * ("--kernel=vmlinuz and loglevel=3: choose one guest"). */
static void unquoted_append_is_one_word(void **state)
{
	struct cmdline c = {0};

	(void)state;
	assert_string_equal(parse("--append=quiet loglevel=3", false, &c),
			    "unknown or bad argument \"loglevel=3\": --append= "
			    "is one word; quote a value with spaces, "
			    "--append=\"a b\"");
	assert_string_equal(parse("--append=console=ttyS0 quiet", false, &c),
			    "unknown or bad argument \"quiet\": --append= is "
			    "one word; quote a value with spaces, "
			    "--append=\"a b\"");
	memset(&c, 0, sizeof(c));
	assert_null(parse("--append=quiet --mem=64", false, &c));
	assert_true(c.has_append);
	assert_string_equal(c.append, "quiet");
	assert_null(parse("--append=", false, &c));
	assert_true(c.has_append);
	assert_string_equal(c.append, "");
	assert_string_equal(c.guest, "");
}

/* Review I11: "mem=256" or "kernel=vmlinuz" is an option without its
 * "--", not a guest image's name. */
static void option_without_dashes_is_named(void **state)
{
	struct cmdline c = {0};

	(void)state;
	assert_string_equal(parse("mem=256", false, &c),
			    "unknown or bad argument \"mem=256\": options "
			    "start with --");
	assert_string_equal(parse("hv.efi kernel=vmlinuz", true, &c),
			    "unknown or bad argument \"kernel=vmlinuz\": "
			    "options start with --");
	assert_string_equal(c.guest, "");
	assert_null(parse("good.bin", false, &c));
	assert_string_equal(c.guest, "good.bin");
}

static const char *config(const char *bytes, size_t n, size_t *skip)
{
	return cmdline_config_text((const uint8_t *)bytes, n, skip, err,
				   sizeof(err));
}

/* Review I5 and I11, issue 22: hv.cfg is ASCII text. A UTF-8 byte-order
 * mark is skipped; UTF-16, a NUL byte (which used to end the file
 * silently), control characters and non-ASCII bytes are refused with
 * their offset and line. */
static void config_text_is_ascii(void **state)
{
	static const char ok[] = "# hv.cfg\r\n--kernel=vmlinuz\t--mem=64\n";
	static const char bom[] = "\xef\xbb\xbf--caps\n";
	static const char nul[] = "--kernel=vmlinuz --initrd=initrd.img\n"
				  "\0--append=\"quiet\" --mem=64\n";
	static const char utf16[] = "\xff\xfe-\0-\0c\0";
	static const char utf16_no_bom[] = "-\0-\0c\0";
	static const char vt[] = "--kernel=vmlinuz\v--mem=64";
	static const char eacute[] = "--append=\"caf\xc3\xa9\"";
	struct cmdline c = {0};
	size_t skip = 99;

	(void)state;
	assert_null(config(ok, sizeof(ok) - 1, &skip));
	assert_int_equal(skip, 0);
	assert_null(config(bom, sizeof(bom) - 1, &skip));
	assert_int_equal(skip, 3);
	assert_null(parse(bom + skip, false, &c));
	assert_true(c.caps_only);
	assert_string_equal(config(nul, sizeof(nul) - 1, &skip),
			    "NUL byte at offset 37 (line 2)");
	assert_string_equal(config(utf16, sizeof(utf16) - 1, &skip),
			    "UTF-16 text (byte-order mark ff fe): save it as "
			    "ASCII");
	assert_string_equal(
		config(utf16_no_bom, sizeof(utf16_no_bom) - 1, &skip),
		"NUL byte at offset 1 (line 1): UTF-16? save it as "
		"ASCII");
	assert_string_equal(
		config(vt, sizeof(vt) - 1, &skip),
		"control byte 0x0b at offset 16 (line 1): hv.cfg is "
		"ASCII text");
	assert_string_equal(config(eacute, sizeof(eacute) - 1, &skip),
			    "non-ASCII byte 0xc3 at offset 13 (line 1): hv.cfg "
			    "is ASCII text");
	assert_string_equal(config("\x7f", 1, &skip),
			    "control byte 0x7f at offset 0 (line 1): hv.cfg is "
			    "ASCII text");
}

static enum cmdline_options options(const uint16_t *w, size_t n, char *out,
				    size_t size)
{
	return cmdline_load_options(w, n, out, size, err, sizeof(err));
}

/* UCS-2 code units from ASCII @s, with @c at @at (if @at < strlen). */
static size_t ucs2(uint16_t *w, const char *s, size_t at, uint16_t c)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		w[i] = (uint16_t)(i == at ? c : (uint8_t)s[i]);
	w[n] = 0;
	return n + 1; /* the shell's LoadOptionsSize counts the NUL */
}

/* Review I4: a character the shell passes that is not printable ASCII
 * used to drop the whole command line without a word (hv.efi then ran
 * hv.cfg's guest or the tiny one); now it is refused by position. */
static void load_options_refuse_non_ascii_by_position(void **state)
{
	static const uint16_t bad[] = {0xe9, 0x01, 0x7f, 0x0a, 0x2028};
	static const uint16_t binary[] = {0x8f3a, 0x0001, 0x4e2d, 0xfe00};
	uint16_t w[64];
	char out[64];

	(void)state;
	assert_int_equal(
		options(w, ucs2(w, "hv.efi --caps", 99, 0), out, sizeof(out)),
		CMDLINE_OPTIONS_TEXT);
	assert_string_equal(out, "hv.efi --caps");
	/* Without the NUL as well. */
	assert_int_equal(
		options(w, ucs2(w, "hv\t--caps", 99, 0) - 1, out, sizeof(out)),
		CMDLINE_OPTIONS_TEXT);
	assert_string_equal(out, "hv\t--caps");
	for (size_t i = 0; i < COUNT_OF(bad); i++) {
		char want[96];

		assert_int_equal(
			options(w, ucs2(w, "hv.efi --bogus x", 15, bad[i]), out,
				sizeof(out)),
			CMDLINE_OPTIONS_BAD);
		snprintf(want, sizeof(want),
			 "the command line has U+%04X at character 16: hv.efi "
			 "takes printable ASCII only",
			 bad[i]);
		assert_string_equal(err, want);
	}
	/* A boot entry's binary optional data, or nothing, is no text. */
	assert_int_equal(options(binary, COUNT_OF(binary), out, sizeof(out)),
			 CMDLINE_OPTIONS_NONE);
	assert_int_equal(options(NULL, 0, out, sizeof(out)),
			 CMDLINE_OPTIONS_NONE);
	assert_int_equal(options(w, ucs2(w, "", 99, 0), out, sizeof(out)),
			 CMDLINE_OPTIONS_NONE);
	/* 16 characters fit in 17 bytes, 17 do not. */
	assert_int_equal(
		options(w, ucs2(w, "hv.efi --caps --d", 99, 0), out, 17),
		CMDLINE_OPTIONS_BAD);
	assert_string_equal(err,
			    "the command line is longer than 16 characters");
	assert_int_equal(
		options(w, ucs2(w, "hv.efi --caps --", 99, 0), out, 17),
		CMDLINE_OPTIONS_TEXT);
}

static void append_quotes_must_close_and_enclose(void **state)
{
	struct cmdline c = {0};

	(void)state;
	assert_string_equal(
		parse("hv.efi --append=\"console=ttyS0 quiet", true, &c),
		"--append=\"console=ttyS0 quiet: no closing quote");
	/* A quote does not run on past the end of its line in hv.cfg. */
	assert_string_equal(parse("--append=\"a\nb\"\n", false, &c),
			    "--append=\"a: no closing quote");
	assert_string_equal(parse("--append=a\"b c\"", false, &c),
			    "--append=a\"b c\": the quotes must enclose the "
			    "whole value");
	assert_string_equal(parse("--append=\"a\"\"b\"", false, &c),
			    "--append=\"a\"\"b\": the quotes must enclose the "
			    "whole value");
	assert_false(c.has_append);
}

static void append_must_fit(void **state)
{
	struct cmdline c = {0};
	char text[CMDLINE_MAX_APPEND + 32], want[160];
	size_t k = strlen("--append=");

	(void)state;
	memcpy(text, "--append=", k);
	memset(text + k, 'a', CMDLINE_MAX_APPEND - 1);
	text[k + CMDLINE_MAX_APPEND - 1] = '\0';
	assert_null(parse(text, false, &c));
	assert_int_equal(strlen(c.append), CMDLINE_MAX_APPEND - 1);
	/* Quoted: the quotes do not count. */
	text[k] = '"';
	memset(text + k + 1, 'q', CMDLINE_MAX_APPEND - 1);
	strcpy(text + k + CMDLINE_MAX_APPEND, "\"");
	assert_null(parse(text, false, &c));
	assert_int_equal(c.append[0], 'q');
	assert_int_equal(strlen(c.append), CMDLINE_MAX_APPEND - 1);
	memset(text + k, 'b', CMDLINE_MAX_APPEND);
	text[k + CMDLINE_MAX_APPEND] = '\0';
	snprintf(want, sizeof(want),
		 "--append=%.35s...: %d bytes is longer than %d", text + k,
		 CMDLINE_MAX_APPEND, CMDLINE_MAX_APPEND - 1);
	assert_string_equal(parse(text, false, &c), want);
	assert_int_equal(c.append[0], 'q'); /* unchanged */
}

/* Review I12: --mem= as QEMU's -m takes it: MiB, or a K, M or G suffix;
 * each refusal says what was wrong. */
static void mem_takes_a_size_as_qemu_does(void **state)
{
	struct cmdline c = {0};
	static const struct {
		const char *word;
		uint32_t mib;
	} good[] = {
		{"--mem=128", 128},   {"--mem=256M", 256},
		{"--mem=256m", 256},  {"--mem=1G", 1024},
		{"--mem=4g", 4096},   {"--mem=262144K", 256},
		{"--mem=16", 16},     {"--mem=00000000256", 256},
		{"--mem=4096", 4096},
	};
	static const struct {
		const char *word, *why;
	} bad[] = {
		{"--mem=0", "0 MiB is not a multiple of 2 MiB from 16 to 4096 "
			    "MiB"},
		{"--mem=15", "15 MiB is not a multiple of 2 MiB from 16 to "
			     "4096 MiB"},
		{"--mem=17", "17 MiB is not a multiple of 2 MiB from 16 to "
			     "4096 MiB"},
		{"--mem=4098", "4098 MiB is not a multiple of 2 MiB from 16 "
			       "to 4096 MiB"},
		{"--mem=8G", "8192 MiB is not a multiple of 2 MiB from 16 to "
			     "4096 MiB"},
		{"--mem=1000K", "1000 KiB is not a multiple of 2 MiB from 16 "
				"to 4096 MiB"},
	};
	static const char *const not_a_size[] = {
		"--mem=abc",
		"--mem=",
		"--mem=-256",
		"--mem=2.5",
		"--mem=\"64\"",
		"--mem=99999999999",
		"--mem=256MiB",
		"--mem=1GM",
		"--mem=M",
		"--mem=0x100",
		"--mem=99999999999G",
	};

	(void)state;
	for (size_t i = 0; i < COUNT_OF(good); i++) {
		assert_null(parse(good[i].word, false, &c));
		assert_int_equal(c.mem_mib, good[i].mib);
	}
	for (size_t i = 0; i < COUNT_OF(bad); i++) {
		char want[160];

		snprintf(want, sizeof(want), "%s: %s", bad[i].word, bad[i].why);
		assert_string_equal(parse(bad[i].word, false, &c), want);
	}
	for (size_t i = 0; i < COUNT_OF(not_a_size); i++) {
		char want[160];

		snprintf(want, sizeof(want),
			 "%s: not a size: a number of MiB, or with a K, M or G "
			 "suffix (--mem=512M, --mem=1G)",
			 not_a_size[i]);
		assert_string_equal(parse(not_a_size[i], false, &c), want);
	}
	assert_int_equal(c.mem_mib, 4096); /* unchanged */
}

/* --guest-arg=WORD: a flat guest's hv_info.arg (guest/fuzz.c's seed),
 * at most 63 bytes, not with --kernel=. */
static void guest_arg_is_one_word_for_a_flat_guest(void **state)
{
	struct cmdline c = {0};
	char word[100];

	(void)state;
	assert_null(parse("fuzz.bin --guest-arg=0x1234:7", false, &c));
	assert_string_equal(c.guest, "fuzz.bin");
	assert_string_equal(c.guest_arg, "0x1234:7");
	assert_null(check(&c));
	snprintf(word, sizeof(word), "--guest-arg=%063d", 5);
	assert_null(parse(word, false, &c));
	assert_int_equal(strlen(c.guest_arg), 63);
	snprintf(word, sizeof(word), "--guest-arg=%064d", 5);
	assert_non_null(parse(word, false, &c));
	assert_int_equal(strlen(c.guest_arg), 63); /* unchanged */
	assert_string_equal(parse("--guest-arg=", false, &c),
			    "unknown or bad argument \"--guest-arg=\"");
	memset(&c, 0, sizeof(c));
	assert_null(parse("--kernel=vmlinuz --guest-arg=1", false, &c));
	assert_string_equal(check(&c),
			    "--guest-arg=1: only with a flat guest, not "
			    "--kernel=");
}

/* cmdline_check, once hv.cfg and the command line are both read. */
static void linux_words_need_the_kernel(void **state)
{
	struct cmdline c = {0};

	(void)state;
	assert_null(check(&c));
	assert_null(parse("--initrd=initrd.img", false, &c));
	assert_string_equal(check(&c),
			    "--initrd=initrd.img: only with --kernel=");
	memset(&c, 0, sizeof(c));
	assert_null(parse("--append=\"console=ttyS0 quiet\"", false, &c));
	assert_string_equal(check(&c), "--append=\"console=ttyS0 quiet\": "
				       "only with --kernel=");
	memset(&c, 0, sizeof(c));
	assert_null(parse("--append=", false, &c));
	assert_string_equal(check(&c), "--append=\"\": only with --kernel=");
	memset(&c, 0, sizeof(c));
	assert_null(parse("--mem=512", false, &c));
	assert_string_equal(check(&c), "--mem=512: only with --kernel=");
	assert_null(parse("--kernel=vmlinuz", false, &c));
	assert_null(check(&c));
}

static void kernel_and_flat_guest_are_one_too_many(void **state)
{
	struct cmdline c = {0};

	(void)state;
	assert_null(parse("hv.efi --kernel=vmlinuz good.bin", true, &c));
	assert_string_equal(check(&c),
			    "--kernel=vmlinuz and good.bin: choose one guest");
	/* hv.cfg names a flat guest, the command line a kernel: the same. */
	memset(&c, 0, sizeof(c));
	assert_null(parse("tiny.bin\n", false, &c));
	assert_null(check(&c));
	assert_null(parse("hv.efi --kernel=bzImage", true, &c));
	assert_string_equal(check(&c),
			    "--kernel=bzImage and tiny.bin: choose one guest");
}

/* hv.cfg first, then the command line on the same struct: each word of
 * the command line wins over hv.cfg's, the others stay. */
static void command_line_overrides_config_per_word(void **state)
{
	struct cmdline c = {0};

	(void)state;
	assert_null(parse("# hv.cfg\n--kernel=vmlinuz --initrd=initrd.img\n"
			  "--append=\"console=ttyS0,115200 quiet\" --mem=256\n",
			  false, &c));
	assert_null(parse("hv.efi --mem=1024 --append=\"console=ttyS0 debug\"",
			  true, &c));
	assert_string_equal(c.kernel, "vmlinuz");
	assert_string_equal(c.initrd, "initrd.img");
	assert_string_equal(c.append, "console=ttyS0 debug");
	assert_int_equal(c.mem_mib, 1024);
	assert_null(
		parse("hv.efi --kernel=other --initrd=other.img", true, &c));
	assert_string_equal(c.kernel, "other");
	assert_string_equal(c.initrd, "other.img");
	assert_string_equal(c.append, "console=ttyS0 debug");
	assert_int_equal(c.mem_mib, 1024);
	assert_null(check(&c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_text_changes_nothing),
		cmocka_unit_test(resident_options),
		cmocka_unit_test(chain_after_resident),
		cmocka_unit_test(shell_line_skips_the_program_name),
		cmocka_unit_test(config_file_words_and_comments),
		cmocka_unit_test(later_text_adds_to_earlier),
		cmocka_unit_test(quiet_leaves_out_what_caps_prints),
		cmocka_unit_test(break_entry_rules),
		cmocka_unit_test(watchdog_takes_1_to_a_million_slices),
		cmocka_unit_test(console_limit_takes_1_byte_to_1_mib),
		cmocka_unit_test(unknown_options_are_named),
		cmocka_unit_test(guest_path_must_fit),
		cmocka_unit_test(
			first_word_skipped_only_when_it_names_the_program),
		cmocka_unit_test(kernel_initrd_and_mem_take_their_values),
		cmocka_unit_test(kernel_and_initrd_names_must_fit),
		cmocka_unit_test(quoted_append_holds_spaces),
		cmocka_unit_test(unquoted_append_is_one_word),
		cmocka_unit_test(option_without_dashes_is_named),
		cmocka_unit_test(config_text_is_ascii),
		cmocka_unit_test(load_options_refuse_non_ascii_by_position),
		cmocka_unit_test(append_quotes_must_close_and_enclose),
		cmocka_unit_test(append_must_fit),
		cmocka_unit_test(mem_takes_a_size_as_qemu_does),
		cmocka_unit_test(linux_words_need_the_kernel),
		cmocka_unit_test(guest_arg_is_one_word_for_a_flat_guest),
		cmocka_unit_test(kernel_and_flat_guest_are_one_too_many),
		cmocka_unit_test(command_line_overrides_config_per_word),
	};

	return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
