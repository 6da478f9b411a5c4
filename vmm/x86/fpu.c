#include "x86/fpu.h"

struct fpu_images *fpu_run;

/* FXSAVE image offsets (SDM 1 10.5.1, table 10-2). */
#define FXSAVE_FCW 0
#define FXSAVE_MXCSR 24
#define FCW_RESET 0x037fu
#define MXCSR_RESET 0x1f80u

static void fxsave(uint8_t *image)
{
	__asm__ volatile("fxsave64 %0" : "=m"(*(uint8_t(*)[512])image));
}

static void fxrstor(const uint8_t *image)
{
	__asm__ volatile("fxrstor64 %0" : : "m"(*(const uint8_t(*)[512])image));
}

void fpu_run_begin(struct fpu_images *f)
{
	for (unsigned int i = 0; i < FPU_FXSAVE_SIZE; i++)
		f->guest[i] = 0;
	f->guest[FXSAVE_FCW] = FCW_RESET & 0xff;
	f->guest[FXSAVE_FCW + 1] = FCW_RESET >> 8;
	f->guest[FXSAVE_MXCSR] = MXCSR_RESET & 0xff;
	f->guest[FXSAVE_MXCSR + 1] = MXCSR_RESET >> 8;
	f->guest_loaded = false;
	fpu_run = f;
	fpu_swap_to_guest(f);
}

void fpu_run_end(struct fpu_images *f)
{
	fpu_swap_to_host(f);
	fpu_run = 0;
}

void fpu_swap_to_host(struct fpu_images *f)
{
	if (!f->guest_loaded)
		return;
	fxsave(f->guest);
	fxrstor(f->host);
	f->guest_loaded = false;
}

void fpu_swap_to_guest(struct fpu_images *f)
{
	if (f->guest_loaded)
		return;
	fxsave(f->host);
	fxrstor(f->guest);
	f->guest_loaded = true;
}
