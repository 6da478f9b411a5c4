#include "arch.h"
#include "cr_bits.h"
#include "host_state.h"
#include "msr.h"

void host_state_read(struct host_state *s)
{
	struct descriptor_table_reg gdtr, idtr;

	sgdt(&gdtr);
	sidt(&idtr);
	*s = (struct host_state){
		.cr0 = read_cr0(),
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
		.tr = read_tr(),
	};
	s->rflags_if_after_run = s->rflags_if;
}
