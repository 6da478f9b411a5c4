/* The PC as a machine (exit/machine.h): what a Linux guest's CPU does
 * differently from a flat guest's, on top of the PC's pure models
 * (pc.h) and its time (pc_run.c). Its CPU may leave paging and IA-32e
 * mode (unrestricted guest), owns its x87/SSE/AVX state and XCR0, and
 * has a local APIC whose TPR is CR8. It has no hypercalls: VMCALL is #UD,
 * as on a PC without VMX (docs/linux-guest.md). */
#include "pc/pc_machine.h"

#include "exit/exit.h"
#include "exit/exit_qual.h"
#include "pc/pc_run.h"
#include "print.h"
#include "vmcs/vmcs.h"
#include "vmx/vmx_controls.h"
#include "x86/fpu.h"
#include "x86/xsave.h"
#include "x86/x86.h"

static enum exit_verdict gp(struct vcpu *v)
{
	vcpu_inject_exception(v, EXC_GP, 0);
	return VERDICT_RESUME;
}

static enum exit_verdict done(struct vcpu *v)
{
	vcpu_skip_instruction(v);
	return VERDICT_RESUME;
}

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
		return gp(v);
	uint64_t cr0 = (value & CR0_DEFINED) | CR0_ET;
	uint64_t old = vmcs_read(VMCS_CR0_READ_SHADOW);
	uint64_t efer = vmcs_read(VMCS_GUEST_IA32_EFER);

	if (((old ^ cr0) & CR0_PG) && (efer & EFER_LME)) {
		uint32_t entry = vmcs_read(VMCS_ENTRY_CONTROLS);

		if (cr0 & CR0_PG) {
			if (!(vmcs_read(VMCS_CR4_READ_SHADOW) & CR4_PAE))
				return gp(v);
			efer |= EFER_LMA;
			entry |= ENTRY_IA32E_MODE_GUEST;
		} else {
			if (vmcs_read(VMCS_GUEST_CS_ACCESS_RIGHTS) & AR_L)
				return gp(v);
			efer &= ~EFER_LMA;
			entry &= ~ENTRY_IA32E_MODE_GUEST;
		}
		vmcs_write(VMCS_GUEST_IA32_EFER, efer);
		vmcs_write(VMCS_ENTRY_CONTROLS, entry);
	}
	vmcs_write(VMCS_CR0_READ_SHADOW, cr0);
	uint64_t real = (cr0 & ~(CR0_CD | CR0_NW)) |
			(v->cr0_fixed0 & ~(CR0_PE | CR0_PG));

	vmcs_write(VMCS_GUEST_CR0, real & v->cr0_fixed1);
	if (((old ^ cr0) & CR0_PG) && v->ops->flush_guest_tlb)
		v->ops->flush_guest_tlb(v);
	return done(v);
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
	bool ia32e = vmcs_read(VMCS_GUEST_IA32_EFER) & EFER_LMA;
	enum exit_verdict r = vcpu_write_cr4(v, value, allowed, ia32e);

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
		return gp(v);
	pc->xcr0 = value;
	if (this_cpu()->fpu_run)
		fpu_set_guest_xcr0(this_cpu()->fpu_run, value);
	return done(v);
}

/* On a PC a triple fault resets the machine: Linux's last way to
 * reboot (arch/x86/kernel/reboot.c, BOOT_TRIPLE). */
static enum exit_verdict pc_triple_fault(struct vcpu *v)
{
	return vcpu_finish(v, GUEST_RESET, 0);
}

const struct machine pc_machine = {
	.name = "pc",
	.cpuid = pc_cpuid_exit,
	.rdmsr = pc_rdmsr,
	.wrmsr = pc_wrmsr,
	.port_in = pc_port_in_exit,
	.port_out = pc_port_out_exit,
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
