/* Control-register accesses: MOV to/from CR3 (CR3-load and CR3-store exiting),
 * MOV to/from CR8 (CR8-load and CR8-store exiting: a virtual TPR, since the
 * real CR8 is the host's local-APIC TPR), and writes to the CR0/CR4 bits the
 * host owns (guest/host masks, SDM 3C 25.6.6, "Guest/Host Masks and Read
 * Shadows for CR0 and CR4"). The guest reads its own view from the read
 * shadows; the real registers keep what VMX requires. */
#include "exit/exit.h"
#include "exit/exit_qual.h"
#include "pc/pc.h"
#include "vmx/vmx_controls.h"
#include "x86/fpu.h"
#include "x86/xsave.h"
#include "vmcs/vmcs.h"
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

/* MOV to CR0 — SDM 2 "MOV—Move to/from Control Registers": #GP when reserved
 * bits 63:32 are set (reserved bits 31:0 are ignored and ET reads 1, SDM 3A
 * 2.5, "Control Registers"), NW without CD, PG without PE, or when the write
 * would leave IA-32e mode (the guest runs 64-bit code); this VMM also keeps EM
 * set (x86/x86.h). */
static enum exit_verdict emulate_write_cr0(struct vcpu *v, uint64_t value)
{
	if ((value >> 32) || ((value & CR0_NW) && !(value & CR0_CD)) ||
	    (value & CR0_GUEST_REQUIRED) != CR0_GUEST_REQUIRED)
		return gp(v);
	/* What the CPU would hold: reserved bits 31:0 dropped, ET 1. */
	value = (value & CR0_DEFINED) | CR0_ET;
	vmcs_write(VMCS_CR0_READ_SHADOW, value);
	/* The real CR0 keeps VMX's fixed bits and caching on. */
	uint64_t real = (value & ~(CR0_CD | CR0_NW)) | v->cr0_fixed0;

	vmcs_write(VMCS_GUEST_CR0, real & v->cr0_fixed1);
	return done(v);
}

/* A PC guest's MOV to CR0 (SDM 2 "MOV—Move to/from Control Registers"):
 * PG may change, and with it IA-32e mode (SDM 3A 10.8.5, "Initializing
 * IA-32e Mode"): with EFER.LME set, PG 0 -> 1 activates it (PAE must be
 * on) and PG 1 -> 0 deactivates it (not from 64-bit code). EFER.LMA and
 * the "IA-32e mode guest" entry control must agree on the next entry
 * (SDM 3C 27.3.1.1, "Checks on Guest Control Registers, Debug Registers,
 * and MSRs"), so both follow. The real CR0 keeps NE and caching on. */
static enum exit_verdict emulate_write_cr0_pc(struct vcpu *v, uint64_t value)
{
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

static enum exit_verdict emulate_write_cr4(struct vcpu *v, uint64_t value)
{
	uint64_t allowed = !v->pc ? CR4_GUEST_ALLOWED
			   : v->pc->xsave_components
				   ? PC_CR4_GUEST_ALLOWED | CR4_OSXSAVE
				   : PC_CR4_GUEST_ALLOWED;
	/* Flat guests stay in IA-32e mode; a PC guest only while in it
	 * (SDM 2 "MOV": clearing PAE with EFER.LMA set is #GP). */
	bool needs_pae = !v->pc || (vmcs_read(VMCS_GUEST_IA32_EFER) & EFER_LMA);

	if ((value & ~allowed) || (needs_pae && !(value & CR4_PAE)))
		return gp(v); /* CR4.VMXE among them: the guest has no VMX */
	uint64_t old = vmcs_read(VMCS_CR4_READ_SHADOW);

	vmcs_write(VMCS_CR4_READ_SHADOW, value);
	if (v->pc)
		v->pc->cr4 = value; /* CPUID's OSXSAVE (pc_cpuid.c) */
	vmcs_write(VMCS_GUEST_CR4, vcpu_real_cr4(v, value));
	if (((old ^ value) & CR4_TLB_BITS) && v->ops->flush_guest_tlb)
		v->ops->flush_guest_tlb(v);
	return done(v);
}

/* MOV to CR8: bits 63:4 are reserved (#GP). Only the virtual TPR
 * changes; the guest gets no interrupts for it to mask. */
static enum exit_verdict emulate_write_cr8(struct vcpu *v, uint64_t value)
{
	if (value & ~CR8_TPR_MASK)
		return gp(v);
	v->tpr = (uint8_t)value;
	if (v->pc)
		lapic_set_cr8(&v->pc->lapic, value);
	return done(v);
}

/* With CR4.PCIDE = 0, bits 63:MAXPHYADDR are reserved and bit 63 too. */
static enum exit_verdict emulate_write_cr3(struct vcpu *v, uint64_t value)
{
	if (value >> v->maxphyaddr)
		return gp(v);
	vmcs_write(VMCS_GUEST_CR3, value);
	v->cr3_loads++;
	/* MOV CR3 flushes the guest's non-global translations; with VPID a VM
	 * entry does not, so the VMM must (SDM 3C 29.4.3.3, "Guidelines for Use
	 * of the INVVPID Instruction"). */
	if (v->ops->flush_guest_tlb)
		v->ops->flush_guest_tlb(v);
	return done(v);
}

enum exit_verdict handle_cr_access(struct vcpu *v)
{
	struct cr_access a = cr_access_decode(v->exit_qualification);

	switch (a.type) {
	case CR_ACCESS_MOV_TO_CR: {
		uint64_t value = vcpu_gpr_operand(v, a.gpr);

		if (a.cr == 0)
			return v->pc ? emulate_write_cr0_pc(v, value)
				     : emulate_write_cr0(v, value);
		if (a.cr == 3)
			return emulate_write_cr3(v, value);
		if (a.cr == 4)
			return emulate_write_cr4(v, value);
		if (a.cr == 8)
			return emulate_write_cr8(v, value);
		break;
	}
	case CR_ACCESS_MOV_FROM_CR:
		if (a.cr == 3) {
			vcpu_set_gpr_operand(v, a.gpr,
					     vmcs_read(VMCS_GUEST_CR3));
			return done(v);
		}
		if (a.cr == 8) {
			vcpu_set_gpr_operand(v, a.gpr,
					     v->pc ? lapic_cr8(&v->pc->lapic)
						   : v->tpr);
			return done(v);
		}
		break;
	case CR_ACCESS_LMSW: {
		/* LMSW writes CR0 bits 3:0 but cannot clear PE. It exits only
		 * when it would change a host-owned bit among them (PE, EM).
		 * The CR0 the guest sees: host-owned bits from the read shadow,
		 * the guest's own (MP, TS) from the real register. */
		uint64_t mask = v->pc ? PC_CR0_HOST_OWNED : CR0_HOST_OWNED;
		uint64_t cr0 = (vmcs_read(VMCS_CR0_READ_SHADOW) & mask) |
			       (vmcs_read(VMCS_GUEST_CR0) & ~mask);
		uint64_t value = (cr0 & ~0xeull) | (a.lmsw_source & 0xfu);

		/* LMSW never faults for its value: an EM it clears is kept
		 * (the one bit this VMM holds at 1 for a flat guest), not
		 * answered with #GP. It cannot clear PE. */
		if (v->pc)
			return emulate_write_cr0_pc(v, value | (cr0 & CR0_PE));
		return emulate_write_cr0(v, value | CR0_EM);
	}
	case CR_ACCESS_CLTS:
		break; /* CR0.TS belongs to the guest: CLTS never exits */
	}
	return handle_unhandled(v);
}

/* XSETBV exits unconditionally (SDM 3C 26.1.2, "Instructions That Cause
 * VM Exits Unconditionally"); its #UD (CR4.OSXSAVE clear) and its #GP for
 * CPL > 0 come before the exit (26.1.1, "Relative Priority of Faults and
 * VM Exits"). Left here: #GP(0) for an XCR other than XCR0 and for an
 * XCR0 the guest may not have (SDM 2 "XSETBV"); else the guest's XCR0
 * becomes the real one while its state is loaded (x86/fpu.h). A flat
 * guest has no XSAVE: #GP. */
enum exit_verdict handle_xsetbv(struct vcpu *v)
{
	uint64_t xcr0 =
		(v->regs.gpr[GPR_RDX] << 32) | (uint32_t)v->regs.gpr[GPR_RAX];

	if (!v->pc || !v->pc->xsave_components ||
	    (uint32_t)v->regs.gpr[GPR_RCX] != 0 ||
	    !xsave_xcr0_valid(xcr0, v->pc->xsave_components))
		return gp(v);
	v->pc->xcr0 = xcr0;
	if (fpu_run)
		fpu_set_guest_xcr0(fpu_run, xcr0);
	return done(v);
}
