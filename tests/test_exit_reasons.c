/*
 * Exit-reason names, the exit-reason field decoder, VM-instruction
 * error names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exit/exit_reasons.h"
#include "util.h"
#include "vmcs/vm_errors.h"

static void test_enum_values(void **state)
{
	(void)state;
	assert_int_equal(EXIT_REASON_EXCEPTION_NMI, 0);
	assert_int_equal(EXIT_REASON_TRIPLE_FAULT, 2);
	assert_int_equal(EXIT_REASON_CPUID, 10);
	assert_int_equal(EXIT_REASON_HLT, 12);
	assert_int_equal(EXIT_REASON_VMCALL, 18);
	assert_int_equal(EXIT_REASON_CR_ACCESS, 28);
	assert_int_equal(EXIT_REASON_IO_INSTRUCTION, 30);
	assert_int_equal(EXIT_REASON_MSR_READ, 31);
	assert_int_equal(EXIT_REASON_MSR_WRITE, 32);
	assert_int_equal(EXIT_REASON_INVALID_GUEST_STATE, 33);
	assert_int_equal(EXIT_REASON_MSR_LOAD_FAIL, 34);
	assert_int_equal(EXIT_REASON_MACHINE_CHECK_EVENT, 41);
	assert_int_equal(EXIT_REASON_EPT_VIOLATION, 48);
	assert_int_equal(EXIT_REASON_EPT_MISCONFIG, 49);
	assert_int_equal(EXIT_REASON_PREEMPTION_TIMER, 52);
	assert_int_equal(EXIT_REASON_XSETBV, 55);
	assert_int_equal(EXIT_REASON_PCONFIG, 65);
	assert_int_equal(EXIT_REASON_BUS_LOCK, 74);
	assert_int_equal(EXIT_REASON_INSTRUCTION_TIMEOUT, 75);
	assert_int_equal(EXIT_REASON_TDCALL, 77);
	assert_int_equal(EXIT_REASON_COUNT, 78);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(exit_reason_name(0), "exception_nmi");
	assert_string_equal(exit_reason_name(1), "external_interrupt");
	assert_string_equal(exit_reason_name(3), "init_signal");
	assert_string_equal(exit_reason_name(6), "other_smi");
	assert_string_equal(exit_reason_name(10), "cpuid");
	assert_string_equal(exit_reason_name(26), "vmxoff");
	assert_string_equal(exit_reason_name(33), "invalid_guest_state");
	assert_string_equal(exit_reason_name(34), "msr_load_fail");
	assert_string_equal(exit_reason_name(37), "monitor_trap_flag");
	assert_string_equal(exit_reason_name(41), "machine_check_event");
	assert_string_equal(exit_reason_name(43), "tpr_below_threshold");
	assert_string_equal(exit_reason_name(45), "virtualized_eoi");
	assert_string_equal(exit_reason_name(46), "gdtr_idtr");
	assert_string_equal(exit_reason_name(47), "ldtr_tr");
	assert_string_equal(exit_reason_name(49), "ept_misconfig");
	assert_string_equal(exit_reason_name(52), "preemption_timer");
	assert_string_equal(exit_reason_name(62), "pml_full");
	assert_string_equal(exit_reason_name(66), "spp_event");
	assert_string_equal(exit_reason_name(72), "enqcmd");
	assert_string_equal(exit_reason_name(73), "enqcmds");
	assert_string_equal(exit_reason_name(74), "bus_lock");
	assert_string_equal(exit_reason_name(75), "instruction_timeout");
	assert_string_equal(exit_reason_description(10), "CPUID executed");
}

static void test_unknown_reasons(void **state)
{
	static const unsigned int unused[] = {35, 38,	42,	71,
					      78, 1000, 0xffff, 0xffffffffu};

	(void)state;
	for (size_t i = 0; i < COUNT_OF(unused); i++) {
		assert_null(exit_reason_name(unused[i]));
		assert_null(exit_reason_description(unused[i]));
	}
}

static void test_names_well_formed(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < EXIT_REASON_COUNT; i++) {
		const char *n = exit_reason_name(i);

		if (!n)
			continue;
		assert_non_null(exit_reason_description(i));
		assert_int_equal(strspn(n, "abcdefghijklmnopqrstuvwxyz_"),
				 strlen(n));
		for (unsigned int j = i + 1; j < EXIT_REASON_COUNT; j++)
			if (exit_reason_name(j))
				assert_string_not_equal(n, exit_reason_name(j));
	}
}

static void test_decode_entry_failure(void **state)
{
	struct exit_reason_decoded d = exit_reason_decode(0x80000021);

	(void)state;
	assert_int_equal(d.raw, 0x80000021);
	assert_int_equal(d.basic, 33);
	assert_string_equal(d.name, "invalid_guest_state");
	assert_true(d.entry_failure);
	assert_false(d.from_vmx_root);
	assert_false(d.pending_mtf);
	assert_false(d.enclave);
	assert_false(d.bus_lock);
	assert_int_equal(d.undefined_bits, 0);
}

static void test_decode_flags(void **state)
{
	struct exit_reason_decoded d;

	(void)state;
	d = exit_reason_decode(EXIT_REASON_FLAG_ENCLAVE | 48);
	assert_true(d.enclave);
	assert_string_equal(d.name, "ept_violation");
	assert_false(d.entry_failure);

	d = exit_reason_decode(EXIT_REASON_FLAG_PENDING_MTF |
			       EXIT_REASON_FLAG_FROM_VMX_ROOT | 6);
	assert_true(d.pending_mtf);
	assert_true(d.from_vmx_root);
	assert_string_equal(d.name, "other_smi");

	d = exit_reason_decode(EXIT_REASON_FLAG_BUS_LOCK | 12);
	assert_true(d.bus_lock);
	assert_string_equal(d.name, "hlt");

	d = exit_reason_decode(0x40010000 | 10);
	assert_int_equal(d.undefined_bits, 0x40010000);
	assert_int_equal(d.basic, 10);

	d = exit_reason_decode(0x1234);
	assert_null(d.name);

	/* The printable flag list covers exactly the flag bits. */
	uint32_t all = 0;

	for (size_t i = 0; i < exit_reason_flag_count; i++) {
		assert_non_null(exit_reason_flags[i].name);
		all |= exit_reason_flags[i].mask;
	}
	assert_int_equal(all, EXIT_REASON_FLAG_ENTRY_FAILURE |
				      EXIT_REASON_FLAG_FROM_VMX_ROOT |
				      EXIT_REASON_FLAG_PENDING_MTF |
				      EXIT_REASON_FLAG_ENCLAVE |
				      EXIT_REASON_FLAG_BUS_LOCK);
	assert_int_equal(all & EXIT_REASON_UNDEFINED_MASK, 0);
	assert_int_equal(all & EXIT_REASON_BASIC_MASK, 0);
}

static void test_vm_errors(void **state)
{
	(void)state;
	assert_string_equal(vm_error_name(1), "vmcall_in_vmx_root");
	assert_string_equal(vm_error_name(4), "vmlaunch_nonclear_vmcs");
	assert_string_equal(vm_error_name(5), "vmresume_nonlaunched_vmcs");
	assert_string_equal(vm_error_name(7), "entry_invalid_control");
	assert_string_equal(vm_error_name(8), "entry_invalid_host_state");
	assert_string_equal(vm_error_name(12), "unsupported_component");
	assert_string_equal(vm_error_name(13), "vmwrite_read_only");
	assert_string_equal(vm_error_name(26), "entry_blocked_by_mov_ss");
	assert_string_equal(vm_error_name(28),
			    "invalid_invept_invvpid_operand");
	assert_string_equal(vm_error_description(7),
			    "VM entry with invalid control field(s)");
	assert_int_equal(VM_ERROR_ENTRY_INVALID_HOST_STATE, 8);
	assert_int_equal(VM_ERROR_COUNT, 29);

	/* 0 is "no error"; 14, 21, 27 are reserved. */
	assert_null(vm_error_name(0));
	assert_null(vm_error_name(14));
	assert_null(vm_error_name(21));
	assert_null(vm_error_name(27));
	assert_null(vm_error_name(29));
	assert_null(vm_error_description(1000));

	for (unsigned int i = 1; i < VM_ERROR_COUNT; i++)
		if (i != 14 && i != 21 && i != 27) {
			assert_non_null(vm_error_name(i));
			assert_non_null(vm_error_description(i));
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enum_values),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_unknown_reasons),
		cmocka_unit_test(test_names_well_formed),
		cmocka_unit_test(test_decode_entry_failure),
		cmocka_unit_test(test_decode_flags),
		cmocka_unit_test(test_vm_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
