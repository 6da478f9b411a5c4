/*
 * Every VMCS field the SDM defines, named once, with its encoding.
 * SDM 3D appendix B "Field Encoding in VMCS"; the encoding layout is
 * SDM 3C 25.11.2, "VMREAD, VMWRITE, and Encodings of VMCS Fields" (see
 * vmcs_encoding.h).
 *
 *   X(NAME, ENCODING, WIDTH, TYPE, NOTE)
 *
 *   NAME      identifier without prefix; users get VMCS_<NAME> (typed
 *             field constant, vmcs.h), VMCS_ENC_<NAME> (plain encoding,
 *             an integer constant expression) and VMCS_POS_<NAME> (row
 *             in vmcs_fields[]).
 *   ENCODING  the FULL encoding (bit 0 clear).  The high half of a
 *             64-bit field is ENCODING | 1; it is derived (vmcs.c,
 *             vmcs_table.c), never listed.
 *   WIDTH     16, 32, 64 or NAT
 *   TYPE      CTRL, EXIT (VM-exit information, read-only), GUEST, HOST
 *   NOTE      NULL, or one line on why the field's category or encoding
 *             misleads
 *
 * WIDTH and TYPE repeat what the encoding bits say; vmcs_table.c checks
 * at compile time that they agree, so a typo in an encoding cannot go
 * unnoticed.  Rows are in ascending encoding order, which is also the
 * order of appendix B; vmcs_field_by_encoding() relies on it and
 * vmcs_table_check() / tests/test_vmcs_table.c verify it.
 *
 * Every encoding here was checked against at least two independent
 * public sources (Linux asm/vmx.h, Bochs cpu/vmx.h, Intel's TDX module
 * vmcs_defs.h, SDM-derived tables).  Fields only one source knew (FRED
 * state, IA32_SPEC_CTRL guest/host, injected/original event data, APIC
 * timer virtualization) are left out until they can be confirmed.
 */
#ifndef HV_VMCS_FIELDS_H
#define HV_VMCS_FIELDS_H

#include <stddef.h>

#include "vmcs/vmcs_encoding.h"

/* How the WIDTH and TYPE tokens of the list map to the enums. */
#define VMCS_DECL_WIDTH_16 VMCS_WIDTH_16
#define VMCS_DECL_WIDTH_32 VMCS_WIDTH_32
#define VMCS_DECL_WIDTH_64 VMCS_WIDTH_64
#define VMCS_DECL_WIDTH_NAT VMCS_WIDTH_NATURAL
#define VMCS_DECL_TYPE_CTRL VMCS_TYPE_CONTROL
#define VMCS_DECL_TYPE_EXIT VMCS_TYPE_EXIT_INFO
#define VMCS_DECL_TYPE_GUEST VMCS_TYPE_GUEST
#define VMCS_DECL_TYPE_HOST VMCS_TYPE_HOST

/*
 * The notes.  Each says what the field's encoding or category would make
 * you believe, and what is true instead.
 */
#define VMCS_NOTE_VPID                                                   \
	"encoding 0 is a real field; VPID value 0 is the host's and is " \
	"refused when 'enable VPID' is set"
#define VMCS_NOTE_EPTP_INDEX                                                 \
	"a control the CPU itself writes: VMFUNC EPTP switching stores the " \
	"new index here"
#define VMCS_NOTE_GUEST_INTR_STATUS                                     \
	"'guest state' but it is virtual-APIC state (RVI/SVI) used by " \
	"virtual-interrupt delivery"
#define VMCS_NOTE_GUEST_PML_INDEX                                          \
	"'guest state' but it is the VMM's page-modification-log cursor, " \
	"decremented by the CPU"
#define VMCS_NOTE_EXIT_MSR_STORE                                         \
	"an exit control, but the list it points to receives GUEST MSR " \
	"values at VM exit"
#define VMCS_NOTE_EXECUTIVE_VMCS                                           \
	"only meaningful under the dual-monitor treatment of SMIs/SMM; a " \
	"control that points at another VMCS"
#define VMCS_NOTE_TSC_OFFSET                                                 \
	"a control, but in effect guest state: the guest's TSC is the host " \
	"TSC plus this offset"
#define VMCS_NOTE_TERTIARY                                               \
	"64-bit, unlike the 32-bit primary/secondary controls; ignored " \
	"unless primary bit 17 is set"
#define VMCS_NOTE_SHARED_EPTP \
	"only used in SEAM (TDX) VMX operation; an ordinary VMM never sets it"
#define VMCS_NOTE_SECONDARY_EXIT                                           \
	"64-bit, unlike the 32-bit primary exit controls; ignored unless " \
	"exit-control bit 31 is set"
#define VMCS_NOTE_GUEST_PHYSICAL_ADDRESS                                      \
	"the only 64-bit read-only (exit-info) field; meaningful only after " \
	"EPT violation/misconfig exits"
#define VMCS_NOTE_LINK_POINTER                                               \
	"sits among guest-state fields but is VMM bookkeeping (shadow VMCS " \
	"link); must be ~0ULL or VM entry fails"
#define VMCS_NOTE_GUEST_PDPTE                                               \
	"read at VM entry only with EPT and PAE paging; otherwise the CPU " \
	"loads PDPTEs from guest CR3"
#define VMCS_NOTE_PRIMARY_PROC                                                \
	"every bit means 'exit on X' except 'use I/O bitmaps' (25) and 'use " \
	"MSR bitmaps' (28): consult the bitmap, exit less"
#define VMCS_NOTE_EXCEPTION_BITMAP                                         \
	"bit 14 (#PF) is not final: page-fault error-code mask/match can " \
	"invert it per fault"
#define VMCS_NOTE_PFEC_MASK                                             \
	"does not filter #PF by itself: a mismatch with MATCH inverts " \
	"exception-bitmap bit 14"
#define VMCS_NOTE_PFEC_MATCH                                                 \
	"compared with (error code & MASK); a mismatch inverts the meaning " \
	"of exception-bitmap bit 14"
#define VMCS_NOTE_CR3_TARGET_COUNT                                        \
	"only CR3-target values 0..count-1 are consulted; a count above " \
	"IA32_VMX_MISC's limit fails VM entry"
#define VMCS_NOTE_EXIT_CONTROLS                                                \
	"a control, but its 'host address-space size' bit (9) is really host " \
	"state (64-bit host)"
#define VMCS_NOTE_ENTRY_CONTROLS                                          \
	"a control, but its 'IA-32e mode guest' bit (9) is really guest " \
	"state (becomes EFER.LMA)"
#define VMCS_NOTE_ENTRY_INTR_INFO \
	"a control the CPU clears: every VM exit clears its valid bit (31)"
#define VMCS_NOTE_SECONDARY_PROC                                             \
	"ignored unless primary bit 31 is set; mixes feature enables (EPT, " \
	"VPID) with exit-on-X bits"
#define VMCS_NOTE_VM_INSTRUCTION_ERROR                                     \
	"the only place VMfailValid reasons live; written by failing VMX " \
	"instructions, not by VM exits"
#define VMCS_NOTE_GUEST_SMBASE                                         \
	"guest state that VM entry ignores; only read/written on SMM " \
	"transfers (dual-monitor treatment)"
#define VMCS_NOTE_GUEST_SYSENTER_CS \
	"32-bit, while its siblings SYSENTER_ESP/EIP are natural-width"
#define VMCS_NOTE_PREEMPTION_TIMER                                           \
	"encoded as guest state, but it is a VMM countdown timer; index 22 " \
	"(0x482C) before it is unused"
#define VMCS_NOTE_HOST_SYSENTER_CS "the only 32-bit host-state field"
#define VMCS_NOTE_CR_MASK                                                   \
	"a set bit means the HOST owns that bit: guest reads see the read " \
	"shadow, writes that change it exit"
#define VMCS_NOTE_CR_SHADOW                                                   \
	"a control, but holds what the guest believes the register contains " \
	"for host-owned bits"
#define VMCS_NOTE_CR3_TARGET                                                 \
	"consulted only if CR3-target count exceeds its number; MOV to CR3 " \
	"of this value does not exit"
#define VMCS_NOTE_IO_RCX                                                 \
	"exit-info written only on SMIs that arrive right after an I/O " \
	"instruction (SMM VM exits)"

#define VMCS_FIELDS(X)                                                         \
	/* 16-bit control fields, SDM 3D B.1.1 */                              \
	X(VPID, 0x0000, 16, CTRL, VMCS_NOTE_VPID)                              \
	X(POSTED_INTR_NOTIFICATION_VECTOR, 0x0002, 16, CTRL, NULL)             \
	X(EPTP_INDEX, 0x0004, 16, CTRL, VMCS_NOTE_EPTP_INDEX)                  \
	X(HLAT_PREFIX_SIZE, 0x0006, 16, CTRL, NULL)                            \
	X(LAST_PID_POINTER_INDEX, 0x0008, 16, CTRL, NULL)                      \
	/* 16-bit guest-state fields, SDM 3D B.1.2 */                          \
	X(GUEST_ES_SELECTOR, 0x0800, 16, GUEST, NULL)                          \
	X(GUEST_CS_SELECTOR, 0x0802, 16, GUEST, NULL)                          \
	X(GUEST_SS_SELECTOR, 0x0804, 16, GUEST, NULL)                          \
	X(GUEST_DS_SELECTOR, 0x0806, 16, GUEST, NULL)                          \
	X(GUEST_FS_SELECTOR, 0x0808, 16, GUEST, NULL)                          \
	X(GUEST_GS_SELECTOR, 0x080a, 16, GUEST, NULL)                          \
	X(GUEST_LDTR_SELECTOR, 0x080c, 16, GUEST, NULL)                        \
	X(GUEST_TR_SELECTOR, 0x080e, 16, GUEST, NULL)                          \
	X(GUEST_INTR_STATUS, 0x0810, 16, GUEST, VMCS_NOTE_GUEST_INTR_STATUS)   \
	X(GUEST_PML_INDEX, 0x0812, 16, GUEST, VMCS_NOTE_GUEST_PML_INDEX)       \
	X(GUEST_UINV, 0x0814, 16, GUEST, NULL)                                 \
	/* 16-bit host-state fields, SDM 3D B.1.3 */                           \
	X(HOST_ES_SELECTOR, 0x0c00, 16, HOST, NULL)                            \
	X(HOST_CS_SELECTOR, 0x0c02, 16, HOST, NULL)                            \
	X(HOST_SS_SELECTOR, 0x0c04, 16, HOST, NULL)                            \
	X(HOST_DS_SELECTOR, 0x0c06, 16, HOST, NULL)                            \
	X(HOST_FS_SELECTOR, 0x0c08, 16, HOST, NULL)                            \
	X(HOST_GS_SELECTOR, 0x0c0a, 16, HOST, NULL)                            \
	X(HOST_TR_SELECTOR, 0x0c0c, 16, HOST, NULL)                            \
	/* 64-bit control fields, SDM 3D B.2.1 */                              \
	X(IO_BITMAP_A_ADDRESS, 0x2000, 64, CTRL, NULL)                         \
	X(IO_BITMAP_B_ADDRESS, 0x2002, 64, CTRL, NULL)                         \
	X(MSR_BITMAP_ADDRESS, 0x2004, 64, CTRL, NULL)                          \
	X(EXIT_MSR_STORE_ADDRESS, 0x2006, 64, CTRL, VMCS_NOTE_EXIT_MSR_STORE)  \
	X(EXIT_MSR_LOAD_ADDRESS, 0x2008, 64, CTRL, NULL)                       \
	X(ENTRY_MSR_LOAD_ADDRESS, 0x200a, 64, CTRL, NULL)                      \
	X(EXECUTIVE_VMCS_POINTER, 0x200c, 64, CTRL, VMCS_NOTE_EXECUTIVE_VMCS)  \
	X(PML_ADDRESS, 0x200e, 64, CTRL, NULL)                                 \
	X(TSC_OFFSET, 0x2010, 64, CTRL, VMCS_NOTE_TSC_OFFSET)                  \
	X(VIRTUAL_APIC_ADDRESS, 0x2012, 64, CTRL, NULL)                        \
	X(APIC_ACCESS_ADDRESS, 0x2014, 64, CTRL, NULL)                         \
	X(POSTED_INTR_DESC_ADDRESS, 0x2016, 64, CTRL, NULL)                    \
	X(VM_FUNCTION_CONTROLS, 0x2018, 64, CTRL, NULL)                        \
	X(EPT_POINTER, 0x201a, 64, CTRL, NULL)                                 \
	X(EOI_EXIT_BITMAP0, 0x201c, 64, CTRL, NULL)                            \
	X(EOI_EXIT_BITMAP1, 0x201e, 64, CTRL, NULL)                            \
	X(EOI_EXIT_BITMAP2, 0x2020, 64, CTRL, NULL)                            \
	X(EOI_EXIT_BITMAP3, 0x2022, 64, CTRL, NULL)                            \
	X(EPTP_LIST_ADDRESS, 0x2024, 64, CTRL, NULL)                           \
	X(VMREAD_BITMAP_ADDRESS, 0x2026, 64, CTRL, NULL)                       \
	X(VMWRITE_BITMAP_ADDRESS, 0x2028, 64, CTRL, NULL)                      \
	X(VE_INFO_ADDRESS, 0x202a, 64, CTRL, NULL)                             \
	X(XSS_EXITING_BITMAP, 0x202c, 64, CTRL, NULL)                          \
	X(ENCLS_EXITING_BITMAP, 0x202e, 64, CTRL, NULL)                        \
	X(SPP_TABLE_POINTER, 0x2030, 64, CTRL, NULL)                           \
	X(TSC_MULTIPLIER, 0x2032, 64, CTRL, NULL)                              \
	X(TERTIARY_PROC_BASED_CONTROLS, 0x2034, 64, CTRL, VMCS_NOTE_TERTIARY)  \
	X(ENCLV_EXITING_BITMAP, 0x2036, 64, CTRL, NULL)                        \
	X(LOW_PASID_DIRECTORY_ADDRESS, 0x2038, 64, CTRL, NULL)                 \
	X(HIGH_PASID_DIRECTORY_ADDRESS, 0x203a, 64, CTRL, NULL)                \
	X(SHARED_EPT_POINTER, 0x203c, 64, CTRL, VMCS_NOTE_SHARED_EPTP)         \
	X(PCONFIG_EXITING_BITMAP, 0x203e, 64, CTRL, NULL)                      \
	X(HLAT_POINTER, 0x2040, 64, CTRL, NULL)                                \
	X(PID_POINTER_TABLE_ADDRESS, 0x2042, 64, CTRL, NULL)                   \
	X(SECONDARY_EXIT_CONTROLS, 0x2044, 64, CTRL, VMCS_NOTE_SECONDARY_EXIT) \
	X(IA32_SPEC_CTRL_MASK, 0x204a, 64, CTRL, NULL)                         \
	X(IA32_SPEC_CTRL_SHADOW, 0x204c, 64, CTRL, NULL)                       \
	/* 64-bit read-only data field, SDM 3D B.2.2 */                        \
	X(GUEST_PHYSICAL_ADDRESS, 0x2400, 64, EXIT,                            \
	  VMCS_NOTE_GUEST_PHYSICAL_ADDRESS)                                    \
	/* 64-bit guest-state fields, SDM 3D B.2.3 */                          \
	X(VMCS_LINK_POINTER, 0x2800, 64, GUEST, VMCS_NOTE_LINK_POINTER)        \
	X(GUEST_IA32_DEBUGCTL, 0x2802, 64, GUEST, NULL)                        \
	X(GUEST_IA32_PAT, 0x2804, 64, GUEST, NULL)                             \
	X(GUEST_IA32_EFER, 0x2806, 64, GUEST, NULL)                            \
	X(GUEST_IA32_PERF_GLOBAL_CTRL, 0x2808, 64, GUEST, NULL)                \
	X(GUEST_PDPTE0, 0x280a, 64, GUEST, VMCS_NOTE_GUEST_PDPTE)              \
	X(GUEST_PDPTE1, 0x280c, 64, GUEST, VMCS_NOTE_GUEST_PDPTE)              \
	X(GUEST_PDPTE2, 0x280e, 64, GUEST, VMCS_NOTE_GUEST_PDPTE)              \
	X(GUEST_PDPTE3, 0x2810, 64, GUEST, VMCS_NOTE_GUEST_PDPTE)              \
	X(GUEST_IA32_BNDCFGS, 0x2812, 64, GUEST, NULL)                         \
	X(GUEST_IA32_RTIT_CTL, 0x2814, 64, GUEST, NULL)                        \
	X(GUEST_IA32_LBR_CTL, 0x2816, 64, GUEST, NULL)                         \
	X(GUEST_IA32_PKRS, 0x2818, 64, GUEST, NULL)                            \
	/* 64-bit host-state fields, SDM 3D B.2.4 */                           \
	X(HOST_IA32_PAT, 0x2c00, 64, HOST, NULL)                               \
	X(HOST_IA32_EFER, 0x2c02, 64, HOST, NULL)                              \
	X(HOST_IA32_PERF_GLOBAL_CTRL, 0x2c04, 64, HOST, NULL)                  \
	X(HOST_IA32_PKRS, 0x2c06, 64, HOST, NULL)                              \
	/* 32-bit control fields, SDM 3D B.3.1 */                              \
	X(PIN_BASED_CONTROLS, 0x4000, 32, CTRL, NULL)                          \
	X(PRIMARY_PROC_BASED_CONTROLS, 0x4002, 32, CTRL,                       \
	  VMCS_NOTE_PRIMARY_PROC)                                              \
	X(EXCEPTION_BITMAP, 0x4004, 32, CTRL, VMCS_NOTE_EXCEPTION_BITMAP)      \
	X(PAGE_FAULT_ERROR_CODE_MASK, 0x4006, 32, CTRL, VMCS_NOTE_PFEC_MASK)   \
	X(PAGE_FAULT_ERROR_CODE_MATCH, 0x4008, 32, CTRL, VMCS_NOTE_PFEC_MATCH) \
	X(CR3_TARGET_COUNT, 0x400a, 32, CTRL, VMCS_NOTE_CR3_TARGET_COUNT)      \
	X(EXIT_CONTROLS, 0x400c, 32, CTRL, VMCS_NOTE_EXIT_CONTROLS)            \
	X(EXIT_MSR_STORE_COUNT, 0x400e, 32, CTRL, NULL)                        \
	X(EXIT_MSR_LOAD_COUNT, 0x4010, 32, CTRL, NULL)                         \
	X(ENTRY_CONTROLS, 0x4012, 32, CTRL, VMCS_NOTE_ENTRY_CONTROLS)          \
	X(ENTRY_MSR_LOAD_COUNT, 0x4014, 32, CTRL, NULL)                        \
	X(ENTRY_INTERRUPTION_INFO, 0x4016, 32, CTRL,                           \
	  VMCS_NOTE_ENTRY_INTR_INFO)                                           \
	X(ENTRY_EXCEPTION_ERROR_CODE, 0x4018, 32, CTRL, NULL)                  \
	X(ENTRY_INSTRUCTION_LENGTH, 0x401a, 32, CTRL, NULL)                    \
	X(TPR_THRESHOLD, 0x401c, 32, CTRL, NULL)                               \
	X(SECONDARY_PROC_BASED_CONTROLS, 0x401e, 32, CTRL,                     \
	  VMCS_NOTE_SECONDARY_PROC)                                            \
	X(PLE_GAP, 0x4020, 32, CTRL, NULL)                                     \
	X(PLE_WINDOW, 0x4022, 32, CTRL, NULL)                                  \
	X(INSTRUCTION_TIMEOUT_CONTROL, 0x4024, 32, CTRL, NULL)                 \
	/* 32-bit read-only data fields, SDM 3D B.3.2 */                       \
	X(VM_INSTRUCTION_ERROR, 0x4400, 32, EXIT,                              \
	  VMCS_NOTE_VM_INSTRUCTION_ERROR)                                      \
	X(EXIT_REASON, 0x4402, 32, EXIT, NULL)                                 \
	X(EXIT_INTERRUPTION_INFO, 0x4404, 32, EXIT, NULL)                      \
	X(EXIT_INTERRUPTION_ERROR_CODE, 0x4406, 32, EXIT, NULL)                \
	X(IDT_VECTORING_INFO, 0x4408, 32, EXIT, NULL)                          \
	X(IDT_VECTORING_ERROR_CODE, 0x440a, 32, EXIT, NULL)                    \
	X(EXIT_INSTRUCTION_LENGTH, 0x440c, 32, EXIT, NULL)                     \
	X(EXIT_INSTRUCTION_INFO, 0x440e, 32, EXIT, NULL)                       \
	/* 32-bit guest-state fields, SDM 3D B.3.3 */                          \
	X(GUEST_ES_LIMIT, 0x4800, 32, GUEST, NULL)                             \
	X(GUEST_CS_LIMIT, 0x4802, 32, GUEST, NULL)                             \
	X(GUEST_SS_LIMIT, 0x4804, 32, GUEST, NULL)                             \
	X(GUEST_DS_LIMIT, 0x4806, 32, GUEST, NULL)                             \
	X(GUEST_FS_LIMIT, 0x4808, 32, GUEST, NULL)                             \
	X(GUEST_GS_LIMIT, 0x480a, 32, GUEST, NULL)                             \
	X(GUEST_LDTR_LIMIT, 0x480c, 32, GUEST, NULL)                           \
	X(GUEST_TR_LIMIT, 0x480e, 32, GUEST, NULL)                             \
	X(GUEST_GDTR_LIMIT, 0x4810, 32, GUEST, NULL)                           \
	X(GUEST_IDTR_LIMIT, 0x4812, 32, GUEST, NULL)                           \
	X(GUEST_ES_ACCESS_RIGHTS, 0x4814, 32, GUEST, NULL)                     \
	X(GUEST_CS_ACCESS_RIGHTS, 0x4816, 32, GUEST, NULL)                     \
	X(GUEST_SS_ACCESS_RIGHTS, 0x4818, 32, GUEST, NULL)                     \
	X(GUEST_DS_ACCESS_RIGHTS, 0x481a, 32, GUEST, NULL)                     \
	X(GUEST_FS_ACCESS_RIGHTS, 0x481c, 32, GUEST, NULL)                     \
	X(GUEST_GS_ACCESS_RIGHTS, 0x481e, 32, GUEST, NULL)                     \
	X(GUEST_LDTR_ACCESS_RIGHTS, 0x4820, 32, GUEST, NULL)                   \
	X(GUEST_TR_ACCESS_RIGHTS, 0x4822, 32, GUEST, NULL)                     \
	X(GUEST_INTERRUPTIBILITY_STATE, 0x4824, 32, GUEST, NULL)               \
	X(GUEST_ACTIVITY_STATE, 0x4826, 32, GUEST, NULL)                       \
	X(GUEST_SMBASE, 0x4828, 32, GUEST, VMCS_NOTE_GUEST_SMBASE)             \
	X(GUEST_IA32_SYSENTER_CS, 0x482a, 32, GUEST,                           \
	  VMCS_NOTE_GUEST_SYSENTER_CS)                                         \
	X(PREEMPTION_TIMER_VALUE, 0x482e, 32, GUEST,                           \
	  VMCS_NOTE_PREEMPTION_TIMER)                                          \
	/* 32-bit host-state field, SDM 3D B.3.4 */                            \
	X(HOST_IA32_SYSENTER_CS, 0x4c00, 32, HOST, VMCS_NOTE_HOST_SYSENTER_CS) \
	/* natural-width control fields, SDM 3D B.4.1 */                       \
	X(CR0_GUEST_HOST_MASK, 0x6000, NAT, CTRL, VMCS_NOTE_CR_MASK)           \
	X(CR4_GUEST_HOST_MASK, 0x6002, NAT, CTRL, VMCS_NOTE_CR_MASK)           \
	X(CR0_READ_SHADOW, 0x6004, NAT, CTRL, VMCS_NOTE_CR_SHADOW)             \
	X(CR4_READ_SHADOW, 0x6006, NAT, CTRL, VMCS_NOTE_CR_SHADOW)             \
	X(CR3_TARGET_VALUE0, 0x6008, NAT, CTRL, VMCS_NOTE_CR3_TARGET)          \
	X(CR3_TARGET_VALUE1, 0x600a, NAT, CTRL, VMCS_NOTE_CR3_TARGET)          \
	X(CR3_TARGET_VALUE2, 0x600c, NAT, CTRL, VMCS_NOTE_CR3_TARGET)          \
	X(CR3_TARGET_VALUE3, 0x600e, NAT, CTRL, VMCS_NOTE_CR3_TARGET)          \
	/* natural-width read-only data fields, SDM 3D B.4.2 */                \
	X(EXIT_QUALIFICATION, 0x6400, NAT, EXIT, NULL)                         \
	X(IO_RCX, 0x6402, NAT, EXIT, VMCS_NOTE_IO_RCX)                         \
	X(IO_RSI, 0x6404, NAT, EXIT, VMCS_NOTE_IO_RCX)                         \
	X(IO_RDI, 0x6406, NAT, EXIT, VMCS_NOTE_IO_RCX)                         \
	X(IO_RIP, 0x6408, NAT, EXIT, VMCS_NOTE_IO_RCX)                         \
	X(GUEST_LINEAR_ADDRESS, 0x640a, NAT, EXIT, NULL)                       \
	/* natural-width guest-state fields, SDM 3D B.4.3 */                   \
	X(GUEST_CR0, 0x6800, NAT, GUEST, NULL)                                 \
	X(GUEST_CR3, 0x6802, NAT, GUEST, NULL)                                 \
	X(GUEST_CR4, 0x6804, NAT, GUEST, NULL)                                 \
	X(GUEST_ES_BASE, 0x6806, NAT, GUEST, NULL)                             \
	X(GUEST_CS_BASE, 0x6808, NAT, GUEST, NULL)                             \
	X(GUEST_SS_BASE, 0x680a, NAT, GUEST, NULL)                             \
	X(GUEST_DS_BASE, 0x680c, NAT, GUEST, NULL)                             \
	X(GUEST_FS_BASE, 0x680e, NAT, GUEST, NULL)                             \
	X(GUEST_GS_BASE, 0x6810, NAT, GUEST, NULL)                             \
	X(GUEST_LDTR_BASE, 0x6812, NAT, GUEST, NULL)                           \
	X(GUEST_TR_BASE, 0x6814, NAT, GUEST, NULL)                             \
	X(GUEST_GDTR_BASE, 0x6816, NAT, GUEST, NULL)                           \
	X(GUEST_IDTR_BASE, 0x6818, NAT, GUEST, NULL)                           \
	X(GUEST_DR7, 0x681a, NAT, GUEST, NULL)                                 \
	X(GUEST_RSP, 0x681c, NAT, GUEST, NULL)                                 \
	X(GUEST_RIP, 0x681e, NAT, GUEST, NULL)                                 \
	X(GUEST_RFLAGS, 0x6820, NAT, GUEST, NULL)                              \
	X(GUEST_PENDING_DEBUG_EXCEPTIONS, 0x6822, NAT, GUEST, NULL)            \
	X(GUEST_IA32_SYSENTER_ESP, 0x6824, NAT, GUEST, NULL)                   \
	X(GUEST_IA32_SYSENTER_EIP, 0x6826, NAT, GUEST, NULL)                   \
	X(GUEST_IA32_S_CET, 0x6828, NAT, GUEST, NULL)                          \
	X(GUEST_SSP, 0x682a, NAT, GUEST, NULL)                                 \
	X(GUEST_IA32_INTERRUPT_SSP_TABLE_ADDR, 0x682c, NAT, GUEST, NULL)       \
	/* natural-width host-state fields, SDM 3D B.4.4 */                    \
	X(HOST_CR0, 0x6c00, NAT, HOST, NULL)                                   \
	X(HOST_CR3, 0x6c02, NAT, HOST, NULL)                                   \
	X(HOST_CR4, 0x6c04, NAT, HOST, NULL)                                   \
	X(HOST_FS_BASE, 0x6c06, NAT, HOST, NULL)                               \
	X(HOST_GS_BASE, 0x6c08, NAT, HOST, NULL)                               \
	X(HOST_TR_BASE, 0x6c0a, NAT, HOST, NULL)                               \
	X(HOST_GDTR_BASE, 0x6c0c, NAT, HOST, NULL)                             \
	X(HOST_IDTR_BASE, 0x6c0e, NAT, HOST, NULL)                             \
	X(HOST_IA32_SYSENTER_ESP, 0x6c10, NAT, HOST, NULL)                     \
	X(HOST_IA32_SYSENTER_EIP, 0x6c12, NAT, HOST, NULL)                     \
	X(HOST_RSP, 0x6c14, NAT, HOST, NULL)                                   \
	X(HOST_RIP, 0x6c16, NAT, HOST, NULL)                                   \
	X(HOST_IA32_S_CET, 0x6c18, NAT, HOST, NULL)                            \
	X(HOST_SSP, 0x6c1a, NAT, HOST, NULL)                                   \
	X(HOST_IA32_INTERRUPT_SSP_TABLE_ADDR, 0x6c1c, NAT, HOST, NULL)

#endif
