/* Resident mode (docs/resident.md, issue 18): hv below the firmware on
 * every CPU, the firmware and what it boots carrying on as the guest. */
#ifndef HV_RESIDENT_H
#define HV_RESIDENT_H

#include <stdbool.h>
#include <stdint.h>

#include "hv.h"

/* The most CPUs resident mode takes (EFI MP services' count). */
#define RESIDENT_MAX_CPUS 64u

/* Virtualizes every CPU (resident_hw.c), the application processors
 * first, then this one, the boot processor, and returns in VMX non-root
 * operation. @break_cpu: processor number + 1 that refuses VMXON (a test
 * hook), 0 for none. If any CPU fails, every CPU already in VMX leaves
 * it, and the failure is named. Runs from hv's runtime-driver image
 * (boot/resident_efi.c): its code and the memory it takes stay after it
 * returns. @image, @image_size: that image as loaded, hidden from the
 * guest once it has returned (resident_seal); NULL: never hidden. */
enum hv_status resident_start(unsigned int break_cpu, const void *image,
			      uint64_t image_size);

/* The guest's side (resident_guest.c), from any image at CPL 0. */
/* CPUID 40000000H on this CPU says hv's signature. */
bool resident_here(void);
/* CPUID 40000000H's 12-byte signature on this CPU, unprintable bytes as
 * '.', NUL-terminated. */
void resident_read_signature(char sig[13]);
/* Asks every CPU (MP services) whether hv is there and its exit counts,
 * prints a line per CPU, and how many CPUs hv runs on. */
enum hv_status resident_query(void);
/* Every CPU leaves VMX (VMCALL through MP services, this one last), its
 * registers compared before and after, a line per CPU. */
enum hv_status resident_unload(void);
/* After the driver (resident_start) has returned to the firmware: its
 * image is hidden from the guest on every CPU (RESIDENT_VMCALL_SEAL),
 * and said. From hv.efi, never from the driver's own image. */
void resident_seal(void);
/* --peek-hidden, a test hook: reads a byte of hv's hidden driver image
 * from the guest. hv stops this CPU (an EPT violation at hv's memory);
 * returning at all means the image was not hidden. */
enum hv_status resident_peek_hidden(void);

/* One line, or a piece of one, straight to COM1 (the 16550 at 3F8H, as
 * OVMF configures it), no firmware service: what hv prints from VMX root
 * once the firmware's boot services may be gone. Lines end in "\r\n"
 * already. */
void resident_com1_puts(const char *s);

#endif
