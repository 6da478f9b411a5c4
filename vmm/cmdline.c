#include "cmdline.h"

#include "print.h"

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

static const char *apply(const char *w, size_t n, struct cmdline *out,
			 char *err, size_t err_size)
{
	static const char brk[] = "--break-entry=";
	const size_t brk_len = sizeof(brk) - 1;
	static const char wd[] = "--watchdog=";
	const size_t wd_len = sizeof(wd) - 1;

	if (word_is(w, n, "--caps")) {
		out->caps_only = true;
	} else if (word_is(w, n, "--dump")) {
		out->dump_vmcs = true;
	} else if (word_is(w, n, "--debug-wait")) {
		out->debug_wait = true;
	} else if (n > wd_len && word_is(w, wd_len, wd)) {
		uint32_t slices =
			number(w + wd_len, n - wd_len, CMDLINE_MAX_WATCHDOG);

		if (!slices)
			goto bad;
		out->watchdog_slices = slices;
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
	hv_snprintf(err, err_size, "unknown or bad argument \"%s\"", word);
	return err;
}
}

const char *cmdline_parse(const char *text, bool skip_program,
			  struct cmdline *out, char *err, size_t err_size)
{
	const char *p = text;
	bool first = true;

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

		while (*p && !is_space(*p))
			p++;
		if (first && skip_program) {
			first = false;
			continue;
		}
		first = false;
		const char *e = apply(w, (size_t)(p - w), out, err, err_size);

		if (e)
			return e;
	}
	return NULL;
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
