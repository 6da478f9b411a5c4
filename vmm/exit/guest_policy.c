/* The one exit policy for guests. "TRAP" means a VM exit, everywhere; MSRs
 * and ports not listed trap. exit_policy_build() alone turns this into
 * control bits and bitmaps. */
#include "vmx/exit_policy.h"

#include "exit/exit_qual.h"
#include "exit/guest_exceptions.h"
#include "util.h"
#include "x86/msr.h"
#include "x86/x86.h"

/* Free: the TSC (read only), the FS/GS bases, which the VMCS switches
 * anyway, and IA32_KERNEL_GS_BASE and the SYSCALL MSRs, which the run
 * gives the guest and takes back (run.c host_extra_save); the CPU's own
 * WRMSR checks (canonical bases, LSTAR and CSTAR, FMASK bits 63:32
 * reserved) answer the guest. Every other MSR traps to the virtual MSR
 * set (handle_msr.c). */
static const struct msr_rule guest_msrs[] = {
	{MSR_IA32_TIME_STAMP_COUNTER, MSR_IA32_TIME_STAMP_COUNTER, POLICY_PASS,
	 POLICY_TRAP},
	{MSR_IA32_STAR, MSR_IA32_FMASK, POLICY_PASS, POLICY_PASS},
	{MSR_IA32_FS_BASE, MSR_IA32_KERNEL_GS_BASE, POLICY_PASS, POLICY_PASS},
};

/* Free: port 0x80, the POST-code port, harmless to write. Everything else
 * traps: the UART is emulated, the rest denied (handle_io.c). */
static const struct io_rule guest_ports[] = {
	{0x80, 0x80, POLICY_PASS},
};

const struct exit_policy guest_exit_policy = {
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
	.msrs = guest_msrs,
	.msr_count = COUNT_OF(guest_msrs),
	.io = guest_ports,
	.io_count = COUNT_OF(guest_ports),
};

/* The PC a Linux guest sees (pc/pc.h): the same, but for what a kernel
 * does all the time and a flat guest never: CR3 loads and stores are its
 * own (EPT confines it; counting them would cost an exit per context
 * switch), and it owns its x87 state and may turn paging off
 * (PC_CR0_HOST_OWNED). HLT traps as a wait (pc_run.c). */
const struct exit_policy pc_exit_policy = {
	.hlt = POLICY_TRAP,
	.cr3_load = POLICY_PASS,
	.cr3_store = POLICY_PASS,
	.cr8_load = POLICY_TRAP, /* the emulated APIC's TPR */
	.cr8_store = POLICY_TRAP,
	.invlpg = POLICY_PASS,
	.rdtsc = POLICY_PASS,
	.rdpmc = POLICY_TRAP, /* #GP: no PMU, as for a flat guest */
	.mwait = POLICY_TRAP,
	.monitor = POLICY_TRAP,
	.pause = POLICY_PASS,
	.mov_dr = POLICY_PASS,
	.wbinvd = POLICY_PASS, /* harmless to the host: see above */
	.rdrand = POLICY_PASS,
	.rdseed = POLICY_PASS,
	.descriptor_tables = POLICY_PASS,
	.external_interrupt = POLICY_TRAP,
	.nmi = POLICY_TRAP,
	.preemption_timer = true, /* the APIC's deadlines, and the watchdog */
	.cr0_trap_bits = PC_CR0_HOST_OWNED,
	.cr4_trap_bits = ~0ull,
	.exception_trap_bitmap = 1u << EXC_MC | GUEST_REFLECTED_EXCEPTIONS,
	.msrs = guest_msrs,
	.msr_count = COUNT_OF(guest_msrs),
	.io = guest_ports,
	.io_count = COUNT_OF(guest_ports),
};

/* Resident mode (docs/resident.md): the firmware, and the OS it boots,
 * drive their own hardware. Only what must exit exits: CPUID, XSETBV,
 * INVD, GETSEC and the VMX instructions (unconditional), the hidden MSRs
 * (IA32_FEATURE_CONTROL, the VMX capability MSRs 480H-491H), MOV to CR4
 * when it changes VMXE (the guest/host mask), triple fault, INIT and
 * SIPI. No interrupt, NMI, I/O or timer exits. */
static const struct msr_rule resident_msrs[] = {
	{0x0, MSR_IA32_FEATURE_CONTROL - 1, POLICY_PASS, POLICY_PASS},
	{MSR_IA32_FEATURE_CONTROL + 1, MSR_IA32_VMX_BASIC - 1, POLICY_PASS,
	 POLICY_PASS},
	{MSR_IA32_VMX_VMFUNC + 1, 0x1fff, POLICY_PASS, POLICY_PASS},
	{0xc0000000u, 0xc0001fffu, POLICY_PASS, POLICY_PASS},
};

static const struct io_rule resident_ports[] = {
	{0, 0xffff, POLICY_PASS},
};

const struct exit_policy resident_exit_policy = {
	.hlt = POLICY_PASS,
	.cr3_load = POLICY_PASS,
	.cr3_store = POLICY_PASS,
	.cr8_load = POLICY_PASS,
	.cr8_store = POLICY_PASS,
	.invlpg = POLICY_PASS,
	.rdtsc = POLICY_PASS,
	.rdpmc = POLICY_PASS,
	.mwait = POLICY_PASS,
	.monitor = POLICY_PASS,
	.pause = POLICY_PASS,
	.mov_dr = POLICY_PASS,
	.wbinvd = POLICY_PASS,
	.rdrand = POLICY_PASS,
	.rdseed = POLICY_PASS,
	.descriptor_tables = POLICY_PASS,
	.external_interrupt = POLICY_PASS,
	.nmi = POLICY_PASS,
	.preemption_timer = false,
	.cr0_trap_bits = 0,
	.cr4_trap_bits = CR4_VMXE,
	.exception_trap_bitmap = 0,
	.msrs = resident_msrs,
	.msr_count = COUNT_OF(resident_msrs),
	.io = resident_ports,
	.io_count = COUNT_OF(resident_ports),
};
