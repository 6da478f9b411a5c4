/* CPUID as the PC shows it to Linux: what handle_cpuid.c leaves of the
 * host's answer (no VMX, nothing whose MSR or device is missing), plus
 * what this machine adds. Linux reads its clocks from here: with leaf
 * 15H it needs neither a PIT nor a calibration loop
 * (arch/x86/kernel/tsc.c, native_calibrate_tsc), and with ARAT and
 * TSC-deadline its local APIC timer is its clock event (apic_needs_pit). */
#include "pc/pc.h"

#include "x86/x86.h"
#include "x86/xsave.h"

/* SDM 2 "CPUID", tables 3-8 to 3-10, and 3-17 for leaf 15H. */
#define LEAF_TSC_CRYSTAL 0x15u /* TSC / crystal ratio, crystal Hz */
#define LEAF_FREQUENCY 0x16u   /* base, maximum and bus MHz */
#define LEAF_CACHES 4u	       /* deterministic cache parameters */
#define LEAF_TOPOLOGY 0xbu     /* extended topology */
#define LEAF_TOPOLOGY_V2 0x1fu
/* Leaf 4 EAX: processors sharing the cache (25:14) and cores in the
 * package (31:26), both minus one: 0 for the PC's one CPU. */
#define CPUID_4_EAX_SHARING 0xffffc000u
#define TOPOLOGY_LEVEL_SMT 1u /* ECX[15:8] level types */
#define TOPOLOGY_LEVEL_CORE 2u

/* What it shows beyond the common filter (x86/x86.h's CPUID bits): the
 * x87/SSE state and, with XSAVE, the AVX state hv switches around the run
 * (x86/fpu.h; no AVX-512: its components are not offered), OSXSAVE as the
 * guest's CR4 has it, and the emulated local APIC's features. */
#define CPUID_1_EBX_APIC_ID_SHIFT 24 /* initial APIC ID, bits 31:24 */
#define CPUID_1_EBX_LOGICAL_SHIFT 16 /* logical processors, 23:16 */
/* Leaf 6: only "APIC timer always running" (ARAT): no thermal sensor,
 * no HWP (its MSRs are not the guest's). */
#define CPUID_6_EAX_ARAT (1u << 2)

void pc_cpuid(const struct pc *pc, uint32_t leaf, uint32_t subleaf,
	      const struct cpuid_regs *host, struct cpuid_regs *r)
{
	uint32_t mhz = (uint32_t)(pc->tsc_hz / 1000000u);

	(void)subleaf;
	switch (leaf) {
	case 0:
		if (r->eax < LEAF_FREQUENCY)
			r->eax = LEAF_FREQUENCY;
		break;
	case 1:
		r->edx |= host->edx & CPUID_1_EDX_FXSAVE_STATE;
		r->ecx |= (host->ecx & CPUID_1_ECX_FXSAVE_STATE) |
			  CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE;
		r->ebx = (r->ebx & 0xffffu) | 1u << CPUID_1_EBX_LOGICAL_SHIFT |
			 (uint32_t)pc->lapic.id << CPUID_1_EBX_APIC_ID_SHIFT;
		if (pc->xsave_components)
			r->ecx |= CPUID_1_ECX_XSAVE |
				  (pc->cr4 & CR4_OSXSAVE ? CPUID_1_ECX_OSXSAVE
							 : 0);
		if (pc->xsave_components & XCR0_AVX)
			r->ecx |= host->ecx & CPUID_1_ECX_AVX_STATE;
		/* A globally disabled APIC clears the APIC flag (SDM 3A
		 * 11.4.3, "Enabling or Disabling the Local APIC"). */
		if (pc->apic_mode == PC_APIC_DISABLED)
			r->edx &= ~CPUID_1_EDX_APIC;
		break;
	case 7:
		if (subleaf == 0 && (pc->xsave_components & XCR0_AVX))
			r->ebx |= host->ebx & CPUID_7_EBX_AVX2;
		/* IA32_TSC_ADJUST (pc_msr.c), with the invariant TSC the
		 * host's leaf 80000007H already shows: Linux then trusts
		 * the TSC without its clocksource watchdog
		 * (check_system_tsc_reliable), which would compare it with
		 * jiffies that lag while the kernel starts. */
		if (subleaf == 0)
			r->ebx |= host->ebx & CPUID_7_EBX_TSC_ADJUST;
		break;
	case 6:
		*r = (struct cpuid_regs){CPUID_6_EAX_ARAT, 0, 0, 0};
		break;
	case LEAF_CACHES:
		r->eax &= ~CPUID_4_EAX_SHARING;
		break;
	case LEAF_TOPOLOGY:
	case LEAF_TOPOLOGY_V2:
		/* One thread of one core, x2APIC ID 0 (EDX), as the MADT and
		 * the APIC's ID register say: the host's counts and its own
		 * APIC ID are not the PC's. */
		*r = (struct cpuid_regs){0, 0, subleaf & 0xffu, pc->lapic.id};
		if (subleaf == 0)
			r->ebx = 1, r->ecx |= TOPOLOGY_LEVEL_SMT << 8;
		else if (subleaf == 1)
			r->ebx = 1, r->ecx |= TOPOLOGY_LEVEL_CORE << 8;
		break;
	case LEAF_TSC_CRYSTAL:
		/* The crystal is the TSC itself (ratio 1/1): the APIC
		 * timer counts TSC ticks (dev/lapic.h). */
		*r = (struct cpuid_regs){1, 1, (uint32_t)pc->tsc_hz, 0};
		/* ECX is 32 bits: a TSC above 4.29 GHz cannot be named so,
		 * and the leaf says "not enumerated" instead. */
		if (pc->tsc_hz > UINT32_MAX)
			*r = (struct cpuid_regs){0, 0, 0, 0};
		break;
	case LEAF_FREQUENCY:
		*r = (struct cpuid_regs){mhz, mhz, mhz, 0};
		break;
	}
}

bool pc_cpuid_xsave(const struct pc *pc, const struct cpu_ops *cpu,
		    uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
	if (leaf != CPUID_LEAF_XSAVE || !pc->xsave_components)
		return false;
	xsave_cpuid(cpu, subleaf, pc->xsave_components, pc->xcr0, r);
	return true;
}
