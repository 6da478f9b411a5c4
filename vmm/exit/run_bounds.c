#include "exit/run_bounds.h"

#include "exit/exit.h"
#include "print.h"
#include "vmcs/vmcs.h"

void run_bounds_choose(uint32_t slice_ticks, uint32_t slices,
		       unsigned int timer_rate, uint64_t tsc_hz,
		       struct run_bounds *b)
{
	uint64_t timer_ticks = (uint64_t)slices * slice_ticks; /* < 2^52 */

	/* Twice the slices' worth, saturating: rate is up to 31. */
	if (timer_ticks > (UINT64_MAX >> 1) >> timer_rate)
		b->tsc_ticks = UINT64_MAX;
	else
		b->tsc_ticks = (timer_ticks << timer_rate) * 2;
	b->exits = (uint64_t)slices * RUN_EXITS_PER_SLICE;
	if (!tsc_hz) {
		b->firmware_watchdog_s = RUN_FIRMWARE_WATCHDOG_DEFAULT_S;
		return;
	}
	uint64_t s = b->tsc_ticks / tsc_hz + (b->tsc_ticks % tsc_hz != 0);

	b->firmware_watchdog_s = (uint32_t)(s > 100000 ? 100000 : s) +
				 RUN_FIRMWARE_WATCHDOG_MARGIN_S;
}

uint64_t tsc_rate_hz(uint64_t ticks, uint64_t us)
{
	if (!us)
		return 0;
	return ticks / us * 1000000 + ticks % us * 1000000 / us;
}

void run_bounds_arm(struct vcpu *v, uint64_t now)
{
	v->run_start_tsc = now;
	v->console_tsc = 0;
	v->tsc_deadline = v->tsc_bound && v->ops->read_tsc ? now + v->tsc_bound
							   : UINT64_MAX;
	v->exit_limit = v->exit_bound ? v->exit_bound : UINT64_MAX;
	v->bounds_next_check = 0; /* the first exit sets it */
}

enum exit_verdict run_bounds_check(struct vcpu *v)
{
	if (v->exits > v->exit_limit ||
	    (!(v->exits & (RUN_TSC_CHECK_EVERY - 1)) &&
	     v->tsc_deadline != UINT64_MAX &&
	     v->ops->read_tsc() > v->tsc_deadline)) {
		if (run_bound_passed(v) == VERDICT_STOP)
			return VERDICT_STOP;
	}
	/* The next exit that reads the TSC, or the first past the exit
	 * bound, whichever comes first (both saturate). */
	uint64_t tsc = (v->exits | (RUN_TSC_CHECK_EVERY - 1)) + 1;
	uint64_t bound = v->exit_limit + (v->exit_limit != UINT64_MAX);

	if (tsc < v->exits)
		tsc = UINT64_MAX;
	v->bounds_next_check = tsc < bound ? tsc : bound;
	return VERDICT_RESUME;
}

void run_bounds_console_time(struct vcpu *v, uint64_t ticks)
{
	v->console_tsc += ticks;
	if (v->tsc_deadline != UINT64_MAX)
		v->tsc_deadline += ticks;
}

void run_bounds_oracle_time(struct vcpu *v, uint64_t ticks)
{
	if (v->tsc_deadline != UINT64_MAX)
		v->tsc_deadline += ticks;
}

enum exit_verdict run_bound_passed(struct vcpu *v)
{
	uint64_t spent =
		v->tsc_bound && v->ops->read_tsc
			? v->ops->read_tsc() - v->run_start_tsc - v->console_tsc
			: 0;

	if (v->tsc_bound && spent > v->tsc_bound) {
		console_flush(v);
		hv_printf("hv: guest %s: watchdog: host-time bound: %lu TSC "
			  "ticks since VM entry, the console's aside (bound "
			  "%lu, twice the %u slices' worth), %lu exits, %u "
			  "slices, at RIP 0x%lx\n",
			  v->name, spent, v->tsc_bound, v->slice_budget,
			  v->exits, v->slices, vmcs_read(VMCS_GUEST_RIP));
		return vcpu_kill(v, "host_time");
	}
	if (v->exit_bound && v->exits > v->exit_bound) {
		console_flush(v);
		hv_printf("hv: guest %s: watchdog: exit bound: %lu VM exits "
			  "(bound %lu, %u per slice of %u), %lu TSC ticks, "
			  "%u slices, at RIP 0x%lx\n",
			  v->name, v->exits, v->exit_bound, RUN_EXITS_PER_SLICE,
			  v->slice_budget, spent, v->slices,
			  vmcs_read(VMCS_GUEST_RIP));
		return vcpu_kill(v, "exit_limit");
	}
	return VERDICT_RESUME;
}
