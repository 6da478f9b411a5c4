/*
 * VM-entry checks on the host-state area — SDM 3C 27.2.2-27.2.4.  A
 * failure here makes VMLAUNCH/VMRESUME fail with VM-instruction error 8
 * ("VM entry with invalid host-state field(s)"): the state a VM exit
 * would load must be one the processor can run in.
 */
#define ENTRY_CHECK_INTERNAL
#include "check/entry_check.h"

#include "util.h"
#include "vmx/vmx_controls.h"
#include "x86/msr.h"
#include "x86/x86.h"

static bool host64(const struct entry_check_ctx *c)
{
	return (c->exit & (uint32_t)EXIT_HOST_ADDRESS_SPACE_SIZE) != 0;
}

/* SDM 3C 27.2.2, "Checks on Host Control Registers, MSRs, and SSP": CR0 and CR4
 * as VMX operation requires (3D A.7, "VMX-Fixed Bits in CR0"; A.8, "VMX-Fixed
 * Bits in CR4"). */
static void check_host_crs(struct entry_check_ctx *c)
{
	const struct vmx_caps *caps = c->env->caps;
	uint64_t cr0, cr3, cr4;

	if (ec_read(c, VMCS_ENC_HOST_CR0, &cr0))
		ec_check_fixed(c, RULE_HOST_CR0_FIXED, "host", "CR0", cr0,
			       caps->cr0_fixed0, caps->cr0_fixed1, 0);
	if (ec_read(c, VMCS_ENC_HOST_CR4, &cr4)) {
		/* VMXE has a rule of its own. */
		ec_check_fixed(c, RULE_HOST_CR4_FIXED, "host", "CR4", cr4,
			       caps->cr4_fixed0, caps->cr4_fixed1, CR4_VMXE);
		/* A VM exit returns to VMX root operation. */
		if (!(cr4 & CR4_VMXE))
			ec_fail(c, RULE_HOST_CR4_VMXE,
				"host CR4 0x%lx has VMXE (bit 13) clear; VMX "
				"operation requires it",
				cr4);
	}
	if (ec_read(c, VMCS_ENC_HOST_CR3, &cr3) && !ec_within_phys(c, cr3))
		ec_fail(c, RULE_HOST_CR3_WIDTH,
			"host CR3 0x%lx sets bits beyond the %u-bit "
			"physical-address width",
			cr3, c->env->maxphyaddr);
}

/* SDM 3C 27.2.2, "Checks on Host Control Registers, MSRs, and SSP": the MSRs a
 * VM exit loads. */
static void check_host_msrs(struct entry_check_ctx *c)
{
	uint64_t v;
	int bad;

	if (ec_read(c, VMCS_ENC_HOST_IA32_SYSENTER_ESP, &v) && !canonical(v))
		ec_fail(c, RULE_HOST_SYSENTER_CANONICAL,
			"host IA32_SYSENTER_ESP 0x%lx is not canonical", v);
	if (ec_read(c, VMCS_ENC_HOST_IA32_SYSENTER_EIP, &v) && !canonical(v))
		ec_fail(c, RULE_HOST_SYSENTER_CANONICAL,
			"host IA32_SYSENTER_EIP 0x%lx is not canonical", v);

	if ((c->exit & (uint32_t)EXIT_LOAD_IA32_PAT) &&
	    ec_read(c, VMCS_ENC_HOST_IA32_PAT, &v)) {
		bad = pat_bad_entry(v);
		if (bad >= 0)
			ec_fail(c, RULE_HOST_PAT,
				"host IA32_PAT 0x%lx: entry %d is 0x%x, not a "
				"memory type (0, 1, 4, 5, 6, 7)",
				v, bad, (unsigned int)(v >> (8 * bad)) & 0xffu);
	}

	if (!(c->exit & (uint32_t)EXIT_LOAD_IA32_EFER) ||
	    !ec_read(c, VMCS_ENC_HOST_IA32_EFER, &v))
		return;
	if (v & ~EFER_DEFINED)
		ec_fail(c, RULE_HOST_EFER_RESERVED,
			"host IA32_EFER 0x%lx sets reserved bits 0x%lx", v,
			(uint64_t)(v & ~EFER_DEFINED));
	/* The host's paging mode after the exit is the exit control's. */
	if (!!(v & EFER_LMA) != host64(c) || !!(v & EFER_LME) != host64(c))
		ec_fail(c, RULE_HOST_EFER_LMA_LME,
			"host IA32_EFER 0x%lx: LMA and LME must each equal "
			"\"host address-space size\" (%u)",
			v, host64(c));
}

static const struct {
	const char *name;
	uint32_t enc;
} host_selectors[] = {
	{"ES", VMCS_ENC_HOST_ES_SELECTOR}, {"CS", VMCS_ENC_HOST_CS_SELECTOR},
	{"SS", VMCS_ENC_HOST_SS_SELECTOR}, {"DS", VMCS_ENC_HOST_DS_SELECTOR},
	{"FS", VMCS_ENC_HOST_FS_SELECTOR}, {"GS", VMCS_ENC_HOST_GS_SELECTOR},
	{"TR", VMCS_ENC_HOST_TR_SELECTOR},
};

static const struct {
	const char *name;
	uint32_t enc;
} host_bases[] = {
	{"FS", VMCS_ENC_HOST_FS_BASE},	   {"GS", VMCS_ENC_HOST_GS_BASE},
	{"TR", VMCS_ENC_HOST_TR_BASE},	   {"GDTR", VMCS_ENC_HOST_GDTR_BASE},
	{"IDTR", VMCS_ENC_HOST_IDTR_BASE},
};

/* SDM 3C 27.2.3, "Checks on Host Segment and Descriptor-Table Registers". */
static void check_host_segments(struct entry_check_ctx *c)
{
	uint64_t v;

	/* A VM exit loads the selectors without a descriptor lookup, as
	 * ring-0 GDT selectors. */
	for (size_t i = 0; i < COUNT_OF(host_selectors); i++)
		if (ec_read(c, host_selectors[i].enc, &v) &&
		    (v & (SELECTOR_RPL_MASK | SELECTOR_TI)))
			ec_fail(c, RULE_HOST_SELECTOR_RPL_TI,
				"host %s selector 0x%lx: RPL (bits 1:0) and TI "
				"(bit 2) must be 0",
				host_selectors[i].name, v);
	if (ec_read(c, VMCS_ENC_HOST_CS_SELECTOR, &v) && v == 0)
		ec_fail(c, RULE_HOST_CS_NULL, "host CS selector is 0000H");
	if (ec_read(c, VMCS_ENC_HOST_TR_SELECTOR, &v) && v == 0)
		ec_fail(c, RULE_HOST_TR_NULL,
			"host TR selector is 0000H; the host needs a TSS in "
			"its GDT");
	/* Only 64-bit mode runs with a null SS. */
	if (!host64(c) && ec_read(c, VMCS_ENC_HOST_SS_SELECTOR, &v) && v == 0)
		ec_fail(c, RULE_HOST_SS_NULL,
			"host SS selector is 0000H with \"host address-space "
			"size\" 0");
	for (size_t i = 0; i < COUNT_OF(host_bases); i++)
		if (ec_read(c, host_bases[i].enc, &v) && !canonical(v))
			ec_fail(c, RULE_HOST_BASE_CANONICAL,
				"host %s base 0x%lx is not canonical",
				host_bases[i].name, v);
}

/* SDM 3C 27.2.4, "Checks Related to Address-Space Size": the mode a VM exit
 * returns to. */
static void check_address_space_size(struct entry_check_ctx *c)
{
	uint64_t cr4, rip;

	/* hv.efi is a 64-bit UEFI application: VMLAUNCH always executes
	 * with IA32_EFER.LMA = 1. */
	if (!host64(c))
		ec_fail(c, RULE_HOST_ASS_IN_IA32E,
			"VM-exit controls 0x%x: \"host address-space size\" "
			"is 0, but the VMM runs in IA-32e mode",
			c->exit);
	if (!host64(c) && (c->entry & (uint32_t)ENTRY_IA32E_MODE_GUEST))
		ec_fail(c, RULE_HOST_ASS_GUEST_IA32E,
			"\"IA-32e mode guest\" is 1 but \"host address-space "
			"size\" is 0");
	if (ec_read(c, VMCS_ENC_HOST_CR4, &cr4)) {
		if (host64(c) && !(cr4 & CR4_PAE))
			ec_fail(c, RULE_HOST_ASS_CR4_PAE,
				"host CR4 0x%lx has PAE clear with \"host "
				"address-space size\" 1",
				cr4);
		if (!host64(c) && (cr4 & CR4_PCIDE))
			ec_fail(c, RULE_HOST_ASS_CR4_PCIDE,
				"host CR4 0x%lx has PCIDE set with \"host "
				"address-space size\" 0",
				cr4);
	}
	if (!ec_read(c, VMCS_ENC_HOST_RIP, &rip))
		return;
	if (host64(c) && !canonical(rip))
		ec_fail(c, RULE_HOST_RIP, "host RIP 0x%lx is not canonical",
			rip);
	if (!host64(c) && (rip >> 32))
		ec_fail(c, RULE_HOST_RIP,
			"host RIP 0x%lx sets bits 63:32 with \"host "
			"address-space size\" 0",
			rip);
}

void entry_check_host(struct entry_check_ctx *c)
{
	check_host_crs(c);
	check_host_msrs(c);
	check_host_segments(c);
	check_address_space_size(c);
}
