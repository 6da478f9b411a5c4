/* The guest's console: bytes become host lines prefixed "guest: ", a
 * line at a time, as docs/guest-abi.md says: a line longer than the
 * buffer goes out in pieces that continue one output line (an open line,
 * print.h) rather than as several "guest: " lines. A guest that floods it
 * is stopped rather than allowed to bury the host's own messages. */
#include "exit/exit.h"
#include "exit/run_bounds.h"
#include "print.h"

#define CONSOLE_LIMIT_BYTES (64u * 1024u)

/* The buffered piece, on the guest's open line if nothing of hv's has
 * ended it since, else after a new "guest: " prefix. The firmware's
 * console is slow (a serial port: 64 KiB take seconds): that time is the
 * console limit's to bound, not the host-time bound's (run_bounds.h). */
static void console_put_piece(struct vcpu *v, bool ends_line)
{
	struct uart *u = &v->uart;
	uint64_t t0 = v->ops && v->ops->read_tsc ? v->ops->read_tsc() : 0;

	u->line[u->len] = '\0';
	if (!(u->continued && hv_print_line_open()))
		hv_printf("guest: ");
	hv_print_open(u->line);
	if (ends_line)
		hv_print_end_line();
	u->continued = !ends_line;
	u->len = 0;
	if (t0)
		run_bounds_console_time(v, v->ops->read_tsc() - t0);
}

void console_flush(struct vcpu *v)
{
	struct uart *u = &v->uart;

	if (!u->len && !u->continued)
		return;
	if (u->len || hv_print_line_open())
		console_put_piece(v, true);
	u->continued = false;
	u->lines++;
}

bool console_write(struct vcpu *v, const char *bytes, size_t len)
{
	struct uart *u = &v->uart;
	uint32_t limit =
		v->console_limit ? v->console_limit : CONSOLE_LIMIT_BYTES;

	for (size_t i = 0; i < len; i++) {
		if (++v->console_bytes > limit && !v->console_unlimited) {
			console_flush(v);
			hv_printf("hv: guest %s: more than %u bytes on the "
				  "console; stopping it\n",
				  v->name, limit);
			return false;
		}
		char c = bytes[i];

		if (c == '\n') {
			console_flush(v);
			continue;
		}
		if (c == '\r')
			continue;
		if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7e)
			c = '.';
		u->line[u->len++] = c;
		if (u->len == sizeof(u->line) - 1)
			console_put_piece(v, false);
	}
	return true;
}
