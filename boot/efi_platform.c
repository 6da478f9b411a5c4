/* The VMM's platform services (vmm/platform.h, print.h) on UEFI boot
 * services. */
#include <efi.h>
#include <efilib.h>

#include "../vmm/platform.h"
#include "../vmm/print.h"
#include "../vmm/resident/resident.h"
#include "../vmm/util.h"
#include "../vmm/x86/fpu.h"

/* Every service here is a firmware call, and one made while a guest with
 * its own x87/SSE state runs puts the host's back first (x86/fpu.h). */

static bool puts_to_com1;

/* The resident driver, once its entry point has returned: from then on
 * hv prints only from VMX root, in an exit handler, where the firmware's
 * console may be gone (an OS that called ExitBootServices owns its
 * memory) and must not be called. Its lines go straight to COM1. */
void platform_puts_to_com1(void)
{
	puts_to_com1 = true;
}

/* ConOut wants UCS-2 and CR LF; it also reaches the serial port on OVMF
 * (QEMU, Bochs) and on firmware with console redirection. */
void platform_puts(const char *text)
{
	CHAR16 buf[256];
	UINTN n = 0;

	if (puts_to_com1) {
		for (const char *p = text; *p; p++)
			resident_com1_puts(*p == '\n' ? "\r\n"
						      : (char[]){*p, 0});
		return;
	}
	fpu_for_host();

	for (const char *p = text; *p; p++) {
		if (n + 3 >= COUNT_OF(buf)) {
			buf[n] = 0;
			uefi_call_wrapper(ST->ConOut->OutputString, 2,
					  ST->ConOut, buf);
			n = 0;
		}
		if (*p == '\n')
			buf[n++] = L'\r';
		buf[n++] = (CHAR16)(unsigned char)*p;
	}
	buf[n] = 0;
	uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, buf);
}

void *platform_alloc_pages(size_t count)
{
	EFI_PHYSICAL_ADDRESS addr = 0;

	fpu_for_host();
	EFI_STATUS st =
		uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages,
				  EfiLoaderData, count, &addr);

	if (EFI_ERROR(st))
		return NULL;
	ZeroMem((void *)addr, count * EFI_PAGE_SIZE);
	return (void *)addr;
}

void platform_free_pages(void *pages, size_t count)
{
	fpu_for_host();
	if (pages)
		uefi_call_wrapper(BS->FreePages, 2, (EFI_PHYSICAL_ADDRESS)pages,
				  count);
}

void platform_stall_us(uint64_t us)
{
	fpu_for_host();
	uefi_call_wrapper(BS->Stall, 1, (UINTN)us);
}

/* UEFI 2.x 7.5 "Miscellaneous Boot Services", SetWatchdogTimer(): codes
 * up to 0xFFFF are the firmware's own. */
#define HV_WATCHDOG_CODE 0x10000

void platform_set_watchdog(uint32_t seconds)
{
	fpu_for_host();
	uefi_call_wrapper(BS->SetWatchdogTimer, 4, (UINTN)seconds,
			  (UINT64)HV_WATCHDOG_CODE, (UINTN)0, NULL);
}

/* UEFI 2.x 8.3, "Time Services", GetTime(): the firmware's clock as it
 * holds it; the time zone field is not applied (the guest's CMOS clock
 * shows what the firmware's shows). */
bool platform_get_time(struct platform_time *t)
{
	EFI_TIME et;

	fpu_for_host();
	if (EFI_ERROR(uefi_call_wrapper(RT->GetTime, 2, &et, NULL)))
		return false;
	*t = (struct platform_time){et.Year, et.Month,	et.Day,
				    et.Hour, et.Minute, et.Second};
	return true;
}

int platform_read_key(void)
{
	EFI_INPUT_KEY key;

	fpu_for_host();

	if (!ST->ConIn || EFI_ERROR(uefi_call_wrapper(ST->ConIn->ReadKeyStroke,
						      2, ST->ConIn, &key)))
		return -1;
	if (key.UnicodeChar && key.UnicodeChar < 0x80)
		return key.UnicodeChar;
	return -1; /* a scan code (arrows, function keys): none in ASCII */
}
