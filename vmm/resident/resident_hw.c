/* Resident mode on the hardware (docs/resident.md): hv's memory taken
 * up front on the boot processor, every CPU captured where it runs and
 * launched as its own guest, the resident machine (struct machine, the
 * third implementation of exit/machine.h), and the way out of VMX. */
#include "resident/resident.h"

#include "../guest/hv_abi.h"
#include "dev/lapic.h"
#include "exit/exit.h"
#include "exit/machine.h"
#include "exit/machine_check.h"
#include "mem/ept.h"
#include "percpu.h"
#include "platform.h"
#include "print.h"
#include "resident/host_idt.h"
#include "resident/resident_abi.h"
#include "resident/resident_entry.h"
#include "resident/resident_state.h"
#include "util.h"
#include "vmcs/vm_errors.h"
#include "vmcs/vmcs.h"
#include "vmcs/vmcs_backend_hw.h"
#include "vmx/exit_policy.h"
#include "vmx/vm_controls.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmx_caps.h"
#include "vmx/vmx_entry.h"
#include "x86/arch.h"
#include "x86/msr.h"
#include "x86/mtrr.h"
#include "x86/vmx_insn.h"
#include "x86/x86.h"
#include "x86/xsave.h"

#define PAGE 4096u
#define STACK_PAGES 4u /* the C stack exit handlers run on */
#define TSS_OFFSET 0x800u
#define TSS_LIMIT 0x67u
/* The optional secondary controls the OS would miss: without them
 * RDTSCP, INVPCID and XSAVES raise #UD in VMX non-root operation (SDM 3C
 * 26.3, "Changes to Instruction Behavior in VMX Non-Root Operation"). */
#define PROC2_FOR_THE_OS                              \
	(PROC2_ENABLE_RDTSCP | PROC2_ENABLE_INVPCID | \
	 PROC2_ENABLE_XSAVES_XRSTORS)

enum cpu_state { CPU_IDLE, CPU_IN_VMX, CPU_FAILED };

struct resident;

/* One CPU's hv state, in the pool. */
struct res_cpu {
	struct hv_cpu hv; /* GS.base in VMX root (HOST_GS_BASE) */
	struct vcpu vcpu;
	struct resident_capture capture;
	struct resident_guest guest;
	struct resident *r;
	unsigned int index; /* the MP services' processor number */
	uint32_t apic_id;
	unsigned int yield_to; /* res_pause: the last CPU given its time */
	/* lapic_init_reset: interrupts taken at SIPI exits, as the INIT
	 * before would have dropped them (RESIDENT_VMCALL_CPU's RDI) */
	uint64_t apic_dropped;
	uint8_t *vmxon, *vmcs, *gdt, *stack_top;
	/* HOST_IDTR: this CPU's own, since its gates name this CPU's host
	 * CS, a selector in its own GDT copy (the firmware may run its APs
	 * on another GDT than the boot processor's); one page each. */
	struct idt_gate *idt;
	struct host_nmi nmi; /* NMIs in VMX root, for the guest */
	struct vmx_exit_frame *frame;
	uint64_t cr0_before, cr4_before;
	enum cpu_state state;
	const char *why; /* with CPU_FAILED */
	uint64_t vm_error;
	bool leaving;	    /* RESIDENT_VMCALL_UNLOAD */
	uint64_t sipi_exit; /* v->exits at the last SIPI exit */
	bool init_left;	    /* left VMX at an emulator's stale INIT */
	bool sealed;	    /* runs on r->sealed_ept */
};

/* hv's host IDT handler finds its CPU's struct res_cpu through GS (this
 * CPU's struct hv_cpu, the first member). */
_Static_assert(__builtin_offsetof(struct res_cpu, hv) == 0,
	       "struct res_cpu begins with its struct hv_cpu");

/* Everything hv keeps, at the start of the pool. */
struct resident {
	struct vmx_caps caps;
	struct exit_controls policy;
	struct exit_bitmaps bitmaps;
	struct vm_controls controls;
	struct resident_fixed fixed;
	struct ept ept;
	/* The same without the driver's image (RESIDENT_VMCALL_SEAL), once
	 * it has returned: the guest no longer runs hv's code. */
	struct ept sealed_ept;
	bool sealed; /* some CPU switched: every CPU follows */
	uint64_t image_base, image_size, image_hidden, first_hidden;
	struct page_source pages;
	uint8_t *pool;
	size_t pool_pages, used;
	unsigned int ncpu, bsp, break_cpu;
	uint32_t cpuid1_eax;
	bool below_kvm;	   /* resident_below_is_kvm: its leaves shown */
	bool below_yields; /* KVM below offers KVM_HC_SCHED_YIELD */
	/* hv's memory (the pool, the driver's image): no address the guest
	 * hands KVM below may reach it (resident_kvm_area_ok) */
	struct resident_range hidden[3];
	size_t nhidden;
	uint64_t xcr0_mask; /* CPUID.(EAX=0DH,ECX=0):EDX:EAX */
	uint64_t host_cr3;  /* hv's own page tables, in the pool */
	struct res_cpu *cpu[RESIDENT_MAX_CPUS];
};

static void *pool_take(struct resident *r, size_t pages)
{
	if (r->used + pages > r->pool_pages)
		return NULL;
	void *p = r->pool + r->used * PAGE;

	r->used += pages;
	return p;
}

static void *pool_page(void *ctx)
{
	return pool_take(ctx, 1);
}

static void pool_unpage(void *ctx, void *page)
{
	(void)ctx;
	(void)page; /* the pool is never given back while hv is resident */
}

/* Fatal messages from VMX root, where no firmware service may be called:
 * straight to COM1 (the 16550 at 3F8H, as OVMF configures it). */
void resident_com1_puts(const char *s)
{
	for (; *s; s++) {
		for (unsigned int i = 0; i < 100000; i++) {
			uint8_t lsr;

			__asm__ volatile("inb %w1, %b0"
					 : "=a"(lsr)
					 : "Nd"((uint16_t)0x3fd));
			if (lsr & 0x20)
				break;
		}
		__asm__ volatile("outb %b0, %w1" ::"a"(*s),
				 "Nd"((uint16_t)0x3f8));
	}
}

/* VMCALL with RAX, RBX, RCX, RDX in and out: hv's own interface from
 * the guest side (resident_abi.h), or KVM's hypercalls from VMX root. */
static inline void vmcall4(uint64_t *a, uint64_t *b, uint64_t *c, uint64_t *d)
{
	__asm__ volatile("vmcall"
			 : "+a"(*a), "+b"(*b), "+c"(*c), "+d"(*d)::"memory");
}

/* A KVM hypercall from VMX root, where hv runs on KVM's VMX (struct
 * resident's below_yields says KVM offers it): an exit to KVM. */
static void kvm_hypercall1(uint64_t nr, uint64_t arg)
{
	uint64_t c = 0, d = 0;

	vmcall4(&nr, &arg, &c, &d);
}

/* --- the resident machine ----------------------------------------------- */

#define GPR(v, r) ((v)->regs.gpr[GPR_##r])

static void res_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf,
		      const struct cpuid_regs *host, struct cpuid_regs *r)
{
	struct res_cpu *c = v->machine_state;

	if (c->r->below_kvm && leaf - RESIDENT_KVM_LEAVES < 0x100u) {
		struct cpuid_regs below;

		cpuid_raw(
			leaf - (RESIDENT_KVM_LEAVES - KVM_CPUID_SIGNATURE_LEAF),
			subleaf, &below);
		resident_kvm_leaf(leaf, &below, r);
		return;
	}
	*r = *host; /* the OS gets the processor's features, but VMX */
	resident_cpuid(leaf, subleaf, r);
}

static enum machine_answer res_rdmsr(struct vcpu *v, uint32_t msr,
				     uint64_t *value)
{
	struct res_cpu *c = v->machine_state;

	if (c->r->below_kvm && resident_kvm_area(msr))
		return resident_rdmsr_safe(msr, value) ? MACHINE_GP
						       : MACHINE_DONE;
	uint64_t real = msr == MSR_IA32_FEATURE_CONTROL
				? rdmsr(MSR_IA32_FEATURE_CONTROL)
				: 0;

	return resident_msr_read(msr, real, value) ? MACHINE_DONE : MACHINE_GP;
}

/* The hidden MSRs are read-only or locked; MSRs outside the bitmap's
 * ranges always exit and are not forwarded: #GP, as on a CPU without
 * them. But KVM's MSRs that name an area where KVM is below (its CPUID
 * leaves offer them, resident_kvm_leaf): passed on once hv checked the
 * address, with a WRMSR that survives KVM's #GP (resident_wrmsr_safe). */
static enum machine_answer res_wrmsr(struct vcpu *v, uint32_t msr,
				     uint64_t value)
{
	struct res_cpu *c = v->machine_state;
	const struct resident_kvm_area *a =
		c->r->below_kvm ? resident_kvm_area(msr) : NULL;

	if (!a || !resident_kvm_area_ok(a, value, c->r->hidden, c->r->nhidden))
		return MACHINE_GP;
	return resident_wrmsr_safe(msr, value) ? MACHINE_GP : MACHINE_DONE;
}

/* CR0's guest/host mask is 0: MOV to CR0 never exits. */
static enum exit_verdict res_write_cr0(struct vcpu *v, uint64_t value,
				       bool lmsw)
{
	(void)value;
	(void)lmsw;
	vcpu_inject_exception(v, EXC_GP, 0);
	return VERDICT_RESUME;
}

/* Exits only when VMXE would change: setting it is #GP (VMX is hidden);
 * the rest as the architecture says (vcpu_write_cr4). */
static enum exit_verdict res_write_cr4(struct vcpu *v, uint64_t value)
{
	struct res_cpu *c = v->machine_state;

	return vcpu_write_cr4(
		v, value, c->r->fixed.cr4_fixed1 & ~RESIDENT_CR4_HOST_OWNED,
		(vmcs_read(VMCS_GUEST_IA32_EFER) & EFER_LMA) != 0);
}

/* CR8-load and CR8-store exiting are off: the guest's CR8 is the real
 * one, and these are never called. */
static uint64_t res_read_cr8(struct vcpu *v)
{
	(void)v;
	return 0;
}

static void res_write_cr8(struct vcpu *v, uint64_t tpr)
{
	(void)v;
	(void)tpr;
}

/* XSETBV: #GP(0) for what the processor would refuse (SDM 2, "XSETBV"),
 * else executed: XCR0 is not switched by VMX, the guest's is the CPU's.
 * The host's CR4 is the firmware's at capture time, which may lack
 * OSXSAVE: set for the instruction. */
static enum exit_verdict res_xsetbv(struct vcpu *v, uint32_t xcr,
				    uint64_t value)
{
	struct res_cpu *c = v->machine_state;

	if (xcr != 0 || !xsave_xcr0_valid(value, c->r->xcr0_mask)) {
		vcpu_inject_exception(v, EXC_GP, 0);
		return VERDICT_RESUME;
	}
	uint64_t cr4 = read_cr4();

	write_cr4(cr4 | CR4_OSXSAVE);
	__asm__ volatile("xsetbv" ::"c"(0u), "a"((uint32_t)value),
			 "d"((uint32_t)(value >> 32)));
	write_cr4(cr4);
	vcpu_skip_instruction(v);
	return VERDICT_RESUME;
}

/* Resident mode (docs/resident.md): the firmware, and the OS it boots,
 * drive their own hardware. Only what must exit exits: CPUID, XSETBV,
 * INVD, GETSEC and the VMX instructions (unconditional), the hidden MSRs
 * (IA32_FEATURE_CONTROL, the VMX capability MSRs 480H-491H, KVM's clock
 * MSRs 11H and 12H: resident_msr_hidden), MOV to CR4
 * when it changes VMXE (the guest/host mask), triple fault, INIT and
 * SIPI, and, under another hypervisor, PAUSE (resident_pause_policy). No
 * interrupt, NMI, I/O or timer exits. */
static const struct msr_rule resident_msrs[] = {
	{0x0, MSR_KVM_WALL_CLOCK - 1, POLICY_PASS, POLICY_PASS},
	{MSR_KVM_SYSTEM_TIME + 1, MSR_IA32_FEATURE_CONTROL - 1, POLICY_PASS,
	 POLICY_PASS},
	{MSR_IA32_FEATURE_CONTROL + 1, MSR_IA32_VMX_BASIC - 1, POLICY_PASS,
	 POLICY_PASS},
	{MSR_IA32_VMX_VMFUNC + 1, 0x1fff, POLICY_PASS, POLICY_PASS},
	{0xc0000000u, 0xc0001fffu, POLICY_PASS, POLICY_PASS},
};

static const struct io_rule resident_ports[] = {
	{0, 0xffff, POLICY_PASS},
};

static const struct exit_policy resident_exit_policy = {
	.hlt = POLICY_PASS,
	.cr3_load = POLICY_PASS,
	.cr3_store = POLICY_PASS,
	.cr8_load = POLICY_PASS,
	.cr8_store = POLICY_PASS,
	.invlpg = POLICY_PASS,
	.rdtsc = POLICY_PASS,
	.rdpmc = POLICY_PASS,
	.mwait = POLICY_PASS,
	.monitor = POLICY_PASS,
	.pause = POLICY_PASS, /* choose_controls: resident_pause_policy */
	.mov_dr = POLICY_PASS,
	.wbinvd = POLICY_PASS,
	.rdrand = POLICY_PASS,
	.rdseed = POLICY_PASS,
	.descriptor_tables = POLICY_PASS,
	.external_interrupt = POLICY_PASS,
	.nmi = POLICY_PASS,
	.preemption_timer = false,
	.cr0_trap_bits = 0,
	.cr4_trap_bits = CR4_VMXE,
	.exception_trap_bitmap = 0,
	.msrs = resident_msrs,
	.msr_count = COUNT_OF(resident_msrs),
	.io = resident_ports,
	.io_count = COUNT_OF(resident_ports),
};

/* The guest's translations, tagged with RESIDENT_VPID: flushed where the
 * architecture would flush them and hv emulated the instruction (MOV to
 * CR4, vcpu_write_cr4) or the event (INIT). */
static void res_flush_guest_tlb(struct vcpu *v)
{
	if (v->vpid)
		invvpid(INVVPID_SINGLE_CONTEXT, v->vpid);
}

/* PAUSE exits only under another hypervisor (resident_pause_policy): a
 * spin loop, waiting for another CPU. Where the one below is KVM and
 * offers it, this CPU's time goes to another CPU, each in turn: the one
 * the loop waits for may be a vCPU KVM has preempted to run this one.
 * That is what KVM's own PAUSE-loop exiting would do, which its nested
 * VMX does not offer hv. */
static enum exit_verdict res_pause(struct vcpu *v)
{
	struct res_cpu *c = v->machine_state;
	const struct resident *r = c->r;

	vcpu_skip_instruction(v);
	if (!r->below_yields || r->ncpu < 2)
		return VERDICT_RESUME;
	c->yield_to = resident_yield_target(c->yield_to, c->index, r->ncpu);
	kvm_hypercall1(KVM_HC_SCHED_YIELD, r->cpu[c->yield_to]->apic_id);
	return VERDICT_RESUME;
}

/* HLT and the preemption timer do not exit here (resident_exit_policy). */
static enum exit_verdict res_hlt(struct vcpu *v)
{
	vcpu_skip_instruction(v);
	return VERDICT_RESUME;
}

static enum exit_verdict res_preemption_timer(struct vcpu *v)
{
	return vcpu_kill(v, "preemption_timer");
}

static enum exit_verdict res_triple_fault(struct vcpu *v)
{
	return vcpu_kill(v, "triple_fault");
}

static void write_guest(struct res_cpu *c, const struct resident_guest *g);

/* Bochs 2.7 leaves the INIT that caused a VM exit pending (its event.cc
 * exits before clear_event(BX_EVENT_INIT); later Bochs clears it first),
 * masked while the CPU waits for SIPI and delivered again at the first
 * VM entry after the SIPI: an INIT exit before the guest ran a single
 * instruction of its start-up code. No INIT comes so soon on hardware,
 * where the exit consumes it (SDM 3C 26.2). Such a CPU cannot stay a
 * guest there: it leaves VMX, and the still-pending INIT resets it into
 * wait-for-SIPI, where the firmware's second SIPI starts it natively. */
static bool stale_init(const struct res_cpu *c)
{
	return c->sipi_exit && c->vcpu.exits == c->sipi_exit + 1 &&
	       vmcs_read(VMCS_GUEST_RIP) == 0 &&
	       vmcs_read(VMCS_GUEST_ACTIVITY_STATE) == RESIDENT_ACTIVITY_ACTIVE;
}

/* This CPU's local APIC, which hv leaves to the guest: in x2APIC mode
 * (IA32_APIC_BASE.EXTD) its registers are MSRs, in xAPIC mode words in
 * its page, which hv's own page tables map (identity below 4 GiB). */
static uint32_t apic_read(uint64_t apic_base, uint32_t msr)
{
	if (apic_base & APIC_BASE_EXTD)
		return (uint32_t)rdmsr(msr);
	return *(volatile uint32_t *)((apic_base & ~0xfffull) +
				      LAPIC_OFFSET(msr));
}

static void apic_write(uint64_t apic_base, uint32_t msr, uint32_t value)
{
	if (apic_base & APIC_BASE_EXTD)
		wrmsr(msr, value);
	else
		*(volatile uint32_t *)((apic_base & ~0xfffull) +
				       LAPIC_OFFSET(msr)) = value;
}

/* How many times lapic_init_reset opens its window at most: each lets
 * in what the IRR holds, one vector at each instruction boundary. */
#define LAPIC_INIT_ROUNDS 256u

/* An INIT resets the local APIC: its IRR and ISR end empty, TPR 0 (SDM
 * 3A 11.4.7.3, "Local APIC State After an INIT Reset ('Wait-for-SIPI'
 * State)"). An INIT that exits leaves the APIC as it was (SDM 3C 26.2),
 * and hv does not virtualize it, so an interrupt it had accepted before
 * would still be there for the OS that restarts the CPU, which cannot
 * clear an IRR bit (Linux reads IRR and ISR 512 times over, then says
 * "APIC: Stale IRR"). hv takes them as the INIT would have dropped them,
 * at the SIPI exit that follows (res_sipi): an EOI for each vector in
 * service, then interrupts on in VMX root, where hv's host IDT ends each
 * with an EOI (host_idt_handler), until the IRR is empty. */
static void lapic_init_reset(void)
{
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);

	if (!(base & APIC_BASE_EN))
		return;
	apic_write(base, X2APIC_TPR, 0);
	for (unsigned int round = 0; round < LAPIC_INIT_ROUNDS; round++) {
		bool pending = false;

		for (uint32_t i = 0; i < 8; i++) {
			for (uint32_t isr = apic_read(base, X2APIC_ISR0 + i);
			     isr; isr &= isr - 1)
				apic_write(base, X2APIC_EOI, 0);
			pending |= apic_read(base, X2APIC_IRR0 + i) != 0;
		}
		if (!pending)
			return;
		irq_window();
	}
}

/* INIT: the reset state of SDM 3A Table 9-1, waiting for SIPI. Nothing
 * printed, nothing more done: an INIT and its SIPI may come back to
 * back, and a SIPI that comes before the VM entry into wait-for-SIPI is
 * lost (a CPU in VMX root is not waiting for one: SDM 3C 26.2). The
 * rest of the INIT's work waits for the SIPI exit (res_sipi). */
static enum exit_verdict res_init_signal(struct vcpu *v)
{
	struct res_cpu *c = v->machine_state;

	if (stale_init(c)) {
		c->init_left = true;
		return vcpu_finish(v, GUEST_OK, 0);
	}
	resident_guest_at_init(c->r->cpuid1_eax, &c->r->fixed, &c->guest);
	write_guest(c, &c->guest);
	return VERDICT_RESUME;
}

/* SIPI (exit qualification: the vector, SDM 3C 28.2.1, "Basic VM-Exit
 * Information"): real mode at vector:0000. First what the INIT before it
 * would have done and its exit left for now (res_init_signal): the local
 * APIC's IRR and ISR emptied (lapic_init_reset), the guest's TLB entries
 * flushed. No interrupt came in between: a CPU waiting for SIPI takes
 * none. */
static enum exit_verdict res_sipi(struct vcpu *v)
{
	struct resident_segment cs = {0, 0, 0xffff,
				      AR_P | AR_S | AR_TYPE_CODE |
					      AR_TYPE_READABLE |
					      AR_TYPE_ACCESSED};
	struct res_cpu *c = v->machine_state;
	uint64_t rip;

	lapic_init_reset();
	res_flush_guest_tlb(v);
	c->sipi_exit = v->exits;
	resident_sipi_cs((uint8_t)exit_qualification(), &cs, &rip);
	vmcs_write(VMCS_GUEST_CS_SELECTOR, cs.sel);
	vmcs_write(VMCS_GUEST_CS_BASE, cs.base);
	vmcs_write(VMCS_GUEST_CS_LIMIT, cs.limit);
	vmcs_write(VMCS_GUEST_CS_ACCESS_RIGHTS, cs.ar);
	vmcs_write(VMCS_GUEST_RIP, rip);
	vmcs_write(VMCS_GUEST_ACTIVITY_STATE, RESIDENT_ACTIVITY_ACTIVE);
	/* A VM exit from wait-for-SIPI may store blocking by SMI and NMI
	 * (Bochs does); outside SMM a VM entry with SMI blocking fails (SDM
	 * 3C 27.3.1.5, "Checks on Guest Non-Register State"). A CPU leaving
	 * wait-for-SIPI has no blocking. */
	vmcs_write(VMCS_GUEST_INTERRUPTIBILITY_STATE, 0);
	vmcs_write(VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS, 0);
	return VERDICT_RESUME;
}

/* This CPU to the EPT without hv's image (RESIDENT_VMCALL_SEAL): nothing
 * of the image may stay cached for the guest (SDM 3C 29.4.3.1,
 * "Operations that Invalidate Cached Mappings"). */
static void seal_here(struct res_cpu *c)
{
	vmcs_write(VMCS_EPT_POINTER, ept_pointer(&c->r->sealed_ept));
	invept(INVEPT_ALL_CONTEXT, 0);
	c->sealed = true;
}

/* Before every VM entry: an NMI that came while hv ran in VMX root
 * (host_idt_handler) is the guest's; injected now unless the guest
 * cannot take one at this entry (host_nmi_injectable), then kept for a
 * later one. An NMI injected into a guest in the HLT state ends the HLT
 * (the instruction has completed: RIP is already past it; KVM's
 * vmx_clear_hlt does the same). No VMREAD while none is pending. */
static enum exit_verdict res_before_entry(struct vcpu *v)
{
	struct res_cpu *c = v->machine_state;

	if (__atomic_load_n(&c->r->sealed, __ATOMIC_ACQUIRE) && !c->sealed)
		seal_here(c);
	if (!__atomic_load_n(&c->nmi.pending, __ATOMIC_RELAXED))
		return VERDICT_RESUME;
	uint32_t activity = (uint32_t)vmcs_read(VMCS_GUEST_ACTIVITY_STATE);

	if (!host_nmi_before_entry(
		    &c->nmi, (uint32_t)vmcs_read(VMCS_ENTRY_INTERRUPTION_INFO),
		    (uint32_t)vmcs_read(VMCS_GUEST_INTERRUPTIBILITY_STATE),
		    activity))
		return VERDICT_RESUME;
	vmcs_write(VMCS_ENTRY_INTERRUPTION_INFO, intr_info_nmi());
	if (activity == ACTIVITY_STATE_HLT)
		vmcs_write(VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_STATE_ACTIVE);
	return VERDICT_RESUME;
}

/* The VMCALL interface (resident_abi.h, docs/resident.md). */
static enum exit_verdict res_vmcall(struct vcpu *v)
{
	struct res_cpu *c = v->machine_state;

	switch ((uint32_t)GPR(v, RAX)) {
	case RESIDENT_VMCALL_PRESENT:
		GPR(v, RAX) = RESIDENT_MAGIC;
		GPR(v, RBX) = c->index;
		GPR(v, RCX) = c->r->ncpu;
		GPR(v, RDX) = v->exits;
		break;
	case RESIDENT_VMCALL_EXITS: {
		uint32_t reason = (uint32_t)GPR(v, RCX);

		GPR(v, RBX) = c->index;
		GPR(v, RAX) = reason == RESIDENT_EXITS_TOTAL ? v->exits
			      : reason < EXIT_REASON_COUNT
				      ? v->exit_counts[reason]
				      : RESIDENT_VMCALL_ERROR;
		break;
	}
	case RESIDENT_VMCALL_CPU: {
		uint64_t n = GPR(v, RCX);

		if (n >= c->r->ncpu) {
			GPR(v, RAX) = RESIDENT_VMCALL_ERROR;
			break;
		}
		const struct res_cpu *o = c->r->cpu[n];

		GPR(v, RAX) = o->state == CPU_IN_VMX;
		GPR(v, RBX) = o->vcpu.exit_counts[EXIT_REASON_CPUID];
		GPR(v, RCX) = o->vcpu.exit_counts[EXIT_REASON_INIT_SIGNAL];
		GPR(v, RDX) = o->vcpu.exits;
		GPR(v, RSI) = o->nmi.passed_on;
		GPR(v, RDI) = o->apic_dropped;
		break;
	}
	case RESIDENT_VMCALL_HOST_IDTR: {
		struct descriptor_table_reg idtr;

		sidt(&idtr);
		GPR(v, RAX) = idtr.base;
		GPR(v, RBX) = idtr.limit;
		GPR(v, RCX) = idtr.base == (uint64_t)c->idt;
		break;
	}
	case RESIDENT_VMCALL_SEAL: {
		struct resident *r = c->r;
		uint64_t rip = vmcs_read(VMCS_GUEST_RIP);

		if (!r->image_hidden || (rip >= r->image_base &&
					 rip - r->image_base < r->image_size)) {
			GPR(v, RAX) = RESIDENT_VMCALL_ERROR;
			break;
		}
		GPR(v, RDX) = !c->sealed;
		if (!c->sealed)
			seal_here(c);
		__atomic_store_n(&r->sealed, true, __ATOMIC_RELEASE);
		GPR(v, RAX) = r->image_hidden;
		GPR(v, RBX) = r->image_base;
		GPR(v, RCX) = r->image_size;
		GPR(v, RSI) = r->first_hidden;
		break;
	}
	case RESIDENT_VMCALL_UNLOAD:
		GPR(v, RAX) = 0;
		vcpu_skip_instruction(v);
		c->leaving = true;
		return vcpu_finish(v, GUEST_OK, 0);
	default:
		GPR(v, RAX) = RESIDENT_VMCALL_ERROR;
	}
	vcpu_skip_instruction(v);
	return VERDICT_RESUME;
}

static const struct machine resident_machine = {
	.name = "resident",
	.policy = &resident_exit_policy,
	/* The AP's SIPI starts it in real mode. */
	.unrestricted_guest = true,
	.cpuid = res_cpuid,
	.rdmsr = res_rdmsr,
	.wrmsr = res_wrmsr,
	.write_cr0 = res_write_cr0,
	.cr0_host_owned = 0,
	.write_cr4 = res_write_cr4,
	.read_cr8 = res_read_cr8,
	.write_cr8 = res_write_cr8,
	.xsetbv = res_xsetbv,
	.hlt = res_hlt,
	.preemption_timer = res_preemption_timer,
	.triple_fault = res_triple_fault,
	.pause = res_pause,
	.vmcall = res_vmcall,
	.init_signal = res_init_signal,
	.sipi = res_sipi,
	.before_entry = res_before_entry,
};

static void wbinvd_op(void)
{
	__asm__ volatile("wbinvd" ::: "memory");
}

static uint64_t read_dr_op(unsigned int n)
{
	return read_dr_n(n);
}

static const struct vcpu_ops resident_vcpu_ops = {
	.cpu = &cpu_hw_ops,
	.flush_guest_tlb = res_flush_guest_tlb,
	.read_tsc = rdtsc,
	.read_dr = read_dr_op,
	.write_dr6 = write_dr6,
	.irqs_off = irq_disable,
	.wbinvd = wbinvd_op,
};

/* --- the VMCS ------------------------------------------------------------ */

#define WRITE_SEGMENT(NAME, s)                                         \
	do {                                                           \
		vmcs_write(VMCS_GUEST_##NAME##_SELECTOR, (s).sel);     \
		vmcs_write(VMCS_GUEST_##NAME##_BASE, (s).base);        \
		vmcs_write(VMCS_GUEST_##NAME##_LIMIT, (s).limit);      \
		vmcs_write(VMCS_GUEST_##NAME##_ACCESS_RIGHTS, (s).ar); \
	} while (0)

static void write_guest(struct res_cpu *c, const struct resident_guest *g)
{
	const struct vm_controls *ctl = &c->r->controls;

	WRITE_SEGMENT(ES, g->seg[RSEG_ES]);
	WRITE_SEGMENT(CS, g->seg[RSEG_CS]);
	WRITE_SEGMENT(SS, g->seg[RSEG_SS]);
	WRITE_SEGMENT(DS, g->seg[RSEG_DS]);
	WRITE_SEGMENT(FS, g->seg[RSEG_FS]);
	WRITE_SEGMENT(GS, g->seg[RSEG_GS]);
	WRITE_SEGMENT(LDTR, g->seg[RSEG_LDTR]);
	WRITE_SEGMENT(TR, g->seg[RSEG_TR]);
	vmcs_write(VMCS_GUEST_GDTR_BASE, g->gdtr_base);
	vmcs_write(VMCS_GUEST_GDTR_LIMIT, g->gdtr_limit);
	vmcs_write(VMCS_GUEST_IDTR_BASE, g->idtr_base);
	vmcs_write(VMCS_GUEST_IDTR_LIMIT, g->idtr_limit);
	vmcs_write(VMCS_GUEST_CR0, g->cr0);
	vmcs_write(VMCS_CR0_READ_SHADOW, g->cr0);
	vmcs_write(VMCS_GUEST_CR3, g->cr3);
	vmcs_write(VMCS_GUEST_CR4, g->cr4);
	vmcs_write(VMCS_CR4_READ_SHADOW, g->cr4_shadow);
	vmcs_write(VMCS_GUEST_DR7, g->dr7);
	vmcs_write(VMCS_GUEST_RIP, g->rip);
	vmcs_write(VMCS_GUEST_RSP, g->rsp);
	vmcs_write(VMCS_GUEST_RFLAGS, g->rflags);
	vmcs_write(VMCS_GUEST_IA32_EFER, g->efer);
	if (ctl->pat)
		vmcs_write(VMCS_GUEST_IA32_PAT, g->pat);
	vmcs_write(VMCS_GUEST_IA32_DEBUGCTL, g->debugctl);
	vmcs_write(VMCS_GUEST_IA32_SYSENTER_CS, (uint32_t)g->sysenter_cs);
	vmcs_write(VMCS_GUEST_IA32_SYSENTER_ESP, g->sysenter_esp);
	vmcs_write(VMCS_GUEST_IA32_SYSENTER_EIP, g->sysenter_eip);
	vmcs_write(VMCS_GUEST_ACTIVITY_STATE, g->activity);
	vmcs_write(VMCS_GUEST_INTERRUPTIBILITY_STATE, 0);
	vmcs_write(VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS, 0);
	vmcs_write(VMCS_ENTRY_INTERRUPTION_INFO, 0);
	vmcs_write(VMCS_ENTRY_CONTROLS,
		   g->ia32e ? ctl->entry | ENTRY_IA32E_MODE_GUEST
			    : ctl->entry & ~(uint32_t)ENTRY_IA32E_MODE_GUEST);
	for (unsigned int i = 0; i < 16; i++)
		c->vcpu.regs.gpr[i] = g->gpr[i];
}

/* SDM 3C 25.5, "Host-State Area": the firmware's state at the capture,
 * with hv's own page tables (an identity map in the pool), its own GDT
 * copy and TSS (OVMF has none), GS.base this CPU's struct hv_cpu, RSP
 * the exit frame, IDTR hv's own IDT (host_idt.h; the VMCS has no IDTR
 * limit: a VM exit sets it to FFFFH). */
static void write_host(struct res_cpu *c, uint16_t tr)
{
	const struct resident_capture *k = &c->capture;

	vmcs_write(VMCS_HOST_CR0, read_cr0());
	vmcs_write(VMCS_HOST_CR3, c->r->host_cr3);
	vmcs_write(VMCS_HOST_CR4, read_cr4());
	vmcs_write(VMCS_HOST_CS_SELECTOR, k->sel[RSEG_CS] & ~7u);
	vmcs_write(VMCS_HOST_SS_SELECTOR, k->sel[RSEG_SS] & ~7u);
	vmcs_write(VMCS_HOST_DS_SELECTOR, k->sel[RSEG_DS] & ~7u);
	vmcs_write(VMCS_HOST_ES_SELECTOR, k->sel[RSEG_ES] & ~7u);
	vmcs_write(VMCS_HOST_FS_SELECTOR, k->sel[RSEG_FS] & ~7u);
	vmcs_write(VMCS_HOST_GS_SELECTOR, k->sel[RSEG_GS] & ~7u);
	vmcs_write(VMCS_HOST_TR_SELECTOR, tr);
	vmcs_write(VMCS_HOST_FS_BASE, k->fs_base);
	vmcs_write(VMCS_HOST_GS_BASE, (uint64_t)&c->hv);
	vmcs_write(VMCS_HOST_TR_BASE, (uint64_t)c->gdt + TSS_OFFSET);
	vmcs_write(VMCS_HOST_GDTR_BASE, (uint64_t)c->gdt);
	vmcs_write(VMCS_HOST_IDTR_BASE, (uint64_t)c->idt);
	vmcs_write(VMCS_HOST_IA32_SYSENTER_CS, (uint32_t)k->sysenter_cs);
	vmcs_write(VMCS_HOST_IA32_SYSENTER_ESP, k->sysenter_esp);
	vmcs_write(VMCS_HOST_IA32_SYSENTER_EIP, k->sysenter_eip);
	vmcs_write(VMCS_HOST_IA32_EFER, k->efer);
	if (c->r->controls.pat)
		vmcs_write(VMCS_HOST_IA32_PAT, k->pat);
	vmcs_write(VMCS_HOST_RSP, (uint64_t)c->frame);
	vmcs_write(VMCS_HOST_RIP, (uint64_t)vmx_exit_entry);
}

/* The firmware's GDT copied into hv's page, a 64-bit TSS appended (SDM
 * 3A 8.2.3, "TSS Descriptor in 64-bit mode"): the host's TR. 0 or the
 * selector. */
static uint16_t host_gdt_copy(struct res_cpu *c)
{
	uint32_t size = c->capture.gdtr_limit + 1u;
	uint32_t slot = (size + 7u) & ~7u;
	const uint8_t *fw = (const uint8_t *)c->capture.gdtr_base;

	if (slot + 16u > TSS_OFFSET)
		return 0;
	for (uint32_t i = 0; i < size; i++)
		c->gdt[i] = fw[i];
	uint64_t *d = (uint64_t *)(c->gdt + slot);
	uint64_t base = (uint64_t)c->gdt + TSS_OFFSET;

	d[0] = segment_descriptor(base, TSS_LIMIT, TYPE_AVAILABLE_TSS | AR_P);
	d[1] = base >> 32;
	return (uint16_t)slot;
}

/* --- in and out of VMX ---------------------------------------------------- */

static __attribute__((noreturn)) void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* This CPU leaves VMX (RESIDENT_VMCALL_UNLOAD): the guest's state, read
 * from the VMCS, becomes the CPU's own, and it goes on after its VMCALL.
 * TR keeps hv's TSS where the guest's was 0 (TR cannot be loaded with a
 * null selector; the page stays allocated). */
static __attribute__((noreturn)) void leave_vmx(struct res_cpu *c)
{
	struct resident_native n = {0};
	uint64_t cr4 = vmcs_read(VMCS_GUEST_CR4);
	uint64_t shadow = vmcs_read(VMCS_CR4_READ_SHADOW);

	cr4 = (cr4 & ~RESIDENT_CR4_HOST_OWNED) |
	      (shadow & RESIDENT_CR4_HOST_OWNED);
	uint64_t cr0 = vmcs_read(VMCS_GUEST_CR0);
	uint64_t cr3 = vmcs_read(VMCS_GUEST_CR3);
	uint64_t dr7 = vmcs_read(VMCS_GUEST_DR7);
	uint64_t debugctl = vmcs_read(VMCS_GUEST_IA32_DEBUGCTL);
	uint64_t pat = c->r->controls.pat ? vmcs_read(VMCS_GUEST_IA32_PAT) : 0;
	uint64_t sysenter_cs = vmcs_read(VMCS_GUEST_IA32_SYSENTER_CS);
	uint64_t sysenter_esp = vmcs_read(VMCS_GUEST_IA32_SYSENTER_ESP);
	uint64_t sysenter_eip = vmcs_read(VMCS_GUEST_IA32_SYSENTER_EIP);

	n.gdtr.base = vmcs_read(VMCS_GUEST_GDTR_BASE);
	n.gdtr.limit = (uint16_t)vmcs_read(VMCS_GUEST_GDTR_LIMIT);
	n.idtr.base = vmcs_read(VMCS_GUEST_IDTR_BASE);
	n.idtr.limit = (uint16_t)vmcs_read(VMCS_GUEST_IDTR_LIMIT);
	n.cs = vmcs_read(VMCS_GUEST_CS_SELECTOR);
	n.ss = vmcs_read(VMCS_GUEST_SS_SELECTOR);
	n.ds = vmcs_read(VMCS_GUEST_DS_SELECTOR);
	n.es = vmcs_read(VMCS_GUEST_ES_SELECTOR);
	n.fs = vmcs_read(VMCS_GUEST_FS_SELECTOR);
	n.gs = vmcs_read(VMCS_GUEST_GS_SELECTOR);
	n.fs_base = vmcs_read(VMCS_GUEST_FS_BASE);
	n.gs_base = vmcs_read(VMCS_GUEST_GS_BASE);
	n.rip = vmcs_read(VMCS_GUEST_RIP);
	n.rsp = vmcs_read(VMCS_GUEST_RSP);
	n.rflags = vmcs_read(VMCS_GUEST_RFLAGS);
	n.regs = &c->vcpu.regs;
	vmclear((uint64_t)c->vmcs);
	vmxoff();
	c->state = CPU_IDLE;
	write_cr4(cr4);
	write_cr0(cr0);
	write_cr3(cr3);
	/* The guest's translations were tagged with RESIDENT_VPID; from here
	 * on the CPU uses VPID 0's, the host's and those the guest made
	 * before hv came, global ones included, which the guest's own flushes
	 * never reached: CR4.PGE changed flushes them all (SDM 3A 4.10.4.1,
	 * "Operations that Invalidate TLBs and Paging-Structure Caches"). */
	write_cr4(cr4 ^ CR4_PGE);
	write_cr4(cr4);
	if (c->r->controls.pat)
		wrmsr(MSR_IA32_PAT, pat);
	wrmsr(MSR_IA32_DEBUGCTL, debugctl);
	wrmsr(MSR_IA32_SYSENTER_CS, sysenter_cs);
	wrmsr(MSR_IA32_SYSENTER_ESP, sysenter_esp);
	wrmsr(MSR_IA32_SYSENTER_EIP, sysenter_eip);
	write_dr7(dr7);
	resident_resume_native(&n);
}

static __attribute__((noreturn)) void guest_stopped(struct res_cpu *c)
{
	char line[160];

	hv_snprintf(line, sizeof(line),
		    "\r\nhv: cpu %u: the guest stopped (why=%s, exit reason "
		    "%u, RIP 0x%lx): this CPU halts\r\n",
		    c->index, c->vcpu.why ? c->vcpu.why : "?",
		    c->vcpu.exit_reason, vmcs_read(VMCS_GUEST_RIP));
	resident_com1_puts(line);
	halt_forever();
}

/* hv's host IDT's handler (host_idt_entry.S): in VMX root, on the CPU
 * that took the event, with GS hv's (HOST_GS_BASE). An NMI belongs to
 * the guest: kept for the next VM entry (res_before_entry), and the stub
 * IRETQs back. An interrupt comes only in lapic_init_reset's window
 * (RFLAGS.IF is 0 in VMX root, SDM 3C 28.5.3, "Loading Host RIP, RSP,
 * RFLAGS, and SSP"): dropped with an EOI, as the INIT would have. A #GP
 * from resident_wrmsr_safe's or resident_rdmsr_safe's instruction (the
 * hypervisor below refused a value the guest gave) resumes at
 * resident_msr_fixup, which returns 1. Anything else is a bug in hv: one
 * line straight on COM1, never through the firmware, whose memory an OS
 * may have taken, and the CPU halts. */
void host_idt_handler(struct host_idt_frame *f)
{
	struct res_cpu *c = (struct res_cpu *)this_cpu();

	if (f->vector == EXC_NMI) {
		host_nmi_taken(&c->nmi);
		return;
	}
	if (f->vector >= FIRST_INTERRUPT_VECTOR) {
		apic_write(rdmsr(MSR_IA32_APIC_BASE), X2APIC_EOI, 0);
		c->apic_dropped++;
		return;
	}
	if (f->vector == EXC_GP && (f->rip == (uint64_t)resident_wrmsr_insn ||
				    f->rip == (uint64_t)resident_rdmsr_insn)) {
		f->rip = (uint64_t)resident_msr_fixup;
		return;
	}
	char name[16], code[48], line[200];
	unsigned int vector = (unsigned int)f->vector;

	if (vector == EXC_PF)
		hv_snprintf(code, sizeof(code), "error code 0x%lx, CR2 0x%lx",
			    f->error_code, read_cr2());
	else if (exception_has_error_code(vector))
		hv_snprintf(code, sizeof(code), "error code 0x%lx",
			    f->error_code);
	else
		hv_snprintf(code, sizeof(code), "no error code");
	hv_snprintf(line, sizeof(line),
		    "\r\nhv: cpu %u: %s in VMX root (%s) at RIP 0x%lx, RSP "
		    "0x%lx: a bug in hv; this CPU halts\r\n",
		    c->hv.index,
		    host_idt_vector_name(vector, name, sizeof(name)), code,
		    f->rip, f->rsp);
	resident_com1_puts(line);
	halt_forever();
}

/* On hv's own stack: VMLAUNCH. Returns only if it failed, or if the
 * very first VM entry failed with an exit (invalid guest state). */
static int launch_on_host_stack(void *arg)
{
	struct res_cpu *c = arg;
	int rc = vmx_enter_guest(c->frame);

	if (rc == VMX_RUN_STOPPED) {
		if (c->init_left) {
			/* Recorded first: the pending INIT resets the CPU
			 * at the instruction after VMXOFF. */
			c->state = CPU_IDLE;
			vmclear((uint64_t)c->vmcs);
			vmxoff();
			halt_forever(); /* until the pending INIT resets it */
		}
		if (c->leaving)
			leave_vmx(c);
		if (c->vcpu.exits > 1 || !c->vcpu.why || c->vcpu.why[0] != 'v')
			guest_stopped(c);
	}
	return rc;
}

static void read_capture(struct resident_capture *k)
{
	struct descriptor_table_reg d;

	k->cr0 = read_cr0();
	k->cr3 = read_cr3();
	k->cr4 = read_cr4();
	k->dr7 = read_dr7();
	k->sel[RSEG_ES] = read_es();
	k->sel[RSEG_CS] = read_cs();
	k->sel[RSEG_SS] = read_ss();
	k->sel[RSEG_DS] = read_ds();
	k->sel[RSEG_FS] = read_fs();
	k->sel[RSEG_GS] = read_gs();
	__asm__ volatile("sldt %0" : "=r"(k->sel[RSEG_LDTR]));
	k->sel[RSEG_TR] = read_tr();
	sgdt(&d);
	k->gdtr_base = d.base;
	k->gdtr_limit = d.limit;
	sidt(&d);
	k->idtr_base = d.base;
	k->idtr_limit = d.limit;
	k->efer = rdmsr(MSR_IA32_EFER);
	k->pat = rdmsr(MSR_IA32_PAT);
	k->debugctl = rdmsr(MSR_IA32_DEBUGCTL);
	k->sysenter_cs = rdmsr(MSR_IA32_SYSENTER_CS);
	k->sysenter_esp = rdmsr(MSR_IA32_SYSENTER_ESP);
	k->sysenter_eip = rdmsr(MSR_IA32_SYSENTER_EIP);
	k->fs_base = rdmsr(MSR_IA32_FS_BASE);
	k->gs_base = rdmsr(MSR_IA32_GS_BASE);
}

static void vcpu_prepare(struct res_cpu *c)
{
	struct vcpu *v = &c->vcpu;
	const struct resident *r = c->r;

	v->name = "firmware";
	v->ops = &resident_vcpu_ops;
	v->machine = &resident_machine;
	v->machine_state = c;
	v->cr0_fixed0 = r->caps.cr0_fixed0;
	v->cr0_fixed1 = r->caps.cr0_fixed1;
	v->cr4_fixed0 = r->caps.cr4_fixed0;
	v->cr4_fixed1 = r->caps.cr4_fixed1;
	v->host_cr4 = c->capture.cr4;
	v->has_pat = r->controls.pat;
	v->vpid = r->controls.vpid ? RESIDENT_VPID : 0;
	v->tsc_deadline = UINT64_MAX; /* no bounds: the firmware runs on */
	v->exit_limit = UINT64_MAX;
	v->console_unlimited = true;
	vcpu_bind_exit_frame(v, c->frame);
}

/* After the capture: VMXON, the VMCS, VMLAUNCH. Returns only when this
 * CPU could not be virtualized (c->why says why), out of VMX again. No
 * firmware call: it runs on application processors too. */
static void prepare_and_launch(struct res_cpu *c)
{
	struct resident *r = c->r;
	struct resident_capture *k = &c->capture;

	c->state = CPU_FAILED;
	read_capture(k);
	c->why = resident_guest_from_capture(k, (const uint8_t *)k->gdtr_base,
					     &r->fixed, &c->guest);
	if (c->why)
		return;
	if (r->break_cpu == c->index + 1) {
		c->why = "refused VMXON (the --break-cpu test hook)";
		return;
	}
	if (k->cr4 & CR4_VMXE) {
		c->why = "CR4.VMXE is already set: another VMM owns VMX here";
		return;
	}
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);

	if (feature_control_state(fc) == FEATURE_CONTROL_UNLOCKED)
		wrmsr(MSR_IA32_FEATURE_CONTROL,
		      fc | FEATURE_CONTROL_LOCK |
			      FEATURE_CONTROL_VMXON_OUTSIDE_SMX);
	else if (!(fc & FEATURE_CONTROL_VMXON_OUTSIDE_SMX)) {
		c->why = "VMX disabled by firmware (IA32_FEATURE_CONTROL "
			 "locked without VMXON outside SMX)";
		return;
	}
	uint16_t tr = host_gdt_copy(c);

	if (!tr) {
		c->why = "the firmware's GDT is too large to copy";
		return;
	}
	host_idt_fill(c->idt, (uint64_t)host_idt_stubs, k->sel[RSEG_CS] & ~7u);
	percpu_enter(&c->hv, c->index);
	c->cr0_before = read_cr0();
	c->cr4_before = read_cr4();
	write_cr0((c->cr0_before | r->caps.cr0_fixed0) & r->caps.cr0_fixed1);
	write_cr4((c->cr4_before | r->caps.cr4_fixed0 | CR4_VMXE) &
		  r->caps.cr4_fixed1);
	if (vmxon((uint64_t)c->vmxon) != VMX_SUCCEED) {
		c->why = "VMXON failed";
		goto cr_back;
	}
	if (vmclear((uint64_t)c->vmcs) != VMX_SUCCEED ||
	    vmptrld((uint64_t)c->vmcs) != VMX_SUCCEED) {
		c->why = "VMCLEAR/VMPTRLD failed";
		goto off;
	}
	struct vm_setup setup = {
		.caps = &r->caps,
		.controls = &r->controls,
		.policy = &r->policy,
		.bitmaps = &r->bitmaps,
		.eptp = ept_pointer(&r->ept),
		.exit_frame = c->frame,
		.vpid = r->controls.vpid ? RESIDENT_VPID : 0,
	};
	/* Nothing an earlier hv here left tagged with its VPID may serve
	 * this guest. */
	if (r->controls.vpid)
		invvpid(INVVPID_SINGLE_CONTEXT, RESIDENT_VPID);

	vmcs_setup_controls(&setup);
	if (r->controls.proc2 & PROC2_ENABLE_XSAVES_XRSTORS)
		vmcs_write(VMCS_XSS_EXITING_BITMAP, 0);
	write_host(c, tr);
	vcpu_prepare(c);
	write_guest(c, &c->guest);
	if (vmcs_failed()) {
		c->why = "a VMWRITE failed";
		goto off;
	}
	c->state = CPU_IN_VMX;
	c->why = NULL;
	int rc = resident_call_on_stack(launch_on_host_stack, c, c->stack_top);

	c->state = CPU_FAILED;
	if (rc == VMX_RUN_FAIL_VALID) {
		c->vm_error = vmcs_read(VMCS_VM_INSTRUCTION_ERROR);
		c->why = "VMLAUNCH failed (VMfailValid)";
	} else if (rc == VMX_RUN_FAIL_INVALID) {
		c->why = "VMLAUNCH failed (VMfailInvalid)";
	} else {
		c->why = "the VM entry failed (an invalid guest state)";
	}
off:
	vmclear((uint64_t)c->vmcs);
	vmxoff();
cr_back:
	write_cr4(c->cr4_before);
	write_cr0(c->cr0_before);
	percpu_leave(k->gs_base);
}

/* setjmp-like (resident_entry.h): 0 in the guest, right after its
 * capture; -1 on the host when this CPU could not be virtualized. */
static __attribute__((noinline)) int virtualize(struct res_cpu *c)
{
	if (resident_capture(&c->capture) == RESIDENT_RESUMED)
		return 0;
	prepare_and_launch(c);
	return -1;
}

/* --- every CPU -------------------------------------------------------------- */

static uint32_t this_apic_id(void)
{
	struct cpuid_regs q;

	cpuid_raw(0, 0, &q);
	if (q.eax >= 0xb) {
		cpuid_raw(0xb, 0, &q);
		if (q.ebx)
			return q.edx; /* x2APIC ID (SDM 2, "CPUID", leaf 0BH) */
	}
	cpuid_raw(1, 0, &q);
	return q.ebx >> 24;
}

/* What the application processors say back, in the boot processor's
 * memory (hv's pool is not mapped for them once they are guests). */
struct start_call {
	struct resident *r;
	char sig[RESIDENT_MAX_CPUS][13];
	bool resumed[RESIDENT_MAX_CPUS];
	bool left[RESIDENT_MAX_CPUS];
	uint64_t exits[RESIDENT_MAX_CPUS];
};

static struct res_cpu *cpu_of_this_apic(struct resident *r)
{
	uint32_t id = this_apic_id();

	for (unsigned int i = 0; i < r->ncpu; i++)
		if (r->cpu[i]->apic_id == id)
			return r->cpu[i];
	return NULL;
}

static void ap_start(void *arg)
{
	struct start_call *call = arg;
	struct res_cpu *c = cpu_of_this_apic(call->r);

	if (!c)
		return;
	unsigned int i = c->index;

	if (virtualize(c) != 0)
		return;
	/* The guest from here: only the caller's memory. */
	resident_read_signature(call->sig[i]);
	call->resumed[i] = true;
}

static void leave_here(struct start_call *call)
{
	char sig[13];

	resident_read_signature(sig);
	if (sig[0] != HV_CPUID_SIGNATURE[0] || sig[1] != HV_CPUID_SIGNATURE[1])
		return;
	uint64_t a = RESIDENT_VMCALL_PRESENT, b = 0, c = 0, d = 0;

	vmcall4(&a, &b, &c, &d);
	if (a != RESIDENT_MAGIC || b >= RESIDENT_MAX_CPUS)
		return;
	unsigned int i = (unsigned int)b;

	call->exits[i] = d;
	a = RESIDENT_VMCALL_UNLOAD;
	vmcall4(&a, &b, &c, &d);
	call->left[i] = a == 0;
}

static void ap_leave(void *arg)
{
	leave_here(arg);
}

/* Every CPU that is in VMX leaves it (the boot processor is not).
 * Returns whether all did. */
static bool undo(struct resident *r, struct start_call *call)
{
	bool all = true;

	unsigned int n = r->ncpu;

	bool was_in[RESIDENT_MAX_CPUS];

	for (unsigned int i = 0; i < n; i++) {
		call->left[i] = false;
		was_in[i] = r->cpu[i]->state == CPU_IN_VMX;
	}
	if (platform_run_on_others(ap_leave, call))
		hv_printf("hv: the MP services could not run the way out on "
			  "the other CPUs\n");
	/* The boot processor is not a guest: hv's own record says. */
	for (unsigned int i = 0; i < n; i++) {
		const struct res_cpu *c = r->cpu[i];

		if (!was_in[i])
			continue;
		if (c->state == CPU_IN_VMX) {
			all = false;
			hv_printf("hv: cpu %u: did NOT leave VMX operation\n",
				  i);
		} else {
			hv_printf("hv: cpu %u: left VMX operation after %lu VM "
				  "exits%s\n",
				  i, c->vcpu.exits,
				  c->init_left ? ", at the firmware's INIT "
						 "(Bochs 2.7: docs/resident.md)"
					       : "");
		}
	}
	return all;
}

static void report_failure(const struct res_cpu *c)
{
	if (c->vm_error)
		hv_printf("hv: cpu %u (APIC ID %u): failed: %s: VM-instruction "
			  "error %lu (%s)\n",
			  c->index, c->apic_id, c->why, c->vm_error,
			  vm_error_name((unsigned int)c->vm_error));
	else
		hv_printf("hv: cpu %u (APIC ID %u): failed: %s\n", c->index,
			  c->apic_id, c->why ? c->why : "?");
}

/* The controls: resident_exit_policy, with EPT and unrestricted guest
 * required, and the secondary controls the OS needs where the CPU has
 * them. No VPID: every VM entry and exit flushes the guest's TLB. */
static enum hv_status choose_controls(struct resident *r)
{
	struct exit_policy policy = *resident_machine.policy;
	struct cpuid_regs q;

	cpuid_raw(1, 0, &q);
	policy.pause = resident_pause_policy(q.ecx);
	if (exit_policy_build(&policy, &r->policy, &r->bitmaps)) {
		hv_printf("hv: the resident exit policy is invalid\n");
		return HV_UNSUPPORTED;
	}
	r->policy.proc2 |= PROC2_UNRESTRICTED_GUEST;
	enum hv_status st =
		vm_controls_choose(&r->caps, &r->policy, &r->controls);

	if (st != HV_OK)
		return st;
	r->controls.proc2 |= (uint32_t)(r->caps.proc2 >> 32) & PROC2_FOR_THE_OS;
	if (!(r->caps.misc & VMX_MISC_ACTIVITY_WAIT_SIPI)) {
		hv_printf("hv: this CPU lacks the wait-for-SIPI activity "
			  "state, which resident mode needs\n");
		return HV_UNSUPPORTED;
	}
	if (!(r->caps.ept_vpid & EPT_CAP_PAGE_2MB)) {
		hv_printf("hv: this CPU's EPT lacks 2-MiB pages, which "
			  "resident mode needs\n");
		return HV_UNSUPPORTED;
	}
	return HV_OK;
}

/* One line: the MTRRs the EPT's memory types come from, and what they
 * made of it. */
static void report_memory_types(const struct mtrr_state *m, uint64_t top)
{
	struct resident_ept_types t;

	if (!m->present) {
		hv_printf("hv: resident: EPT memory types: no MTRRs "
			  "(CPUID.1:EDX.MTRR = 0), all write-back\n");
		return;
	}
	if (!(m->def_type & MTRR_DEF_TYPE_E)) {
		hv_printf("hv: resident: EPT memory types: the MTRRs are "
			  "disabled (IA32_MTRR_DEF_TYPE.E = 0), all UC, as "
			  "the processor has it\n");
		return;
	}
	resident_ept_types(top, m, &t);
	hv_printf("hv: resident: EPT memory types from the MTRRs: default %s, "
		  "%u of %u variable ranges enabled, fixed ranges %s; UC: %lu "
		  "MiB + %lu KiB; 2-MiB pages split into 4-KiB pages: %lu\n",
		  memory_type_abbrev(
			  (unsigned int)(m->def_type & MTRR_DEF_TYPE_TYPE)),
		  mtrr_variable_enabled(m), m->nvar,
		  mtrr_fixed_enabled(m) ? "on" : "off", t.uc >> 20,
		  (t.uc >> 10) & 1023, (uint64_t)t.split);
}

#define PER_CPU_PAGES(s) \
	(4u + STACK_PAGES + 1u + ((s) + PAGE - 1) / PAGE) /* VMXON VMCS GDT \
							     IDT */

enum hv_status resident_start(unsigned int break_cpu, const void *image,
			      uint64_t image_size)
{
	struct vmx_caps caps;

	vmx_caps_read(&caps, &cpu_hw_ops);
	enum hv_status st = vmx_check_usable(&caps);

	if (st != HV_OK)
		return st;
	unsigned int ncpu = platform_cpu_count();
	bool have_mp = ncpu != 0;
	unsigned int bsp = have_mp ? platform_cpu_self() : 0;

	if (!have_mp) {
		hv_printf("hv: no EFI MP services: this CPU alone\n");
		ncpu = 1;
	}
	if (ncpu > RESIDENT_MAX_CPUS) {
		hv_printf("hv: %u CPUs: resident mode takes at most %u\n", ncpu,
			  RESIDENT_MAX_CPUS);
		return HV_UNSUPPORTED;
	}
	if (break_cpu > ncpu) {
		hv_printf("hv: --break-cpu=%u: there are %u CPUs (0-%u)\n",
			  break_cpu - 1, ncpu, ncpu - 1);
		return HV_BAD_ARGUMENT;
	}
	/* The pool: every structure of every CPU, sized before any AP
	 * runs, in 2-MiB pages the EPT leaves unmapped. */
	uint64_t top = platform_memory_top();

	if (top < (4ull << 30))
		top = 4ull << 30; /* MMIO below 4 GiB */
	top = (top + (1ull << 30) - 1) & ~((1ull << 30) - 1);
	/* The MTRRs, whose types the EPT takes over (x86/mtrr.h), read on
	 * the BSP: every CPU has the same (SDM 3A 11.11.8, "MTRR
	 * Considerations in MP Systems"). Read before the pool is sized: each
	 * 2-MiB page of several types needs a page table. */
	struct mtrr_state mtrr;

	mtrr_read(&cpu_hw_ops, &mtrr);
	/* hv's memory the guest never sees (resident_state.h): the pool,
	 * and once the driver has returned, its image (RESIDENT_VMCALL_SEAL,
	 * a second EPT). */
	struct resident_range hidden[3];
	size_t image_ranges =
		image ? resident_image_hidden(image, image_size, &hidden[1])
		      : 0;
	size_t need = 1 + (sizeof(struct resident) + PAGE - 1) / PAGE + 3 +
		      resident_ept_pages(top, &mtrr) +
		      resident_ept_pages(top, &mtrr) +
		      resident_ept_hidden_pages(&hidden[1], image_ranges) +
		      resident_ept_pages(top, NULL) +
		      ncpu * PER_CPU_PAGES(sizeof(struct res_cpu));
	size_t pool_pages = (need + 511) & ~(size_t)511;
	uint8_t *raw = platform_alloc_runtime_pages(pool_pages + 512);

	if (!raw) {
		hv_printf("hv: cannot allocate %lu pages of runtime-services "
			  "data\n",
			  (uint64_t)(pool_pages + 512));
		return HV_OUT_OF_MEMORY;
	}
	uint8_t *pool =
		(uint8_t *)(((uint64_t)raw + PAGE_2M - 1) & ~(PAGE_2M - 1));
	struct resident *r = (struct resident *)pool;

	r->pool = pool;
	r->pool_pages = pool_pages;
	r->used = (sizeof(struct resident) + PAGE - 1) / PAGE;
	r->caps = caps;
	r->ncpu = ncpu;
	r->bsp = bsp;
	r->break_cpu = break_cpu;
	r->fixed =
		(struct resident_fixed){caps.cr0_fixed0, caps.cr0_fixed1,
					caps.cr4_fixed0, caps.cr4_fixed1, true};
	struct cpuid_regs q;

	cpuid_raw(1, 0, &q);
	r->cpuid1_eax = q.eax;
	uint32_t cpuid1_ecx = q.ecx;

	cpuid_raw(KVM_CPUID_SIGNATURE_LEAF, 0, &q);
	r->below_kvm = resident_below_is_kvm(cpuid1_ecx, &q);
	if (r->below_kvm) {
		cpuid_raw(KVM_CPUID_FEATURES_LEAF, 0, &q);
		r->below_yields = q.eax & KVM_FEATURE_PV_SCHED_YIELD;
	}
	cpuid_raw(0, 0, &q);
	if (q.eax >= 0xd) {
		cpuid_raw(0xd, 0, &q);
		r->xcr0_mask = (uint64_t)q.edx << 32 | q.eax;
	}
	r->bitmaps.msr = pool_take(r, 1);
	r->bitmaps.io_a = pool_take(r, 1);
	r->bitmaps.io_b = pool_take(r, 1);
	st = choose_controls(r);
	if (st != HV_OK)
		return st;
	r->pages = (struct page_source){pool_page, pool_unpage, r};
	hidden[0] = (struct resident_range){(uint64_t)pool, pool_pages * PAGE};

	if (ept_init(&r->ept, &r->pages) ||
	    resident_ept_identity(&r->ept, top, hidden, 1, &mtrr,
				  caps.ept_vpid & EPT_CAP_PAGE_1GB) ||
	    (image_ranges &&
	     (ept_init(&r->sealed_ept, &r->pages) ||
	      resident_ept_identity(&r->sealed_ept, top, hidden,
				    1 + image_ranges, &mtrr,
				    caps.ept_vpid & EPT_CAP_PAGE_1GB)))) {
		hv_printf("hv: the identity EPT does not fit its pages\n");
		return HV_OUT_OF_MEMORY;
	}
	r->image_base = (uint64_t)image;
	r->image_size = image_size;
	for (size_t i = 1; i <= image_ranges; i++)
		r->image_hidden += hidden[i].size;
	r->first_hidden = image_ranges ? hidden[1].base : 0;
	r->nhidden = 1 + image_ranges;
	for (size_t i = 0; i < r->nhidden; i++)
		r->hidden[i] = hidden[i];
	if (image && !image_ranges)
		hv_printf("hv: the driver's image at %p is no PE32+ image hv "
			  "can read: it stays visible to the guest\n",
			  image);
	r->host_cr3 = resident_host_paging(&r->pages, top);
	if (!r->host_cr3) {
		hv_printf("hv: the host's page tables do not fit the pool\n");
		return HV_OUT_OF_MEMORY;
	}
	for (unsigned int i = 0; i < ncpu; i++) {
		size_t sp = (sizeof(struct res_cpu) + PAGE - 1) / PAGE;
		struct res_cpu *c = pool_take(r, sp);
		uint8_t *stack = pool_take(r, STACK_PAGES);
		uint8_t *exit_page = pool_take(r, 1);

		c->vmxon = pool_take(r, 1);
		c->vmcs = pool_take(r, 1);
		c->gdt = pool_take(r, 1);
		c->idt = pool_take(r, 1);
		if (!c->idt)
			return HV_OUT_OF_MEMORY;
		/* SDM 3C 25.2, "Format of the VMCS Region": the revision. */
		*(uint32_t *)c->vmxon = vmx_basic_revision(caps.basic);
		*(uint32_t *)c->vmcs = vmx_basic_revision(caps.basic);
		c->stack_top = stack + STACK_PAGES * PAGE;
		c->frame = (struct vmx_exit_frame *)(exit_page + PAGE -
						     sizeof(*c->frame));
		c->r = r;
		c->index = i;
		c->apic_id = have_mp ? platform_cpu_apic_id(i) : this_apic_id();
		r->cpu[i] = c;
	}
	vmcs_hw_install();
	hv_printf("hv: resident: %u CPUs (boot processor: cpu %u); hv's "
		  "memory: %lu KiB of runtime-services data at 0x%lx, left "
		  "out of the guest's EPT (identity map of 0-0x%lx, %s "
		  "pages)\n",
		  ncpu, bsp, (uint64_t)pool_pages * 4, (uint64_t)pool, top,
		  caps.ept_vpid & EPT_CAP_PAGE_1GB ? "1-GiB, 2-MiB and 4-KiB"
						   : "2-MiB and 4-KiB");
	report_memory_types(&mtrr, top);
	hv_printf("hv: host IDT: hv's own, in hv's pool, one per CPU (cpu 0's "
		  "at 0x%lx; %u 64-bit interrupt gates, IST 0): an exception "
		  "in VMX root halts that CPU with a line on COM1, an NMI "
		  "there is passed on to the guest\n",
		  (uint64_t)r->cpu[0]->idt, HOST_IDT_VECTORS);
	hv_printf("hv: controls: pin 0x%x proc 0x%x proc2 0x%x exit 0x%x "
		  "entry 0x%x\n",
		  r->controls.pin, r->controls.proc, r->controls.proc2,
		  r->controls.exit, r->controls.entry);

	static struct start_call call;

	call = (struct start_call){.r = r};
	if (ncpu > 1 && platform_run_on_others(ap_start, &call))
		hv_printf("hv: the MP services could not start the other "
			  "CPUs\n");
	bool failed = false;

	for (unsigned int i = 0; i < ncpu; i++) {
		struct res_cpu *c = r->cpu[i];

		if (i == bsp)
			continue;
		if (c->state == CPU_IN_VMX && call.resumed[i])
			hv_printf("hv: cpu %u (APIC ID %u): in VMX non-root "
				  "operation; CPUID 40000000H there says "
				  "\"%s\"\n",
				  i, c->apic_id, call.sig[i]);
		else {
			failed = true;
			if (c->state == CPU_FAILED)
				report_failure(c);
			else
				hv_printf("hv: cpu %u (APIC ID %u): failed: "
					  "its procedure never ran\n",
					  i, c->apic_id);
		}
	}
	struct res_cpu *b = r->cpu[bsp];

	if (!failed && virtualize(b) == 0) {
		/* The guest from here: hv's pool is out of reach. */
		char sig[13];

		resident_read_signature(sig);
		hv_printf("hv: cpu %u (boot processor): in VMX non-root "
			  "operation; CPUID 40000000H here says \"%s\"\n",
			  bsp, sig);
		hv_printf("hv: resident on %u CPU%s: the firmware carries on "
			  "as the guest\n",
			  ncpu, ncpu == 1 ? "" : "s");
		return HV_OK;
	}
	if (!failed)
		report_failure(b);
	if (undo(r, &call))
		hv_printf("hv: resident mode failed: every CPU is out of VMX "
			  "operation, the firmware carries on\n");
	else
		hv_printf("hv: resident mode failed, and a CPU is still in VMX "
			  "operation\n");
	return HV_VMX_FAILED;
}
