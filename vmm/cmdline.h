/* hv.efi's arguments, from the UEFI shell's command line or from hv.cfg
 * next to the app (same syntax; hv.cfg is read first, then the command
 * line on top of it: the command line wins, word by word):
 *   [--caps | --quiet] [--dump] [--debug-wait] [--watchdog=SLICES]
 *   [--console-limit=BYTES]
 *   [--break-entry=RULE] [GUEST.bin [--guest-arg=WORD]]
 *   [--kernel=FILE [--initrd=FILE] [--append="TEXT"] [--mem=SIZE]]
 * "#" at the start of a word starts a comment to the end of the line.
 * The values of --kernel=, --initrd= and --append= may be in double
 * quotes, which enclose the whole value and may hold spaces (not a line
 * break): --append="console=ttyS0 quiet". The UEFI shell passes the
 * quotes through to hv.efi as typed. */
#ifndef HV_CMDLINE_H
#define HV_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CMDLINE_MAX_PATH 128
/* --chain=next: the boot entry after hv.efi's in BootOrder. */
#define CMDLINE_CHAIN_NEXT "next"
/* --append=: at most this many bytes less one (the NUL). Debian's 6.1
 * kernel takes 2047 (its setup header's cmdline_size); the vmm's loader
 * refuses what the kernel at hand does not take. */
#define CMDLINE_MAX_APPEND 1024
/* --watchdog=SLICES: from 1 to this many VMX-preemption-timer slices. */
#define CMDLINE_MAX_WATCHDOG 1000000u
/* --console-limit=BYTES: a flat guest's console output, from 1 byte to
 * this many (default CONSOLE_LIMIT_BYTES, 64 KiB: exit/console.c). */
#define CMDLINE_MAX_CONSOLE_LIMIT (1u << 20)
/* --break-cpu=N: a processor number of EFI_MP_SERVICES_PROTOCOL. */
#define CMDLINE_MAX_CPU 4095u
/* --mem=SIZE (MiB, or with a K, M or G suffix as QEMU's -m takes it): a
 * multiple of 2 MiB (the guest is mapped with 2-MiB pages) from 16 to
 * 4096 MiB (LINUX_MAX_MEM, vmm/loader/linux_boot.h). */
#define CMDLINE_MIN_MEM_MIB 16u
#define CMDLINE_MAX_MEM_MIB 4096u
/* --guest-arg=WORD: as hv_info.arg holds it (guest/hv_abi.h). */
#define CMDLINE_MAX_GUEST_ARG 64u

/* Test-only: break one VM-entry rule on purpose (tests/integration.sh). */
enum entry_break {
	ENTRY_BREAK_NONE,
	ENTRY_BREAK_HOST_TR,	  /* host TR selector 0: VMfailValid, error 8 */
	ENTRY_BREAK_GUEST_RFLAGS, /* RFLAGS bit 1 clear: exit reason 33 */
};

struct cmdline {
	bool caps_only;
	/* --quiet: a run without the VMX capability report, which --caps
	 * prints alone (the rest of hv's lines as always). */
	bool quiet;
	bool dump_vmcs;
	bool debug_wait; /* spin after printing the image base until GDB
			    clears hv_debug_wait (make debug) */
	uint32_t watchdog_slices; /* 0: the default budget */
	uint32_t console_limit;	  /* 0: the default, 64 KiB */
	enum entry_break break_entry;
	char guest[CMDLINE_MAX_PATH]; /* empty: the built-in tiny guest */
	/* --kernel=: a bzImage booted as a Linux guest (empty: none), with
	 * its --initrd= (empty: none), --append= (has_append false: the
	 * vmm's default command line; true with "" is an empty one) and
	 * --mem= (0: the vmm's default). */
	char kernel[CMDLINE_MAX_PATH];
	char initrd[CMDLINE_MAX_PATH];
	char append[CMDLINE_MAX_APPEND];
	bool has_append;
	uint32_t mem_mib;
	/* --guest-arg=WORD: handed to a flat guest in hv_info.arg (empty:
	 * none); at most CMDLINE_MAX_GUEST_ARG - 1 bytes. */
	char guest_arg[CMDLINE_MAX_GUEST_ARG];
	/* Resident mode (docs/resident.md): --resident virtualizes every
	 * CPU and returns with the firmware as the guest; --unload takes hv
	 * out of every CPU again; --break-cpu=N (test-only) makes CPU N
	 * refuse VMXON (break_cpu is N + 1; 0: none). */
	bool resident;
	bool unload;
	uint32_t break_cpu;
	/* --peek-hidden (test-only): under resident hv, read a byte of its
	 * hidden driver image from the guest; hv must stop the CPU. */
	bool peek_hidden;
	/* --chain=FILE with --resident: once hv is below the firmware (or
	 * was already), hv.efi starts the EFI image FILE (a path next to
	 * hv.efi, or from the volume's root with a leading \), its command
	 * line --append='s text: a kernel's EFI stub, a boot loader.
	 * CMDLINE_CHAIN_NEXT: the boot manager's next boot entry. Empty:
	 * none. */
	char chain[CMDLINE_MAX_PATH];
};

/* Parses @text (ASCII, NUL-terminated) into @out, on top of what @out
 * already holds. @skip_program skips the first word (the shell passes
 * the program name). Returns NULL, or a message naming the bad word. */
const char *cmdline_parse(const char *text, bool skip_program,
			  struct cmdline *out, char *err, size_t err_size);

/* --chain=next: the boot manager's next boot entry, not a file. */
bool cmdline_chain_next(const struct cmdline *c);

/* The checks between words, once hv.cfg and the command line are both
 * parsed: --initrd=, --append= and --mem= only with --kernel=, and not
 * --kernel= together with a GUEST.bin. Returns NULL, or a message. */
const char *cmdline_check(const struct cmdline *c, char *err, size_t err_size);

/* hv.cfg's @n bytes, checked before cmdline_parse sees them: ASCII text
 * with tabs and line breaks. A UTF-8 byte-order mark (EF BB BF) is
 * skipped (*skip = 3, else 0); UTF-16 (a byte-order mark FF FE or FE FF,
 * or NUL bytes), a NUL byte, any other control character and any byte
 * above 0x7E are refused, naming the offset and line. Returns NULL, or
 * the message. */
const char *cmdline_config_text(const uint8_t *buf, size_t n, size_t *skip,
				char *err, size_t err_size);

enum cmdline_options {
	CMDLINE_OPTIONS_NONE, /* no text: nothing, or a boot entry's data */
	CMDLINE_OPTIONS_TEXT, /* @out holds the command line */
	CMDLINE_OPTIONS_BAD,  /* text hv.efi refuses: @err says why */
};

/* The loaded image's LoadOptions (@n UCS-2 code units, UEFI spec
 * EFI_LOADED_IMAGE_PROTOCOL) as ASCII in @out. The shell passes its
 * command line there as typed; a Boot#### entry passes its optional data,
 * which may be binary: data whose first code unit is not printable ASCII,
 * or of which fewer than 3 in 4 code units are, is not text (NONE). In
 * text, every character that is not printable ASCII or a tab is refused,
 * naming its position (1-based) and code point; so is text longer than
 * @size - 1. */
enum cmdline_options cmdline_load_options(const uint16_t *w, size_t n,
					  char *out, size_t size, char *err,
					  size_t err_size);

/* Whether the first word of @text names the program whose file path is
 * @image_path (as the loaded image's device path prints, e.g.
 * "\EFI\BOOT\BOOTX64.EFI"): the UEFI shell passes its argv[0] first (the
 * name as typed, with or without a directory and the ".efi"); a
 * Boot#### entry's optional data is only what the entry holds, so a
 * first word that is not the program's name is an argument. File names
 * on the FAT system partition compare without case. */
bool cmdline_names_program(const char *text, const char *image_path);

#endif
