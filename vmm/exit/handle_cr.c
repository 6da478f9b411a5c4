/* Control-register accesses: MOV to/from CR3 (CR3-load and CR3-store exiting),
 * MOV to/from CR8 (CR8-load and CR8-store exiting: a virtual TPR, since the
 * real CR8 is the host's local-APIC TPR), and writes to the CR0/CR4 bits the
 * host owns (guest/host masks, SDM 3C 25.6.6, "Guest/Host Masks and Read
 * Shadows for CR0 and CR4"). The guest reads its own view from the read
 * shadows; the real registers keep what VMX requires. Which CR0 and CR4
 * bits a guest may change, and what its CR8 is, are its machine's
 * (exit/machine.h). */
#include "exit/exit.h"
#include "exit/exit_qual.h"
#include "exit/machine.h"
#include "vmcs/vmcs.h"
#include "x86/x86.h"

enum exit_verdict vcpu_write_cr4(struct vcpu *v, uint64_t value,
				 uint64_t allowed, bool pae_required)
{
	if ((value & ~allowed) || (pae_required && !(value & CR4_PAE)))
		return vcpu_fault_gp(
			v); /* CR4.VMXE among them: the guest has no VMX */
	uint64_t old = vmcs_read(VMCS_CR4_READ_SHADOW);

	vmcs_write(VMCS_CR4_READ_SHADOW, value);
	vmcs_write(VMCS_GUEST_CR4, vcpu_real_cr4(v, value));
	if (((old ^ value) & CR4_TLB_BITS) && v->ops->flush_guest_tlb)
		v->ops->flush_guest_tlb(v);
	return vcpu_done(v);
}

/* With CR4.PCIDE = 0, bits 63:MAXPHYADDR are reserved and bit 63 too. */
static enum exit_verdict emulate_write_cr3(struct vcpu *v, uint64_t value)
{
	if (value >> v->maxphyaddr)
		return vcpu_fault_gp(v);
	vmcs_write(VMCS_GUEST_CR3, value);
	v->cr3_loads++;
	/* MOV CR3 flushes the guest's non-global translations; with VPID a VM
	 * entry does not, so the VMM must (SDM 3C 29.4.3.3, "Guidelines for Use
	 * of the INVVPID Instruction"). */
	if (v->ops->flush_guest_tlb)
		v->ops->flush_guest_tlb(v);
	return vcpu_done(v);
}

/* MOV to CR8: bits 63:4 are reserved (#GP); the rest is the machine's
 * task priority. */
static enum exit_verdict write_cr8(struct vcpu *v, uint64_t value)
{
	if (value & ~CR8_TPR_MASK)
		return vcpu_fault_gp(v);
	v->machine->write_cr8(v, value);
	return vcpu_done(v);
}

enum exit_verdict handle_cr_access(struct vcpu *v)
{
	const struct machine *m = v->machine;
	struct cr_access a = cr_access_decode(exit_qualification());

	switch (a.type) {
	case CR_ACCESS_MOV_TO_CR: {
		uint64_t value = vcpu_gpr_operand(v, a.gpr);

		if (a.cr == 0)
			return m->write_cr0(v, value, false);
		if (a.cr == 3)
			return emulate_write_cr3(v, value);
		if (a.cr == 4)
			return m->write_cr4(v, value);
		if (a.cr == 8)
			return write_cr8(v, value);
		break;
	}
	case CR_ACCESS_MOV_FROM_CR:
		if (a.cr == 3) {
			vcpu_set_gpr_operand(v, a.gpr,
					     vmcs_read(VMCS_GUEST_CR3));
			return vcpu_done(v);
		}
		if (a.cr == 8) {
			vcpu_set_gpr_operand(v, a.gpr, m->read_cr8(v));
			return vcpu_done(v);
		}
		break;
	case CR_ACCESS_LMSW: {
		/* LMSW writes CR0 bits 3:0 but cannot clear PE (SDM 2
		 * "LMSW"). It exits only when it would change a host-owned
		 * bit among them. The CR0 the guest sees: host-owned bits
		 * from the read shadow, the guest's own from the real
		 * register. */
		uint64_t mask = m->cr0_host_owned;
		uint64_t cr0 = (vmcs_read(VMCS_CR0_READ_SHADOW) & mask) |
			       (vmcs_read(VMCS_GUEST_CR0) & ~mask);
		uint64_t value = (cr0 & ~0xeull) | (a.lmsw_source & 0xfu);

		return m->write_cr0(v, value | (cr0 & CR0_PE), true);
	}
	case CR_ACCESS_CLTS:
		break; /* CR0.TS belongs to the guest: CLTS never exits */
	}
	return handle_unhandled(v);
}

/* XSETBV exits unconditionally (SDM 3C 26.1.2, "Instructions That Cause
 * VM Exits Unconditionally"); its #UD (CR4.OSXSAVE clear) and its #GP for
 * CPL > 0 come before the exit (26.1.1, "Relative Priority of Faults and
 * VM Exits"). What XCR0 may hold is the machine's to say; a machine
 * without XSAVE gives #GP(0). */
enum exit_verdict handle_xsetbv(struct vcpu *v)
{
	uint64_t value =
		(v->regs.gpr[GPR_RDX] << 32) | (uint32_t)v->regs.gpr[GPR_RAX];

	if (!v->machine->xsetbv)
		return vcpu_fault_gp(v);
	return v->machine->xsetbv(v, (uint32_t)v->regs.gpr[GPR_RCX], value);
}
