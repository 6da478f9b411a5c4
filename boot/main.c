/* UEFI entry: arguments (shell command line, or hv.cfg next to the app),
 * the guest image, then the hypervisor; its verdict becomes an EFI_STATUS
 * for the firmware. */
#include <efi.h>
#include <efilib.h>

#include "../guest/hv_abi.h"
#include "../vmm/cmdline.h"
#include "../vmm/hv.h"
#include "../vmm/print.h"
#include "efi_file.h"

#define CONFIG_FILE "hv.cfg"
#define CONFIG_MAX 4096

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

/* The shell passes the command line as UCS-2 LoadOptions; the boot
 * manager passes nothing (or binary data, which we ignore). */
static BOOLEAN load_options_text(EFI_LOADED_IMAGE *li, char *out, UINTN size)
{
	const CHAR16 *w = li->LoadOptions;
	UINTN n = li->LoadOptionsSize / sizeof(CHAR16), k = 0;

	if (!w || !n)
		return FALSE;
	for (UINTN i = 0; i < n && w[i] && k + 1 < size; i++) {
		if (w[i] > 0x7e || (w[i] < 0x20 && w[i] != L'\t'))
			return FALSE;
		out[k++] = (char)w[i];
	}
	out[k] = '\0';
	return k > 0;
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

static enum hv_status parse_arguments(EFI_HANDLE image, EFI_LOADED_IMAGE *li,
				      struct cmdline *cl)
{
	char err[160], text[512], self[256];
	void *cfg = NULL;
	UINTN cfg_size = 0;

	if (efi_file_exists(image, CONFIG_FILE)) {
		if (efi_read_file(image, CONFIG_FILE, CONFIG_MAX - 1, &cfg,
				  &cfg_size) != EFI_SUCCESS) {
			hv_printf(
				"hv: cannot read %s (%lu bytes, at most %u)\n",
				CONFIG_FILE, (unsigned long)cfg_size,
				CONFIG_MAX - 1);
			return HV_BAD_ARGUMENT;
		}
		if (cfg) {
			((char *)cfg)[cfg_size] = '\0';
			const char *e =
				cmdline_parse(cfg, FALSE, cl, err, sizeof(err));

			efi_free_file(cfg, cfg_size);
			if (e) {
				hv_printf("hv: %s: %s\n", CONFIG_FILE, e);
				return HV_BAD_ARGUMENT;
			}
			hv_printf("hv: read %s\n", CONFIG_FILE);
		}
	}
	if (load_options_text(li, text, sizeof(text))) {
		image_path_text(li, self, sizeof(self));
		const char *e =
			cmdline_parse(text, cmdline_names_program(text, self),
				      cl, err, sizeof(err));

		if (e) {
			hv_printf("hv: %s\n", e);
			hv_printf("hv: usage: hv.efi [--caps] [--dump] "
				  "[--debug-wait] [--watchdog=SLICES] "
				  "[--break-entry=host-tr|guest-rflags] "
				  "[GUEST.bin]\n");
			return HV_BAD_ARGUMENT;
		}
	}
	return HV_OK;
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

static enum hv_status load_guest(EFI_HANDLE image, const char *name,
				 struct hv_options *opt, UINTN *pages_size)
{
	void *data;
	UINTN size;
	EFI_STATUS st =
		efi_read_file(image, name, HV_GUEST_MAX_IMAGE, &data, &size);

	*pages_size = size;
	if (st == EFI_NOT_FOUND) {
		hv_printf("hv: guest image %s: not found next to hv.efi\n",
			  name);
		return HV_BAD_ARGUMENT;
	}
	if (st == EFI_BAD_BUFFER_SIZE) {
		hv_printf("hv: guest image %s: %lu bytes is too large (at most "
			  "%lu: guest memory is %lu KiB)\n",
			  name, (unsigned long)size, HV_GUEST_MAX_IMAGE,
			  HV_GUEST_MEM_SIZE / 1024);
		return HV_BAD_ARGUMENT;
	}
	if (EFI_ERROR(st)) {
		hv_printf(
			"hv: guest image %s: read failed (EFI status 0x%lx)\n",
			name, (unsigned long)st);
		return HV_BAD_ARGUMENT;
	}
	if (!size) {
		hv_printf("hv: guest image %s: the file is empty\n", name);
		return HV_BAD_ARGUMENT;
	}
	const char *why = malformed(data, size);

	if (why) {
		hv_printf("hv: guest image %s: %s\n", name, why);
		efi_free_file(data, size);
		return HV_BAD_ARGUMENT;
	}
	opt->guest_name = name;
	opt->guest_image = data;
	opt->guest_size = size;
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
	UINTN loaded_size = 0;
	enum hv_status st;

	InitializeLib(image, systab);
	uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol,
			  (void **)&li);
	hv_printf("hv: minimal VT-x hypervisor, image base %p\n",
		  li ? li->ImageBase : NULL);

	st = li ? parse_arguments(image, li, &cl) : HV_OK;
	if (st == HV_OK && cl.debug_wait)
		wait_for_debugger();
	if (st == HV_OK && cl.guest[0])
		st = load_guest(image, cl.guest, &opt, &loaded_size);
	if (st == HV_OK) {
		opt.caps_only = cl.caps_only;
		opt.dump_vmcs = cl.dump_vmcs;
		opt.break_entry = cl.break_entry;
		opt.watchdog_slices = cl.watchdog_slices;
		st = hv_main(&opt, &cpu_hw_ops);
	}
	if (opt.guest_image != guest_tiny_image)
		efi_free_file((void *)opt.guest_image, loaded_size);

	EFI_STATUS est = efi_status_of(st);

	hv_printf("hv: returning to firmware: %s (EFI status 0x%lx)\n",
		  hv_status_name(st), (unsigned long)est);
	return est;
}
