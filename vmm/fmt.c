/* A small freestanding printf: enough for hex dumps of VMCS fields and
 * decimal counters, nothing more. */
#include "print.h"

#include "percpu.h"

#include <stdint.h>

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width,
		       int left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;

	if (!left)
		while (fill-- > 0)
			put(o, pad);
	for (size_t i = 0; i < n; i++)
		put(o, s[i]);
	if (left)
		while (fill-- > 0)
			put(o, ' ');
}

static size_t utoa(char *tmp, uint64_t v, unsigned base, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	return n;
}

static void put_number(struct out *o, uint64_t v, int negative, unsigned base,
		       int upper, int width, int left, char pad)
{
	char rev[24], s[24];
	size_t n = utoa(rev, v, base, upper), len = 0;

	if (negative && pad == '0') {
		put(o, '-');
		width = width > 0 ? width - 1 : 0;
	} else if (negative) {
		s[len++] = '-';
	}
	while (n)
		s[len++] = rev[--n];
	put_padded(o, s, len, width, left, pad);
}

int hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {buf, size, 0};

	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			put(&o, *p);
			continue;
		}
		p++;
		int left = 0, width = 0, lng = 0;
		char pad = ' ';

		for (; *p == '-' || *p == '0'; p++) {
			if (*p == '-')
				left = 1;
			else
				pad = '0';
		}
		if (*p == '*') {
			width = va_arg(ap, int);
			p++;
		}
		for (; *p >= '0' && *p <= '9'; p++)
			width = width * 10 + (*p - '0');
		for (; *p == 'l' || *p == 'z'; p++)
			lng++;
		if (left)
			pad = ' ';

		switch (*p) {
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

			put_number(&o, mag, v < 0, 10, 0, width, left, pad);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v = lng ? va_arg(ap, uint64_t)
					 : va_arg(ap, unsigned int);

			put_number(&o, v, 0, *p == 'u' ? 10 : 16, *p == 'X',
				   width, left, pad);
			break;
		}
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_number(&o, (uintptr_t)va_arg(ap, void *), 0, 16, 0,
				   width, left, pad);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);

			put_padded(&o, &c, 1, width, left, ' ');
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			size_t n = 0;

			if (!s)
				s = "(null)";
			while (s[n])
				n++;
			put_padded(&o, s, n, width, left, ' ');
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			p--;
			break;
		default:
			put(&o, '%');
			put(&o, *p);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int hv_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = hv_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Whether this CPU left its console line open (percpu.h). */
void hv_print_open(const char *text)
{
	platform_puts(text);
	this_cpu()->print_line_open = true;
}

bool hv_print_line_open(void)
{
	return this_cpu()->print_line_open;
}

void hv_print_end_line(void)
{
	struct hv_cpu *c = this_cpu();

	if (c->print_line_open) {
		c->print_line_open = false;
		platform_puts("\n");
	}
}

void hv_printf(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	hv_print_end_line();
	va_start(ap, fmt);
	int n = hv_vsnprintf(line, sizeof(line), fmt, ap);

	va_end(ap);
	/* A line cut to fit ends in "..." and keeps its line break, so the
	 * next "hv:" line starts a line of its own (the harness's checks
	 * are anchored there). */
	if (n >= (int)sizeof(line)) {
		size_t f = 0;

		while (fmt[f])
			f++;
		bool nl = f && fmt[f - 1] == '\n';
		char *tail = line + sizeof(line) - (nl ? 5 : 4);

		for (const char *t = nl ? "...\n" : "..."; *t; t++)
			*tail++ = *t;
		*tail = '\0';
	}
	platform_puts(line);
}
