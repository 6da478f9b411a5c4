/* UEFI entry: arguments (shell command line, or hv.cfg next to the app),
 * the guest's files (a flat image, or a Linux kernel and initrd), then the
 * hypervisor; its verdict becomes an EFI_STATUS for the firmware. */
#include <efi.h>
#include <efilib.h>

#include "../guest/hv_abi.h"
#include "../vmm/cmdline.h"
#include "../vmm/hv.h"
#include "../vmm/loader/linux_boot.h"
#include "../vmm/pc/linux_guest.h"
#include "../vmm/mem/pages.h"
#include "../vmm/percpu.h"
#include "../vmm/platform.h"
#include "../vmm/print.h"
#include "efi_file.h"
#include "resident_efi.h"

#define CONFIG_FILE "hv.cfg"
#define CONFIG_MAX 4096
/* The shell's command line: room for the longest --append= and more. */
#define LOAD_OPTIONS_MAX (CMDLINE_MAX_APPEND + 1024u)
/* What boot/ reads at most; whether it fits in --mem= is the vmm's to
 * say (vmm/loader/linux_boot.h). Debian 12's kernel is about 8 MiB. */
#define KERNEL_MAX ((UINTN)64 << 20)
#define INITRD_MAX ((UINTN)1 << 30)

extern const char guest_tiny_image[];
extern const uint64_t guest_tiny_image_size;

/* make debug: GDB attaches, loads symbols at the printed image base, and
 * clears this to let hv.efi go on (scripts/debug.sh). */
volatile int hv_debug_wait;

static void wait_for_debugger(void)
{
	hv_printf("hv: waiting for a debugger: in GDB, set var "
		  "hv_debug_wait = 0\n");
	for (hv_debug_wait = 1; hv_debug_wait;)
		__asm__ volatile("pause");
}

static EFI_STATUS efi_status_of(enum hv_status st)
{
	switch (st) {
	case HV_OK:
		return EFI_SUCCESS;
	case HV_NO_VMX:
	case HV_UNSUPPORTED:
		return EFI_UNSUPPORTED;
	case HV_VMX_DISABLED:
		return EFI_ACCESS_DENIED;
	case HV_OUT_OF_MEMORY:
		return EFI_OUT_OF_RESOURCES;
	case HV_BAD_ARGUMENT:
		return EFI_INVALID_PARAMETER;
	case HV_VMX_FAILED:
	case HV_GUEST_FAILED:
		break;
	}
	return EFI_ABORTED;
}

/* The loaded image's own file path, in ASCII ("" if unknown): the shell
 * passes it (as typed) as the first word of LoadOptions. */
static void image_path_text(EFI_LOADED_IMAGE *li, char *out, UINTN size)
{
	CHAR16 *self = li->FilePath ? DevicePathToStr(li->FilePath) : NULL;
	UINTN k = 0;

	for (UINTN i = 0; self && self[i] && k + 1 < size; i++)
		out[k++] = self[i] < 0x80 ? (char)self[i] : '?';
	out[k] = '\0';
	if (self)
		FreePool(self);
}

/* hv.cfg next to hv.efi, if there is one, parsed into @cl. */
static enum hv_status read_config(EFI_HANDLE image, struct cmdline *cl)
{
	char err[160];
	const char *e;
	void *cfg = NULL;
	UINTN cfg_size = 0;
	size_t skip;
	EFI_STATUS st = efi_read_file(image, CONFIG_FILE, CONFIG_MAX - 1, &cfg,
				      &cfg_size);

	if (st == EFI_NOT_FOUND || (st == EFI_SUCCESS && !cfg))
		return HV_OK; /* none, or empty */
	if (st == EFI_BAD_BUFFER_SIZE) {
		hv_printf("hv: cannot read %s (%lu bytes, at most %u)\n",
			  CONFIG_FILE, (unsigned long)cfg_size, CONFIG_MAX - 1);
		return HV_BAD_ARGUMENT;
	}
	if (EFI_ERROR(st)) {
		hv_printf("hv: cannot read %s: %s\n", CONFIG_FILE,
			  efi_file_error_text(st));
		return HV_BAD_ARGUMENT;
	}
	((char *)cfg)[cfg_size] = '\0';
	e = cmdline_config_text(cfg, cfg_size, &skip, err, sizeof(err));
	if (!e)
		e = cmdline_parse((char *)cfg + skip, FALSE, cl, err,
				  sizeof(err));
	efi_free_file(cfg, cfg_size);
	if (e) {
		hv_printf("hv: %s: %s\n", CONFIG_FILE, e);
		return HV_BAD_ARGUMENT;
	}
	hv_printf("hv: read %s\n", CONFIG_FILE);
	return HV_OK;
}

static enum hv_status parse_arguments(EFI_HANDLE image, EFI_LOADED_IMAGE *li,
				      struct cmdline *cl)
{
	char err[160], text[LOAD_OPTIONS_MAX], self[256];
	const char *e = NULL;
	/* hvrt.efi, the resident driver, gets its whole command line from
	 * hv.efi (resident_efi.c): no hv.cfg. */
	enum hv_status st =
		resident_is_driver(li) ? HV_OK : read_config(image, cl);

	if (st != HV_OK)
		return st;
	switch (cmdline_load_options(li->LoadOptions,
				     li->LoadOptionsSize / sizeof(CHAR16), text,
				     sizeof(text), err, sizeof(err))) {
	case CMDLINE_OPTIONS_NONE:
		break;
	case CMDLINE_OPTIONS_BAD:
		e = err;
		goto usage;
	case CMDLINE_OPTIONS_TEXT:
		image_path_text(li, self, sizeof(self));
		e = cmdline_parse(text, cmdline_names_program(text, self), cl,
				  err, sizeof(err));
		if (e)
			goto usage;
	}
	e = cmdline_check(cl, err, sizeof(err));
	if (!e)
		return HV_OK;
usage:
	hv_printf("hv: %s\n", e);
	hv_printf(
		"hv: usage: hv.efi [--caps | --quiet] [--dump] [--debug-wait] "
		"[--watchdog=SLICES] [--console-limit=BYTES] "
		"[--break-entry=host-tr|guest-rflags] "
		"[--resident [--break-cpu=N] [--chain=FILE "
		"[--append=\"TEXT\"]] | --unload | --peek-hidden] "
		"[GUEST.bin | --kernel=FILE [--initrd=FILE] "
		"[--append=\"TEXT\"] [--mem=SIZE]]\n");
	return HV_BAD_ARGUMENT;
}

/* A flat image has no header; catch the formats people pass by mistake. */
static const char *malformed(const unsigned char *d, UINTN size)
{
	if (size >= 4 && d[0] == 0x7f && d[1] == 'E' && d[2] == 'L' &&
	    d[3] == 'F')
		return "an ELF file, not a flat image (objcopy -O binary)";
	if (size >= 2 && d[0] == 'M' && d[1] == 'Z')
		return "a PE/EFI executable, not a flat image";
	return NULL;
}

/* Reads one file next to hv.efi, @what ("guest image", "kernel",
 * "initrd") naming it in the messages, at most @max bytes (@why_max says
 * why, after the number: ": guest memory is 2048 KiB"). *f is filled only
 * on success; free it with efi_free_file(f->data, f->size). */
static enum hv_status load_file(EFI_HANDLE image, const char *what,
				const char *name, UINTN max,
				const char *why_max, struct hv_file *f)
{
	void *data;
	UINTN size;
	EFI_STATUS st = efi_read_file(image, name, max, &data, &size);

	if (st == EFI_NOT_FOUND) {
		hv_printf("hv: %s %s: not found next to hv.efi\n", what, name);
		return HV_BAD_ARGUMENT;
	}
	if (st == EFI_BAD_BUFFER_SIZE) {
		hv_printf("hv: %s %s: %lu bytes is too large (at most %lu%s)\n",
			  what, name, (unsigned long)size, (unsigned long)max,
			  why_max);
		return HV_BAD_ARGUMENT;
	}
	if (EFI_ERROR(st)) {
		hv_printf("hv: %s %s: %s\n", what, name,
			  efi_file_error_text(st));
		return HV_BAD_ARGUMENT;
	}
	if (!size) {
		hv_printf("hv: %s %s: the file is empty\n", what, name);
		return HV_BAD_ARGUMENT;
	}
	f->name = name;
	f->data = data;
	f->size = size;
	return HV_OK;
}

static void free_file(struct hv_file *f)
{
	if (f->data)
		efi_free_file((void *)f->data, f->size);
	f->data = NULL;
}

static enum hv_status load_guest(EFI_HANDLE image, const char *name,
				 struct hv_options *opt)
{
	char why_max[48];
	struct hv_file f = {0};
	enum hv_status st;

	hv_snprintf(why_max, sizeof(why_max), ": guest memory is %lu KiB",
		    (unsigned long)(HV_GUEST_MEM_SIZE / 1024));
	st = load_file(image, "guest image", name, HV_GUEST_MAX_IMAGE, why_max,
		       &f);
	if (st != HV_OK)
		return st;
	const char *why = malformed(f.data, f.size);

	if (why) {
		hv_printf("hv: guest image %s: %s\n", name, why);
		free_file(&f);
		return HV_BAD_ARGUMENT;
	}
	opt->guest_name = f.name;
	opt->guest_image = f.data;
	opt->guest_size = f.size;
	return HV_OK;
}

/* --kernel= and its --initrd=: only read here; whether the kernel is a
 * bzImage, and whether both fit in --mem=, the vmm's loader says. */
static enum hv_status load_linux(EFI_HANDLE image, const struct cmdline *cl,
				 struct hv_options *opt)
{
	char why[200];
	enum hv_status st = load_file(image, "kernel", cl->kernel, KERNEL_MAX,
				      " bytes", &opt->kernel);

	if (st == HV_OK && cl->initrd[0])
		st = load_file(image, "initrd", cl->initrd, INITRD_MAX,
			       " bytes", &opt->initrd);
	opt->append = cl->has_append ? cl->append : NULL;
	opt->mem_mib = cl->mem_mib;
	if (st != HV_OK)
		return st;
	/* The header and the layout before any guest memory is allocated:
	 * the same checks the vmm's loader makes (hv.c's defaults), so a
	 * bad file or a small --mem= is named as such, not "out of
	 * memory". */
	const char *cmdline =
		opt->append ? opt->append : PC_LINUX_DEFAULT_CMDLINE;
	size_t cmdline_len = 0;
	uint32_t mib = cl->mem_mib ? cl->mem_mib : PC_LINUX_DEFAULT_MEM_MIB;

	while (cmdline[cmdline_len])
		cmdline_len++;
	if (linux_boot_why(opt->kernel.data, opt->kernel.size,
			   (uint64_t)mib << 20, opt->initrd.size, cmdline_len,
			   why, sizeof(why)) != LINUX_BOOT_OK) {
		hv_printf("hv: kernel %s: %s\n", cl->kernel, why);
		return HV_BAD_ARGUMENT;
	}
	if (opt->initrd.data &&
	    !linux_initrd_format(opt->initrd.data, opt->initrd.size))
		hv_printf("hv: warning: initrd %s is neither a cpio archive "
			  "nor compressed (gzip, bzip2, lzma, xz, lzo, lz4, "
			  "zstd): the "
			  "kernel may not unpack it\n",
			  cl->initrd);
	return HV_OK;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_LOADED_IMAGE *li = NULL;
	struct cmdline cl = {0};
	struct hv_options opt = {
		.guest_name = "tiny",
		.guest_image = guest_tiny_image,
		.guest_size = guest_tiny_image_size,
	};
	enum hv_status st;
	/* This CPU's hv state from the first line printed to the last. */
	static struct hv_cpu boot_cpu;
	uint64_t firmware_gs_base = percpu_enter(&boot_cpu, 0);

	InitializeLib(image, systab);
	uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol,
			  (void **)&li);
	hv_printf("hv: minimal VT-x hypervisor, image base %p\n",
		  li ? li->ImageBase : NULL);

	st = li ? parse_arguments(image, li, &cl) : HV_OK;
	if (st == HV_OK && cl.debug_wait)
		wait_for_debugger();
	if (st == HV_OK && (cl.resident || cl.unload || cl.peek_hidden)) {
		EFI_STATUS rest = resident_command(image, li, &cl, &st);

		/* hv below (now, or since an earlier run): the next image. */
		if (cl.chain[0] &&
		    (rest == EFI_SUCCESS || rest == EFI_ALREADY_STARTED))
			rest = resident_chain(image, &cl, &boot_cpu,
					      firmware_gs_base);
		hv_printf("hv: returning to firmware: %s (EFI status 0x%lx)\n",
			  hv_status_name(st), (unsigned long)rest);
		/* The driver stays resident: whatever it prints from now
		 * on comes from an exit handler, perhaps after
		 * ExitBootServices. */
		if (rest == EFI_SUCCESS && resident_is_driver(li))
			platform_puts_to_com1();
		percpu_leave(firmware_gs_base);
		return rest;
	}
	if (st == HV_OK && cl.guest[0])
		st = load_guest(image, cl.guest, &opt);
	if (st == HV_OK && cl.kernel[0])
		st = load_linux(image, &cl, &opt);
	if (st == HV_OK) {
		opt.caps_only = cl.caps_only;
		opt.quiet = cl.quiet;
		opt.guest_arg = cl.guest_arg;
		opt.dump_vmcs = cl.dump_vmcs;
		opt.break_entry = cl.break_entry;
		opt.watchdog_slices = cl.watchdog_slices;
		opt.console_limit = cl.console_limit;
		st = hv_main(&opt, &cpu_hw_ops);
	}
	if (opt.guest_image != guest_tiny_image)
		efi_free_file((void *)opt.guest_image, opt.guest_size);
	free_file(&opt.kernel);
	free_file(&opt.initrd);

	EFI_STATUS est = efi_status_of(st);

	/* Every page hv.efi took, the files' among them, is given back by
	 * now, but the one holding the TSS a VMX session's TR still refers
	 * to (vmm/hv.c). */
	hv_printf("hv: pages still held at return: %lu\n",
		  (unsigned long)hv_pages_outstanding());

	hv_printf("hv: returning to firmware: %s (EFI status 0x%lx)\n",
		  hv_status_name(st), (unsigned long)est);
	percpu_leave(firmware_gs_base);
	return est;
}
