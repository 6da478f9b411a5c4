/*
 * VM-exit reasons: the basic reasons (SDM 3D appendix C, Table C-1
 * "Basic Exit Reasons") and the flag bits of the 32-bit exit-reason
 * field (SDM 3C 25.9.1, "Format of Exit Reason").
 *
 *   X(NUMBER, ENUM_NAME, "lowercase_name", "Description")
 *
 * lowercase_name is what the log contract prints.  Numbers the SDM
 * leaves unused (35, 38, 42, 71) are absent.
 */
#ifndef HV_EXIT_REASONS_H
#define HV_EXIT_REASONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXIT_REASONS(X)                                                      \
	X(0, EXCEPTION_NMI, "exception_nmi",                                 \
	  "Exception or non-maskable interrupt (NMI)")                       \
	X(1, EXTERNAL_INTERRUPT, "external_interrupt", "External interrupt") \
	X(2, TRIPLE_FAULT, "triple_fault", "Triple fault")                   \
	X(3, INIT_SIGNAL, "init_signal", "INIT signal")                      \
	X(4, SIPI, "sipi", "Start-up IPI (SIPI)")                            \
	X(5, IO_SMI, "io_smi", "I/O system-management interrupt (SMI)")      \
	X(6, OTHER_SMI, "other_smi", "Other SMI")                            \
	X(7, INTERRUPT_WINDOW, "interrupt_window", "Interrupt window")       \
	X(8, NMI_WINDOW, "nmi_window", "NMI window")                         \
	X(9, TASK_SWITCH, "task_switch", "Task switch")                      \
	X(10, CPUID, "cpuid", "CPUID executed")                              \
	X(11, GETSEC, "getsec", "GETSEC executed")                           \
	X(12, HLT, "hlt", "HLT executed")                                    \
	X(13, INVD, "invd", "INVD executed")                                 \
	X(14, INVLPG, "invlpg", "INVLPG executed")                           \
	X(15, RDPMC, "rdpmc", "RDPMC executed")                              \
	X(16, RDTSC, "rdtsc", "RDTSC executed")                              \
	X(17, RSM, "rsm", "RSM executed in SMM")                             \
	X(18, VMCALL, "vmcall", "VMCALL executed")                           \
	X(19, VMCLEAR, "vmclear", "VMCLEAR executed")                        \
	X(20, VMLAUNCH, "vmlaunch", "VMLAUNCH executed")                     \
	X(21, VMPTRLD, "vmptrld", "VMPTRLD executed")                        \
	X(22, VMPTRST, "vmptrst", "VMPTRST executed")                        \
	X(23, VMREAD, "vmread", "VMREAD executed")                           \
	X(24, VMRESUME, "vmresume", "VMRESUME executed")                     \
	X(25, VMWRITE, "vmwrite", "VMWRITE executed")                        \
	X(26, VMXOFF, "vmxoff", "VMXOFF executed")                           \
	X(27, VMXON, "vmxon", "VMXON executed")                              \
	X(28, CR_ACCESS, "cr_access", "Control-register access")             \
	X(29, DR_ACCESS, "dr_access", "MOV DR")                              \
	X(30, IO_INSTRUCTION, "io_instruction", "I/O instruction")           \
	X(31, MSR_READ, "msr_read", "RDMSR executed")                        \
	X(32, MSR_WRITE, "msr_write", "WRMSR executed")                      \
	X(33, INVALID_GUEST_STATE, "invalid_guest_state",                    \
	  "VM-entry failure due to invalid guest state")                     \
	X(34, MSR_LOAD_FAIL, "msr_load_fail",                                \
	  "VM-entry failure due to MSR loading")                             \
	X(36, MWAIT, "mwait", "MWAIT executed")                              \
	X(37, MONITOR_TRAP_FLAG, "monitor_trap_flag", "Monitor trap flag")   \
	X(39, MONITOR, "monitor", "MONITOR executed")                        \
	X(40, PAUSE, "pause", "PAUSE executed")                              \
	X(41, MACHINE_CHECK_EVENT, "machine_check_event",                    \
	  "VM-entry failure due to machine-check event")                     \
	X(43, TPR_BELOW_THRESHOLD, "tpr_below_threshold",                    \
	  "TPR below threshold")                                             \
	X(44, APIC_ACCESS, "apic_access", "APIC access")                     \
	X(45, VIRTUALIZED_EOI, "virtualized_eoi", "Virtualized EOI")         \
	X(46, GDTR_IDTR, "gdtr_idtr", "Access to GDTR or IDTR")              \
	X(47, LDTR_TR, "ldtr_tr", "Access to LDTR or TR")                    \
	X(48, EPT_VIOLATION, "ept_violation", "EPT violation")               \
	X(49, EPT_MISCONFIG, "ept_misconfig", "EPT misconfiguration")        \
	X(50, INVEPT, "invept", "INVEPT executed")                           \
	X(51, RDTSCP, "rdtscp", "RDTSCP executed")                           \
	X(52, PREEMPTION_TIMER, "preemption_timer",                          \
	  "VMX-preemption timer expired")                                    \
	X(53, INVVPID, "invvpid", "INVVPID executed")                        \
	X(54, WBINVD, "wbinvd", "WBINVD or WBNOINVD executed")               \
	X(55, XSETBV, "xsetbv", "XSETBV executed")                           \
	X(56, APIC_WRITE, "apic_write", "APIC write")                        \
	X(57, RDRAND, "rdrand", "RDRAND executed")                           \
	X(58, INVPCID, "invpcid", "INVPCID executed")                        \
	X(59, VMFUNC, "vmfunc", "VMFUNC executed")                           \
	X(60, ENCLS, "encls", "ENCLS executed")                              \
	X(61, RDSEED, "rdseed", "RDSEED executed")                           \
	X(62, PML_FULL, "pml_full", "Page-modification log full")            \
	X(63, XSAVES, "xsaves", "XSAVES executed")                           \
	X(64, XRSTORS, "xrstors", "XRSTORS executed")                        \
	X(65, PCONFIG, "pconfig", "PCONFIG executed")                        \
	X(66, SPP_EVENT, "spp_event", "SPP-related event")                   \
	X(67, UMWAIT, "umwait", "UMWAIT executed")                           \
	X(68, TPAUSE, "tpause", "TPAUSE executed")                           \
	X(69, LOADIWKEY, "loadiwkey", "LOADIWKEY executed")                  \
	X(70, ENCLV, "enclv", "ENCLV executed")                              \
	X(72, ENQCMD, "enqcmd", "ENQCMD PASID translation failure")          \
	X(73, ENQCMDS, "enqcmds", "ENQCMDS PASID translation failure")       \
	X(74, BUS_LOCK, "bus_lock", "Bus lock")                              \
	X(75, INSTRUCTION_TIMEOUT, "instruction_timeout",                    \
	  "Instruction timeout")                                             \
	X(76, SEAMCALL, "seamcall", "SEAMCALL executed")                     \
	X(77, TDCALL, "tdcall", "TDCALL executed")

enum exit_reason {
#define EXIT_REASON_X_ENUM(num, id, name, desc) EXIT_REASON_##id = (num),
	EXIT_REASONS(EXIT_REASON_X_ENUM)
#undef EXIT_REASON_X_ENUM
	/* One past the highest basic reason listed. */
	EXIT_REASON_COUNT = 78
};

/* snake_case name of a basic exit reason; NULL if the SDM defines none. */
const char *exit_reason_name(unsigned int basic);

/* The SDM's one-line description; NULL if unknown. */
const char *exit_reason_description(unsigned int basic);

/* The exit-reason VMCS field (0x4402). SDM 3C 25.9.1, "Basic VM-Exit
 * Information" */
#define EXIT_REASON_BASIC_MASK 0x0000ffffu /* bits 15:0 */
#define EXIT_REASON_FLAG_BUS_LOCK (1u << 26)
#define EXIT_REASON_FLAG_ENCLAVE (1u << 27)
#define EXIT_REASON_FLAG_PENDING_MTF (1u << 28)
#define EXIT_REASON_FLAG_FROM_VMX_ROOT (1u << 29)
#define EXIT_REASON_FLAG_ENTRY_FAILURE (1u << 31)
/* Bit 16 is always 0; bits 25:17 and 30 are not defined. */
#define EXIT_REASON_UNDEFINED_MASK 0x43ff0000u

struct exit_reason_flag {
	uint32_t mask;
	const char *name; /* "entry_failure" */
	const char *description;
};

/* The flag bits above, highest first, for printing. */
extern const struct exit_reason_flag exit_reason_flags[];
extern const size_t exit_reason_flag_count;

struct exit_reason_decoded {
	uint32_t raw;
	uint16_t basic;		 /* bits 15:0 */
	bool entry_failure;	 /* bit 31: VM entry failed */
	bool from_vmx_root;	 /* bit 29: SMM VM exit from root */
	bool pending_mtf;	 /* bit 28: MTF exit was pending */
	bool enclave;		 /* bit 27: from enclave mode */
	bool bus_lock;		 /* bit 26: bus lock asserted */
	uint32_t undefined_bits; /* raw & ..._UNDEFINED_MASK */
	const char *name;	 /* exit_reason_name(basic) */
};

/* Splits a full exit-reason field value. SDM 3C 25.9.1, "Basic VM-Exit
 * Information" */
struct exit_reason_decoded exit_reason_decode(uint32_t raw);

#endif
