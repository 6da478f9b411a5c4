/* EPT violations (SDM 3C 29.3.3.2, "EPT Violations"): the guest touched
 * guest-physical memory it was not given. Where the machine has devices
 * there (machine.h: mmio_read, mmio_write), a data load or store is
 * emulated: the instruction at RIP is fetched through the guest's own
 * paging (mem/guest_walk.c) and decoded (x86/mmio_insn.c), since the
 * exit gives the address but no instruction length (SDM 3C 28.2.5: the
 * field is defined for instruction-caused exits only); the machine
 * answers, and the instruction completes here as the processor would
 * complete it. Everything else stops the guest with a report that says
 * what it touched and, for an access hv could not emulate, why. */
#include "exit/exit.h"
#include "exit/exit_qual.h"
#include "exit/machine.h"
#include "mem/guest_walk.h"
#include "print.h"
#include "vmcs/vmcs.h"
#include "x86/mmio_insn.h"

static void report_violation(struct vcpu *v, const struct ept_violation *e,
			     uint64_t gpa)
{
	char what[96];

	ept_violation_describe(e, what, sizeof(what));
	console_flush(v);
	hv_printf("hv: guest %s: EPT violation: %s at guest-physical 0x%lx",
		  v->name, what, gpa);
	if (e->linear_valid)
		hv_printf(" (linear 0x%lx)",
			  vmcs_read(VMCS_GUEST_LINEAR_ADDRESS));
	hv_printf(", RIP 0x%lx; guest memory is 0x0-0x%lx\n",
		  vmcs_read(VMCS_GUEST_RIP), v->mem_size - 1);
}

static struct guest_mmu guest_mmu_now(const struct vcpu *v)
{
	struct guest_mmu mmu = {
		.mem = v->mem,
		.mem_size = v->mem_size,
		.cr0 = vmcs_read(VMCS_GUEST_CR0),
		.cr3 = vmcs_read(VMCS_GUEST_CR3),
		.cr4 = vmcs_read(VMCS_GUEST_CR4),
		.efer = vmcs_read(VMCS_GUEST_IA32_EFER),
	};

	/* The PDPTE registers matter to PAE paging alone. */
	if (guest_paging_mode(&mmu) == GUEST_PAGING_PAE) {
		mmu.pdpte[0] = vmcs_read(VMCS_GUEST_PDPTE0);
		mmu.pdpte[1] = vmcs_read(VMCS_GUEST_PDPTE1);
		mmu.pdpte[2] = vmcs_read(VMCS_GUEST_PDPTE2);
		mmu.pdpte[3] = vmcs_read(VMCS_GUEST_PDPTE3);
	}
	return mmu;
}

/* The instruction could not be emulated: said, and the guest stopped. */
static enum exit_verdict refuse(struct vcpu *v, uint64_t gpa,
				const uint8_t *bytes, unsigned int n,
				const char *why)
{
	console_flush(v);
	hv_printf("hv: guest %s: MMIO at guest-physical 0x%lx by the "
		  "instruction at RIP 0x%lx, bytes",
		  v->name, gpa, vmcs_read(VMCS_GUEST_RIP));
	for (unsigned int i = 0; i < n; i++)
		hv_printf(" %02x", bytes[i]);
	/* cppcheck 2.10 takes this call for a comma expression: */
	/* cppcheck-suppress constStatement */
	hv_printf(": %s\n", why);
	return vcpu_kill(v, "mmio");
}

/* The access as the machine sees it, and the instruction completed.
 * False: not the machine's address (the caller reports it). */
static bool emulate(struct vcpu *v, uint64_t gpa, bool write,
		    enum exit_verdict *verdict)
{
	struct guest_mmu mmu = guest_mmu_now(v);
	enum insn_mode mode =
		insn_mode_of(vmcs_read(VMCS_GUEST_CS_ACCESS_RIGHTS), mmu.efer);
	/* CS's base is 0 in 64-bit mode; below it, linear addresses are
	 * 32 bits (SDM 3A 3.4.4, "Segment Loading Instructions in IA-32e
	 * Mode"; 3.3, "Logical and Linear Addresses"). */
	uint64_t rip = vmcs_read(VMCS_GUEST_RIP);
	uint64_t linear =
		mode == INSN_MODE_64
			? rip
			: (uint32_t)(vmcs_read(VMCS_GUEST_CS_BASE) + rip);
	uint8_t bytes[INSN_MAX_LENGTH];
	unsigned int n = guest_fetch(&mmu, linear, bytes, INSN_MAX_LENGTH);
	struct mmio_insn insn;
	enum mmio_insn_result r = mmio_insn_decode(bytes, n, mode, &insn);

	if (r != MMIO_INSN_OK) {
		*verdict = refuse(v, gpa, bytes, n, mmio_insn_result_text(r));
		return true;
	}
	/* The processor said what the access was; the decoded instruction
	 * must agree (an XCHG both reads and writes, and exits on the
	 * first). */
	if (insn.op != MMIO_XCHG && write != (insn.op == MMIO_STORE)) {
		*verdict = refuse(v, gpa, bytes, insn.length,
				  "the decoded access is not the one the "
				  "processor reported");
		return true;
	}
	uint64_t reg = vcpu_gpr(v, insn.reg);
	uint64_t loaded = 0;
	enum machine_answer a = MACHINE_DONE;

	if (insn.op != MMIO_STORE)
		a = v->machine->mmio_read(v, gpa, insn.size, &loaded);
	if (a == MACHINE_DONE && insn.op != MMIO_LOAD)
		a = v->machine->mmio_write(v, gpa, insn.size,
					   mmio_insn_store_value(&insn, reg));
	switch (a) {
	case MACHINE_NOT_MINE:
		return false;
	case MACHINE_STOP:
		*verdict = VERDICT_STOP;
		return true;
	case MACHINE_GP:
		*verdict = vcpu_fault_gp(v);
		return true;
	case MACHINE_DONE:
		break;
	}
	if (insn.op != MMIO_STORE)
		vcpu_set_gpr(v, insn.reg,
			     mmio_insn_load_result(&insn, reg, loaded));
	vcpu_skip_bytes(v, rip, insn.length);
	*verdict = VERDICT_RESUME;
	return true;
}

enum exit_verdict handle_ept_violation(struct vcpu *v)
{
	struct ept_violation violation =
		ept_violation_decode(exit_qualification());
	uint64_t gpa = vmcs_read(VMCS_GUEST_PHYSICAL_ADDRESS);
	enum exit_verdict verdict;

	/* Data accesses only (an instruction fetch from a device is no
	 * access hv emulates), and not a guest paging structure: with
	 * linear_valid, caused_by_translation says the access was to the
	 * translation of the linear address itself. */
	if (v->machine->mmio_read && v->machine->mmio_write &&
	    !violation.fetch &&
	    (!violation.linear_valid || violation.caused_by_translation) &&
	    emulate(v, gpa, violation.write, &verdict))
		return verdict;
	/* cppcheck-suppress constStatement */
	report_violation(v, &violation, gpa);
	return vcpu_kill(v, "ept_violation");
}

/* The CPU's APIC virtualization (machine.h: apic_virtualization; SDM 3C
 * chapter 30, "APIC Virtualization and Virtual Interrupts"). The CPU
 * answers most accesses of the APIC page from the virtual-APIC page
 * without an exit; these three exits are what it leaves to hv.
 *
 * An APIC-access exit (SDM 3C 30.4, "Virtualizing Memory-Mapped APIC
 * Accesses") is fault-like: nothing was read or written, RIP is at the
 * instruction. A data read or write is emulated as any MMIO is, at the
 * machine's APIC page; a fetch or an access during event delivery is no
 * access a guest makes of its APIC, and stops it. */
enum exit_verdict handle_apic_access(struct vcpu *v)
{
	struct apic_access a = apic_access_decode(exit_qualification());
	uint64_t gpa = v->machine->apic_access_gpa + a.offset;
	enum exit_verdict verdict;

	if ((a.type == APIC_ACCESS_LINEAR_READ ||
	     a.type == APIC_ACCESS_LINEAR_WRITE) &&
	    v->machine->mmio_read && v->machine->mmio_write &&
	    emulate(v, gpa, a.type == APIC_ACCESS_LINEAR_WRITE, &verdict))
		return verdict;
	console_flush(v);
	hv_printf("hv: guest %s: APIC access: %s at guest-physical 0x%lx, "
		  "RIP 0x%lx: no register of the machine's there\n",
		  v->name, apic_access_type_text(a.type), gpa,
		  vmcs_read(VMCS_GUEST_RIP));
	return vcpu_kill(v, "apic_access");
}

/* An APIC-write exit (SDM 3C 30.4.3.3, "APIC-Write VM Exits") is
 * trap-like: the guest's value is already in the virtual-APIC page at
 * the offset, RIP past the instruction; the machine gives the write its
 * side effects. */
enum exit_verdict handle_apic_write(struct vcpu *v)
{
	if (!v->machine->apic_write)
		return handle_unhandled(v);
	return v->machine->apic_write(
		v, apic_access_decode(exit_qualification()).offset);
}

/* An EOI-induced exit (SDM 3C 30.1.4, "EOI Virtualization"), trap-like:
 * the CPU completed the EOI of the vector in the qualification, which
 * the EOI-exit bitmap asked to be told of. */
enum exit_verdict handle_virtualized_eoi(struct vcpu *v)
{
	if (!v->machine->virtualized_eoi)
		return handle_unhandled(v);
	return v->machine->virtualized_eoi(
		v, (unsigned int)(exit_qualification() & 0xffu));
}
