/* CPUID exits unconditionally (SDM 3C 26.1.2, "Instructions That Cause VM Exits
 * Unconditionally"). The guest sees the host's answers, minus what it cannot
 * use, plus a hypervisor signature. */
#include <stddef.h>

#include "../guest/hv_abi.h"
#include "exit/exit.h"
#include "exit/machine.h"
#include "x86/x86.h"
#ifdef HV_CPU_HW
#include "x86/arch.h"
#endif

/* Feature bits the guest is not shown (SDM 2 "CPUID", tables 3-8 to
 * 3-10), grouped by why. What CPUID reports, the guest can use. */

/* Nested VMX (CPUID.1:ECX.VMX, x86/x86.h): the guest gets no VMX. */

/* x87, MMX, SSE and AVX state: CR0.EM stays set and CR4.OSFXSR and
 * CR4.OSXSAVE stay clear, since the host switches none of it. */
#define CPUID_1_EDX_X87_SIMD CPUID_1_EDX_FXSAVE_STATE
#define CPUID_1_ECX_SIMD                                                      \
	(CPUID_1_ECX_FXSAVE_STATE | CPUID_1_ECX_XSAVE | CPUID_1_ECX_OSXSAVE | \
	 CPUID_1_ECX_AVX_STATE)
#define CPUID_7_EBX_SIMD                                            \
	(CPUID_7_EBX_AVX2 | (1u << 16) /* AVX512F */ |              \
	 (1u << 17) /* AVX512DQ */ | (1u << 21) /* AVX512_IFMA */ | \
	 (1u << 26) /* AVX512PF */ | (1u << 27) /* AVX512ER */ |    \
	 (1u << 28) /* AVX512CD */ | (1u << 30) /* AVX512BW */ |    \
	 (1u << 31) /* AVX512VL */)

/* Features enabled by CR4 bits the guest may not set (x86/x86.h). */
#define CPUID_1_EDX_CR4_GATED (1u << 1) /* VME (and PVI) */
#define CPUID_1_ECX_CR4_GATED ((1u << 6) /* SMX */ | (1u << 17) /* PCID */)
#define CPUID_7_EBX_CR4_GATED                              \
	((1u << 0) /* FSGSBASE */ | (1u << 7) /* SMEP */ | \
	 (1u << 20) /* SMAP */)
#define CPUID_7_ECX_CR4_GATED                                                 \
	((1u << 2) /* UMIP */ | (1u << 3) /* PKU */ | (1u << 4) /* OSPKE */ | \
	 (1u << 7) /* CET_SS */ | (1u << 16) /* LA57 */ |                     \
	 (1u << 31) /* PKS */)
#define CPUID_7_EDX_CR4_GATED (1u << 20) /* CET_IBT */

/* Instructions that raise #UD here because their secondary controls are 0 (SDM
 * 3C 26.3, "Changes to Instruction Behavior in VMX Non-Root Operation"):
 * "enable RDTSCP" (RDTSCP, RDPID), "enable INVPCID", "enable user wait and
 * pause", "enable PCONFIG". */
#define CPUID_7_EBX_UD (1u << 10) /* INVPCID */
#define CPUID_7_ECX_UD ((1u << 5) /* WAITPKG */ | (1u << 22) /* RDPID */)
#define CPUID_7_EDX_UD (1u << 18)	 /* PCONFIG */
#define CPUID_80000001_EDX_UD (1u << 27) /* RDTSCP */

/* Features that are MSRs or devices the guest does not have: RDMSR and
 * WRMSR of every one raise #GP (handle_msr.c), so a guest that believed
 * CPUID would fault (SDM 2 "CPUID", table 3-8 to 3-10; SDM 4). */
#define CPUID_1_EDX_NO_MSR                                       \
	(CPUID_1_EDX_MTRR | (1u << 14) /* MCA: IA32_MCG_CAP */ | \
	 (1u << 21) /* DS: IA32_DS_AREA */ |                     \
	 (1u << 22) /* ACPI: IA32_THERM_CONTROL */ |             \
	 (1u << 29) /* TM: thermal monitor */)
#define CPUID_1_ECX_NO_MSR                                           \
	((1u << 7) /* EIST: IA32_PERF_CTL */ | (1u << 8) /* TM2 */ | \
	 (1u << 11) /* SDBG: IA32_DEBUG_INTERFACE */ |               \
	 (1u << 15) /* PDCM: IA32_PERF_CAPABILITIES */ |             \
	 CPUID_1_ECX_X2APIC /* no local APIC */ |                    \
	 CPUID_1_ECX_TSC_DEADLINE /* no IA32_TSC_DEADLINE */)
#define CPUID_7_EBX_NO_MSR                                 \
	(CPUID_7_EBX_TSC_ADJUST | (1u << 12) /* RDT-M */ | \
	 (1u << 15) /* RDT-A */ | (1u << 25) /* Intel PT: IA32_RTIT_* */)
#define CPUID_7_EDX_NO_MSR                                                     \
	((1u << 26) /* IBRS, IBPB: IA32_SPEC_CTRL, IA32_PRED_CMD */ |          \
	 (1u << 27) /* STIBP */ | (1u << 28) /* L1D_FLUSH: IA32_FLUSH_CMD */ | \
	 (1u << 29) /* IA32_ARCH_CAPABILITIES */ |                             \
	 (1u << 30) /* IA32_CORE_CAPABILITIES */ |                             \
	 (1u << 31) /* SSBD: IA32_SPEC_CTRL */)
/* The leaves the filter below changes (SDM 2, "CPUID", table 3-8): 01H,
 * version and feature information; 07H, structured extended feature
 * flags; 80000001H, extended feature bits. Whole leaves about state the
 * guest does not have: 0AH, architectural performance monitoring (no
 * IA32_PMCx, IA32_PERFEVTSELx); 0DH, the XSAVE components (XSAVE is
 * hidden and CR4.OSXSAVE stays clear). */
#define CPUID_LEAF_FEATURES 1u
#define CPUID_LEAF_STRUCTURED 7u
#define CPUID_LEAF_PERFMON 0xau
#define CPUID_LEAF_EXT_FEATURES 0x80000001u
/* The basic ones (below 20H) as a mask of leaf numbers: one test tells an
 * answer that passes as the processor gave it (leaf 0 among them). */
#define CPUID_BASIC_FILTERED                                       \
	(1u << CPUID_LEAF_FEATURES | 1u << CPUID_LEAF_STRUCTURED | \
	 1u << CPUID_LEAF_PERFMON | 1u << CPUID_LEAF_XSAVE)

/* MONITOR/MWAIT would only sleep until the preemption timer. */
#define CPUID_1_ECX_MONITOR (1u << 3)

static void hide_unavailable(uint32_t leaf, uint32_t subleaf,
			     struct cpuid_regs *r)
{
	switch (leaf) {
	case CPUID_LEAF_FEATURES:
		r->edx &= ~(CPUID_1_EDX_X87_SIMD | CPUID_1_EDX_CR4_GATED |
			    CPUID_1_EDX_NO_MSR);
		r->ecx &= ~(CPUID_1_ECX_VMX | CPUID_1_ECX_SIMD |
			    CPUID_1_ECX_CR4_GATED | CPUID_1_ECX_MONITOR |
			    CPUID_1_ECX_NO_MSR);
		r->ecx |= CPUID_1_ECX_HYPERVISOR;
		break;
	case CPUID_LEAF_STRUCTURED:
		/* Subleaves 1 and up name features whose CR4 bits or MSRs
		 * the guest does not get (7.1: FRED, LAM, LKGS; 7.2: the
		 * IA32_SPEC_CTRL controls) and none is offered: subleaf 0
		 * reports no other (EAX, the highest subleaf, is 0), and any
		 * other reads as the invalid subleaf it then is, all zero
		 * (SDM 2, "CPUID", leaf 07H). */
		if (subleaf != 0) {
			*r = (struct cpuid_regs){0, 0, 0, 0};
			break;
		}
		r->eax = 0;
		r->ebx &= ~(CPUID_7_EBX_SIMD | CPUID_7_EBX_CR4_GATED |
			    CPUID_7_EBX_UD | CPUID_7_EBX_NO_MSR);
		r->ecx &= ~(CPUID_7_ECX_CR4_GATED | CPUID_7_ECX_UD);
		r->edx &= ~(CPUID_7_EDX_UD | CPUID_7_EDX_CR4_GATED |
			    CPUID_7_EDX_NO_MSR);
		break;
	case CPUID_LEAF_PERFMON:
	case CPUID_LEAF_XSAVE:
		*r = (struct cpuid_regs){0, 0, 0, 0};
		break;
	case CPUID_LEAF_EXT_FEATURES:
		r->edx &= ~CPUID_80000001_EDX_UD;
		break;
	}
}

/* The hypervisor leaves 40000000H-400000FFH (guest/hv_abi.h): the
 * signature, this CPU's exit counts, and zeros (out of line: a guest asks
 * seldom). */
static __attribute__((noinline)) void hypervisor_leaf(const struct vcpu *v,
						      uint32_t leaf,
						      uint32_t subleaf,
						      struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){0, 0, 0, 0};
	if (leaf == HV_CPUID_SIGNATURE_LEAF) {
		const char *sig = HV_CPUID_SIGNATURE;
		uint32_t w[3] = {0, 0, 0};

		for (int i = 0; i < 12; i++)
			w[i / 4] |= (uint32_t)(uint8_t)sig[i] << (8 * (i % 4));
		*r = (struct cpuid_regs){HV_CPUID_EXITS_LEAF, w[0], w[1], w[2]};
	} else if (leaf == HV_CPUID_EXITS_LEAF) {
		uint64_t n =
			subleaf == HV_CPUID_EXITS_TOTAL	     ? v->exits
			: subleaf == HV_CPUID_EXITS_ABOVE_4G ? v->exits_above_4g
			: subleaf < EXIT_REASON_COUNT ? v->exit_counts[subleaf]
						      : 0;

		*r = (struct cpuid_regs){(uint32_t)n, EXIT_REASON_COUNT - 1, 0,
					 (uint32_t)(n >> 32)};
	}
}

/* The guest's leaf and subleaf: read before the answer overwrites them. */
#define GUEST_LEAF(v) ((uint32_t)(v)->regs.gpr[GPR_RAX])
#define GUEST_SUBLEAF(v) ((uint32_t)(v)->regs.gpr[GPR_RCX])

/* The answer, in the guest's EAX, EBX, ECX and EDX. */
static inline void set_answer(struct vcpu *v, const struct cpuid_regs *r)
{
	v->regs.gpr[GPR_RAX] = r->eax;
	v->regs.gpr[GPR_RBX] = r->ebx;
	v->regs.gpr[GPR_RCX] = r->ecx;
	v->regs.gpr[GPR_RDX] = r->edx;
}

static inline void get_answer(const struct vcpu *v, struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){
		(uint32_t)v->regs.gpr[GPR_RAX], (uint32_t)v->regs.gpr[GPR_RBX],
		(uint32_t)v->regs.gpr[GPR_RCX], (uint32_t)v->regs.gpr[GPR_RDX]};
}

/* The processor's answer to @leaf and @subleaf, in the guest's EAX, EBX,
 * ECX and EDX. In hv.efi (HV_CPU_HW) every cpu_ops is the processor's,
 * cpu_hw_ops (run.c and resident_hw.c give no other), so the instruction
 * runs inline, with no call through the table and its result straight
 * in the saved registers; host tests give their own cpu_ops. */
static inline void processor_answer(struct vcpu *v, uint32_t leaf,
				    uint32_t subleaf)
{
#ifdef HV_CPU_HW
	cpuid_gprs(leaf, subleaf, &v->regs.gpr[GPR_RAX], &v->regs.gpr[GPR_RBX],
		   &v->regs.gpr[GPR_RCX], &v->regs.gpr[GPR_RDX]);
#else
	struct cpuid_regs r;

	v->ops->cpu->cpuid(v->ops->cpu->ctx, leaf, subleaf, &r);
	set_answer(v, &r);
#endif
}

/* Every answer but the processor's as it is: the hypervisor leaves, the
 * common filter, and a machine's own answer on top of it, given the
 * processor's (out of line: it needs the answer in memory). */
static __attribute__((noinline)) void cpuid_answer_slow(struct vcpu *v)
{
	uint32_t leaf = GUEST_LEAF(v), subleaf = GUEST_SUBLEAF(v);
	struct cpuid_regs r;

	if (leaf - HV_CPUID_SIGNATURE_LEAF < 0x100u) {
		hypervisor_leaf(v, leaf, subleaf, &r);
	} else {
		struct cpuid_regs host;

		processor_answer(v, leaf, subleaf);
		get_answer(v, &host);
		r = host;
		hide_unavailable(leaf, subleaf, &r);
		if (v->machine->cpuid)
			v->machine->cpuid(v, leaf, subleaf, &host, &r);
	}
	set_answer(v, &r);
}

/* Whether the processor's answer to @leaf is the guest's as it is: not a
 * hypervisor leaf, not one the filter changes. One bit test for the
 * basic leaves. */
static inline bool leaf_passes(uint32_t leaf)
{
	if (leaf < 32)
		return !(CPUID_BASIC_FILTERED & (1u << leaf));
	return leaf != CPUID_LEAF_EXT_FEATURES &&
	       leaf - HV_CPUID_SIGNATURE_LEAF >= 0x100u;
}

enum exit_verdict handle_cpuid(struct vcpu *v)
{
	uint32_t leaf = GUEST_LEAF(v);

	if (__builtin_expect(leaf_passes(leaf) && !v->machine->cpuid, 1))
		processor_answer(v, leaf, GUEST_SUBLEAF(v));
	else
		cpuid_answer_slow(v);
	vcpu_skip_instruction(v);
	return VERDICT_RESUME;
}
