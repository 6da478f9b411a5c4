/* hv.efi --resident and --unload (docs/resident.md). hv.efi is an EFI
 * application, whose image the firmware frees when it returns (PE/COFF
 * subsystem 10; UEFI 2.10 7.4, "Image Services", UnloadImage). So the
 * application loads hvrt.efi, the same objects linked as a runtime
 * driver (subsystem 12), from its own folder: the firmware loads that
 * image into EfiRuntimeServicesCode pages, and a driver whose entry point
 * returns EFI_SUCCESS stays loaded (UEFI 2.10 7.4, StartImage). The
 * driver runs resident_start; the memory it takes is runtime-services
 * data. */
#include <efi.h>
#include <efilib.h>

#include "../vmm/cmdline.h"
#include "../vmm/hv.h"
#include "../vmm/print.h"
#include "../vmm/resident/resident.h"
#include "efi_file.h"
#include "resident_efi.h"

#define RESIDENT_DRIVER "hvrt.efi"
#define DRIVER_MAX ((UINTN)4 << 20)

bool resident_is_driver(const EFI_LOADED_IMAGE *li)
{
	return li && li->ImageCodeType == EfiRuntimeServicesCode;
}

static UINTN put(CHAR16 *w, UINTN k, const char *s)
{
	while (*s)
		w[k++] = (CHAR16)*s++;
	return k;
}

static EFI_STATUS start_driver(EFI_HANDLE image, const struct cmdline *cl)
{
	void *data = NULL;
	UINTN size = 0;
	EFI_STATUS st =
		efi_read_file(image, RESIDENT_DRIVER, DRIVER_MAX, &data, &size);

	if (EFI_ERROR(st)) {
		hv_printf("hv: %s, the resident runtime driver: %s\n",
			  RESIDENT_DRIVER, efi_file_error_text(st));
		return st;
	}
	EFI_HANDLE h = NULL;

	st = uefi_call_wrapper(BS->LoadImage, 6, FALSE, image, NULL, data, size,
			       &h);
	efi_free_file(data, size);
	if (EFI_ERROR(st)) {
		hv_printf("hv: LoadImage of %s failed (EFI status 0x%lx)\n",
			  RESIDENT_DRIVER, (unsigned long)st);
		return st;
	}
	EFI_LOADED_IMAGE *dli = NULL;

	uefi_call_wrapper(BS->HandleProtocol, 3, h, &LoadedImageProtocol,
			  (void **)&dli);
	/* Its command line: --resident, and the test hook. */
	static CHAR16 opts[64];
	char num[16];
	UINTN k = put(opts, 0, "--resident");

	if (cl->break_cpu) {
		hv_snprintf(num, sizeof(num), "%u", cl->break_cpu - 1);
		k = put(opts, k, " --break-cpu=");
		k = put(opts, k, num);
	}
	opts[k] = 0;
	if (dli) {
		dli->LoadOptions = opts;
		dli->LoadOptionsSize = (UINT32)((k + 1) * sizeof(CHAR16));
		hv_printf("hv: loaded %s, a runtime driver, at 0x%lx (%lu KiB "
			  "of %s): starting it\n",
			  RESIDENT_DRIVER, (uint64_t)dli->ImageBase,
			  (uint64_t)dli->ImageSize / 1024,
			  dli->ImageCodeType == EfiRuntimeServicesCode
				  ? "EfiRuntimeServicesCode"
				  : "another memory type");
	}
	st = uefi_call_wrapper(BS->StartImage, 3, h, NULL, NULL);
	if (EFI_ERROR(st))
		hv_printf("hv: %s returned EFI status 0x%lx: the firmware "
			  "unloaded it\n",
			  RESIDENT_DRIVER, (unsigned long)st);
	return st;
}

EFI_STATUS resident_command(EFI_HANDLE image, const EFI_LOADED_IMAGE *li,
			    const struct cmdline *cl, enum hv_status *hst)
{
	*hst = HV_OK;
	if (cl->peek_hidden) {
		*hst = resident_peek_hidden();
		return EFI_ABORTED; /* only if the read did not stop the CPU */
	}
	if (cl->unload) {
		*hst = resident_unload();
		return *hst == HV_OK		 ? EFI_SUCCESS
		       : *hst == HV_BAD_ARGUMENT ? EFI_NOT_STARTED
						 : EFI_ABORTED;
	}
	if (resident_here()) {
		*hst = resident_query();
		return EFI_ALREADY_STARTED;
	}
	if (resident_is_driver(li)) {
		*hst = resident_start(cl->break_cpu, li->ImageBase,
				      li->ImageSize);
		switch (*hst) {
		case HV_OK:
			return EFI_SUCCESS;
		case HV_OUT_OF_MEMORY:
			return EFI_OUT_OF_RESOURCES;
		case HV_BAD_ARGUMENT:
			return EFI_INVALID_PARAMETER;
		case HV_NO_VMX:
		case HV_UNSUPPORTED:
			return EFI_UNSUPPORTED;
		default:
			return EFI_ABORTED;
		}
	}
	EFI_STATUS st = start_driver(image, cl);

	if (EFI_ERROR(st))
		*hst = HV_VMX_FAILED;
	else
		resident_seal(); /* the driver has returned: its image now */
	return st;
}

/* The next image of the boot, started as the boot manager starts a
 * Boot#### entry (UEFI 2.10 3.1.1, "Boot Manager Programming"): LoadImage
 * from its device path, so that it knows its own volume (a kernel's EFI
 * stub reads initrd= from there), and its command line as LoadOptions,
 * UCS-2. It runs on top of hv like anything the firmware runs. */
EFI_STATUS resident_chain(EFI_HANDLE image, const struct cmdline *cl,
			  struct hv_cpu *c, uint64_t firmware_gs_base)
{
	static CHAR16 opts[CMDLINE_MAX_APPEND];
	EFI_DEVICE_PATH *dp;
	EFI_HANDLE h = NULL;
	EFI_STATUS st;

	/* The next boot entry: the boot manager's own way there. A
	 * Boot#### whose image returns an error has failed, and the boot
	 * manager tries the next one in BootOrder (UEFI 2.10 3.1.1, "Boot
	 * Manager Programming"), with its own device-path expansion and
	 * options, which no copy here would match. */
	if (cmdline_chain_next(cl)) {
		hv_printf("hv: --chain=next: returning EFI_NOT_STARTED, so "
			  "that the boot manager starts the next entry of "
			  "BootOrder, with hv resident below it\n");
		return EFI_NOT_STARTED;
	}
	dp = efi_file_device_path(image, cl->chain);

	if (!dp) {
		hv_printf("hv: --chain=%s: the path is longer than %u "
			  "characters, or hv.efi's volume is unknown\n",
			  cl->chain, EFI_FILE_PATH_MAX);
		return EFI_INVALID_PARAMETER;
	}
	st = uefi_call_wrapper(BS->LoadImage, 6, FALSE, image, dp, NULL, 0, &h);
	FreePool(dp);
	if (EFI_ERROR(st)) {
		hv_printf("hv: --chain=%s: %s (LoadImage: EFI status 0x%lx)\n",
			  cl->chain,
			  st == EFI_NOT_FOUND ? "not found next to hv.efi"
					      : "the firmware cannot load it",
			  (unsigned long)st);
		return st;
	}
	EFI_LOADED_IMAGE *li = NULL;
	UINTN k = put(opts, 0, cl->append);

	opts[k] = 0;
	uefi_call_wrapper(BS->HandleProtocol, 3, h, &LoadedImageProtocol,
			  (void **)&li);
	if (li && k) {
		li->LoadOptions = opts;
		li->LoadOptionsSize = (UINT32)((k + 1) * sizeof(CHAR16));
	}
	hv_printf("hv: chaining to %s%s%s, with hv resident below it\n",
		  cl->chain, k ? " " : "", cl->append);
	percpu_leave(firmware_gs_base);
	st = uefi_call_wrapper(BS->StartImage, 3, h, NULL, NULL);
	percpu_enter(c, 0);
	hv_printf("hv: %s returned EFI status 0x%lx\n", cl->chain,
		  (unsigned long)st);
	return st;
}
