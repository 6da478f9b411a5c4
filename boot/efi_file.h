/* Reading files from the volume hv.efi was loaded from. */
#ifndef HV_EFI_FILE_H
#define HV_EFI_FILE_H

#include <efi.h>

/* Reads @name (ASCII; relative names are taken from hv.efi's own
 * directory) into fresh pages. At most @max_size bytes: a larger file is
 * EFI_BAD_BUFFER_SIZE with *size set to its size. On any error (a short
 * read is EFI_END_OF_FILE) *data is NULL: nothing is left to free. */
EFI_STATUS efi_read_file(EFI_HANDLE image, const char *name, UINTN max_size,
			 void **data, UINTN *size);
void efi_free_file(void *data, UINTN size);

/* Whether a file with this name exists next to hv.efi. */
BOOLEAN efi_file_exists(EFI_HANDLE image, const char *name);

#endif
