#include "cmdline.h"

#include "loader/linux_boot.h"
#include "print.h"
#include "util.h"

_Static_assert(CMDLINE_MAX_MEM_MIB == LINUX_MAX_MEM >> 20,
	       "--mem= ends where the Linux loader's identity map does");

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool word_is(const char *w, size_t n, const char *s)
{
	size_t i = 0;

	for (; i < n && s[i]; i++)
		if (w[i] != s[i])
			return false;
	return i == n && !s[i];
}

/* A decimal number from 1 to max, all of w[0..n); 0 if it is not. */
static uint32_t number(const char *w, size_t n, uint32_t max)
{
	uint64_t v = 0;

	if (!n || n > 10)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (w[i] < '0' || w[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(w[i] - '0');
	}
	return v <= max ? (uint32_t)v : 0;
}

#define SHOWN_SIZE 48

/* The word w[0..n) for a message: what fits in @size (at least 4) with
 * "..." after it when it does not all fit. */
static void shown(const char *w, size_t n, char *out, size_t size)
{
	size_t most = size - 4, k = n <= most ? n : most;

	for (size_t i = 0; i < k; i++)
		out[i] = w[i];
	if (k < n)
		for (size_t i = 0; i < 3; i++)
			out[k++] = '.';
	out[k] = '\0';
}

/* "WORD: reason". */
__attribute__((format(printf, 5, 6))) static const char *refuse(
	const char *w, size_t n, char *err, size_t err_size, const char *fmt,
	...)
{
	char word[SHOWN_SIZE];
	va_list ap;
	int k;

	shown(w, n, word, sizeof(word));
	k = hv_snprintf(err, err_size, "%s: ", word);
	if (k >= 0 && (size_t)k < err_size) {
		va_start(ap, fmt);
		hv_vsnprintf(err + k, err_size - (size_t)k, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* Whether w[0..n) is @prefix and a value (maybe empty): *v, *m. */
static bool value_of(const char *w, size_t n, const char *prefix,
		     const char **v, size_t *m)
{
	size_t len = 0;

	while (prefix[len])
		len++;
	if (n < len || !word_is(w, len, prefix))
		return false;
	*v = w + len;
	*m = n - len;
	return true;
}

/* Takes the double quotes off a value: NULL, or why it is bad. (An
 * unclosed quote never gets here: cmdline_parse ends the word there.) */
static const char *unquote(const char **v, size_t *m)
{
	size_t quotes = 0;

	for (size_t i = 0; i < *m; i++)
		quotes += (*v)[i] == '"';
	if (!quotes)
		return NULL;
	if (quotes != 2 || (*v)[0] != '"' || (*v)[*m - 1] != '"')
		return "the quotes must enclose the whole value";
	(*v)++;
	*m -= 2;
	return NULL;
}

static void copy(char *dst, const char *v, size_t m)
{
	for (size_t i = 0; i < m; i++)
		dst[i] = v[i];
	dst[m] = '\0';
}

#define KIB (1ull << 10)
#define MIB (1ull << 20)
#define GIB (1ull << 30)

/* --mem=SIZE as QEMU's -m takes it ("-m [size=]megs": a number of MiB,
 * "Optionally, a suffix of "M" or "G" can be used"; its size parser
 * takes K too, either case). Guest memory is mapped with 2-MiB pages,
 * from CMDLINE_MIN_MEM_MIB to CMDLINE_MAX_MEM_MIB. NULL and *mib, or
 * why not (written to @buf). */
static const char *mem_mib(const char *v, size_t m, uint32_t *mib, char *buf,
			   size_t size)
{
	static const struct {
		char suffix;
		uint64_t unit;
	} units[] = {{'k', KIB}, {'m', MIB}, {'g', GIB}};
	uint64_t unit = MIB, n = 0, bytes;
	size_t digits = 0;

	for (size_t i = 0; m && i < COUNT_OF(units); i++)
		if ((v[m - 1] | 0x20) == units[i].suffix) {
			unit = units[i].unit;
			m--;
			break;
		}
	for (size_t i = 0; i < m; i++) {
		if (v[i] < '0' || v[i] > '9')
			m = 0;
		else if (n || v[i] != '0')
			digits++;
		/* Ten digits times a GiB still fits in 64 bits. */
		if (digits > 10)
			m = 0;
		if (m)
			n = n * 10 + (uint64_t)(v[i] - '0');
	}
	if (!m) {
		hv_snprintf(buf, size,
			    "not a size: a number of MiB, or with a K, M or G "
			    "suffix (--mem=512M, --mem=1G)");
		return buf;
	}
	bytes = n * unit;
	if (bytes < CMDLINE_MIN_MEM_MIB * MIB ||
	    bytes > CMDLINE_MAX_MEM_MIB * MIB || bytes % (2 * MIB)) {
		hv_snprintf(buf, size,
			    "%lu %s is not a multiple of 2 MiB from %u to %u "
			    "MiB",
			    (unsigned long)(bytes % MIB ? bytes / KIB
							: bytes / MIB),
			    bytes % MIB ? "KiB" : "MiB", CMDLINE_MIN_MEM_MIB,
			    CMDLINE_MAX_MEM_MIB);
		return buf;
	}
	*mib = (uint32_t)(bytes / MIB);
	return NULL;
}

/* --kernel=FILE, --initrd=FILE, --append=TEXT, --mem=SIZE, --chain=FILE. */
static const char *apply_linux(const char *w, size_t n, struct cmdline *out,
			       char *err, size_t err_size, bool *matched)
{
	const char *v, *why;
	size_t m;
	char *path = NULL;

	*matched = true;
	if (value_of(w, n, "--kernel=", &v, &m))
		path = out->kernel;
	else if (value_of(w, n, "--initrd=", &v, &m))
		path = out->initrd;
	else if (value_of(w, n, "--chain=", &v, &m))
		path = out->chain;
	if (path) {
		why = unquote(&v, &m);
		if (why)
			return refuse(w, n, err, err_size, "%s", why);
		if (!m)
			return refuse(w, n, err, err_size, "no file name");
		if (m >= CMDLINE_MAX_PATH)
			return refuse(w, n, err, err_size,
				      "the file name is longer than %u bytes",
				      CMDLINE_MAX_PATH - 1);
		copy(path, v, m);
		return NULL;
	}
	if (value_of(w, n, "--append=", &v, &m)) {
		why = unquote(&v, &m);
		if (why)
			return refuse(w, n, err, err_size, "%s", why);
		if (m >= CMDLINE_MAX_APPEND)
			return refuse(w, n, err, err_size,
				      "%zu bytes is longer than %u", m,
				      CMDLINE_MAX_APPEND - 1);
		copy(out->append, v, m);
		out->has_append = true;
		return NULL;
	}
	if (value_of(w, n, "--mem=", &v, &m)) {
		char reason[96];
		uint32_t mib;

		why = mem_mib(v, m, &mib, reason, sizeof(reason));
		if (why)
			return refuse(w, n, err, err_size, "%s", why);
		out->mem_mib = mib;
		return NULL;
	}
	*matched = false;
	return NULL;
}

/* @after_append: the word before was an unquoted --append=. */
static const char *apply(const char *w, size_t n, struct cmdline *out,
			 bool after_append, char *err, size_t err_size)
{
	const char *hint = "";
	static const char brk[] = "--break-entry=";
	const size_t brk_len = sizeof(brk) - 1;
	static const char wd[] = "--watchdog=";
	const size_t wd_len = sizeof(wd) - 1;
	static const char cl[] = "--console-limit=";
	const size_t cl_len = sizeof(cl) - 1;
	static const char bc[] = "--break-cpu=";
	const size_t bc_len = sizeof(bc) - 1;
	bool linux_word;
	const char *e = apply_linux(w, n, out, err, err_size, &linux_word);

	if (linux_word)
		return e;

	static const char ga[] = "--guest-arg=";
	const size_t ga_len = sizeof(ga) - 1;

	if (n > ga_len && word_is(w, ga_len, ga)) {
		if (n - ga_len >= CMDLINE_MAX_GUEST_ARG)
			goto bad;
		copy(out->guest_arg, w + ga_len, n - ga_len);
	} else if (word_is(w, n, "--caps")) {
		out->caps_only = true;
	} else if (word_is(w, n, "--quiet")) {
		out->quiet = true;
	} else if (word_is(w, n, "--dump")) {
		out->dump_vmcs = true;
	} else if (word_is(w, n, "--debug-wait")) {
		out->debug_wait = true;
	} else if (word_is(w, n, "--resident")) {
		out->resident = true;
	} else if (word_is(w, n, "--unload")) {
		out->unload = true;
	} else if (word_is(w, n, "--peek-hidden")) {
		out->peek_hidden = true;
	} else if (n > bc_len && word_is(w, bc_len, bc)) {
		/* CPU 0 is a valid number: number() says 0 for "bad". */
		if (n == bc_len + 1 && w[bc_len] == '0') {
			out->break_cpu = 1;
		} else {
			uint32_t cpu =
				number(w + bc_len, n - bc_len, CMDLINE_MAX_CPU);

			if (!cpu)
				goto bad;
			out->break_cpu = cpu + 1;
		}
	} else if (n > wd_len && word_is(w, wd_len, wd)) {
		uint32_t slices =
			number(w + wd_len, n - wd_len, CMDLINE_MAX_WATCHDOG);

		if (!slices)
			goto bad;
		out->watchdog_slices = slices;
	} else if (n > cl_len && word_is(w, cl_len, cl)) {
		uint32_t bytes = number(w + cl_len, n - cl_len,
					CMDLINE_MAX_CONSOLE_LIMIT);

		if (!bytes)
			goto bad;
		out->console_limit = bytes;
	} else if (n > brk_len && word_is(w, brk_len, brk)) {
		if (word_is(w + brk_len, n - brk_len, "host-tr"))
			out->break_entry = ENTRY_BREAK_HOST_TR;
		else if (word_is(w + brk_len, n - brk_len, "guest-rflags"))
			out->break_entry = ENTRY_BREAK_GUEST_RFLAGS;
		else
			goto bad;
	} else if (w[0] == '-') {
		goto bad;
	} else {
		/* A guest image's name: never "name=value", which is an
		 * option without its "--" (mem=256) or, after an unquoted
		 * --append=, the rest of the kernel's command line. */
		for (size_t i = 0; i < n; i++)
			if (w[i] == '=') {
				hint = after_append
					       ? ": --append= is one word; "
						 "quote a value with spaces, "
						 "--append=\"a b\""
					       : ": options start with --";
				goto bad;
			}
		if (after_append) {
			hint = ": --append= is one word; quote a value with "
			       "spaces, --append=\"a b\"";
			goto bad;
		}
		if (n >= CMDLINE_MAX_PATH)
			goto bad;
		for (size_t i = 0; i < n; i++)
			out->guest[i] = w[i];
		out->guest[n] = '\0';
	}
	return NULL;
bad : {
	char word[CMDLINE_MAX_PATH];
	size_t k = n < sizeof(word) - 1 ? n : sizeof(word) - 1;

	for (size_t i = 0; i < k; i++)
		word[i] = w[i];
	word[k] = '\0';
	hv_snprintf(err, err_size, "unknown or bad argument \"%s\"%s", word,
		    hint);
	return err;
}
}

const char *cmdline_parse(const char *text, bool skip_program,
			  struct cmdline *out, char *err, size_t err_size)
{
	const char *p = text;
	bool first = true, after_append = false;

	while (*p) {
		while (is_space(*p))
			p++;
		if (*p == '#') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (!*p)
			break;
		const char *w = p;
		bool quoted = false;

		/* A double quote opens or closes a quoted part, in which
		 * spaces belong to the word; a line break ends it. */
		while (*p && (!is_space(*p) ||
			      (quoted && *p != '\r' && *p != '\n'))) {
			quoted ^= *p == '"';
			p++;
		}
		if (quoted)
			return refuse(w, (size_t)(p - w), err, err_size,
				      "no closing quote");
		if (first && skip_program) {
			first = false;
			continue;
		}
		first = false;
		const char *e = apply(w, (size_t)(p - w), out, after_append,
				      err, err_size);

		if (e)
			return e;
		after_append =
			p - w > 9 && word_is(w, 9, "--append=") && w[9] != '"';
	}
	return NULL;
}

/* A NUL-terminated string for a message, as shown() cuts it. */
static const char *shown_str(const char *s, char out[SHOWN_SIZE])
{
	size_t n = 0;

	while (s[n])
		n++;
	shown(s, n, out, SHOWN_SIZE);
	return out;
}

const char *cmdline_check(const struct cmdline *c, char *err, size_t err_size)
{
	char a[SHOWN_SIZE], b[SHOWN_SIZE];

	if (c->caps_only && c->quiet) {
		hv_snprintf(err, err_size,
			    "--caps and --quiet: --caps prints the capability "
			    "report that --quiet leaves out: choose one");
		return err;
	}
	if (c->resident && c->unload) {
		hv_snprintf(err, err_size,
			    "--resident and --unload: choose "
			    "one");
		return err;
	}
	if (c->peek_hidden &&
	    (c->resident || c->unload || c->kernel[0] || c->guest[0])) {
		hv_snprintf(err, err_size, "--peek-hidden: on its own");
		return err;
	}
	if (c->break_cpu && !c->resident) {
		hv_snprintf(err, err_size,
			    "--break-cpu=%u: only with "
			    "--resident",
			    c->break_cpu - 1);
		return err;
	}
	if ((c->resident || c->unload) && (c->kernel[0] || c->guest[0])) {
		hv_snprintf(err, err_size,
			    "%s: the firmware is the guest, "
			    "no other",
			    c->resident ? "--resident" : "--unload");
		return err;
	}
	if (c->chain[0] && !c->resident) {
		hv_snprintf(err, err_size, "--chain=%s: only with --resident",
			    shown_str(c->chain, a));
		return err;
	}
	if (c->chain[0] && (c->initrd[0] || c->mem_mib)) {
		hv_snprintf(err, err_size,
			    "--chain=%s: %s is the kernel's, not the chained "
			    "image's (give initrd= in --append=)",
			    shown_str(c->chain, a),
			    c->initrd[0] ? "--initrd=" : "--mem=");
		return err;
	}
	if (cmdline_chain_next(c) && c->has_append) {
		hv_snprintf(err, err_size,
			    "--chain=next --append=\"%s\": the next boot "
			    "entry has its own options",
			    shown_str(c->append, a));
		return err;
	}
	/* --append= is the chained image's command line. */
	if (c->chain[0])
		return NULL;
	if (c->kernel[0] && c->guest[0])
		hv_snprintf(err, err_size,
			    "--kernel=%s and %s: choose one guest",
			    shown_str(c->kernel, a), shown_str(c->guest, b));
	else if (c->kernel[0] && c->guest_arg[0])
		hv_snprintf(err, err_size,
			    "--guest-arg=%s: only with a flat guest, not "
			    "--kernel=",
			    shown_str(c->guest_arg, a));
	else if (c->kernel[0])
		return NULL;
	else if (c->initrd[0])
		hv_snprintf(err, err_size, "--initrd=%s: only with --kernel=",
			    shown_str(c->initrd, a));
	else if (c->has_append)
		hv_snprintf(err, err_size,
			    "--append=\"%s\": only with --kernel=",
			    shown_str(c->append, a));
	else if (c->mem_mib)
		hv_snprintf(err, err_size,
			    "--mem=%u: only with --kernel=", c->mem_mib);
	else
		return NULL;
	return err;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The last path component of [s, s + n): after the last '\\', '/' or
 * ':' (a shell mapping such as "fs0:"). */
static const char *base_name(const char *s, size_t n, size_t *len)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '\\' || s[i] == '/' || s[i] == ':')
			start = i + 1;
	*len = n - start;
	return s + start;
}

static bool same_name(const char *a, size_t an, const char *b, size_t bn)
{
	if (an != bn)
		return false;
	for (size_t i = 0; i < an; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

bool cmdline_names_program(const char *text, const char *image_path)
{
	const char *p = text;
	size_t n = 0, wn, in, path_len = 0;

	while (is_space(*p))
		p++;
	while (p[n] && !is_space(p[n]))
		n++;
	while (image_path[path_len])
		path_len++;
	if (!n || !path_len)
		return false;
	const char *w = base_name(p, n, &wn);
	const char *img = base_name(image_path, path_len, &in);

	if (same_name(w, wn, img, in))
		return true;
	/* The shell runs "hv" as hv.efi. */
	return in > 4 && same_name(img + in - 4, 4, ".efi", 4) &&
	       same_name(w, wn, img, in - 4);
}

/* Unicode's byte-order mark U+FEFF as UTF-8 and as UTF-16 either way. */
static const uint8_t utf8_bom[] = {0xef, 0xbb, 0xbf};

static bool printable(unsigned int c)
{
	return c >= 0x20 && c <= 0x7e;
}

const char *cmdline_config_text(const uint8_t *buf, size_t n, size_t *skip,
				char *err, size_t err_size)
{
	size_t line = 1, i = 0;

	*skip = 0;
	if (n >= 2 && ((buf[0] == 0xff && buf[1] == 0xfe) ||
		       (buf[0] == 0xfe && buf[1] == 0xff))) {
		hv_snprintf(err, err_size,
			    "UTF-16 text (byte-order mark %02x %02x): save it "
			    "as ASCII",
			    buf[0], buf[1]);
		return err;
	}
	if (n >= sizeof(utf8_bom) && buf[0] == utf8_bom[0] &&
	    buf[1] == utf8_bom[1] && buf[2] == utf8_bom[2])
		i = *skip = sizeof(utf8_bom);
	for (; i < n; i++) {
		uint8_t c = buf[i];

		if (c == '\n')
			line++;
		if (printable(c) || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (!c)
			hv_snprintf(err, err_size,
				    "NUL byte at offset %zu (line %zu)%s", i,
				    line,
				    /* UTF-16 without a byte-order mark has
				     * a NUL every other byte. */
				    i + 2 < n && !buf[i + 2]
					    ? ": UTF-16? save it as ASCII"
					    : "");
		else
			hv_snprintf(err, err_size,
				    "%s byte 0x%02x at offset %zu (line %zu): "
				    "hv.cfg is ASCII text",
				    c < 0x80 ? "control" : "non-ASCII", c, i,
				    line);
		return err;
	}
	return NULL;
}

enum cmdline_options cmdline_load_options(const uint16_t *w, size_t n,
					  char *out, size_t size, char *err,
					  size_t err_size)
{
	size_t len = 0, text = 0;

	while (w && len < n && w[len])
		len++;
	for (size_t i = 0; i < len; i++)
		text += printable(w[i]) || w[i] == '\t';
	if (!len || !printable(w[0]) || text * 4 < len * 3)
		return CMDLINE_OPTIONS_NONE;
	if (len >= size) {
		hv_snprintf(err, err_size,
			    "the command line is longer than %zu characters",
			    size - 1);
		return CMDLINE_OPTIONS_BAD;
	}
	for (size_t i = 0; i < len; i++) {
		if (!printable(w[i]) && w[i] != '\t') {
			hv_snprintf(err, err_size,
				    "the command line has U+%04X at character "
				    "%zu: hv.efi takes printable ASCII only",
				    w[i], i + 1);
			return CMDLINE_OPTIONS_BAD;
		}
		out[i] = (char)w[i];
	}
	out[len] = '\0';
	return CMDLINE_OPTIONS_TEXT;
}

bool cmdline_chain_next(const struct cmdline *c)
{
	const char *next = CMDLINE_CHAIN_NEXT;
	size_t n = 0;

	while (next[n])
		n++;
	return word_is(c->chain, n, next) && !c->chain[n];
}
