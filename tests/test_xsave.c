/* XSAVE for the guest: XSETBV's rules and leaf 0DH over a Skylake-X's
 * state components (x87, SSE, AVX, MPX, AVX-512, PKRU). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"
#include "x86/xsave.h"

#define SKX_XCR0_MASK 0x2ffull /* x87 SSE AVX BND* AVX-512 PKRU */
#define SKX_1_EAX 0xfu	       /* XSAVEOPT XSAVEC XGETBV1 XSAVES */

/* CPUID.(EAX=0DH,ECX=i): size, offset of component i on that CPU. */
static const uint32_t skx_component[10][2] = {
	[2] = {256, 576}, [3] = {64, 960},   [4] = {64, 1024},
	[5] = {64, 1088}, [6] = {512, 1152}, [7] = {1024, 1664},
	[9] = {8, 2688},
};

static void skx_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf,
		      struct cpuid_regs *r)
{
	(void)ctx;
	*r = (struct cpuid_regs){0, 0, 0, 0};
	if (leaf != 0xd)
		return;
	if (subleaf == 0) {
		r->eax = (uint32_t)SKX_XCR0_MASK;
		r->ebx = 2696;
		r->ecx = 2696;
	} else if (subleaf == 1) {
		r->eax = SKX_1_EAX;
		r->ecx = 0x100; /* IA32_XSS: PT */
	} else if (subleaf < 10) {
		r->eax = skx_component[subleaf][0];
		r->ebx = skx_component[subleaf][1];
	}
}

static const struct cpu_ops skx = {skx_cpuid, NULL, NULL};

static void test_guest_components(void **state)
{
	(void)state;
	assert_int_equal(xsave_guest_components(SKX_XCR0_MASK), 0xe7);
	assert_int_equal(xsave_guest_components(0x7), 0x7);
	/* A partial AVX-512 report is not offered at all. */
	assert_int_equal(xsave_guest_components(0x67), 0x7);
	assert_int_equal(xsave_guest_components(0x3), 0x3);
}

static void test_xsetbv_rules(void **state)
{
	const uint64_t g = 0xe7;

	(void)state;
	assert_true(xsave_xcr0_valid(XCR0_X87, g));
	assert_true(xsave_xcr0_valid(XCR0_X87 | XCR0_SSE, g));
	assert_true(xsave_xcr0_valid(0x7, g));
	assert_true(xsave_xcr0_valid(0xe7, g));
	assert_false(xsave_xcr0_valid(0, g));	     /* x87 is required */
	assert_false(xsave_xcr0_valid(XCR0_SSE, g)); /* ... always */
	assert_false(
		xsave_xcr0_valid(XCR0_X87 | XCR0_AVX, g)); /* AVX w/o SSE */
	assert_false(xsave_xcr0_valid(0x27, g));	   /* part of AVX-512 */
	assert_false(xsave_xcr0_valid(0xe3, g));  /* AVX-512 without AVX */
	assert_false(xsave_xcr0_valid(0x1f, g));  /* MPX: not the guest's */
	assert_false(xsave_xcr0_valid(0x207, g)); /* PKRU: not the guest's */
	assert_false(xsave_xcr0_valid(0x7, 0x3)); /* AVX not offered */
}

static void test_leaf_0d_for_the_guest(void **state)
{
	struct cpuid_regs r;

	(void)state;
	/* Subleaf 0: the guest's components; sizes for its XCR0. */
	xsave_cpuid(&skx, 0, 0xe7, 0x3, &r);
	assert_int_equal(r.eax, 0xe7);
	assert_int_equal(r.edx, 0);
	assert_int_equal(r.ebx, 576);
	assert_int_equal(r.ecx, 1664 + 1024);
	xsave_cpuid(&skx, 0, 0xe7, 0x7, &r);
	assert_int_equal(r.ebx, 576 + 256);
	/* Subleaf 1: XSAVEOPT and XGETBV1 of the host's four; no XSAVES,
	 * no supervisor components, and no XSAVEC: Bochs 2.7's writes AVX
	 * over the header, and Linux offered it takes #GP in its own
	 * XRSTOR (xsave.c). EBX, the compacted size, 0 as on a CPU without
	 * either. */
	xsave_cpuid(&skx, 1, 0xe7, 0x7, &r);
	assert_int_equal(r.eax, 0x5);
	assert_int_equal(r.eax & 0x2, 0); /* XSAVEC */
	assert_int_equal(r.ebx, 0);
	assert_int_equal(r.ecx, 0);
	assert_int_equal(r.edx, 0);
	xsave_cpuid(&skx, 1, 0xe7, 0x3, &r);
	assert_int_equal(r.eax, 0x5);
	assert_int_equal(r.ebx, 0);
	/* Component subleaves: only the guest's. */
	xsave_cpuid(&skx, 2, 0xe7, 0x7, &r);
	assert_int_equal(r.eax, 256);
	assert_int_equal(r.ebx, 576);
	xsave_cpuid(&skx, 3, 0xe7, 0x7, &r);
	assert_int_equal(r.eax, 0);
	assert_int_equal(r.ebx, 0);
	xsave_cpuid(&skx, 9, 0xe7, 0x7, &r);
	assert_int_equal(r.eax, 0);
	xsave_cpuid(&skx, 63, 0xe7, 0x7, &r);
	assert_int_equal(r.eax, 0);
}

/* Review finding G1: the guest sets XCR0 to x87|SSE|AVX, uses the
 * registers (XSAVE then sets XSTATE_BV 0x7), then shrinks XCR0 to x87
 * alone. XSAVE under the smaller XCR0 leaves bits 1 and 2 as they were,
 * and XRSTOR's standard form would take #GP in VMX root. The image is
 * saved and restored under x87|SSE (XMM stays live without XCR0[1]),
 * and fitted to it before XRSTOR: AVX is dropped, nothing else moves. */
static void test_image_fits_a_shrunken_xcr0(void **state)
{
	uint8_t image[1024];

	(void)state;
	assert_int_equal(xsave_image_xcr0(XCR0_X87), XCR0_X87 | XCR0_SSE);
	assert_int_equal(xsave_image_xcr0(0x7), 0x7);
	assert_int_equal(xsave_image_xcr0(0xe7), 0xe7);

	for (unsigned int i = 0; i < sizeof(image); i++)
		image[i] = (uint8_t)(i * 7 + 1);
	put_le(image + 512, 8, 0x7); /* XSTATE_BV as XCR0=7 left it */
	put_le(image + 520, 8, 0);   /* XCOMP_BV: standard form */

	uint8_t before[sizeof(image)];

	memcpy(before, image, sizeof(image));
	xsave_image_fit_xcr0(image, xsave_image_xcr0(XCR0_X87));
	assert_int_equal(get_le(image + 512, 8), 0x3);
	/* Every other byte as it was: the legacy region, XCOMP_BV, AVX's. */
	assert_memory_equal(image, before, 512);
	assert_memory_equal(image + 520, before + 520, sizeof(image) - 520);

	/* An image already within XCR0 is left alone. */
	xsave_image_fit_xcr0(image, 0x7);
	assert_int_equal(get_le(image + 512, 8), 0x3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_components),
		cmocka_unit_test(test_xsetbv_rules),
		cmocka_unit_test(test_leaf_0d_for_the_guest),
		cmocka_unit_test(test_image_fits_a_shrunken_xcr0),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
