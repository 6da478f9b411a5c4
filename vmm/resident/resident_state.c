#include "resident/resident_state.h"

#include "vmx/vmx_entry.h"
#include "x86/msr.h"
#include "util.h"
#include "x86/x86.h"

/* Table 9-1's segment access rights: present, accessed, read/write data
 * or execute/read code; LDT; a busy TSS (SDM 3A 9.1.1). */
#define AR_RESET_CODE \
	(AR_P | AR_S | AR_TYPE_CODE | AR_TYPE_READABLE | AR_TYPE_ACCESSED)
#define AR_RESET_DATA (AR_P | AR_S | TYPE_DATA_RW_ACCESSED)
#define AR_RESET_LDT (AR_P | TYPE_LDT)
#define AR_BUSY_TSS (AR_P | TYPE_BUSY_TSS)
#define RESET_LIMIT 0xffffu
/* CR0 after INIT: CD, NW and ET (Table 9-1: 60000010H). */
#define CR0_AT_INIT (CR0_CD | CR0_NW | CR0_ET)
/* A TSS of 104 bytes, the least a 64-bit TSS can be (SDM 3A 8.7, "Task
 * Management in 64-bit Mode"). */
#define MIN_TSS_LIMIT 0x67u
#define SEL_TI 4u
#define SEL_INDEX_MASK 0xfff8u

const char *resident_segment_from_gdt(const uint8_t *gdt, uint32_t gdt_limit,
				      enum resident_seg which, uint16_t sel,
				      struct resident_segment *s)
{
	*s = (struct resident_segment){.sel = sel};
	if (!(sel & SEL_INDEX_MASK) && !(sel & SEL_TI)) {
		if (which == RSEG_CS)
			return "CS is null";
		if (which == RSEG_TR) {
			s->limit = MIN_TSS_LIMIT;
			s->ar = AR_BUSY_TSS;
			return NULL;
		}
		s->ar = AR_UNUSABLE;
		return NULL;
	}
	if (sel & SEL_TI)
		return "a selector in an LDT";
	uint32_t off = sel & SEL_INDEX_MASK;
	bool system = which == RSEG_TR || which == RSEG_LDTR;

	if (off + 7u > gdt_limit || (system && off + 15u > gdt_limit)) {
		/* TR beyond the GDT: the TSS an earlier hv run loaded from
		 * its own copy of the GDT (TR cannot go back to 0), which
		 * the firmware never uses; the guest gets the minimal one. */
		if (which == RSEG_TR) {
			s->limit = MIN_TSS_LIMIT;
			s->ar = AR_BUSY_TSS;
			return NULL;
		}
		return "a selector beyond the GDT's limit";
	}
	uint64_t d = 0, hi = 0;

	for (unsigned int i = 0; i < 8; i++)
		d |= (uint64_t)gdt[off + i] << (8 * i);
	if (system)
		for (unsigned int i = 0; i < 4; i++)
			hi |= (uint64_t)gdt[off + 8 + i] << (8 * i);
	uint32_t limit =
		(uint32_t)(d & 0xffff) | (uint32_t)((d >> 32) & 0xf0000);

	s->ar = (uint32_t)((d >> 40) & 0xff) | (uint32_t)((d >> 40) & 0xf000);
	if (s->ar & AR_G)
		limit = limit << 12 | 0xfffu;
	s->limit = limit;
	s->base =
		((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000ull) | hi << 32;
	if (!(s->ar & AR_P))
		return "a segment not present";
	if (system) {
		unsigned int type = AR_TYPE(s->ar);

		if (which == RSEG_TR) {
			if (type != TYPE_AVAILABLE_TSS && type != TYPE_BUSY_TSS)
				return "TR does not select a TSS";
			/* Loaded TR is busy (SDM 3A 8.2.2, "TSS Descriptor"). */
			s->ar = (s->ar & ~0xfu) | TYPE_BUSY_TSS;
		} else if (type != TYPE_LDT) {
			return "LDTR does not select an LDT";
		}
		return NULL;
	}
	if (!(s->ar & AR_S))
		return "a system descriptor in a segment register";
	/* The processor sets the accessed bit when it loads a segment (SDM
	 * 3A 3.4.5.1, "Code- and Data-Segment Descriptor Types"); a VM entry
	 * requires it of usable segments (SDM 3C 27.3.1.2). */
	s->ar |= AR_TYPE_ACCESSED;
	return NULL;
}

static uint64_t fixed_cr0(uint64_t cr0, const struct resident_fixed *fx)
{
	uint64_t f0 = fx->cr0_fixed0;

	if (fx->unrestricted)
		f0 &= ~(CR0_PE | CR0_PG);
	return (cr0 | f0) & fx->cr0_fixed1;
}

static uint64_t fixed_cr4(uint64_t cr4, const struct resident_fixed *fx)
{
	return (cr4 | fx->cr4_fixed0 | RESIDENT_CR4_HOST_OWNED) &
	       fx->cr4_fixed1;
}

const char *resident_guest_from_capture(const struct resident_capture *c,
					const uint8_t *gdt,
					const struct resident_fixed *fx,
					struct resident_guest *g)
{
	*g = (struct resident_guest){0};
	for (unsigned int i = 0; i < RSEG_COUNT; i++) {
		const char *why = resident_segment_from_gdt(
			gdt, c->gdtr_limit, (enum resident_seg)i, c->sel[i],
			&g->seg[i]);

		if (why)
			return why;
	}
	/* In 64-bit mode FS and GS bases are the MSRs' (SDM 3A 3.4.4,
	 * "Segment Loading Instructions in IA-32e Mode"). */
	g->seg[RSEG_FS].base = c->fs_base;
	g->seg[RSEG_GS].base = c->gs_base;
	g->gdtr_base = c->gdtr_base;
	g->gdtr_limit = c->gdtr_limit;
	g->idtr_base = c->idtr_base;
	g->idtr_limit = c->idtr_limit;
	g->rip = c->rip;
	g->rsp = c->rsp;
	g->rflags = c->rflags;
	g->cr0 = fixed_cr0(c->cr0, fx);
	g->cr3 = c->cr3;
	g->cr4 = fixed_cr4(c->cr4, fx);
	g->cr4_shadow = c->cr4 & ~RESIDENT_CR4_HOST_OWNED;
	g->dr7 = c->dr7;
	g->efer = c->efer;
	g->pat = c->pat;
	g->debugctl = c->debugctl;
	g->sysenter_cs = c->sysenter_cs;
	g->sysenter_esp = c->sysenter_esp;
	g->sysenter_eip = c->sysenter_eip;
	g->activity = RESIDENT_ACTIVITY_ACTIVE;
	g->ia32e = (c->efer & EFER_LMA) != 0;
	g->gpr[GPR_RAX] = RESIDENT_RESUMED;
	g->gpr[GPR_RBX] = c->rbx;
	g->gpr[GPR_RBP] = c->rbp;
	g->gpr[GPR_R12] = c->r12;
	g->gpr[GPR_R13] = c->r13;
	g->gpr[GPR_R14] = c->r14;
	g->gpr[GPR_R15] = c->r15;
	if (!g->ia32e || !(g->seg[RSEG_CS].ar & AR_L))
		return "the CPU is not in 64-bit mode";
	return NULL;
}

void resident_guest_at_init(uint32_t cpuid1_eax,
			    const struct resident_fixed *fx,
			    struct resident_guest *g)
{
	*g = (struct resident_guest){0};
	for (unsigned int i = 0; i < RSEG_COUNT; i++)
		g->seg[i] = (struct resident_segment){0, 0, RESET_LIMIT,
						      AR_RESET_DATA};
	g->seg[RSEG_CS] = (struct resident_segment){0xf000, 0xffff0000ull,
						    RESET_LIMIT, AR_RESET_CODE};
	g->seg[RSEG_LDTR].ar = AR_RESET_LDT;
	g->seg[RSEG_TR].ar = AR_BUSY_TSS;
	g->gdtr_limit = RESET_LIMIT;
	g->idtr_limit = RESET_LIMIT;
	g->rip = 0xfff0;
	g->rflags = RFLAGS_FIXED1;
	g->cr0 = fixed_cr0(CR0_AT_INIT, fx);
	g->cr4 = fixed_cr4(0, fx);
	g->dr7 = DR7_INIT;
	g->pat = PAT_POWER_ON;
	g->activity = RESIDENT_ACTIVITY_WAIT_FOR_SIPI;
	g->gpr[GPR_RDX] = cpuid1_eax;
}

void resident_sipi_cs(uint8_t vector, struct resident_segment *cs,
		      uint64_t *rip)
{
	cs->sel = (uint16_t)(vector << 8);
	cs->base = (uint64_t)vector << 12;
	*rip = 0;
}

void resident_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
	(void)subleaf;
	if (leaf == 1) {
		r->ecx &= ~CPUID_1_ECX_VMX;
		r->ecx |= CPUID_1_ECX_HYPERVISOR;
	}
}

bool resident_below_is_kvm(uint32_t cpuid1_ecx, const struct cpuid_regs *sig)
{
	return (cpuid1_ecx & CPUID_1_ECX_HYPERVISOR) &&
	       cpuid_signature_is(sig, KVM_CPUID_SIGNATURE);
}

void resident_kvm_leaf(uint32_t leaf, const struct cpuid_regs *below,
		       struct cpuid_regs *r)
{
	uint32_t kvm = leaf - RESIDENT_KVM_LEAVES + KVM_CPUID_SIGNATURE_LEAF;

	*r = (struct cpuid_regs){0, 0, 0, 0};
	if (kvm == KVM_CPUID_SIGNATURE_LEAF) {
		*r = *below;
		r->eax = RESIDENT_KVM_LEAVES +
			 (KVM_CPUID_FEATURES_LEAF - KVM_CPUID_SIGNATURE_LEAF);
	} else if (kvm == KVM_CPUID_FEATURES_LEAF) {
		r->eax = below->eax &
			 (KVM_FEATURE_NOP_IO_DELAY | KVM_FEATURE_CLOCKSOURCE2 |
			  KVM_FEATURE_STEAL_TIME | KVM_FEATURE_PV_EOI |
			  KVM_FEATURE_CLOCKSOURCE_STABLE_BIT);
	}
}

unsigned int resident_yield_target(unsigned int last, unsigned int self,
				   unsigned int n)
{
	unsigned int next = (last + 1) % n;

	return next == self ? (next + 1) % n : next;
}

enum exit_action resident_pause_policy(uint32_t cpuid1_ecx)
{
	return (cpuid1_ecx & CPUID_1_ECX_HYPERVISOR) ? POLICY_TRAP
						     : POLICY_PASS;
}

bool resident_msr_hidden(uint32_t msr)
{
	return msr == MSR_IA32_FEATURE_CONTROL ||
	       (msr >= MSR_IA32_VMX_BASIC && msr <= MSR_IA32_VMX_VMFUNC) ||
	       msr == MSR_KVM_WALL_CLOCK || msr == MSR_KVM_SYSTEM_TIME;
}

bool resident_msr_read(uint32_t msr, uint64_t real, uint64_t *value)
{
	if (msr != MSR_IA32_FEATURE_CONTROL)
		return false;
	*value = real & ~(FEATURE_CONTROL_VMXON_IN_SMX |
			  FEATURE_CONTROL_VMXON_OUTSIDE_SMX);
	return true;
}

bool resident_hides(uint64_t gpa, uint64_t size,
		    const struct resident_range *hidden, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (gpa < hidden[i].base + hidden[i].size &&
		    hidden[i].base < gpa + size)
			return true;
	return false;
}

/* struct pvclock_wall_clock (12 bytes), struct pvclock_vcpu_time_info (32),
 * struct kvm_steal_time (64), the PV EOI word (4). */
static const struct resident_kvm_area kvm_areas[] = {
	{MSR_KVM_WALL_CLOCK_NEW, 12, 4, false},
	{MSR_KVM_SYSTEM_TIME_NEW, 32, 4, true},
	{MSR_KVM_STEAL_TIME, 64, 64, true},
	{MSR_KVM_PV_EOI_EN, 4, 4, true},
};

const struct resident_kvm_area *resident_kvm_area(uint32_t msr)
{
	for (size_t i = 0; i < COUNT_OF(kvm_areas); i++)
		if (kvm_areas[i].msr == msr)
			return &kvm_areas[i];
	return NULL;
}

bool resident_kvm_area_ok(const struct resident_kvm_area *a, uint64_t value,
			  const struct resident_range *hidden, size_t n)
{
	uint64_t gpa = value;

	if (a->enable_bit) {
		if (!(value & KVM_MSR_ENABLED))
			return true;
		gpa &= ~(uint64_t)KVM_MSR_ENABLED;
	}
	return gpa % a->align == 0 && !resident_hides(gpa, a->size, hidden, n);
}

/* Whether every byte of [gpa, gpa + size) is in one hidden range. */
static bool hidden_whole(uint64_t gpa, uint64_t size,
			 const struct resident_range *hidden, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (hidden[i].base <= gpa &&
		    gpa + size <= hidden[i].base + hidden[i].size)
			return true;
	return false;
}

/* The 2-MiB page at @base, of more than one type or with some of hv's
 * memory: runs of 4-KiB pages of one type, one ept_map call each, hv's
 * pages left out. */
static int map_split(struct ept *e, uint64_t base, const struct mtrr_state *m,
		     const struct resident_range *hidden, size_t n)
{
	for (uint64_t gpa = base; gpa < base + PAGE_2M;) {
		if (resident_hides(gpa, PAGE_SIZE, hidden, n)) {
			gpa += PAGE_SIZE;
			continue;
		}
		int type = mtrr_type(m, gpa, PAGE_SIZE);
		uint64_t end = gpa + PAGE_SIZE;

		while (end < base + PAGE_2M &&
		       !resident_hides(end, PAGE_SIZE, hidden, n) &&
		       mtrr_type(m, end, PAGE_SIZE) == type)
			end += PAGE_SIZE;
		if (ept_map(e, gpa, gpa, end - gpa, EPT_RWX,
			    (unsigned int)type))
			return -1;
		gpa = end;
	}
	return 0;
}

/* [from, to), 2-MiB aligned: runs of mapped 2-MiB pages of one type, one
 * ept_map_2m call each; a 2-MiB page of several types in 4-KiB pages. */
static int map_2m(struct ept *e, uint64_t from, uint64_t to,
		  const struct resident_range *hidden, size_t n,
		  const struct mtrr_state *m)
{
	for (uint64_t gpa = from; gpa < to;) {
		int type = mtrr_type(m, gpa, PAGE_2M);

		if (resident_hides(gpa, PAGE_2M, hidden, n) &&
		    !hidden_whole(gpa, PAGE_2M, hidden, n)) {
			if (map_split(e, gpa, m, hidden, n))
				return -1;
			gpa += PAGE_2M;
			continue;
		}
		if (resident_hides(gpa, PAGE_2M, hidden, n)) {
			gpa += PAGE_2M;
			continue;
		}
		if (type == MTRR_MIXED) {
			if (map_split(e, gpa, m, hidden, n))
				return -1;
			gpa += PAGE_2M;
			continue;
		}
		uint64_t end = gpa + PAGE_2M;

		while (end < to && !resident_hides(end, PAGE_2M, hidden, n) &&
		       mtrr_type(m, end, PAGE_2M) == type)
			end += PAGE_2M;
		if (ept_map_2m(e, gpa, gpa, end - gpa, EPT_RWX,
			       (unsigned int)type))
			return -1;
		gpa = end;
	}
	return 0;
}

/* The GiB at @gpa as one 1-GiB page: wholly below @top, none of hv's
 * memory, one type (MTRR_MIXED if not). */
static int gib_type(uint64_t gpa, uint64_t top,
		    const struct resident_range *hidden, size_t n,
		    const struct mtrr_state *m)
{
	if (top - gpa < PAGE_1G || resident_hides(gpa, PAGE_1G, hidden, n))
		return MTRR_MIXED;
	return mtrr_type(m, gpa, PAGE_1G);
}

int resident_ept_identity(struct ept *e, uint64_t top,
			  const struct resident_range *hidden, size_t n,
			  const struct mtrr_state *m, bool pages_1g)
{
	if (!top || top % PAGE_2M)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (hidden[i].base % PAGE_SIZE || hidden[i].size % PAGE_SIZE)
			return -1;
	/* The guest is the machine: the MTRRs' types go in the EPT, and its
	 * own PAT combines with them as it would with the MTRRs (a WC frame
	 * buffer stays WC, UC set through the PAT stays UC). */
	e->guest_pat = true;
	/* GiB by GiB: runs of 1-GiB pages of one type where allowed, one
	 * ept_map_1g call each; else the GiB's 2-MiB pages. */
	for (uint64_t gpa = 0; gpa < top;) {
		int type = pages_1g ? gib_type(gpa, top, hidden, n, m)
				    : MTRR_MIXED;

		if (type == MTRR_MIXED) {
			uint64_t end =
				gpa + PAGE_1G < top ? gpa + PAGE_1G : top;

			if (map_2m(e, gpa, end, hidden, n, m))
				return -1;
			gpa = end;
			continue;
		}
		uint64_t end = gpa + PAGE_1G;

		while (end < top && gib_type(end, top, hidden, n, m) == type)
			end += PAGE_1G;
		if (ept_map_1g(e, gpa, gpa, end - gpa, EPT_RWX,
			       (unsigned int)type))
			return -1;
		gpa = end;
	}
	return 0;
}

void resident_ept_types(uint64_t top, const struct mtrr_state *m,
			struct resident_ept_types *t)
{
	*t = (struct resident_ept_types){0};
	for (uint64_t gpa = 0; gpa < top; gpa += PAGE_2M) {
		int type = mtrr_type(m, gpa, PAGE_2M);

		if (type == MEMORY_TYPE_UC)
			t->uc += PAGE_2M;
		if (type != MTRR_MIXED)
			continue;
		t->split++;
		for (uint64_t pa = gpa; pa < gpa + PAGE_2M; pa += PAGE_SIZE)
			if (mtrr_type(m, pa, PAGE_SIZE) == MEMORY_TYPE_UC)
				t->uc += PAGE_SIZE;
	}
}

size_t resident_ept_hidden_pages(const struct resident_range *hidden, size_t n)
{
	size_t tables = 0;

	/* Only a range's first and last 2-MiB page can be partly hv's. */
	for (size_t i = 0; i < n; i++)
		tables += (hidden[i].base % PAGE_2M != 0) +
			  ((hidden[i].base + hidden[i].size) % PAGE_2M != 0);
	return tables;
}

/* The PE/COFF fields that say where the headers and the base relocations
 * are (Microsoft PE Format: "MS-DOS Stub", e_lfanew at 3CH; the optional
 * header's SizeOfHeaders at 60 and the data directories from 112 in
 * PE32+; directory 5, "Base Relocation Table"). */
#define PE_LFANEW 0x3c
#define PE_SIGNATURE 0x00004550u /* "PE\0\0" */
#define PE_COFF_HEADER_SIZE 24	 /* the signature and the COFF header */
#define PE_OPT_MAGIC_PE32PLUS 0x20b
#define PE_OPT_SIZE_OF_HEADERS 60
#define PE_OPT_RVA_COUNT 108
#define PE_OPT_DATA_DIRECTORIES 112
#define PE_DIRECTORY_BASERELOC 5

static uint64_t page_down(uint64_t a)
{
	return a & ~(uint64_t)(PAGE_SIZE - 1);
}

static uint64_t page_up(uint64_t a)
{
	return page_down(a + PAGE_SIZE - 1);
}

size_t resident_image_hidden(const uint8_t *image, uint64_t size,
			     struct resident_range hidden[2])
{
	if (size < 0x40 || size % PAGE_SIZE)
		return 0;
	uint64_t pe = get_le(image + PE_LFANEW, 4);
	uint64_t opt = pe + PE_COFF_HEADER_SIZE;

	if (pe > size - PE_COFF_HEADER_SIZE - PE_OPT_DATA_DIRECTORIES - 48 ||
	    get_le(image + pe, 4) != PE_SIGNATURE ||
	    get_le(image + opt, 2) != PE_OPT_MAGIC_PE32PLUS ||
	    get_le(image + opt + PE_OPT_RVA_COUNT, 4) <= PE_DIRECTORY_BASERELOC)
		return 0;
	uint64_t headers =
		page_up(get_le(image + opt + PE_OPT_SIZE_OF_HEADERS, 4));
	const uint8_t *dir = image + opt + PE_OPT_DATA_DIRECTORIES +
			     8 * PE_DIRECTORY_BASERELOC;
	uint64_t reloc = page_down(get_le(dir, 4));
	uint64_t reloc_end = page_up(get_le(dir, 4) + get_le(dir + 4, 4));

	if (!headers || headers > size || reloc_end > size)
		return 0;
	if (reloc_end == reloc || reloc < headers) /* none, or in them */
		reloc = reloc_end = headers;
	/* [headers, reloc) and [reloc_end, size), the empty ones left out */
	size_t n = 0;
	const uint64_t base = (uint64_t)image;

	if (reloc > headers)
		hidden[n++] = (struct resident_range){base + headers,
						      reloc - headers};
	if (size > reloc_end)
		hidden[n++] = (struct resident_range){base + reloc_end,
						      size - reloc_end};
	return n;
}

size_t resident_ept_pages(uint64_t top, const struct mtrr_state *m)
{
	uint64_t gib = (top + (1ull << 30) - 1) >> 30;
	uint64_t pml4_entries = (top + (1ull << 39) - 1) >> 39;
	struct resident_ept_types t = {0};

	if (m)
		resident_ept_types(top, m, &t);
	return (size_t)(1 + pml4_entries + gib) + t.split;
}

/* Paging-structure entry bits (SDM 3A 4.5, Tables 4-15 to 4-18). */
#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_PS (1ull << 7)

uint64_t resident_host_paging(const struct page_source *pages, uint64_t top)
{
	if (!top || top % PAGE_2M || top > (1ull << 39))
		return 0;
	uint64_t *pml4 = pages->alloc_page(pages->ctx);
	uint64_t *pdpt = pml4 ? pages->alloc_page(pages->ctx) : NULL;

	if (!pdpt)
		return 0;
	pml4[0] = (uint64_t)pdpt | PTE_P | PTE_RW;
	for (uint64_t gib = 0; gib << 30 < top; gib++) {
		uint64_t *pd = pages->alloc_page(pages->ctx);

		if (!pd)
			return 0;
		pdpt[gib] = (uint64_t)pd | PTE_P | PTE_RW;
		for (uint64_t i = 0; i < 512; i++) {
			uint64_t pa = (gib << 30) + i * PAGE_2M;

			if (pa < top)
				pd[i] = pa | PTE_P | PTE_RW | PTE_PS;
		}
	}
	return (uint64_t)pml4;
}
