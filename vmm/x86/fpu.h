/* The x87, SSE and AVX state of a guest that has its own (the Linux
 * guest: flat guests run with CR0.EM set and have none). The processor
 * keeps one such state; VM entry and exit switch none of it (SDM 3C
 * 28.5, "Loading Host State", names no x87, vector register or XCR0).
 * hv.efi itself is built without vector registers (-mgeneral-regs-only),
 * so while the guest runs its state stays in the registers across exits,
 * and only the firmware is a danger: every call into it made during the
 * run (the console, the watchdog, the keyboard, the host's interrupt
 * handlers) first puts the host's state back (fpu_for_host), and the next
 * VM entry the guest's (fpu_for_guest).
 *
 * With XSAVE (SDM 1 13, "Managing State Using the XSAVE Feature Set")
 * the guest's image is XSAVE's and XCR0 is switched with it: the guest's
 * XCR0 while its state is loaded, the host's otherwise. XSAVE, XRSTOR and
 * XSETBV need CR4.OSXSAVE, which the firmware may not have set: hv sets
 * it around the switch and puts the firmware's CR4 back. Without XSAVE,
 * FXSAVE images (SDM 1 10.5, "FXSAVE and FXRSTOR Instructions"). */
#ifndef HV_FPU_H
#define HV_FPU_H

#include <stdbool.h>
#include <stdint.h>

#include "percpu.h"

/* Room for the standard-format XSAVE area of x87, SSE and AVX (832
 * bytes) and of AVX-512 (2,696 bytes on Skylake-SP). */
#define FPU_AREA_SIZE 4096u

struct fpu_images {
	uint8_t host[FPU_AREA_SIZE] __attribute__((aligned(64)));
	uint8_t guest[FPU_AREA_SIZE] __attribute__((aligned(64)));
	bool guest_loaded; /* the registers hold the guest's state */
	bool xsave;	   /* XSAVE images and XCR0 switched; else FXSAVE */
	uint64_t host_xcr0, guest_xcr0;
};

/* This CPU's images while a guest with its own state runs, NULL else:
 * this_cpu()->fpu_run (percpu.h). */

/* The host's state saved, the guest's loaded in its state after reset
 * (SDM 1 10.5.1.1 FINIT: FCW 0x37F; MXCSR 0x1F80; XCR0 = x87 only, SDM 1
 * 13.3, "Enabling the XSAVE Feature Set and XSAVE-Enabled Features").
 * @xsave: use XSAVE (the CPU has it, and its area fits FPU_AREA_SIZE). */
void fpu_run_begin(struct fpu_images *f, bool xsave);
/* The host's state back for good. */
void fpu_run_end(struct fpu_images *f);

void fpu_swap_to_host(struct fpu_images *f);
void fpu_swap_to_guest(struct fpu_images *f);
/* The guest's XSETBV, already checked (x86/xsave.h): its XCR0 from now. */
void fpu_set_guest_xcr0(struct fpu_images *f, uint64_t xcr0);

static inline void fpu_for_host(void)
{
	struct fpu_images *f = this_cpu()->fpu_run;

	if (f && f->guest_loaded)
		fpu_swap_to_host(f);
}

static inline void fpu_for_guest(void)
{
	struct fpu_images *f = this_cpu()->fpu_run;

	if (f && !f->guest_loaded)
		fpu_swap_to_guest(f);
}

#endif
