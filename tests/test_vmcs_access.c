/*
 * Typed VMCS accessors over the in-memory backend.
 *
 * Building with -DVMCS_EXPECT_COMPILE_ERROR must FAIL: it writes a
 * 16-bit field through the 64-bit accessor.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vmcs/vmcs.h"

#ifdef VMCS_EXPECT_COMPILE_ERROR
void must_not_compile(void)
{
	vmcs_write64(VMCS_GUEST_CS_SELECTOR, 0);
}
#endif

/* vmcs_read() yields the field's width. */
_Static_assert(_Generic(vmcs_read(VMCS_GUEST_CS_SELECTOR), uint16_t : 1,
			default : 0),
	       "16-bit read");
_Static_assert(_Generic(vmcs_read(VMCS_EXIT_REASON), uint32_t : 1, default : 0),
	       "32-bit read");
_Static_assert(_Generic(vmcs_read(VMCS_VMCS_LINK_POINTER), uint64_t : 1,
			default : 0),
	       "64-bit read");
_Static_assert(_Generic(vmcs_read(VMCS_GUEST_RIP), uint64_t : 1, default : 0),
	       "natural read");

static struct vmcs_image image;

static struct {
	int calls;
	uint32_t enc;
	enum vmcs_status status;
	const char *what;
} last;

static void record_error(uint32_t enc, enum vmcs_status status,
			 const char *what)
{
	last.calls++;
	last.enc = enc;
	last.status = status;
	last.what = what;
}

static int setup(void **state)
{
	struct vmcs_backend b = vmcs_image_backend(&image);

	(void)state;
	vmcs_image_init(&image);
	vmcs_set_backend(&b);
	vmcs_set_error_hook(record_error);
	last.calls = 0;
	last.enc = 0;
	last.status = VMCS_OK;
	last.what = NULL;
	return 0;
}

static void test_round_trip_each_width(void **state)
{
	(void)state;
	vmcs_write16(VMCS_GUEST_CS_SELECTOR, 0x10);
	vmcs_write32(VMCS_GUEST_CS_LIMIT, 0xffffffff);
	vmcs_write64(VMCS_GUEST_IA32_EFER, 0x0000000000000d01ull);
	vmcs_writenat(VMCS_GUEST_RIP, 0xffffffff80001000ull);
	assert_int_equal(last.calls, 0);

	assert_int_equal(vmcs_read16(VMCS_GUEST_CS_SELECTOR), 0x10);
	assert_true(vmcs_read32(VMCS_GUEST_CS_LIMIT) == 0xffffffffu);
	assert_true(vmcs_read64(VMCS_GUEST_IA32_EFER) == 0xd01);
	assert_true(vmcs_readnat(VMCS_GUEST_RIP) == 0xffffffff80001000ull);
	assert_int_equal(last.calls, 0);
}

static void test_generic_dispatch(void **state)
{
	(void)state;
	vmcs_write(VMCS_HOST_CS_SELECTOR, 0x08);
	vmcs_write(VMCS_PIN_BASED_CONTROLS, 0x16);
	vmcs_write(VMCS_VMCS_LINK_POINTER, ~(uint64_t)0);
	vmcs_write(VMCS_HOST_RSP, 0x1000);
	assert_int_equal(vmcs_read(VMCS_HOST_CS_SELECTOR), 0x08);
	assert_int_equal(vmcs_read(VMCS_PIN_BASED_CONTROLS), 0x16);
	assert_true(vmcs_read(VMCS_VMCS_LINK_POINTER) == ~(uint64_t)0);
	assert_true(vmcs_read(VMCS_HOST_RSP) == 0x1000);
	assert_int_equal(last.calls, 0);
}

static void test_width_overflow_reported(void **state)
{
	(void)state;
	vmcs_write16(VMCS_GUEST_CS_SELECTOR, 0x8);
	vmcs_write16(VMCS_GUEST_CS_SELECTOR, 0x10008);
	assert_int_equal(last.calls, 1);
	assert_int_equal(last.status, VMCS_ERR_WIDTH);
	assert_int_equal(last.enc, 0x0802);
	assert_string_equal(last.what, "vmcs_write16");
	/* Not truncated to 0x0008: not written at all. */
	assert_int_equal(vmcs_read16(VMCS_GUEST_CS_SELECTOR), 0x8);

	vmcs_write32(VMCS_EXCEPTION_BITMAP, 0x100000000ull);
	assert_int_equal(last.calls, 2);
	assert_int_equal(last.status, VMCS_ERR_WIDTH);
	assert_false(vmcs_image_present(&image, VMCS_ENC_EXCEPTION_BITMAP));

	/* 64-bit and natural-width fields take any value. */
	vmcs_write(VMCS_TSC_OFFSET, ~(uint64_t)0);
	vmcs_write(VMCS_GUEST_CR0, ~(uint64_t)0);
	assert_int_equal(last.calls, 2);

	assert_int_equal(vmcs_write_enc(0x4004, 0x1ffffffffull),
			 VMCS_ERR_WIDTH);
}

static void test_unknown_encoding_refused(void **state)
{
	uint64_t v = 0;

	(void)state;
	/* Index 22 of the 32-bit guest group is not a field. */
	assert_int_equal(vmcs_write_enc(0x482c, 1), VMCS_ERR_UNKNOWN_FIELD);
	assert_int_equal(vmcs_read_enc(0x482c, &v), VMCS_ERR_UNKNOWN_FIELD);
	assert_int_equal(vmcs_read_enc(0x9000, &v), VMCS_ERR_BAD_ENCODING);
	/* The image refuses it too, when called directly. */
	assert_int_equal(vmcs_image_write(&image, 0x482c, 1),
			 VMCS_ERR_UNKNOWN_FIELD);
	assert_int_equal(vmcs_image_read(&image, 0x482c, &v),
			 VMCS_ERR_UNKNOWN_FIELD);
	assert_int_equal(vmcs_image_write(&image, 0x2801, 1),
			 VMCS_ERR_BAD_ENCODING);
	/* The _enc functions do not call the hook. */
	assert_int_equal(last.calls, 0);

	/* A hand-made handle is checked as well. */
	vmcs_write32((struct vmcs_f32){0x482c}, 1);
	assert_int_equal(last.calls, 1);
	assert_int_equal(last.status, VMCS_ERR_UNKNOWN_FIELD);
	assert_int_equal(last.enc, 0x482c);

	/* Right struct, wrong width inside. */
	vmcs_write16((struct vmcs_f16){0x4000}, 1);
	assert_int_equal(last.status, VMCS_ERR_WIDTH);
	/* Typed handles never carry a high encoding. */
	assert_int_equal(vmcs_read64((struct vmcs_f64){0x2801}), 0);
	assert_int_equal(last.status, VMCS_ERR_BAD_ENCODING);
	assert_int_equal(last.calls, 3);
}

static void test_high_half(void **state)
{
	uint64_t v = 0;

	(void)state;
	vmcs_write64(VMCS_VMCS_LINK_POINTER, 0x1122334455667788ull);

	assert_int_equal(vmcs_read_enc(0x2800, &v), VMCS_OK);
	assert_true(v == 0x1122334455667788ull);
	assert_int_equal(vmcs_read_enc(0x2801, &v), VMCS_OK);
	assert_true(v == 0x11223344u);

	assert_int_equal(vmcs_write_enc(0x2801, 0xdeadbeef), VMCS_OK);
	assert_true(vmcs_read64(VMCS_VMCS_LINK_POINTER) ==
		    0xdeadbeef55667788ull);
	assert_int_equal(vmcs_write_enc(0x2801, 0x100000000ull),
			 VMCS_ERR_WIDTH);

	/* High half of a field never written: the low half counts as 0. */
	assert_int_equal(vmcs_write_enc(0x2011, 0x5), VMCS_OK);
	assert_true(vmcs_read64(VMCS_TSC_OFFSET) == 0x500000000ull);

	/* Only 64-bit fields have a high half. */
	assert_int_equal(vmcs_read_enc(0x0803, &v), VMCS_ERR_BAD_ENCODING);
	assert_int_equal(vmcs_read_enc(0x681f, &v), VMCS_ERR_BAD_ENCODING);
	assert_int_equal(last.calls, 0);
}

static void test_read_enc_all_widths(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(vmcs_write_enc(VMCS_ENC_GUEST_TR_SELECTOR, 0x28),
			 VMCS_OK);
	assert_int_equal(vmcs_read_enc(VMCS_ENC_GUEST_TR_SELECTOR, &v),
			 VMCS_OK);
	assert_true(v == 0x28);
	assert_int_equal(vmcs_read16(VMCS_GUEST_TR_SELECTOR), 0x28);
	assert_int_equal(vmcs_write_enc(VMCS_ENC_GUEST_TR_SELECTOR, 0x10000),
			 VMCS_ERR_WIDTH);
}

static void test_not_present(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(vmcs_read32(VMCS_EXIT_REASON), 0);
	assert_int_equal(last.calls, 1);
	assert_int_equal(last.status, VMCS_ERR_NOT_PRESENT);
	assert_string_equal(last.what, "vmcs_read32");
	assert_int_equal(vmcs_read_enc(0x4402, &v), VMCS_ERR_NOT_PRESENT);

	vmcs_write32(VMCS_EXIT_REASON, 0x80000021);
	assert_true(vmcs_image_present(&image, 0x4402));
	assert_true(vmcs_read32(VMCS_EXIT_REASON) == 0x80000021u);
	vmcs_image_forget(&image, 0x4402);
	assert_false(vmcs_image_present(&image, 0x4402));
	assert_false(vmcs_image_present(&image, 0x482c));
}

static int failing_rc;

static int failing_read(void *ctx, uint32_t enc, uint64_t *value)
{
	(void)ctx;
	(void)enc;
	*value = 0x1234;
	return failing_rc;
}

static int failing_write(void *ctx, uint32_t enc, uint64_t value)
{
	(void)ctx;
	(void)enc;
	(void)value;
	return failing_rc;
}

static void test_backend_errors_propagate(void **state)
{
	struct vmcs_backend b = {
		.read = failing_read,
		.write = failing_write,
		.ctx = NULL,
	};
	uint64_t v = 0;

	(void)state;
	vmcs_set_backend(&b);

	/* Foreign codes become VMCS_ERR_BACKEND. */
	failing_rc = -5;
	assert_int_equal(vmcs_read16(VMCS_GUEST_ES_SELECTOR), 0);
	assert_int_equal(last.status, VMCS_ERR_BACKEND);
	vmcs_write(VMCS_HOST_RIP, 0x1000);
	assert_int_equal(last.status, VMCS_ERR_BACKEND);
	assert_string_equal(last.what, "vmcs_writenat");
	assert_int_equal(vmcs_read_enc(0x6c16, &v), VMCS_ERR_BACKEND);
	assert_int_equal(vmcs_write_enc(0x2801, 1), VMCS_ERR_BACKEND);

	/* A status the layer knows passes through unchanged. */
	failing_rc = VMCS_ERR_NOT_PRESENT;
	vmcs_read(VMCS_GUEST_RSP);
	assert_int_equal(last.status, VMCS_ERR_NOT_PRESENT);

	/* Success: the backend's value comes through. */
	failing_rc = 0;
	assert_int_equal(vmcs_read16(VMCS_GUEST_ES_SELECTOR), 0x1234);
	assert_int_equal(last.calls, 3);

	/* No backend at all. */
	vmcs_set_backend(NULL);
	assert_int_equal(vmcs_read32(VMCS_EXIT_REASON), 0);
	assert_int_equal(last.status, VMCS_ERR_NO_BACKEND);
	assert_int_equal(vmcs_write_enc(0x4402, 0), VMCS_ERR_NO_BACKEND);
}

static uint64_t too_wide = 0x10000;

static int wide_read(void *ctx, uint32_t enc, uint64_t *value)
{
	(void)ctx;
	(void)enc;
	*value = too_wide;
	return 0;
}

static void test_backend_value_too_wide(void **state)
{
	struct vmcs_backend b = {
		.read = wide_read,
		.write = failing_write,
	};

	(void)state;
	vmcs_set_backend(&b);
	assert_int_equal(vmcs_read16(VMCS_GUEST_ES_SELECTOR), 0);
	assert_int_equal(last.status, VMCS_ERR_WIDTH);
}

static void test_no_hook_is_silent(void **state)
{
	(void)state;
	assert_ptr_equal(vmcs_set_error_hook(NULL), record_error);
	vmcs_write16(VMCS_GUEST_CS_SELECTOR, 0x10000);
	assert_int_equal(last.calls, 0);
	assert_ptr_equal(vmcs_set_error_hook(record_error), NULL);
}

static void test_status_names(void **state)
{
	(void)state;
	for (int s = 0; s < VMCS_STATUS_COUNT; s++)
		assert_string_not_equal(vmcs_status_name(s), "unknown status");
	assert_string_equal(vmcs_status_name(-1), "unknown status");
	assert_string_equal(vmcs_status_name(VMCS_OK), "ok");
}

static void test_image_walk(void **state)
{
	size_t n = 0;

	(void)state;
	vmcs_write(VMCS_GUEST_CR3, 0x1000);
	vmcs_write(VMCS_GUEST_CR4, 0x2000);
	assert_true(image.present[VMCS_POS_GUEST_CR3]);
	assert_true(image.value[VMCS_POS_GUEST_CR4] == 0x2000);
	for (size_t i = 0; i < vmcs_field_count; i++)
		n += image.present[i];
	assert_int_equal(n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_round_trip_each_width, setup),
		cmocka_unit_test_setup(test_generic_dispatch, setup),
		cmocka_unit_test_setup(test_width_overflow_reported, setup),
		cmocka_unit_test_setup(test_unknown_encoding_refused, setup),
		cmocka_unit_test_setup(test_high_half, setup),
		cmocka_unit_test_setup(test_read_enc_all_widths, setup),
		cmocka_unit_test_setup(test_not_present, setup),
		cmocka_unit_test_setup(test_backend_errors_propagate, setup),
		cmocka_unit_test_setup(test_backend_value_too_wide, setup),
		cmocka_unit_test_setup(test_no_hook_is_silent, setup),
		cmocka_unit_test_setup(test_status_names, setup),
		cmocka_unit_test_setup(test_image_walk, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
