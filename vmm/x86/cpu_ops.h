/* The one seam between pure VMX logic and the processor: code that only
 * needs to *read* the CPU (CPUID, capability MSRs) takes a cpu_ops, so
 * host unit tests can feed it captured values from real CPUs. */
#ifndef HV_CPU_OPS_H
#define HV_CPU_OPS_H

#include <stdbool.h>
#include <stdint.h>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

/* Whether a hypervisor leaf's answer (40000000H and every 100H up)
 * carries the 12-byte signature @want in EBX, ECX, EDX, low byte first. */
static inline bool cpuid_signature_is(const struct cpuid_regs *r,
				      const char *want)
{
	const uint32_t w[3] = {r->ebx, r->ecx, r->edx};

	for (unsigned int i = 0; i < 12; i++)
		if ((char)(w[i / 4] >> (8 * (i % 4))) != want[i])
			return false;
	return true;
}

struct cpu_ops {
	void (*cpuid)(void *ctx, uint32_t leaf, uint32_t subleaf,
		      struct cpuid_regs *out);
	/* Must only be called for MSRs the CPU has: on real hardware and
	 * under OVMF a missing MSR raises #GP and the firmware hangs. */
	uint64_t (*rdmsr)(void *ctx, uint32_t msr);
	void *ctx;
};

/* The physical-address width, MAXPHYADDR: CPUID.80000008H:EAX[7:0], or
 * without that leaf the default (SDM 3A 4.1.4, "Enumeration of Paging
 * Features by CPUID"). */
static inline unsigned int cpu_maxphyaddr(const struct cpu_ops *cpu)
{
	struct cpuid_regs r;

	cpu->cpuid(cpu->ctx, 0x80000000u, 0, &r);
	if (r.eax < 0x80000008u)
		return 36;
	cpu->cpuid(cpu->ctx, 0x80000008u, 0, &r);
	return r.eax & 0xffu;
}

/* The real processor (boot/ and vmm/ only; not linked in host tests). */
extern const struct cpu_ops cpu_hw_ops;

#endif
