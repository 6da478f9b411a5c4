/*
 * Issue 11 (host survival): the exit handlers that keep a hostile guest
 * from hanging or flooding the host, driven through exit_dispatch() over
 * an in-memory VMCS as in test_exit_handlers.c. Every VMCS access failure
 * (a field the handler reads that the test did not set up) fails the
 * test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../guest/hv_abi.h"
#include "cr_bits.h"
#include "exit_handlers.h"
#include "exit_qual.h"
#include "host_platform.h"
#include "vmcs.h"

#define RIP0 0x10000ull
#define NMI_INFO 0x80000202u /* valid | type 2 (NMI) | vector 2 */

static struct {
	struct vmcs_image vmcs;
	struct vcpu v;
	uint8_t *mem;
	uint64_t tsc;
} t;

static void fake_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf,
		       struct cpuid_regs *out)
{
	(void)ctx;
	*out = (struct cpuid_regs){leaf, subleaf, 0, 0};
}

static uint64_t fake_rdmsr(void *ctx, uint32_t msr)
{
	(void)ctx;
	fail_msg("a handler read host MSR 0x%x", msr);
	return 0;
}

static uint64_t fake_tsc(void)
{
	return t.tsc;
}

static const struct cpu_ops fake_cpu = {fake_cpuid, fake_rdmsr, NULL};
static const struct vcpu_ops fake_ops = {&fake_cpu, NULL, NULL, fake_tsc};

static void vmcs_failed(uint32_t enc, enum vmcs_status status, const char *what)
{
	fail_msg("%s of %s (0x%x): %s", what,
		 vmcs_field_name(enc) ? vmcs_field_name(enc) : "?", enc,
		 vmcs_status_name(status));
}

static int setup(void **state)
{
	struct vmcs_backend b;

	(void)state;
	memset(&t, 0, sizeof(t));
	t.mem = calloc(1, HV_GUEST_MEM_SIZE);
	if (!t.mem)
		return -1;
	vmcs_image_init(&t.vmcs);
	b = vmcs_image_backend(&t.vmcs);
	vmcs_set_backend(&b);
	vmcs_set_error_hook(vmcs_failed);
	t.v.name = "test";
	t.v.ops = &fake_ops;
	t.v.mem = t.mem;
	t.v.mem_size = HV_GUEST_MEM_SIZE;
	t.v.slice_ticks = 1u << 17;
	t.v.slice_budget = 400;
	t.v.timer_saved = true;
	vmcs_write(VMCS_GUEST_RIP, RIP0);
	vmcs_write(VMCS_GUEST_RFLAGS, 0x2);
	vmcs_write(VMCS_GUEST_INTERRUPTIBILITY_STATE, 0);
	vmcs_write(VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS, 0);
	vmcs_write(VMCS_EXIT_INTERRUPTION_INFO, 0);
	vmcs_write(VMCS_IDT_VECTORING_INFO, 0);
	vmcs_write(VMCS_PREEMPTION_TIMER_VALUE, 0);
	host_output_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vmcs_set_error_hook(NULL);
	vmcs_set_backend(NULL);
	free(t.mem);
	t.mem = NULL;
	return 0;
}

static enum exit_verdict vm_exit(uint32_t reason, uint64_t qualification,
				 uint32_t length)
{
	vmcs_write(VMCS_EXIT_REASON, reason);
	vmcs_write(VMCS_EXIT_QUALIFICATION, qualification);
	vmcs_write(VMCS_EXIT_INSTRUCTION_LENGTH, length);
	return exit_dispatch(&t.v);
}

static unsigned int count_lines(const char *needle)
{
	unsigned int n = 0;

	for (const char *p = host_output(); (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* ------------------------------------------------------------------ */
/* Item 6: host NMIs print a few lines, then a count                   */

static void host_nmis_print_a_few_lines_then_one_count(void **state)
{
	(void)state;
	vmcs_write(VMCS_EXIT_INTERRUPTION_INFO, NMI_INFO);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(vm_exit(EXIT_REASON_EXCEPTION_NMI, 0, 0),
				 VERDICT_RESUME);
	assert_int_equal(t.v.result, GUEST_RUNNING);
	assert_int_equal(t.v.host_nmis, 1000);
	assert_int_equal(count_lines("host NMI during the guest; ignored"), 3);
	assert_int_equal(count_lines("further host NMIs are counted"), 1);
	host_output_reset();
	host_nmi_report(&t.v);
	assert_string_equal(host_output(),
			    "hv: guest test: 1000 host NMIs during the guest, "
			    "all ignored\n");
}

static void a_few_host_nmis_need_no_count(void **state)
{
	(void)state;
	vmcs_write(VMCS_EXIT_INTERRUPTION_INFO, NMI_INFO);
	assert_int_equal(vm_exit(EXIT_REASON_EXCEPTION_NMI, 0, 0),
			 VERDICT_RESUME);
	host_output_reset();
	host_nmi_report(&t.v);
	assert_string_equal(host_output(), "");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(host_nmis_print_a_few_lines_then_one_count),
		T(a_few_host_nmis_need_no_count),
	};
#undef T

	return cmocka_run_group_tests_name("exit_hardening", tests, NULL, NULL);
}
