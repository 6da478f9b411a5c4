/* Capability reading and decoding against captured CPUs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cpu_fixtures.h"
#include "host_platform.h"
#include "vmx/vmx_caps.h"
#include "vmx/vmx_controls.h"
#include "x86/msr.h"

static void reads_true_controls_when_basic_bit55_set(void **state)
{
	struct vmx_caps c;
	struct cpu_ops ops = fixture_ops(&bochs_skylake_x);

	(void)state;
	vmx_caps_read(&c, &ops);
	assert_int_equal(bochs_skylake_x.bad_read, 0);
	assert_true(c.cpuid_vmx);
	assert_string_equal(c.vendor, "GenuineIntel");
	assert_true(c.true_controls);
	assert_int_equal(c.proc, fixture_msr(&bochs_skylake_x,
					     MSR_IA32_VMX_TRUE_PROCBASED_CTLS));
	assert_true(c.has_proc2 && c.has_ept_vpid && c.has_vmfunc);
	assert_int_equal(vmx_basic_revision(c.basic), 0x2b);
	assert_int_equal(vmx_basic_vmcs_size(c.basic), 4096);
	assert_int_equal(vmx_basic_memory_type(c.basic), 6);
}

/* Without bit 55 the TRUE MSRs and, without secondary controls, 0x48B and
 * 0x48C do not exist: reading them would #GP on real hardware. */
static void never_reads_absent_msrs_without_true_controls(void **state)
{
	struct vmx_caps c;
	struct cpu_ops ops = fixture_ops(&core2_no_true_ctls);

	(void)state;
	vmx_caps_read(&c, &ops);
	assert_int_equal(core2_no_true_ctls.bad_read, 0);
	assert_false(c.true_controls);
	assert_false(c.has_proc2);
	assert_false(c.has_ept_vpid);
	assert_int_equal(c.proc, fixture_msr(&core2_no_true_ctls,
					     MSR_IA32_VMX_PROCBASED_CTLS));
	/* The legacy MSR forces CR3-load and CR3-store exiting on. */
	assert_int_equal(control_setting(c.proc, 15), CONTROL_FIXED_1);
	assert_int_equal(control_setting(c.proc, 16), CONTROL_FIXED_1);
}

static void true_controls_let_cr3_exiting_be_zero(void **state)
{
	struct vmx_caps c;
	struct cpu_ops ops = fixture_ops(&haswell_kvm);

	(void)state;
	vmx_caps_read(&c, &ops);
	assert_int_equal(haswell_kvm.bad_read, 0);
	assert_int_equal(control_setting(c.proc, 15), CONTROL_FLEXIBLE);
	assert_true(c.has_ept_vpid);
	assert_true(c.has_vmfunc);
	assert_int_equal(c.vmfunc, 1);
}

static void reads_no_msr_without_cpuid_vmx(void **state)
{
	struct vmx_caps c;
	struct cpu_ops ops = fixture_ops(&amd_no_vmx);

	(void)state;
	vmx_caps_read(&c, &ops);
	assert_false(c.cpuid_vmx);
	assert_int_equal(amd_no_vmx.reads, 0);
	assert_string_equal(c.vendor, "AuthenticAMD");
}

static void feature_control_states(void **state)
{
	(void)state;
	assert_int_equal(feature_control_state(0), FEATURE_CONTROL_UNLOCKED);
	assert_int_equal(feature_control_state(0x4), FEATURE_CONTROL_UNLOCKED);
	assert_int_equal(feature_control_state(0x5), FEATURE_CONTROL_LOCKED_ON);
	assert_int_equal(feature_control_state(0x7), FEATURE_CONTROL_LOCKED_ON);
	/* Locked, VMX only inside SMX: VMXON outside SMX would #GP. */
	assert_int_equal(feature_control_state(0x3),
			 FEATURE_CONTROL_LOCKED_OFF);
	assert_int_equal(feature_control_state(0x1),
			 FEATURE_CONTROL_LOCKED_OFF);
}

static void control_settings_decode_both_halves(void **state)
{
	uint64_t cap = 0x0000000f00000005ull; /* bits 0,2 fixed 1; 1,3 free */

	(void)state;
	assert_int_equal(control_setting(cap, 0), CONTROL_FIXED_1);
	assert_int_equal(control_setting(cap, 1), CONTROL_FLEXIBLE);
	assert_int_equal(control_setting(cap, 3), CONTROL_FLEXIBLE);
	assert_int_equal(control_setting(cap, 4), CONTROL_FIXED_0);
}

static void control_adjust_reports_missing_and_forced(void **state)
{
	uint64_t cap = 0x0000000f00000005ull;
	struct control_choice ch;

	(void)state;
	ch = control_adjust(cap, 1u << 1, 1u << 3);
	assert_int_equal(ch.value, 0xf);
	assert_int_equal(ch.missing, 0);
	assert_int_equal(ch.forced, 0x5);

	ch = control_adjust(cap, 1u << 4, 1u << 5); /* neither allowed */
	assert_int_equal(ch.value, 0x5);
	assert_int_equal(ch.missing, 1u << 4);
}

static void report_names_controls_and_settings(void **state)
{
	struct vmx_caps c;
	struct cpu_ops ops = fixture_ops(&core2_no_true_ctls);

	(void)state;
	vmx_caps_read(&c, &ops);
	host_output_reset();
	vmx_caps_report(&c);
	const char *out = host_output();

	assert_non_null(
		strstr(out, "IA32_VMX_PROCBASED_CTLS = 0x77b9fffe0401e172"));
	assert_non_null(
		strstr(out, "secondary processor-based controls: not offered"));
	assert_non_null(strstr(out, "CR3-load exiting                         "
				    "always on (fixed 1)"));
	assert_non_null(strstr(
		out, "HLT exiting                              may be 0 or 1"));
	assert_non_null(strstr(out, "EPT and VPID: not offered"));
	assert_non_null(
		strstr(out, "TRUE control MSRs (default-1 bits may be 0) no"));
	assert_non_null(strstr(out, "locked, VMXON outside SMX enabled"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_true_controls_when_basic_bit55_set),
		cmocka_unit_test(never_reads_absent_msrs_without_true_controls),
		cmocka_unit_test(true_controls_let_cr3_exiting_be_zero),
		cmocka_unit_test(reads_no_msr_without_cpuid_vmx),
		cmocka_unit_test(feature_control_states),
		cmocka_unit_test(control_settings_decode_both_halves),
		cmocka_unit_test(control_adjust_reports_missing_and_forced),
		cmocka_unit_test(report_names_controls_and_settings),
	};

	return cmocka_run_group_tests_name("vmx_caps", tests, NULL, NULL);
}
