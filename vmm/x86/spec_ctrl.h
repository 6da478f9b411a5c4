/* Speculative isolation on VM entry (issue 11 item 5). On CPUs that have
 * L1TF (L1 Terminal Fault, CVE-2018-3646) a guest can read, through a
 * not-present PTE, whatever the host left in the L1 data cache; with MDS
 * (CVE-2018-12126/12127/12130, CVE-2019-11091) whatever it left in the
 * fill, store and load-port buffers. KVM flushes L1D before VM entry
 * (IA32_FLUSH_CMD, which clears those buffers as well), or, when only MDS
 * applies, executes VERW, which microcode with MD_CLEAR makes clear them
 * (Intel, "Deep Dive: Intel Analysis of L1 Terminal Fault" and
 * "Microarchitectural Data Sampling"). hv.efi does the same, before every
 * VM entry. */
#ifndef HV_SPEC_CTRL_H
#define HV_SPEC_CTRL_H

#include <stdbool.h>
#include <stdint.h>

#include "x86/cpu_ops.h"

/* CPUID.(EAX=7,ECX=0):EDX — SDM 2 "CPUID" table 3-8. */
#define CPUID7_EDX_MD_CLEAR (1u << 10)
#define CPUID7_EDX_L1D_FLUSH (1u << 28)
#define CPUID7_EDX_ARCH_CAPABILITIES (1u << 29)

enum entry_flush {
	ENTRY_FLUSH_NONE, /* not affected, or nothing the CPU offers */
	ENTRY_FLUSH_L1D,  /* WRMSR IA32_FLUSH_CMD.L1D_FLUSH */
	ENTRY_FLUSH_VERW, /* VERW (MD_CLEAR): CPU buffers only */
};

struct spec_ctrl {
	bool intel;
	uint32_t cpuid7_edx;	/* 0 when leaf 7 is absent */
	bool has_arch_caps;	/* IA32_ARCH_CAPABILITIES exists */
	uint64_t arch_caps;	/* its value, when it exists */
	bool l1tf, mds;		/* affected */
	bool l1d_flush_needed;	/* L1TF, and no SKIP_L1DFL_VMENTRY */
	enum entry_flush flush; /* before every VM entry */
};

/* Reads CPUID and, only when CPUID says it exists, IA32_ARCH_CAPABILITIES
 * (an absent MSR #GPs, and OVMF hangs). A CPU without that MSR is taken
 * as affected by both, as Linux does for Intel parts not on its list. */
void spec_ctrl_choose(const struct cpu_ops *cpu, struct spec_ctrl *s);

/* Two lines for the capability report: L1TF and MDS, each with the
 * choice. */
void spec_ctrl_report(const struct spec_ctrl *s);

#endif
