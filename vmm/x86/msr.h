/* Model-specific registers the VMM reads or virtualises: named once. */
#ifndef HV_MSR_H
#define HV_MSR_H

/* X(NAME, index) — SDM 4, "Model-Specific Registers"; the KVM_ ones are
 * KVM's paravirtual MSRs, no processor's (Linux, Documentation/virt/kvm/
 * x86/msr.rst). */
#define MSR_LIST(X)                                 \
	X(IA32_TIME_STAMP_COUNTER, 0x00000010)      \
	X(KVM_WALL_CLOCK, 0x00000011)               \
	X(KVM_SYSTEM_TIME, 0x00000012)              \
	X(IA32_APIC_BASE, 0x0000001b)               \
	X(IA32_FEATURE_CONTROL, 0x0000003a)         \
	X(IA32_TSC_ADJUST, 0x0000003b)              \
	X(IA32_BIOS_SIGN_ID, 0x0000008b)            \
	X(PLATFORM_INFO, 0x000000ce)                \
	X(IA32_MTRRCAP, 0x000000fe)                 \
	X(IA32_ARCH_CAPABILITIES, 0x0000010a)       \
	X(IA32_FLUSH_CMD, 0x0000010b)               \
	X(IA32_SYSENTER_CS, 0x00000174)             \
	X(IA32_SYSENTER_ESP, 0x00000175)            \
	X(IA32_SYSENTER_EIP, 0x00000176)            \
	X(IA32_MISC_ENABLE, 0x000001a0)             \
	X(IA32_DEBUGCTL, 0x000001d9)                \
	X(IA32_MTRR_PHYSBASE0, 0x00000200)          \
	X(IA32_MTRR_PHYSMASK0, 0x00000201)          \
	X(IA32_MTRR_FIX64K_00000, 0x00000250)       \
	X(IA32_MTRR_FIX16K_80000, 0x00000258)       \
	X(IA32_MTRR_FIX16K_A0000, 0x00000259)       \
	X(IA32_MTRR_FIX4K_C0000, 0x00000268)        \
	X(IA32_MTRR_FIX4K_C8000, 0x00000269)        \
	X(IA32_MTRR_FIX4K_D0000, 0x0000026a)        \
	X(IA32_MTRR_FIX4K_D8000, 0x0000026b)        \
	X(IA32_MTRR_FIX4K_E0000, 0x0000026c)        \
	X(IA32_MTRR_FIX4K_E8000, 0x0000026d)        \
	X(IA32_MTRR_FIX4K_F0000, 0x0000026e)        \
	X(IA32_MTRR_FIX4K_F8000, 0x0000026f)        \
	X(IA32_PAT, 0x00000277)                     \
	X(IA32_MTRR_DEF_TYPE, 0x000002ff)           \
	X(IA32_TSC_DEADLINE, 0x000006e0)            \
	X(IA32_VMX_BASIC, 0x00000480)               \
	X(IA32_VMX_PINBASED_CTLS, 0x00000481)       \
	X(IA32_VMX_PROCBASED_CTLS, 0x00000482)      \
	X(IA32_VMX_EXIT_CTLS, 0x00000483)           \
	X(IA32_VMX_ENTRY_CTLS, 0x00000484)          \
	X(IA32_VMX_MISC, 0x00000485)                \
	X(IA32_VMX_CR0_FIXED0, 0x00000486)          \
	X(IA32_VMX_CR0_FIXED1, 0x00000487)          \
	X(IA32_VMX_CR4_FIXED0, 0x00000488)          \
	X(IA32_VMX_CR4_FIXED1, 0x00000489)          \
	X(IA32_VMX_VMCS_ENUM, 0x0000048a)           \
	X(IA32_VMX_PROCBASED_CTLS2, 0x0000048b)     \
	X(IA32_VMX_EPT_VPID_CAP, 0x0000048c)        \
	X(IA32_VMX_TRUE_PINBASED_CTLS, 0x0000048d)  \
	X(IA32_VMX_TRUE_PROCBASED_CTLS, 0x0000048e) \
	X(IA32_VMX_TRUE_EXIT_CTLS, 0x0000048f)      \
	X(IA32_VMX_TRUE_ENTRY_CTLS, 0x00000490)     \
	X(IA32_VMX_VMFUNC, 0x00000491)              \
	X(IA32_EFER, 0xc0000080)                    \
	X(IA32_STAR, 0xc0000081)                    \
	X(IA32_LSTAR, 0xc0000082)                   \
	X(IA32_CSTAR, 0xc0000083)                   \
	X(IA32_FMASK, 0xc0000084)                   \
	X(IA32_FS_BASE, 0xc0000100)                 \
	X(IA32_GS_BASE, 0xc0000101)                 \
	X(IA32_KERNEL_GS_BASE, 0xc0000102)          \
	X(IA32_TSC_AUX, 0xc0000103)                 \
	X(KVM_WALL_CLOCK_NEW, 0x4b564d00)           \
	X(KVM_SYSTEM_TIME_NEW, 0x4b564d01)          \
	X(KVM_STEAL_TIME, 0x4b564d03)               \
	X(KVM_PV_EOI_EN, 0x4b564d04)

#define MSR_ENUM(name, index) MSR_##name = index,
enum msr_index { MSR_LIST(MSR_ENUM) };
#undef MSR_ENUM

/* Name of a known MSR, or NULL. */
static inline const char *msr_name(unsigned int index)
{
#define MSR_CASE(name, idx) \
	case idx:           \
		return #name;
	switch (index) {
		MSR_LIST(MSR_CASE)
	}
#undef MSR_CASE
	return (const char *)0;
}

/* IA32_FEATURE_CONTROL bits — SDM 3C 24.7, "Enabling and Entering VMX
 * Operation". */
#define FEATURE_CONTROL_LOCK (1ull << 0)
#define FEATURE_CONTROL_VMXON_IN_SMX (1ull << 1)
#define FEATURE_CONTROL_VMXON_OUTSIDE_SMX (1ull << 2)

/* IA32_ARCH_CAPABILITIES bits (present when CPUID.(EAX=7,ECX=0):EDX[29])
 * and IA32_FLUSH_CMD — SDM 4 table 2-2, "IA-32 Architectural MSRs". */
#define ARCH_CAP_RDCL_NO (1ull << 0)		/* no L1TF (nor Meltdown) */
#define ARCH_CAP_SKIP_L1DFL_VMENTRY (1ull << 3) /* no L1D flush needed */
#define ARCH_CAP_MDS_NO (1ull << 5)		/* no MDS */
#define FLUSH_CMD_L1D (1ull << 0)

/* IA32_EFER's bits are in x86/x86.h; the MTRRs' in x86/mtrr.h. */

#endif
