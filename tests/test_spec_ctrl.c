/* Issue 11 item 5: the speculative-isolation choice (vmm/spec_ctrl.c)
 * over CPU fixtures. Before, hv.efi flushed nothing on any of them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cpu_fixtures.h"
#include "host_platform.h"
#include "x86/msr.h"
#include "x86/spec_ctrl.h"

static struct spec_ctrl choose(struct cpu_fixture *f)
{
	struct cpu_ops ops = fixture_ops(f);
	struct spec_ctrl s;

	spec_ctrl_choose(&ops, &s);
	/* an absent MSR read would #GP on the real part */
	assert_int_equal(f->bad_read, 0);
	return s;
}

static void l1tf_part_flushes_l1d(void **state)
{
	struct spec_ctrl s = choose(&skylake_client);

	(void)state;
	assert_true(s.l1tf);
	assert_true(s.mds);
	assert_false(s.has_arch_caps);
	assert_int_equal(skylake_client.reads, 0); /* CPUID says: no MSR */
	assert_int_equal(s.flush, ENTRY_FLUSH_L1D);
	host_output_reset();
	spec_ctrl_report(&s);
	assert_non_null(strstr(host_output(), "L1D flushed before every VM "
					      "entry (IA32_FLUSH_CMD)"));
	assert_non_null(strstr(host_output(), "cleared by the L1D flush"));
}

static void unaffected_part_does_nothing(void **state)
{
	struct spec_ctrl s = choose(&cascade_lake);

	(void)state;
	assert_true(s.has_arch_caps);
	assert_int_equal(s.arch_caps, 0x2b);
	assert_false(s.l1tf);
	assert_false(s.mds);
	assert_int_equal(s.flush, ENTRY_FLUSH_NONE);
	host_output_reset();
	spec_ctrl_report(&s);
	assert_non_null(strstr(host_output(), "not affected (RDCL_NO)"));
	assert_non_null(strstr(host_output(), "not affected (MDS_NO)"));
}

static void mds_only_part_uses_verw(void **state)
{
	struct spec_ctrl s = choose(&whiskey_lake);

	(void)state;
	assert_false(s.l1tf);
	assert_true(s.mds);
	assert_int_equal(s.flush, ENTRY_FLUSH_VERW);
}

/* SKIP_L1DFL_VMENTRY: the level below flushes; VERW still for MDS. */
static void skip_l1dfl_leaves_verw_for_mds(void **state)
{
	struct spec_ctrl s = choose(&nested_skip_l1dfl);

	(void)state;
	assert_true(s.l1tf);
	assert_false(s.l1d_flush_needed);
	assert_int_equal(s.flush, ENTRY_FLUSH_VERW);
	host_output_reset();
	spec_ctrl_report(&s);
	assert_non_null(strstr(host_output(), "SKIP_L1DFL_VMENTRY"));
}

static void old_microcode_is_reported_unmitigated(void **state)
{
	struct spec_ctrl s = choose(&haswell_old_microcode);

	(void)state;
	assert_true(s.l1tf);
	assert_true(s.mds);
	assert_int_equal(s.flush, ENTRY_FLUSH_NONE);
	host_output_reset();
	spec_ctrl_report(&s);
	assert_non_null(strstr(host_output(), "NOT mitigated: no L1D_FLUSH"));
	assert_non_null(strstr(host_output(), "NOT mitigated: no MD_CLEAR"));
}

/* Bochs and the older fixtures report no leaf 7: no MSR is read. */
static void no_leaf_7_reads_no_msr(void **state)
{
	struct spec_ctrl s = choose(&bochs_skylake_x);

	(void)state;
	assert_int_equal(s.cpuid7_edx, 0);
	assert_int_equal(bochs_skylake_x.reads, 0);
	assert_int_equal(s.flush, ENTRY_FLUSH_NONE);
}

static void amd_is_not_affected(void **state)
{
	struct spec_ctrl s = choose(&amd_no_vmx);

	(void)state;
	assert_false(s.intel);
	assert_false(s.l1tf);
	assert_false(s.mds);
	assert_int_equal(amd_no_vmx.reads, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(l1tf_part_flushes_l1d),
		cmocka_unit_test(unaffected_part_does_nothing),
		cmocka_unit_test(mds_only_part_uses_verw),
		cmocka_unit_test(skip_l1dfl_leaves_verw_for_mds),
		cmocka_unit_test(old_microcode_is_reported_unmitigated),
		cmocka_unit_test(no_leaf_7_reads_no_msr),
		cmocka_unit_test(amd_is_not_affected),
	};

	return cmocka_run_group_tests_name("spec_ctrl", tests, NULL, NULL);
}
