/* The only place that knows how "trap" becomes control bits and bitmap
 * bits. Most controls say "exit on X" (1 = trap); "use MSR bitmaps" and
 * "use I/O bitmaps" work backwards (1 = exit only where the bitmap says),
 * and with both I/O controls 0 the guest never exits on I/O. */
#include "vmx/exit_policy.h"

#include "print.h"
#include "util.h"
#include "x86/msr.h"

enum control_field_id { FIELD_PIN, FIELD_PROC, FIELD_PROC2 };

/* One policy member, the control bit that makes it trap, its name. */
struct single_control {
	size_t member; /* offset of an enum exit_action in struct exit_policy */
	enum control_field_id field;
	uint32_t bit;
	const char *name;
};

#define MEMBER(m) offsetof(struct exit_policy, m)

/* Pin-based 25.6.1, primary and secondary processor-based 25.6.2. */
static const struct single_control single_controls[] = {
	{MEMBER(hlt), FIELD_PROC, PROC_HLT_EXITING, "HLT"},
	{MEMBER(cr3_load), FIELD_PROC, PROC_CR3_LOAD_EXITING, "CR3 loads"},
	{MEMBER(cr3_store), FIELD_PROC, PROC_CR3_STORE_EXITING, "CR3 stores"},
	{MEMBER(cr8_load), FIELD_PROC, PROC_CR8_LOAD_EXITING, "CR8 loads"},
	{MEMBER(cr8_store), FIELD_PROC, PROC_CR8_STORE_EXITING, "CR8 stores"},
	{MEMBER(invlpg), FIELD_PROC, PROC_INVLPG_EXITING, "INVLPG"},
	{MEMBER(rdtsc), FIELD_PROC, PROC_RDTSC_EXITING, "RDTSC"},
	{MEMBER(rdpmc), FIELD_PROC, PROC_RDPMC_EXITING, "RDPMC"},
	{MEMBER(mwait), FIELD_PROC, PROC_MWAIT_EXITING, "MWAIT"},
	{MEMBER(monitor), FIELD_PROC, PROC_MONITOR_EXITING, "MONITOR"},
	{MEMBER(pause), FIELD_PROC, PROC_PAUSE_EXITING, "PAUSE"},
	{MEMBER(mov_dr), FIELD_PROC, PROC_MOV_DR_EXITING, "MOV DR"},
	{MEMBER(wbinvd), FIELD_PROC2, PROC2_WBINVD_EXITING, "WBINVD"},
	{MEMBER(rdrand), FIELD_PROC2, PROC2_RDRAND_EXITING, "RDRAND"},
	{MEMBER(rdseed), FIELD_PROC2, PROC2_RDSEED_EXITING, "RDSEED"},
	{MEMBER(descriptor_tables), FIELD_PROC2, PROC2_DESCRIPTOR_TABLE_EXITING,
	 "descriptor-table accesses"},
	{MEMBER(external_interrupt), FIELD_PIN, PIN_EXTERNAL_INTERRUPT_EXITING,
	 "external interrupts"},
	{MEMBER(nmi), FIELD_PIN, PIN_NMI_EXITING, "NMIs"},
};

static enum exit_action single_action(const struct exit_policy *p,
				      const struct single_control *s)
{
	return *(const enum exit_action *)((const char *)p + s->member);
}

/* The MSR bitmap covers two ranges of 8192 MSRs, each with a read and a write
 * kilobyte (SDM 3C 25.6.9, "MSR-Bitmap Address"); every other MSR always exits
 * (26.1.3, "Instructions That Cause VM Exits Conditionally"). */
#define MSR_REGION_MSRS 0x2000u

struct msr_region {
	uint32_t first;
	uint16_t read_offset, write_offset;
};

static const struct msr_region msr_regions[] = {
	{0x00000000u, 0, 2048},
	{0xc0000000u, 1024, 3072},
};

static const struct msr_region *msr_region_of(uint32_t msr)
{
	for (size_t i = 0; i < COUNT_OF(msr_regions); i++)
		if (msr - msr_regions[i].first < MSR_REGION_MSRS)
			return &msr_regions[i];
	return NULL;
}

static bool bit_is_set(const uint8_t *map, uint32_t n)
{
	return map[n / 8] & (1u << (n % 8));
}

static void clear_bit(uint8_t *map, uint32_t n)
{
	map[n / 8] &= (uint8_t) ~(1u << (n % 8));
}

static void fill(uint8_t *map, uint8_t value)
{
	for (size_t i = 0; i < EXIT_BITMAP_SIZE; i++)
		map[i] = value;
}

static bool valid_action(enum exit_action a)
{
	return a == POLICY_PASS || a == POLICY_TRAP;
}

static bool msr_rule_passes(const struct msr_rule *r)
{
	return r->read == POLICY_PASS || r->write == POLICY_PASS;
}

static bool valid_msr_rules(const struct exit_policy *p)
{
	if (p->msr_count && !p->msrs)
		return false;
	for (size_t i = 0; i < p->msr_count; i++) {
		const struct msr_rule *r = &p->msrs[i];

		if (r->first > r->last || !valid_action(r->read) ||
		    !valid_action(r->write))
			return false;
		/* Regions are 8192 MSRs apart: one region must hold both
		 * ends, or part of the rule could never be honoured. */
		if (msr_rule_passes(r) &&
		    (!msr_region_of(r->first) ||
		     msr_region_of(r->first) != msr_region_of(r->last)))
			return false;
		for (size_t j = 0; j < i; j++)
			if (r->first <= p->msrs[j].last &&
			    p->msrs[j].first <= r->last)
				return false;
	}
	return true;
}

static bool valid_io_rules(const struct exit_policy *p)
{
	if (p->io_count && !p->io)
		return false;
	for (size_t i = 0; i < p->io_count; i++) {
		const struct io_rule *r = &p->io[i];

		if (r->first > r->last || !valid_action(r->action))
			return false;
		for (size_t j = 0; j < i; j++)
			if (r->first <= p->io[j].last &&
			    p->io[j].first <= r->last)
				return false;
	}
	return true;
}

static bool valid_policy(const struct exit_policy *p)
{
	for (size_t i = 0; i < COUNT_OF(single_controls); i++)
		if (!valid_action(single_action(p, &single_controls[i])))
			return false;
	return valid_msr_rules(p) && valid_io_rules(p);
}

static bool any_msr_passes(const struct exit_policy *p)
{
	for (size_t i = 0; i < p->msr_count; i++)
		if (msr_rule_passes(&p->msrs[i]))
			return true;
	return false;
}

static bool any_port_passes(const struct exit_policy *p)
{
	for (size_t i = 0; i < p->io_count; i++)
		if (p->io[i].action == POLICY_PASS)
			return true;
	return false;
}

static void build_msr_bitmap(const struct exit_policy *p, uint8_t *map)
{
	fill(map, 0xff); /* 1 = exit */
	for (size_t i = 0; i < p->msr_count; i++) {
		const struct msr_rule *r = &p->msrs[i];
		const struct msr_region *reg = msr_region_of(r->first);

		if (!msr_rule_passes(r))
			continue;
		for (uint32_t n = r->first - reg->first;
		     n <= r->last - reg->first; n++) {
			if (r->read == POLICY_PASS)
				clear_bit(map + reg->read_offset, n);
			if (r->write == POLICY_PASS)
				clear_bit(map + reg->write_offset, n);
		}
	}
}

/* I/O bitmap A holds ports 0-0x7fff, B 0x8000-0xffff (SDM 3C 25.6.4,
 * "I/O-Bitmap Addresses"). */
static void build_io_bitmaps(const struct exit_policy *p, uint8_t *a,
			     uint8_t *b)
{
	fill(a, 0xff); /* 1 = exit */
	fill(b, 0xff);
	for (size_t i = 0; i < p->io_count; i++) {
		const struct io_rule *r = &p->io[i];

		if (r->action != POLICY_PASS)
			continue;
		for (uint32_t port = r->first; port <= r->last; port++)
			clear_bit(port < 0x8000 ? a : b, port % 0x8000);
	}
}

int exit_policy_build(const struct exit_policy *p, struct exit_controls *out,
		      struct exit_bitmaps *bm)
{
	static const struct exit_bitmaps none;
	const struct exit_bitmaps *maps = bm ? bm : &none;
	bool msr_bitmap, io_bitmaps;
	uint32_t *fields[3];

	if (!p || !out || !valid_policy(p))
		return -1;
	msr_bitmap = any_msr_passes(p);
	io_bitmaps = any_port_passes(p);
	if ((msr_bitmap && !maps->msr) ||
	    (io_bitmaps && (!maps->io_a || !maps->io_b)))
		return -1;

	*out = (struct exit_controls){0};
	fields[FIELD_PIN] = &out->pin;
	fields[FIELD_PROC] = &out->proc;
	fields[FIELD_PROC2] = &out->proc2;
	for (size_t i = 0; i < COUNT_OF(single_controls); i++) {
		const struct single_control *s = &single_controls[i];

		if (single_action(p, s) == POLICY_TRAP)
			*fields[s->field] |= s->bit;
	}
	if (p->preemption_timer)
		out->pin |= PIN_ACTIVATE_PREEMPTION_TIMER;
	/* Without the bitmap every RDMSR/WRMSR exits (SDM 3C 26.1.3,
	 * "Instructions That Cause VM Exits Conditionally"). */
	if (msr_bitmap)
		out->proc |= PROC_USE_MSR_BITMAPS;
	/* With "use I/O bitmaps" 0 and "unconditional I/O exiting" 0 the
	 * guest would own every port: all-trap needs the unconditional bit. */
	out->proc |= io_bitmaps ? PROC_USE_IO_BITMAPS
				: PROC_UNCONDITIONAL_IO_EXITING;
	/* Secondary controls count only when activated (SDM 3C 25.6.2,
	 * "Processor-Based VM-Execution Controls"). */
	if (out->proc2)
		out->proc |= PROC_ACTIVATE_SECONDARY_CONTROLS;
	out->cr0_guest_host_mask = p->cr0_trap_bits;
	out->cr4_guest_host_mask = p->cr4_trap_bits;
	out->exception_bitmap = p->exception_trap_bitmap;
	out->uses_msr_bitmap = msr_bitmap;
	out->uses_io_bitmaps = io_bitmaps;

	/* Unused bitmaps are written all-trap too, so they never lie. */
	if (maps->msr)
		build_msr_bitmap(p, maps->msr);
	if (maps->io_a && maps->io_b)
		build_io_bitmaps(p, maps->io_a, maps->io_b);
	return 0;
}

/* RDMSR / WRMSR exit conditions, SDM 3C 26.1.3, "Instructions That Cause VM
 * Exits Conditionally". */
enum exit_action exit_policy_msr_action(const struct exit_controls *c,
					const struct exit_bitmaps *bm,
					uint32_t msr, bool write)
{
	const struct msr_region *reg = msr_region_of(msr);

	if (!(c->proc & PROC_USE_MSR_BITMAPS) || !reg)
		return POLICY_TRAP;
	return bit_is_set(
		       bm->msr + (write ? reg->write_offset : reg->read_offset),
		       msr - reg->first)
		       ? POLICY_TRAP
		       : POLICY_PASS;
}

/* I/O instruction exit conditions, SDM 3C 26.1.3, "Instructions That Cause VM
 * Exits Conditionally": with the bitmaps, an access exits if any port it
 * touches is marked, or if it wraps past 0xffff; without them, "unconditional
 * I/O exiting" decides alone. */
enum exit_action exit_policy_io_action(const struct exit_controls *c,
				       const struct exit_bitmaps *bm,
				       uint16_t port, unsigned int size)
{
	if (!(c->proc & PROC_USE_IO_BITMAPS))
		return (c->proc & PROC_UNCONDITIONAL_IO_EXITING) ? POLICY_TRAP
								 : POLICY_PASS;
	if (size == 0)
		size = 1;
	if ((uint32_t)port + size - 1 > 0xffff)
		return POLICY_TRAP;
	for (uint32_t q = port; q < (uint32_t)port + size; q++)
		if (bit_is_set(q < 0x8000 ? bm->io_a : bm->io_b, q % 0x8000))
			return POLICY_TRAP;
	return POLICY_PASS;
}

static void print_single_controls(const struct exit_policy *p,
				  enum exit_action which)
{
	const char *sep = "";

	hv_printf("  %s: ", which == POLICY_TRAP ? "trap" : "free");
	for (size_t i = 0; i < COUNT_OF(single_controls); i++) {
		if (single_action(p, &single_controls[i]) != which)
			continue;
		hv_printf("%s%s", sep, single_controls[i].name);
		sep = ", ";
	}
	hv_printf("%s\n", *sep ? "" : "nothing");
}

static void print_range(uint32_t first, uint32_t last)
{
	if (first == last)
		hv_printf("0x%x", first);
	else
		hv_printf("0x%x-0x%x", first, last);
}

static void print_msr_rules(const struct exit_policy *p)
{
	const char *sep = "";

	hv_printf("  MSRs free: ");
	for (size_t i = 0; i < p->msr_count; i++) {
		const struct msr_rule *r = &p->msrs[i];
		const char *name = msr_name(r->first);

		if (!msr_rule_passes(r))
			continue;
		hv_printf("%s", sep);
		print_range(r->first, r->last);
		if (name && r->first == r->last)
			hv_printf(" (%s)", name);
		hv_printf(" %s",
			  r->read == POLICY_PASS && r->write == POLICY_PASS
				  ? "read/write"
			  : r->read == POLICY_PASS ? "read"
						   : "write");
		sep = ", ";
	}
	hv_printf("%s; every other MSR access traps\n", *sep ? "" : "none");
}

static void print_io_rules(const struct exit_policy *p)
{
	const char *sep = "";

	hv_printf("  I/O ports free: ");
	for (size_t i = 0; i < p->io_count; i++) {
		if (p->io[i].action != POLICY_PASS)
			continue;
		hv_printf("%s", sep);
		print_range(p->io[i].first, p->io[i].last);
		sep = ", ";
	}
	hv_printf("%s; every other port traps\n", *sep ? "" : "none");
}

static void print_cr_mask(const char *cr, uint64_t bits)
{
	if (bits)
		hv_printf("  %s writes that change bits 0x%llx trap\n", cr,
			  (unsigned long long)bits);
	else
		hv_printf("  %s writes never trap\n", cr);
}

static void print_exceptions(uint32_t bitmap)
{
	const char *sep = "";

	hv_printf("  exception vectors that trap: ");
	for (unsigned int v = 0; v < 32; v++) {
		if (!(bitmap & (1u << v)))
			continue;
		hv_printf("%s%u", sep, v);
		sep = ", ";
	}
	hv_printf("%s\n", *sep ? "" : "none");
}

void exit_policy_print(const struct exit_policy *p)
{
	hv_printf("exit policy:\n");
	print_single_controls(p, POLICY_TRAP);
	print_single_controls(p, POLICY_PASS);
	hv_printf("  VMX-preemption timer: %s\n",
		  p->preemption_timer ? "on" : "off");
	print_cr_mask("CR0", p->cr0_trap_bits);
	print_cr_mask("CR4", p->cr4_trap_bits);
	print_exceptions(p->exception_trap_bitmap);
	print_msr_rules(p);
	print_io_rules(p);
}
