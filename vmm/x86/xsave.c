/* XSAVE for the guest: the components it may enable, XSETBV's rules,
 * and CPUID leaf 0DH computed for the guest's own XCR0. */
#include "x86/xsave.h"

#include "util.h"
#include "x86/x86.h"

#define XSAVE_LEGACY_AND_HEADER 576u /* 512-byte legacy area + 64 */
/* The XSAVE header's XSTATE_BV: 8 bytes after the legacy region (SDM 1
 * 13.4.2, "XSAVE Header"). */
#define XSAVE_HEADER_XSTATE_BV 512u
#define XSAVE_FIRST_EXTENDED 2u /* AVX: components 0, 1 are legacy */
#define XSAVE_LAST_COMPONENT 62u
/* CPUID.(EAX=0DH,ECX=1):EAX (SDM 2 "CPUID", leaf 0DH): XSAVEOPT and
 * XGETBV with ECX = 1. Not XSAVES (supervisor state is not the guest's),
 * and not XSAVEC either: Bochs 2.7's XSAVEC (cpu/xsave.cc, fixed in 2.8
 * by e54048c16) counts SSE's 256 bytes as a compacted component and
 * writes AVX's upper halves at 416 instead of 576, over the XSAVE
 * header; XRSTOR then takes #GP for a non-zero header (YMM7's upper half)
 * or loads the wrong YMM registers. Offered XSAVEC, Linux uses it and the
 * compacted format for every task (XSAVEC, then XRSTOR of that image); a
 * Linux without it uses XSAVEOPT and the standard format, which Bochs
 * gets right. The standard format costs nothing with AVX (832 bytes
 * either way) and 256 bytes more with AVX-512 (the gap before it, and
 * MPX's place). */
#define XSAVE_1_EAX_GUEST \
	((1u << 0) /* XSAVEOPT */ | (1u << 2) /* XGETBV with ECX = 1 */)

uint64_t xsave_guest_components(uint64_t host_xcr0_mask)
{
	uint64_t want = XCR0_X87 | XCR0_SSE | XCR0_AVX;

	/* AVX-512's three components come and go together. */
	if ((host_xcr0_mask & XCR0_AVX512) == XCR0_AVX512)
		want |= XCR0_AVX512;
	return host_xcr0_mask & want;
}

bool xsave_xcr0_valid(uint64_t xcr0, uint64_t guest_components)
{
	if (!(xcr0 & XCR0_X87) || (xcr0 & ~guest_components))
		return false;
	if ((xcr0 & XCR0_AVX) && !(xcr0 & XCR0_SSE))
		return false;
	/* AVX-512 state: all three or none, and only on top of AVX. */
	if ((xcr0 & XCR0_AVX512) &&
	    ((xcr0 & XCR0_AVX512) != XCR0_AVX512 || !(xcr0 & XCR0_AVX)))
		return false;
	return true;
}

/* Bytes the standard-format area needs for @components: the end of the
 * highest-placed one (each subleaf i gives size EAX at offset EBX; SDM 1
 * 13.4.3, "Extended Region of an XSAVE Area"). */
static uint32_t area_size(const struct cpu_ops *cpu, uint64_t components)
{
	uint32_t size = XSAVE_LEGACY_AND_HEADER;

	for (uint32_t i = XSAVE_FIRST_EXTENDED; i <= XSAVE_LAST_COMPONENT;
	     i++) {
		struct cpuid_regs c;

		if (!(components & (1ull << i)))
			continue;
		cpu->cpuid(cpu->ctx, CPUID_LEAF_XSAVE, i, &c);
		if (c.ebx + c.eax > size)
			size = c.ebx + c.eax;
	}
	return size;
}

void xsave_cpuid(const struct cpu_ops *cpu, uint32_t subleaf,
		 uint64_t guest_components, uint64_t guest_xcr0,
		 struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){0, 0, 0, 0};
	switch (subleaf) {
	case 0:
		r->eax = (uint32_t)guest_components;
		r->edx = (uint32_t)(guest_components >> 32);
		r->ebx = area_size(cpu, guest_xcr0);
		r->ecx = area_size(cpu, guest_components);
		return;
	case 1: {
		struct cpuid_regs host;

		cpu->cpuid(cpu->ctx, CPUID_LEAF_XSAVE, 1, &host);
		r->eax = host.eax & XSAVE_1_EAX_GUEST;
		/* EBX, the compacted size, is 0 as on a CPU with neither
		 * XSAVEC nor XSAVES; no IA32_XSS bits (ECX, EDX). */
		return;
	}
	default:
		if (subleaf <= XSAVE_LAST_COMPONENT &&
		    (guest_components & (1ull << subleaf)))
			cpu->cpuid(cpu->ctx, CPUID_LEAF_XSAVE, subleaf, r);
		return;
	}
}

uint64_t xsave_image_xcr0(uint64_t guest_xcr0)
{
	return guest_xcr0 | XCR0_SSE;
}

void xsave_image_fit_xcr0(uint8_t *image, uint64_t xcr0)
{
	uint8_t *bv = image + XSAVE_HEADER_XSTATE_BV;

	put_le(bv, 8, get_le(bv, 8) & xcr0);
}
