#include "summary.h"

#include "print.h"

const char *guest_result_name(enum guest_result r)
{
	switch (r) {
	case GUEST_RUNNING:
		return "running";
	case GUEST_OK:
		return "ok";
	case GUEST_ERROR:
		return "error";
	case GUEST_KILLED:
		return "killed";
	case GUEST_RESET:
		return "reboot";
	case GUEST_STOPPED:
		return "stopped";
	}
	return "?";
}

size_t guest_summary_format(const struct vcpu *v, char *buf, size_t size)
{
	size_t n = 0;

#define APPEND(...)                                                   \
	do {                                                          \
		int k = hv_snprintf(buf + n, n < size ? size - n : 0, \
				    __VA_ARGS__);                     \
		n += k > 0 ? (size_t)k : 0;                           \
	} while (0)

	APPEND("hv: summary guest=%s result=%s exits=%lu", v->name,
	       guest_result_name(v->result), v->exits);
	for (unsigned int r = 0; r < EXIT_REASON_COUNT; r++)
		if (v->exit_counts[r])
			APPEND(" %s=%lu", exit_reason_name(r),
			       v->exit_counts[r]);
	APPEND(" cr3_load=%lu", v->cr3_loads);
	if (v->why)
		APPEND(" why=%s", v->why);
	if (v->result == GUEST_ERROR && !v->why)
		APPEND(" status=%lu", v->status);
#undef APPEND
	return n < size ? n : size ? size - 1 : 0;
}

void guest_summary_print(const struct vcpu *v)
{
	char line[1024];

	/* Not through hv_printf: a guest that saw many kinds of exit makes
	 * a line longer than its 512-byte buffer. */
	guest_summary_format(v, line, sizeof(line));
	platform_puts(line);
	platform_puts("\n");
}
