#include "efi_file.h"

#include <efilib.h>

#include "../vmm/mem/pages.h"
#include "../vmm/print.h"
#include "../vmm/util.h"

/* "\EFI\BOOT\" from the loaded image's file path, plus @name, in @out
 * (@out_len characters with the NUL). FALSE if it does not fit: a path
 * cut short would name another file. */
static BOOLEAN resolve(EFI_LOADED_IMAGE *li, const char *name, CHAR16 *out,
		       UINTN out_len)
{
	UINTN n = 0;
	BOOLEAN fits = TRUE;

	if (name[0] != '\\' && name[0] != '/') {
		CHAR16 *self = DevicePathToStr(li->FilePath);
		UINTN last = 0;

		for (UINTN i = 0; self && self[i]; i++)
			if (self[i] == L'\\' || self[i] == L'/')
				last = i + 1;
		for (UINTN i = 0; i < last; i++)
			if (n + 1 < out_len)
				out[n++] = self[i] == L'/' ? L'\\' : self[i];
			else
				fits = FALSE;
		if (self)
			FreePool(self);
	}
	for (const char *p = name; *p; p++)
		if (n + 1 < out_len)
			out[n++] = *p == '/' ? L'\\' : (CHAR16)*p;
		else
			fits = FALSE;
	out[n] = 0;
	return fits;
}

static EFI_STATUS open_file(EFI_HANDLE image, const char *name,
			    EFI_FILE_HANDLE *file)
{
	EFI_LOADED_IMAGE *li = NULL;
	EFI_FILE_HANDLE root;
	CHAR16 path[EFI_FILE_PATH_MAX + 1];
	EFI_STATUS st;

	*file = NULL;
	if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, image,
					&LoadedImageProtocol, (void **)&li)))
		return EFI_NOT_FOUND;
	if (!resolve(li, name, path, COUNT_OF(path)))
		return EFI_INVALID_PARAMETER;
	root = LibOpenRoot(li->DeviceHandle);
	if (!root)
		return EFI_NOT_FOUND;
	st = uefi_call_wrapper(root->Open, 5, root, file, path,
			       EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st))
		*file = NULL;
	uefi_call_wrapper(root->Close, 1, root);
	return EFI_ERROR(st) ? EFI_NOT_FOUND : EFI_SUCCESS;
}

EFI_DEVICE_PATH *efi_file_device_path(EFI_HANDLE image, const char *name)
{
	EFI_LOADED_IMAGE *li = NULL;
	CHAR16 path[EFI_FILE_PATH_MAX + 1];

	if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, image,
					&LoadedImageProtocol, (void **)&li)) ||
	    !resolve(li, name, path, COUNT_OF(path)))
		return NULL;
	return FileDevicePath(li->DeviceHandle, path);
}

EFI_STATUS efi_read_file(EFI_HANDLE image, const char *name, UINTN max_size,
			 void **data, UINTN *size)
{
	EFI_FILE_HANDLE f;
	EFI_STATUS st = open_file(image, name, &f);

	*data = NULL;
	*size = 0;
	if (EFI_ERROR(st))
		return st;
	EFI_FILE_INFO *info = LibFileInfo(f);

	if (!info) {
		uefi_call_wrapper(f->Close, 1, f);
		return EFI_DEVICE_ERROR;
	}
	*size = info->FileSize;
	/* A folder opens like a file (UEFI spec, EFI_FILE_PROTOCOL.Open)
	 * and reads as its entries: say what it is instead. */
	BOOLEAN folder = (info->Attribute & EFI_FILE_DIRECTORY) != 0;

	FreePool(info);
	if (folder) {
		st = EFI_ACCESS_DENIED;
	} else if (*size > max_size) {
		st = EFI_BAD_BUFFER_SIZE;
	} else if (*size) {
		UINTN want = *size, pages = (want + 4095) / 4096;

		*data = hv_alloc_pages(pages);
		if (!*data)
			st = EFI_OUT_OF_RESOURCES;
		else
			st = uefi_call_wrapper(f->Read, 3, f, size, *data);
		/* A failed or short read leaves nothing to the caller, so
		 * the pages are given back here; *size stays the file's. */
		if (*data && (EFI_ERROR(st) || *size != want)) {
			hv_free_pages(*data, pages);
			*data = NULL;
			if (!EFI_ERROR(st))
				st = EFI_END_OF_FILE;
			*size = want;
		}
	}
	uefi_call_wrapper(f->Close, 1, f);
	return st;
}

const char *efi_file_error_text(EFI_STATUS st)
{
	static char other[48];

	switch (st) {
	case EFI_NOT_FOUND:
		return "not found next to hv.efi";
	case EFI_INVALID_PARAMETER:
		hv_snprintf(other, sizeof(other),
			    "the path is longer than %u characters",
			    EFI_FILE_PATH_MAX);
		return other;
	case EFI_ACCESS_DENIED:
		return "is a folder, not a file";
	case EFI_END_OF_FILE:
		return "the firmware read fewer bytes than the file has";
	case EFI_OUT_OF_RESOURCES:
		return "out of memory reading it";
	default:
		hv_snprintf(other, sizeof(other),
			    "read failed (EFI status 0x%lx)",
			    (unsigned long)st);
		return other;
	}
}

void efi_free_file(void *data, UINTN size)
{
	hv_free_pages(data, (size + 4095) / 4096);
}
