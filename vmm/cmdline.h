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

/* Whether the first word of @text names the program whose file path is
 * @image_path (as the loaded image's device path prints, e.g.
 * "\EFI\BOOT\BOOTX64.EFI"): the UEFI shell passes its argv[0] first (the
 * name as typed, with or without a directory and the ".efi"); a
 * Boot#### entry's optional data is only what the entry holds, so a
 * first word that is not the program's name is an argument. File names
 * on the FAT system partition compare without case. */
bool cmdline_names_program(const char *text, const char *image_path);

#endif
