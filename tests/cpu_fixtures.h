/* Capability MSR values captured from real and emulated CPUs, for tests
 * that must not depend on the machine they run on. */
#ifndef HV_TESTS_CPU_FIXTURES_H
#define HV_TESTS_CPU_FIXTURES_H

#include <stdint.h>

#include "x86/cpu_ops.h"

struct msr_value {
	uint32_t index;
	uint64_t value;
};

struct cpu_fixture {
	const char *name;
	const char *vendor; /* 12 characters */
	uint32_t cpuid1_ecx;
	const struct msr_value *msrs; /* terminated by index 0 */
	/* Set by the fake rdmsr when code reads an MSR the fixture lacks:
	 * on a real CPU that read would #GP. */
	uint32_t bad_read;
	unsigned int reads;
};

/* Bochs 2.7, cpu model corei7_skylake_x (read from its serial log). */
extern struct cpu_fixture bochs_skylake_x;
/* An older part without TRUE controls or secondary controls: IA32_VMX_BASIC
 * bit 55 clear, so CR3-load/store exiting are default-1 and fixed. */
extern struct cpu_fixture core2_no_true_ctls;
/* A Haswell-era part (KVM nested on an i7-4770), TRUE controls, EPT. */
extern struct cpu_fixture haswell_kvm;
/* AMD: CPUID reports no VMX; no VMX MSR may be read. */
extern struct cpu_fixture amd_no_vmx;

struct cpu_ops fixture_ops(struct cpu_fixture *f);
/* Value of @msr in @f, or 0 when absent. */
uint64_t fixture_msr(const struct cpu_fixture *f, uint32_t msr);

#endif
