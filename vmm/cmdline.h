/* hv.efi's arguments, from the UEFI shell's command line or from hv.cfg
 * next to the app (same syntax; the command line wins):
 *   [--caps] [--dump] [--debug-wait] [--watchdog=SLICES]
 *   [--break-entry=RULE] [GUEST.bin]
 * "#" starts a comment to the end of the line. */
#ifndef HV_CMDLINE_H
#define HV_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CMDLINE_MAX_PATH 128
/* --watchdog=SLICES: from 1 to this many VMX-preemption-timer slices. */
#define CMDLINE_MAX_WATCHDOG 1000000u

/* Test-only: break one VM-entry rule on purpose (tests/integration.sh). */
enum entry_break {
	ENTRY_BREAK_NONE,
	ENTRY_BREAK_HOST_TR,	  /* host TR selector 0: VMfailValid, error 8 */
	ENTRY_BREAK_GUEST_RFLAGS, /* RFLAGS bit 1 clear: exit reason 33 */
};

struct cmdline {
	bool caps_only;
	bool dump_vmcs;
	bool debug_wait; /* spin after printing the image base until GDB
			    clears hv_debug_wait (make debug) */
	uint32_t watchdog_slices; /* 0: the default budget */
	enum entry_break break_entry;
	char guest[CMDLINE_MAX_PATH]; /* empty: the built-in tiny guest */
};

/* Parses @text (ASCII, NUL-terminated) into @out, on top of what @out
 * already holds. @skip_program skips the first word (the shell passes
 * the program name). Returns NULL, or a message naming the bad word. */
const char *cmdline_parse(const char *text, bool skip_program,
			  struct cmdline *out, char *err, size_t err_size);

#endif
