/* CPUID exits unconditionally (SDM 3C 26.1.2). The guest sees the host's
 * answers, minus what it cannot use, plus a hypervisor signature. */
#include <stddef.h>

#include "../guest/hv_abi.h"
#include "exit_handlers.h"

#define CPUID_1_ECX_MONITOR (1u << 3)
#define CPUID_1_ECX_VMX (1u << 5)
#define CPUID_1_ECX_PCID (1u << 17)
#define CPUID_1_ECX_XSAVE (1u << 26)
#define CPUID_1_ECX_OSXSAVE (1u << 27)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_7_EBX_INVPCID (1u << 10)
#define CPUID_7_ECX_WAITPKG (1u << 5)
#define CPUID_7_ECX_RDPID (1u << 22)
#define CPUID_80000001_EDX_RDTSCP (1u << 27)

/* What the guest must not be told it has: features whose instructions
 * raise #UD in this VM because their secondary controls ("enable
 * RDTSCP", "enable INVPCID", "enable user wait and pause") are 0 (SDM 3C
 * 26.3), nested VMX, and state the host does not switch. */
static void hide_unavailable(uint32_t leaf, uint32_t subleaf,
			     struct cpuid_regs *r)
{
	switch (leaf) {
	case 1:
		/* No nested VMX; the guest may not set CR4.PCIDE or
		 * CR4.OSXSAVE (handle_cr.c), and MWAIT would only sleep
		 * until the preemption timer. */
		r->ecx &= ~(CPUID_1_ECX_VMX | CPUID_1_ECX_PCID |
			    CPUID_1_ECX_XSAVE | CPUID_1_ECX_OSXSAVE |
			    CPUID_1_ECX_MONITOR);
		r->ecx |= CPUID_1_ECX_HYPERVISOR;
		break;
	case 7:
		if (subleaf == 0) {
			r->ebx &= ~CPUID_7_EBX_INVPCID;
			r->ecx &= ~(CPUID_7_ECX_WAITPKG | CPUID_7_ECX_RDPID);
		}
		break;
	case 0x80000001u:
		r->edx &= ~CPUID_80000001_EDX_RDTSCP;
		break;
	}
}

enum exit_verdict handle_cpuid(struct vcpu *v)
{
	uint32_t leaf = (uint32_t)v->regs.gpr[GPR_RAX];
	uint32_t subleaf = (uint32_t)v->regs.gpr[GPR_RCX];
	struct cpuid_regs r = {0, 0, 0, 0};

	if (leaf >= HV_CPUID_SIGNATURE_LEAF && leaf < 0x40000100u) {
		if (leaf == HV_CPUID_SIGNATURE_LEAF) {
			const char *sig = HV_CPUID_SIGNATURE;
			uint32_t w[3] = {0, 0, 0};

			for (int i = 0; i < 12; i++)
				w[i / 4] |= (uint32_t)(uint8_t)sig[i]
					    << (8 * (i % 4));
			r = (struct cpuid_regs){HV_CPUID_SIGNATURE_LEAF, w[0],
						w[1], w[2]};
		}
	} else {
		v->ops->cpu->cpuid(v->ops->cpu->ctx, leaf, subleaf, &r);
		hide_unavailable(leaf, subleaf, &r);
	}
	v->regs.gpr[GPR_RAX] = r.eax;
	v->regs.gpr[GPR_RBX] = r.ebx;
	v->regs.gpr[GPR_RCX] = r.ecx;
	v->regs.gpr[GPR_RDX] = r.edx;
	vcpu_skip_instruction(v);
	return VERDICT_RESUME;
}
