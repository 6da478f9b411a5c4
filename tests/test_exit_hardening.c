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
#include "x86/x86.h"
#include "exit/exit.h"
#include "mem/guest_memory.h"
#include "flat/flat_machine.h"
#include "vmx/exit_policy.h"
#include "exit/exit_qual.h"
#include "exit/guest_exceptions.h"
#include "exit_fixture.h"
#include "host_platform.h"
#include "exit/run_bounds.h"
#include "pc/pc.h"
#include "util.h"
#include "pc/pc_machine.h"
#include "pc/pc_run.h"
#include "vmcs/vmcs.h"
#include "vmx/vmx_controls.h"

#define RIP0 0x10000ull
#define NMI_INFO 0x80000202u /* valid | type 2 (NMI) | vector 2 */

static struct {
	struct vmcs_image vmcs;
	struct vcpu v;
	uint8_t *mem;
	uint64_t tsc;
	uint64_t dr6;		/* the fake real DR6 */
	struct pc pc;		/* the HLT tests' PC */
	unsigned int tsc_reads; /* by pc_fake_tsc */
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

static uint64_t fake_read_dr(unsigned int n)
{
	assert_int_equal(n, 6); /* only DR6 is read for a reflected #DB */
	return t.dr6;
}

static void fake_write_dr6(uint64_t value)
{
	t.dr6 = value;
}

static const struct cpu_ops fake_cpu = {fake_cpuid, fake_rdmsr, NULL};
static const struct vcpu_ops fake_ops = {
	.cpu = &fake_cpu,
	.read_tsc = fake_tsc,
	.read_dr = fake_read_dr,
	.write_dr6 = fake_write_dr6,
};

static int setup(void **state)
{
	(void)state;
	memset(&t, 0, sizeof(t));
	t.mem = exit_fixture_setup(&t.vmcs, &t.v);
	if (!t.mem)
		return -1;
	t.v.name = "test";
	t.v.ops = &fake_ops;
	t.v.slice_ticks = 1u << 17;
	t.v.slice_budget = 400;
	t.v.timer_saved = true;
	vmcs_write(VMCS_GUEST_RIP, RIP0);
	/* 64-bit code (IA-32e mode and CS.L): MOV CR operands are 64 bits
	 * (exit.c). */
	vmcs_write(VMCS_GUEST_CS_ACCESS_RIGHTS, GUEST_CODE64_ACCESS);
	vmcs_write(VMCS_GUEST_SS_ACCESS_RIGHTS, GUEST_DATA_ACCESS); /* CPL 0 */
	vmcs_write(VMCS_GUEST_IA32_EFER, EFER_LME | EFER_LMA);
	vmcs_write(VMCS_GUEST_CR0, CR0_PG | CR0_NE | CR0_ET | CR0_PE);
	vmcs_write(VMCS_GUEST_RSP, 0x1ff000);
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
	exit_fixture_teardown(&t.v);
	t.mem = NULL;
	return 0;
}

static enum exit_verdict vm_exit(uint32_t reason, uint64_t qualification,
				 uint32_t length)
{
	return exit_fixture_exit(&t.v, reason, qualification, length);
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

/* ------------------------------------------------------------------ */
/* Item 3: machine checks are the host's                               */

#define MC_INFO 0x80000312u /* valid | type 3 (exception) | vector 18 */
#define CR4_FIXED0 0x2000u  /* VMXE (Bochs) */
#define CR4_FIXED1 0x3727ffu
#define MOV_TO_CR4_FROM_RAX 0x4u /* CR 4, access type 0, register RAX */

static void machine_check_exit_stops_the_guest_for_the_host(void **state)
{
	(void)state;
	assert_true(flat_exit_policy.exception_trap_bitmap & (1u << EXC_MC));
	vmcs_write(VMCS_EXIT_INTERRUPTION_INFO, MC_INFO);
	assert_int_equal(vm_exit(EXIT_REASON_EXCEPTION_NMI, 0, 0),
			 VERDICT_STOP);
	assert_int_equal(t.v.result, GUEST_KILLED);
	assert_string_equal(t.v.why, "machine_check");
	assert_true(t.v.host_machine_check);
	assert_non_null(strstr(host_output(), "machine check during the "
					      "guest"));
	/* nothing reflected into the guest */
	assert_false(
		vmcs_image_present(&t.vmcs, VMCS_ENC_ENTRY_INTERRUPTION_INFO));
}

/* SDM 3C 27.8: basic exit reason 41 with bit 31 set. */
static void machine_check_during_vm_entry_is_the_hosts(void **state)
{
	(void)state;
	assert_int_equal(vm_exit(EXIT_REASON_FLAG_ENTRY_FAILURE |
					 EXIT_REASON_MACHINE_CHECK_EVENT,
				 0, 0),
			 VERDICT_STOP);
	assert_string_equal(t.v.why, "machine_check");
	assert_true(t.v.host_machine_check);
	assert_non_null(strstr(host_output(), "during VM entry"));
}

static void real_cr4_mce_is_the_hosts_whatever_the_guest_writes(void **state)
{
	(void)state;
	t.v.cr4_fixed0 = CR4_FIXED0;
	t.v.cr4_fixed1 = CR4_FIXED1;
	t.v.host_cr4 = CR4_PAE | CR4_MCE | CR4_VMXE;
	/* the entry value: the guest sees CR4.MCE = 0, runs with 1 */
	assert_int_equal(vcpu_real_cr4(&t.v, CR4_PAE),
			 CR4_PAE | CR4_MCE | CR4_FIXED0);
	vmcs_write(VMCS_CR4_READ_SHADOW, CR4_PAE);
	vmcs_write(VMCS_GUEST_CR4, CR4_PAE | CR4_MCE | CR4_FIXED0);
	t.v.regs.gpr[GPR_RAX] = CR4_PAE | CR4_PGE; /* MCE clear */
	assert_int_equal(vm_exit(EXIT_REASON_CR_ACCESS, MOV_TO_CR4_FROM_RAX, 3),
			 VERDICT_RESUME);
	assert_int_equal(vmcs_read(VMCS_CR4_READ_SHADOW), CR4_PAE | CR4_PGE);
	assert_int_equal(vmcs_read(VMCS_GUEST_CR4),
			 CR4_PAE | CR4_PGE | CR4_MCE | CR4_FIXED0);
	/* a host without MCE: the guest's MCE=1 stays in the shadow only */
	t.v.host_cr4 = CR4_PAE | CR4_VMXE;
	t.v.regs.gpr[GPR_RAX] = CR4_PAE | CR4_MCE;
	assert_int_equal(vm_exit(EXIT_REASON_CR_ACCESS, MOV_TO_CR4_FROM_RAX, 3),
			 VERDICT_RESUME);
	assert_int_equal(vmcs_read(VMCS_CR4_READ_SHADOW), CR4_PAE | CR4_MCE);
	assert_int_equal(vmcs_read(VMCS_GUEST_CR4), CR4_PAE | CR4_FIXED0);
}

/* ------------------------------------------------------------------ */
/* Item 2: #DB and #AC are trapped, reflected, and loops stopped       */

#define DB_INFO 0x80000301u	 /* valid | type 3 | vector 1 */
#define DB_INT1_INFO 0x80000501u /* valid | type 5 (INT1) | vector 1 */
#define AC_INFO 0x80000b11u	 /* valid | type 3 | error code | 17 */
#define INJECT_DB 0x80000301u	 /* the same, as entry information */
#define INJECT_AC 0x80000b11u
#define DR6_INIT 0xffff0ff0ull /* SDM 3B 18.2.3: DR6 at power-on */
#define SS_RING3 0xc0f3u       /* data, DPL 3: CPL 3 */

static uint32_t injected(void)
{
	if (!vmcs_image_present(&t.vmcs, VMCS_ENC_ENTRY_INTERRUPTION_INFO))
		return 0;
	return vmcs_read(VMCS_ENTRY_INTERRUPTION_INFO);
}

static void db_and_ac_trap_in_the_exception_bitmap(void **state)
{
	(void)state;
	assert_int_equal(flat_exit_policy.exception_trap_bitmap &
				 (1u << EXC_DB | 1u << EXC_AC),
			 1u << EXC_DB | 1u << EXC_AC);
}

/* A single step (BS in the qualification): the guest gets its #DB at the
 * same RIP (the trap's RIP is already past the instruction) and DR6.BS,
 * as the processor would have written it. */
static void single_step_db_is_reflected_with_dr6_bs(void **state)
{
	(void)state;
	t.dr6 = DR6_INIT | 0x3; /* stale B0, B1 from an earlier #DB */
	vmcs_write(VMCS_GUEST_DR7, 0x400);
	vmcs_write(VMCS_EXIT_INTERRUPTION_INFO, DB_INFO);
	assert_int_equal(vm_exit(EXIT_REASON_EXCEPTION_NMI, DR6_BS, 0),
			 VERDICT_RESUME);
	assert_int_equal(injected(), INJECT_DB);
	assert_int_equal(vmcs_read(VMCS_GUEST_RIP), RIP0);
	assert_int_equal(t.dr6, DR6_INIT | DR6_BS);
	assert_int_equal(t.v.result, GUEST_RUNNING);
}

/* A data breakpoint on DR2 hit: B2 replaces the B bits. */
static void breakpoint_db_sets_its_b_bit(void **state)
{
	(void)state;
	t.dr6 = DR6_INIT | 0x1;
	vmcs_write(VMCS_GUEST_DR7, 0x400);
	vmcs_write(VMCS_EXIT_INTERRUPTION_INFO, DB_INFO);
	assert_int_equal(vm_exit(EXIT_REASON_EXCEPTION_NMI, 0x4, 0),
			 VERDICT_RESUME);
	assert_int_equal(injected(), INJECT_DB);
	assert_int_equal(t.dr6, DR6_INIT | 0x4);
}

/* General detect: BD set, and DR7.GD cleared for the handler. */
static void general_detect_db_sets_bd_and_clears_gd(void **state)
{
	(void)state;
	t.dr6 = DR6_INIT;
	vmcs_write(VMCS_GUEST_DR7, 0x400 | DR7_GD);
	vmcs_write(VMCS_EXIT_INTERRUPTION_INFO, DB_INFO);
	assert_int_equal(vm_exit(EXIT_REASON_EXCEPTION_NMI, DR6_BD, 0),
			 VERDICT_RESUME);
	assert_int_equal(injected(), INJECT_DB);
	assert_int_equal(t.dr6, DR6_INIT | DR6_BD);
	assert_int_equal(vmcs_read(VMCS_GUEST_DR7), 0x400);
}

/* RTM: bit 16 of the qualification set means DR6.RTM (active low) 0. */
static void rtm_db_clears_dr6_rtm(void **state)
{
	(void)state;
	t.dr6 = DR6_INIT;
	vmcs_write(VMCS_GUEST_DR7, 0x400);
	vmcs_write(VMCS_EXIT_INTERRUPTION_INFO, DB_INFO);
	assert_int_equal(vm_exit(EXIT_REASON_EXCEPTION_NMI, DR6_RTM | 0x1, 0),
			 VERDICT_RESUME);
	assert_int_equal(t.dr6, (DR6_INIT & ~DR6_RTM) | 0x1);
}

/* INT1 goes back as a privileged software exception, with its length. */
static void int1_is_reflected_as_itself(void **state)
{
	(void)state;
	t.dr6 = DR6_INIT;
	vmcs_write(VMCS_GUEST_DR7, 0x400);
	vmcs_write(VMCS_EXIT_INTERRUPTION_INFO, DB_INT1_INFO);
	assert_int_equal(vm_exit(EXIT_REASON_EXCEPTION_NMI, 0, 1),
			 VERDICT_RESUME);
	assert_int_equal(injected(), DB_INT1_INFO);
	assert_int_equal(vmcs_read(VMCS_ENTRY_INSTRUCTION_LENGTH), 1);
}

static void ac_is_reflected_with_its_error_code(void **state)
{
	(void)state;
	vmcs_write(VMCS_EXIT_INTERRUPTION_INFO, AC_INFO);
	vmcs_write(VMCS_EXIT_INTERRUPTION_ERROR_CODE, 0);
	assert_int_equal(vm_exit(EXIT_REASON_EXCEPTION_NMI, 0, 0),
			 VERDICT_RESUME);
	assert_int_equal(injected(), INJECT_AC);
	assert_int_equal(vmcs_read(VMCS_ENTRY_EXCEPTION_ERROR_CODE), 0);
}

/* The XSA-156 shape: every #DB exit at the handler's first instruction
 * on the same IST stack. The limit'th identical one stops the guest. */
static void db_delivered_again_and_again_is_an_exception_loop(void **state)
{
	(void)state;
	t.dr6 = DR6_INIT;
	vmcs_write(VMCS_GUEST_DR7, 0x400);
	vmcs_write(VMCS_GUEST_RSP, 0x12270);
	vmcs_write(VMCS_EXIT_INTERRUPTION_INFO, DB_INFO);
	for (unsigned int n = 1; n < EXCEPTION_LOOP_LIMIT; n++)
		assert_int_equal(vm_exit(EXIT_REASON_EXCEPTION_NMI, 0x1, 0),
				 VERDICT_RESUME);
	assert_int_equal(vm_exit(EXIT_REASON_EXCEPTION_NMI, 0x1, 0),
			 VERDICT_STOP);
	assert_int_equal(t.v.result, GUEST_KILLED);
	assert_string_equal(t.v.why, "exception_loop");
	assert_non_null(strstr(host_output(), "#DB delivered 64 times in a "
					      "row at RIP 0x10000"));
}

/* The CVE-2015-5307 shape: #AC raised by the delivery of the #AC the VMM
 * injected (IDT-vectoring information names it). Alignment checks are a
 * CPL 3 matter, so the first #AC, an instruction's, is not counted; each
 * delivery that raises it again is, at whatever CPL. */
static void ac_raised_by_its_own_delivery_is_an_exception_loop(void **state)
{
	(void)state;
	vmcs_write(VMCS_GUEST_SS_ACCESS_RIGHTS, SS_RING3);
	vmcs_write(VMCS_GUEST_RSP, 0x1fff01);
	vmcs_write(VMCS_EXIT_INTERRUPTION_INFO, AC_INFO);
	vmcs_write(VMCS_EXIT_INTERRUPTION_ERROR_CODE, 0);
	assert_int_equal(vm_exit(EXIT_REASON_EXCEPTION_NMI, 0, 0),
			 VERDICT_RESUME);
	vmcs_write(VMCS_IDT_VECTORING_INFO, AC_INFO);
	vmcs_write(VMCS_IDT_VECTORING_ERROR_CODE, 0);
	for (unsigned int n = 1; n < EXCEPTION_LOOP_LIMIT; n++)
		assert_int_equal(vm_exit(EXIT_REASON_EXCEPTION_NMI, 0, 0),
				 VERDICT_RESUME);
	assert_int_equal(vm_exit(EXIT_REASON_EXCEPTION_NMI, 0, 0),
			 VERDICT_STOP);
	assert_string_equal(t.v.why, "exception_loop");
}

/* Progress in between (a single-stepped loop over two instructions)
 * never adds up to a loop. */
static void db_at_moving_rips_is_no_loop(void **state)
{
	(void)state;
	t.dr6 = DR6_INIT;
	vmcs_write(VMCS_GUEST_DR7, 0x400);
	vmcs_write(VMCS_EXIT_INTERRUPTION_INFO, DB_INFO);
	for (unsigned int n = 0; n < 4 * EXCEPTION_LOOP_LIMIT; n++) {
		vmcs_write(VMCS_GUEST_RIP, RIP0 + (n & 1) * 2);
		assert_int_equal(vm_exit(EXIT_REASON_EXCEPTION_NMI, DR6_BS, 0),
				 VERDICT_RESUME);
	}
	assert_int_equal(t.v.result, GUEST_RUNNING);
}

/* Review G3: a user process that single-steps "1: jmp 1b" (ptrace, or TF
 * with a SIGTRAP handler) exits with #DB at the same RIP and RSP every
 * time, its kernel's exits in between; it never adds up to a loop, and
 * every #DB goes to the guest. */
static void user_mode_single_step_is_no_exception_loop(void **state)
{
	(void)state;
	t.dr6 = DR6_INIT;
	vmcs_write(VMCS_GUEST_DR7, 0x400);
	for (unsigned int n = 0; n < 4 * EXCEPTION_LOOP_LIMIT; n++) {
		vmcs_write(VMCS_GUEST_SS_ACCESS_RIGHTS, SS_RING3);
		vmcs_write(VMCS_GUEST_RIP, 0x401000);
		vmcs_write(VMCS_GUEST_RSP, 0x7ffff000);
		vmcs_write(VMCS_EXIT_INTERRUPTION_INFO, DB_INFO);
		vmcs_write(VMCS_ENTRY_INTERRUPTION_INFO, 0);
		assert_int_equal(vm_exit(EXIT_REASON_EXCEPTION_NMI, DR6_BS, 0),
				 VERDICT_RESUME);
		assert_int_equal(injected(), INJECT_DB);
		/* the kernel's SIGTRAP work: a CPUID exit at CPL 0 */
		vmcs_write(VMCS_GUEST_SS_ACCESS_RIGHTS, GUEST_DATA_ACCESS);
		vmcs_write(VMCS_GUEST_RIP, 0xffffffff81000000ull);
		t.v.regs.gpr[GPR_RAX] = 0;
		assert_int_equal(vm_exit(EXIT_REASON_CPUID, 0, 2),
				 VERDICT_RESUME);
	}
	assert_int_equal(t.v.result, GUEST_RUNNING);
}

/* Review G3: a SIGBUS handler that returns into the same misaligned
 * access with AC set: #AC at CPL 3, not raised by a delivery. */
static void user_mode_ac_is_no_exception_loop(void **state)
{
	(void)state;
	vmcs_write(VMCS_GUEST_SS_ACCESS_RIGHTS, SS_RING3);
	vmcs_write(VMCS_GUEST_RIP, 0x401000);
	vmcs_write(VMCS_GUEST_RSP, 0x7ffff000);
	vmcs_write(VMCS_EXIT_INTERRUPTION_INFO, AC_INFO);
	vmcs_write(VMCS_EXIT_INTERRUPTION_ERROR_CODE, 0);
	for (unsigned int n = 0; n < 4 * EXCEPTION_LOOP_LIMIT; n++)
		assert_int_equal(vm_exit(EXIT_REASON_EXCEPTION_NMI, 0, 0),
				 VERDICT_RESUME);
	assert_int_equal(t.v.result, GUEST_RUNNING);
	assert_int_equal(injected(), INJECT_AC);
}

/* ------------------------------------------------------------------ */
/* Item 1: runs bounded by host time and exits; MONITOR/MWAIT trapped  */

#define CPUID_EXIT_LEN 2

/* 400 slices of 2^17 ticks at rate 0 (Bochs): 52 Mi TSC ticks of guest
 * time, so 104 Mi of host time; at rate 5 (hardware) 32 times that. */
static void bounds_follow_the_slice_budget(void **state)
{
	struct run_bounds b;

	(void)state;
	run_bounds_choose(1u << 17, 400, 0, 50000000, &b);
	assert_int_equal(b.tsc_ticks, 2ull * 400 * (1u << 17));
	assert_int_equal(b.exits, 400ull * RUN_EXITS_PER_SLICE);
	/* 104857600 / 50 MHz = 2.1 s, rounded up, plus the margin */
	assert_int_equal(b.firmware_watchdog_s,
			 3 + RUN_FIRMWARE_WATCHDOG_MARGIN_S);
	run_bounds_choose(1u << 17, 50, 5, 3000000000ull, &b);
	assert_int_equal(b.tsc_ticks, 2ull * 50 * (1u << 17) << 5);
	assert_int_equal(b.exits, 50ull * RUN_EXITS_PER_SLICE);
	assert_int_equal(b.firmware_watchdog_s,
			 1 + RUN_FIRMWARE_WATCHDOG_MARGIN_S);
	/* the largest budget at the largest rate saturates */
	run_bounds_choose(1u << 17, 1000000, 31, 3000000000ull, &b);
	assert_int_equal(b.tsc_ticks, UINT64_MAX);
	assert_int_equal(b.firmware_watchdog_s,
			 100000 + RUN_FIRMWARE_WATCHDOG_MARGIN_S);
	run_bounds_choose(1u << 17, 400, 0, 0, &b); /* rate unknown */
	assert_int_equal(b.firmware_watchdog_s,
			 RUN_FIRMWARE_WATCHDOG_DEFAULT_S);
}

static void tsc_rate_from_the_firmware_timer(void **state)
{
	(void)state;
	assert_int_equal(tsc_rate_hz(1000120, 20000), 50006000);
	assert_int_equal(tsc_rate_hz(60000000000ull, 20000), 3000000000000ull);
	assert_int_equal(tsc_rate_hz(5, 0), 0);
}

static void arm_bounds(uint64_t tsc_bound, uint64_t exit_bound)
{
	t.tsc = 1000;
	t.v.tsc_bound = tsc_bound;
	t.v.exit_bound = exit_bound;
	run_bounds_arm(&t.v, t.tsc);
}

/* The cpuid loop of guest/hostile_exit_spin.c: each exit costs host time
 * that the preemption timer never sees. Before this bound, only the
 * slices ended it. */
static void exiting_loop_is_stopped_by_host_time(void **state)
{
	unsigned int n = 0;
	enum exit_verdict r;

	(void)state;
	arm_bounds(100000, 0);
	do {
		t.tsc += 1000;
		r = vm_exit(EXIT_REASON_CPUID, 0, CPUID_EXIT_LEN);
		n++;
	} while (r == VERDICT_RESUME && n < 1000);
	/* The 101st exit is past the bound; the TSC is read at every
	 * RUN_TSC_CHECK_EVERY-th (16): the 112th stops the guest. */
	assert_int_equal(n, 112);
	assert_int_equal(t.v.result, GUEST_KILLED);
	assert_string_equal(t.v.why, "host_time");
	assert_non_null(strstr(host_output(), "watchdog: host-time bound: "
					      "112000 TSC ticks"));
}

/* Time spent printing the guest's lines is the console limit's. */
static void console_time_does_not_count(void **state)
{
	(void)state;
	arm_bounds(100000, 0);
	run_bounds_console_time(&t.v, 50000);
	t.tsc += 140000;
	t.v.exits = RUN_TSC_CHECK_EVERY - 1; /* the next exit reads the TSC */
	assert_int_equal(vm_exit(EXIT_REASON_CPUID, 0, CPUID_EXIT_LEN),
			 VERDICT_RESUME);
	t.tsc += 10001;
	t.v.exits = 2 * RUN_TSC_CHECK_EVERY - 1;
	assert_int_equal(vm_exit(EXIT_REASON_CPUID, 0, CPUID_EXIT_LEN),
			 VERDICT_STOP);
	assert_string_equal(t.v.why, "host_time");
}

/* A TSC that does not move still meets the exit backstop. */
static void exit_count_is_the_backstop(void **state)
{
	(void)state;
	arm_bounds(100000, 10);
	for (int i = 0; i < 10; i++)
		assert_int_equal(vm_exit(EXIT_REASON_CPUID, 0, CPUID_EXIT_LEN),
				 VERDICT_RESUME);
	assert_int_equal(vm_exit(EXIT_REASON_CPUID, 0, CPUID_EXIT_LEN),
			 VERDICT_STOP);
	assert_string_equal(t.v.why, "exit_limit");
	assert_non_null(strstr(host_output(), "watchdog: exit bound: 11 VM "
					      "exits"));
}

static void no_bounds_no_verdict(void **state)
{
	(void)state;
	t.tsc = ~0ull;
	for (int i = 0; i < 100; i++)
		assert_int_equal(vm_exit(EXIT_REASON_CPUID, 0, CPUID_EXIT_LEN),
				 VERDICT_RESUME);
}

/* CPUID hides MONITOR: both instructions exit and raise #UD. Before,
 * they ran (policy PASS), and MWAIT could stop the timer. */
static void monitor_and_mwait_raise_ud(void **state)
{
	struct exit_controls c;
	struct exit_bitmaps bm = {0};
	static uint8_t msr[4096], io_a[4096], io_b[4096];

	(void)state;
	bm.msr = msr;
	bm.io_a = io_a;
	bm.io_b = io_b;
	assert_int_equal(exit_policy_build(&flat_exit_policy, &c, &bm), 0);
	assert_int_equal(c.proc & (PROC_MWAIT_EXITING | PROC_MONITOR_EXITING),
			 PROC_MWAIT_EXITING | PROC_MONITOR_EXITING);
	assert_int_equal(vm_exit(EXIT_REASON_MWAIT, 0, 3), VERDICT_RESUME);
	assert_int_equal(injected(), 0x80000306u); /* #UD */
	assert_int_equal(vmcs_read(VMCS_GUEST_RIP), RIP0);
	vmcs_write(VMCS_ENTRY_INTERRUPTION_INFO, 0);
	assert_int_equal(vm_exit(EXIT_REASON_MONITOR, 0, 3), VERDICT_RESUME);
	assert_int_equal(injected(), 0x80000306u);
}

/* Review G7: CPUID hides the PMU, so RDPMC exits, for both policies, and
 * raises #GP(0) with RIP at the instruction; before, it passed and read
 * the host's counters. */
static void rdpmc_raises_gp(void **state)
{
	const struct exit_policy *policies[] = {&flat_exit_policy,
						&pc_exit_policy};
	static uint8_t msr[4096], io_a[4096], io_b[4096];

	(void)state;
	for (unsigned int i = 0; i < 2; i++) {
		struct exit_controls c;
		struct exit_bitmaps bm = {msr, io_a, io_b};

		assert_int_equal(exit_policy_build(policies[i], &c, &bm), 0);
		assert_int_equal(c.proc & PROC_RDPMC_EXITING,
				 PROC_RDPMC_EXITING);
	}
	t.v.regs.gpr[GPR_RCX] = 0;
	assert_int_equal(vm_exit(EXIT_REASON_RDPMC, 0, 2), VERDICT_RESUME);
	assert_int_equal(injected(), 0x80000b0du); /* #GP, error code */
	assert_int_equal(vmcs_read(VMCS_ENTRY_EXCEPTION_ERROR_CODE), 0);
	assert_int_equal(vmcs_read(VMCS_GUEST_RIP), RIP0);
	assert_int_equal(t.v.regs.gpr[GPR_RAX], 0);
}

/* ------------------------------------------------------------------ */
/* Review G5: HLT on a PC with nothing that can ever interrupt it      */

/* Each read moves time on by a tenth of a timer period below; a wait
 * that never ends fails the test instead of hanging it. */
#define PC_HLT_MAX_TSC_READS 100000u

static uint64_t pc_fake_tsc(void)
{
	if (++t.tsc_reads > PC_HLT_MAX_TSC_READS)
		fail_msg("HLT still waiting after %u TSC reads", t.tsc_reads);
	return t.tsc += 100;
}

static const struct vcpu_ops pc_ops = {
	.cpu = &fake_cpu,
	.read_tsc = pc_fake_tsc,
};

/* A PC guest halted with interrupts on and a periodic timer of 1000
 * ticks, vector 0xEF. */
static void pc_halted_with_a_periodic_timer(void)
{
	struct lapic *l = &t.pc.lapic;

	t.v.ops = &pc_ops;
	t.v.machine = &pc_machine;
	t.v.machine_state = &t.pc;
	pc_init(&t.pc, &t.v, 1000000, 5, 0, 0);
	vmcs_write(VMCS_GUEST_RFLAGS, RFLAGS_FIXED1 | RFLAGS_IF);
	assert_true(lapic_write(l, X2APIC_SVR, LAPIC_SVR_ENABLE | 0xff, 0));
	assert_true(lapic_write(l, X2APIC_TIMER_DIVIDE, 0xb, 0));
	assert_true(lapic_write(l, X2APIC_LVT_TIMER,
				(LAPIC_TIMER_PERIODIC << 17) | 0xef, 0));
	assert_true(lapic_write(l, X2APIC_TIMER_INITIAL, 1000, 0));
}

/* The PC's CPU, before the guest touches its APIC. */
static void pc_guest(void)
{
	t.v.ops = &pc_ops;
	t.v.machine = &pc_machine;
	t.v.machine_state = &t.pc;
	t.v.maxphyaddr = 39;
	t.v.cr0_fixed0 = CR0_NE; /* with unrestricted guest: PE, PG free */
	t.v.cr0_fixed1 = 0xffffffff;
	pc_init(&t.pc, &t.v, 1000000, 5, 0, 0);
}

/* Review G6: a PC guest that turns on 32-bit PAE paging (EFER.LME
 * clear) by MOV to CR0 gets its four PDPTEs from the table at CR3, as
 * the CPU loads them (SDM 3A 4.4.1); VM entry with EPT takes them from
 * the VMCS. Before the fix the fields were never written. A present
 * PDPTE with a reserved bit: #GP(0), and CR0 stays. */
#define PDPT_GPA 0x5000u
static void pae_paging_loads_the_pdptes(void **state)
{
	(void)state;
	pc_guest();
	vmcs_write(VMCS_GUEST_IA32_EFER, 0);
	vmcs_write(VMCS_CR0_READ_SHADOW, CR0_PE | CR0_ET);
	vmcs_write(VMCS_CR4_READ_SHADOW, CR4_PAE);
	vmcs_write(VMCS_GUEST_CR3, PDPT_GPA | 0x18); /* bits 4:3 ignored */
	put_le(t.mem + PDPT_GPA, 8, 0x6001);	     /* present */
	put_le(t.mem + PDPT_GPA + 8, 8, 0x20);	     /* not present: any */
	put_le(t.mem + PDPT_GPA + 16, 8, 0x7001);
	put_le(t.mem + PDPT_GPA + 24, 8, 0);
	t.v.regs.gpr[GPR_RAX] = CR0_PG | CR0_PE | CR0_ET;
	assert_int_equal(vm_exit(EXIT_REASON_CR_ACCESS, 0, 3), VERDICT_RESUME);
	assert_int_equal(injected(), 0);
	assert_true(vmcs_read(VMCS_CR0_READ_SHADOW) & CR0_PG);
	assert_int_equal(vmcs_read(VMCS_GUEST_PDPTE0), 0x6001);
	assert_int_equal(vmcs_read(VMCS_GUEST_PDPTE1), 0x20);
	assert_int_equal(vmcs_read(VMCS_GUEST_PDPTE2), 0x7001);
	assert_int_equal(vmcs_read(VMCS_GUEST_PDPTE3), 0);

	/* Paging off again, and a present entry with reserved bit 5. */
	vmcs_write(VMCS_CR0_READ_SHADOW, CR0_PE | CR0_ET);
	put_le(t.mem + PDPT_GPA + 24, 8, 0x8021);
	vmcs_write(VMCS_GUEST_RIP, RIP0);
	assert_int_equal(vm_exit(EXIT_REASON_CR_ACCESS, 0, 3), VERDICT_RESUME);
	assert_int_equal(injected(), 0x80000b0du); /* #GP(0) */
	assert_false(vmcs_read(VMCS_CR0_READ_SHADOW) & CR0_PG);
	assert_int_equal(vmcs_read(VMCS_GUEST_RIP), RIP0);
}

/* APIC virtualization's three exits on the PC (handle_mmio.c): an
 * APIC-write exit is trap-like (RIP stays where the CPU left it) and the
 * model takes the value the CPU put in the page; an EOI-induced exit
 * passes a level-triggered vector's EOI on; an APIC-write while the APIC
 * is not in xAPIC mode, or an APIC access that is no data access, stops
 * the guest and says where. */
static void apic_virtualization_exits_on_the_pc(void **state)
{
	struct lapic *l = &t.pc.lapic;

	(void)state;
	pc_guest();
	t.pc.apic_mode = PC_APIC_XAPIC;
	lapic_set_xapic(l, true);
	vmcs_write(VMCS_GUEST_RIP, RIP0);
	l->page[0x350 / 4] = 0xffffffffu; /* LINT0 */
	assert_int_equal(vm_exit(EXIT_REASON_APIC_WRITE, 0x350, 0),
			 VERDICT_RESUME);
	assert_int_equal(lapic_reg(l, 0x350), 0x0001a7ff);
	assert_int_equal(vmcs_read(VMCS_GUEST_RIP), RIP0);
	assert_int_equal(t.pc.apic_writes, 1);

	lapic_deliver(l, 0x31, true);
	lapic_accept(l, 0x31);
	assert_int_equal(vm_exit(EXIT_REASON_VIRTUALIZED_EOI, 0x31, 0),
			 VERDICT_RESUME);
	assert_int_equal(lapic_take_level_eoi(l), 0x31);

	/* 3: a linear access during event delivery */
	assert_int_equal(vm_exit(EXIT_REASON_APIC_ACCESS, 0x3080, 0),
			 VERDICT_STOP);
	assert_string_equal(t.v.why, "apic_access");
	assert_non_null(strstr(host_output(),
			       "APIC access: access during event delivery at "
			       "guest-physical 0xfee00080"));

	t.v.result = GUEST_RUNNING;
	t.pc.apic_mode = PC_APIC_X2APIC;
	assert_int_equal(vm_exit(EXIT_REASON_APIC_WRITE, 0x300, 0),
			 VERDICT_STOP);
	assert_string_equal(t.v.why, "apic_access");
	assert_non_null(strstr(host_output(), "data write at guest-physical "
					      "0xfee00300"));
}

/* Review G10, decided: the PC has no hypercalls (docs/linux-guest.md):
 * VMCALL is #UD, as on a PC without VMX, at CPL 0 too. */
static void vmcall_on_the_pc_is_ud(void **state)
{
	(void)state;
	pc_guest();
	t.v.regs.gpr[GPR_RAX] = 1; /* HV_HC_EXIT of the flat guests' ABI */
	assert_int_equal(vm_exit(EXIT_REASON_VMCALL, 0, 3), VERDICT_RESUME);
	assert_int_equal(injected(), 0x80000306u); /* #UD */
	assert_int_equal(t.v.result, GUEST_RUNNING);
	assert_int_equal(vmcs_read(VMCS_GUEST_RIP), RIP0);
}

/* The timer's interrupt ends the wait: HLT resumes, past the HLT. */
static void hlt_waits_for_the_timer(void **state)
{
	(void)state;
	pc_halted_with_a_periodic_timer();
	assert_int_equal(vm_exit(EXIT_REASON_HLT, 0, 1), VERDICT_RESUME);
	assert_int_equal(lapic_pending(&t.pc.lapic), 0xef);
	assert_int_equal(vmcs_read(VMCS_GUEST_RIP), RIP0 + 1);
	assert_int_equal(t.v.result, GUEST_RUNNING);
}

/* Masked, or held back by TPR, the armed timer can never end the wait:
 * the run ends as with no timer at all, instead of waiting for ever. */
static void hlt_with_a_timer_that_cannot_interrupt_is_halted_forever(
	void **state)
{
	(void)state;
	pc_halted_with_a_periodic_timer();
	assert_true(lapic_write(
		&t.pc.lapic, X2APIC_LVT_TIMER,
		LAPIC_LVT_MASKED | (LAPIC_TIMER_PERIODIC << 17) | 0xef, 0));
	assert_int_equal(vm_exit(EXIT_REASON_HLT, 0, 1), VERDICT_STOP);
	assert_int_equal(t.v.result, GUEST_KILLED);
	assert_string_equal(t.v.why, "halted_forever");
	assert_int_not_equal(lapic_next_event(&t.pc.lapic), 0); /* armed */
}

static void hlt_with_tpr_above_the_timer_is_halted_forever(void **state)
{
	(void)state;
	pc_halted_with_a_periodic_timer();
	lapic_set_cr8(&t.pc.lapic, 0xf);
	assert_int_equal(vm_exit(EXIT_REASON_HLT, 0, 1), VERDICT_STOP);
	assert_string_equal(t.v.why, "halted_forever");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(host_nmis_print_a_few_lines_then_one_count),
		T(a_few_host_nmis_need_no_count),
		T(machine_check_exit_stops_the_guest_for_the_host),
		T(machine_check_during_vm_entry_is_the_hosts),
		T(real_cr4_mce_is_the_hosts_whatever_the_guest_writes),
		T(db_and_ac_trap_in_the_exception_bitmap),
		T(single_step_db_is_reflected_with_dr6_bs),
		T(breakpoint_db_sets_its_b_bit),
		T(general_detect_db_sets_bd_and_clears_gd),
		T(rtm_db_clears_dr6_rtm),
		T(int1_is_reflected_as_itself),
		T(ac_is_reflected_with_its_error_code),
		T(db_delivered_again_and_again_is_an_exception_loop),
		T(ac_raised_by_its_own_delivery_is_an_exception_loop),
		T(db_at_moving_rips_is_no_loop),
		T(user_mode_single_step_is_no_exception_loop),
		T(user_mode_ac_is_no_exception_loop),
		T(bounds_follow_the_slice_budget),
		T(tsc_rate_from_the_firmware_timer),
		T(exiting_loop_is_stopped_by_host_time),
		T(console_time_does_not_count),
		T(exit_count_is_the_backstop),
		T(no_bounds_no_verdict),
		T(monitor_and_mwait_raise_ud),
		T(rdpmc_raises_gp),
		T(hlt_waits_for_the_timer),
		T(pae_paging_loads_the_pdptes),
		T(vmcall_on_the_pc_is_ud),
		T(apic_virtualization_exits_on_the_pc),
		T(hlt_with_a_timer_that_cannot_interrupt_is_halted_forever),
		T(hlt_with_tpr_above_the_timer_is_halted_forever),
	};
#undef T

	return cmocka_run_group_tests_name("exit_hardening", tests, NULL, NULL);
}
