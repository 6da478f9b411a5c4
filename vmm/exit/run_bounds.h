/* The bounds of one guest run (issue 11 item 1). The VMX-preemption
 * timer counts only while the guest runs (SDM 3C 26.5.1 "VMX-Preemption
 * Timer"), so a guest made of exiting instructions (`cli; 1: cpuid; jmp
 * 1b`, denied OUTs, VMCALLs) spends nearly all its time in the host and
 * its slices barely move; MWAIT in a deep C-state would stop the timer
 * altogether (that one is trapped: the machines' policies). So a run is bounded
 * three ways, each from the watchdog's budget of slices:
 *   guest time  the slices themselves (handle_preemption_timer);
 *   host time   the TSC since VM entry, checked at every exit: twice the
 *               slices' worth of TSC ticks, so a guest that spins in
 *               guest mode still meets its slice budget first. Time in
 *               the firmware's console printing the guest's lines does
 *               not count: the console limit bounds that;
 *   exits       a backstop for a TSC that does not count (an emulator,
 *               a hypervisor below that scales it).
 * And the UEFI firmware watchdog, armed for the host-time bound plus a
 * margin while the guest runs, resets the machine if hv.efi itself
 * never comes back. */
#ifndef HV_RUN_BOUNDS_H
#define HV_RUN_BOUNDS_H

#include <stdint.h>

#include "exit/vcpu.h"

/* Exits allowed per slice of the budget. A CPUID round trip costs
 * thousands of TSC ticks even on hardware, so the host-time bound comes
 * first wherever the TSC counts. */
#define RUN_EXITS_PER_SLICE 10000u
/* Seconds the firmware watchdog allows beyond the host-time bound: the
 * guest's console output, which that bound leaves aside (64 KiB at most,
 * about 6 s on a 115200-baud serial port), and a coarse firmware timer. */
#define RUN_FIRMWARE_WATCHDOG_MARGIN_S 30u
/* Without a measured TSC rate: the boot manager's own 5 minutes. */
#define RUN_FIRMWARE_WATCHDOG_DEFAULT_S 300u

struct run_bounds {
	uint64_t tsc_ticks;	      /* host time since VM entry */
	uint64_t exits;		      /* VM exits */
	uint32_t firmware_watchdog_s; /* UEFI SetWatchdogTimer() */
};

/* @slice_ticks timer ticks per slice, @slices of them, the timer counting
 * once every 2^@timer_rate TSC ticks (IA32_VMX_MISC[4:0]), the TSC
 * counting @tsc_hz per second (0: unknown). */
void run_bounds_choose(uint32_t slice_ticks, uint32_t slices,
		       unsigned int timer_rate, uint64_t tsc_hz,
		       struct run_bounds *b);

/* TSC ticks per second from @ticks counted over @us microseconds of the
 * firmware's timer; 0 when @us is 0. */
uint64_t tsc_rate_hz(uint64_t ticks, uint64_t us);

/* Arms v->tsc_bound and v->exit_bound (0: no bound) for a run entered at
 * TSC @now: what the per-exit check compares with. */
void run_bounds_arm(struct vcpu *v, uint64_t now);

/* @ticks of the TSC spent printing the guest's console: they move the
 * host-time deadline, since the console limit bounds them. */
void run_bounds_console_time(struct vcpu *v, uint64_t ticks);

/* @ticks of the TSC spent in HV_HC_CHECK (the fuzzer's oracle, hv's own
 * test of itself): they move the host-time deadline too, since the guest
 * pays for a check only as one VMCALL. */
void run_bounds_oracle_time(struct vcpu *v, uint64_t ticks);

/* The slow path of the check below: the hv line naming the bound that
 * was passed, and the guest stopped (why=host_time or why=exit_limit). */
enum exit_verdict run_bound_passed(struct vcpu *v);

/* The host-time bound is a bound of seconds: its TSC is read at every
 * RUN_TSC_CHECK_EVERY-th exit, not at each, where it would be a tenth of
 * a CPUID's round trip. A guest passes the bound by at most that many
 * exits. */
#define RUN_TSC_CHECK_EVERY 16u

/* The slow path of the check below, at v->bounds_next_check: the exit
 * bound, the TSC, and the exit count of the next check (run_bounds.c). */
enum exit_verdict run_bounds_check(struct vcpu *v);

/* At every exit, inline, so that the common case costs one compare: the
 * exit count of the next check (the next RUN_TSC_CHECK_EVERY-th exit, or
 * the first past v->exit_limit, whichever comes first) is kept, so the
 * exits between need neither bound nor TSC. Stops the guest once the run
 * is past v->tsc_bound TSC ticks since VM entry (the console's aside) or
 * past v->exit_bound exits. */
static inline enum exit_verdict vcpu_check_run_bounds(struct vcpu *v)
{
	if (__builtin_expect(v->exits < v->bounds_next_check, 1))
		return VERDICT_RESUME;
	return run_bounds_check(v);
}

#endif
