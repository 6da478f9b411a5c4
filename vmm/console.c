/* The guest's console: bytes become host lines prefixed "guest: ". A
 * guest that floods it is stopped rather than allowed to bury the host's
 * own messages. */
#include "exit_handlers.h"
#include "print.h"

#define CONSOLE_LIMIT_BYTES (64u * 1024u)

void console_flush(struct vcpu *v)
{
	struct uart *u = &v->uart;

	if (!u->len)
		return;
	u->line[u->len] = '\0';
	/* The firmware's console is slow (a serial port: 64 KiB take
	 * seconds): that time is the console limit's to bound, not the
	 * host-time bound's (run_bounds.h). */
	uint64_t t0 = v->ops && v->ops->read_tsc ? v->ops->read_tsc() : 0;

	hv_printf("guest: %s\n", u->line);
	if (t0)
		v->console_tsc += v->ops->read_tsc() - t0;
	u->len = 0;
	u->lines++;
}

bool console_write(struct vcpu *v, const char *bytes, size_t len)
{
	struct uart *u = &v->uart;

	for (size_t i = 0; i < len; i++) {
		if (++v->console_bytes > CONSOLE_LIMIT_BYTES) {
			console_flush(v);
			hv_printf("hv: guest %s: more than %u bytes on the "
				  "console; stopping it\n",
				  v->name, CONSOLE_LIMIT_BYTES);
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
			console_flush(v);
	}
	return true;
}
