/* hv.efi --resident and --unload (resident_efi.c). */
#ifndef HV_RESIDENT_EFI_H
#define HV_RESIDENT_EFI_H

#include <efi.h>
#include <efilib.h>
#include <stdbool.h>

#include "../vmm/cmdline.h"
#include "../vmm/hv.h"
#include "../vmm/percpu.h"

/* This image is hvrt.efi, the runtime driver. */
bool resident_is_driver(const EFI_LOADED_IMAGE *li);
/* --resident or --unload: the EFI status to return; *hst hv's verdict. */
EFI_STATUS resident_command(EFI_HANDLE image, const EFI_LOADED_IMAGE *li,
			    const struct cmdline *cl, enum hv_status *hst);
/* --chain=FILE: starts that EFI image, --append= its command line, with hv
 * resident below; its status if it returns. GS is the firmware's
 * (@firmware_gs_base) while it runs, hv's (@c) again after. */
EFI_STATUS resident_chain(EFI_HANDLE image, const struct cmdline *cl,
			  struct hv_cpu *c, uint64_t firmware_gs_base);

#endif
