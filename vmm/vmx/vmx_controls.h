/* Every VM-execution, VM-exit and VM-entry control bit, named once. Each list
 * is X(CONSTANT, bit, "name as in the SDM"), SDM 3C 25.6, "VM-Execution Control
 * Fields", 25.7, "VM-Exit Control Fields", 25.8, "VM-Entry Control Fields". */
#ifndef HV_VMX_CONTROLS_H
#define HV_VMX_CONTROLS_H

#include <stdint.h>

/* Pin-based VM-execution controls — SDM 3C 25.6.1, "Pin-Based VM-Execution
 * Controls", table 25-5. */
#define PIN_BASED_CONTROL_LIST(X)                                            \
	X(PIN_EXTERNAL_INTERRUPT_EXITING, 0, "external-interrupt exiting")   \
	X(PIN_NMI_EXITING, 3, "NMI exiting")                                 \
	X(PIN_VIRTUAL_NMIS, 5, "virtual NMIs")                               \
	X(PIN_ACTIVATE_PREEMPTION_TIMER, 6, "activate VMX-preemption timer") \
	X(PIN_PROCESS_POSTED_INTERRUPTS, 7, "process posted interrupts")

/* Primary processor-based controls — SDM 3C 25.6.2, "Processor-Based
 * VM-Execution Controls", table 25-6. Every bit means "exit on X", except the
 * two "use ... bitmaps" bits, which mean "exit only where the bitmap says": see
 * vmm/vmx/exit_policy.c. */
#define PRIMARY_PROC_BASED_CONTROL_LIST(X)                                   \
	X(PROC_INTERRUPT_WINDOW_EXITING, 2, "interrupt-window exiting")      \
	X(PROC_USE_TSC_OFFSETTING, 3, "use TSC offsetting")                  \
	X(PROC_HLT_EXITING, 7, "HLT exiting")                                \
	X(PROC_INVLPG_EXITING, 9, "INVLPG exiting")                          \
	X(PROC_MWAIT_EXITING, 10, "MWAIT exiting")                           \
	X(PROC_RDPMC_EXITING, 11, "RDPMC exiting")                           \
	X(PROC_RDTSC_EXITING, 12, "RDTSC exiting")                           \
	X(PROC_CR3_LOAD_EXITING, 15, "CR3-load exiting")                     \
	X(PROC_CR3_STORE_EXITING, 16, "CR3-store exiting")                   \
	X(PROC_ACTIVATE_TERTIARY_CONTROLS, 17, "activate tertiary controls") \
	X(PROC_CR8_LOAD_EXITING, 19, "CR8-load exiting")                     \
	X(PROC_CR8_STORE_EXITING, 20, "CR8-store exiting")                   \
	X(PROC_USE_TPR_SHADOW, 21, "use TPR shadow")                         \
	X(PROC_NMI_WINDOW_EXITING, 22, "NMI-window exiting")                 \
	X(PROC_MOV_DR_EXITING, 23, "MOV-DR exiting")                         \
	X(PROC_UNCONDITIONAL_IO_EXITING, 24, "unconditional I/O exiting")    \
	X(PROC_USE_IO_BITMAPS, 25, "use I/O bitmaps")                        \
	X(PROC_MONITOR_TRAP_FLAG, 27, "monitor trap flag")                   \
	X(PROC_USE_MSR_BITMAPS, 28, "use MSR bitmaps")                       \
	X(PROC_MONITOR_EXITING, 29, "MONITOR exiting")                       \
	X(PROC_PAUSE_EXITING, 30, "PAUSE exiting")                           \
	X(PROC_ACTIVATE_SECONDARY_CONTROLS, 31, "activate secondary controls")

/* Secondary processor-based controls — SDM 3C 25.6.2, "Processor-Based
 * VM-Execution Controls", table 25-7. */
#define SECONDARY_PROC_BASED_CONTROL_LIST(X)                                 \
	X(PROC2_VIRTUALIZE_APIC_ACCESSES, 0, "virtualize APIC accesses")     \
	X(PROC2_ENABLE_EPT, 1, "enable EPT")                                 \
	X(PROC2_DESCRIPTOR_TABLE_EXITING, 2, "descriptor-table exiting")     \
	X(PROC2_ENABLE_RDTSCP, 3, "enable RDTSCP")                           \
	X(PROC2_VIRTUALIZE_X2APIC_MODE, 4, "virtualize x2APIC mode")         \
	X(PROC2_ENABLE_VPID, 5, "enable VPID")                               \
	X(PROC2_WBINVD_EXITING, 6, "WBINVD exiting")                         \
	X(PROC2_UNRESTRICTED_GUEST, 7, "unrestricted guest")                 \
	X(PROC2_APIC_REGISTER_VIRTUALIZATION, 8,                             \
	  "APIC-register virtualization")                                    \
	X(PROC2_VIRTUAL_INTERRUPT_DELIVERY, 9, "virtual-interrupt delivery") \
	X(PROC2_PAUSE_LOOP_EXITING, 10, "PAUSE-loop exiting")                \
	X(PROC2_RDRAND_EXITING, 11, "RDRAND exiting")                        \
	X(PROC2_ENABLE_INVPCID, 12, "enable INVPCID")                        \
	X(PROC2_ENABLE_VM_FUNCTIONS, 13, "enable VM functions")              \
	X(PROC2_VMCS_SHADOWING, 14, "VMCS shadowing")                        \
	X(PROC2_ENABLE_ENCLS_EXITING, 15, "enable ENCLS exiting")            \
	X(PROC2_RDSEED_EXITING, 16, "RDSEED exiting")                        \
	X(PROC2_ENABLE_PML, 17, "enable PML")                                \
	X(PROC2_EPT_VIOLATION_VE, 18, "EPT-violation #VE")                   \
	X(PROC2_CONCEAL_VMX_FROM_PT, 19, "conceal VMX from PT")              \
	X(PROC2_ENABLE_XSAVES_XRSTORS, 20, "enable XSAVES/XRSTORS")          \
	X(PROC2_PASID_TRANSLATION, 21, "PASID translation")                  \
	X(PROC2_MODE_BASED_EXECUTE_CONTROL, 22,                              \
	  "mode-based execute control for EPT")                              \
	X(PROC2_SUB_PAGE_WRITE_PERMISSIONS, 23,                              \
	  "sub-page write permissions for EPT")                              \
	X(PROC2_PT_USES_GUEST_PHYSICAL, 24,                                  \
	  "Intel PT uses guest physical addresses")                          \
	X(PROC2_USE_TSC_SCALING, 25, "use TSC scaling")                      \
	X(PROC2_ENABLE_USER_WAIT_PAUSE, 26, "enable user wait and pause")    \
	X(PROC2_ENABLE_PCONFIG, 27, "enable PCONFIG")                        \
	X(PROC2_ENABLE_ENCLV_EXITING, 28, "enable ENCLV exiting")

/* Primary VM-exit controls — SDM 3C 25.7.1, "VM-Exit Controls", table 25-13. */
#define EXIT_CONTROL_LIST(X)                                                 \
	X(EXIT_SAVE_DEBUG_CONTROLS, 2, "save debug controls")                \
	X(EXIT_HOST_ADDRESS_SPACE_SIZE, 9, "host address-space size")        \
	X(EXIT_LOAD_IA32_PERF_GLOBAL_CTRL, 12, "load IA32_PERF_GLOBAL_CTRL") \
	X(EXIT_ACKNOWLEDGE_INTERRUPT_ON_EXIT, 15,                            \
	  "acknowledge interrupt on exit")                                   \
	X(EXIT_SAVE_IA32_PAT, 18, "save IA32_PAT")                           \
	X(EXIT_LOAD_IA32_PAT, 19, "load IA32_PAT")                           \
	X(EXIT_SAVE_IA32_EFER, 20, "save IA32_EFER")                         \
	X(EXIT_LOAD_IA32_EFER, 21, "load IA32_EFER")                         \
	X(EXIT_SAVE_PREEMPTION_TIMER, 22, "save VMX-preemption timer value") \
	X(EXIT_CLEAR_IA32_BNDCFGS, 23, "clear IA32_BNDCFGS")                 \
	X(EXIT_CONCEAL_VMX_FROM_PT, 24, "conceal VMX from PT")               \
	X(EXIT_CLEAR_IA32_RTIT_CTL, 25, "clear IA32_RTIT_CTL")               \
	X(EXIT_CLEAR_IA32_LBR_CTL, 26, "clear IA32_LBR_CTL")                 \
	X(EXIT_LOAD_CET_STATE, 28, "load CET state")                         \
	X(EXIT_LOAD_PKRS, 29, "load PKRS")                                   \
	X(EXIT_SAVE_IA32_PERF_GLOBAL_CTL, 30, "save IA32_PERF_GLOBAL_CTL")   \
	X(EXIT_ACTIVATE_SECONDARY_CONTROLS, 31, "activate secondary controls")

/* VM-entry controls — SDM 3C 25.8.1, "VM-Entry Controls", table 25-15. */
#define ENTRY_CONTROL_LIST(X)                                                 \
	X(ENTRY_LOAD_DEBUG_CONTROLS, 2, "load debug controls")                \
	X(ENTRY_IA32E_MODE_GUEST, 9, "IA-32e mode guest")                     \
	X(ENTRY_TO_SMM, 10, "entry to SMM")                                   \
	X(ENTRY_DEACTIVATE_DUAL_MONITOR, 11,                                  \
	  "deactivate dual-monitor treatment")                                \
	X(ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL, 13, "load IA32_PERF_GLOBAL_CTRL") \
	X(ENTRY_LOAD_IA32_PAT, 14, "load IA32_PAT")                           \
	X(ENTRY_LOAD_IA32_EFER, 15, "load IA32_EFER")                         \
	X(ENTRY_LOAD_IA32_BNDCFGS, 16, "load IA32_BNDCFGS")                   \
	X(ENTRY_CONCEAL_VMX_FROM_PT, 17, "conceal VMX from PT")               \
	X(ENTRY_LOAD_IA32_RTIT_CTL, 18, "load IA32_RTIT_CTL")                 \
	X(ENTRY_LOAD_CET_STATE, 20, "load CET state")                         \
	X(ENTRY_LOAD_GUEST_IA32_LBR_CTL, 21, "load guest IA32_LBR_CTL")       \
	X(ENTRY_LOAD_PKRS, 22, "load PKRS")

#define CONTROL_BIT_ENUM(name, bit, text) name = 1u << (bit),
enum pin_based_control_bits { PIN_BASED_CONTROL_LIST(CONTROL_BIT_ENUM) };
enum primary_proc_control_bits {
	PRIMARY_PROC_BASED_CONTROL_LIST(CONTROL_BIT_ENUM)
};
enum secondary_proc_control_bits {
	SECONDARY_PROC_BASED_CONTROL_LIST(CONTROL_BIT_ENUM)
};
enum exit_control_bits { EXIT_CONTROL_LIST(CONTROL_BIT_ENUM) };
enum entry_control_bits { ENTRY_CONTROL_LIST(CONTROL_BIT_ENUM) };
#undef CONTROL_BIT_ENUM

struct control_bit {
	uint8_t bit;
	const char *name;
};

/* One VMX control field: its bits' names and the capability MSR that
 * says which settings the processor allows. */
struct control_field {
	const char *name;
	const struct control_bit *bits;
	unsigned int nbits;
};

extern const struct control_field pin_based_field, primary_proc_field,
	secondary_proc_field, exit_field, entry_field;

/* Name of bit @bit of @field, or NULL when the SDM defines none. */
const char *control_bit_name(const struct control_field *field,
			     unsigned int bit);

#endif
