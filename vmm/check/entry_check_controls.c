/*
 * VM-entry checks on the VMX controls — SDM 3C 27.2.1, "Checks on VMX
 * Controls".  A failure here makes VMLAUNCH/VMRESUME fail with VM-instruction
 * error 7 ("VM entry with invalid control field(s)").
 */
#define ENTRY_CHECK_INTERNAL
#include "check/entry_check.h"

#include "mem/ept.h"
#include "vmx/vmx_controls.h"
#include "x86/x86.h"

static unsigned int lowest_bit(uint32_t v)
{
	unsigned int bit = 0;

	while (!(v & 1u)) {
		v >>= 1;
		bit++;
	}
	return bit;
}

static const char *bit_name(const struct control_field *field, unsigned int bit)
{
	const char *name = control_bit_name(field, bit);

	return name ? name : "reserved";
}

/*
 * SDM 3C 27.2.1.1-27.2.1.3 with 3D A.3-A.5: bits 31:0 of the capability
 * MSR are the allowed 0-settings (a 1 there: the control must be 1),
 * bits 63:32 the allowed 1-settings (a 0 there: the control must be 0).
 */
static void check_allowed(struct entry_check_ctx *c, const char *what,
			  const struct control_field *field, uint32_t value,
			  uint64_t cap, const char *msr,
			  enum entry_check_rule_id must_be_1,
			  enum entry_check_rule_id must_be_0)
{
	uint32_t cleared = (uint32_t)cap & ~value;
	uint32_t set = value & ~(uint32_t)(cap >> 32);

	if (cleared)
		ec_fail(c, must_be_1,
			"%s 0x%x: bit %u (%s) is 0 but %s requires 1 "
			"(bits 0x%x)",
			what, value, lowest_bit(cleared),
			bit_name(field, lowest_bit(cleared)), msr, cleared);
	if (set)
		ec_fail(c, must_be_0,
			"%s 0x%x: bit %u (%s) is 1 but %s allows only 0 "
			"(bits 0x%x)",
			what, value, lowest_bit(set),
			bit_name(field, lowest_bit(set)), msr, set);
}

static void check_control_settings(struct entry_check_ctx *c)
{
	const struct vmx_caps *caps = c->env->caps;
	bool t = caps->true_controls;

	check_allowed(
		c, "pin-based controls", &pin_based_field, c->pin, caps->pin,
		t ? "IA32_VMX_TRUE_PINBASED_CTLS" : "IA32_VMX_PINBASED_CTLS",
		RULE_PIN_ALLOWED0, RULE_PIN_ALLOWED1);
	check_allowed(c, "primary processor-based controls",
		      &primary_proc_field, c->proc, caps->proc,
		      t ? "IA32_VMX_TRUE_PROCBASED_CTLS"
			: "IA32_VMX_PROCBASED_CTLS",
		      RULE_PROC_ALLOWED0, RULE_PROC_ALLOWED1);
	/* Without the MSR, "activate secondary controls" itself has just
	 * been reported; every secondary bit again would only be noise. */
	if ((c->proc & (uint32_t)PROC_ACTIVATE_SECONDARY_CONTROLS) &&
	    caps->has_proc2)
		check_allowed(c, "secondary processor-based controls",
			      &secondary_proc_field, c->proc2, caps->proc2,
			      "IA32_VMX_PROCBASED_CTLS2", RULE_PROC2_ALLOWED0,
			      RULE_PROC2_ALLOWED1);
	check_allowed(c, "VM-exit controls", &exit_field, c->exit, caps->exit,
		      t ? "IA32_VMX_TRUE_EXIT_CTLS" : "IA32_VMX_EXIT_CTLS",
		      RULE_EXIT_ALLOWED0, RULE_EXIT_ALLOWED1);
	check_allowed(c, "VM-entry controls", &entry_field, c->entry,
		      caps->entry,
		      t ? "IA32_VMX_TRUE_ENTRY_CTLS" : "IA32_VMX_ENTRY_CTLS",
		      RULE_ENTRY_ALLOWED0, RULE_ENTRY_ALLOWED1);
}

/* A 4-KiB page the processor will access: aligned, within MAXPHYADDR. */
static void check_page_address(struct entry_check_ctx *c,
			       enum entry_check_rule_id rule, const char *what,
			       uint32_t enc)
{
	uint64_t a;

	if (!ec_read(c, enc, &a))
		return;
	if (a & 0xfff)
		ec_fail(c, rule, "%s 0x%lx is not 4-KiB aligned", what, a);
	else if (!ec_within_phys(c, a))
		ec_fail(c, rule,
			"%s 0x%lx sets bits beyond the %u-bit physical-address "
			"width",
			what, a, c->env->maxphyaddr);
}

static bool proc2(const struct entry_check_ctx *c, uint32_t bit)
{
	return (c->proc2 & bit) != 0;
}

/* SDM 3C 27.2.1.1, "VM-Execution Control Fields": CR3-target count, bitmaps,
 * APIC virtualization. */
static void check_execution_fields(struct entry_check_ctx *c)
{
	const struct vmx_caps *caps = c->env->caps;
	uint64_t v;

	/* Only this many CR3-target value fields exist. */
	if (ec_read(c, VMCS_ENC_CR3_TARGET_COUNT, &v) &&
	    v > vmx_misc_cr3_targets(caps->misc))
		ec_fail(c, RULE_CR3_TARGET_COUNT,
			"CR3-target count %lu exceeds the %u CR3-target values "
			"IA32_VMX_MISC bits 24:16 allow",
			v, vmx_misc_cr3_targets(caps->misc));

	if (c->proc & (uint32_t)PROC_USE_IO_BITMAPS) {
		check_page_address(c, RULE_IO_BITMAP_ADDRESS,
				   "I/O bitmap A address",
				   VMCS_ENC_IO_BITMAP_A_ADDRESS);
		check_page_address(c, RULE_IO_BITMAP_ADDRESS,
				   "I/O bitmap B address",
				   VMCS_ENC_IO_BITMAP_B_ADDRESS);
	}
	if (c->proc & (uint32_t)PROC_USE_MSR_BITMAPS)
		check_page_address(c, RULE_MSR_BITMAP_ADDRESS,
				   "MSR bitmap address",
				   VMCS_ENC_MSR_BITMAP_ADDRESS);

	if (c->proc & (uint32_t)PROC_USE_TPR_SHADOW)
		check_page_address(c, RULE_VIRTUAL_APIC_ADDRESS,
				   "virtual-APIC address",
				   VMCS_ENC_VIRTUAL_APIC_ADDRESS);
	else if (proc2(c, PROC2_VIRTUALIZE_X2APIC_MODE |
				  PROC2_APIC_REGISTER_VIRTUALIZATION |
				  PROC2_VIRTUAL_INTERRUPT_DELIVERY))
		/* They all work on the virtual-APIC page. */
		ec_fail(c, RULE_APIC_VIRT_NEEDS_TPR_SHADOW,
			"secondary controls 0x%x virtualize the APIC but "
			"\"use TPR shadow\" is 0",
			c->proc2);
	/* One APIC interface or the other, not both. */
	if (proc2(c, PROC2_VIRTUALIZE_X2APIC_MODE) &&
	    proc2(c, PROC2_VIRTUALIZE_APIC_ACCESSES))
		ec_fail(c, RULE_X2APIC_EXCLUDES_APIC_ACCESSES,
			"\"virtualize x2APIC mode\" and \"virtualize APIC "
			"accesses\" are both 1");
	/* Virtual-interrupt delivery needs the external interrupts. */
	if (proc2(c, PROC2_VIRTUAL_INTERRUPT_DELIVERY) &&
	    !(c->pin & (uint32_t)PIN_EXTERNAL_INTERRUPT_EXITING))
		ec_fail(c, RULE_VID_NEEDS_EXT_INT_EXITING,
			"\"virtual-interrupt delivery\" is 1 but "
			"\"external-interrupt exiting\" is 0");
	if (proc2(c, PROC2_VIRTUALIZE_APIC_ACCESSES))
		check_page_address(c, RULE_APIC_ACCESS_ADDRESS,
				   "APIC-access address",
				   VMCS_ENC_APIC_ACCESS_ADDRESS);
}

/* SDM 3C 27.2.1.1, "VM-Execution Control Fields": process posted interrupts. */
static void check_posted_interrupts(struct entry_check_ctx *c)
{
	uint64_t v;

	if (!(c->pin & (uint32_t)PIN_PROCESS_POSTED_INTERRUPTS))
		return;
	if (!proc2(c, PROC2_VIRTUAL_INTERRUPT_DELIVERY))
		ec_fail(c, RULE_POSTED_INTERRUPTS,
			"\"process posted interrupts\" is 1 but "
			"\"virtual-interrupt delivery\" is 0");
	if (!(c->exit & (uint32_t)EXIT_ACKNOWLEDGE_INTERRUPT_ON_EXIT))
		ec_fail(c, RULE_POSTED_INTERRUPTS,
			"\"process posted interrupts\" is 1 but "
			"\"acknowledge interrupt on exit\" is 0");
	if (ec_read(c, VMCS_ENC_POSTED_INTR_NOTIFICATION_VECTOR, &v) &&
	    (v & 0xff00))
		ec_fail(c, RULE_POSTED_INTERRUPTS,
			"posted-interrupt notification vector 0x%lx is not a "
			"vector (bits 15:8 set)",
			v);
	if (ec_read(c, VMCS_ENC_POSTED_INTR_DESC_ADDRESS, &v) &&
	    ((v & 0x3f) || !ec_within_phys(c, v)))
		ec_fail(c, RULE_POSTED_INTERRUPTS,
			"posted-interrupt descriptor address 0x%lx is not "
			"64-byte aligned within the %u-bit physical width",
			v, c->env->maxphyaddr);
}

/* SDM 3C 27.2.1.1, "VM-Execution Control Fields": virtual NMIs build on NMI
 * exiting, and the NMI window on virtual NMIs (it is the window of virtual-NMI
 * blocking). */
static void check_nmi_controls(struct entry_check_ctx *c)
{
	if ((c->pin & (uint32_t)PIN_VIRTUAL_NMIS) &&
	    !(c->pin & (uint32_t)PIN_NMI_EXITING))
		ec_fail(c, RULE_VIRTUAL_NMIS_NEED_NMI_EXITING,
			"pin-based controls 0x%x: \"virtual NMIs\" is 1 but "
			"\"NMI exiting\" is 0",
			c->pin);
	if ((c->proc & (uint32_t)PROC_NMI_WINDOW_EXITING) &&
	    !(c->pin & (uint32_t)PIN_VIRTUAL_NMIS))
		ec_fail(c, RULE_NMI_WINDOW_NEEDS_VIRTUAL_NMIS,
			"\"NMI-window exiting\" is 1 but \"virtual NMIs\" is "
			"0 (pin-based controls 0x%x)",
			c->pin);
}

/* SDM 3C 27.2.1.1, "VM-Execution Control Fields": VPID 0 is the host's own. */
static void check_vpid(struct entry_check_ctx *c)
{
	uint64_t vpid;

	if (proc2(c, PROC2_ENABLE_VPID) && ec_read(c, VMCS_ENC_VPID, &vpid) &&
	    vpid == 0)
		ec_fail(c, RULE_VPID_ZERO,
			"VPID is 0 with \"enable VPID\" set; 0 tags the "
			"host's own translations");
}

/* SDM 3C 27.2.1.1, "VM-Execution Control Fields" and 25.6.11,
 * "Extended-Page-Table Pointer (EPTP)": a valid EPTP, as IA32_VMX_EPT_VPID_CAP
 * allows it (3D A.10, "VPID and EPT Capabilities"). */
static void check_eptp(struct entry_check_ctx *c)
{
	const struct vmx_caps *caps = c->env->caps;
	uint64_t cap = caps->has_ept_vpid ? caps->ept_vpid : 0;
	uint64_t eptp;
	unsigned int type, walk;

	if (!proc2(c, PROC2_ENABLE_EPT) ||
	    !ec_read(c, VMCS_ENC_EPT_POINTER, &eptp))
		return;
	type = EPTP_MEMORY_TYPE(eptp);
	if (!(type == MEMORY_TYPE_UC && (cap & EPT_CAP_MEMTYPE_UC)) &&
	    !(type == MEMORY_TYPE_WB && (cap & EPT_CAP_MEMTYPE_WB)))
		ec_fail(c, RULE_EPTP_MEMORY_TYPE,
			"EPTP 0x%lx: memory type %u (bits 2:0) is not UC(0) or "
			"WB(6) as allowed by IA32_VMX_EPT_VPID_CAP 0x%lx",
			eptp, type, cap);
	walk = EPTP_WALK_LENGTH_MINUS_1(eptp);
	if (!(walk == 3 && (cap & EPT_CAP_WALK_LENGTH_4)) &&
	    !(walk == 4 && (cap & EPT_CAP_WALK_LENGTH_5)))
		ec_fail(c, RULE_EPTP_WALK_LENGTH,
			"EPTP 0x%lx: bits 5:3 = %u, but must be the page-walk "
			"length minus 1, 3 for a 4-level walk",
			eptp, walk);
	if ((eptp & EPTP_ACCESSED_DIRTY) && !(cap & EPT_CAP_ACCESSED_DIRTY))
		ec_fail(c, RULE_EPTP_ACCESSED_DIRTY,
			"EPTP 0x%lx enables accessed/dirty flags (bit 6), "
			"which "
			"IA32_VMX_EPT_VPID_CAP bit 21 does not offer",
			eptp);
	/* Bit 7 enables supervisor shadow-stack control on CET parts; this
	 * VMM never sets it, so it is checked as reserved with 11:8. */
	if (eptp & EPTP_RESERVED)
		ec_fail(c, RULE_EPTP_RESERVED,
			"EPTP 0x%lx sets reserved bits 11:7 (0x%lx)", eptp,
			(uint64_t)(eptp & EPTP_RESERVED));
	if (!ec_within_phys(c, eptp))
		ec_fail(c, RULE_EPTP_ADDRESS,
			"EPTP 0x%lx sets bits beyond the %u-bit "
			"physical-address width",
			eptp, c->env->maxphyaddr);
}

/* SDM 3C 27.2.1.1, "VM-Execution Control Fields": features that only exist on
 * top of EPT. */
static void check_ept_dependents(struct entry_check_ctx *c)
{
	bool ept = proc2(c, PROC2_ENABLE_EPT);

	if (proc2(c, PROC2_ENABLE_PML)) {
		if (!ept)
			ec_fail(c, RULE_PML_NEEDS_EPT,
				"\"enable PML\" is 1 but \"enable EPT\" is 0");
		check_page_address(c, RULE_PML_ADDRESS, "PML address",
				   VMCS_ENC_PML_ADDRESS);
	}
	if (proc2(c, PROC2_UNRESTRICTED_GUEST) && !ept)
		ec_fail(c, RULE_UNRESTRICTED_NEEDS_EPT,
			"\"unrestricted guest\" is 1 but \"enable EPT\" is 0 "
			"(secondary controls 0x%x)",
			c->proc2);
	if (proc2(c, PROC2_MODE_BASED_EXECUTE_CONTROL) && !ept)
		ec_fail(c, RULE_MBEC_NEEDS_EPT,
			"\"mode-based execute control for EPT\" is 1 but "
			"\"enable EPT\" is 0");
}

/*
 * SDM 3C 27.2.1.2, "VM-Exit Control Fields" and 27.2.1.3, "VM-Entry Control
 * Fields": an MSR area of count 16-byte entries must be 16-byte aligned and
 * lie, last byte included, below MAXPHYADDR.
 */
static void check_msr_area(struct entry_check_ctx *c,
			   enum entry_check_rule_id rule, const char *what,
			   uint32_t count_enc, uint32_t address_enc)
{
	uint64_t count, a;

	if (!ec_read(c, count_enc, &count) || count == 0 ||
	    !ec_read(c, address_enc, &a))
		return;
	if (a & 0xf)
		ec_fail(c, rule, "%s address 0x%lx is not 16-byte aligned",
			what, a);
	else if (!ec_within_phys(c, a) ||
		 !ec_within_phys(c, a + count * 16 - 1))
		ec_fail(c, rule,
			"%s 0x%lx with %lu entries reaches beyond the %u-bit "
			"physical-address width",
			what, a, count, c->env->maxphyaddr);
}

/* SDM 3C 27.2.1.2, "VM-Exit Control Fields". */
static void check_exit_fields(struct entry_check_ctx *c)
{
	/* There is no value to save without the timer. */
	if ((c->exit & (uint32_t)EXIT_SAVE_PREEMPTION_TIMER) &&
	    !(c->pin & (uint32_t)PIN_ACTIVATE_PREEMPTION_TIMER))
		ec_fail(c, RULE_SAVE_TIMER_NEEDS_TIMER,
			"\"save VMX-preemption timer value\" is 1 but "
			"\"activate VMX-preemption timer\" is 0");
	check_msr_area(c, RULE_EXIT_MSR_STORE_AREA, "VM-exit MSR-store area",
		       VMCS_ENC_EXIT_MSR_STORE_COUNT,
		       VMCS_ENC_EXIT_MSR_STORE_ADDRESS);
	check_msr_area(c, RULE_EXIT_MSR_LOAD_AREA, "VM-exit MSR-load area",
		       VMCS_ENC_EXIT_MSR_LOAD_COUNT,
		       VMCS_ENC_EXIT_MSR_LOAD_ADDRESS);
}

/* SDM 3C 27.2.1.3, "VM-Entry Control Fields": event injection (the
 * interruption-information field, SDM 3C 25.8.3, "VM-Entry Controls for Event
 * Injection"). */
static void check_event_injection(struct entry_check_ctx *c)
{
	const struct vmx_caps *caps = c->env->caps;
	uint64_t info, cr0, v;
	unsigned int type, vector;
	bool deliver, must;

	if (!ec_read(c, VMCS_ENC_ENTRY_INTERRUPTION_INFO, &info) ||
	    !(info & INTR_INFO_VALID))
		return;
	type = INTR_INFO_TYPE(info);
	vector = INTR_INFO_VECTOR(info);
	deliver = (info & INTR_INFO_DELIVER_ERROR_CODE) != 0;

	/* Type 7 ("other event", pending MTF) exists only with MTF. */
	if (type == INTR_TYPE_RESERVED ||
	    (type == INTR_TYPE_OTHER &&
	     !control_allowed1(caps->proc, PROC_MONITOR_TRAP_FLAG)))
		ec_fail(c, RULE_INTR_INFO_TYPE,
			"VM-entry interruption information 0x%lx: type %u is "
			"reserved",
			info, type);
	if ((type == INTR_TYPE_NMI && vector != EXC_NMI) ||
	    (type == INTR_TYPE_HARDWARE_EXCEPTION && vector > 31) ||
	    (type == INTR_TYPE_OTHER && vector != 0))
		ec_fail(c, RULE_INTR_INFO_VECTOR,
			"VM-entry interruption information 0x%lx: vector %u "
			"does not fit type %u (NMI is 2, exceptions 0-31)",
			info, vector, type);

	/* Error codes exist for hardware exceptions in protected mode only;
	 * IA32_VMX_BASIC bit 56 lets any such exception have one or not. */
	if (ec_read(c, VMCS_ENC_GUEST_CR0, &cr0)) {
		bool pm_exception =
			type == INTR_TYPE_HARDWARE_EXCEPTION && (cr0 & CR0_PE);

		must = pm_exception && exception_has_error_code(vector);
		if (deliver && !pm_exception)
			ec_fail(c, RULE_INTR_INFO_ERROR_CODE,
				"VM-entry interruption information 0x%lx "
				"delivers an error code for type %u with "
				"guest CR0.PE=%u",
				info, type, (unsigned int)(cr0 & CR0_PE));
		else if (pm_exception && deliver != must &&
			 !(caps->basic & VMX_BASIC_NO_ERRCODE_INJECTION))
			ec_fail(c, RULE_INTR_INFO_ERROR_CODE,
				"VM-entry interruption information 0x%lx: "
				"deliver-error-code is %u but exception %u "
				"pushes %s error code",
				info, deliver, vector, must ? "an" : "no");
	}
	if (deliver && ec_read(c, VMCS_ENC_ENTRY_EXCEPTION_ERROR_CODE, &v) &&
	    (v & 0xffff0000u))
		ec_fail(c, RULE_EXCEPTION_ERROR_CODE,
			"VM-entry exception error code 0x%lx sets bits 31:16",
			v);
	if (info & INTR_INFO_RESERVED)
		ec_fail(c, RULE_INTR_INFO_RESERVED,
			"VM-entry interruption information 0x%lx sets reserved "
			"bits 30:12",
			info);

	/* Software events are delivered as if by the instruction, whose
	 * length the processor needs to push the return RIP. */
	if ((type == INTR_TYPE_SOFTWARE_INTERRUPT ||
	     type == INTR_TYPE_PRIVILEGED_SOFTWARE_EXCEPTION ||
	     type == INTR_TYPE_SOFTWARE_EXCEPTION) &&
	    ec_read(c, VMCS_ENC_ENTRY_INSTRUCTION_LENGTH, &v) &&
	    (v > 15 ||
	     (v == 0 && !(caps->misc & VMX_MISC_ZERO_LENGTH_INJECTION))))
		ec_fail(c, RULE_INSTRUCTION_LENGTH,
			"VM-entry instruction length %lu for a software event "
			"(type %u) is not in 1..15",
			v, type);
}

/* SDM 3C 27.2.1.3, "VM-Entry Control Fields". */
static void check_entry_fields(struct entry_check_ctx *c)
{
	/* This VMM never runs in SMM, where these two belong. */
	if (c->entry & (uint32_t)(ENTRY_TO_SMM | ENTRY_DEACTIVATE_DUAL_MONITOR))
		ec_fail(c, RULE_ENTRY_SMM,
			"VM-entry controls 0x%x: \"entry to SMM\" and "
			"\"deactivate dual-monitor treatment\" must be 0 "
			"outside SMM",
			c->entry);
	check_event_injection(c);
	check_msr_area(c, RULE_ENTRY_MSR_LOAD_AREA, "VM-entry MSR-load area",
		       VMCS_ENC_ENTRY_MSR_LOAD_COUNT,
		       VMCS_ENC_ENTRY_MSR_LOAD_ADDRESS);
}

void entry_check_controls(struct entry_check_ctx *c)
{
	check_control_settings(c);
	check_execution_fields(c);
	check_posted_interrupts(c);
	check_nmi_controls(c);
	check_vpid(c);
	check_eptp(c);
	check_ept_dependents(c);
	check_exit_fields(c);
	check_entry_fields(c);
}
