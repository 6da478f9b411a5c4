/* The machine of the flat guests (docs/guest-abi.md): a 64-bit CPU that
 * never leaves IA-32e mode and has no x87 state of its own (CR0.EM
 * stays set), a transmit-only UART at COM1 that is its console, the
 * hypercalls of guest/hv_abi.h, a virtual TPR in CR8, and nothing else.
 * HLT ends the guest, successfully; time is counted in preemption-timer
 * slices, and a watchdog ends a guest that uses too many. */
#include "flat/flat_machine.h"

#include "../guest/hv_abi.h"
#include "exit/exit.h"
#include "exit/exit_qual.h"
#include "exit/guest_exceptions.h"
#include "exit/guest_policy.h"
#include "exit/run_bounds.h"
#include "print.h"
#include "vmcs/vmcs.h"
#include "x86/x86.h"

/* The UART's registers as a guest polls them: always ready to transmit
 * (LSR THRE and TEMT), nothing received, every other register 0. */
static bool is_uart(uint16_t port)
{
	return port >= HV_UART_BASE && port < HV_UART_BASE + 8;
}

static enum machine_answer flat_port_in(struct vcpu *v, uint16_t port,
					unsigned int size, uint32_t *value)
{
	(void)v;
	if (!is_uart(port) || size != 1)
		return MACHINE_NOT_MINE;
	*value = port == HV_UART_LSR ? HV_UART_LSR_THRE | HV_UART_LSR_TEMT : 0;
	return MACHINE_DONE;
}

static enum machine_answer flat_port_out(struct vcpu *v, uint16_t port,
					 unsigned int size, uint32_t value)
{
	if (!is_uart(port) || size != 1)
		return MACHINE_NOT_MINE;
	if (port == HV_UART_BASE) {
		char c = (char)value;

		if (!console_write(v, &c, 1)) {
			vcpu_kill(v, "console_flood");
			return MACHINE_STOP;
		}
	}
	return MACHINE_DONE;
}

/* MOV to CR0 — SDM 2 "MOV—Move to/from Control Registers": #GP when
 * reserved bits 63:32 are set (reserved bits 31:0 are ignored and ET
 * reads 1, SDM 3A 2.5, "Control Registers"), NW without CD, PG without
 * PE, or when the write would leave IA-32e mode (the guest runs 64-bit
 * code); this machine also keeps EM set (x86/x86.h). LMSW never faults
 * for its value: an EM it clears is kept, not answered with #GP. */
static enum exit_verdict flat_write_cr0(struct vcpu *v, uint64_t value,
					bool lmsw)
{
	if (lmsw)
		value |= CR0_EM;
	if ((value >> 32) || ((value & CR0_NW) && !(value & CR0_CD)) ||
	    (value & CR0_GUEST_REQUIRED) != CR0_GUEST_REQUIRED)
		return vcpu_fault_gp(v);
	/* What the CPU would hold: reserved bits 31:0 dropped, ET 1. */
	value = (value & CR0_DEFINED) | CR0_ET;
	vmcs_write(VMCS_CR0_READ_SHADOW, value);
	/* The real CR0 keeps VMX's fixed bits and caching on. */
	uint64_t real = (value & ~(CR0_CD | CR0_NW)) | v->cr0_fixed0;

	vmcs_write(VMCS_GUEST_CR0, real & v->cr0_fixed1);
	return vcpu_done(v);
}

/* The guest stays in IA-32e mode: PAE stays set. */
static enum exit_verdict flat_write_cr4(struct vcpu *v, uint64_t value)
{
	return vcpu_write_cr4(v, value, CR4_GUEST_ALLOWED, true);
}

/* CR8 is the host APIC's TPR: the guest gets a virtual one, with no
 * interrupts for it to mask. */
static uint64_t flat_read_cr8(struct vcpu *v)
{
	return v->tpr;
}

static void flat_write_cr8(struct vcpu *v, uint64_t tpr)
{
	v->tpr = (uint8_t)tpr;
}

/* A halted flat guest has no interrupts to wake it: HLT ends the
 * guest, successfully (guest ABI). */
static enum exit_verdict flat_hlt(struct vcpu *v)
{
	/* First, so that make bench sees the exit's cost, not ours. */
	if (v->ops->read_tsc)
		v->hlt_tsc = v->ops->read_tsc();
	console_flush(v);
	return vcpu_finish(v, GUEST_OK, 0);
}

/* The timer counts down only in VMX non-root operation, so slices
 * measure guest time; the guest sees how many it used in hv_info. The
 * exit reports no instruction: RIP stays. */
static enum exit_verdict flat_preemption_timer(struct vcpu *v)
{
	struct hv_info *info = vcpu_guest_ptr(v, HV_GUEST_INFO, sizeof(*info));

	v->slices++;
	if (info)
		info->preemptions = v->slices;
	if (v->slices >= v->slice_budget) {
		console_flush(v);
		hv_printf("hv: guest %s: watchdog: still running after %u "
			  "time slices of %u timer ticks, at RIP 0x%lx\n",
			  v->name, v->slices, v->slice_ticks,
			  vmcs_read(VMCS_GUEST_RIP));
		return vcpu_kill(v, "watchdog");
	}
	/* Saved on exit as 0 when it expired: rearm for the next slice. */
	if (v->timer_saved)
		vmcs_write(VMCS_PREEMPTION_TIMER_VALUE, v->slice_ticks);
	return VERDICT_RESUME;
}

static enum exit_verdict flat_triple_fault(struct vcpu *v)
{
	return vcpu_kill(v, "triple_fault");
}

/* HV_HC_PRINT: RDI bytes at RSI... as docs/guest-abi.md says (out of
 * line: the other hypercalls need none of its registers). */
static __attribute__((noinline)) enum exit_verdict flat_print(struct vcpu *v)
{
	uint64_t a0 = v->regs.gpr[GPR_RDI], a1 = v->regs.gpr[GPR_RSI];
	const char *buf = vcpu_guest_ptr(v, a0, a1);
	uint64_t ret;

	/* Length 0 reads no byte, so no byte can be outside guest
	 * memory: 0, as docs/guest-abi.md says, whatever RDI is. */
	if (a1 > HV_HC_MAX_PRINT)
		ret = HV_HC_EINVAL;
	else if (a1 == 0)
		ret = HV_HC_OK;
	else if (!buf)
		ret = HV_HC_EFAULT;
	else if (!console_write(v, buf, a1))
		return vcpu_kill(v, "console_flood");
	else
		ret = HV_HC_OK;
	v->regs.gpr[GPR_RAX] = ret;
	return vcpu_done(v);
}

static __attribute__((noinline)) enum exit_verdict flat_exit(struct vcpu *v)
{
	uint64_t status = v->regs.gpr[GPR_RDI];

	console_flush(v);
	return vcpu_finish(v, status ? GUEST_ERROR : GUEST_OK, status);
}

/* The hypercalls (guest/hv_abi.h, docs/guest-abi.md): the number in
 * RAX, arguments in RDI and RSI, the result in RAX. */
static enum exit_verdict flat_vmcall(struct vcpu *v)
{
	uint64_t ret;

	switch (v->regs.gpr[GPR_RAX]) {
	case HV_HC_PRINT:
		return flat_print(v);
	case HV_HC_EXIT:
		return flat_exit(v);
	case HV_HC_VERSION:
		ret = HV_ABI_VERSION;
		break;
	case HV_HC_CHECK:
		if (!v->ops->oracle) {
			ret = HV_HC_ENOSYS;
			break;
		}
		v->oracle_checks++;
		uint64_t t0 = v->ops->read_tsc();
		unsigned int differ = v->ops->oracle(v);

		run_bounds_oracle_time(v, v->ops->read_tsc() - t0);
		if (differ) {
			v->oracle_failed = true;
			console_flush(v);
			return vcpu_kill(v, "oracle");
		}
		ret = HV_HC_OK;
		break;
	default:
		ret = HV_HC_ENOSYS;
		break;
	}
	v->regs.gpr[GPR_RAX] = ret;
	return vcpu_done(v);
}

/* The flat guests' exit policy: HLT is "done", CR3 loads are counted. */
const struct exit_policy flat_exit_policy = {
	.hlt = POLICY_TRAP,	  /* the guest's way to say "done" */
	.cr3_load = POLICY_TRAP,  /* counted, checked, TLB flushed */
	.cr3_store = POLICY_TRAP, /* the guest reads the CR3 it set */
	.cr8_load = POLICY_TRAP,  /* CR8 is the host APIC's TPR: a virtual */
	.cr8_store = POLICY_TRAP, /* one instead (handle_cr.c) */
	.invlpg = POLICY_PASS,
	.rdtsc = POLICY_PASS,
	/* CPUID hides the PMU (leaf 0AH) and its MSRs #GP: RDPMC raises
	 * #GP too (exit.c), instead of reading the counters the host or
	 * the firmware left running, a timing channel across exits. */
	.rdpmc = POLICY_TRAP,
	.mwait = POLICY_TRAP, /* hidden by CPUID: #UD (exit_dispatch.c) */
	.monitor = POLICY_TRAP,
	.pause = POLICY_PASS,
	.mov_dr = POLICY_PASS,
	/* WBINVD passes: it writes back and invalidates every cache, the
	 * host's lines too, but loses no data (SDM 2, "WBINVD"), so the
	 * worst it does is slow the host down for a while, as a guest that
	 * sweeps enough memory does anyway. INVD, which would drop the
	 * host's dirty lines, exits unconditionally and is a no-op
	 * (handle_events.c). */
	.wbinvd = POLICY_PASS,
	.rdrand = POLICY_PASS,
	.rdseed = POLICY_PASS,
	.descriptor_tables = POLICY_PASS,
	.external_interrupt = POLICY_TRAP, /* the firmware's, not the guest's */
	.nmi = POLICY_TRAP,
	.preemption_timer = true, /* time slices and the watchdog */
	.cr0_trap_bits = CR0_HOST_OWNED,
	.cr4_trap_bits = ~0ull, /* every CR4 change is checked */
	/* #MC is the host's (machine_check.h); #DB and #AC are the
	 * guest's, trapped so their delivery cannot loop without a VM
	 * exit (guest_exceptions.h). */
	.exception_trap_bitmap = 1u << EXC_MC | GUEST_REFLECTED_EXCEPTIONS,
	.msrs = guest_free_msrs,
	.msr_count = COUNT_OF(guest_free_msrs),
	.io = guest_free_ports,
	.io_count = COUNT_OF(guest_free_ports),
};

const struct machine flat_machine = {
	.name = "flat",
	.policy = &flat_exit_policy,
	.port_in = flat_port_in,
	.port_out = flat_port_out,
	.write_cr0 = flat_write_cr0,
	.cr0_host_owned = CR0_HOST_OWNED,
	.write_cr4 = flat_write_cr4,
	.read_cr8 = flat_read_cr8,
	.write_cr8 = flat_write_cr8,
	.hlt = flat_hlt,
	.preemption_timer = flat_preemption_timer,
	.triple_fault = flat_triple_fault,
	.vmcall = flat_vmcall,
};
