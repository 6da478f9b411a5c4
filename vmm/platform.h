/* What the VMM needs from the firmware, and nothing more. boot/ provides
 * it with UEFI boot services; host unit tests provide fakes. */
#ifndef HV_PLATFORM_H
#define HV_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Zeroed, 4-KiB-aligned pages whose physical address equals their
 * address (UEFI identity-maps memory). NULL when memory is short. */
void *platform_alloc_pages(size_t count);
void platform_free_pages(void *pages, size_t count);

/* void platform_puts(const char *) is declared in print.h. From
 * platform_puts_to_com1() on, it writes COM1 itself (resident mode's
 * driver, once returned: hv then prints only from VMX root). */
void platform_puts_to_com1(void);

/* Busy-waits @us microseconds by the firmware's timer (Stall()). */
void platform_stall_us(uint64_t us);

/* Arms the firmware's watchdog for @seconds (it resets the machine when
 * they run out); 0 disarms it. */
void platform_set_watchdog(uint32_t seconds);

/* A key from the firmware's console input (keyboard, or the serial line
 * on a headless machine), as ASCII; -1 when none is waiting. */
int platform_read_key(void);

/* The firmware's clock (UEFI GetTime()), as it holds it: on a PC, the
 * CMOS clock's date and time (UTC, or local time where the machine keeps
 * it so). False when the firmware cannot read it. */
struct platform_time {
	uint16_t year; /* e.g. 2026 */
	uint8_t month; /* 1-12 */
	uint8_t day;   /* 1-31 */
	uint8_t hour, minute, second;
};
bool platform_get_time(struct platform_time *t);
/* Resident mode (vmm/resident/, boot/efi_mp.c): EFI_MP_SERVICES_PROTOCOL
 * (UEFI PI 1.7, Vol. 2, 13.4, "MP Services Protocol") and memory the OS
 * never reuses. hv.efi only: no host-test fakes. */
/* Logical processors, or 0 without the protocol. */
unsigned int platform_cpu_count(void);
/* This processor's number (WhoAmI); call on the boot processor only. */
unsigned int platform_cpu_self(void);
/* Processor @n's APIC ID (GetProcessorInfo's ProcessorId). */
uint32_t platform_cpu_apic_id(unsigned int n);
/* Runs @fn(@arg) on every other enabled processor at once and waits for
 * all of them (StartupAllAPs, blocking). @fn runs on those processors:
 * no firmware call, no lock the firmware may hold. 0 (also with no
 * other processor), or -1. */
int platform_run_on_others(void (*fn)(void *), void *arg);
/* Zeroed EfiRuntimeServicesData pages: the OS keeps them after
 * ExitBootServices (UEFI 2.10 7.2, "Memory Allocation Services", Table
 * 7-6). NULL when memory is short. */
void *platform_alloc_runtime_pages(size_t count);
/* The end of the highest range in the firmware's memory map. */
uint64_t platform_memory_top(void);

#endif
