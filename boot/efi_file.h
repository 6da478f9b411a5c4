/* Reading files from the volume hv.efi was loaded from. */
#ifndef HV_EFI_FILE_H
#define HV_EFI_FILE_H

#include <efi.h>

/* The longest path hv.efi hands EFI_FILE_PROTOCOL.Open, in characters:
 * hv.efi's folder and the name. A FAT long name is at most 255
 * characters (Microsoft's FAT specification, "Long Directory Entries");
 * a longer path is refused, never cut. */
#define EFI_FILE_PATH_MAX 255

/* Reads @name (ASCII; relative names are taken from hv.efi's own
 * directory) into fresh pages. At most @max_size bytes: a larger file is
 * EFI_BAD_BUFFER_SIZE with *size set to its size. EFI_NOT_FOUND: no such
 * file; EFI_INVALID_PARAMETER: the path is longer than
 * EFI_FILE_PATH_MAX; EFI_ACCESS_DENIED: it is a folder; a short read is
 * EFI_END_OF_FILE. On any error *data is NULL: nothing is left to free. */
EFI_STATUS efi_read_file(EFI_HANDLE image, const char *name, UINTN max_size,
			 void **data, UINTN *size);
void efi_free_file(void *data, UINTN size);

/* The device path of @name (as efi_read_file resolves it) on hv.efi's
 * volume, for LoadImage; FreePool it. NULL when the path is longer than
 * EFI_FILE_PATH_MAX or the volume is unknown. */
EFI_DEVICE_PATH *efi_file_device_path(EFI_HANDLE image, const char *name);

/* What efi_read_file's error status means, for a message after the
 * file's name. */
const char *efi_file_error_text(EFI_STATUS st);

#endif
