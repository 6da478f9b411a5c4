#include "efi_file.h"

#include <efilib.h>

#include "../vmm/mem/pages.h"

/* "\EFI\BOOT\" from the loaded image's file path, plus @name. */
static void resolve(EFI_LOADED_IMAGE *li, const char *name, CHAR16 *out,
		    UINTN out_len)
{
	UINTN n = 0;

	if (name[0] != '\\' && name[0] != '/') {
		CHAR16 *self = DevicePathToStr(li->FilePath);
		UINTN last = 0;

		for (UINTN i = 0; self && self[i]; i++)
			if (self[i] == L'\\' || self[i] == L'/')
				last = i + 1;
		for (UINTN i = 0; i < last && n + 1 < out_len; i++)
			out[n++] = self[i] == L'/' ? L'\\' : self[i];
		if (self)
			FreePool(self);
	}
	for (const char *p = name; *p && n + 1 < out_len; p++)
		out[n++] = *p == '/' ? L'\\' : (CHAR16)*p;
	out[n] = 0;
}

static EFI_FILE_HANDLE open_file(EFI_HANDLE image, const char *name)
{
	EFI_LOADED_IMAGE *li = NULL;
	EFI_FILE_HANDLE root, file = NULL;
	CHAR16 path[256];

	if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, image,
					&LoadedImageProtocol, (void **)&li)))
		return NULL;
	root = LibOpenRoot(li->DeviceHandle);
	if (!root)
		return NULL;
	resolve(li, name, path, sizeof(path) / sizeof(path[0]));
	if (EFI_ERROR(uefi_call_wrapper(root->Open, 5, root, &file, path,
					EFI_FILE_MODE_READ, 0)))
		file = NULL;
	uefi_call_wrapper(root->Close, 1, root);
	return file;
}

BOOLEAN efi_file_exists(EFI_HANDLE image, const char *name)
{
	EFI_FILE_HANDLE f = open_file(image, name);

	if (!f)
		return FALSE;
	uefi_call_wrapper(f->Close, 1, f);
	return TRUE;
}

EFI_STATUS efi_read_file(EFI_HANDLE image, const char *name, UINTN max_size,
			 void **data, UINTN *size)
{
	EFI_FILE_HANDLE f = open_file(image, name);
	EFI_STATUS st = EFI_SUCCESS;

	*data = NULL;
	*size = 0;
	if (!f)
		return EFI_NOT_FOUND;
	EFI_FILE_INFO *info = LibFileInfo(f);

	if (!info) {
		uefi_call_wrapper(f->Close, 1, f);
		return EFI_DEVICE_ERROR;
	}
	*size = info->FileSize;
	FreePool(info);
	if (*size > max_size) {
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

void efi_free_file(void *data, UINTN size)
{
	hv_free_pages(data, (size + 4095) / 4096);
}
