/* hv's state on one logical processor: what the exit path and hv's own
 * printing write, one copy per CPU, so that CPUs taking VM exits at once
 * never share it.
 *
 * In hv.efi it is found through GS: while hv runs on a CPU, IA32_GS_BASE
 * holds that CPU's struct hv_cpu (percpu_enter), and HOST_GS_BASE holds
 * it too, so every VM exit loads it (SDM 3C 28.5.2, "Loading Host Segment
 * and Descriptor-Table Registers"); the guest's own GS base lives in the
 * VMCS's guest state. this_cpu() is one load from GS:0. Host tests, the
 * tools and the guests' own copy of hv's printf run on one CPU: a plain
 * variable (percpu.c, guest/lib.c).
 *
 * What is shared between CPUs is not here: the console (the firmware's,
 * whose output a CPU writes a whole line at a time), and a machine's
 * devices (each machine says how it shares them, exit/machine.h). */
#ifndef HV_PERCPU_H
#define HV_PERCPU_H

#include <stdbool.h>
#include <stdint.h>

struct fpu_images;

/* Every VMREAD and VMWRITE that reached the backend (vmcs/vmcs.h): the
 * VMM's own work, reported per exit after each run. */
struct vmcs_counters {
	uint64_t reads, writes;
};

struct hv_cpu {
	struct hv_cpu *self; /* at GS:0: how this_cpu() finds it */
	unsigned int index;  /* 0: the CPU hv.efi was started on */
	/* the VMCS layer: its counters, and a failed access not yet seen
	 * by the exit path (vmcs_failed) */
	struct vmcs_counters vmcs_counts;
	bool vmcs_failures_pending;
	/* hv's console line: left open by a piece of the guest's line
	 * (print.h) */
	bool print_line_open;
	/* the x87/SSE/AVX images of the guest this CPU runs, while one with
	 * its own state runs (x86/fpu.h); NULL else */
	struct fpu_images *fpu_run;
};

#ifdef HV_PERCPU_GS
/* Not volatile, and no memory operand: GS.base does not change while hv
 * runs on a CPU, so the compiler may load it once per function. */
static inline struct hv_cpu *this_cpu(void)
{
	struct hv_cpu *c;

	__asm__("mov %%gs:0, %0" : "=r"(c));
	return c;
}

/* One more in this CPU's 64-bit counter @field: one instruction, with
 * no load of the struct's address. Only a later function reads the
 * counters (the compiler need not see the write). */
#define this_cpu_inc(field)              \
	__asm__ volatile("incq %%gs:%c0" \
			 :               \
			 : "i"(__builtin_offsetof(struct hv_cpu, field)))

/* Whether this CPU's bool @field is set: one compare of GS-relative
 * memory. Volatile, and it clobbers memory, so that it is read where it
 * stands, after the calls that may have set it. */
#define this_cpu_bool(field)                                            \
	({                                                              \
		bool set_;                                              \
		__asm__ volatile(                                       \
			"cmpb $0, %%gs:%c1"                             \
			: "=@ccne"(set_)                                \
			: "i"(__builtin_offsetof(struct hv_cpu, field)) \
			: "memory");                                    \
		set_;                                                   \
	})

/* hv starts running on this CPU with @c as its state: IA32_GS_BASE
 * pointed at @c. Returns the firmware's GS base, for percpu_leave()
 * (percpu_hw.c). */
uint64_t percpu_enter(struct hv_cpu *c, unsigned int index);
/* hv leaves the CPU: its GS base as the firmware had it. */
void percpu_leave(uint64_t firmware_gs_base);
#else
extern struct hv_cpu hv_cpu_single;

static inline struct hv_cpu *this_cpu(void)
{
	return &hv_cpu_single;
}

#define this_cpu_inc(field) (hv_cpu_single.field++)
#define this_cpu_bool(field) (hv_cpu_single.field)
#endif

#endif
