/* What this processor's VMX can do: CPUID, IA32_FEATURE_CONTROL and the
 * capability MSRs, read once and decoded by pure functions. */
#ifndef HV_VMX_CAPS_H
#define HV_VMX_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "hv.h"
#include "x86/cpu_ops.h"

struct vmx_caps {
	char vendor[13];
	bool cpuid_vmx;	 /* CPUID.1:ECX.VMX[bit 5] */
	bool hypervisor; /* CPUID.1:ECX[bit 31]: we are nested */
	uint64_t feature_control;
	uint64_t basic;
	/* The capability MSRs that govern each control field. Where
	 * IA32_VMX_BASIC bit 55 is set these are the TRUE variants, which may
	 * allow default-1 bits to be 0 (SDM 3D A.2, "Reserved Controls and
	 * Default Settings"). */
	bool true_controls;
	uint64_t pin, proc, exit, entry;
	bool has_proc2; /* IA32_VMX_PROCBASED_CTLS2 exists */
	uint64_t proc2;
	bool has_ept_vpid; /* IA32_VMX_EPT_VPID_CAP exists */
	uint64_t ept_vpid;
	bool has_vmfunc; /* IA32_VMX_VMFUNC exists */
	uint64_t vmfunc;
	uint64_t misc;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	uint64_t vmcs_enum;
};

/* Reads CPUID and, only when CPUID reports VMX, the capability MSRs the
 * processor says exist (a missing MSR raises #GP). */
void vmx_caps_read(struct vmx_caps *caps, const struct cpu_ops *cpu);

/* IA32_FEATURE_CONTROL as the VMM sees it — SDM 3C 24.7, "Enabling and Entering
 * VMX Operation". */
enum feature_control_state {
	FEATURE_CONTROL_UNLOCKED,   /* we may set lock + VMXON outside SMX */
	FEATURE_CONTROL_LOCKED_ON,  /* firmware enabled VMX outside SMX */
	FEATURE_CONTROL_LOCKED_OFF, /* firmware disabled VT-x: VMXON #GPs */
};
enum feature_control_state feature_control_state(uint64_t msr);

/* How the capability MSR @cap lets bit @bit of its control be set (SDM 3D A.3,
 * "VM-Execution Controls": bits 31:0 are the allowed 0-settings, 63:32 allowed
 * 1). */
enum control_setting {
	CONTROL_FIXED_0,  /* must be 0: the CPU lacks the feature */
	CONTROL_FIXED_1,  /* must be 1 */
	CONTROL_FLEXIBLE, /* may be 0 or 1 */
};
enum control_setting control_setting(uint64_t cap, unsigned int bit);

/* A control value chosen against a capability MSR. */
struct control_choice {
	uint32_t value;	  /* what to write to the VMCS */
	uint32_t missing; /* required bits the CPU cannot set */
	uint32_t forced;  /* bits the CPU forces on that nobody asked for */
};
struct control_choice control_adjust(uint64_t cap, uint32_t required,
				     uint32_t optional);

/* IA32_VMX_BASIC fields — SDM 3D A.1, "Basic VMX Information". */
static inline uint32_t vmx_basic_revision(uint64_t basic)
{
	return (uint32_t)basic & 0x7fffffffu;
}
static inline uint32_t vmx_basic_vmcs_size(uint64_t basic)
{
	return (uint32_t)(basic >> 32) & 0x1fffu;
}
static inline unsigned int vmx_basic_memory_type(uint64_t basic)
{
	return (unsigned int)(basic >> 50) & 0xfu;
}
#define VMX_BASIC_PHYS_ADDR_32BIT (1ull << 48)
#define VMX_BASIC_DUAL_MONITOR (1ull << 49)
#define VMX_BASIC_INS_OUTS_INFO (1ull << 54)
#define VMX_BASIC_TRUE_CONTROLS (1ull << 55)
#define VMX_BASIC_NO_ERRCODE_INJECTION (1ull << 56)

/* IA32_VMX_MISC fields — SDM 3D A.6, "Miscellaneous Data". */
static inline unsigned int vmx_misc_preemption_timer_rate(uint64_t misc)
{
	return (unsigned int)misc & 0x1fu;
}
static inline unsigned int vmx_misc_cr3_targets(uint64_t misc)
{
	return (unsigned int)(misc >> 16) & 0x1ffu;
}
static inline unsigned int vmx_misc_max_msr_list(uint64_t misc)
{
	return 512u * ((((unsigned int)misc >> 25) & 7u) + 1u);
}
#define VMX_MISC_STORE_LMA (1ull << 5)
#define VMX_MISC_ACTIVITY_HLT (1ull << 6)
#define VMX_MISC_ACTIVITY_SHUTDOWN (1ull << 7)
#define VMX_MISC_ACTIVITY_WAIT_SIPI (1ull << 8)
#define VMX_MISC_VMWRITE_ANY_FIELD (1ull << 29)
/* VM entry may inject a software interrupt or exception with instruction
 * length 0. */
#define VMX_MISC_ZERO_LENGTH_INJECTION (1ull << 30)

/* IA32_VMX_EPT_VPID_CAP bits — SDM 3D A.10, "VPID and EPT Capabilities". */
#define EPT_CAP_EXECUTE_ONLY (1ull << 0)
#define EPT_CAP_WALK_LENGTH_4 (1ull << 6)
#define EPT_CAP_WALK_LENGTH_5 (1ull << 7)
#define EPT_CAP_MEMTYPE_UC (1ull << 8)
#define EPT_CAP_MEMTYPE_WB (1ull << 14)
#define EPT_CAP_PAGE_2MB (1ull << 16)
#define EPT_CAP_PAGE_1GB (1ull << 17)
#define EPT_CAP_INVEPT (1ull << 20)
#define EPT_CAP_ACCESSED_DIRTY (1ull << 21)
#define EPT_CAP_INVEPT_SINGLE (1ull << 25)
#define EPT_CAP_INVEPT_ALL (1ull << 26)
#define VPID_CAP_INVVPID (1ull << 32)
#define VPID_CAP_INVVPID_ADDRESS (1ull << 40)
#define VPID_CAP_INVVPID_SINGLE (1ull << 41)
#define VPID_CAP_INVVPID_ALL (1ull << 42)
#define VPID_CAP_INVVPID_SINGLE_NON_GLOBAL (1ull << 43)

/* Whether a control bit may be 1 on this CPU. */
static inline bool control_allowed1(uint64_t cap, uint32_t mask)
{
	return ((cap >> 32) & mask) == mask;
}

/* Prints the capability report (in the spirit of QEMU's vmxcap). */
void vmx_caps_report(const struct vmx_caps *caps);

/* Whether VT-x can be used at all, decided from the capabilities alone:
 * HV_OK, or a refusal (HV_NO_VMX, HV_VMX_DISABLED) already explained on
 * the console in words a user can act on. */
enum hv_status vmx_check_usable(const struct vmx_caps *caps);

#endif
