/*
 * The VM-entry checker against an in-memory VMCS.
 *
 * valid_image() builds the VMCS this hypervisor launches — a 64-bit UEFI
 * host, a 64-bit paged guest with EPT and VPID, bitmaps, the preemption
 * timer, IA32_EFER and IA32_PAT switching — and it must pass with no
 * failure.  Then one test per rule (named after the rule id) breaks that
 * rule in the valid image and expects exactly it, with a message naming
 * the offending field.  Each runs against two captured CPUs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check/entry_check.h"
#include "cpu_fixtures.h"
#include "exit/exit_qual.h"
#include "host_platform.h"
#include "util.h"
#include "vmcs/vmcs.h"
#include "vmx/vmx_caps.h"
#include "vmx/vmx_controls.h"
#include "x86/msr.h"
#include "x86/x86.h"

/* VM-entry interruption information (SDM 3C 25.8.3, "VM-Entry Controls
 * for Event Injection"), in exit/exit_qual.h's terms. */
#define INFO(type, vector) \
	(INTR_INFO_VALID | ((type) << INTR_INFO_TYPE_SHIFT) | (vector))

#define NON_CANONICAL 0x0000800000000000ull

static struct {
	struct vmx_caps caps;
	struct entry_check_env env;
	struct vmcs_image image;
	struct entry_check_report report;
} w;

static void set(uint32_t enc, uint64_t value)
{
	assert_int_equal(vmcs_write_enc(enc, value), VMCS_OK);
}

static uint64_t get(uint32_t enc)
{
	uint64_t v = 0;

	assert_int_equal(vmcs_read_enc(enc, &v), VMCS_OK);
	return v;
}

#define SET(field, value) set(VMCS_ENC_##field, (value))

static uint32_t control(uint64_t cap, uint32_t required)
{
	struct control_choice c = control_adjust(cap, required, 0);

	assert_int_equal(c.missing, 0);
	return c.value;
}

/* The VMCS hv launches, as vm_controls_choose() and vmcs_setup.c build
 * it on this CPU, plus "load debug controls" and IA32_PAT switching, so
 * that the rules on DR7, IA32_DEBUGCTL and IA32_PAT are in play. */
static void valid_image(void)
{
	const struct vmx_caps *c = &w.caps;

	SET(PIN_BASED_CONTROLS,
	    control(c->pin, PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING |
				    PIN_VIRTUAL_NMIS |
				    PIN_ACTIVATE_PREEMPTION_TIMER));
	SET(PRIMARY_PROC_BASED_CONTROLS,
	    control(c->proc, PROC_HLT_EXITING | PROC_USE_IO_BITMAPS |
				     PROC_USE_MSR_BITMAPS |
				     PROC_ACTIVATE_SECONDARY_CONTROLS));
	SET(SECONDARY_PROC_BASED_CONTROLS,
	    control(c->proc2, PROC2_ENABLE_EPT | PROC2_ENABLE_VPID));
	SET(EXIT_CONTROLS,
	    control(c->exit, EXIT_HOST_ADDRESS_SPACE_SIZE |
				     EXIT_ACKNOWLEDGE_INTERRUPT_ON_EXIT |
				     EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT |
				     EXIT_SAVE_IA32_EFER | EXIT_LOAD_IA32_EFER |
				     EXIT_SAVE_PREEMPTION_TIMER));
	SET(ENTRY_CONTROLS, control(c->entry, ENTRY_LOAD_DEBUG_CONTROLS |
						      ENTRY_IA32E_MODE_GUEST |
						      ENTRY_LOAD_IA32_PAT |
						      ENTRY_LOAD_IA32_EFER));
	SET(EXCEPTION_BITMAP, 0);
	SET(CR3_TARGET_COUNT, 0);
	SET(IO_BITMAP_A_ADDRESS, 0x10000);
	SET(IO_BITMAP_B_ADDRESS, 0x11000);
	SET(MSR_BITMAP_ADDRESS, 0x12000);
	SET(EPT_POINTER, 0x13000 | (3 << 3) | 6); /* 4-level, WB */
	SET(VPID, 1);
	SET(EXIT_MSR_STORE_COUNT, 0);
	SET(EXIT_MSR_STORE_ADDRESS, 0);
	SET(EXIT_MSR_LOAD_COUNT, 0);
	SET(EXIT_MSR_LOAD_ADDRESS, 0);
	SET(ENTRY_MSR_LOAD_COUNT, 0);
	SET(ENTRY_MSR_LOAD_ADDRESS, 0);
	SET(ENTRY_INTERRUPTION_INFO, 0);
	SET(ENTRY_EXCEPTION_ERROR_CODE, 0);
	SET(ENTRY_INSTRUCTION_LENGTH, 0);

	/* The host: OVMF's long mode, hv's GDT copy with a TSS. */
	SET(HOST_CR0,
	    CR0_PG | CR0_AM | CR0_WP | CR0_NE | CR0_ET | CR0_MP | CR0_PE);
	SET(HOST_CR3, 0x3f801000);
	SET(HOST_CR4,
	    CR4_PAE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_VMXE);
	SET(HOST_ES_SELECTOR, 0x30);
	SET(HOST_CS_SELECTOR, 0x38);
	SET(HOST_SS_SELECTOR, 0x30);
	SET(HOST_DS_SELECTOR, 0x30);
	SET(HOST_FS_SELECTOR, 0x30);
	SET(HOST_GS_SELECTOR, 0x30);
	SET(HOST_TR_SELECTOR, 0x50);
	SET(HOST_FS_BASE, 0);
	SET(HOST_GS_BASE, 0);
	SET(HOST_TR_BASE, 0x3e000800);
	SET(HOST_GDTR_BASE, 0x3e000000);
	SET(HOST_IDTR_BASE, 0x3f5e8018);
	SET(HOST_IA32_SYSENTER_CS, 0);
	SET(HOST_IA32_SYSENTER_ESP, 0);
	SET(HOST_IA32_SYSENTER_EIP, 0);
	SET(HOST_IA32_PAT, PAT_POWER_ON);
	SET(HOST_IA32_EFER, EFER_NXE | EFER_LMA | EFER_LME);
	SET(HOST_RSP, 0x3fe90000);
	SET(HOST_RIP, 0x3e5a1234);

	/* The guest: 64-bit mode, CPL 0, paging with PAE. */
	SET(GUEST_CR0, CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_PE);
	SET(GUEST_CR3, 0x2000);
	SET(GUEST_CR4, CR4_PAE | CR4_VMXE); /* VMXE hidden by the shadow */
	SET(GUEST_DR7, 0x400);
	SET(GUEST_IA32_DEBUGCTL, 0);
	SET(GUEST_IA32_PAT, PAT_POWER_ON);
	SET(GUEST_IA32_EFER, EFER_LMA | EFER_LME);
	SET(GUEST_IA32_SYSENTER_CS, 0);
	SET(GUEST_IA32_SYSENTER_ESP, 0);
	SET(GUEST_IA32_SYSENTER_EIP, 0);
	SET(GUEST_CS_SELECTOR, 0x08);
	SET(GUEST_CS_BASE, 0);
	SET(GUEST_CS_LIMIT, 0xffffffff);
	SET(GUEST_CS_ACCESS_RIGHTS, 0xa09b); /* code, L, G */
	SET(GUEST_SS_SELECTOR, 0x10);
	SET(GUEST_SS_BASE, 0);
	SET(GUEST_SS_LIMIT, 0xffffffff);
	SET(GUEST_SS_ACCESS_RIGHTS, 0xc093); /* data rw, D/B, G */
	SET(GUEST_DS_SELECTOR, 0x10);
	SET(GUEST_DS_BASE, 0);
	SET(GUEST_DS_LIMIT, 0xffffffff);
	SET(GUEST_DS_ACCESS_RIGHTS, 0xc093);
	SET(GUEST_ES_SELECTOR, 0x10);
	SET(GUEST_ES_BASE, 0);
	SET(GUEST_ES_LIMIT, 0xffffffff);
	SET(GUEST_ES_ACCESS_RIGHTS, 0xc093);
	SET(GUEST_FS_SELECTOR, 0x10);
	SET(GUEST_FS_BASE, 0);
	SET(GUEST_FS_LIMIT, 0xffffffff);
	SET(GUEST_FS_ACCESS_RIGHTS, 0xc093);
	SET(GUEST_GS_SELECTOR, 0x10);
	SET(GUEST_GS_BASE, 0);
	SET(GUEST_GS_LIMIT, 0xffffffff);
	SET(GUEST_GS_ACCESS_RIGHTS, 0xc093);
	SET(GUEST_LDTR_SELECTOR, 0);
	SET(GUEST_LDTR_BASE, 0);
	SET(GUEST_LDTR_LIMIT, 0);
	SET(GUEST_LDTR_ACCESS_RIGHTS, 0x10000); /* unusable */
	SET(GUEST_TR_SELECTOR, 0x18);
	SET(GUEST_TR_BASE, 0x3000);
	SET(GUEST_TR_LIMIT, 0x67);
	SET(GUEST_TR_ACCESS_RIGHTS, 0x8b); /* busy 64-bit TSS */
	SET(GUEST_GDTR_BASE, 0x1000);
	SET(GUEST_GDTR_LIMIT, 0x1f);
	SET(GUEST_IDTR_BASE, 0);
	SET(GUEST_IDTR_LIMIT, 0xfff);
	SET(GUEST_RSP, 0x8000);
	SET(GUEST_RIP, 0x100000);
	SET(GUEST_RFLAGS, RFLAGS_FIXED1);
	SET(GUEST_PENDING_DEBUG_EXCEPTIONS, 0);
	SET(GUEST_ACTIVITY_STATE, 0);
	SET(GUEST_INTERRUPTIBILITY_STATE, 0);
	SET(VMCS_LINK_POINTER, ~0ull);
	SET(PREEMPTION_TIMER_VALUE, 100000);
}

static void load_cpu(struct cpu_fixture *f, unsigned int maxphyaddr)
{
	struct cpu_ops ops = fixture_ops(f);
	struct vmcs_backend b = vmcs_image_backend(&w.image);

	vmx_caps_read(&w.caps, &ops);
	w.env.caps = &w.caps;
	w.env.maxphyaddr = maxphyaddr;
	vmcs_image_init(&w.image);
	vmcs_set_backend(&b);
	valid_image();
}

static unsigned int check(void)
{
	return entry_check_run(&w.env, &w.report);
}

static void dump_report(void)
{
	unsigned int n = w.report.count < ENTRY_CHECK_MAX_FAILURES
				 ? w.report.count
				 : ENTRY_CHECK_MAX_FAILURES;

	fprintf(stderr, "  report: %u failure(s)\n", w.report.count);
	for (unsigned int i = 0; i < n; i++)
		fprintf(stderr, "    %s [%s, %s]\n",
			w.report.failures[i].message, w.report.failures[i].rule,
			w.report.failures[i].sdm);
}

static const struct entry_check_failure *find(const char *rule)
{
	for (unsigned int i = 0;
	     i < w.report.count && i < ENTRY_CHECK_MAX_FAILURES; i++)
		if (strcmp(w.report.failures[i].rule, rule) == 0)
			return &w.report.failures[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* One case per rule                                                   */

struct edit {
	uint32_t enc;
	uint64_t clear, set;
	bool on;
};

struct rule_case {
	const char *rule;
	const char *mentions; /* what the message must name */
	struct edit edits[6];
	void (*mutate)(void); /* other changes: capabilities, fields */
	bool others;	      /* the break necessarily breaks other rules too */
};

#define E(field, clr, st)                           \
	{                                           \
		VMCS_ENC_##field, (clr), (st), true \
	}
#define TO(field, value) E(field, ~0ull, (value))
#define ON(field, bits) E(field, 0, (bits))
#define OFF(field, bits) E(field, (bits), 0)

static void forget_guest_rip(void)
{
	vmcs_image_forget(&w.image, VMCS_ENC_GUEST_RIP);
}

static void require_wbinvd_exiting(void)
{
	w.caps.proc2 |= PROC2_WBINVD_EXITING; /* allowed 0-setting now 1 */
}

static void no_accessed_dirty(void)
{
	w.caps.ept_vpid &= ~EPT_CAP_ACCESSED_DIRTY;
}

static void offer_pml(void)
{
	w.caps.proc2 |= (uint64_t)PROC2_ENABLE_PML << 32;
}

static void offer_posted_interrupts(void)
{
	w.caps.pin |= (uint64_t)PIN_PROCESS_POSTED_INTERRUPTS << 32;
}

static void offer_mbec(void)
{
	w.caps.proc2 |= (uint64_t)PROC2_MODE_BASED_EXECUTE_CONTROL << 32;
}

/* A coherent CPL-3 guest: CS and SS with RPL 3 and DPL 3. */
#define CPL3                                                        \
	ON(GUEST_CS_SELECTOR, 3), ON(GUEST_CS_ACCESS_RIGHTS, 0x60), \
		ON(GUEST_SS_SELECTOR, 3), ON(GUEST_SS_ACCESS_RIGHTS, 0x60)

/* CASE: the edits break the rule and nothing else.  WITH: @fn first
 * (capabilities the fixtures lack, a field forgotten).  OTHERS: the break
 * cannot help breaking other rules as well. */
#define CASE(id, text, ...)                                                \
	{                                                                  \
		.rule = (id), .mentions = (text), .edits = { __VA_ARGS__ } \
	}
#define WITH(fn, id, text, ...)                                              \
	{                                                                    \
		.rule = (id), .mentions = (text), .mutate = (fn), .edits = { \
			__VA_ARGS__                                          \
		}                                                            \
	}
#define OTHERS(id, text, ...)                                                \
	{                                                                    \
		.rule = (id), .mentions = (text), .others = true, .edits = { \
			__VA_ARGS__                                          \
		}                                                            \
	}

static struct rule_case cases[] = {
	WITH(forget_guest_rip, "vmcs.unreadable", "field GUEST_RIP unreadable"),
	/* SDM 3C 27.2.1.1, "VM-Execution Control Fields" */
	CASE("ctrl.pin.allowed0", "bit 4", OFF(PIN_BASED_CONTROLS, 1u << 4)),
	CASE("ctrl.pin.allowed1", "pin-based",
	     ON(PIN_BASED_CONTROLS, 1u << 31)),
	CASE("ctrl.proc.allowed0", "bit 1",
	     OFF(PRIMARY_PROC_BASED_CONTROLS, 2)),
	CASE("ctrl.proc.allowed1", "bit 0", ON(PRIMARY_PROC_BASED_CONTROLS, 1)),
	WITH(require_wbinvd_exiting, "ctrl.proc2.allowed0", "WBINVD exiting"),
	CASE("ctrl.proc2.allowed1", "secondary",
	     ON(SECONDARY_PROC_BASED_CONTROLS, 1u << 31)),
	CASE("ctrl.cr3_target_count", "CR3-target count 5",
	     TO(CR3_TARGET_COUNT, 5)),
	CASE("ctrl.io_bitmap.address", "I/O bitmap B",
	     TO(IO_BITMAP_B_ADDRESS, 0x11800)),
	CASE("ctrl.msr_bitmap.address", "MSR bitmap",
	     ON(MSR_BITMAP_ADDRESS, 1ull << 45)),
	CASE("ctrl.tpr_shadow.virtual_apic_address", "virtual-APIC address",
	     ON(PRIMARY_PROC_BASED_CONTROLS, PROC_USE_TPR_SHADOW),
	     TO(VIRTUAL_APIC_ADDRESS, 0x14001)),
	CASE("ctrl.tpr_shadow.required", "use TPR shadow",
	     ON(SECONDARY_PROC_BASED_CONTROLS, PROC2_VIRTUALIZE_X2APIC_MODE)),
	CASE("ctrl.x2apic_excludes_apic_accesses", "virtualize x2APIC mode",
	     ON(PRIMARY_PROC_BASED_CONTROLS, PROC_USE_TPR_SHADOW),
	     TO(VIRTUAL_APIC_ADDRESS, 0x14000),
	     ON(SECONDARY_PROC_BASED_CONTROLS,
		PROC2_VIRTUALIZE_X2APIC_MODE | PROC2_VIRTUALIZE_APIC_ACCESSES),
	     TO(APIC_ACCESS_ADDRESS, 0x15000)),
	CASE("ctrl.vid_needs_external_int_exiting",
	     "external-interrupt exiting",
	     ON(PRIMARY_PROC_BASED_CONTROLS, PROC_USE_TPR_SHADOW),
	     TO(VIRTUAL_APIC_ADDRESS, 0x14000),
	     ON(SECONDARY_PROC_BASED_CONTROLS,
		PROC2_VIRTUAL_INTERRUPT_DELIVERY),
	     OFF(PIN_BASED_CONTROLS, PIN_EXTERNAL_INTERRUPT_EXITING)),
	WITH(offer_posted_interrupts, "ctrl.posted_interrupts",
	     "virtual-interrupt delivery",
	     ON(PIN_BASED_CONTROLS, PIN_PROCESS_POSTED_INTERRUPTS),
	     TO(POSTED_INTR_NOTIFICATION_VECTOR, 0xf2),
	     TO(POSTED_INTR_DESC_ADDRESS, 0x15040)),
	CASE("ctrl.virtual_nmis_need_nmi_exiting", "NMI exiting",
	     OFF(PIN_BASED_CONTROLS, PIN_NMI_EXITING)),
	CASE("ctrl.nmi_window_needs_virtual_nmis", "NMI-window exiting",
	     OFF(PIN_BASED_CONTROLS, PIN_VIRTUAL_NMIS),
	     ON(PRIMARY_PROC_BASED_CONTROLS, PROC_NMI_WINDOW_EXITING)),
	CASE("ctrl.apic_access_address", "APIC-access address",
	     ON(SECONDARY_PROC_BASED_CONTROLS, PROC2_VIRTUALIZE_APIC_ACCESSES),
	     TO(APIC_ACCESS_ADDRESS, 0x15010)),
	CASE("ctrl.vpid_zero", "VPID is 0", TO(VPID, 0)),
	CASE("ctrl.eptp.memory_type", "memory type 5", E(EPT_POINTER, 7, 5)),
	CASE("ctrl.eptp.walk_length", "bits 5:3 = 1",
	     E(EPT_POINTER, 0x38, 0x8)),
	WITH(no_accessed_dirty, "ctrl.eptp.accessed_dirty", "accessed/dirty",
	     ON(EPT_POINTER, 1u << 6)),
	CASE("ctrl.eptp.reserved", "reserved bits 11:7",
	     ON(EPT_POINTER, 0x100)),
	CASE("ctrl.eptp.address", "EPTP 0x1000001301e",
	     ON(EPT_POINTER, 1ull << 40)),
	WITH(offer_pml, "ctrl.pml.needs_ept", "enable PML",
	     E(SECONDARY_PROC_BASED_CONTROLS, PROC2_ENABLE_EPT,
	       PROC2_ENABLE_PML),
	     TO(PML_ADDRESS, 0x16000)),
	WITH(offer_pml, "ctrl.pml.address", "PML address",
	     ON(SECONDARY_PROC_BASED_CONTROLS, PROC2_ENABLE_PML),
	     TO(PML_ADDRESS, 0x16008)),
	CASE("ctrl.unrestricted_guest_needs_ept", "unrestricted guest",
	     E(SECONDARY_PROC_BASED_CONTROLS, PROC2_ENABLE_EPT,
	       PROC2_UNRESTRICTED_GUEST)),
	WITH(offer_mbec, "ctrl.mode_based_execute_needs_ept",
	     "mode-based execute control",
	     E(SECONDARY_PROC_BASED_CONTROLS, PROC2_ENABLE_EPT,
	       PROC2_MODE_BASED_EXECUTE_CONTROL)),
	/* SDM 3C 27.2.1.2, "VM-Exit Control Fields" */
	CASE("ctrl.exit.allowed0", "VM-exit controls", OFF(EXIT_CONTROLS, 1)),
	CASE("ctrl.exit.allowed1", "conceal VMX from PT",
	     ON(EXIT_CONTROLS, EXIT_CONCEAL_VMX_FROM_PT)),
	CASE("ctrl.exit.save_preemption_timer", "activate VMX-preemption timer",
	     OFF(PIN_BASED_CONTROLS, PIN_ACTIVATE_PREEMPTION_TIMER)),
	CASE("ctrl.exit.msr_store_area",
	     "VM-exit MSR-store area address 0x18008",
	     TO(EXIT_MSR_STORE_COUNT, 2), TO(EXIT_MSR_STORE_ADDRESS, 0x18008)),
	CASE("ctrl.exit.msr_load_area", "VM-exit MSR-load area",
	     TO(EXIT_MSR_LOAD_COUNT, 2),
	     TO(EXIT_MSR_LOAD_ADDRESS, (1ull << 39) - 16)),
	/* SDM 3C 27.2.1.3, "VM-Entry Control Fields" */
	CASE("ctrl.entry.allowed0", "bit 12", OFF(ENTRY_CONTROLS, 1u << 12)),
	CASE("ctrl.entry.allowed1", "load IA32_BNDCFGS",
	     ON(ENTRY_CONTROLS, ENTRY_LOAD_IA32_BNDCFGS)),
	CASE("ctrl.entry.smm_controls", "entry to SMM",
	     ON(ENTRY_CONTROLS, ENTRY_TO_SMM)),
	CASE("ctrl.entry.intr_info.type", "type 1",
	     TO(ENTRY_INTERRUPTION_INFO, INFO(INTR_TYPE_RESERVED, 0x20))),
	CASE("ctrl.entry.intr_info.vector", "vector 3",
	     TO(ENTRY_INTERRUPTION_INFO, INFO(INTR_TYPE_NMI, 3))),
	CASE("ctrl.entry.intr_info.deliver_error_code", "exception 6",
	     TO(ENTRY_INTERRUPTION_INFO, INFO(INTR_TYPE_HARDWARE_EXCEPTION, 6) |
						 INTR_INFO_DELIVER_ERROR_CODE)),
	CASE("ctrl.entry.exception_error_code", "error code 0x10000",
	     TO(ENTRY_INTERRUPTION_INFO,
		INFO(INTR_TYPE_HARDWARE_EXCEPTION, 13) |
			INTR_INFO_DELIVER_ERROR_CODE),
	     TO(ENTRY_EXCEPTION_ERROR_CODE, 0x10000)),
	CASE("ctrl.entry.intr_info.reserved", "reserved bits 30:12",
	     TO(ENTRY_INTERRUPTION_INFO, INFO(INTR_TYPE_NMI, 2) | (1u << 12))),
	CASE("ctrl.entry.instruction_length", "instruction length 16",
	     TO(ENTRY_INTERRUPTION_INFO,
		INFO(INTR_TYPE_SOFTWARE_INTERRUPT, 0x80)),
	     TO(ENTRY_INSTRUCTION_LENGTH, 16)),
	CASE("ctrl.entry.msr_load_area", "VM-entry MSR-load area",
	     TO(ENTRY_MSR_LOAD_COUNT, 1), TO(ENTRY_MSR_LOAD_ADDRESS, 0x19004)),
	/* SDM 3C 27.2.2, "Checks on Host Control Registers, MSRs, and SSP" */
	CASE("host.cr0.fixed", "host CR0", OFF(HOST_CR0, CR0_NE)),
	CASE("host.cr4.fixed", "host CR4", ON(HOST_CR4, 1u << 12)),
	CASE("host.cr4.vmxe", "VMXE", OFF(HOST_CR4, CR4_VMXE)),
	CASE("host.cr3.width", "host CR3", ON(HOST_CR3, 1ull << 39)),
	CASE("host.sysenter.canonical", "host IA32_SYSENTER_EIP",
	     TO(HOST_IA32_SYSENTER_EIP, NON_CANONICAL)),
	CASE("host.pat.memory_type", "host IA32_PAT",
	     E(HOST_IA32_PAT, 0xff0000, 0x020000)),
	CASE("host.efer.reserved", "host IA32_EFER",
	     ON(HOST_IA32_EFER, 1u << 9)),
	CASE("host.efer.lma_lme", "LMA and LME", OFF(HOST_IA32_EFER, EFER_LME)),
	/* SDM 3C 27.2.3, "Checks on Host Segment and Descriptor-Table
	 * Registers" */
	CASE("host.selector.rpl_ti", "host DS selector",
	     ON(HOST_DS_SELECTOR, 3)),
	CASE("host.cs.null", "host CS selector", TO(HOST_CS_SELECTOR, 0)),
	CASE("host.tr.null", "host TR selector", TO(HOST_TR_SELECTOR, 0)),
	OTHERS("host.ss.null", "host SS selector", TO(HOST_SS_SELECTOR, 0),
	       OFF(EXIT_CONTROLS, EXIT_HOST_ADDRESS_SPACE_SIZE)),
	CASE("host.base.canonical", "host GS base",
	     TO(HOST_GS_BASE, 0xffff000000000000ull)),
	/* SDM 3C 27.2.4, "Checks Related to Address-Space Size" */
	OTHERS("host.address_space_size.in_ia32e", "IA-32e mode",
	       OFF(EXIT_CONTROLS, EXIT_HOST_ADDRESS_SPACE_SIZE)),
	OTHERS("host.address_space_size.guest_ia32e", "IA-32e mode guest",
	       OFF(EXIT_CONTROLS, EXIT_HOST_ADDRESS_SPACE_SIZE)),
	CASE("host.address_space_size.cr4_pae", "PAE", OFF(HOST_CR4, CR4_PAE)),
	OTHERS("host.address_space_size.cr4_pcide", "PCIDE",
	       ON(HOST_CR4, CR4_PCIDE),
	       OFF(EXIT_CONTROLS, EXIT_HOST_ADDRESS_SPACE_SIZE)),
	CASE("host.rip", "host RIP", TO(HOST_RIP, NON_CANONICAL)),
	/* SDM 3C 27.3.1.1, "Checks on Guest Control Registers, Debug Registers,
	 * and MSRs" */
	CASE("guest.cr0.fixed", "guest CR0", OFF(GUEST_CR0, CR0_NE)),
	CASE("guest.cr0.pg_needs_pe", "PG=1 requires PE=1",
	     ON(SECONDARY_PROC_BASED_CONTROLS, PROC2_UNRESTRICTED_GUEST),
	     OFF(GUEST_CR0, CR0_PE)),
	CASE("guest.cr4.fixed", "guest CR4", OFF(GUEST_CR4, CR4_VMXE)),
	CASE("guest.ia32e.needs_pg_pae", "CR4.PAE=1", OFF(GUEST_CR4, CR4_PAE)),
	OTHERS("guest.cr4.pcide_needs_ia32e", "PCIDE=1",
	       ON(GUEST_CR4, CR4_PCIDE),
	       OFF(ENTRY_CONTROLS, ENTRY_IA32E_MODE_GUEST)),
	CASE("guest.cr3.width", "guest CR3", ON(GUEST_CR3, 1ull << 39)),
	CASE("guest.debugctl.reserved", "guest IA32_DEBUGCTL",
	     ON(GUEST_IA32_DEBUGCTL, 1u << 3)),
	CASE("guest.dr7.high", "guest DR7", ON(GUEST_DR7, 1ull << 32)),
	CASE("guest.sysenter.canonical", "guest IA32_SYSENTER_ESP",
	     TO(GUEST_IA32_SYSENTER_ESP, NON_CANONICAL)),
	CASE("guest.pat.memory_type", "guest IA32_PAT 0x307040600070406",
	     ON(GUEST_IA32_PAT, 3ull << 56)),
	CASE("guest.efer.reserved", "guest IA32_EFER",
	     ON(GUEST_IA32_EFER, 1u << 9)),
	CASE("guest.efer.lma", "LMA=0",
	     OFF(GUEST_IA32_EFER, EFER_LMA | EFER_LME)),
	CASE("guest.efer.lme", "LME", OFF(GUEST_IA32_EFER, EFER_LME)),
	/* SDM 3C 27.3.1.2, "Checks on Guest Segment Registers" */
	CASE("guest.tr.ti", "guest TR selector", ON(GUEST_TR_SELECTOR, 4)),
	CASE("guest.ldtr.ti", "guest LDTR selector 0x2c",
	     TO(GUEST_LDTR_SELECTOR, 0x2c), TO(GUEST_LDTR_LIMIT, 0xffff),
	     TO(GUEST_LDTR_ACCESS_RIGHTS, 0x82)),
	CASE("guest.ss.rpl", "guest SS selector", ON(GUEST_CS_SELECTOR, 3)),
	/* A 32-bit guest in virtual-8086 mode with 64-bit segments: all six
	 * of them fail. */
	OTHERS("guest.seg.v8086", "guest ES (selector 0x10 base 0x0",
	       OFF(ENTRY_CONTROLS, ENTRY_IA32E_MODE_GUEST),
	       OFF(GUEST_IA32_EFER, EFER_LMA | EFER_LME),
	       OFF(GUEST_CS_ACCESS_RIGHTS, 1u << 13),
	       ON(GUEST_RFLAGS, RFLAGS_VM)),
	CASE("guest.base.canonical", "guest FS base",
	     TO(GUEST_FS_BASE, NON_CANONICAL)),
	CASE("guest.base.high", "guest DS base", TO(GUEST_DS_BASE, 1ull << 32)),
	CASE("guest.cs.type", "guest CS", OFF(GUEST_CS_ACCESS_RIGHTS, 1)),
	CASE("guest.ss.type", "guest SS", OFF(GUEST_SS_ACCESS_RIGHTS, 2)),
	CASE("guest.data.type", "guest DS", OFF(GUEST_DS_ACCESS_RIGHTS, 1)),
	CASE("guest.seg.s", "guest ES", OFF(GUEST_ES_ACCESS_RIGHTS, 1u << 4)),
	CASE("guest.cs.dpl", "guest CS DPL 3",
	     ON(GUEST_CS_ACCESS_RIGHTS, 0x60)),
	CASE("guest.ss.dpl", "guest SS DPL 3", ON(GUEST_CS_ACCESS_RIGHTS, 0x60),
	     ON(GUEST_SS_ACCESS_RIGHTS, 0x60)),
	CASE("guest.data.dpl", "guest DS DPL 0", ON(GUEST_DS_SELECTOR, 3)),
	CASE("guest.seg.present", "guest GS",
	     OFF(GUEST_GS_ACCESS_RIGHTS, 1u << 7)),
	CASE("guest.seg.reserved", "guest FS",
	     ON(GUEST_FS_ACCESS_RIGHTS, 1u << 8)),
	CASE("guest.cs.l_needs_ia32e", "guest CS.L=1",
	     OFF(ENTRY_CONTROLS, ENTRY_IA32E_MODE_GUEST),
	     OFF(GUEST_IA32_EFER, EFER_LMA | EFER_LME)),
	CASE("guest.cs.d_with_l", "guest CS",
	     ON(GUEST_CS_ACCESS_RIGHTS, 1u << 14)),
	CASE("guest.seg.granularity", "guest DS limit 0xffff0000",
	     TO(GUEST_DS_LIMIT, 0xffff0000)),
	CASE("guest.tr.type", "guest TR", OFF(GUEST_TR_ACCESS_RIGHTS, 2)),
	CASE("guest.tr.descriptor", "guest TR",
	     ON(GUEST_TR_ACCESS_RIGHTS, 1u << 4)),
	CASE("guest.ldtr.descriptor", "guest LDTR",
	     TO(GUEST_LDTR_SELECTOR, 0x28), TO(GUEST_LDTR_LIMIT, 0xffff),
	     TO(GUEST_LDTR_ACCESS_RIGHTS, 0x83)),
	/* SDM 3C 27.3.1.3, "Checks on Guest Descriptor-Table Registers" */
	CASE("guest.dtr.base_canonical", "guest IDTR base",
	     TO(GUEST_IDTR_BASE, NON_CANONICAL)),
	CASE("guest.dtr.limit", "guest GDTR limit",
	     TO(GUEST_GDTR_LIMIT, 0x10000)),
	/* SDM 3C 27.3.1.4, "Checks on Guest RIP, RFLAGS, and SSP" */
	CASE("guest.rip", "guest RIP", TO(GUEST_RIP, NON_CANONICAL)),
	CASE("guest.rflags.reserved", "guest RFLAGS", TO(GUEST_RFLAGS, 0)),
	CASE("guest.rflags.vm", "VM=1", ON(GUEST_RFLAGS, RFLAGS_VM)),
	CASE("guest.rflags.if_for_external_int", "IF=0",
	     TO(ENTRY_INTERRUPTION_INFO, INFO(INTR_TYPE_EXTERNAL, 0x20))),
	/* SDM 3C 27.3.1.5, "Checks on Guest Non-Register State" */
	CASE("guest.activity.state", "activity state 4",
	     TO(GUEST_ACTIVITY_STATE, 4)),
	CASE("guest.activity.hlt_needs_ss_dpl0", "SS DPL 3", CPL3,
	     TO(GUEST_ACTIVITY_STATE, ACTIVITY_STATE_HLT)),
	CASE("guest.activity.blocking_needs_active", "blocking by STI",
	     TO(GUEST_ACTIVITY_STATE, ACTIVITY_STATE_HLT),
	     TO(GUEST_INTERRUPTIBILITY_STATE, BLOCKING_BY_STI),
	     ON(GUEST_RFLAGS, RFLAGS_IF)),
	CASE("guest.activity.injection",
	     "HLT cannot take the injected event 0x80000306",
	     TO(GUEST_ACTIVITY_STATE, ACTIVITY_STATE_HLT),
	     TO(ENTRY_INTERRUPTION_INFO,
		INFO(INTR_TYPE_HARDWARE_EXCEPTION, 6))),
	CASE("guest.interruptibility.reserved", "interruptibility state 0x20",
	     TO(GUEST_INTERRUPTIBILITY_STATE, 1u << 5)),
	CASE("guest.interruptibility.sti_and_mov_ss", "STI and by MOV SS",
	     TO(GUEST_INTERRUPTIBILITY_STATE,
		BLOCKING_BY_STI | BLOCKING_BY_MOV_SS),
	     ON(GUEST_RFLAGS, RFLAGS_IF)),
	CASE("guest.interruptibility.sti_needs_if", "RFLAGS.IF=0",
	     TO(GUEST_INTERRUPTIBILITY_STATE, BLOCKING_BY_STI)),
	CASE("guest.interruptibility.injection", "injected NMI",
	     TO(GUEST_INTERRUPTIBILITY_STATE, BLOCKING_BY_MOV_SS),
	     TO(ENTRY_INTERRUPTION_INFO, INFO(INTR_TYPE_NMI, 2))),
	CASE("guest.interruptibility.smi", "blocking by SMI",
	     TO(GUEST_INTERRUPTIBILITY_STATE, BLOCKING_BY_SMI)),
	CASE("guest.interruptibility.nmi_injection", "virtual NMI",
	     TO(GUEST_INTERRUPTIBILITY_STATE, BLOCKING_BY_NMI),
	     TO(ENTRY_INTERRUPTION_INFO, INFO(INTR_TYPE_NMI, 2))),
	CASE("guest.pending_debug.reserved", "pending debug exceptions 0x10",
	     TO(GUEST_PENDING_DEBUG_EXCEPTIONS, 1u << 4)),
	CASE("guest.pending_debug.bs", "BS must be 1",
	     TO(GUEST_INTERRUPTIBILITY_STATE, BLOCKING_BY_STI),
	     ON(GUEST_RFLAGS, RFLAGS_IF | RFLAGS_TF)),
	CASE("guest.vmcs_link_pointer", "never uses VMCS shadowing",
	     TO(VMCS_LINK_POINTER, 0x20000)),
};

static void apply(const struct rule_case *rc)
{
	if (rc->mutate)
		rc->mutate();
	for (size_t i = 0; i < COUNT_OF(rc->edits) && rc->edits[i].on; i++) {
		const struct edit *e = &rc->edits[i];
		uint64_t v = 0;

		/* Fields the valid image leaves unwritten start as 0. */
		if (vmcs_image_present(&w.image, e->enc))
			v = get(e->enc);
		set(e->enc, (v & ~e->clear) | e->set);
	}
}

static void expect_rule(const struct rule_case *rc, struct cpu_fixture *cpu,
			unsigned int maxphyaddr)
{
	const struct entry_check_failure *f;

	load_cpu(cpu, maxphyaddr);
	/* The valid image does not break the rule... */
	if (check() != 0) {
		dump_report();
		fail_msg("%s: the valid image fails", cpu->name);
	}
	/* ...and the broken one breaks it, naming the offending field. */
	apply(rc);
	check();
	f = find(rc->rule);
	if (!f || !strstr(f->message, rc->mentions) ||
	    (!rc->others && w.report.count != 1)) {
		dump_report();
		fail_msg("%s on %s: expected %s\"...%s...\"%s", rc->rule,
			 cpu->name, rc->others ? "" : "only ", rc->mentions,
			 f ? "" : " (absent)");
	}
	assert_non_null(strstr(f->sdm, "SDM 3C 2"));
}

static void breaks_rule(void **state)
{
	const struct rule_case *rc = *state;

	expect_rule(rc, &bochs_skylake_x, 39);
	expect_rule(rc, &haswell_kvm, 39);
}

/* ------------------------------------------------------------------ */
/* The checker as a whole                                              */

static void valid_image_passes(void **state)
{
	(void)state;
	load_cpu(&bochs_skylake_x, 39);
	assert_int_equal(check(), 0);
	load_cpu(&haswell_kvm, 46);
	assert_int_equal(check(), 0);
	/* IA32_PAT switching is optional. */
	set(VMCS_ENC_EXIT_CONTROLS,
	    get(VMCS_ENC_EXIT_CONTROLS) &
		    ~(uint64_t)(EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT));
	set(VMCS_ENC_ENTRY_CONTROLS,
	    get(VMCS_ENC_ENTRY_CONTROLS) & ~(uint64_t)ENTRY_LOAD_IA32_PAT);
	vmcs_image_forget(&w.image, VMCS_ENC_GUEST_IA32_PAT);
	vmcs_image_forget(&w.image, VMCS_ENC_HOST_IA32_PAT);
	assert_int_equal(check(), 0);
}

/* A field nobody wrote is named, once, and only its rules are skipped. */
static void unwritten_field_is_reported(void **state)
{
	(void)state;
	load_cpu(&bochs_skylake_x, 39);
	vmcs_image_forget(&w.image, VMCS_ENC_HOST_CR4);
	vmcs_image_forget(&w.image, VMCS_ENC_GUEST_CS_ACCESS_RIGHTS);
	assert_int_equal(check(), 2);
	assert_string_equal(w.report.failures[0].rule, "vmcs.unreadable");
	assert_non_null(strstr(w.report.failures[0].message,
			       "HOST_CR4 unreadable (field never written)"));
	assert_non_null(strstr(w.report.failures[1].message,
			       "GUEST_CS_ACCESS_RIGHTS unreadable"));
	assert_string_equal(w.report.failures[1].sdm, "SDM 3C 25.11.2");
}

/* Without the controls no rule can be judged: only they are reported. */
static void unwritten_controls_stop_the_check(void **state)
{
	(void)state;
	load_cpu(&bochs_skylake_x, 39);
	vmcs_image_forget(&w.image, VMCS_ENC_ENTRY_CONTROLS);
	assert_int_equal(check(), 1);
	assert_non_null(
		strstr(w.report.failures[0].message, "field ENTRY_CONTROLS"));
	/* Not even a backend: every control is unreadable. */
	vmcs_set_backend(NULL);
	assert_int_equal(check(), 4);
	assert_non_null(strstr(w.report.failures[0].message, "no backend"));
}

/* A CPU without secondary controls cannot run this configuration; the
 * report says which bit, in the MSR's own words. */
static void core2_lacks_secondary_controls(void **state)
{
	struct cpu_ops ops = fixture_ops(&core2_no_true_ctls);
	const struct entry_check_failure *f;

	(void)state;
	load_cpu(&bochs_skylake_x, 39);
	vmx_caps_read(&w.caps, &ops);
	check();
	f = find("ctrl.proc.allowed1");
	assert_non_null(f);
	assert_non_null(strstr(f->message, "bit 31 (activate secondary "
					   "controls) is 1 but "
					   "IA32_VMX_PROCBASED_CTLS allows "
					   "only 0"));
	/* Without TRUE controls, CR3-load exiting is forced on. */
	f = find("ctrl.proc.allowed0");
	assert_non_null(f);
	assert_non_null(strstr(f->message, "bit 15 (CR3-load exiting)"));
	assert_null(find("ctrl.proc2.allowed1"));
}

static void keeps_first_eight_and_counts_all(void **state)
{
	(void)state;
	load_cpu(&bochs_skylake_x, 39);
	set(VMCS_ENC_HOST_CS_SELECTOR, 0);
	set(VMCS_ENC_HOST_TR_SELECTOR, 0);
	set(VMCS_ENC_HOST_RIP, NON_CANONICAL);
	set(VMCS_ENC_GUEST_RIP, NON_CANONICAL);
	set(VMCS_ENC_VPID, 0);
	set(VMCS_ENC_CR3_TARGET_COUNT, 9);
	set(VMCS_ENC_GUEST_GDTR_LIMIT, 0x10000);
	set(VMCS_ENC_GUEST_IDTR_LIMIT, 0x10000);
	set(VMCS_ENC_VMCS_LINK_POINTER, 0);
	set(VMCS_ENC_GUEST_DR7, ~0ull);
	assert_int_equal(check(), 10);
	/* Controls first, then host state, then guest state. */
	assert_string_equal(w.report.failures[0].rule, "ctrl.cr3_target_count");
	assert_string_equal(w.report.failures[1].rule, "ctrl.vpid_zero");
	assert_string_equal(w.report.failures[2].rule, "host.cs.null");

	host_output_reset();
	entry_check_print(&w.report);
	assert_non_null(strstr(host_output(),
			       "hv: entry check: host CS selector is 0000H "
			       "[host.cs.null, SDM 3C 27.2.3]\n"));
	assert_non_null(strstr(host_output(), "hv: entry check: 2 more "
					      "failure(s) not kept\n"));
}

static void prints_the_example_rule(void **state)
{
	(void)state;
	load_cpu(&bochs_skylake_x, 39);
	set(VMCS_ENC_ENTRY_CONTROLS,
	    get(VMCS_ENC_ENTRY_CONTROLS) & ~(uint64_t)ENTRY_IA32E_MODE_GUEST);
	set(VMCS_ENC_GUEST_IA32_EFER, 0);
	assert_int_equal(check(), 1);
	host_output_reset();
	entry_check_print(&w.report);
	assert_string_equal(host_output(),
			    "hv: entry check: guest CS.L=1 (access rights "
			    "0xa09b) requires the \"IA-32e mode guest\" entry "
			    "control [guest.cs.l_needs_ia32e, SDM 3C "
			    "27.3.1.2, hv policy]\n");
}

/* Every rule the checker has is exercised above, and ids are unique. */
static void every_rule_has_a_case(void **state)
{
	(void)state;
	assert_true(entry_check_rule_count >= 30);
	for (unsigned int i = 0; i < entry_check_rule_count; i++) {
		const char *id = entry_check_rules[i].id;
		bool found = false;

		for (size_t k = 0; k < COUNT_OF(cases); k++)
			found = found || strcmp(cases[k].rule, id) == 0;
		if (!found)
			fail_msg("rule %s has no test case", id);
		for (unsigned int j = i + 1; j < entry_check_rule_count; j++)
			assert_string_not_equal(id, entry_check_rules[j].id);
		assert_non_null(strstr(entry_check_rules[i].sdm, "SDM 3C "));
	}
	assert_int_equal(COUNT_OF(cases), entry_check_rule_count);
}

int main(void)
{
	const struct CMUnitTest whole[] = {
		cmocka_unit_test(valid_image_passes),
		cmocka_unit_test(unwritten_field_is_reported),
		cmocka_unit_test(unwritten_controls_stop_the_check),
		cmocka_unit_test(core2_lacks_secondary_controls),
		cmocka_unit_test(keeps_first_eight_and_counts_all),
		cmocka_unit_test(prints_the_example_rule),
		cmocka_unit_test(every_rule_has_a_case),
	};
	struct CMUnitTest rules[COUNT_OF(cases)];
	int failed;

	for (size_t i = 0; i < COUNT_OF(cases); i++)
		rules[i] = (struct CMUnitTest){cases[i].rule, breaks_rule, NULL,
					       NULL, &cases[i]};
	failed = cmocka_run_group_tests_name("entry_check", whole, NULL, NULL);
	failed += _cmocka_run_group_tests("entry_check_rules", rules,
					  COUNT_OF(rules), NULL, NULL);
	return failed;
}
