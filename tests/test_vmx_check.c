/* The refusals a user sees when VT-x cannot be used. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cpu_fixtures.h"
#include "host_platform.h"
#include "vmx/vmx_caps.h"

static enum hv_status check(struct cpu_fixture *f, uint64_t feature_control)
{
	struct vmx_caps c;
	struct cpu_ops ops = fixture_ops(f);

	vmx_caps_read(&c, &ops);
	c.feature_control = feature_control;
	host_output_reset();
	return vmx_check_usable(&c);
}

static void refuses_cpu_without_vmx(void **state)
{
	(void)state;
	assert_int_equal(check(&amd_no_vmx, 0), HV_NO_VMX);
	assert_non_null(strstr(host_output(), "does not support VMX: "
					      "CPUID.1:ECX.VMX [bit 5] = 0 "
					      "(vendor AuthenticAMD"));
}

static void refuses_firmware_locked_off(void **state)
{
	(void)state;
	assert_int_equal(check(&haswell_kvm, 0x1), HV_VMX_DISABLED);
	assert_non_null(strstr(host_output(), "VT-x is disabled by the "
					      "firmware: IA32_FEATURE_CONTROL"
					      " = 0x1 is locked"));
	/* Locked with VMX allowed only inside SMX is still "off" for us. */
	assert_int_equal(check(&haswell_kvm, 0x3), HV_VMX_DISABLED);
}

static void accepts_unlocked_or_locked_on(void **state)
{
	(void)state;
	assert_int_equal(check(&bochs_skylake_x, 0x0), HV_OK);
	assert_int_equal(check(&haswell_kvm, 0x5), HV_OK);
	assert_string_equal(host_output(), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refuses_cpu_without_vmx),
		cmocka_unit_test(refuses_firmware_locked_off),
		cmocka_unit_test(accepts_unlocked_or_locked_on),
	};

	return cmocka_run_group_tests_name("vmx_check", tests, NULL, NULL);
}
