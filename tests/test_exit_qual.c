/* Exit qualifications and interruption information, from values the
 * instructions would really produce. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exit/exit_qual.h"

static void cr_access_mov_to_and_from(void **state)
{
	struct cr_access a;

	(void)state;
	a = cr_access_decode(0x3); /* mov cr3, rax */
	assert_int_equal(a.cr, 3);
	assert_int_equal(a.type, CR_ACCESS_MOV_TO_CR);
	assert_int_equal(a.gpr, 0);

	a = cr_access_decode(0x313); /* mov rbx, cr3 */
	assert_int_equal(a.cr, 3);
	assert_int_equal(a.type, CR_ACCESS_MOV_FROM_CR);
	assert_int_equal(a.gpr, 3);

	a = cr_access_decode(0xf00); /* mov cr0, r15 */
	assert_int_equal(a.cr, 0);
	assert_int_equal(a.type, CR_ACCESS_MOV_TO_CR);
	assert_int_equal(a.gpr, 15);

	a = cr_access_decode(0x104); /* mov cr4, rcx */
	assert_int_equal(a.cr, 4);
	assert_int_equal(a.gpr, 1);

	a = cr_access_decode(0x818); /* mov r8, cr8 */
	assert_int_equal(a.cr, 8);
	assert_int_equal(a.type, CR_ACCESS_MOV_FROM_CR);
	assert_int_equal(a.gpr, 8);

	/* Bits 63:32 are not part of any field. */
	a = cr_access_decode(0xffffffff00000313ull);
	assert_int_equal(a.cr, 3);
	assert_int_equal(a.type, CR_ACCESS_MOV_FROM_CR);
	assert_int_equal(a.gpr, 3);
	assert_int_equal(a.lmsw_source, 0);
}

static void cr_access_clts_and_lmsw(void **state)
{
	struct cr_access a;

	(void)state;
	a = cr_access_decode(0x20); /* clts */
	assert_int_equal(a.cr, 0);
	assert_int_equal(a.type, CR_ACCESS_CLTS);

	a = cr_access_decode(0x00010030); /* lmsw ax, ax = 1 (PE) */
	assert_int_equal(a.cr, 0);
	assert_int_equal(a.type, CR_ACCESS_LMSW);
	assert_false(a.lmsw_from_memory);
	assert_int_equal(a.lmsw_source, 0x0001);

	a = cr_access_decode(0xfff10070); /* lmsw [mem], [mem] = 0xfff1 */
	assert_int_equal(a.type, CR_ACCESS_LMSW);
	assert_true(a.lmsw_from_memory);
	assert_int_equal(a.lmsw_source, 0xfff1);
}

static void io_access_out_and_in(void **state)
{
	struct io_access a;

	(void)state;
	a = io_access_decode(0x03f80000); /* out dx, al; dx = 0x3f8 */
	assert_int_equal(a.port, 0x3f8);
	assert_int_equal(a.size, 1);
	assert_false(a.in);
	assert_false(a.string);
	assert_false(a.rep);
	assert_false(a.immediate);

	a = io_access_decode(0x03f80001); /* out dx, ax */
	assert_int_equal(a.size, 2);
	a = io_access_decode(0x0cfc0003); /* out dx, eax; PCI data */
	assert_int_equal(a.size, 4);
	assert_int_equal(a.port, 0xcfc);

	a = io_access_decode(0x03fd0008); /* in al, dx; dx = 0x3fd (LSR) */
	assert_int_equal(a.port, 0x3fd);
	assert_int_equal(a.size, 1);
	assert_true(a.in);
	assert_false(a.immediate);

	a = io_access_decode(0x00600048); /* in al, 0x60 */
	assert_int_equal(a.port, 0x60);
	assert_true(a.in);
	assert_true(a.immediate);

	a = io_access_decode(0xffffffff80000000ull);
	assert_int_equal(a.port, 0x8000); /* bits 63:32 ignored */
}

static void io_access_string_and_rep(void **state)
{
	struct io_access a;

	(void)state;
	a = io_access_decode(0x03f80030); /* rep outsb; dx = 0x3f8 */
	assert_int_equal(a.port, 0x3f8);
	assert_int_equal(a.size, 1);
	assert_false(a.in);
	assert_true(a.string);
	assert_true(a.rep);

	a = io_access_decode(0x01f00039); /* rep insw; dx = 0x1f0 (ATA) */
	assert_int_equal(a.port, 0x1f0);
	assert_int_equal(a.size, 2);
	assert_true(a.in);
	assert_true(a.string);
	assert_true(a.rep);

	a = io_access_decode(0x0000001b); /* insd; dx = 0 */
	assert_int_equal(a.port, 0);
	assert_int_equal(a.size, 4);
	assert_true(a.string);
	assert_false(a.rep);
}

static void ept_violation_fields(void **state)
{
	struct ept_violation v;

	(void)state;
	v = ept_violation_decode(0x182); /* write, page not present */
	assert_false(v.read);
	assert_true(v.write);
	assert_false(v.fetch);
	assert_false(v.was_readable || v.was_writable || v.was_executable);
	assert_true(v.linear_valid);
	assert_true(v.caused_by_translation);
	assert_false(v.nmi_unblocking);

	v = ept_violation_decode(0x184); /* fetch, not present */
	assert_true(v.fetch);
	assert_false(v.read || v.write);

	v = ept_violation_decode(0x1ab); /* write to an r-x page */
	assert_true(v.read && v.write);
	assert_true(v.was_readable);
	assert_false(v.was_writable);
	assert_true(v.was_executable);

	v = ept_violation_decode(0x81); /* read during a guest page walk */
	assert_true(v.linear_valid);
	assert_false(v.caused_by_translation);

	/* Bit 8 means nothing without bit 7. */
	v = ept_violation_decode(0x101);
	assert_false(v.linear_valid);
	assert_false(v.caused_by_translation);

	v = ept_violation_decode(0x1182);
	assert_true(v.nmi_unblocking);
}

static void describe(uint64_t qual, char *buf, size_t size)
{
	struct ept_violation v = ept_violation_decode(qual);

	ept_violation_describe(&v, buf, size);
}

static void ept_violation_in_words(void **state)
{
	char buf[128];

	(void)state;
	describe(0x182, buf, sizeof(buf));
	assert_string_equal(buf, "write to guest-physical page not mapped "
				 "[---] (at a guest-linear address)");
	describe(0x18c, buf, sizeof(buf));
	assert_string_equal(buf, "instruction fetch from a non-executable "
				 "page [r--] (at a guest-linear address)");
	describe(0x1aa, buf, sizeof(buf));
	assert_string_equal(buf, "write to a read-only page [r-x]"
				 " (at a guest-linear address)");
	describe(0x81, buf, sizeof(buf));
	assert_string_equal(buf, "read from guest-physical page not mapped "
				 "[---] (guest page-table walk)");
	describe(0x1011, buf, sizeof(buf));
	assert_string_equal(buf, "read from a non-readable page [-w-], "
				 "NMI unblocked by IRET");
	describe(0x3b, buf, sizeof(buf)); /* allowed: some other cause */
	assert_string_equal(buf, "read and write to a page that allows it "
				 "[rwx]");
	describe(0x182, buf, 9); /* truncated, still terminated */
	assert_string_equal(buf, "write to");
}

static void error_code_vectors(void **state)
{
	(void)state;
	for (unsigned int v = 0; v < 32; v++) {
		bool want =
			v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21;

		assert_int_equal(exception_has_error_code(v), want);
	}
	assert_false(exception_has_error_code(256 + EXC_GP));
}

static void injecting_hardware_exceptions(void **state)
{
	(void)state;
	assert_int_equal(intr_info_hardware_exception(EXC_GP), 0x80000b0d);
	assert_int_equal(intr_info_hardware_exception(EXC_PF), 0x80000b0e);
	assert_int_equal(intr_info_hardware_exception(EXC_DF), 0x80000b08);
	assert_int_equal(intr_info_hardware_exception(EXC_CP), 0x80000b15);
	assert_int_equal(intr_info_hardware_exception(EXC_UD), 0x80000306);
	assert_int_equal(intr_info_hardware_exception(EXC_DE), 0x80000300);
	assert_int_equal(intr_info_hardware_exception(EXC_MC), 0x80000312);
}

static void decoding_interruption_information(void **state)
{
	struct intr_info i;

	(void)state;
	i = intr_info_decode(0x80000b0e); /* #PF with error code */
	assert_true(i.valid);
	assert_int_equal(i.vector, EXC_PF);
	assert_int_equal(i.type, INTR_TYPE_HARDWARE_EXCEPTION);
	assert_true(i.has_error_code);
	assert_false(i.nmi_unblocking);

	i = intr_info_decode(0x80000020); /* external interrupt 0x20 */
	assert_int_equal(i.type, INTR_TYPE_EXTERNAL);
	assert_int_equal(i.vector, 0x20);
	assert_false(i.has_error_code);

	i = intr_info_decode(0x80000202);
	assert_int_equal(i.type, INTR_TYPE_NMI);
	assert_int_equal(i.vector, EXC_NMI);

	i = intr_info_decode(0x80000603); /* int3 */
	assert_int_equal(i.type, INTR_TYPE_SOFTWARE_EXCEPTION);
	assert_int_equal(i.vector, EXC_BP);

	i = intr_info_decode(0x80000480); /* int 0x80 */
	assert_int_equal(i.type, INTR_TYPE_SOFTWARE_INTERRUPT);
	assert_int_equal(i.vector, 0x80);

	i = intr_info_decode(0x80000501); /* int1 (icebp) */
	assert_int_equal(i.type, INTR_TYPE_PRIVILEGED_SOFTWARE_EXCEPTION);

	i = intr_info_decode(0x80001b0d); /* #GP during IRET from an NMI */
	assert_true(i.nmi_unblocking);
	assert_true(i.has_error_code);
	assert_int_equal(i.vector, EXC_GP);

	i = intr_info_decode(0x00000b0e);
	assert_false(i.valid);

	i = intr_info_decode(intr_info_hardware_exception(EXC_AC));
	assert_true(i.valid);
	assert_int_equal(i.vector, EXC_AC);
	assert_true(i.has_error_code);
}

static void exception_names(void **state)
{
	(void)state;
	assert_string_equal(exception_name(EXC_GP), "#GP");
	assert_string_equal(exception_name(EXC_DE), "#DE");
	assert_string_equal(exception_name(EXC_NMI), "NMI");
	assert_string_equal(exception_name(EXC_PF), "#PF");
	assert_string_equal(exception_name(EXC_XM), "#XM");
	assert_string_equal(exception_name(EXC_CP), "#CP");
	assert_null(exception_name(9));
	assert_null(exception_name(15));
	assert_null(exception_name(22));
	assert_null(exception_name(31));
	assert_null(exception_name(0x80));
	assert_null(exception_name(~0u));
}

/* Table 28-6: offset in bits 11:0, access type in bits 15:12. */
static void apic_access_fields(void **state)
{
	(void)state;
	struct apic_access a = apic_access_decode(0x10b0);

	assert_int_equal(a.offset, 0x0b0);
	assert_int_equal(a.type, APIC_ACCESS_LINEAR_WRITE);
	a = apic_access_decode(0xfffff390);
	assert_int_equal(a.offset, 0x390);
	assert_int_equal(a.type, APIC_ACCESS_PHYSICAL_FETCH);
	assert_string_equal(apic_access_type_text(APIC_ACCESS_LINEAR_READ),
			    "data read");
	assert_string_equal(apic_access_type_text((enum apic_access_type)5),
			    "access of a reserved type");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cr_access_mov_to_and_from),
		cmocka_unit_test(cr_access_clts_and_lmsw),
		cmocka_unit_test(io_access_out_and_in),
		cmocka_unit_test(io_access_string_and_rep),
		cmocka_unit_test(ept_violation_fields),
		cmocka_unit_test(apic_access_fields),
		cmocka_unit_test(ept_violation_in_words),
		cmocka_unit_test(error_code_vectors),
		cmocka_unit_test(injecting_hardware_exceptions),
		cmocka_unit_test(decoding_interruption_information),
		cmocka_unit_test(exception_names),
	};

	return cmocka_run_group_tests_name("exit_qual", tests, NULL, NULL);
}
