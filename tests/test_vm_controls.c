/* Choosing the five control fields for the guest exit policy against
 * captured CPUs, and against variants of them built here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cpu_fixtures.h"
#include "flat/flat_machine.h"
#include "vmx/exit_policy.h"
#include "host_platform.h"
#include "util.h"
#include "vmx/vm_controls.h"
#include "vmx/vmx_caps.h"
#include "vmx/vmx_controls.h"
#include "x86/msr.h"

#define MAX_MSRS 32

static uint8_t msr_bitmap[EXIT_BITMAP_SIZE], io_a[EXIT_BITMAP_SIZE],
	io_b[EXIT_BITMAP_SIZE];

/* What vm_controls_choose() was given and what it chose. */
struct choice {
	struct vmx_caps caps;
	struct exit_controls policy;
	struct vm_controls out;
	enum hv_status status;
};

static void choose_for(struct cpu_fixture *f, struct choice *c)
{
	struct cpu_ops ops = fixture_ops(f);
	struct exit_bitmaps bm = {msr_bitmap, io_a, io_b};

	vmx_caps_read(&c->caps, &ops);
	assert_int_equal(f->bad_read, 0);
	assert_int_equal(exit_policy_build(&flat_exit_policy, &c->policy, &bm),
			 0);
	host_output_reset();
	memset(&c->out, 0xa5, sizeof(c->out)); /* must all be overwritten */
	c->status = vm_controls_choose(&c->caps, &c->policy, &c->out);
}

/* Every must-be-1 bit of @cap is in @value, and nothing outside its
 * allowed-1 bits (SDM 3D A.3, "VM-Execution Controls"). */
static void assert_allowed(uint32_t value, uint64_t cap, const char *field)
{
	uint32_t must_be_1 = (uint32_t)cap;
	uint32_t may_be_1 = (uint32_t)(cap >> 32);

	if ((value & must_be_1) != must_be_1)
		fail_msg("%s 0x%08x lacks must-be-1 bits 0x%08x", field, value,
			 must_be_1 & ~value);
	if (value & ~may_be_1)
		fail_msg("%s 0x%08x sets bits 0x%08x the CPU does not allow",
			 field, value, value & ~may_be_1);
}

static void assert_has(uint32_t value, uint32_t bits)
{
	assert_int_equal(value & bits, bits);
}

static void assert_full_design(const struct choice *c)
{
	assert_int_equal(c->status, HV_OK);
	assert_has(c->out.pin, PIN_EXTERNAL_INTERRUPT_EXITING |
				       PIN_NMI_EXITING |
				       PIN_ACTIVATE_PREEMPTION_TIMER);
	assert_has(c->out.proc,
		   PROC_HLT_EXITING | PROC_CR3_LOAD_EXITING |
			   PROC_CR3_STORE_EXITING | PROC_CR8_LOAD_EXITING |
			   PROC_CR8_STORE_EXITING | PROC_USE_MSR_BITMAPS |
			   PROC_USE_IO_BITMAPS |
			   PROC_ACTIVATE_SECONDARY_CONTROLS);
	/* The I/O bitmaps decide, not the unconditional control. */
	assert_int_equal(c->out.proc & PROC_UNCONDITIONAL_IO_EXITING, 0);
	assert_has(c->out.proc2, PROC2_ENABLE_EPT | PROC2_ENABLE_VPID);
	assert_has(c->out.exit,
		   EXIT_HOST_ADDRESS_SPACE_SIZE | EXIT_SAVE_IA32_EFER |
			   EXIT_LOAD_IA32_EFER | EXIT_SAVE_DEBUG_CONTROLS |
			   EXIT_SAVE_PREEMPTION_TIMER);
	assert_has(c->out.entry, ENTRY_IA32E_MODE_GUEST | ENTRY_LOAD_IA32_EFER |
					 ENTRY_LOAD_DEBUG_CONTROLS);
	assert_true(c->out.vpid);
	assert_true(c->out.save_timer);

	assert_allowed(c->out.pin, c->caps.pin, "pin");
	assert_allowed(c->out.proc, c->caps.proc, "proc");
	assert_allowed(c->out.proc2, c->caps.proc2, "proc2");
	assert_allowed(c->out.exit, c->caps.exit, "exit");
	assert_allowed(c->out.entry, c->caps.entry, "entry");
	assert_null(strstr(host_output(), "lacks"));
}

static void skylake_gets_every_control_the_design_needs(void **state)
{
	struct choice c;

	(void)state;
	choose_for(&bochs_skylake_x, &c);
	assert_full_design(&c);
	/* Bochs offers timer saving and PAT switching: both are used. */
	assert_true(c.out.save_timer);
	assert_has(c.out.exit, EXIT_SAVE_PREEMPTION_TIMER);
	assert_true(c.out.pat);
	assert_has(c.out.exit, EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT);
	assert_has(c.out.entry, ENTRY_LOAD_IA32_PAT);
}

static void haswell_gets_every_control_the_design_needs(void **state)
{
	struct choice c;

	(void)state;
	choose_for(&haswell_kvm, &c);
	assert_full_design(&c);
	assert_true(c.out.save_timer);
	assert_true(c.out.pat);
}

static void core2_is_refused_naming_what_it_lacks(void **state)
{
	struct choice c;
	const char *out;

	(void)state;
	choose_for(&core2_no_true_ctls, &c);
	out = host_output();
	assert_int_equal(c.status, HV_UNSUPPORTED);
	assert_non_null(strstr(out, "hv: this CPU lacks \"activate secondary "
				    "controls\" (primary processor-based "
				    "VM-execution controls)"));
	assert_non_null(strstr(out, "\"enable EPT\" (secondary "
				    "processor-based VM-execution controls)"));
	assert_non_null(strstr(out, "\"activate VMX-preemption timer\" "
				    "(pin-based VM-execution controls)"));
	assert_non_null(strstr(out, "\"save IA32_EFER\" (VM-exit controls)"));
	assert_non_null(strstr(out, "\"load IA32_EFER\" (VM-exit controls)"));
	assert_non_null(strstr(out, "\"load IA32_EFER\" (VM-entry controls)"));
	/* What it does have is not named. */
	assert_null(strstr(out, "HLT exiting"));
	assert_null(strstr(out, "host address-space size"));
	assert_null(strstr(out, "IA-32e mode guest"));
	/* No EPT capability MSR to judge. */
	assert_null(strstr(out, "write-back"));
}

/* A copy of the Skylake MSRs with one value replaced. */
struct variant {
	struct msr_value msrs[MAX_MSRS];
	struct cpu_fixture fixture;
};

static void skylake_variant(struct variant *v, uint32_t msr, uint64_t clear)
{
	size_t n = 0;
	bool found = false;

	for (const struct msr_value *m = bochs_skylake_x.msrs; m->index; m++) {
		assert_true(n < MAX_MSRS - 1);
		v->msrs[n] = *m;
		if (m->index == msr) {
			assert_int_not_equal(m->value & clear, 0);
			v->msrs[n].value &= ~clear;
			found = true;
		}
		n++;
	}
	assert_true(found);
	v->msrs[n] = (struct msr_value){0, 0};
	v->fixture = bochs_skylake_x;
	v->fixture.name = "skylake-variant";
	v->fixture.msrs = v->msrs;
}

/* A Skylake-X without what VPID needs here: VPID stays off, EPT on, and
 * the guest still runs, nothing named as missing. */
struct vpid_off {
	const char *name;
	uint32_t msr;	/* the capability MSR ... */
	uint64_t clear; /* ... with these bits cleared */
};

static const struct vpid_off vpid_offs[] = {
	{"no INVVPID turns VPID off", MSR_IA32_VMX_EPT_VPID_CAP,
	 VPID_CAP_INVVPID},
	{"VPID not allowed turns VPID off", MSR_IA32_VMX_PROCBASED_CTLS2,
	 (uint64_t)PROC2_ENABLE_VPID << 32},
	/* The VMM flushes one VPID at a time: all-context INVVPID alone
	 * is not enough. */
	{"no single-context INVVPID turns VPID off", MSR_IA32_VMX_EPT_VPID_CAP,
	 VPID_CAP_INVVPID_SINGLE},
};

static void vpid_off_but_still_runs(void **state)
{
	const struct vpid_off *o = *state;
	struct variant v;
	struct choice c;

	skylake_variant(&v, o->msr, o->clear);
	choose_for(&v.fixture, &c);
	assert_int_equal(c.status, HV_OK);
	assert_false(c.out.vpid);
	assert_int_equal(c.out.proc2 & PROC2_ENABLE_VPID, 0);
	assert_has(c.out.proc2, PROC2_ENABLE_EPT);
	assert_allowed(c.out.proc2, c.caps.proc2, "proc2");
	assert_null(strstr(host_output(), "lacks"));
}

/* A Skylake-X that lacks one thing the design needs: no VM entry, and
 * the missing piece named. */
struct refusal {
	const char *name;
	uint32_t msr;	/* the capability MSR ... */
	uint64_t clear; /* ... with these bits cleared */
	const char *message;
};

static const struct refusal refusals[] = {
	{"EPT without write-back paging structures is refused",
	 MSR_IA32_VMX_EPT_VPID_CAP, EPT_CAP_MEMTYPE_WB,
	 "write-back paging structures"},
	{"EPT without 4-level walks is refused", MSR_IA32_VMX_EPT_VPID_CAP,
	 EPT_CAP_WALK_LENGTH_4, "4-level page walks"},
	{"no all-context INVEPT is refused", MSR_IA32_VMX_EPT_VPID_CAP,
	 EPT_CAP_INVEPT_ALL, "all-context INVEPT"},
	/* The watchdog needs the timer's value to survive exits. */
	{"no timer saving is refused", MSR_IA32_VMX_TRUE_EXIT_CTLS,
	 (uint64_t)EXIT_SAVE_PREEMPTION_TIMER << 32,
	 "this CPU lacks \"save VMX-preemption timer value\" (VM-exit "
	 "controls), which hv needs"},
	/* The guest's DR7 and IA32_DEBUGCTL are its own, not the host's. */
	{"no load debug controls is refused", MSR_IA32_VMX_TRUE_ENTRY_CTLS,
	 (uint64_t)ENTRY_LOAD_DEBUG_CONTROLS << 32,
	 "this CPU lacks \"load debug controls\" (VM-entry controls)"},
};

static void refused_and_named(void **state)
{
	const struct refusal *r = *state;
	struct variant v;
	struct choice c;

	skylake_variant(&v, r->msr, r->clear);
	choose_for(&v.fixture, &c);
	assert_int_equal(c.status, HV_UNSUPPORTED);
	assert_non_null(strstr(host_output(), r->message));
}

/* Without "load IA32_PAT" on entry, PAT is not switched at all: neither
 * exit PAT control is left on. */
static void pat_switched_only_with_all_three_controls(void **state)
{
	struct variant v;
	struct choice c;

	(void)state;
	skylake_variant(&v, MSR_IA32_VMX_TRUE_ENTRY_CTLS,
			(uint64_t)ENTRY_LOAD_IA32_PAT << 32);
	choose_for(&v.fixture, &c);
	assert_int_equal(c.status, HV_OK);
	assert_false(c.out.pat);
	assert_int_equal(c.out.exit & (EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT),
			 0);
	assert_int_equal(c.out.entry & ENTRY_LOAD_IA32_PAT, 0);
	assert_allowed(c.out.exit, c.caps.exit, "exit");
	assert_allowed(c.out.entry, c.caps.entry, "entry");
}

#define N_REFUSALS (COUNT_OF(refusals))
#define N_VPID_OFFS (COUNT_OF(vpid_offs))
#define N_FIXED 4

/* APIC virtualization: all five controls or none. Bochs's Skylake-X
 * offers them all; without any one of them nothing is added, and the
 * guest runs with the APIC emulated at every access. */
static void apicv_all_or_nothing(void **state)
{
	struct choice c;
	struct variant v;
	uint32_t proc = 0, proc2 = 0;
	const uint32_t all2 = PROC2_VIRTUALIZE_APIC_ACCESSES |
			      PROC2_APIC_REGISTER_VIRTUALIZATION |
			      PROC2_VIRTUAL_INTERRUPT_DELIVERY;

	(void)state;
	choose_for(&bochs_skylake_x, &c);
	assert_true(vm_controls_apicv(&c.caps, &proc, &proc2));
	assert_int_equal(proc, PROC_USE_TPR_SHADOW);
	assert_int_equal(proc2, all2);
	c.policy.proc |= proc;
	c.policy.proc2 |= proc2;
	assert_int_equal(vm_controls_choose(&c.caps, &c.policy, &c.out), HV_OK);
	assert_true(c.out.apicv);
	assert_has(c.out.proc2, all2);

	skylake_variant(&v, MSR_IA32_VMX_PROCBASED_CTLS2,
			(uint64_t)PROC2_VIRTUAL_INTERRUPT_DELIVERY << 32);
	choose_for(&v.fixture, &c);
	proc = proc2 = 0;
	assert_false(vm_controls_apicv(&c.caps, &proc, &proc2));
	assert_int_equal(proc | proc2, 0);
	assert_int_equal(c.status, HV_OK);
	assert_false(c.out.apicv);
}

int main(void)
{
	struct CMUnitTest tests[N_FIXED + N_VPID_OFFS + N_REFUSALS] = {
		cmocka_unit_test(skylake_gets_every_control_the_design_needs),
		cmocka_unit_test(haswell_gets_every_control_the_design_needs),
		cmocka_unit_test(core2_is_refused_naming_what_it_lacks),
		cmocka_unit_test(pat_switched_only_with_all_three_controls),
		cmocka_unit_test(apicv_all_or_nothing),
	};
	size_t n = N_FIXED;

	for (size_t i = 0; i < N_VPID_OFFS; i++)
		tests[n++] = (struct CMUnitTest){vpid_offs[i].name,
						 vpid_off_but_still_runs, NULL,
						 NULL, (void *)&vpid_offs[i]};
	for (size_t i = 0; i < N_REFUSALS; i++)
		tests[n++] =
			(struct CMUnitTest){refusals[i].name, refused_and_named,
					    NULL, NULL, (void *)&refusals[i]};
	return cmocka_run_group_tests_name("vm_controls", tests, NULL, NULL);
}
