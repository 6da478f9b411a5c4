/* The XSAVE feature set as a guest sees it (SDM 1 13, "Managing State
 * Using the XSAVE Feature Set"): which state components its XCR0 may
 * enable, whether an XSETBV is legal, and what CPUID leaf 0DH says. Pure:
 * the host's CPUID comes through struct cpu_ops. */
#ifndef HV_XSAVE_H
#define HV_XSAVE_H

#include <stdbool.h>
#include <stdint.h>

#include "x86/cpu_ops.h"

/* XCR0 state-component bits (SDM 1 13.1, "XSAVE-Supported Features and
 * State-Component Bitmaps"). */
#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)
#define XCR0_BNDREGS (1ull << 3)
#define XCR0_BNDCSR (1ull << 4)
#define XCR0_OPMASK (1ull << 5)
#define XCR0_ZMM_HI256 (1ull << 6)
#define XCR0_HI16_ZMM (1ull << 7)
#define XCR0_AVX512 (XCR0_OPMASK | XCR0_ZMM_HI256 | XCR0_HI16_ZMM)
#define XCR0_PKRU (1ull << 9)
#define XCR0_TILECFG (1ull << 17)
#define XCR0_TILEDATA (1ull << 18)

/* The components a guest may enable: x87, SSE, AVX and AVX-512 where the
 * host has them. Not MPX (deprecated, its BNDCFGS not switched), PKRU (no
 * CR4.PKE for the guest) nor AMX (its XFD MSRs are not virtualised).
 * @host_xcr0_mask: CPUID.(EAX=0DH,ECX=0):EDX:EAX of the processor. */
uint64_t xsave_guest_components(uint64_t host_xcr0_mask);

/* XSETBV's #GP(0) conditions for XCR0 (SDM 2 "XSETBV"; SDM 1 13.3,
 * "Enabling the XSAVE Feature Set and XSAVE-Enabled Features"). */
bool xsave_xcr0_valid(uint64_t xcr0, uint64_t guest_components);

/* CPUID leaf 0DH for a guest whose XCR0 is @guest_xcr0: subleaf 0 lists
 * only @guest_components and sizes the area for what is enabled; subleaf
 * 1 offers XSAVEOPT and XGETBV with ECX=1 but not XSAVES, whose
 * supervisor states are not the guest's, nor XSAVEC, which Bochs 2.7
 * gets wrong (xsave.c): the guest's images are in the standard format;
 * other subleaves describe only the guest's components. */
void xsave_cpuid(const struct cpu_ops *cpu, uint32_t subleaf,
		 uint64_t guest_components, uint64_t guest_xcr0,
		 struct cpuid_regs *r);

/* The XCR0 under which hv saves and restores a guest's XSAVE image: the
 * guest's own plus SSE. SSE instructions need only CR4.OSFXSR, not
 * XCR0[1] (SDM 1 13.3, "Enabling the XSAVE Feature Set and XSAVE-Enabled
 * Features"), so a guest that set XCR0 to x87 alone still has live XMM
 * registers and MXCSR, which XSAVE would otherwise leave behind. */
uint64_t xsave_image_xcr0(uint64_t guest_xcr0);

/* Make an XSAVE image (standard form) fit the XCR0 it is about to be
 * restored under: clear the XSTATE_BV bits @xcr0 lacks. XSAVE leaves
 * XSTATE_BV[i] as it was in memory where RFBM[i] is 0 (SDM 1 13.7,
 * "Operation of XSAVE"), so bits saved under a larger XCR0 survive a
 * guest's XSETBV that shrinks it, and the standard form of XRSTOR takes
 * #GP when XSTATE_BV has a bit XCR0 lacks (SDM 1 13.8.1, "Standard Form
 * of XRSTOR"): in VMX root operation, a host hang (review finding G1).
 * The components cleared come back in their initial state, as XCR0 had
 * disabled them. */
void xsave_image_fit_xcr0(uint8_t *image, uint64_t xcr0);

#endif
