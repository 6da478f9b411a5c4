/*
 * The VMCS field table: every row agrees with its encoding bits, the
 * encodings are the SDM's, lookups resolve full/high/unknown encodings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"
#include "vmcs/vmcs.h"

static void test_count(void **state)
{
	(void)state;
	assert_int_equal(vmcs_field_count, VMCS_FIELD_COUNT);
	assert_true(vmcs_field_count >= 150);
}

static void test_declared_matches_decoded(void **state)
{
	(void)state;
	for (size_t i = 0; i < vmcs_field_count; i++) {
		const struct vmcs_field_info *fi = &vmcs_fields[i];

		assert_non_null(fi->name);
		assert_int_equal(fi->width, vmcs_enc_width(fi->enc));
		assert_int_equal(fi->type, vmcs_enc_type(fi->enc));
		assert_true(vmcs_enc_valid(fi->enc));
		/* Only full encodings are listed; high halves are derived. */
		assert_false(vmcs_enc_access_high(fi->enc));
		assert_int_equal(vmcs_field_pos(fi), i);
	}
}

static void test_unique_and_sorted(void **state)
{
	(void)state;
	assert_int_equal(vmcs_table_check(), -1);
	for (size_t i = 0; i < vmcs_field_count; i++)
		for (size_t j = i + 1; j < vmcs_field_count; j++) {
			assert_int_not_equal(vmcs_fields[i].enc,
					     vmcs_fields[j].enc);
			assert_string_not_equal(vmcs_fields[i].name,
						vmcs_fields[j].name);
		}
}

static void test_every_row_found(void **state)
{
	(void)state;
	for (size_t i = 0; i < vmcs_field_count; i++) {
		bool high = true;
		uint32_t enc = vmcs_fields[i].enc;

		assert_ptr_equal(vmcs_field_by_encoding(enc, &high),
				 &vmcs_fields[i]);
		assert_false(high);
		if (vmcs_fields[i].width == VMCS_WIDTH_64) {
			assert_ptr_equal(vmcs_field_by_encoding(enc | 1, &high),
					 &vmcs_fields[i]);
			assert_true(high);
		} else {
			assert_null(vmcs_field_by_encoding(enc | 1, &high));
		}
	}
}

static void test_lookup(void **state)
{
	const struct vmcs_field_info *fi;
	bool high;

	(void)state;
	fi = vmcs_field_by_encoding(0x0802, &high);
	assert_non_null(fi);
	assert_string_equal(fi->name, "GUEST_CS_SELECTOR");
	assert_false(high);

	fi = vmcs_field_by_encoding(0x2801, &high);
	assert_non_null(fi);
	assert_string_equal(fi->name, "VMCS_LINK_POINTER");
	assert_true(high);

	fi = vmcs_field_by_encoding(0x2401, &high);
	assert_non_null(fi);
	assert_string_equal(fi->name, "GUEST_PHYSICAL_ADDRESS");
	assert_true(high);

	/* High access of a 16-bit / natural field: nothing. */
	assert_null(vmcs_field_by_encoding(0x0803, &high));
	assert_false(high);
	assert_null(vmcs_field_by_encoding(0x681f, NULL));
	/* Unused index 22 of the 32-bit guest group. */
	assert_null(vmcs_field_by_encoding(0x482c, NULL));
	/* Reserved bits. */
	assert_null(vmcs_field_by_encoding(0x1802, NULL));
	assert_null(vmcs_field_by_encoding(0x8000, NULL));
	assert_null(vmcs_field_by_encoding(0x00010000, NULL));
	assert_null(vmcs_field_by_encoding(0xffffffff, NULL));

	assert_string_equal(vmcs_field_name(0x681e), "GUEST_RIP");
	assert_string_equal(vmcs_field_name(0x2011), "TSC_OFFSET");
	assert_null(vmcs_field_name(0x7000));
}

/* Values straight from SDM 3D appendix B. */
static void test_sdm_spot_checks(void **state)
{
	(void)state;
	assert_int_equal(VMCS_ENC_VPID, 0x0000);
	assert_int_equal(VMCS_ENC_GUEST_CS_SELECTOR, 0x0802);
	assert_int_equal(VMCS_ENC_HOST_TR_SELECTOR, 0x0c0c);
	assert_int_equal(VMCS_ENC_MSR_BITMAP_ADDRESS, 0x2004);
	assert_int_equal(VMCS_ENC_EPT_POINTER, 0x201a);
	assert_int_equal(VMCS_ENC_GUEST_PHYSICAL_ADDRESS, 0x2400);
	assert_int_equal(VMCS_ENC_VMCS_LINK_POINTER, 0x2800);
	assert_int_equal(VMCS_ENC_GUEST_IA32_EFER, 0x2806);
	assert_int_equal(VMCS_ENC_HOST_IA32_EFER, 0x2c02);
	assert_int_equal(VMCS_ENC_PIN_BASED_CONTROLS, 0x4000);
	assert_int_equal(VMCS_ENC_PRIMARY_PROC_BASED_CONTROLS, 0x4002);
	assert_int_equal(VMCS_ENC_EXIT_CONTROLS, 0x400c);
	assert_int_equal(VMCS_ENC_ENTRY_CONTROLS, 0x4012);
	assert_int_equal(VMCS_ENC_SECONDARY_PROC_BASED_CONTROLS, 0x401e);
	assert_int_equal(VMCS_ENC_VM_INSTRUCTION_ERROR, 0x4400);
	assert_int_equal(VMCS_ENC_EXIT_REASON, 0x4402);
	assert_int_equal(VMCS_ENC_GUEST_CS_ACCESS_RIGHTS, 0x4816);
	assert_int_equal(VMCS_ENC_GUEST_IA32_SYSENTER_CS, 0x482a);
	assert_int_equal(VMCS_ENC_PREEMPTION_TIMER_VALUE, 0x482e);
	assert_int_equal(VMCS_ENC_HOST_IA32_SYSENTER_CS, 0x4c00);
	assert_int_equal(VMCS_ENC_CR0_GUEST_HOST_MASK, 0x6000);
	assert_int_equal(VMCS_ENC_EXIT_QUALIFICATION, 0x6400);
	assert_int_equal(VMCS_ENC_GUEST_RIP, 0x681e);
	assert_int_equal(VMCS_ENC_GUEST_RFLAGS, 0x6820);
	assert_int_equal(VMCS_ENC_HOST_RIP, 0x6c16);

	/* The typed constants carry the same encodings. */
	assert_int_equal(VMCS_GUEST_CS_SELECTOR.enc, 0x0802);
	assert_int_equal(VMCS_EPT_POINTER.enc, 0x201a);
	assert_int_equal(VMCS_EXIT_REASON.enc, 0x4402);
	assert_int_equal(VMCS_HOST_RIP.enc, 0x6c16);
}

static const struct vmcs_field_info *by_name(const char *name)
{
	for (size_t i = 0; i < vmcs_field_count; i++)
		if (!strcmp(vmcs_fields[i].name, name))
			return &vmcs_fields[i];
	return NULL;
}

static void test_anomaly_notes(void **state)
{
	static const char *const noted[] = {
		"VMCS_LINK_POINTER",
		"EXIT_CONTROLS",
		"ENTRY_CONTROLS",
		"PREEMPTION_TIMER_VALUE",
		"PRIMARY_PROC_BASED_CONTROLS",
		"GUEST_PHYSICAL_ADDRESS",
		"CR3_TARGET_COUNT",
		"CR3_TARGET_VALUE0",
		"GUEST_SMBASE",
		"VM_INSTRUCTION_ERROR",
	};

	(void)state;
	for (size_t i = 0; i < COUNT_OF(noted); i++) {
		const struct vmcs_field_info *fi = by_name(noted[i]);

		assert_non_null(fi);
		assert_non_null(fi->note);
		assert_true(strlen(fi->note) > 10);
		assert_null(strchr(fi->note, '\n'));
	}
	assert_non_null(strstr(by_name("VMCS_LINK_POINTER")->note, "~0"));
	assert_non_null(strstr(by_name("PRIMARY_PROC_BASED_CONTROLS")->note,
			       "MSR bitmaps"));
	assert_null(by_name("GUEST_CS_SELECTOR")->note);
}

static void test_required_names(void **state)
{
	/* Names the VMX core uses. */
	static const char *const names[] = {
		"VPID",
		"POSTED_INTR_NOTIFICATION_VECTOR",
		"EPTP_INDEX",
		"GUEST_INTR_STATUS",
		"GUEST_PML_INDEX",
		"IO_BITMAP_A_ADDRESS",
		"IO_BITMAP_B_ADDRESS",
		"EXIT_MSR_STORE_ADDRESS",
		"EXIT_MSR_LOAD_ADDRESS",
		"ENTRY_MSR_LOAD_ADDRESS",
		"EXECUTIVE_VMCS_POINTER",
		"TSC_OFFSET",
		"GUEST_IA32_DEBUGCTL",
		"GUEST_IA32_PAT",
		"GUEST_IA32_PERF_GLOBAL_CTRL",
		"GUEST_PDPTE0",
		"GUEST_PDPTE3",
		"HOST_IA32_PAT",
		"HOST_IA32_PERF_GLOBAL_CTRL",
		"EXCEPTION_BITMAP",
		"PAGE_FAULT_ERROR_CODE_MASK",
		"PAGE_FAULT_ERROR_CODE_MATCH",
		"EXIT_MSR_STORE_COUNT",
		"EXIT_MSR_LOAD_COUNT",
		"ENTRY_MSR_LOAD_COUNT",
		"ENTRY_INTERRUPTION_INFO",
		"ENTRY_EXCEPTION_ERROR_CODE",
		"ENTRY_INSTRUCTION_LENGTH",
		"TPR_THRESHOLD",
		"PLE_GAP",
		"PLE_WINDOW",
		"EXIT_INTERRUPTION_INFO",
		"EXIT_INTERRUPTION_ERROR_CODE",
		"IDT_VECTORING_INFO",
		"IDT_VECTORING_ERROR_CODE",
		"EXIT_INSTRUCTION_LENGTH",
		"EXIT_INSTRUCTION_INFO",
		"GUEST_GDTR_LIMIT",
		"GUEST_IDTR_LIMIT",
		"GUEST_TR_ACCESS_RIGHTS",
		"GUEST_INTERRUPTIBILITY_STATE",
		"GUEST_ACTIVITY_STATE",
		"CR4_GUEST_HOST_MASK",
		"CR0_READ_SHADOW",
		"CR4_READ_SHADOW",
		"CR3_TARGET_VALUE3",
		"IO_RCX",
		"IO_RSI",
		"IO_RDI",
		"IO_RIP",
		"GUEST_LINEAR_ADDRESS",
		"GUEST_CR0",
		"GUEST_CR3",
		"GUEST_CR4",
		"GUEST_IDTR_BASE",
		"GUEST_DR7",
		"GUEST_RSP",
		"GUEST_PENDING_DEBUG_EXCEPTIONS",
		"GUEST_IA32_SYSENTER_ESP",
		"GUEST_IA32_SYSENTER_EIP",
		"GUEST_IA32_S_CET",
		"GUEST_SSP",
		"GUEST_IA32_INTERRUPT_SSP_TABLE_ADDR",
		"HOST_CR0",
		"HOST_CR3",
		"HOST_CR4",
		"HOST_FS_BASE",
		"HOST_GS_BASE",
		"HOST_TR_BASE",
		"HOST_GDTR_BASE",
		"HOST_IDTR_BASE",
		"HOST_IA32_SYSENTER_ESP",
		"HOST_IA32_SYSENTER_EIP",
		"HOST_RSP",
	};

	(void)state;
	for (size_t i = 0; i < COUNT_OF(names); i++)
		assert_non_null(by_name(names[i]));
}

static void test_decoders(void **state)
{
	(void)state;
	assert_int_equal(vmcs_enc_width(0x482e), VMCS_WIDTH_32);
	assert_int_equal(vmcs_enc_type(0x482e), VMCS_TYPE_GUEST);
	assert_int_equal(vmcs_enc_index(0x482e), 23);
	assert_false(vmcs_enc_access_high(0x482e));
	assert_true(vmcs_enc_access_high(0x2801));
	assert_int_equal(vmcs_enc_width(0x2801), VMCS_WIDTH_64);
	assert_int_equal(vmcs_enc_width(0x6c16), VMCS_WIDTH_NATURAL);
	assert_int_equal(vmcs_enc_type(0x6c16), VMCS_TYPE_HOST);
	assert_int_equal(vmcs_enc_type(0x6400), VMCS_TYPE_EXIT_INFO);
	assert_int_equal(vmcs_enc_type(0x0000), VMCS_TYPE_CONTROL);
	assert_true(vmcs_enc_valid(0x6c1c));
	assert_false(vmcs_enc_valid(0x1000));
	assert_false(vmcs_enc_valid(0x8000));
	assert_true(vmcs_enc_well_formed(0x2801));
	assert_false(vmcs_enc_well_formed(0x0801));
	assert_int_equal(VMCS_ENC_MAKE(VMCS_WIDTH_32, VMCS_TYPE_GUEST, 23),
			 0x482e);

	assert_string_equal(vmcs_type_name(VMCS_TYPE_CONTROL), "control");
	assert_string_equal(vmcs_type_name(VMCS_TYPE_EXIT_INFO), "exit-info");
	assert_string_equal(vmcs_type_name(VMCS_TYPE_GUEST), "guest");
	assert_string_equal(vmcs_type_name(VMCS_TYPE_HOST), "host");
	assert_string_equal(vmcs_width_name(VMCS_WIDTH_16), "16");
	assert_string_equal(vmcs_width_name(VMCS_WIDTH_32), "32");
	assert_string_equal(vmcs_width_name(VMCS_WIDTH_64), "64");
	assert_string_equal(vmcs_width_name(VMCS_WIDTH_NATURAL), "natural");
	assert_int_equal(vmcs_width_bits(VMCS_WIDTH_16), 16);
	assert_int_equal(vmcs_width_bits(VMCS_WIDTH_32), 32);
	assert_int_equal(vmcs_width_bits(VMCS_WIDTH_64), 64);
	assert_int_equal(vmcs_width_bits(VMCS_WIDTH_NATURAL), 64);
	assert_int_equal(vmcs_enc_width_bits(0x4402), 32);
	assert_true(vmcs_width_max(VMCS_WIDTH_16) == 0xffff);
	assert_true(vmcs_width_max(VMCS_WIDTH_32) == 0xffffffffu);
	assert_true(vmcs_width_max(VMCS_WIDTH_NATURAL) == ~(uint64_t)0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_declared_matches_decoded),
		cmocka_unit_test(test_unique_and_sorted),
		cmocka_unit_test(test_every_row_found),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_sdm_spot_checks),
		cmocka_unit_test(test_anomaly_notes),
		cmocka_unit_test(test_required_names),
		cmocka_unit_test(test_decoders),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
