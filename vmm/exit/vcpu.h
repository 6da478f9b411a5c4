/* One virtual CPU and the guest it runs: everything an exit handler
 * needs, in one place. */
#ifndef HV_VCPU_H
#define HV_VCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exit/exit_reasons.h"
#include "mem/ept.h"
#include "vmx/vmx_entry.h"
#include "x86/cpu_ops.h"

enum guest_result {
	GUEST_RUNNING,
	GUEST_OK,      /* HLT, or HV_HC_EXIT with status 0 */
	GUEST_ERROR,   /* HV_HC_EXIT with a non-zero status, or VMX failure */
	GUEST_KILLED,  /* the VMM stopped it: see why */
	GUEST_RESET,   /* a PC guest reset its machine (reboot) */
	GUEST_STOPPED, /* its user stopped it from the console (Ctrl-A x) */
};

struct vcpu;
struct machine;

/* The few things handlers need from the processor itself; the VMM gives
 * the real ones (run.c), host tests give fakes. */
struct vcpu_ops {
	const struct cpu_ops *cpu;		 /* CPUID for the guest */
	void (*flush_guest_tlb)(struct vcpu *v); /* after emulating MOV CR3 */
	void (*open_irq_window)(void);		 /* let the host take an IRQ */
	uint64_t (*read_tsc)(void);		 /* the host's TSC */
	/* DR0-DR3 and DR6 (@n = 0-3, 6), which hold the guest's values
	 * while it runs: MOV DR does not exit (run.c). A reflected #DB
	 * writes DR6 as the processor would have. */
	uint64_t (*read_dr)(unsigned int n);
	void (*write_dr6)(uint64_t value);
	void (*irqs_off)(void); /* after firmware calls, which turn them on */
	void (*wbinvd)(void);	/* INVD's stand-in (optional: none) */
	/* HV_HC_CHECK (optional: ENOSYS): hv's own memory and the host
	 * registers a VM exit loads, against their values before the run;
	 * prints and returns how many differ. */
	unsigned int (*oracle)(struct vcpu *v);
};

struct uart {
	char line[160];
	size_t len;
	bool continued; /* line[] continues an open line (console.c) */
	unsigned long lines;
};

struct vcpu {
	struct guest_regs regs; /* saved and loaded by vmx_entry.S */
	struct vmx_exit_frame *exit_frame;
	const char *name;
	const struct vcpu_ops *ops;
	unsigned int maxphyaddr; /* CPUID.80000008H:EAX[7:0] */
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	uint64_t host_cr4; /* its MCE stays in the real guest CR4 */
	bool has_pat;	   /* guest IA32_PAT is switched by the VMCS */

	/* guest memory: guest-physical 0 is at mem, size bytes */
	uint8_t *mem;
	uint64_t mem_size;
	struct ept ept;
	uint16_t vpid; /* 0: VPID not in use */

	/* the exit being handled (its qualification and instruction length
	 * are read by the handlers that use them: exit.h) */
	uint32_t exit_reason;

	/* statistics for the summary line */
	uint64_t exits;
	uint64_t oracle_checks; /* HV_HC_CHECKs answered (flat_machine.c) */
	bool oracle_failed;	/* ... and one found hv changed */
	uint64_t exit_counts[EXIT_REASON_COUNT];
	/* Exits at an instruction that ends at or above 4 GiB (the ones
	 * vcpu_skip_above_4g completes): in 64-bit mode an OS kernel's
	 * addresses, where a firmware runs below. Resident hv's guest asks
	 * it (HV_CPUID_EXITS_ABOVE_4G) to tell the OS's exits from the
	 * firmware's; counted off the common path, where RIP is read anyway. */
	uint64_t exits_above_4g;
	uint64_t cr3_loads;
	uint64_t io_denied;
	uint64_t console_bytes;
	uint64_t host_nmis; /* host NMIs taken during the guest */

	/* reflected exceptions: the last one, and how often in a row it came
	 * back at the same place (guest_exceptions.c) */
	unsigned int exc_loop_vector, exc_loop_count;
	uint64_t exc_loop_rip, exc_loop_rsp;

	/* VMX-preemption timer: time slices and a watchdog */
	uint32_t slice_ticks;  /* timer value loaded at each entry */
	uint32_t slices;       /* expiries so far */
	uint32_t slice_budget; /* expiries before the watchdog kills */
	bool timer_saved;      /* "save VMX-preemption timer value" is on */
	/* host-time and exit bounds (run_bounds.h); 0: none */
	uint64_t run_start_tsc; /* the host's TSC just before VM entry */
	uint64_t tsc_bound;
	uint64_t exit_bound;
	uint64_t console_tsc; /* TSC ticks spent printing the guest's lines */
	/* The two bounds as the per-exit check compares them: armed by
	 * run_bounds_arm(), UINT64_MAX for "no bound". */
	uint64_t tsc_deadline;
	uint64_t exit_limit;
	/* The exit count at which the per-exit check next looks at either
	 * bound (run_bounds.h); 0: at the next exit. */
	uint64_t bounds_next_check;

	/* outcome */
	enum guest_result result;
	uint8_t tpr;	  /* CR8: the guest's virtual task priority */
	uint64_t hlt_tsc; /* the host's TSC at the HLT exit, for make bench */
	const char *why;  /* with GUEST_KILLED: one word */
	bool host_machine_check; /* a #MC to hand to the host after the run */
	uint64_t status;	 /* with HV_HC_EXIT */

	struct uart uart;
	/* A Linux guest's console is its user's: no flood limit (console.c) */
	bool console_unlimited;
	/* The flood limit in bytes (--console-limit=); 0: 64 KiB */
	uint32_t console_limit;

	/* The machine it runs on (exit/machine.h), and that machine's own
	 * state (a PC's devices; NULL for a flat guest). */
	const struct machine *machine;
	void *machine_state;
};

/* What an exit handler tells the dispatch loop. */
enum exit_verdict {
	VERDICT_RESUME,
	VERDICT_STOP,
};

typedef enum exit_verdict (*exit_handler)(struct vcpu *v);

#endif
