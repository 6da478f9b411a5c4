/* Resident mode's pure logic (vmm/resident/resident_state.c): the
 * captured CPU as a VMCS guest, the INIT reset state (SDM 3A 9.1.1,
 * Table 9-1), SIPI, CPUID and MSR hiding, the identity EPT without hv's
 * own memory, with the MTRRs' memory types. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "resident/resident_state.h"
#include "vmx/vmx_entry.h"
#include "x86/msr.h"
#include "x86/x86.h"

/* OVMF's GDT as it runs in long mode (its CS 0x38, data 0x30), with a
 * 64-bit TSS at 0x40 for the TR case. */
static uint8_t gdt[0x50];

static void put_desc(unsigned int off, uint64_t d)
{
	for (unsigned int i = 0; i < 8; i++)
		gdt[off + i] = (uint8_t)(d >> (8 * i));
}

static void make_gdt(void)
{
	memset(gdt, 0, sizeof(gdt));
	put_desc(0x30, 0x00cf92000000ffffull); /* data, 4 GiB, not accessed */
	put_desc(0x38, 0x00af9b000000ffffull); /* 64-bit code */
	/* 64-bit available TSS at 0x1234_5678_9abc_d000, limit 0x67 */
	put_desc(0x40, 0x9a0089bcd0000067ull);
	put_desc(0x48, 0x0000000012345678ull);
}

static const struct resident_fixed fixed = {
	.cr0_fixed0 = CR0_PE | CR0_NE | CR0_PG,
	.cr0_fixed1 = 0xffffffffull,
	.cr4_fixed0 = CR4_VMXE,
	.cr4_fixed1 = 0x3727ffull,
	.unrestricted = true,
};

static struct resident_capture ovmf_capture(void)
{
	struct resident_capture c = {
		.rbx = 1,
		.rbp = 2,
		.r12 = 3,
		.r13 = 4,
		.r14 = 5,
		.r15 = 6,
		.rsp = 0x7f000,
		.rip = 0x123456,
		.rflags = 0x246,
		.cr0 = 0x80010033,
		.cr3 = 0x7c01000,
		.cr4 = 0x668,
		.dr7 = 0x400,
		.gdtr_limit = sizeof(gdt) - 1,
		.idtr_base = 0x7e00000,
		.idtr_limit = 0xfff,
		.efer = EFER_LME | EFER_LMA | EFER_NXE,
		.pat = PAT_POWER_ON,
		.fs_base = 0,
		.gs_base = 0xabc000,
	};

	c.sel[RSEG_CS] = 0x38;
	c.sel[RSEG_SS] = c.sel[RSEG_DS] = c.sel[RSEG_ES] = 0x30;
	c.sel[RSEG_FS] = c.sel[RSEG_GS] = 0x30;
	return c;
}

static void capture_becomes_the_guest(void **state)
{
	struct resident_capture c = ovmf_capture();
	struct resident_guest g;

	(void)state;
	make_gdt();
	assert_null(resident_guest_from_capture(&c, gdt, &fixed, &g));
	assert_int_equal(g.rip, 0x123456);
	assert_int_equal(g.rsp, 0x7f000);
	assert_int_equal(g.rflags, 0x246);
	/* it resumes after the capture with RAX = 1, callee-saved kept */
	assert_int_equal(g.gpr[GPR_RAX], RESIDENT_RESUMED);
	assert_int_equal(g.gpr[GPR_RBX], 1);
	assert_int_equal(g.gpr[GPR_R15], 6);
	/* CS: 64-bit code, accessed, present; data: accessed, 4 GiB */
	assert_int_equal(g.seg[RSEG_CS].ar, 0xa09b);
	assert_int_equal(g.seg[RSEG_DS].ar, 0xc093);
	assert_int_equal(g.seg[RSEG_DS].limit, 0xffffffffu);
	assert_int_equal(g.seg[RSEG_GS].base, 0xabc000);
	/* OVMF's TR 0: a minimal busy TSS; LDTR null: unusable */
	assert_int_equal(g.seg[RSEG_TR].ar, AR_P | TYPE_BUSY_TSS);
	assert_int_equal(g.seg[RSEG_TR].limit, 0x67);
	assert_int_equal(g.seg[RSEG_LDTR].ar, AR_UNUSABLE);
	/* VMXE real, hidden by the read shadow */
	assert_true(g.cr4 & CR4_VMXE);
	assert_int_equal(g.cr4_shadow, 0x668);
	assert_int_equal(g.cr0, 0x80010033);
	assert_true(g.ia32e);
	assert_int_equal(g.activity, RESIDENT_ACTIVITY_ACTIVE);
}

static void firmware_tss_is_busy_with_its_high_base(void **state)
{
	struct resident_capture c = ovmf_capture();
	struct resident_guest g;

	(void)state;
	make_gdt();
	c.sel[RSEG_TR] = 0x40;
	assert_null(resident_guest_from_capture(&c, gdt, &fixed, &g));
	assert_int_equal(g.seg[RSEG_TR].base, 0x123456789abcd000ull);
	assert_int_equal(g.seg[RSEG_TR].ar, AR_P | TYPE_BUSY_TSS);
	/* TR left beyond the GDT by an earlier hv run: the minimal TSS */
	c.sel[RSEG_TR] = 0x58;
	assert_null(resident_guest_from_capture(&c, gdt, &fixed, &g));
	assert_int_equal(g.seg[RSEG_TR].sel, 0x58);
	assert_int_equal(g.seg[RSEG_TR].base, 0);
	assert_int_equal(g.seg[RSEG_TR].limit, 0x67);
}

static void bad_selectors_are_named(void **state)
{
	struct resident_capture c = ovmf_capture();
	struct resident_guest g;

	(void)state;
	make_gdt();
	c.sel[RSEG_DS] = 0x34;
	assert_string_equal(resident_guest_from_capture(&c, gdt, &fixed, &g),
			    "a selector in an LDT");
	c = ovmf_capture();
	c.sel[RSEG_SS] = 0x60;
	assert_string_equal(resident_guest_from_capture(&c, gdt, &fixed, &g),
			    "a selector beyond the GDT's limit");
	c = ovmf_capture();
	c.efer = 0;
	assert_string_equal(resident_guest_from_capture(&c, gdt, &fixed, &g),
			    "the CPU is not in 64-bit mode");
}

/* SDM 3A 9.1.1, Table 9-1, the INIT column. */
static void init_gives_table_9_1(void **state)
{
	struct resident_guest g;

	(void)state;
	resident_guest_at_init(0x50654, &fixed, &g);
	assert_int_equal(g.rip, 0xfff0);
	assert_int_equal(g.seg[RSEG_CS].sel, 0xf000);
	assert_int_equal(g.seg[RSEG_CS].base, 0xffff0000ull);
	assert_int_equal(g.seg[RSEG_CS].limit, 0xffff);
	assert_int_equal(g.seg[RSEG_CS].ar, 0x9b);
	assert_int_equal(g.seg[RSEG_SS].ar, 0x93);
	assert_int_equal(g.seg[RSEG_LDTR].ar, 0x82);
	assert_int_equal(g.seg[RSEG_TR].ar, 0x8b);
	assert_int_equal(g.gdtr_limit, 0xffff);
	assert_int_equal(g.idtr_base, 0);
	assert_int_equal(g.rflags, 2);
	assert_int_equal(g.gpr[GPR_RDX], 0x50654);
	assert_int_equal(g.dr7, 0x400);
	assert_int_equal(g.efer, 0);
	assert_false(g.ia32e);
	/* CD NW ET, NE forced; PE, PG clear (unrestricted guest) */
	assert_int_equal(g.cr0, 0x60000030);
	assert_int_equal(g.cr4, CR4_VMXE);
	assert_int_equal(g.cr4_shadow, 0);
	assert_int_equal(g.activity, RESIDENT_ACTIVITY_WAIT_FOR_SIPI);

	struct resident_segment cs = g.seg[RSEG_CS];
	uint64_t rip = 1;

	resident_sipi_cs(0x9a, &cs, &rip);
	assert_int_equal(cs.sel, 0x9a00);
	assert_int_equal(cs.base, 0x9a000);
	assert_int_equal(rip, 0);
}

static void cpuid_hides_vmx_and_says_hypervisor(void **state)
{
	struct cpuid_regs r = {0, 0, 0xffffffffu & ~(1u << 31), 0};

	(void)state;
	resident_cpuid(1, 0, &r);
	assert_false(r.ecx & (1u << 5));
	assert_true(r.ecx & (1u << 31));
	r = (struct cpuid_regs){1, 2, 3, 4};
	resident_cpuid(7, 0, &r);
	assert_int_equal(r.ecx, 3); /* other leaves: the processor's */
}

/* KVM below hv: recognized by its signature where the processor says a
 * hypervisor is there, never from the leaf alone (on hardware 40000000H
 * is no hypervisor's). */
static void kvm_below_is_known_by_its_signature(void **state)
{
	struct cpuid_regs kvm = {0x40000001u, 0x4b4d564bu /* "KVMK" */,
				 0x564b4d56u /* "VMKV" */, 0x4du /* "M" */};
	struct cpuid_regs other = kvm;

	(void)state;
	assert_true(resident_below_is_kvm(CPUID_1_ECX_HYPERVISOR, &kvm));
	assert_false(resident_below_is_kvm(~CPUID_1_ECX_HYPERVISOR, &kvm));
	other.edx = 0x4d00u;
	assert_false(resident_below_is_kvm(CPUID_1_ECX_HYPERVISOR, &other));
}

/* KVM's leaves at 40000100H: its signature with the highest leaf moved
 * up, the features hv can pass on (no hypercall: a VMCALL exits to hv;
 * of the MSRs that name an address KVM writes, PV EOI's alone, whose
 * address hv checks), no hints, zeros above. */
static void kvm_leaves_move_up_with_what_hv_can_pass_on(void **state)
{
	struct cpuid_regs sig = {0x40000001u, 0x4b4d564bu, 0x564b4d56u, 0x4du};
	struct cpuid_regs features = {0x01ffffffu, 0, 0, 1 /* REALTIME */};
	struct cpuid_regs r;

	(void)state;
	resident_kvm_leaf(0x40000100u, &sig, &r);
	assert_int_equal(r.eax, 0x40000101u);
	assert_int_equal(r.ebx, sig.ebx);
	assert_int_equal(r.ecx, sig.ecx);
	assert_int_equal(r.edx, sig.edx);
	resident_kvm_leaf(0x40000101u, &features, &r);
	assert_int_equal(r.eax,
			 KVM_FEATURE_NOP_IO_DELAY | KVM_FEATURE_CLOCKSOURCE2 |
				 KVM_FEATURE_STEAL_TIME | KVM_FEATURE_PV_EOI |
				 KVM_FEATURE_CLOCKSOURCE_STABLE_BIT);
	assert_int_equal(r.ebx | r.ecx | r.edx, 0);
	resident_kvm_leaf(0x40000110u, &sig, &r);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
}

/* The areas KVM writes below hv's EPT: hv passes the MSR on only for an
 * address aligned as KVM's documentation asks whose bytes are none of
 * hv's memory; turning one off always passes. */
static bool area_ok(uint32_t msr, uint64_t value)
{
	const struct resident_range hv[1] = {{0x100000, 0x10000}};
	const struct resident_kvm_area *a = resident_kvm_area(msr);

	assert_non_null(a);
	return resident_kvm_area_ok(a, value, hv, 1);
}

static void pv_eoi_word_may_not_be_hvs(void **state)
{
	(void)state;
	assert_true(area_ok(MSR_KVM_PV_EOI_EN, 0));
	assert_true(area_ok(MSR_KVM_PV_EOI_EN, 0x100000)); /* off */
	assert_true(area_ok(MSR_KVM_PV_EOI_EN, 0x2000 | 1));
	assert_true(area_ok(MSR_KVM_PV_EOI_EN, 0xffffc | 1));
	assert_false(area_ok(MSR_KVM_PV_EOI_EN, 0xffffe | 1)); /* KVM's #GP */
	assert_false(area_ok(MSR_KVM_PV_EOI_EN, 0x100000 | 1));
	assert_false(area_ok(MSR_KVM_PV_EOI_EN, 0x10fffc | 1));
	assert_true(area_ok(MSR_KVM_PV_EOI_EN, 0x110000 | 1));
}

/* kvm-clock's two areas: this CPU's 32 bytes (struct
 * pvclock_vcpu_time_info, bit 0 turns it on) and the wall clock's 12
 * (struct pvclock_wall_clock, written once at each WRMSR: no enable
 * bit, so 0 is an address like any other), both 4-byte aligned. */
static void kvm_clock_areas_may_not_be_hvs(void **state)
{
	(void)state;
	assert_true(area_ok(MSR_KVM_SYSTEM_TIME_NEW, 0));
	assert_true(area_ok(MSR_KVM_SYSTEM_TIME_NEW, 0xfffe0 | 1));
	assert_false(area_ok(MSR_KVM_SYSTEM_TIME_NEW, 0xfffe4 | 1));
	assert_false(area_ok(MSR_KVM_SYSTEM_TIME_NEW, 0xffff2 | 1));
	assert_true(area_ok(MSR_KVM_SYSTEM_TIME_NEW, 0x110000 | 1));
	assert_true(area_ok(MSR_KVM_WALL_CLOCK_NEW, 0));
	assert_true(area_ok(MSR_KVM_WALL_CLOCK_NEW, 0xffff4));
	assert_false(area_ok(MSR_KVM_WALL_CLOCK_NEW, 0xffff8));
	assert_false(area_ok(MSR_KVM_WALL_CLOCK_NEW, 0x2002));
	assert_false(area_ok(MSR_KVM_WALL_CLOCK_NEW, 0x10fff0));
}

/* Steal time: 64 bytes (struct kvm_steal_time), 64-byte aligned (KVM
 * refuses bits 5:1 with #GP). */
static void steal_time_area_may_not_be_hvs(void **state)
{
	(void)state;
	assert_true(area_ok(MSR_KVM_STEAL_TIME, 0x20000 | 1));
	assert_true(area_ok(MSR_KVM_STEAL_TIME, 0xfffc0 | 1));
	assert_false(area_ok(MSR_KVM_STEAL_TIME, 0xfffe0 | 1));
	assert_false(area_ok(MSR_KVM_STEAL_TIME, 0x20002 | 1));
	assert_false(area_ok(MSR_KVM_STEAL_TIME, 0x10ffc0 | 1));
	assert_true(area_ok(MSR_KVM_STEAL_TIME, 0x10ffc0)); /* off */
}

/* Only KVM's MSRs that name an area are passed on; its first clock MSRs
 * (11H, 12H) stay hidden, and its others (async page faults, polling
 * control) are not KVM's to see from this guest. */
static void only_kvms_area_msrs_are_passed_on(void **state)
{
	(void)state;
	assert_null(resident_kvm_area(MSR_KVM_WALL_CLOCK));
	assert_null(resident_kvm_area(MSR_KVM_SYSTEM_TIME));
	assert_null(resident_kvm_area(0x4b564d02u)); /* async PF */
	assert_null(resident_kvm_area(0x4b564d05u)); /* poll control */
	assert_null(resident_kvm_area(MSR_IA32_FEATURE_CONTROL));
}

/* A PAUSE exit's time goes to the other CPUs in turn, never to the CPU
 * that spins. */
static void pause_yields_to_every_other_cpu_in_turn(void **state)
{
	(void)state;
	assert_int_equal(resident_yield_target(0, 0, 2), 1);
	assert_int_equal(resident_yield_target(1, 0, 2), 1);
	assert_int_equal(resident_yield_target(0, 1, 2), 0);
	assert_int_equal(resident_yield_target(1, 1, 2), 0);
	assert_int_equal(resident_yield_target(0, 2, 4), 1);
	assert_int_equal(resident_yield_target(1, 2, 4), 3);
	assert_int_equal(resident_yield_target(3, 2, 4), 0);
	assert_int_equal(resident_yield_target(3, 0, 4), 1);
}

/* PAUSE exits only where hv runs under another hypervisor: there it is
 * what kept Linux's AP bring-up from hanging nested KVM inside Bochs
 * (docs/resident.md); on hardware PAUSE stays the guest's. */
static void pause_traps_only_under_a_hypervisor(void **state)
{
	(void)state;
	assert_int_equal(resident_pause_policy(0), POLICY_PASS);
	assert_int_equal(resident_pause_policy(~CPUID_1_ECX_HYPERVISOR),
			 POLICY_PASS);
	assert_int_equal(resident_pause_policy(CPUID_1_ECX_HYPERVISOR),
			 POLICY_TRAP);
}

static void vmx_msrs_are_hidden(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_true(resident_msr_hidden(MSR_IA32_FEATURE_CONTROL));
	assert_true(resident_msr_hidden(0x480));
	assert_true(resident_msr_hidden(0x491));
	assert_false(resident_msr_hidden(0x492));
	assert_false(resident_msr_hidden(MSR_IA32_EFER));
	assert_true(resident_msr_read(MSR_IA32_FEATURE_CONTROL, 5, &v));
	assert_int_equal(v, 1); /* locked, VMXON outside SMX clear */
	assert_false(resident_msr_read(0x480, 5, &v));
	/* KVM's first clock MSRs: a write would have KVM write wherever the
	 * guest says, hv's memory included */
	assert_true(resident_msr_hidden(MSR_KVM_WALL_CLOCK));
	assert_true(resident_msr_hidden(MSR_KVM_SYSTEM_TIME));
	assert_false(resident_msr_hidden(MSR_IA32_TIME_STAMP_COUNTER));
	assert_false(resident_msr_read(MSR_KVM_SYSTEM_TIME, 5, &v));
}

static void *fake_alloc(void *ctx)
{
	(void)ctx;
	void *p = aligned_alloc(4096, 4096);

	if (p)
		memset(p, 0, 4096);
	return p;
}

static void fake_free(void *ctx, void *page)
{
	(void)ctx;
	free(page);
}

static void identity_ept_leaves_hv_out(void **state)
{
	struct page_source src = {fake_alloc, fake_free, NULL};
	struct ept e;
	const struct resident_range hidden[] = {{0x7e00000, 0x400000}};
	uint64_t hpa;
	unsigned int perms;
	struct mtrr_state all_wb;

	(void)state;
	mtrr_all_wb(&all_wb, 39);
	assert_int_equal(ept_init(&e, &src), 0);
	assert_int_equal(resident_ept_identity(&e, 4ull << 30, hidden, 1,
					       &all_wb, false),
			 0);
	assert_int_equal(ept_translate(&e, 0x1234, &hpa, &perms), 0);
	assert_int_equal(hpa, 0x1234);
	assert_int_equal(perms, EPT_RWX);
	assert_int_equal(ept_translate(&e, 0xfee00000, &hpa, &perms), 0);
	assert_int_equal(hpa, 0xfee00000);
	assert_int_equal(ept_translate(&e, 0x7dfffff, &hpa, &perms), 0);
	assert_int_equal(ept_translate(&e, 0x7e00000, &hpa, &perms), -1);
	assert_int_equal(ept_translate(&e, 0x81fffff, &hpa, &perms), -1);
	assert_int_equal(ept_translate(&e, 0x8200000, &hpa, &perms), 0);
	assert_int_equal(ept_translate(&e, 4ull << 30, &hpa, &perms), -1);
	assert_true(e.table_pages <= resident_ept_pages(4ull << 30, &all_wb));
	ept_destroy(&e);

	const struct resident_range odd[] = {{0x1800, PAGE_2M}}; /* 4 KiB: no */

	assert_int_equal(ept_init(&e, &src), 0);
	assert_int_equal(
		resident_ept_identity(&e, 4ull << 30, odd, 1, &all_wb, false),
		-1);
	ept_destroy(&e);
}

/* The leaf EPT entry that maps @gpa and its level (1: a 4-KiB page, 2: a
 * 2-MiB page, 3: a 1-GiB page), or 0 (SDM 3C 29.3.2, "EPT Translation Mechanism"). */
static uint64_t ept_leaf(const struct ept *e, uint64_t gpa, int *level)
{
	const uint64_t *t = e->pml4;

	for (int l = 4; l >= 1; l--) {
		uint64_t x = t[(gpa >> (12 + 9 * (l - 1))) & 511];

		if (!(x & EPT_RWX))
			return 0;
		if (l == 1 || (x & 0x80)) {
			*level = l;
			return x;
		}
		t = (const uint64_t *)(x & 0x000ffffffffff000ull);
	}
	return 0;
}

/* A leaf's memory type, bits 5:3, and its level, as "type << 4 | level",
 * so one comparison checks both; ~0 when unmapped. */
static unsigned int typed(const struct ept *e, uint64_t gpa)
{
	int level = 0;
	uint64_t x = ept_leaf(e, gpa, &level);

	if (!x)
		return ~0u;
	/* ignore-PAT clear: the guest's PAT combines with the EPT type, as
	 * with the MTRRs natively */
	assert_false(x & (1ull << 6));
	return (unsigned int)((x >> 3) & 7) << 4 | (unsigned int)level;
}

#define LEAF_4K(type) ((unsigned int)(type) << 4 | 1u)
#define LEAF_2M(type) ((unsigned int)(type) << 4 | 2u)
#define LEAF_1G(type) ((unsigned int)(type) << 4 | 3u)

/* OVMF-like MTRRs: default WB; the 32-bit MMIO hole C0000000H-FFFFFFFFH
 * UC; the fixed ranges WB to 9FFFFH, the VGA window A0000H-BFFFFH UC,
 * C0000H-FFFFFH WP; and one 4-KiB UC range at 180000000H (6 GiB), in
 * memory, to split a 2-MiB page above the first. */
static void ovmf_like(struct mtrr_state *m)
{
	*m = (struct mtrr_state){
		.present = true,
		.cap = 8 | MTRRCAP_FIX | MTRRCAP_WC,
		.def_type = MTRR_DEF_TYPE_E | MTRR_DEF_TYPE_FE | MEMORY_TYPE_WB,
		.nvar = 8,
		.maxphy = 36,
		.fixed = {0x0606060606060606ull, 0x0606060606060606ull, 0,
			  0x0505050505050505ull, 0x0505050505050505ull,
			  0x0505050505050505ull, 0x0505050505050505ull,
			  0x0505050505050505ull, 0x0505050505050505ull,
			  0x0505050505050505ull, 0x0505050505050505ull},
		.var = {{0xc0000000ull | MEMORY_TYPE_UC,
			 0xfc0000000ull | MTRR_PHYSMASK_VALID},
			{0x180000000ull | MEMORY_TYPE_UC,
			 0xffffff000ull | MTRR_PHYSMASK_VALID}},
	};
}

static void identity_ept_takes_the_mtrr_types(void **state)
{
	struct page_source src = {fake_alloc, fake_free, NULL};
	struct ept e;
	const struct resident_range hidden[] = {{0x7e00000, 0x400000}};
	const uint64_t top = 8ull << 30;
	struct mtrr_state m;
	struct resident_ept_types t;
	uint64_t hpa;
	unsigned int perms;

	(void)state;
	ovmf_like(&m);
	assert_int_equal(ept_init(&e, &src), 0);
	assert_int_equal(resident_ept_identity(&e, top, hidden, 1, &m, false),
			 0);
	/* the first 2 MiB in 4-KiB pages, each the fixed ranges' type */
	assert_int_equal(typed(&e, 0), LEAF_4K(MEMORY_TYPE_WB));
	assert_int_equal(typed(&e, 0x9f000), LEAF_4K(MEMORY_TYPE_WB));
	assert_int_equal(typed(&e, 0xa0000), LEAF_4K(MEMORY_TYPE_UC));
	assert_int_equal(typed(&e, 0xbf000), LEAF_4K(MEMORY_TYPE_UC));
	assert_int_equal(typed(&e, 0xc0000), LEAF_4K(MEMORY_TYPE_WP));
	assert_int_equal(typed(&e, 0xff000), LEAF_4K(MEMORY_TYPE_WP));
	assert_int_equal(typed(&e, 0x100000), LEAF_4K(MEMORY_TYPE_WB));
	assert_int_equal(typed(&e, 0x1ff000), LEAF_4K(MEMORY_TYPE_WB));
	assert_int_equal(ept_translate(&e, 0xa0123, &hpa, &perms), 0);
	assert_int_equal(hpa, 0xa0123);
	assert_int_equal(perms, EPT_RWX);
	/* memory in 2-MiB pages, WB; hv's own still unmapped */
	assert_int_equal(typed(&e, 0x200000), LEAF_2M(MEMORY_TYPE_WB));
	assert_int_equal(typed(&e, 0x7c00000), LEAF_2M(MEMORY_TYPE_WB));
	assert_int_equal(typed(&e, 0x7e00000), ~0u);
	assert_int_equal(typed(&e, 0x8000000), ~0u);
	assert_int_equal(typed(&e, 0x8200000), LEAF_2M(MEMORY_TYPE_WB));
	assert_int_equal(typed(&e, 0xbfe00000), LEAF_2M(MEMORY_TYPE_WB));
	/* the MMIO hole UC: PCI BARs, the I/O APIC, the local APIC */
	assert_int_equal(typed(&e, 0xc0000000), LEAF_2M(MEMORY_TYPE_UC));
	assert_int_equal(typed(&e, 0xfec00000), LEAF_2M(MEMORY_TYPE_UC));
	assert_int_equal(typed(&e, 0xfee00000), LEAF_2M(MEMORY_TYPE_UC));
	assert_int_equal(typed(&e, 0xffe00000), LEAF_2M(MEMORY_TYPE_UC));
	assert_int_equal(ept_translate(&e, 0xfee00030, &hpa, &perms), 0);
	assert_int_equal(hpa, 0xfee00030);
	assert_int_equal(typed(&e, 4ull << 30), LEAF_2M(MEMORY_TYPE_WB));
	/* the 4-KiB range splits its 2-MiB page */
	assert_int_equal(typed(&e, 0x180000000ull), LEAF_4K(MEMORY_TYPE_UC));
	assert_int_equal(typed(&e, 0x180001000ull), LEAF_4K(MEMORY_TYPE_WB));
	assert_int_equal(typed(&e, 0x1801ff000ull), LEAF_4K(MEMORY_TYPE_WB));
	assert_int_equal(typed(&e, 0x180200000ull), LEAF_2M(MEMORY_TYPE_WB));
	assert_int_equal(typed(&e, top - PAGE_2M), LEAF_2M(MEMORY_TYPE_WB));
	assert_int_equal(typed(&e, top), ~0u);

	/* two page tables more than the 2-MiB map, within the bound */
	resident_ept_types(top, &m, &t);
	assert_int_equal(t.split, 2);
	assert_int_equal(t.uc, (1ull << 30) + 0x20000 + 0x1000);
	assert_int_equal(resident_ept_pages(top, &m),
			 resident_ept_pages(top, NULL) + 2);
	assert_true(e.table_pages <= resident_ept_pages(top, &m));

	/* 1-GiB pages where a GiB is of one type and none of it hv's */
	unsigned int pages_2m = e.table_pages;

	ept_destroy(&e);
	assert_int_equal(ept_init(&e, &src), 0);
	assert_int_equal(resident_ept_identity(&e, top, hidden, 1, &m, true),
			 0);
	assert_int_equal(typed(&e, 0xa0000), LEAF_4K(MEMORY_TYPE_UC));
	assert_int_equal(typed(&e, 0x200000), LEAF_2M(MEMORY_TYPE_WB));
	assert_int_equal(typed(&e, 0x7e00000), ~0u);
	assert_int_equal(typed(&e, 0x3fe00000), LEAF_2M(MEMORY_TYPE_WB));
	assert_int_equal(typed(&e, 0x40000000), LEAF_1G(MEMORY_TYPE_WB));
	assert_int_equal(typed(&e, 0xbfe00000), LEAF_1G(MEMORY_TYPE_WB));
	assert_int_equal(typed(&e, 0xc0000000), LEAF_1G(MEMORY_TYPE_UC));
	assert_int_equal(typed(&e, 0xfee00000), LEAF_1G(MEMORY_TYPE_UC));
	assert_int_equal(ept_translate(&e, 0xfee00030, &hpa, &perms), 0);
	assert_int_equal(hpa, 0xfee00030);
	assert_int_equal(typed(&e, 5ull << 30), LEAF_1G(MEMORY_TYPE_WB));
	assert_int_equal(typed(&e, 0x180000000ull), LEAF_4K(MEMORY_TYPE_UC));
	assert_int_equal(typed(&e, 0x180200000ull), LEAF_2M(MEMORY_TYPE_WB));
	assert_int_equal(typed(&e, 0x1bfe00000ull), LEAF_2M(MEMORY_TYPE_WB));
	assert_int_equal(typed(&e, 7ull << 30), LEAF_1G(MEMORY_TYPE_WB));
	assert_int_equal(typed(&e, top), ~0u);
	/* PML4, PDPT, two PDs (GiB 0 and 6), two PTs */
	assert_int_equal(e.table_pages, 6);
	assert_true(e.table_pages < pages_2m);
	ept_destroy(&e);

	/* MTRRs disabled: all UC, as the processor has it, in 2-MiB pages */
	m.def_type &= ~MTRR_DEF_TYPE_E;
	assert_int_equal(ept_init(&e, &src), 0);
	assert_int_equal(resident_ept_identity(&e, top, hidden, 1, &m, false),
			 0);
	assert_int_equal(typed(&e, 0), LEAF_2M(MEMORY_TYPE_UC));
	assert_int_equal(typed(&e, 0x180000000ull), LEAF_2M(MEMORY_TYPE_UC));
	assert_int_equal(resident_ept_pages(top, &m),
			 resident_ept_pages(top, NULL));
	assert_true(e.table_pages <= resident_ept_pages(top, &m));
	ept_destroy(&e);
}

/* The host's page tables: a walk as the CPU makes it (SDM 3A 4.5). */
static uint64_t walk(uint64_t pml4, uint64_t va)
{
	const uint64_t *t = (const uint64_t *)pml4;
	uint64_t e = t[(va >> 39) & 511];

	if (!(e & 1))
		return ~0ull;
	t = (const uint64_t *)(e & ~0xfffull);
	e = t[(va >> 30) & 511];
	if (!(e & 1))
		return ~0ull;
	t = (const uint64_t *)(e & ~0xfffull);
	e = t[(va >> 21) & 511];
	if (!(e & 1) || !(e & 0x80) || !(e & 2))
		return ~0ull;
	return (e & ~0x1fffffull) | (va & 0x1fffff);
}

static void host_paging_is_an_identity_map(void **state)
{
	struct page_source src = {fake_alloc, fake_free, NULL};
	uint64_t pml4;

	(void)state;
	assert_int_equal(resident_host_paging(&src, 0x1000), 0);
	pml4 = resident_host_paging(&src, 5ull << 30);
	assert_true(pml4 != 0);
	assert_int_equal(walk(pml4, 0x1234), 0x1234);
	assert_int_equal(walk(pml4, 0xfee00010), 0xfee00010);
	assert_int_equal(walk(pml4, (5ull << 30) - 8), (5ull << 30) - 8);
	assert_int_equal(walk(pml4, 5ull << 30), ~0ull);
	/* 1 PML4 + 1 PDPT + 5 PDs, the bound resident_ept_pages gives */
	assert_true(resident_ept_pages(5ull << 30, NULL) >= 7);
	uint64_t *l4 = (uint64_t *)pml4;
	uint64_t *l3 = (uint64_t *)(l4[0] & ~0xfffull);

	for (unsigned int i = 0; i < 512; i++)
		if (l3[i] & 1)
			free((void *)(l3[i] & ~0xfffull));
	free(l3);
	free(l4);
}

/* hv's driver image, hidden but for what SetVirtualAddressMap reads: a
 * PE32+ image laid out as gnu-efi links hvrt.efi (headers, then .text at
 * 9000H, .reloc at 31000H, .data after it). The EPT without it keeps the
 * pages around it, in 4-KiB pages. */
static uint8_t pe_image[0x60000] __attribute__((aligned(4096)));

static void put32(uint8_t *p, uint32_t v)
{
	for (unsigned int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void driver_image_hidden_but_headers_and_relocations(void **state)
{
	struct resident_range h[2];
	const uint64_t base = (uint64_t)pe_image;
	uint8_t *opt = pe_image + 0x80 + 24;

	(void)state;
	memset(pe_image, 0, sizeof(pe_image));
	assert_int_equal(resident_image_hidden(pe_image, sizeof(pe_image), h),
			 0); /* no PE signature */
	pe_image[0] = 'M';
	pe_image[1] = 'Z';
	put32(pe_image + 0x3c, 0x80);
	put32(pe_image + 0x80, 0x00004550);
	opt[0] = 0x0b; /* PE32+ */
	opt[1] = 0x02;
	put32(opt + 60, 0x400);		/* SizeOfHeaders */
	put32(opt + 108, 16);		/* NumberOfRvaAndSizes */
	put32(opt + 112 + 40, 0x31000); /* the base relocation table */
	put32(opt + 112 + 44, 12);
	assert_int_equal(resident_image_hidden(pe_image, sizeof(pe_image), h),
			 2);
	assert_true(h[0].base == base + 0x1000 && h[0].size == 0x30000);
	assert_true(h[1].base == base + 0x32000 && h[1].size == 0x2e000);
	/* no relocations: everything after the headers */
	put32(opt + 112 + 44, 0);
	assert_int_equal(resident_image_hidden(pe_image, sizeof(pe_image), h),
			 1);
	assert_true(h[0].base == base + 0x1000 && h[0].size == 0x5f000);
	/* a table beyond the image: not read */
	put32(opt + 112 + 40, 0x70000);
	put32(opt + 112 + 44, 12);
	assert_int_equal(resident_image_hidden(pe_image, sizeof(pe_image), h),
			 0);
}

static void identity_ept_hides_4k_ranges(void **state)
{
	struct page_source src = {fake_alloc, fake_free, NULL};
	struct ept e;
	/* a pool (2-MiB pages) and an image of 4-KiB pages across a 2-MiB
	 * boundary */
	const struct resident_range hidden[] = {{0x7e00000, 0x400000},
						{0x91f1000, 0x30000}};
	uint64_t hpa;
	unsigned int perms;
	struct mtrr_state all_wb;

	(void)state;
	mtrr_all_wb(&all_wb, 39);
	assert_int_equal(ept_init(&e, &src), 0);
	assert_int_equal(
		resident_ept_identity(&e, 4ull << 30, hidden, 2, &all_wb, true),
		0);
	assert_int_equal(ept_translate(&e, 0x91f0fff, &hpa, &perms), 0);
	assert_int_equal(hpa, 0x91f0fff);
	assert_int_equal(ept_translate(&e, 0x91f1000, &hpa, &perms), -1);
	assert_int_equal(ept_translate(&e, 0x9200000, &hpa, &perms), -1);
	assert_int_equal(ept_translate(&e, 0x9220fff, &hpa, &perms), -1);
	assert_int_equal(ept_translate(&e, 0x9221000, &hpa, &perms), 0);
	assert_int_equal(perms, EPT_RWX);
	assert_int_equal(ept_translate(&e, 0x7e00000, &hpa, &perms), -1);
	assert_int_equal(ept_translate(&e, 0x1fffffff, &hpa, &perms), 0);
	assert_true(e.table_pages <=
		    resident_ept_pages(4ull << 30, &all_wb) +
			    resident_ept_hidden_pages(hidden, 2));
	assert_int_equal(resident_ept_hidden_pages(hidden, 2), 2);
	ept_destroy(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(capture_becomes_the_guest),
		cmocka_unit_test(firmware_tss_is_busy_with_its_high_base),
		cmocka_unit_test(bad_selectors_are_named),
		cmocka_unit_test(init_gives_table_9_1),
		cmocka_unit_test(cpuid_hides_vmx_and_says_hypervisor),
		cmocka_unit_test(kvm_below_is_known_by_its_signature),
		cmocka_unit_test(pv_eoi_word_may_not_be_hvs),
		cmocka_unit_test(kvm_clock_areas_may_not_be_hvs),
		cmocka_unit_test(steal_time_area_may_not_be_hvs),
		cmocka_unit_test(only_kvms_area_msrs_are_passed_on),
		cmocka_unit_test(pause_yields_to_every_other_cpu_in_turn),
		cmocka_unit_test(kvm_leaves_move_up_with_what_hv_can_pass_on),
		cmocka_unit_test(pause_traps_only_under_a_hypervisor),
		cmocka_unit_test(vmx_msrs_are_hidden),
		cmocka_unit_test(identity_ept_leaves_hv_out),
		cmocka_unit_test(
			driver_image_hidden_but_headers_and_relocations),
		cmocka_unit_test(identity_ept_hides_4k_ranges),
		cmocka_unit_test(identity_ept_takes_the_mtrr_types),
		cmocka_unit_test(host_paging_is_an_identity_map),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
