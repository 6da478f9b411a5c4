#include "vmx/vmcs_setup.h"

#include "../guest/hv_abi.h"
#include "mem/guest_memory.h"
#include "vmcs/vmcs.h"
#include "vmx/vmx_entry.h"
#include "x86/arch.h"
#include "x86/msr.h"
#include "x86/x86.h"

void vmcs_setup_controls(const struct vm_setup *s)
{
	const struct vm_controls *c = s->controls;

	vmcs_write(VMCS_PIN_BASED_CONTROLS, c->pin);
	vmcs_write(VMCS_PRIMARY_PROC_BASED_CONTROLS, c->proc);
	vmcs_write(VMCS_SECONDARY_PROC_BASED_CONTROLS, c->proc2);
	vmcs_write(VMCS_EXIT_CONTROLS, c->exit);
	vmcs_write(VMCS_ENTRY_CONTROLS, c->entry);
	vmcs_write(VMCS_EXCEPTION_BITMAP, s->policy->exception_bitmap);
	if (s->policy->uses_msr_bitmap)
		vmcs_write(VMCS_MSR_BITMAP_ADDRESS, (uint64_t)s->bitmaps->msr);
	if (s->policy->uses_io_bitmaps) {
		vmcs_write(VMCS_IO_BITMAP_A_ADDRESS,
			   (uint64_t)s->bitmaps->io_a);
		vmcs_write(VMCS_IO_BITMAP_B_ADDRESS,
			   (uint64_t)s->bitmaps->io_b);
	}
	vmcs_write(VMCS_CR0_GUEST_HOST_MASK, s->policy->cr0_guest_host_mask);
	vmcs_write(VMCS_CR4_GUEST_HOST_MASK, s->policy->cr4_guest_host_mask);
	/* SDM 3C 25.11.3, "Initializing a VMCS": a new VMCS is set up by
	 * VMWRITE alone, so every control that must be 0 is written 0, not
	 * assumed. */
	vmcs_write(VMCS_CR3_TARGET_COUNT, 0);
	vmcs_write(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(VMCS_ENTRY_INTERRUPTION_INFO, 0);
	vmcs_write(VMCS_PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write(VMCS_PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write(VMCS_TSC_OFFSET, 0);
	vmcs_write(VMCS_EPT_POINTER, s->eptp);
	if (c->vpid)
		vmcs_write(VMCS_VPID, s->vpid);
	vmcs_write(VMCS_PREEMPTION_TIMER_VALUE, s->preemption_timer);
	if (c->apicv) {
		/* Nothing requested or in service yet, every EOI the CPU's
		 * own; the TPR threshold is unused with virtual-interrupt
		 * delivery (SDM 3C 27.2.1.1) and written 0. */
		vmcs_write(VMCS_VIRTUAL_APIC_ADDRESS, s->virtual_apic_page);
		vmcs_write(VMCS_APIC_ACCESS_ADDRESS, s->apic_access_page);
		vmcs_write(VMCS_TPR_THRESHOLD, 0);
		vmcs_write(VMCS_EOI_EXIT_BITMAP0, 0);
		vmcs_write(VMCS_EOI_EXIT_BITMAP1, 0);
		vmcs_write(VMCS_EOI_EXIT_BITMAP2, 0);
		vmcs_write(VMCS_EOI_EXIT_BITMAP3, 0);
		vmcs_write(VMCS_GUEST_INTR_STATUS, 0);
	}
	/* SDM 3C 25.4.2, "Guest Non-Register State": no VMCS shadowing, so the
	 * link pointer is ~0. */
	vmcs_write(VMCS_VMCS_LINK_POINTER, ~0ull);
}

/* The host is the UEFI context that called us — SDM 3C 25.5, "Host-State Area",
 * 27.5. */
void vmcs_setup_host(const struct vm_setup *s)
{
	vmcs_write(VMCS_HOST_CR0, read_cr0());
	vmcs_write(VMCS_HOST_CR3, read_cr3());
	vmcs_write(VMCS_HOST_CR4, read_cr4());
	/* SDM 3C 27.2.3, "Checks on Host Segment and Descriptor-Table
	 * Registers": selectors with RPL = TI = 0. */
	vmcs_write(VMCS_HOST_CS_SELECTOR, read_cs() & ~7u);
	vmcs_write(VMCS_HOST_SS_SELECTOR, read_ss() & ~7u);
	vmcs_write(VMCS_HOST_DS_SELECTOR, read_ds() & ~7u);
	vmcs_write(VMCS_HOST_ES_SELECTOR, read_es() & ~7u);
	vmcs_write(VMCS_HOST_FS_SELECTOR, read_fs() & ~7u);
	vmcs_write(VMCS_HOST_GS_SELECTOR, read_gs() & ~7u);
	vmcs_write(VMCS_HOST_TR_SELECTOR, s->gdt->tr_selector);
	vmcs_write(VMCS_HOST_FS_BASE, rdmsr(MSR_IA32_FS_BASE));
	vmcs_write(VMCS_HOST_GS_BASE, rdmsr(MSR_IA32_GS_BASE));
	vmcs_write(VMCS_HOST_TR_BASE, s->gdt->tss_base);
	vmcs_write(VMCS_HOST_GDTR_BASE, s->gdt->gdtr.base);
	vmcs_write(VMCS_HOST_IDTR_BASE, s->gdt->firmware_idtr.base);
	vmcs_write(VMCS_HOST_IA32_SYSENTER_CS,
		   (uint32_t)rdmsr(MSR_IA32_SYSENTER_CS));
	vmcs_write(VMCS_HOST_IA32_SYSENTER_ESP, rdmsr(MSR_IA32_SYSENTER_ESP));
	vmcs_write(VMCS_HOST_IA32_SYSENTER_EIP, rdmsr(MSR_IA32_SYSENTER_EIP));
	vmcs_write(VMCS_HOST_IA32_EFER, rdmsr(MSR_IA32_EFER));
	if (s->controls->pat)
		vmcs_write(VMCS_HOST_IA32_PAT, rdmsr(MSR_IA32_PAT));
	/* Every exit lands in vmx_exit_entry on the dedicated exit page. */
	vmcs_write(VMCS_HOST_RSP, (uint64_t)s->exit_frame);
	vmcs_write(VMCS_HOST_RIP, (uint64_t)vmx_exit_entry);
}

static void guest_segment(struct vmcs_f16 sel, struct vmcs_fnat base,
			  struct vmcs_f32 limit, struct vmcs_f32 access,
			  uint16_t selector, uint32_t ar)
{
	vmcs_write(sel, selector);
	vmcs_write(base, 0);
	vmcs_write(limit, 0xffffffffu);
	vmcs_write(access, ar);
}

/* A 64-bit guest with paging on, entered as s->entry says (the guest
 * ABI's RDI and the boot protocol's RSI are the caller's). */
void vmcs_setup_guest(const struct vm_setup *s)
{
	const struct vmx_caps *caps = s->caps;
	const struct guest_entry *e = s->entry;
	uint64_t cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_WP | CR0_PG |
		       (e->own_fpu ? CR0_MP : CR0_EM);
	uint64_t cr4 = GUEST_FIRST_CR4;

	vmcs_write(VMCS_GUEST_CR0, (cr0 | caps->cr0_fixed0) & caps->cr0_fixed1);
	vmcs_write(VMCS_CR0_READ_SHADOW, cr0);
	vmcs_write(VMCS_GUEST_CR4, s->real_cr4);
	vmcs_write(VMCS_CR4_READ_SHADOW, cr4);
	vmcs_write(VMCS_GUEST_CR3, e->cr3);
	vmcs_write(VMCS_GUEST_IA32_EFER, EFER_LME | EFER_LMA);
	/* The guest's PAT starts as after power-up, not as the host's: its
	 * value is no business of the guest's (SDM 3A 10.1, "Initialization
	 * Overview", table 10-1). */
	if (s->controls->pat)
		vmcs_write(VMCS_GUEST_IA32_PAT, PAT_POWER_ON);

	guest_segment(VMCS_GUEST_CS_SELECTOR, VMCS_GUEST_CS_BASE,
		      VMCS_GUEST_CS_LIMIT, VMCS_GUEST_CS_ACCESS_RIGHTS, e->cs,
		      GUEST_CODE64_ACCESS);
	guest_segment(VMCS_GUEST_SS_SELECTOR, VMCS_GUEST_SS_BASE,
		      VMCS_GUEST_SS_LIMIT, VMCS_GUEST_SS_ACCESS_RIGHTS, e->ds,
		      GUEST_DATA_ACCESS);
	guest_segment(VMCS_GUEST_DS_SELECTOR, VMCS_GUEST_DS_BASE,
		      VMCS_GUEST_DS_LIMIT, VMCS_GUEST_DS_ACCESS_RIGHTS, e->ds,
		      GUEST_DATA_ACCESS);
	guest_segment(VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_ES_BASE,
		      VMCS_GUEST_ES_LIMIT, VMCS_GUEST_ES_ACCESS_RIGHTS, e->ds,
		      GUEST_DATA_ACCESS);
	guest_segment(VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_FS_BASE,
		      VMCS_GUEST_FS_LIMIT, VMCS_GUEST_FS_ACCESS_RIGHTS, e->ds,
		      GUEST_DATA_ACCESS);
	guest_segment(VMCS_GUEST_GS_SELECTOR, VMCS_GUEST_GS_BASE,
		      VMCS_GUEST_GS_LIMIT, VMCS_GUEST_GS_ACCESS_RIGHTS, e->ds,
		      GUEST_DATA_ACCESS);
	vmcs_write(VMCS_GUEST_TR_SELECTOR, e->tr);
	vmcs_write(VMCS_GUEST_TR_BASE, e->tr_base);
	vmcs_write(VMCS_GUEST_TR_LIMIT, GUEST_TSS_LIMIT);
	vmcs_write(VMCS_GUEST_TR_ACCESS_RIGHTS, GUEST_TSS_ACCESS);
	vmcs_write(VMCS_GUEST_LDTR_SELECTOR, 0);
	vmcs_write(VMCS_GUEST_LDTR_BASE, 0);
	vmcs_write(VMCS_GUEST_LDTR_LIMIT, 0);
	vmcs_write(VMCS_GUEST_LDTR_ACCESS_RIGHTS, AR_UNUSABLE);
	vmcs_write(VMCS_GUEST_GDTR_BASE, e->gdt_base);
	vmcs_write(VMCS_GUEST_GDTR_LIMIT, e->gdt_limit);
	/* No IDT until the guest loads one: an early fault triple-faults. */
	vmcs_write(VMCS_GUEST_IDTR_BASE, 0);
	vmcs_write(VMCS_GUEST_IDTR_LIMIT, 0);

	vmcs_write(VMCS_GUEST_RIP, e->rip);
	vmcs_write(VMCS_GUEST_RSP, e->rsp);
	vmcs_write(VMCS_GUEST_RFLAGS, RFLAGS_FIXED1);
	vmcs_write(VMCS_GUEST_DR7, DR7_INIT);
	vmcs_write(VMCS_GUEST_IA32_DEBUGCTL, 0);
	vmcs_write(VMCS_GUEST_IA32_SYSENTER_CS, 0);
	vmcs_write(VMCS_GUEST_IA32_SYSENTER_ESP, 0);
	vmcs_write(VMCS_GUEST_IA32_SYSENTER_EIP, 0);
	vmcs_write(VMCS_GUEST_ACTIVITY_STATE, 0);
	vmcs_write(VMCS_GUEST_INTERRUPTIBILITY_STATE, 0);
	vmcs_write(VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS, 0);
}
