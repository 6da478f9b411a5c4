/* The host state on the real processor (hv.efi only): read, and saved
 * and restored around a guest run. */
#include "x86/arch.h"
#include "x86/host_state.h"
#include "x86/msr.h"
#include "x86/x86.h"

void host_state_read(struct host_state *s)
{
	struct descriptor_table_reg gdtr, idtr;

	sgdt(&gdtr);
	sidt(&idtr);
	*s = (struct host_state){
		.cr0 = read_cr0(),
		.cr2 = read_cr2(),
		.cr3 = read_cr3(),
		.cr4 = read_cr4(),
		.rflags_if = read_rflags() & RFLAGS_IF,
		.gdtr_base = gdtr.base,
		.gdtr_limit = gdtr.limit,
		.idtr_base = idtr.base,
		.idtr_limit = idtr.limit,
		.dr0 = read_dr0(),
		.dr1 = read_dr1(),
		.dr2 = read_dr2(),
		.dr3 = read_dr3(),
		.dr6 = read_dr6(),
		.dr7 = read_dr7(),
		.efer = rdmsr(MSR_IA32_EFER),
		.pat = rdmsr(MSR_IA32_PAT),
		.feature_control = rdmsr(MSR_IA32_FEATURE_CONTROL),
		.debugctl = rdmsr(MSR_IA32_DEBUGCTL),
		.sysenter_cs = rdmsr(MSR_IA32_SYSENTER_CS),
		.sysenter_esp = rdmsr(MSR_IA32_SYSENTER_ESP),
		.sysenter_eip = rdmsr(MSR_IA32_SYSENTER_EIP),
		.fs_base = rdmsr(MSR_IA32_FS_BASE),
		.gs_base = rdmsr(MSR_IA32_GS_BASE),
		.kernel_gs_base = rdmsr(MSR_IA32_KERNEL_GS_BASE),
		.star = rdmsr(MSR_IA32_STAR),
		.lstar = rdmsr(MSR_IA32_LSTAR),
		.cstar = rdmsr(MSR_IA32_CSTAR),
		.fmask = rdmsr(MSR_IA32_FMASK),
		.tr = read_tr(),
	};
	s->rflags_if_after_run = s->rflags_if;
}

/* Host state that neither the VMCS host-state area nor the firmware
 * brings back: every VM exit sets DR7 to 400H and clears IA32_DEBUGCTL
 * (SDM 3C 28.5.1, "Loading Host Control Registers, Debug Registers,
 * MSRs"); the guest's MOV to DR0-DR3 and DR6 (which do not exit) write
 * the real registers; the guest's SWAPGS swaps the real
 * IA32_KERNEL_GS_BASE; the guest's MOV to CR2 and its page faults write
 * the real CR2, which neither VM entry nor VM exit switches; and the
 * SYSCALL MSRs (STAR, LSTAR, CSTAR, FMASK), which the MSR bitmap passes
 * (flat/flat_machine.c, pc/pc_machine.c) because VM exits do not load them and the UEFI host
 * never executes SYSCALL. The guest starts with power-on values in these
 * (SDM 3A 10.1.1, "Processor State After Reset": 0), not the host's. */
void host_state_save(struct host_state *h)
{
	host_state_read(h);
	write_dr0(0);
	write_dr1(0);
	write_dr2(0);
	write_dr3(0);
	write_dr6(DR6_INIT);
	wrmsr(MSR_IA32_KERNEL_GS_BASE, 0);
	wrmsr(MSR_IA32_STAR, 0);
	wrmsr(MSR_IA32_LSTAR, 0);
	wrmsr(MSR_IA32_CSTAR, 0);
	wrmsr(MSR_IA32_FMASK, 0);
	write_cr2(0);
}

void host_state_restore(const struct host_state *h)
{
	write_dr0(h->dr0);
	write_dr1(h->dr1);
	write_dr2(h->dr2);
	write_dr3(h->dr3);
	write_dr6(h->dr6);
	write_dr7(h->dr7);
	wrmsr(MSR_IA32_DEBUGCTL, h->debugctl);
	wrmsr(MSR_IA32_KERNEL_GS_BASE, h->kernel_gs_base);
	wrmsr(MSR_IA32_STAR, h->star);
	wrmsr(MSR_IA32_LSTAR, h->lstar);
	wrmsr(MSR_IA32_CSTAR, h->cstar);
	wrmsr(MSR_IA32_FMASK, h->fmask);
	write_cr2(h->cr2);
}
