/* What every guest's exit policy shares (vmx/exit_policy.h; each
 * machine's own policy is in its file: flat/flat_machine.c,
 * pc/pc_machine.c): the MSRs and ports that never trap. "TRAP" means a
 * VM exit, everywhere; MSRs and ports not listed trap. One definition,
 * here: the arrays are static so each policy can count them. */
#ifndef HV_GUEST_POLICY_H
#define HV_GUEST_POLICY_H

#include "util.h"
#include "vmx/exit_policy.h"
#include "x86/msr.h"

/* Free: the TSC (read only), the FS/GS bases, which the VMCS switches
 * anyway, and IA32_KERNEL_GS_BASE and the SYSCALL MSRs, which the run
 * gives the guest and takes back (run.c host_extra_save); the CPU's own
 * WRMSR checks (canonical bases, LSTAR and CSTAR, FMASK bits 63:32
 * reserved) answer the guest. Every other MSR traps to the machine and
 * the virtual MSR set (handle_msr.c). */
static const struct msr_rule guest_free_msrs[] = {
	{MSR_IA32_TIME_STAMP_COUNTER, MSR_IA32_TIME_STAMP_COUNTER, POLICY_PASS,
	 POLICY_TRAP},
	{MSR_IA32_STAR, MSR_IA32_FMASK, POLICY_PASS, POLICY_PASS},
	{MSR_IA32_FS_BASE, MSR_IA32_KERNEL_GS_BASE, POLICY_PASS, POLICY_PASS},
};

/* Free: port 0x80, the POST-code port, harmless to write. Everything else
 * traps: the machine's ports are emulated, the rest denied (handle_io.c). */
static const struct io_rule guest_free_ports[] = {
	{0x80, 0x80, POLICY_PASS},
};

#endif
