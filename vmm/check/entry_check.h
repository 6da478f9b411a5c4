/*
 * The VM-entry checker: the checks the processor makes on VMLAUNCH and
 * VMRESUME (SDM 3C 27.2 "Checks on VMX Controls and Host-State Area" and
 * 27.3.1 "Checks on the Guest State Area"; 26.2/26.3 in older editions),
 * made again in C on the current VMCS, so that a failed entry is
 * explained as the rule it broke ("guest CS.L=1 requires the IA-32e mode
 * guest entry control") instead of a bare VM-instruction error number.
 *
 * It reads the VMCS through the vmcs backend (vmcs_read_enc()), so the
 * same code checks the hardware VMCS before VMLAUNCH and an in-memory
 * struct vmcs_image in host tests.  It only reads.
 *
 * The rules are those every configuration must meet plus those this
 * hypervisor's configuration brings into play: a 64-bit host, a 64-bit
 * paged guest without "unrestricted guest", EPT and VPID, MSR and I/O
 * bitmaps, the VMX-preemption timer, NMI and external-interrupt exiting,
 * IA32_EFER (and optionally IA32_PAT) switching.  Checks for features
 * this VMM never turns on (SMM, VMCS shadowing, CET, Intel PT, PDPTEs of
 * a PAE guest, ...) are left out; the two rules that are this VMM's
 * policy rather than the SDM's say so in their sdm string.
 */
#ifndef HV_ENTRY_CHECK_H
#define HV_ENTRY_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "cmdline.h"
#include "vmx/vmx_caps.h"

struct entry_check_env {
	const struct vmx_caps *caps; /* capability MSRs (TRUE variants when
					caps->true_controls) */
	unsigned int maxphyaddr;     /* CPUID.80000008H:EAX[7:0], e.g. 39 or
					46 */
};

struct entry_check_failure {
	const char *rule;  /* short stable id, e.g. "guest.cs.l_needs_ia32e" */
	const char *sdm;   /* "SDM 3C 27.3.1.2" */
	char message[160]; /* the rule in words with the offending values */
};

#define ENTRY_CHECK_MAX_FAILURES 8

struct entry_check_report {
	unsigned int count; /* failures found (may exceed the array) */
	struct entry_check_failure
		failures[ENTRY_CHECK_MAX_FAILURES]; /* the first ones */
};

/*
 * Reads the current VMCS through the vmcs backend (vmcs_read_enc) and
 * checks every rule; returns report->count.  A field that cannot be read
 * is itself a failure ("field X unreadable"), reported once; the rules
 * that need it are skipped.  Without the five control fields nothing
 * else can be judged, so then only the unreadable fields are reported.
 */
unsigned int entry_check_run(const struct entry_check_env *env,
			     struct entry_check_report *report);

/*
 * Prints every failure as "hv: entry check: <message> [<rule>, <sdm>]"
 * via hv_printf, and a last line with how many did not fit the report.
 */
void entry_check_print(const struct entry_check_report *report);

/* Test-only (--break-entry, cmdline.h): writes the current VMCS so that
 * it breaks one rule, and says so. */
void break_entry_rule(enum entry_break b);

/* Every rule the checker knows, in the order it checks them. */
struct entry_check_rule {
	const char *id;
	const char *sdm;
};
extern const struct entry_check_rule entry_check_rules[];
extern const unsigned int entry_check_rule_count;

#ifdef ENTRY_CHECK_INTERNAL
/* ------------------------------------------------------------------ */
/* Shared by entry_check*.c only.                                      */

#include "exit/exit_qual.h"
#include "vmcs/vmcs.h"
#include "x86/x86.h"

/*
 * X(NAME, "id", "section"): the rules, named once.  The section is that
 * of SDM 3C; "policy" marks a rule of this VMM that the SDM does not
 * make (the processor would not fail the entry for it).
 */
#define ENTRY_CHECK_RULES(X)                                                   \
	X(VMCS_UNREADABLE, "vmcs.unreadable", "25.11.2")                       \
	/* VM-execution control fields, SDM 3C 27.2.1.1 */                     \
	X(PIN_ALLOWED0, "ctrl.pin.allowed0", "27.2.1.1")                       \
	X(PIN_ALLOWED1, "ctrl.pin.allowed1", "27.2.1.1")                       \
	X(PROC_ALLOWED0, "ctrl.proc.allowed0", "27.2.1.1")                     \
	X(PROC_ALLOWED1, "ctrl.proc.allowed1", "27.2.1.1")                     \
	X(PROC2_ALLOWED0, "ctrl.proc2.allowed0", "27.2.1.1")                   \
	X(PROC2_ALLOWED1, "ctrl.proc2.allowed1", "27.2.1.1")                   \
	X(CR3_TARGET_COUNT, "ctrl.cr3_target_count", "27.2.1.1")               \
	X(IO_BITMAP_ADDRESS, "ctrl.io_bitmap.address", "27.2.1.1")             \
	X(MSR_BITMAP_ADDRESS, "ctrl.msr_bitmap.address", "27.2.1.1")           \
	X(VIRTUAL_APIC_ADDRESS, "ctrl.tpr_shadow.virtual_apic_address",        \
	  "27.2.1.1")                                                          \
	X(APIC_VIRT_NEEDS_TPR_SHADOW, "ctrl.tpr_shadow.required", "27.2.1.1")  \
	X(X2APIC_EXCLUDES_APIC_ACCESSES, "ctrl.x2apic_excludes_apic_accesses", \
	  "27.2.1.1")                                                          \
	X(VID_NEEDS_EXT_INT_EXITING, "ctrl.vid_needs_external_int_exiting",    \
	  "27.2.1.1")                                                          \
	X(POSTED_INTERRUPTS, "ctrl.posted_interrupts", "27.2.1.1")             \
	X(VIRTUAL_NMIS_NEED_NMI_EXITING, "ctrl.virtual_nmis_need_nmi_exiting", \
	  "27.2.1.1")                                                          \
	X(NMI_WINDOW_NEEDS_VIRTUAL_NMIS, "ctrl.nmi_window_needs_virtual_nmis", \
	  "27.2.1.1")                                                          \
	X(APIC_ACCESS_ADDRESS, "ctrl.apic_access_address", "27.2.1.1")         \
	X(VPID_ZERO, "ctrl.vpid_zero", "27.2.1.1")                             \
	X(EPTP_MEMORY_TYPE, "ctrl.eptp.memory_type", "27.2.1.1")               \
	X(EPTP_WALK_LENGTH, "ctrl.eptp.walk_length", "27.2.1.1")               \
	X(EPTP_ACCESSED_DIRTY, "ctrl.eptp.accessed_dirty", "27.2.1.1")         \
	X(EPTP_RESERVED, "ctrl.eptp.reserved", "27.2.1.1")                     \
	X(EPTP_ADDRESS, "ctrl.eptp.address", "27.2.1.1")                       \
	X(PML_NEEDS_EPT, "ctrl.pml.needs_ept", "27.2.1.1")                     \
	X(PML_ADDRESS, "ctrl.pml.address", "27.2.1.1")                         \
	X(UNRESTRICTED_NEEDS_EPT, "ctrl.unrestricted_guest_needs_ept",         \
	  "27.2.1.1")                                                          \
	X(MBEC_NEEDS_EPT, "ctrl.mode_based_execute_needs_ept", "27.2.1.1")     \
	/* VM-exit control fields, SDM 3C 27.2.1.2 */                          \
	X(EXIT_ALLOWED0, "ctrl.exit.allowed0", "27.2.1.2")                     \
	X(EXIT_ALLOWED1, "ctrl.exit.allowed1", "27.2.1.2")                     \
	X(SAVE_TIMER_NEEDS_TIMER, "ctrl.exit.save_preemption_timer",           \
	  "27.2.1.2")                                                          \
	X(EXIT_MSR_STORE_AREA, "ctrl.exit.msr_store_area", "27.2.1.2")         \
	X(EXIT_MSR_LOAD_AREA, "ctrl.exit.msr_load_area", "27.2.1.2")           \
	/* VM-entry control fields, SDM 3C 27.2.1.3 */                         \
	X(ENTRY_ALLOWED0, "ctrl.entry.allowed0", "27.2.1.3")                   \
	X(ENTRY_ALLOWED1, "ctrl.entry.allowed1", "27.2.1.3")                   \
	X(ENTRY_SMM, "ctrl.entry.smm_controls", "27.2.1.3")                    \
	X(INTR_INFO_TYPE, "ctrl.entry.intr_info.type", "27.2.1.3")             \
	X(INTR_INFO_VECTOR, "ctrl.entry.intr_info.vector", "27.2.1.3")         \
	X(INTR_INFO_ERROR_CODE, "ctrl.entry.intr_info.deliver_error_code",     \
	  "27.2.1.3")                                                          \
	X(INTR_INFO_RESERVED, "ctrl.entry.intr_info.reserved", "27.2.1.3")     \
	X(EXCEPTION_ERROR_CODE, "ctrl.entry.exception_error_code", "27.2.1.3") \
	X(INSTRUCTION_LENGTH, "ctrl.entry.instruction_length", "27.2.1.3")     \
	X(ENTRY_MSR_LOAD_AREA, "ctrl.entry.msr_load_area", "27.2.1.3")         \
	/* host control registers and MSRs, SDM 3C 27.2.2 */                   \
	X(HOST_CR0_FIXED, "host.cr0.fixed", "27.2.2")                          \
	X(HOST_CR4_FIXED, "host.cr4.fixed", "27.2.2")                          \
	X(HOST_CR4_VMXE, "host.cr4.vmxe", "27.2.2")                            \
	X(HOST_CR3_WIDTH, "host.cr3.width", "27.2.2")                          \
	X(HOST_SYSENTER_CANONICAL, "host.sysenter.canonical", "27.2.2")        \
	X(HOST_PAT, "host.pat.memory_type", "27.2.2")                          \
	X(HOST_EFER_RESERVED, "host.efer.reserved", "27.2.2")                  \
	X(HOST_EFER_LMA_LME, "host.efer.lma_lme", "27.2.2")                    \
	/* host segment and descriptor-table registers, SDM 3C 27.2.3 */       \
	X(HOST_SELECTOR_RPL_TI, "host.selector.rpl_ti", "27.2.3")              \
	X(HOST_CS_NULL, "host.cs.null", "27.2.3")                              \
	X(HOST_TR_NULL, "host.tr.null", "27.2.3")                              \
	X(HOST_SS_NULL, "host.ss.null", "27.2.3")                              \
	X(HOST_BASE_CANONICAL, "host.base.canonical", "27.2.3")                \
	/* address-space size, SDM 3C 27.2.4 */                                \
	X(HOST_ASS_IN_IA32E, "host.address_space_size.in_ia32e", "27.2.4")     \
	X(HOST_ASS_GUEST_IA32E, "host.address_space_size.guest_ia32e",         \
	  "27.2.4")                                                            \
	X(HOST_ASS_CR4_PAE, "host.address_space_size.cr4_pae", "27.2.4")       \
	X(HOST_ASS_CR4_PCIDE, "host.address_space_size.cr4_pcide", "27.2.4")   \
	X(HOST_RIP, "host.rip", "27.2.4")                                      \
	/* guest control registers, debug registers, MSRs, SDM 3C 27.3.1.1 */  \
	X(GUEST_CR0_FIXED, "guest.cr0.fixed", "27.3.1.1")                      \
	X(GUEST_CR0_PG_NEEDS_PE, "guest.cr0.pg_needs_pe", "27.3.1.1")          \
	X(GUEST_CR4_FIXED, "guest.cr4.fixed", "27.3.1.1")                      \
	X(GUEST_IA32E_NEEDS_PAGING, "guest.ia32e.needs_pg_pae", "27.3.1.1")    \
	X(GUEST_PCIDE_NEEDS_IA32E, "guest.cr4.pcide_needs_ia32e", "27.3.1.1")  \
	X(GUEST_CR3_WIDTH, "guest.cr3.width", "27.3.1.1")                      \
	X(GUEST_DEBUGCTL_RESERVED, "guest.debugctl.reserved", "27.3.1.1")      \
	X(GUEST_DR7_HIGH, "guest.dr7.high", "27.3.1.1")                        \
	X(GUEST_SYSENTER_CANONICAL, "guest.sysenter.canonical", "27.3.1.1")    \
	X(GUEST_PAT, "guest.pat.memory_type", "27.3.1.1")                      \
	X(GUEST_EFER_RESERVED, "guest.efer.reserved", "27.3.1.1")              \
	X(GUEST_EFER_LMA, "guest.efer.lma", "27.3.1.1")                        \
	X(GUEST_EFER_LME, "guest.efer.lme", "27.3.1.1")                        \
	/* guest segment registers, SDM 3C 27.3.1.2 */                         \
	X(GUEST_TR_TI, "guest.tr.ti", "27.3.1.2")                              \
	X(GUEST_LDTR_TI, "guest.ldtr.ti", "27.3.1.2")                          \
	X(GUEST_SS_RPL, "guest.ss.rpl", "27.3.1.2")                            \
	X(GUEST_V8086_SEGMENT, "guest.seg.v8086", "27.3.1.2")                  \
	X(GUEST_BASE_CANONICAL, "guest.base.canonical", "27.3.1.2")            \
	X(GUEST_BASE_HIGH, "guest.base.high", "27.3.1.2")                      \
	X(GUEST_CS_TYPE, "guest.cs.type", "27.3.1.2")                          \
	X(GUEST_SS_TYPE, "guest.ss.type", "27.3.1.2")                          \
	X(GUEST_DATA_TYPE, "guest.data.type", "27.3.1.2")                      \
	X(GUEST_SEG_S, "guest.seg.s", "27.3.1.2")                              \
	X(GUEST_CS_DPL, "guest.cs.dpl", "27.3.1.2")                            \
	X(GUEST_SS_DPL, "guest.ss.dpl", "27.3.1.2")                            \
	X(GUEST_DATA_DPL, "guest.data.dpl", "27.3.1.2")                        \
	X(GUEST_SEG_PRESENT, "guest.seg.present", "27.3.1.2")                  \
	X(GUEST_SEG_RESERVED, "guest.seg.reserved", "27.3.1.2")                \
	X(GUEST_CS_L_NEEDS_IA32E, "guest.cs.l_needs_ia32e",                    \
	  "27.3.1.2, hv policy")                                               \
	X(GUEST_CS_D_WITH_L, "guest.cs.d_with_l", "27.3.1.2")                  \
	X(GUEST_SEG_GRANULARITY, "guest.seg.granularity", "27.3.1.2")          \
	X(GUEST_TR_TYPE, "guest.tr.type", "27.3.1.2")                          \
	X(GUEST_TR_DESCRIPTOR, "guest.tr.descriptor", "27.3.1.2")              \
	X(GUEST_LDTR_DESCRIPTOR, "guest.ldtr.descriptor", "27.3.1.2")          \
	/* guest descriptor-table registers, SDM 3C 27.3.1.3 */                \
	X(GUEST_DTR_BASE, "guest.dtr.base_canonical", "27.3.1.3")              \
	X(GUEST_DTR_LIMIT, "guest.dtr.limit", "27.3.1.3")                      \
	/* guest RIP and RFLAGS, SDM 3C 27.3.1.4 */                            \
	X(GUEST_RIP, "guest.rip", "27.3.1.4")                                  \
	X(GUEST_RFLAGS_RESERVED, "guest.rflags.reserved", "27.3.1.4")          \
	X(GUEST_RFLAGS_VM, "guest.rflags.vm", "27.3.1.4")                      \
	X(GUEST_RFLAGS_IF, "guest.rflags.if_for_external_int", "27.3.1.4")     \
	/* guest non-register state, SDM 3C 27.3.1.5 */                        \
	X(GUEST_ACTIVITY_STATE, "guest.activity.state", "27.3.1.5")            \
	X(GUEST_ACTIVITY_HLT_DPL, "guest.activity.hlt_needs_ss_dpl0",          \
	  "27.3.1.5")                                                          \
	X(GUEST_ACTIVITY_BLOCKING, "guest.activity.blocking_needs_active",     \
	  "27.3.1.5")                                                          \
	X(GUEST_ACTIVITY_INJECTION, "guest.activity.injection", "27.3.1.5")    \
	X(GUEST_INTR_STATE_RESERVED, "guest.interruptibility.reserved",        \
	  "27.3.1.5")                                                          \
	X(GUEST_INTR_STATE_STI_MOV_SS,                                         \
	  "guest.interruptibility.sti_and_mov_ss", "27.3.1.5")                 \
	X(GUEST_INTR_STATE_STI_IF, "guest.interruptibility.sti_needs_if",      \
	  "27.3.1.5")                                                          \
	X(GUEST_INTR_STATE_INJECTION, "guest.interruptibility.injection",      \
	  "27.3.1.5")                                                          \
	X(GUEST_INTR_STATE_SMI, "guest.interruptibility.smi", "27.3.1.5")      \
	X(GUEST_INTR_STATE_NMI, "guest.interruptibility.nmi_injection",        \
	  "27.3.1.5")                                                          \
	X(GUEST_PENDING_DBG_RESERVED, "guest.pending_debug.reserved",          \
	  "27.3.1.5")                                                          \
	X(GUEST_PENDING_DBG_BS, "guest.pending_debug.bs", "27.3.1.5")          \
	X(GUEST_LINK_POINTER, "guest.vmcs_link_pointer", "27.3.1.5, hv policy")

enum entry_check_rule_id {
#define ENTRY_CHECK_RULE_ENUM(name, id, sdm) RULE_##name,
	ENTRY_CHECK_RULES(ENTRY_CHECK_RULE_ENUM)
#undef ENTRY_CHECK_RULE_ENUM
		RULE_COUNT
};

/* One run: what is being checked, what was read, what failed. */
struct entry_check_ctx {
	const struct entry_check_env *env;
	struct entry_check_report *report;
	/* The five control fields, read before any rule; proc2 is 0 when
	 * "activate secondary controls" is 0, as the CPU then treats it. */
	uint32_t pin, proc, proc2, exit, entry;
	/* Every field read once (VMCS_POS_<NAME> rows). */
	uint64_t value[VMCS_FIELD_COUNT];
	uint8_t state[VMCS_FIELD_COUNT];
};

/* Reads a field (cached); false, and one "unreadable" failure, if it
 * cannot be read. */
bool ec_read(struct entry_check_ctx *c, uint32_t enc, uint64_t *value);

void ec_fail(struct entry_check_ctx *c, enum entry_check_rule_id rule,
	     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* No bit set at or above MAXPHYADDR. */
bool ec_within_phys(const struct entry_check_ctx *c, uint64_t address);

/* A 4-KiB-aligned physical address within MAXPHYADDR. */
static inline bool ec_page_address_ok(const struct entry_check_ctx *c,
				      uint64_t address)
{
	return (address & 0xfff) == 0 && ec_within_phys(c, address);
}

/* CR0 or CR4 against IA32_VMX_CRn_FIXED0/1 (SDM 3D A.7, "VMX-Fixed Bits in
 * CR0", A.8, "VMX-Fixed Bits in CR4"): a bit set in FIXED0 must be 1, a bit
 * clear in FIXED1 must be 0; @exempt bits are not judged.  @reg is "CR0" or
 * "CR4", @who "host" or "guest".
 */
void ec_check_fixed(struct entry_check_ctx *c, enum entry_check_rule_id rule,
		    const char *who, const char *reg, uint64_t value,
		    uint64_t fixed0, uint64_t fixed1, uint64_t exempt);

/* The interruption-information, interruptibility and activity formats
 * are exit/exit_qual.h's. */

/* The three groups of rules, in the order the processor checks them. */
void entry_check_controls(struct entry_check_ctx *c);
void entry_check_host(struct entry_check_ctx *c);
void entry_check_guest(struct entry_check_ctx *c);

#endif /* ENTRY_CHECK_INTERNAL */

#endif
