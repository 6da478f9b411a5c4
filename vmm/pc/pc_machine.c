/* The PC as a machine (exit/machine.h): what a Linux guest's CPU does
 * differently from a flat guest's, on top of the PC's pure models
 * (pc.h) and its time (pc_run.c). Its CPU may leave paging and IA-32e
 * mode (unrestricted guest), owns its x87/SSE/AVX state and XCR0, and
 * has a local APIC whose TPR is CR8. It has no hypercalls: VMCALL is #UD,
 * as on a PC without VMX (docs/linux-guest.md). */
#include "pc/pc_machine.h"

#include "exit/exit.h"
#include "exit/exit_qual.h"
#include "exit/guest_exceptions.h"
#include "exit/guest_policy.h"
#include "pc/pc_run.h"
#include "print.h"
#include "util.h"
#include "vmcs/vmcs.h"
#include "vmx/vmx_controls.h"
#include "x86/fpu.h"
#include "x86/xsave.h"
#include "x86/x86.h"

static void pc_cpuid_exit(struct vcpu *v, uint32_t leaf, uint32_t subleaf,
			  const struct cpuid_regs *host, struct cpuid_regs *r)
{
	struct pc *pc = pc_of(v);

	if (!pc_cpuid_xsave(pc, v->ops->cpu, leaf, subleaf, r))
		pc_cpuid(pc, leaf, subleaf, host, r);
}

static enum machine_answer msr_answer(enum pc_msr_result r)
{
	return r == PC_MSR_DONE ? MACHINE_DONE
	       : r == PC_MSR_GP ? MACHINE_GP
				: MACHINE_NOT_MINE;
}

static enum machine_answer pc_rdmsr(struct vcpu *v, uint32_t msr,
				    uint64_t *value)
{
	return msr_answer(
		pc_msr_read(pc_of(v), msr, v->ops->read_tsc(), value));
}

static enum machine_answer pc_wrmsr(struct vcpu *v, uint32_t msr,
				    uint64_t value)
{
	return msr_answer(
		pc_msr_write(pc_of(v), msr, value, v->ops->read_tsc()));
}

/* A write that pulled the reset line ends the run: result=reboot. */
static enum machine_answer port_reset(struct vcpu *v, uint16_t port)
{
	console_flush(v);
	hv_printf("hv: guest %s: reset through port 0x%x\n", v->name, port);
	vcpu_finish(v, GUEST_RESET, 0);
	return MACHINE_STOP;
}

static enum machine_answer pc_port_in_exit(struct vcpu *v, uint16_t port,
					   unsigned int size, uint32_t *value)
{
	return pc_port_in(pc_of(v), port, size, v->ops->read_tsc(), value)
		       ? MACHINE_DONE
		       : MACHINE_NOT_MINE;
}

static enum machine_answer pc_mmio_read_exit(struct vcpu *v, uint64_t gpa,
					     unsigned int size, uint64_t *value)
{
	return pc_mmio_read(pc_of(v), gpa, size, v->ops->read_tsc(), value)
		       ? MACHINE_DONE
		       : MACHINE_NOT_MINE;
}

static enum machine_answer pc_mmio_write_exit(struct vcpu *v, uint64_t gpa,
					      unsigned int size, uint64_t value)
{
	return pc_mmio_write(pc_of(v), gpa, size, value, v->ops->read_tsc())
		       ? MACHINE_DONE
		       : MACHINE_NOT_MINE;
}

static enum machine_answer pc_port_out_exit(struct vcpu *v, uint16_t port,
					    unsigned int size, uint32_t value)
{
	struct pc *pc = pc_of(v);
	bool mine = pc_port_out(pc, port, size, value, v->ops->read_tsc());

	if (pc->reset)
		return port_reset(v, port);
	if (pc->power_off) {
		console_flush(v);
		hv_printf("hv: guest %s: power off through ACPI (SLP_TYP %u "
			  "and SLP_EN to PM1a_CNT, port 0x%x)\n",
			  v->name, PC_ACPI_SLP_TYP_S5, port);
		vcpu_finish(v, GUEST_OK, 0);
		return MACHINE_STOP;
	}
	return mine ? MACHINE_DONE : MACHINE_NOT_MINE;
}

/* The four PDPTE registers of PAE paging outside IA-32e mode (CR0.PG,
 * CR4.PAE, EFER.LMA clear) are loaded from the 32 bytes at CR3 when a
 * MOV to CR0 or CR4 enters that mode or changes its paging bits (SDM 3A
 * 4.4.1, "PDPTE Registers"). With EPT, VM entry takes them from the
 * VMCS's guest-PDPTE fields, not from memory (SDM 3C 27.3.2.4, "Loading
 * Page-Directory-Pointer-Table Entries"), so an emulated write loads
 * them as the CPU would (review G6). A present PDPTE with a reserved bit
 * set (bits 2:1, 8:5, and MAXPHYADDR and up: SDM 3A table 4-8) makes the
 * MOV #GP(0). */
#define PDPTE_P 1ull
#define PDPTE_RESERVED_LOW 0x1e6ull
/* CR3 bits 31:5 under PAE paging (SDM 3A 4.4.1). */
#define PDPT_ADDR_MASK UINT64_C(0xffffffe0)

enum pdpte_load { PDPTE_LOADED, PDPTE_GP, PDPTE_OUTSIDE };

static enum pdpte_load load_pdptes(struct vcpu *v, uint64_t cr0, uint64_t cr4,
				   uint64_t efer)
{
	if (!(cr0 & CR0_PG) || !(cr4 & CR4_PAE) || (efer & EFER_LMA))
		return PDPTE_LOADED;
	uint64_t table = vmcs_read(VMCS_GUEST_CR3) & PDPT_ADDR_MASK;
	const uint8_t *p = vcpu_guest_ptr(v, table, 32);
	uint64_t reserved = PDPTE_RESERVED_LOW | ~((1ull << v->maxphyaddr) - 1);
	uint64_t e[4];

	if (!p)
		return PDPTE_OUTSIDE;
	for (unsigned int i = 0; i < 4; i++) {
		e[i] = get_le(p + 8 * i, 8);
		if ((e[i] & PDPTE_P) && (e[i] & reserved))
			return PDPTE_GP;
	}
	vmcs_write(VMCS_GUEST_PDPTE0, e[0]);
	vmcs_write(VMCS_GUEST_PDPTE1, e[1]);
	vmcs_write(VMCS_GUEST_PDPTE2, e[2]);
	vmcs_write(VMCS_GUEST_PDPTE3, e[3]);
	return PDPTE_LOADED;
}

/* The PDPTEs' answer as the MOV's: #GP, or the guest stopped where its
 * page-directory-pointer table lies outside its memory (the CPU's read
 * would be an EPT violation). */
static bool pdptes_refused(struct vcpu *v, enum pdpte_load l,
			   enum exit_verdict *r)
{
	if (l == PDPTE_LOADED)
		return false;
	if (l == PDPTE_GP) {
		*r = vcpu_fault_gp(v);
		return true;
	}
	console_flush(v);
	hv_printf("hv: guest %s: PAE page-directory-pointer table at "
		  "guest-physical 0x%lx, outside its memory\n",
		  v->name, vmcs_read(VMCS_GUEST_CR3) & PDPT_ADDR_MASK);
	*r = vcpu_kill(v, "ept_violation");
	return true;
}

/* MOV to CR0 and LMSW (SDM 2 "MOV—Move to/from Control Registers"):
 * PG may change, and with it IA-32e mode (SDM 3A 10.8.5, "Initializing
 * IA-32e Mode"): with EFER.LME set, PG 0 -> 1 activates it (PAE must be
 * on) and PG 1 -> 0 deactivates it (not from 64-bit code). EFER.LMA and
 * the "IA-32e mode guest" entry control must agree on the next entry
 * (SDM 3C 27.3.1.1, "Checks on Guest Control Registers, Debug Registers,
 * and MSRs"), so both follow. The real CR0 keeps NE and caching on. */
static enum exit_verdict pc_write_cr0(struct vcpu *v, uint64_t value, bool lmsw)
{
	(void)lmsw; /* LMSW's PE is kept by the exit layer; nothing else */
	if ((value >> 32) || ((value & CR0_NW) && !(value & CR0_CD)) ||
	    ((value & CR0_PG) && !(value & CR0_PE)))
		return vcpu_fault_gp(v);
	uint64_t cr0 = (value & CR0_DEFINED) | CR0_ET;
	uint64_t old = vmcs_read(VMCS_CR0_READ_SHADOW);
	uint64_t efer = vmcs_read(VMCS_GUEST_IA32_EFER);
	uint64_t cr4 = vmcs_read(VMCS_CR4_READ_SHADOW);
	bool ia32e_changes = ((old ^ cr0) & CR0_PG) && (efer & EFER_LME);
	enum exit_verdict r;

	if (ia32e_changes) {
		if (cr0 & CR0_PG) {
			if (!(cr4 & CR4_PAE))
				return vcpu_fault_gp(v);
			efer |= EFER_LMA;
		} else {
			if (vmcs_read(VMCS_GUEST_CS_ACCESS_RIGHTS) & AR_L)
				return vcpu_fault_gp(v);
			efer &= ~EFER_LMA;
		}
	}
	if (((old ^ cr0) & (CR0_PG | CR0_CD | CR0_NW)) &&
	    pdptes_refused(v, load_pdptes(v, cr0, cr4, efer), &r))
		return r;
	if (ia32e_changes) {
		uint32_t entry = vmcs_read(VMCS_ENTRY_CONTROLS);

		entry = (efer & EFER_LMA) ? entry | ENTRY_IA32E_MODE_GUEST
					  : entry & ~ENTRY_IA32E_MODE_GUEST;
		vmcs_write(VMCS_GUEST_IA32_EFER, efer);
		vmcs_write(VMCS_ENTRY_CONTROLS, entry);
	}
	vmcs_write(VMCS_CR0_READ_SHADOW, cr0);
	uint64_t real = (cr0 & ~(CR0_CD | CR0_NW)) |
			(v->cr0_fixed0 & ~(CR0_PE | CR0_PG));

	vmcs_write(VMCS_GUEST_CR0, real & v->cr0_fixed1);
	if (((old ^ cr0) & CR0_PG) && v->ops->flush_guest_tlb)
		v->ops->flush_guest_tlb(v);
	return vcpu_done(v);
}

/* CR4: the flat guest's bits, SSE's, and OSXSAVE where the PC has XSAVE;
 * PAE only while in IA-32e mode (SDM 2 "MOV": clearing PAE with EFER.LMA
 * set is #GP). CPUID's OSXSAVE follows what the guest wrote. */
static enum exit_verdict pc_write_cr4(struct vcpu *v, uint64_t value)
{
	struct pc *pc = pc_of(v);
	uint64_t allowed = pc->xsave_components
				   ? PC_CR4_GUEST_ALLOWED | CR4_OSXSAVE
				   : PC_CR4_GUEST_ALLOWED;
	uint64_t efer = vmcs_read(VMCS_GUEST_IA32_EFER);
	bool ia32e = efer & EFER_LMA;
	uint64_t old = vmcs_read(VMCS_CR4_READ_SHADOW);
	enum exit_verdict r;

	/* Paging bits changed under PAE paging: the PDPTEs again (only
	 * for a value the write accepts). */
	if (!(value & ~allowed) && ((old ^ value) & CR4_TLB_BITS) &&
	    pdptes_refused(v,
			   load_pdptes(v, vmcs_read(VMCS_CR0_READ_SHADOW),
				       value, efer),
			   &r))
		return r;
	r = vcpu_write_cr4(v, value, allowed, ia32e);

	pc->cr4 = vmcs_read(VMCS_CR4_READ_SHADOW);
	return r;
}

static uint64_t pc_read_cr8(struct vcpu *v)
{
	return lapic_cr8(&pc_of(v)->lapic);
}

static void pc_write_cr8(struct vcpu *v, uint64_t tpr)
{
	lapic_set_cr8(&pc_of(v)->lapic, tpr);
}

/* XSETBV (SDM 2 "XSETBV"): #GP(0) for an XCR other than XCR0 and for an
 * XCR0 the guest may not have; else the guest's XCR0 becomes the real
 * one while its state is loaded (x86/fpu.h). */
static enum exit_verdict pc_xsetbv(struct vcpu *v, uint32_t xcr, uint64_t value)
{
	struct pc *pc = pc_of(v);

	if (!pc->xsave_components || xcr != 0 ||
	    !xsave_xcr0_valid(value, pc->xsave_components))
		return vcpu_fault_gp(v);
	pc->xcr0 = value;
	if (this_cpu()->fpu_run)
		fpu_set_guest_xcr0(this_cpu()->fpu_run, value);
	return vcpu_done(v);
}

/* On a PC a triple fault resets the machine: Linux's last way to
 * reboot (arch/x86/kernel/reboot.c, BOOT_TRIPLE). */
static enum exit_verdict pc_triple_fault(struct vcpu *v)
{
	return vcpu_finish(v, GUEST_RESET, 0);
}

/* APIC virtualization's exits (exit/machine.h). An APIC-write exit
 * while the APIC is not in xAPIC mode (an ICR write the CPU does not
 * take as a self IPI) is a write to a page that is nobody's then:
 * stopped, as every other access there is (handle_mmio.c). */
static enum exit_verdict pc_apic_write(struct vcpu *v, uint32_t offset)
{
	struct pc *pc = pc_of(v);

	if (pc->apic_mode != PC_APIC_XAPIC) {
		console_flush(v);
		hv_printf("hv: guest %s: APIC access: data write at "
			  "guest-physical 0x%lx, RIP 0x%lx: no register of "
			  "the machine's there\n",
			  v->name, (uint64_t)(APIC_DEFAULT_BASE + offset),
			  vmcs_read(VMCS_GUEST_RIP));
		return vcpu_kill(v, "apic_access");
	}
	pc->apic_writes++;
	lapic_apic_write(&pc->lapic, offset, v->ops->read_tsc());
	return VERDICT_RESUME;
}

static enum exit_verdict pc_virtualized_eoi(struct vcpu *v, unsigned int vector)
{
	lapic_virtualized_eoi(&pc_of(v)->lapic, vector);
	return VERDICT_RESUME;
}

/* The PC's exit policy: the flat guests' (flat/flat_machine.c), but for what a kernel
 * does all the time and a flat guest never: CR3 loads and stores are its
 * own (EPT confines it; counting them would cost an exit per context
 * switch), and it owns its x87 state and may turn paging off
 * (PC_CR0_HOST_OWNED). HLT traps as a wait (pc_run.c). */
const struct exit_policy pc_exit_policy = {
	.hlt = POLICY_TRAP,
	.cr3_load = POLICY_PASS,
	.cr3_store = POLICY_PASS,
	.cr8_load = POLICY_TRAP, /* the emulated APIC's TPR */
	.cr8_store = POLICY_TRAP,
	.invlpg = POLICY_PASS,
	.rdtsc = POLICY_PASS,
	.rdpmc = POLICY_TRAP, /* #GP: no PMU, as for a flat guest */
	.mwait = POLICY_TRAP,
	.monitor = POLICY_TRAP,
	.pause = POLICY_PASS,
	.mov_dr = POLICY_PASS,
	.wbinvd = POLICY_PASS, /* harmless to the host: see above */
	.rdrand = POLICY_PASS,
	.rdseed = POLICY_PASS,
	.descriptor_tables = POLICY_PASS,
	.external_interrupt = POLICY_TRAP,
	.nmi = POLICY_TRAP,
	.preemption_timer = true, /* the APIC's deadlines, and the watchdog */
	.cr0_trap_bits = PC_CR0_HOST_OWNED,
	.cr4_trap_bits = ~0ull,
	.exception_trap_bitmap = 1u << EXC_MC | GUEST_REFLECTED_EXCEPTIONS,
	.msrs = guest_free_msrs,
	.msr_count = COUNT_OF(guest_free_msrs),
	.io = guest_free_ports,
	.io_count = COUNT_OF(guest_free_ports),
};

const struct machine pc_machine = {
	.name = "pc",
	.policy = &pc_exit_policy,
	/* Linux's decompressor turns paging off and on again
	 * (docs/linux-guest.md). */
	.unrestricted_guest = true,
	.cpuid = pc_cpuid_exit,
	.rdmsr = pc_rdmsr,
	.wrmsr = pc_wrmsr,
	.port_in = pc_port_in_exit,
	.port_out = pc_port_out_exit,
	.mmio_read = pc_mmio_read_exit,
	.mmio_write = pc_mmio_write_exit,
	.apic_virtualization = true,
	.apic_access_gpa = APIC_DEFAULT_BASE,
	.apic_write = pc_apic_write,
	.virtualized_eoi = pc_virtualized_eoi,
	.write_cr0 = pc_write_cr0,
	.cr0_host_owned = PC_CR0_HOST_OWNED,
	.write_cr4 = pc_write_cr4,
	.read_cr8 = pc_read_cr8,
	.write_cr8 = pc_write_cr8,
	.xsetbv = pc_xsetbv,
	.hlt = pc_hlt,
	.preemption_timer = pc_preemption_timer,
	.triple_fault = pc_triple_fault,
	.interrupt_window = pc_interrupt_window,
	.before_entry = pc_before_entry,
};
