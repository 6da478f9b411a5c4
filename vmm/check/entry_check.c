/*
 * The VM-entry checker's frame: reading fields once, recording failures,
 * printing them.  The rules themselves are in entry_check_controls.c (SDM 3C
 * 27.2.1, "Checks on VMX Controls"), entry_check_host.c (27.2.2-27.2.4) and
 * entry_check_guest.c (27.3.1).
 */
#define ENTRY_CHECK_INTERNAL
#include "check/entry_check.h"

#include "print.h"
#include "vmx/vmx_controls.h"

#define RULE_ENTRY(name, id, sdm) {id, "SDM 3C " sdm},
const struct entry_check_rule entry_check_rules[] = {
	ENTRY_CHECK_RULES(RULE_ENTRY)};
#undef RULE_ENTRY
const unsigned int entry_check_rule_count = RULE_COUNT;

enum field_state {
	FIELD_NOT_READ = 0,
	FIELD_READ,
	FIELD_UNREADABLE,
};

void ec_fail(struct entry_check_ctx *c, enum entry_check_rule_id rule,
	     const char *fmt, ...)
{
	struct entry_check_report *r = c->report;

	if (r->count < ENTRY_CHECK_MAX_FAILURES) {
		struct entry_check_failure *f = &r->failures[r->count];
		va_list ap;

		f->rule = entry_check_rules[rule].id;
		f->sdm = entry_check_rules[rule].sdm;
		va_start(ap, fmt);
		hv_vsnprintf(f->message, sizeof(f->message), fmt, ap);
		va_end(ap);
	}
	r->count++;
}

bool ec_read(struct entry_check_ctx *c, uint32_t enc, uint64_t *value)
{
	const struct vmcs_field_info *fi = vmcs_field_by_encoding(enc, NULL);
	size_t pos;
	int rc;

	*value = 0;
	if (!fi) /* only VMCS_ENC_<NAME> constants come here */
		return false;
	pos = vmcs_field_pos(fi);
	if (c->state[pos] == FIELD_NOT_READ) {
		rc = vmcs_read_enc(enc, &c->value[pos]);
		c->state[pos] = rc == VMCS_OK ? FIELD_READ : FIELD_UNREADABLE;
		/* Said once, however many rules need the field. */
		if (rc != VMCS_OK)
			ec_fail(c, RULE_VMCS_UNREADABLE,
				"field %s unreadable (%s)", fi->name,
				vmcs_status_name(rc));
	}
	if (c->state[pos] != FIELD_READ)
		return false;
	*value = c->value[pos];
	return true;
}

bool ec_within_phys(const struct entry_check_ctx *c, uint64_t address)
{
	unsigned int width = c->env->maxphyaddr;

	/* CPUID.80000008H reports at most 52 bits (SDM 3A 4.1.4, "Enumeration
	 * of Paging Features by CPUID"); any other value is a caller's mistake,
	 * not a reason to flag every address. */
	if (width == 0 || width > 52)
		width = 52;
	return (address >> width) == 0;
}

void ec_check_fixed(struct entry_check_ctx *c, enum entry_check_rule_id rule,
		    const char *who, const char *reg, uint64_t value,
		    uint64_t fixed0, uint64_t fixed1, uint64_t exempt)
{
	uint64_t clear = fixed0 & ~value & ~exempt;
	uint64_t set = value & ~fixed1 & ~exempt;

	if (clear)
		ec_fail(c, rule,
			"%s %s 0x%lx clears bits 0x%lx that "
			"IA32_VMX_%s_FIXED0 (0x%lx) requires in VMX operation",
			who, reg, value, clear, reg, fixed0);
	if (set)
		ec_fail(c, rule,
			"%s %s 0x%lx sets bits 0x%lx that IA32_VMX_%s_FIXED1 "
			"(0x%lx) forbids in VMX operation",
			who, reg, value, set, reg, fixed1);
}

/*
 * SDM 3C 27.2, "Checks on VMX Controls and Host-State Area" and 27.3, "Checking
 * and Loading Guest State": the processor checks the controls and the host
 * state first (a failure is VMfailValid) and the guest state after (a failure
 * is a VM exit with "VM-entry failure due to invalid guest state"); the report
 * keeps that order.
 */
unsigned int entry_check_run(const struct entry_check_env *env,
			     struct entry_check_report *report)
{
	struct entry_check_ctx ctx;
	struct entry_check_ctx *c = &ctx;
	uint64_t pin, proc, proc2 = 0, exit, entry;
	bool ok;

	report->count = 0;
	for (size_t i = 0; i < VMCS_FIELD_COUNT; i++)
		c->state[i] = FIELD_NOT_READ;
	c->env = env;
	c->report = report;

	/* Every rule depends on the controls: without them, stop. */
	ok = ec_read(c, VMCS_ENC_PIN_BASED_CONTROLS, &pin);
	ok = ec_read(c, VMCS_ENC_PRIMARY_PROC_BASED_CONTROLS, &proc) && ok;
	ok = ec_read(c, VMCS_ENC_EXIT_CONTROLS, &exit) && ok;
	ok = ec_read(c, VMCS_ENC_ENTRY_CONTROLS, &entry) && ok;
	/* SDM 3C 25.6.2, "Processor-Based VM-Execution Controls": without
	 * "activate secondary controls" the CPU acts as if they were all 0, and
	 * may not even have the field. */
	if ((proc & (uint32_t)PROC_ACTIVATE_SECONDARY_CONTROLS) &&
	    !ec_read(c, VMCS_ENC_SECONDARY_PROC_BASED_CONTROLS, &proc2))
		ok = false;
	if (!ok)
		return report->count;
	c->pin = (uint32_t)pin;
	c->proc = (uint32_t)proc;
	c->proc2 = (uint32_t)proc2;
	c->exit = (uint32_t)exit;
	c->entry = (uint32_t)entry;

	entry_check_controls(c);
	entry_check_host(c);
	entry_check_guest(c);
	return report->count;
}

void entry_check_print(const struct entry_check_report *report)
{
	unsigned int shown = report->count < ENTRY_CHECK_MAX_FAILURES
				     ? report->count
				     : ENTRY_CHECK_MAX_FAILURES;

	for (unsigned int i = 0; i < shown; i++) {
		const struct entry_check_failure *f = &report->failures[i];

		hv_printf("hv: entry check: %s [%s, %s]\n", f->message, f->rule,
			  f->sdm);
	}
	if (report->count > shown)
		hv_printf("hv: entry check: %u more failure(s) not kept\n",
			  report->count - shown);
}

/* Test-only (--break-entry): one rule broken on purpose, so the tests
 * see the checker and the CPU agree on it. */
void break_entry_rule(enum entry_break b)
{
	switch (b) {
	case ENTRY_BREAK_NONE:
		return;
	case ENTRY_BREAK_HOST_TR:
		/* Host TR cannot be 0 (SDM 3C 27.2.3, "Checks on Host Segment
		 * and Descriptor-Table Registers"). */
		vmcs_write(VMCS_HOST_TR_SELECTOR, 0);
		break;
	case ENTRY_BREAK_GUEST_RFLAGS:
		/* RFLAGS bit 1 is 1 (SDM 3C 27.3.1.4, "Checks on Guest RIP,
		 * RFLAGS, and SSP"). */
		vmcs_write(VMCS_GUEST_RFLAGS, 0);
		break;
	}
	hv_printf("hv: --break-entry: this VM entry is broken on purpose\n");
}
