#include "vmx/vmx.h"

#include "mem/pages.h"
#include "print.h"
#include "x86/vmx_insn.h"
#include "x86/arch.h"
#include "x86/msr.h"
#include "x86/x86.h"

void *vmx_alloc_region(const struct vmx_caps *caps)
{
	uint32_t *region = hv_alloc_pages(1);

	/* SDM 3C 25.2, "Format of the VMCS Region": the revision identifier,
	 * bit 31 clear. */
	if (region)
		region[0] = vmx_basic_revision(caps->basic);
	return region;
}

/* SDM 3C 24.7, "Enabling and Entering VMX Operation": VMXON outside SMX needs
 * lock and bit 2. An unlocked MSR can be set by us; it then stays locked until
 * reset. */
static void enable_feature_control(const struct vmx_caps *caps)
{
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);

	if (feature_control_state(fc) != FEATURE_CONTROL_UNLOCKED)
		return;
	fc |= FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMXON_OUTSIDE_SMX;
	wrmsr(MSR_IA32_FEATURE_CONTROL, fc);
	hv_printf("hv: IA32_FEATURE_CONTROL was unlocked; set lock and VMXON "
		  "outside SMX (0x%lx, until reset)\n",
		  fc);
	(void)caps;
}

enum hv_status vmx_on(struct vmx_session *s, const struct vmx_caps *caps)
{
	s->cr0_before = read_cr0();
	s->cr4_before = read_cr4();
	if (s->cr4_before & CR4_VMXE) {
		hv_printf("hv: CR4.VMXE is already set: another VMM owns VMX "
			  "on this CPU\n");
		return HV_VMX_FAILED;
	}
	enable_feature_control(caps);

	s->vmxon_region = vmx_alloc_region(caps);
	if (!s->vmxon_region)
		return HV_OUT_OF_MEMORY;

	/* SDM 3C 24.8, "Restrictions on VMX Operation": CR0 and CR4 must
	 * respect the fixed bits while VMX is on; CR4.VMXE is one of them. */
	write_cr0((s->cr0_before | caps->cr0_fixed0) & caps->cr0_fixed1);
	write_cr4((s->cr4_before | caps->cr4_fixed0 | CR4_VMXE) &
		  caps->cr4_fixed1);

	enum vmx_result r = vmxon((uint64_t)s->vmxon_region);

	if (r != VMX_SUCCEED) {
		hv_printf("hv: VMXON failed (%s)\n",
			  r == VMX_FAIL_INVALID ? "VMfailInvalid: bad VMXON "
						  "region or revision"
						: "VMfailValid");
		write_cr4(s->cr4_before);
		write_cr0(s->cr0_before);
		hv_free_pages(s->vmxon_region, 1);
		return HV_VMX_FAILED;
	}
	hv_printf("hv: vmx on (VMXON region at 0x%lx, revision 0x%x)\n",
		  (uint64_t)s->vmxon_region, vmx_basic_revision(caps->basic));
	return HV_OK;
}

enum hv_status vmx_off(struct vmx_session *s)
{
	if (vmxoff() != VMX_SUCCEED) {
		hv_printf("hv: VMXOFF failed: still in VMX operation, so "
			  "CR4.VMXE stays set and the VMXON region stays "
			  "allocated\n");
		return HV_VMX_FAILED;
	}
	write_cr4(s->cr4_before);
	write_cr0(s->cr0_before);
	hv_free_pages(s->vmxon_region, 1);
	s->vmxon_region = NULL;
	return HV_OK;
}
