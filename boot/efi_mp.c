/* Resident mode's platform services (vmm/platform.h) on UEFI: the MP
 * services protocol (UEFI PI 1.7, Vol. 2, 13.4, "MP Services Protocol";
 * gnu-efi has no header for it), runtime-services data pages, the top of
 * the memory map. */
#include <efi.h>
#include <efilib.h>

#include "../vmm/platform.h"

#define MP_SERVICES_GUID                                               \
	{                                                              \
		0x3fdda605, 0xa76e, 0x4f46,                            \
		{                                                      \
			0xad, 0x29, 0x12, 0xf4, 0x53, 0x1b, 0x3d, 0x08 \
		}                                                      \
	}

typedef void(__attribute__((ms_abi)) * mp_procedure)(void *arg);

/* EFI_PROCESSOR_INFORMATION (PI Vol. 2, 13.4.3); room for the 1.7
 * extended topology after it. */
struct mp_processor_info {
	UINT64 processor_id; /* the APIC ID */
	UINT32 status_flag;
	UINT32 package, core, thread;
	UINT8 extended[64];
};

struct mp_services {
	EFI_STATUS(__attribute__((ms_abi)) * get_number_of_processors)
	(struct mp_services *self, UINTN *count, UINTN *enabled);
	EFI_STATUS(__attribute__((ms_abi)) * get_processor_info)
	(struct mp_services *self, UINTN n, struct mp_processor_info *info);
	EFI_STATUS(__attribute__((ms_abi)) * startup_all_aps)
	(struct mp_services *self, mp_procedure proc, BOOLEAN single_thread,
	 EFI_EVENT wait_event, UINTN timeout_us, void *arg,
	 UINTN **failed_cpu_list);
	void *startup_this_ap, *switch_bsp, *enable_disable_ap;
	EFI_STATUS(__attribute__((ms_abi)) * who_am_i)
	(struct mp_services *self, UINTN *n);
};

static struct mp_services *mp(void)
{
	static struct mp_services *p;
	static EFI_GUID guid = MP_SERVICES_GUID;

	if (!p && EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &guid,
					      NULL, (void **)&p)))
		p = NULL;
	return p;
}

unsigned int platform_cpu_count(void)
{
	UINTN count = 0, enabled = 0;

	if (!mp() ||
	    EFI_ERROR(mp()->get_number_of_processors(mp(), &count, &enabled)))
		return 0;
	return (unsigned int)count;
}

unsigned int platform_cpu_self(void)
{
	UINTN n = 0;

	if (!mp() || EFI_ERROR(mp()->who_am_i(mp(), &n)))
		return 0;
	return (unsigned int)n;
}

uint32_t platform_cpu_apic_id(unsigned int n)
{
	struct mp_processor_info info = {0};

	if (!mp() || EFI_ERROR(mp()->get_processor_info(mp(), n, &info)))
		return 0xffffffffu;
	return (uint32_t)info.processor_id;
}

/* The firmware calls the procedure with the Microsoft x64 convention;
 * hv's code is System V: a trampoline in between. */
struct mp_call {
	void (*fn)(void *);
	void *arg;
};

static void __attribute__((ms_abi)) mp_trampoline(void *arg)
{
	struct mp_call *c = arg;

	c->fn(c->arg);
}

int platform_run_on_others(void (*fn)(void *), void *arg)
{
	struct mp_call call = {fn, arg};

	if (!mp())
		return 0;
	EFI_STATUS st = mp()->startup_all_aps(mp(), mp_trampoline, FALSE, NULL,
					      0, &call, NULL);

	/* EFI_NOT_STARTED: no enabled AP. */
	return st == EFI_SUCCESS || st == EFI_NOT_STARTED ? 0 : -1;
}

void *platform_alloc_runtime_pages(size_t count)
{
	EFI_PHYSICAL_ADDRESS addr = 0;

	if (EFI_ERROR(uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages,
					EfiRuntimeServicesData, count, &addr)))
		return NULL;
	ZeroMem((void *)addr, count * EFI_PAGE_SIZE);
	return (void *)addr;
}

uint64_t platform_memory_top(void)
{
	UINTN n = 0, key = 0, size = 0;
	UINT32 version = 0;
	EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&n, &key, &size, &version);
	uint64_t top = 0;

	for (UINTN i = 0; map && i < n; i++) {
		EFI_MEMORY_DESCRIPTOR *d =
			(EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + i * size);
		uint64_t end = d->PhysicalStart + d->NumberOfPages * 4096;

		if (end > top)
			top = end;
	}
	if (map)
		FreePool(map);
	return top;
}
