/*
 * VM-entry checks on the guest-state area — SDM 3C 27.3.1, "Checks on the Guest
 * State Area".  A failure here is not a VMfail: the entry starts, and ends at
 * once in a VM exit with basic reason 33, "VM-entry failure due to invalid
 * guest state".
 */
#define ENTRY_CHECK_INTERNAL
#include "check/entry_check.h"

#include "util.h"
#include "vmx/vmx_controls.h"
#include "x86/msr.h"
#include "x86/x86.h"

/* IA32_DEBUGCTL: bits 5:3 and 63:16 are reserved (SDM 3B, "IA32_DEBUGCTL
 * MSR"); bit 2 (bus-lock detection) exists only on some parts and is not
 * judged. */
#define DEBUGCTL_BTF (1ull << 1)
#define DEBUGCTL_RESERVED (0x38ull | ~0xffffull)

enum seg_index { ES, CS, SS, DS, FS, GS, LDTR, TR, SEG_COUNT };

struct seg {
	const char *name;
	bool ok; /* all four fields could be read */
	uint64_t selector, base, limit, ar;
};

/* What most guest rules depend on, read once. */
struct guest {
	struct entry_check_ctx *c;
	bool ia32e;	   /* "IA-32e mode guest" */
	bool unrestricted; /* "unrestricted guest" */
	bool have_cr0, have_rflags;
	uint64_t cr0, rflags;
	bool vm;    /* RFLAGS.VM */
	bool v8086; /* VM, outside IA-32e mode: segments as in real mode */
	bool have_info;
	uint64_t info; /* VM-entry interruption information */
	struct seg seg[SEG_COUNT];
};

#define SEG_FIELDS(name)                                             \
	{                                                            \
		VMCS_ENC_GUEST_##name##_SELECTOR,                    \
			VMCS_ENC_GUEST_##name##_BASE,                \
			VMCS_ENC_GUEST_##name##_LIMIT,               \
			VMCS_ENC_GUEST_##name##_ACCESS_RIGHTS, #name \
	}

static const struct {
	uint32_t selector, base, limit, ar;
	const char *name;
} seg_fields[SEG_COUNT] = {
	[ES] = SEG_FIELDS(ES),	   [CS] = SEG_FIELDS(CS), [SS] = SEG_FIELDS(SS),
	[DS] = SEG_FIELDS(DS),	   [FS] = SEG_FIELDS(FS), [GS] = SEG_FIELDS(GS),
	[LDTR] = SEG_FIELDS(LDTR), [TR] = SEG_FIELDS(TR),
};

static bool usable(const struct seg *s)
{
	return s->ok && !(s->ar & AR_UNUSABLE);
}

static bool intr_valid(const struct guest *g)
{
	return g->have_info && (g->info & INTR_INFO_VALID);
}

static void read_guest(struct entry_check_ctx *c, struct guest *g)
{
	g->c = c;
	g->ia32e = (c->entry & (uint32_t)ENTRY_IA32E_MODE_GUEST) != 0;
	g->unrestricted = (c->proc2 & (uint32_t)PROC2_UNRESTRICTED_GUEST) != 0;
	g->have_cr0 = ec_read(c, VMCS_ENC_GUEST_CR0, &g->cr0);
	g->have_rflags = ec_read(c, VMCS_ENC_GUEST_RFLAGS, &g->rflags);
	g->vm = g->have_rflags && (g->rflags & RFLAGS_VM);
	/* VM=1 in IA-32e mode fails guest.rflags.vm; judging the segments
	 * as virtual-8086 ones too would only bury that. */
	g->v8086 = g->vm && !g->ia32e;
	g->have_info = ec_read(c, VMCS_ENC_ENTRY_INTERRUPTION_INFO, &g->info);
	for (int i = 0; i < SEG_COUNT; i++) {
		struct seg *s = &g->seg[i];

		s->name = seg_fields[i].name;
		s->ok = ec_read(c, seg_fields[i].selector, &s->selector);
		s->ok = ec_read(c, seg_fields[i].base, &s->base) && s->ok;
		s->ok = ec_read(c, seg_fields[i].limit, &s->limit) && s->ok;
		s->ok = ec_read(c, seg_fields[i].ar, &s->ar) && s->ok;
	}
}

/* ------------------------------------------------------------------ */
/* SDM 3C 27.3.1.1, "Checks on Guest Control Registers, Debug Registers, and
 * MSRs": control registers, debug registers, MSRs */

static void check_guest_cr0_cr4(struct guest *g)
{
	struct entry_check_ctx *c = g->c;
	const struct vmx_caps *caps = c->env->caps;
	/* VM entry leaves CD and NW as they are, so never checks them;
	 * with "unrestricted guest" real mode and unpaged modes are fine. */
	uint64_t exempt = CR0_CD | CR0_NW;
	uint64_t cr4;

	if (g->unrestricted)
		exempt |= CR0_PE | CR0_PG;
	if (g->have_cr0) {
		ec_check_fixed(c, RULE_GUEST_CR0_FIXED, "guest", "CR0", g->cr0,
			       caps->cr0_fixed0, caps->cr0_fixed1, exempt);
		if ((g->cr0 & CR0_PG) && !(g->cr0 & CR0_PE))
			ec_fail(c, RULE_GUEST_CR0_PG_NEEDS_PE,
				"guest CR0 0x%lx: PG=1 requires PE=1", g->cr0);
	}
	if (!ec_read(c, VMCS_ENC_GUEST_CR4, &cr4))
		return;
	ec_check_fixed(c, RULE_GUEST_CR4_FIXED, "guest", "CR4", cr4,
		       caps->cr4_fixed0, caps->cr4_fixed1, 0);
	/* IA-32e mode is 4-level (or 5-level) paging: PG and PAE. */
	if (g->ia32e && g->have_cr0 && (!(g->cr0 & CR0_PG) || !(cr4 & CR4_PAE)))
		ec_fail(c, RULE_GUEST_IA32E_NEEDS_PAGING,
			"\"IA-32e mode guest\" requires guest CR0.PG=1 and "
			"CR4.PAE=1 (CR0 0x%lx, CR4 0x%lx)",
			g->cr0, cr4);
	/* PCIDs exist only in IA-32e mode. */
	if (!g->ia32e && (cr4 & CR4_PCIDE))
		ec_fail(c, RULE_GUEST_PCIDE_NEEDS_IA32E,
			"guest CR4 0x%lx: PCIDE=1 requires \"IA-32e mode "
			"guest\"",
			cr4);
}

static void check_guest_cr3_debug(struct guest *g)
{
	struct entry_check_ctx *c = g->c;
	uint64_t v;

	if (ec_read(c, VMCS_ENC_GUEST_CR3, &v) && !ec_within_phys(c, v))
		ec_fail(c, RULE_GUEST_CR3_WIDTH,
			"guest CR3 0x%lx sets bits beyond the %u-bit "
			"physical-address width",
			v, c->env->maxphyaddr);
	/* Only loaded, hence only checked, with "load debug controls". */
	if (!(c->entry & (uint32_t)ENTRY_LOAD_DEBUG_CONTROLS))
		return;
	if (ec_read(c, VMCS_ENC_GUEST_IA32_DEBUGCTL, &v) &&
	    (v & DEBUGCTL_RESERVED))
		ec_fail(c, RULE_GUEST_DEBUGCTL_RESERVED,
			"guest IA32_DEBUGCTL 0x%lx sets reserved bits 0x%lx", v,
			(uint64_t)(v & DEBUGCTL_RESERVED));
	if (ec_read(c, VMCS_ENC_GUEST_DR7, &v) && (v >> 32))
		ec_fail(c, RULE_GUEST_DR7_HIGH,
			"guest DR7 0x%lx sets bits 63:32", v);
}

static void check_guest_msrs(struct guest *g)
{
	struct entry_check_ctx *c = g->c;
	uint64_t v;
	int bad;

	if (ec_read(c, VMCS_ENC_GUEST_IA32_SYSENTER_ESP, &v) && !canonical(v))
		ec_fail(c, RULE_GUEST_SYSENTER_CANONICAL,
			"guest IA32_SYSENTER_ESP 0x%lx is not canonical", v);
	if (ec_read(c, VMCS_ENC_GUEST_IA32_SYSENTER_EIP, &v) && !canonical(v))
		ec_fail(c, RULE_GUEST_SYSENTER_CANONICAL,
			"guest IA32_SYSENTER_EIP 0x%lx is not canonical", v);

	if ((c->entry & (uint32_t)ENTRY_LOAD_IA32_PAT) &&
	    ec_read(c, VMCS_ENC_GUEST_IA32_PAT, &v)) {
		bad = pat_bad_entry(v);
		if (bad >= 0)
			ec_fail(c, RULE_GUEST_PAT,
				"guest IA32_PAT 0x%lx: entry %d is 0x%x, not a "
				"memory type (0, 1, 4, 5, 6, 7)",
				v, bad, (unsigned int)(v >> (8 * bad)) & 0xffu);
	}

	if (!(c->entry & (uint32_t)ENTRY_LOAD_IA32_EFER) ||
	    !ec_read(c, VMCS_ENC_GUEST_IA32_EFER, &v))
		return;
	if (v & ~EFER_DEFINED)
		ec_fail(c, RULE_GUEST_EFER_RESERVED,
			"guest IA32_EFER 0x%lx sets reserved bits 0x%lx", v,
			(uint64_t)(v & ~EFER_DEFINED));
	/* LMA is the entry control; LME follows it once paging is on. */
	if (!!(v & EFER_LMA) != g->ia32e)
		ec_fail(c, RULE_GUEST_EFER_LMA,
			"guest IA32_EFER 0x%lx: LMA=%u but \"IA-32e mode "
			"guest\" is %u",
			v, !!(v & EFER_LMA), g->ia32e);
	if (g->have_cr0 && (g->cr0 & CR0_PG) &&
	    !!(v & EFER_LME) != !!(v & EFER_LMA))
		ec_fail(c, RULE_GUEST_EFER_LME,
			"guest IA32_EFER 0x%lx: LME must equal LMA while "
			"CR0.PG=1",
			v);
}

/* ------------------------------------------------------------------ */
/* SDM 3C 27.3.1.2, "Checks on Guest Segment Registers": segment registers */

/* Bits 11:0 of the limit all 1 when G=1, bits 31:20 all 0 when G=0. */
static void check_granularity(struct guest *g, const struct seg *s)
{
	bool gran = (s->ar & AR_G) != 0;

	if ((!gran && (s->limit & 0xfff00000u)) ||
	    (gran && (s->limit & 0xfffu) != 0xfffu))
		ec_fail(g->c, RULE_GUEST_SEG_GRANULARITY,
			"guest %s limit 0x%lx does not fit G=%u in access "
			"rights 0x%lx",
			s->name, s->limit, gran, s->ar);
}

static void check_reserved_ar(struct guest *g, const struct seg *s)
{
	if (s->ar & AR_RESERVED)
		ec_fail(g->c, RULE_GUEST_SEG_RESERVED,
			"guest %s access rights 0x%lx set reserved bits 11:8 "
			"or 31:17",
			s->name, s->ar);
}

static void check_selectors(struct guest *g)
{
	const struct seg *cs = &g->seg[CS], *ss = &g->seg[SS];
	const struct seg *tr = &g->seg[TR], *ldtr = &g->seg[LDTR];

	/* TR and LDTR always come from the GDT. */
	if (tr->ok && (tr->selector & SELECTOR_TI))
		ec_fail(g->c, RULE_GUEST_TR_TI,
			"guest TR selector 0x%lx has TI (bit 2) set",
			tr->selector);
	if (usable(ldtr) && (ldtr->selector & SELECTOR_TI))
		ec_fail(g->c, RULE_GUEST_LDTR_TI,
			"guest LDTR selector 0x%lx has TI (bit 2) set",
			ldtr->selector);
	/* Both RPLs are the CPL. */
	if (!g->v8086 && !g->unrestricted && cs->ok && ss->ok &&
	    SELECTOR_RPL(ss->selector) != SELECTOR_RPL(cs->selector))
		ec_fail(g->c, RULE_GUEST_SS_RPL,
			"guest SS selector 0x%lx: RPL %u differs from CS "
			"selector 0x%lx RPL %u",
			ss->selector, SELECTOR_RPL(ss->selector), cs->selector,
			SELECTOR_RPL(cs->selector));
}

static void check_bases(struct guest *g)
{
	static const enum seg_index wide[] = {TR, FS, GS, LDTR};
	static const enum seg_index low[] = {CS, SS, DS, ES};

	/* Bases used as 64-bit linear addresses... */
	for (size_t i = 0; i < COUNT_OF(wide); i++) {
		const struct seg *s = &g->seg[wide[i]];

		if (s->ok && (wide[i] != LDTR || usable(s)) &&
		    !canonical(s->base))
			ec_fail(g->c, RULE_GUEST_BASE_CANONICAL,
				"guest %s base 0x%lx is not canonical", s->name,
				s->base);
	}
	/* ...and those that are 32 bits wide in every mode. */
	for (size_t i = 0; i < COUNT_OF(low); i++) {
		const struct seg *s = &g->seg[low[i]];

		if (s->ok && (low[i] == CS || usable(s)) && (s->base >> 32))
			ec_fail(g->c, RULE_GUEST_BASE_HIGH,
				"guest %s base 0x%lx sets bits 63:32", s->name,
				s->base);
	}
}

/* Virtual-8086 segments are real-mode-like: base = selector * 16. */
static void check_v8086_segments(struct guest *g)
{
	static const enum seg_index regs[] = {ES, CS, SS, DS, FS, GS};

	for (size_t i = 0; i < COUNT_OF(regs); i++) {
		const struct seg *s = &g->seg[regs[i]];

		if (s->ok && (s->base != s->selector << 4 ||
			      s->limit != 0xffff || s->ar != 0xf3))
			ec_fail(g->c, RULE_GUEST_V8086_SEGMENT,
				"guest %s (selector 0x%lx base 0x%lx limit "
				"0x%lx AR 0x%lx) is not a virtual-8086 segment",
				s->name, s->selector, s->base, s->limit, s->ar);
	}
}

static void check_cs(struct guest *g)
{
	const struct seg *cs = &g->seg[CS], *ss = &g->seg[SS];
	unsigned int type = AR_TYPE(cs->ar), dpl = AR_DPL(cs->ar);

	if (!cs->ok)
		return;
	/* Accessed code; read/write data only for unrestricted real mode. */
	if (!(type == 9 || type == 11 || type == 13 || type == 15 ||
	      (type == TYPE_DATA_RW_ACCESSED && g->unrestricted)))
		ec_fail(g->c, RULE_GUEST_CS_TYPE,
			"guest CS access rights 0x%lx: type %u is not an "
			"accessed code segment (9, 11, 13, 15)",
			cs->ar, type);
	if (ss->ok && ((type == TYPE_DATA_RW_ACCESSED && dpl != 0) ||
		       ((type == 9 || type == 11) && dpl != AR_DPL(ss->ar)) ||
		       ((type == 13 || type == 15) && dpl > AR_DPL(ss->ar))))
		ec_fail(g->c, RULE_GUEST_CS_DPL,
			"guest CS DPL %u (type %u) does not fit SS DPL %u", dpl,
			type, (unsigned int)AR_DPL(ss->ar));
	/* This VMM's rule, not the SDM's: the CPU would ignore CS.L and
	 * run the "64-bit" guest in protected mode. */
	if ((cs->ar & AR_L) && !g->ia32e)
		ec_fail(g->c, RULE_GUEST_CS_L_NEEDS_IA32E,
			"guest CS.L=1 (access rights 0x%lx) requires the "
			"\"IA-32e mode guest\" entry control",
			cs->ar);
	if (g->ia32e && (cs->ar & AR_L) && (cs->ar & AR_DB))
		ec_fail(g->c, RULE_GUEST_CS_D_WITH_L,
			"guest CS access rights 0x%lx: D/B must be 0 when L=1 "
			"in IA-32e mode",
			cs->ar);
}

static void check_ss(struct guest *g)
{
	const struct seg *ss = &g->seg[SS], *cs = &g->seg[CS];
	unsigned int dpl = AR_DPL(ss->ar);

	if (!ss->ok)
		return;
	if (usable(ss) && AR_TYPE(ss->ar) != TYPE_DATA_RW_ACCESSED &&
	    AR_TYPE(ss->ar) != TYPE_DATA_RW_DOWN_ACCESSED)
		ec_fail(g->c, RULE_GUEST_SS_TYPE,
			"guest SS access rights 0x%lx: type %u is not an "
			"accessed read/write data segment (3 or 7)",
			ss->ar, (unsigned int)AR_TYPE(ss->ar));
	/* SS.DPL is the CPL, even for an unusable SS. */
	if (!g->unrestricted && dpl != SELECTOR_RPL(ss->selector))
		ec_fail(g->c, RULE_GUEST_SS_DPL,
			"guest SS DPL %u differs from SS selector 0x%lx RPL %u",
			dpl, ss->selector, SELECTOR_RPL(ss->selector));
	if (dpl != 0 && ((cs->ok && AR_TYPE(cs->ar) == TYPE_DATA_RW_ACCESSED) ||
			 (g->have_cr0 && !(g->cr0 & CR0_PE))))
		ec_fail(g->c, RULE_GUEST_SS_DPL,
			"guest SS DPL %u must be 0 in real mode or with a data "
			"CS",
			dpl);
}

static void check_data_segment(struct guest *g, const struct seg *s)
{
	unsigned int type = AR_TYPE(s->ar);

	if (!usable(s))
		return;
	if (!(type & AR_TYPE_ACCESSED) ||
	    ((type & AR_TYPE_CODE) && !(type & AR_TYPE_READABLE)))
		ec_fail(g->c, RULE_GUEST_DATA_TYPE,
			"guest %s access rights 0x%lx: type %u must be "
			"accessed, and readable if code",
			s->name, s->ar, type);
	/* Data and non-conforming code: no less privileged than the RPL. */
	if (!g->unrestricted && type <= 11 &&
	    AR_DPL(s->ar) < SELECTOR_RPL(s->selector))
		ec_fail(g->c, RULE_GUEST_DATA_DPL,
			"guest %s DPL %u is below selector 0x%lx RPL %u",
			s->name, (unsigned int)AR_DPL(s->ar), s->selector,
			SELECTOR_RPL(s->selector));
}

/* The rules CS and every usable ES, SS, DS, FS, GS share. */
static void check_code_data_common(struct guest *g, const struct seg *s,
				   bool is_cs)
{
	if (!s->ok || (!is_cs && !usable(s)))
		return;
	if (!(s->ar & AR_S))
		ec_fail(g->c, RULE_GUEST_SEG_S,
			"guest %s access rights 0x%lx: S (bit 4) must be 1 for "
			"a code or data segment",
			s->name, s->ar);
	if (!(s->ar & AR_P))
		ec_fail(g->c, RULE_GUEST_SEG_PRESENT,
			"guest %s access rights 0x%lx: P (bit 7) must be 1",
			s->name, s->ar);
	check_reserved_ar(g, s);
	check_granularity(g, s);
}

static void check_tr_ldtr(struct guest *g)
{
	const struct seg *tr = &g->seg[TR], *ldtr = &g->seg[LDTR];
	unsigned int type = AR_TYPE(tr->ar);

	if (tr->ok) {
		/* Only a busy TSS can be current; 16-bit ones not in
		 * IA-32e mode. */
		if (type != TYPE_BUSY_TSS &&
		    (g->ia32e || type != TYPE_BUSY_TSS16))
			ec_fail(g->c, RULE_GUEST_TR_TYPE,
				"guest TR access rights 0x%lx: type %u is not "
				"a "
				"busy %s TSS (%u)",
				tr->ar, type, g->ia32e ? "64-bit" : "16/32-bit",
				TYPE_BUSY_TSS);
		if ((tr->ar & (AR_S | AR_P | AR_UNUSABLE)) != AR_P)
			ec_fail(g->c, RULE_GUEST_TR_DESCRIPTOR,
				"guest TR access rights 0x%lx: must be a "
				"usable (bit 16 = 0), present (P=1) system "
				"segment (S=0)",
				tr->ar);
		check_reserved_ar(g, tr);
		check_granularity(g, tr);
	}
	if (usable(ldtr)) {
		if (AR_TYPE(ldtr->ar) != TYPE_LDT ||
		    (ldtr->ar & (AR_S | AR_P)) != AR_P)
			ec_fail(g->c, RULE_GUEST_LDTR_DESCRIPTOR,
				"guest LDTR access rights 0x%lx: a usable LDTR "
				"must be type 2 with S=0 and P=1",
				ldtr->ar);
		check_reserved_ar(g, ldtr);
		check_granularity(g, ldtr);
	}
}

static void check_segments(struct guest *g)
{
	static const enum seg_index data[] = {ES, DS, FS, GS};

	check_selectors(g);
	check_bases(g);
	if (g->v8086) {
		check_v8086_segments(g);
	} else {
		check_cs(g);
		check_ss(g);
		for (size_t i = 0; i < COUNT_OF(data); i++)
			check_data_segment(g, &g->seg[data[i]]);
		for (int i = ES; i <= GS; i++)
			check_code_data_common(g, &g->seg[i], i == CS);
	}
	check_tr_ldtr(g);
}

/* ------------------------------------------------------------------ */
/* SDM 3C 27.3.1.3, "Checks on Guest Descriptor-Table Registers": GDTR and IDTR
 */

static void check_descriptor_tables(struct guest *g)
{
	static const struct {
		const char *name;
		uint32_t base, limit;
	} dtr[] = {
		{"GDTR", VMCS_ENC_GUEST_GDTR_BASE, VMCS_ENC_GUEST_GDTR_LIMIT},
		{"IDTR", VMCS_ENC_GUEST_IDTR_BASE, VMCS_ENC_GUEST_IDTR_LIMIT},
	};
	uint64_t v;

	for (size_t i = 0; i < COUNT_OF(dtr); i++) {
		if (ec_read(g->c, dtr[i].base, &v) && !canonical(v))
			ec_fail(g->c, RULE_GUEST_DTR_BASE,
				"guest %s base 0x%lx is not canonical",
				dtr[i].name, v);
		/* The registers hold 16-bit limits. */
		if (ec_read(g->c, dtr[i].limit, &v) && (v >> 16))
			ec_fail(g->c, RULE_GUEST_DTR_LIMIT,
				"guest %s limit 0x%lx sets bits 31:16",
				dtr[i].name, v);
	}
}

/* ------------------------------------------------------------------ */
/* SDM 3C 27.3.1.4, "Checks on Guest RIP, RFLAGS, and SSP": RIP and RFLAGS */

static void check_rip_rflags(struct guest *g)
{
	struct entry_check_ctx *c = g->c;
	const struct seg *cs = &g->seg[CS];
	uint64_t rip;

	/* 64-bit code (IA-32e mode and CS.L) or 32 bits at most. */
	if (cs->ok && ec_read(c, VMCS_ENC_GUEST_RIP, &rip)) {
		if (g->ia32e && (cs->ar & AR_L)) {
			if (!canonical(rip))
				ec_fail(c, RULE_GUEST_RIP,
					"guest RIP 0x%lx is not canonical",
					rip);
		} else if (rip >> 32) {
			ec_fail(c, RULE_GUEST_RIP,
				"guest RIP 0x%lx sets bits 63:32 outside "
				"64-bit mode (IA-32e mode guest %u, CS.L %u)",
				rip, g->ia32e, !!(cs->ar & AR_L));
		}
	}
	if (!g->have_rflags)
		return;
	if ((g->rflags & RFLAGS_RESERVED) || !(g->rflags & RFLAGS_FIXED1))
		ec_fail(c, RULE_GUEST_RFLAGS_RESERVED,
			"guest RFLAGS 0x%lx: bits 63:22, 15, 5, 3 must be 0 "
			"and bit 1 must be 1",
			g->rflags);
	/* Virtual-8086 mode exists only in protected mode, not IA-32e. */
	if (g->vm && (g->ia32e || (g->have_cr0 && !(g->cr0 & CR0_PE))))
		ec_fail(c, RULE_GUEST_RFLAGS_VM,
			"guest RFLAGS 0x%lx: VM=1 with \"IA-32e mode guest\" "
			"%u and CR0.PE %u",
			g->rflags, g->ia32e, (unsigned int)(g->cr0 & CR0_PE));
	/* An injected external interrupt must be one the guest accepts. */
	if (intr_valid(g) && INTR_INFO_TYPE(g->info) == INTR_TYPE_EXTERNAL &&
	    !(g->rflags & RFLAGS_IF))
		ec_fail(c, RULE_GUEST_RFLAGS_IF,
			"guest RFLAGS 0x%lx has IF=0 while an external "
			"interrupt (0x%lx) is injected",
			g->rflags, g->info);
}

/* ------------------------------------------------------------------ */
/* SDM 3C 27.3.1.5, "Checks on Guest Non-Register State": non-register state */

/* The events a logical processor in @state can take at all. */
static bool injectable_in(uint64_t state, uint64_t info)
{
	unsigned int type = INTR_INFO_TYPE(info),
		     vector = INTR_INFO_VECTOR(info);

	switch (state) {
	case ACTIVITY_STATE_ACTIVE:
		return true;
	case ACTIVITY_STATE_HLT:
		return type == INTR_TYPE_EXTERNAL || type == INTR_TYPE_NMI ||
		       (type == INTR_TYPE_HARDWARE_EXCEPTION &&
			(vector == EXC_DB || vector == EXC_MC)) ||
		       (type == INTR_TYPE_OTHER && vector == 0);
	case ACTIVITY_STATE_SHUTDOWN:
		return type == INTR_TYPE_NMI ||
		       (type == INTR_TYPE_HARDWARE_EXCEPTION &&
			vector == EXC_MC);
	}
	return false;
}

#define ACTIVITY_STATES                                       \
	(VMX_MISC_ACTIVITY_HLT | VMX_MISC_ACTIVITY_SHUTDOWN | \
	 VMX_MISC_ACTIVITY_WAIT_SIPI)

static const char *const activity_names[] = {"active", "HLT", "shutdown",
					     "wait-for-SIPI"};

static void check_activity(struct guest *g, bool have_intr, uint64_t intr)
{
	static const uint64_t misc_bit[] = {0, VMX_MISC_ACTIVITY_HLT,
					    VMX_MISC_ACTIVITY_SHUTDOWN,
					    VMX_MISC_ACTIVITY_WAIT_SIPI};
	struct entry_check_ctx *c = g->c;
	uint64_t state;

	if (!ec_read(c, VMCS_ENC_GUEST_ACTIVITY_STATE, &state))
		return;
	if (state > ACTIVITY_STATE_WAIT_FOR_SIPI ||
	    (state != ACTIVITY_STATE_ACTIVE &&
	     !(c->env->caps->misc & misc_bit[state]))) {
		ec_fail(c, RULE_GUEST_ACTIVITY_STATE,
			"guest activity state %lu is not 0-3 or not offered by "
			"IA32_VMX_MISC bits 8:6 (0x%lx)",
			state,
			(uint64_t)(c->env->caps->misc & ACTIVITY_STATES));
		return;
	}
	/* HLT is entered at CPL 0 only. */
	if (state == ACTIVITY_STATE_HLT && g->seg[SS].ok &&
	    AR_DPL(g->seg[SS].ar) != 0)
		ec_fail(c, RULE_GUEST_ACTIVITY_HLT_DPL,
			"guest activity state HLT with SS DPL %u; HLT needs "
			"CPL 0",
			(unsigned int)AR_DPL(g->seg[SS].ar));
	/* STI and MOV-SS blocking last one instruction: one to execute. */
	if (have_intr && state != ACTIVITY_STATE_ACTIVE &&
	    (intr & (BLOCKING_BY_STI | BLOCKING_BY_MOV_SS)))
		ec_fail(c, RULE_GUEST_ACTIVITY_BLOCKING,
			"guest activity state %s with blocking by STI or MOV "
			"SS (interruptibility 0x%lx); it must be active",
			activity_names[state], intr);
	if (intr_valid(g) && !injectable_in(state, g->info))
		ec_fail(c, RULE_GUEST_ACTIVITY_INJECTION,
			"guest activity state %s cannot take the injected "
			"event 0x%lx",
			activity_names[state], g->info);
}

static void check_interruptibility(struct guest *g, uint64_t intr)
{
	struct entry_check_ctx *c = g->c;
	unsigned int type = INTR_INFO_TYPE(g->info);

	if (intr & INTERRUPTIBILITY_RESERVED)
		ec_fail(c, RULE_GUEST_INTR_STATE_RESERVED,
			"guest interruptibility state 0x%lx sets reserved bits "
			"31:5",
			intr);
	if ((intr & BLOCKING_BY_STI) && (intr & BLOCKING_BY_MOV_SS))
		ec_fail(c, RULE_GUEST_INTR_STATE_STI_MOV_SS,
			"guest interruptibility state 0x%lx: blocking by STI "
			"and by MOV SS are both set",
			intr);
	/* STI blocking follows an STI that set IF. */
	if ((intr & BLOCKING_BY_STI) && g->have_rflags &&
	    !(g->rflags & RFLAGS_IF))
		ec_fail(c, RULE_GUEST_INTR_STATE_STI_IF,
			"guest interruptibility state 0x%lx: blocking by STI "
			"with RFLAGS.IF=0 (RFLAGS 0x%lx)",
			intr, g->rflags);
	/* An injected interrupt or NMI must not be one that is blocked. */
	if (intr_valid(g) &&
	    ((type == INTR_TYPE_EXTERNAL &&
	      (intr & (BLOCKING_BY_STI | BLOCKING_BY_MOV_SS))) ||
	     (type == INTR_TYPE_NMI && (intr & BLOCKING_BY_MOV_SS))))
		ec_fail(c, RULE_GUEST_INTR_STATE_INJECTION,
			"guest interruptibility state 0x%lx blocks the "
			"injected %s",
			intr,
			type == INTR_TYPE_NMI ? "NMI" : "external interrupt");
	/* This VMM is never in SMM. */
	if (intr & BLOCKING_BY_SMI)
		ec_fail(c, RULE_GUEST_INTR_STATE_SMI,
			"guest interruptibility state 0x%lx: blocking by SMI "
			"outside SMM",
			intr);
	if ((c->pin & (uint32_t)PIN_VIRTUAL_NMIS) && intr_valid(g) &&
	    type == INTR_TYPE_NMI && (intr & BLOCKING_BY_NMI))
		ec_fail(c, RULE_GUEST_INTR_STATE_NMI,
			"guest interruptibility state 0x%lx blocks NMIs while "
			"a virtual NMI is injected",
			intr);
}

static void check_pending_debug(struct guest *g, bool have_intr, uint64_t intr)
{
	struct entry_check_ctx *c = g->c;
	uint64_t pending, state, debugctl;
	bool single_step, bs;

	if (!ec_read(c, VMCS_ENC_GUEST_PENDING_DEBUG_EXCEPTIONS, &pending))
		return;
	if (pending & PENDING_DBG_RESERVED)
		ec_fail(c, RULE_GUEST_PENDING_DBG_RESERVED,
			"guest pending debug exceptions 0x%lx set reserved "
			"bits 0x%lx",
			pending, (uint64_t)(pending & PENDING_DBG_RESERVED));
	/* A single step caught under STI/MOV-SS blocking or HLT must be
	 * pending (BS) exactly when RFLAGS.TF asks for one. */
	if (!have_intr || !g->have_rflags ||
	    !ec_read(c, VMCS_ENC_GUEST_ACTIVITY_STATE, &state) ||
	    !ec_read(c, VMCS_ENC_GUEST_IA32_DEBUGCTL, &debugctl))
		return;
	if (!(intr & (BLOCKING_BY_STI | BLOCKING_BY_MOV_SS)) &&
	    state != ACTIVITY_STATE_HLT)
		return;
	single_step = (g->rflags & RFLAGS_TF) && !(debugctl & DEBUGCTL_BTF);
	bs = (pending & PENDING_DBG_BS) != 0;
	if (bs != single_step)
		ec_fail(c, RULE_GUEST_PENDING_DBG_BS,
			"guest pending debug exceptions 0x%lx: BS must be %u "
			"(RFLAGS.TF %u, IA32_DEBUGCTL.BTF %u) under blocking "
			"or HLT",
			pending, single_step, !!(g->rflags & RFLAGS_TF),
			!!(debugctl & DEBUGCTL_BTF));
}

static void check_non_register_state(struct guest *g)
{
	struct entry_check_ctx *c = g->c;
	uint64_t intr, link;
	bool have_intr =
		ec_read(c, VMCS_ENC_GUEST_INTERRUPTIBILITY_STATE, &intr);

	check_activity(g, have_intr, intr);
	if (have_intr)
		check_interruptibility(g, intr);
	check_pending_debug(g, have_intr, intr);
	/* Any other value makes the CPU validate a shadow VMCS there. */
	if (ec_read(c, VMCS_ENC_VMCS_LINK_POINTER, &link) && link != ~0ull)
		ec_fail(c, RULE_GUEST_LINK_POINTER,
			"VMCS link pointer 0x%lx is not FFFFFFFF_FFFFFFFFH; "
			"this VMM never uses VMCS shadowing",
			link);
}

void entry_check_guest(struct entry_check_ctx *c)
{
	struct guest g;

	read_guest(c, &g);
	check_guest_cr0_cr4(&g);
	check_guest_cr3_debug(&g);
	check_guest_msrs(&g);
	check_segments(&g);
	check_descriptor_tables(&g);
	check_rip_rflags(&g);
	check_non_register_state(&g);
}
