/* cpu_ops backed by the real processor. */
#include "x86/arch.h"

static void hw_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf,
		     struct cpuid_regs *out)
{
	(void)ctx;
	cpuid_raw(leaf, subleaf, out);
}

static uint64_t hw_rdmsr(void *ctx, uint32_t msr)
{
	(void)ctx;
	return rdmsr(msr);
}

const struct cpu_ops cpu_hw_ops = {hw_cpuid, hw_rdmsr, 0};
