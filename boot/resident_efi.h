/* hv.efi --resident and --unload (resident_efi.c). */
#ifndef HV_RESIDENT_EFI_H
#define HV_RESIDENT_EFI_H

#include <efi.h>
#include <efilib.h>
#include <stdbool.h>

#include "../vmm/cmdline.h"
#include "../vmm/hv.h"

/* This image is hvrt.efi, the runtime driver. */
bool resident_is_driver(const EFI_LOADED_IMAGE *li);
/* --resident or --unload: the EFI status to return; *hst hv's verdict. */
EFI_STATUS resident_command(EFI_HANDLE image, const EFI_LOADED_IMAGE *li,
			    const struct cmdline *cl, enum hv_status *hst);

#endif
