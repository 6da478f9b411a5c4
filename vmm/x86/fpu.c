#include "x86/fpu.h"

#include "x86/arch.h"
#include "x86/x86.h"
#include "x86/xsave.h"

/* FXSAVE image offsets (SDM 1 10.5.1, table 10-2); the XSAVE area's
 * legacy region is the same. */
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

/* Every component XCR0 enables (EDX:EAX all ones). */
static void xsave(uint8_t *area)
{
	__asm__ volatile("xsave64 %0"
			 : "+m"(*(uint8_t(*)[FPU_AREA_SIZE])area)
			 : "a"(~0u), "d"(~0u));
}

static void xrstor(const uint8_t *area)
{
	__asm__ volatile("xrstor64 %0"
			 :
			 : "m"(*(const uint8_t(*)[FPU_AREA_SIZE])area),
			   "a"(~0u), "d"(~0u));
}

static void xsetbv(uint64_t xcr0)
{
	__asm__ volatile("xsetbv"
			 :
			 : "c"(0), "a"((uint32_t)xcr0),
			   "d"((uint32_t)(xcr0 >> 32)));
}

static uint64_t xgetbv(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}

/* CR4.OSXSAVE on for the XSAVE instructions; returns the CR4 to put back. */
static uint64_t osxsave_on(void)
{
	uint64_t cr4 = read_cr4();

	if (!(cr4 & CR4_OSXSAVE))
		write_cr4(cr4 | CR4_OSXSAVE);
	return cr4;
}

/* The host's image is FXSAVE's in both cases: x87 and XMM, what the
 * firmware's calling convention keeps across a call (XMM6-XMM15 are
 * callee-saved in the UEFI x64 ABI); the firmware's XCR0, if it set one
 * beyond x87, comes back with it. */
static void osxsave_back(uint64_t cr4)
{
	if (!(cr4 & CR4_OSXSAVE))
		write_cr4(cr4);
}

void fpu_run_begin(struct fpu_images *f, bool use_xsave)
{
	for (unsigned int i = 0; i < FPU_AREA_SIZE; i++)
		f->guest[i] = 0;
	/* An XSAVE header of zeros (XSTATE_BV 0): XRSTOR puts every
	 * component in its initial state but MXCSR, which it reads. */
	f->guest[FXSAVE_FCW] = FCW_RESET & 0xff;
	f->guest[FXSAVE_FCW + 1] = FCW_RESET >> 8;
	f->guest[FXSAVE_MXCSR] = MXCSR_RESET & 0xff;
	f->guest[FXSAVE_MXCSR + 1] = MXCSR_RESET >> 8;
	f->guest_loaded = false;
	f->xsave = use_xsave;
	f->guest_xcr0 = XCR0_X87;
	if (use_xsave) {
		uint64_t cr4 = osxsave_on();

		f->host_xcr0 = xgetbv();
		osxsave_back(cr4);
	}
	this_cpu()->fpu_run = f;
	fpu_swap_to_guest(f);
}

void fpu_run_end(struct fpu_images *f)
{
	fpu_swap_to_host(f);
	this_cpu()->fpu_run = 0;
}

void fpu_swap_to_host(struct fpu_images *f)
{
	if (!f->guest_loaded)
		return;
	if (f->xsave) {
		uint64_t cr4 = osxsave_on();
		uint64_t image_xcr0 = xsave_image_xcr0(f->guest_xcr0);

		if (image_xcr0 != f->guest_xcr0)
			xsetbv(image_xcr0);
		xsave(f->guest);
		xsetbv(f->host_xcr0);
		fxrstor(f->host);
		osxsave_back(cr4);
	} else {
		fxsave(f->guest);
		fxrstor(f->host);
	}
	f->guest_loaded = false;
}

void fpu_swap_to_guest(struct fpu_images *f)
{
	if (f->guest_loaded)
		return;
	if (f->xsave) {
		uint64_t cr4 = osxsave_on();
		uint64_t image_xcr0 = xsave_image_xcr0(f->guest_xcr0);

		fxsave(f->host);
		xsetbv(image_xcr0);
		xsave_image_fit_xcr0(f->guest, image_xcr0);
		xrstor(f->guest);
		if (image_xcr0 != f->guest_xcr0)
			xsetbv(f->guest_xcr0);
		osxsave_back(cr4);
	} else {
		fxsave(f->host);
		fxrstor(f->guest);
	}
	f->guest_loaded = true;
}

void fpu_set_guest_xcr0(struct fpu_images *f, uint64_t xcr0)
{
	f->guest_xcr0 = xcr0;
	if (f->guest_loaded) {
		uint64_t cr4 = osxsave_on();

		xsetbv(xcr0);
		osxsave_back(cr4);
	}
}
