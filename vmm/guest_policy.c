/* The one exit policy for guests. "TRAP" means a VM exit, everywhere; MSRs
 * and ports not listed trap. exit_policy_build() alone turns this into
 * control bits and bitmaps. */
#include "guest_policy.h"

#include "cr_bits.h"
#include "msr.h"

/* Free: the TSC (read only) and the FS/GS bases, which the VMCS switches
 * anyway. Every other MSR traps to the virtual MSR set (handle_msr.c). */
static const struct msr_rule guest_msrs[] = {
	{MSR_IA32_TIME_STAMP_COUNTER, MSR_IA32_TIME_STAMP_COUNTER, EXIT_PASS,
	 EXIT_TRAP},
	{MSR_IA32_FS_BASE, MSR_IA32_GS_BASE, EXIT_PASS, EXIT_PASS},
};

/* Free: port 0x80, the POST-code port, harmless to write. Everything else
 * traps: the UART is emulated, the rest denied (handle_io.c). */
static const struct io_rule guest_ports[] = {
	{0x80, 0x80, EXIT_PASS},
};

const struct exit_policy guest_exit_policy = {
	.hlt = EXIT_TRAP,	/* the guest's way to say "done" */
	.cr3_load = EXIT_TRAP,	/* counted, checked, TLB flushed */
	.cr3_store = EXIT_TRAP, /* the guest reads the CR3 it set */
	.cr8_load = EXIT_TRAP,	/* CR8 is the host APIC's TPR: a virtual */
	.cr8_store = EXIT_TRAP, /* one instead (handle_cr.c) */
	.invlpg = EXIT_PASS,
	.rdtsc = EXIT_PASS,
	.rdpmc = EXIT_PASS,
	.mwait = EXIT_PASS, /* hidden by CPUID; sleeps to the timer */
	.monitor = EXIT_PASS,
	.pause = EXIT_PASS,
	.mov_dr = EXIT_PASS,
	.wbinvd = EXIT_PASS,
	.rdrand = EXIT_PASS,
	.rdseed = EXIT_PASS,
	.descriptor_tables = EXIT_PASS,
	.external_interrupt = EXIT_TRAP, /* the firmware's, not the guest's */
	.nmi = EXIT_TRAP,
	.preemption_timer = true, /* time slices and the watchdog */
	.cr0_trap_bits = CR0_HOST_OWNED,
	.cr4_trap_bits = ~0ull, /* every CR4 change is checked */
	.exception_trap_bitmap = 0,
	.msrs = guest_msrs,
	.msr_count = sizeof(guest_msrs) / sizeof(guest_msrs[0]),
	.io = guest_ports,
	.io_count = sizeof(guest_ports) / sizeof(guest_ports[0]),
};
