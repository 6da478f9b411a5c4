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
	/* CPUID leaf 0 EAX (0: leaf 7 absent too) and (EAX=7,ECX=0):EDX */
	uint32_t max_leaf;
	uint32_t cpuid7_edx;
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

/* Speculative-execution fixtures (vmm/spec_ctrl.c), leaf 7 and
 * IA32_ARCH_CAPABILITIES as those parts report them. */
/* Skylake client, 2019 microcode: L1TF and MDS, L1D_FLUSH, MD_CLEAR, no
 * IA32_ARCH_CAPABILITIES. */
extern struct cpu_fixture skylake_client;
/* Cascade Lake: RDCL_NO, SKIP_L1DFL_VMENTRY, MDS_NO. */
extern struct cpu_fixture cascade_lake;
/* Whiskey Lake: RDCL_NO and SKIP_L1DFL_VMENTRY but MDS, with MD_CLEAR. */
extern struct cpu_fixture whiskey_lake;
/* A nested guest on an L1TF part: the hypervisor below reports
 * SKIP_L1DFL_VMENTRY (it flushes itself); MDS with MD_CLEAR. */
extern struct cpu_fixture nested_skip_l1dfl;
/* Haswell, microcode from before 2018: leaf 7 without any of the bits. */
extern struct cpu_fixture haswell_old_microcode;

struct cpu_ops fixture_ops(struct cpu_fixture *f);
/* Value of @msr in @f, or 0 when absent. */
uint64_t fixture_msr(const struct cpu_fixture *f, uint32_t msr);

#endif
