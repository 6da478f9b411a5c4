/* What the VMM needs from the firmware, and nothing more. boot/ provides
 * it with UEFI boot services; host unit tests provide fakes. */
#ifndef HV_PLATFORM_H
#define HV_PLATFORM_H

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

#endif
