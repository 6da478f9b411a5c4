/* UEFI entry: say where we are loaded (for debuggers), run the
 * hypervisor, map its verdict onto an EFI_STATUS for the firmware. */
#include <efi.h>
#include <efilib.h>

#include "../vmm/hv.h"
#include "../vmm/print.h"

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

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_LOADED_IMAGE *li = NULL;
	struct hv_options opt = {0};

	InitializeLib(image, systab);
	uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol,
			  (void **)&li);
	hv_printf("hv: minimal VT-x hypervisor, image base %p\n",
		  li ? li->ImageBase : NULL);

	enum hv_status st = hv_main(&opt, &cpu_hw_ops);
	EFI_STATUS est = efi_status_of(st);

	hv_printf("hv: returning to firmware: %s (EFI status 0x%lx)\n",
		  hv_status_name(st), (unsigned long)est);
	return est;
}
