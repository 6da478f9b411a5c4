/* The machine a guest runs on: what differs between kinds of guest, as
 * one table of operations that the exit handlers call. The handlers in
 * this folder do what the architecture says every time (decode the exit,
 * check what the SDM checks, move RIP, inject, count); a machine answers
 * what only it knows: what CPUID and its own MSRs and ports say, which
 * CR0/CR4 changes it allows, what HLT, the preemption timer and a triple
 * fault mean, and what happens before each VM entry.
 *
 * Two machines today, each one file that fills this table:
 *   flat/flat_machine.c  the flat guests of docs/guest-abi.md: a UART,
 *                        hypercalls, HLT as "done", a watchdog;
 *   pc/pc_machine.c      the PC a Linux guest sees (docs/linux-guest.md).
 * A third (the firmware and the OS it boots, on every CPU) is another
 * such file. The exit layer names none of them: a machine is chosen when
 * a guest is set up (run.c) and reached through vcpu->machine, its own
 * state through vcpu->machine_state.
 *
 * Contract:
 * - Every operation runs on the CPU that took the exit, in VMX root, with
 *   that CPU's VMCS current; it may read and write the VMCS through the
 *   VMCS layer and use the helpers of exit.h. It returns VERDICT_STOP
 *   only after vcpu_finish() or vcpu_kill() said why.
 * - An operation marked "optional" may be NULL: the default is given.
 * - State a machine shares between CPUs (devices) is its own to lock;
 *   the exit layer takes no lock. A machine never calls the firmware
 *   from an operation but through the platform layer (platform.h), and
 *   puts the host's x87 state back first (x86/fpu.h).
 * - RIP: an operation that completes the exiting instruction calls
 *   vcpu_skip_instruction() itself (writes of CR0/CR4, HLT, VMCALL);
 *   those the exit layer completes are said below. */
#ifndef HV_MACHINE_H
#define HV_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "exit/vcpu.h"
#include "vmx/exit_policy.h"
#include "x86/cpu_ops.h"

/* A machine's answer to RDMSR, WRMSR, IN or OUT. */
enum machine_answer {
	MACHINE_DONE,	  /* answered; the exit layer completes it */
	MACHINE_GP,	  /* the machine's, but #GP(0) for this access */
	MACHINE_NOT_MINE, /* MSRs: the common set decides (handle_msr.c);
			     ports: nothing there (read all ones, denied) */
	MACHINE_STOP,	  /* the run ends (vcpu_finish/vcpu_kill said why) */
};

struct machine {
	const char *name; /* "flat", "pc" */
	/* What traps (vmx/exit_policy.h; the MSRs and ports every guest
	 * has free: exit/guest_policy.h), and whether the guest may run
	 * with paging or protection off ("unrestricted guest"). */
	const struct exit_policy *policy;
	bool unrestricted_guest;

	/* CPUID (optional): @r is the processor's answer after the common
	 * filter (handle_cpuid.c) hid what no guest may see; @host the
	 * processor's own. The machine adds or removes what it has. */
	void (*cpuid)(struct vcpu *v, uint32_t leaf, uint32_t subleaf,
		      const struct cpuid_regs *host, struct cpuid_regs *r);

	/* RDMSR and WRMSR of a trapped MSR (optional: MACHINE_NOT_MINE). */
	enum machine_answer (*rdmsr)(struct vcpu *v, uint32_t msr,
				     uint64_t *value);
	enum machine_answer (*wrmsr)(struct vcpu *v, uint32_t msr,
				     uint64_t value);

	/* IN and OUT of @size bytes (1, 2, 4) at a trapped port; string
	 * I/O never reaches a machine (optional: nothing there). */
	enum machine_answer (*port_in)(struct vcpu *v, uint16_t port,
				       unsigned int size, uint32_t *value);
	enum machine_answer (*port_out)(struct vcpu *v, uint16_t port,
					unsigned int size, uint32_t value);

	/* A load or store of @size bytes (1, 2, 4, 8) at guest-physical
	 * @gpa outside guest memory: an EPT violation whose instruction the
	 * exit layer decoded (handle_mmio.c), which also completes it.
	 * Optional: without them, or at MACHINE_NOT_MINE, the guest stops
	 * with the EPT violation's report. */
	enum machine_answer (*mmio_read)(struct vcpu *v, uint64_t gpa,
					 unsigned int size, uint64_t *value);
	enum machine_answer (*mmio_write)(struct vcpu *v, uint64_t gpa,
					  unsigned int size, uint64_t value);

	/* The CPU's APIC virtualization (vmx/vm_controls.h: apicv), used
	 * where the machine asks for it and the CPU has it all. EPT maps
	 * apic_access_gpa, the machine's xAPIC page, to the APIC-access
	 * page; what the CPU does not answer there from the virtual-APIC
	 * page (the machine's to give, vm_setup) exits:
	 * - an APIC-access exit for a data read or write: emulated as MMIO,
	 *   through mmio_read and mmio_write at apic_access_gpa + offset;
	 * - an APIC-write exit (trap-like): apic_write, @offset the
	 *   register's, its new value in the virtual-APIC page;
	 * - an EOI-induced exit (trap-like): virtualized_eoi, for a vector
	 *   the machine set in the EOI-exit bitmap. */
	bool apic_virtualization;
	uint64_t apic_access_gpa;
	enum exit_verdict (*apic_write)(struct vcpu *v, uint32_t offset);
	enum exit_verdict (*virtualized_eoi)(struct vcpu *v,
					     unsigned int vector);

	/* MOV to CR0 and LMSW (@lmsw: the CR0 that LMSW would make, PE
	 * kept), for the bits cr0_host_owned traps. */
	enum exit_verdict (*write_cr0)(struct vcpu *v, uint64_t value,
				       bool lmsw);
	uint64_t cr0_host_owned; /* the guest/host mask's CR0 bits */
	/* MOV to CR4: every change traps. vcpu_write_cr4() does the
	 * architecture's part once the machine chose what it allows. */
	enum exit_verdict (*write_cr4)(struct vcpu *v, uint64_t value);
	/* MOV from and to CR8, the task priority; bits 63:4 already
	 * checked. The exit layer completes the instruction. */
	uint64_t (*read_cr8)(struct vcpu *v);
	void (*write_cr8)(struct vcpu *v, uint64_t tpr);
	/* XSETBV of @xcr (optional: #GP(0), a guest without XSAVE). */
	enum exit_verdict (*xsetbv)(struct vcpu *v, uint32_t xcr,
				    uint64_t value);

	/* HLT, the VMX-preemption timer's expiry, a triple fault. */
	enum exit_verdict (*hlt)(struct vcpu *v);
	enum exit_verdict (*preemption_timer)(struct vcpu *v);
	enum exit_verdict (*triple_fault)(struct vcpu *v);
	/* Interrupt-window exiting, for a machine that asks for it
	 * (optional: an unhandled exit). */
	enum exit_verdict (*interrupt_window)(struct vcpu *v);
	/* PAUSE, where the policy traps it (optional: skipped, as done). */
	enum exit_verdict (*pause)(struct vcpu *v);
	/* VMCALL at CPL 0 (optional: #UD, as without VMX); CPL > 0 gets
	 * #UD from the exit layer. */
	enum exit_verdict (*vmcall)(struct vcpu *v);
	/* An INIT signal, and a SIPI while the CPU waits for one, to a CPU
	 * in VMX non-root operation: they always exit (SDM 3C 26.2, "Other
	 * Causes of VM Exits"). Optional: an unhandled exit. A machine
	 * whose guest starts other CPUs gives it the reset state (SDM 3A
	 * 9.1.1) and, at the SIPI, the start-up vector. */
	enum exit_verdict (*init_signal)(struct vcpu *v);
	enum exit_verdict (*sipi)(struct vcpu *v);

	/* Before every VM entry (optional): interrupts to inject, timers to
	 * set, the guest's x87 state to load. */
	enum exit_verdict (*before_entry)(struct vcpu *v);
};

/* MOV to CR4 as the architecture has it, for a machine that allows the
 * bits @allowed, and needs PAE set while @pae_required (IA-32e mode):
 * #GP(0) for any other bit, else the read shadow takes the value, the
 * real CR4 what VMX needs, and the guest's TLB is flushed where a paging
 * bit changed (handle_cr.c). */
enum exit_verdict vcpu_write_cr4(struct vcpu *v, uint64_t value,
				 uint64_t allowed, bool pae_required);

#endif
