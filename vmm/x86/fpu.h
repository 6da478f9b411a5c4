/* The x87, MMX and SSE state of a guest that has its own (the Linux
 * guest: flat guests run with CR0.EM set and have none). The processor
 * keeps one such state; VM entry and exit switch none of it (SDM 3C
 * 28.5, "Loading Host State", names no x87 or XMM register). hv.efi
 * itself is built without vector registers (-mgeneral-regs-only), so
 * while the guest runs its state stays in the registers across exits,
 * and only the firmware is a danger: every call into it made during the
 * run (the console, the watchdog, the keyboard, the host's interrupt
 * handlers) first puts the host's state back (fpu_for_host), and the next
 * VM entry the guest's (fpu_for_guest). The images are FXSAVE's (SDM 1
 * 10.5, "FXSAVE and FXRSTOR Instructions"): no XSAVE state, so the guest
 * is shown no AVX (pc_cpuid.c). */
#ifndef HV_FPU_H
#define HV_FPU_H

#include <stdbool.h>
#include <stdint.h>

#define FPU_FXSAVE_SIZE 512u

struct fpu_images {
	uint8_t host[FPU_FXSAVE_SIZE] __attribute__((aligned(16)));
	uint8_t guest[FPU_FXSAVE_SIZE] __attribute__((aligned(16)));
	bool guest_loaded; /* the registers hold the guest's state */
};

/* The run's images while a guest with its own state runs; NULL else. */
extern struct fpu_images *fpu_run;

/* The host's state saved, the guest's loaded in its state after reset
 * (SDM 1 10.5.1.1, "x87 State", FINIT: FCW 0x37F; MXCSR 0x1F80). */
void fpu_run_begin(struct fpu_images *f);
/* The host's state back for good. */
void fpu_run_end(struct fpu_images *f);

void fpu_swap_to_host(struct fpu_images *f);
void fpu_swap_to_guest(struct fpu_images *f);

static inline void fpu_for_host(void)
{
	if (fpu_run && fpu_run->guest_loaded)
		fpu_swap_to_host(fpu_run);
}

static inline void fpu_for_guest(void)
{
	if (fpu_run && !fpu_run->guest_loaded)
		fpu_swap_to_guest(fpu_run);
}

#endif
