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

/* void platform_puts(const char *) is declared in print.h. */

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

#endif
