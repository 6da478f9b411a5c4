#include "x86/spec_ctrl.h"

#include "x86/msr.h"
#include "print.h"

/* Four bytes of the vendor string, as CPUID returns them. */
static uint32_t word(const char *v)
{
	return (uint32_t)(uint8_t)v[0] | (uint32_t)(uint8_t)v[1] << 8 |
	       (uint32_t)(uint8_t)v[2] << 16 | (uint32_t)(uint8_t)v[3] << 24;
}

static bool vendor_is(const struct cpuid_regs *r, const char *v)
{
	return r->ebx == word(v) && r->edx == word(v + 4) &&
	       r->ecx == word(v + 8);
}

void spec_ctrl_choose(const struct cpu_ops *cpu, struct spec_ctrl *s)
{
	struct cpuid_regs r;

	*s = (struct spec_ctrl){0};
	cpu->cpuid(cpu->ctx, 0, 0, &r);
	s->intel = vendor_is(&r, "GenuineIntel");
	if (!s->intel)
		return; /* L1TF and MDS are Intel's (and VMX is) */
	if (r.eax >= 7) {
		cpu->cpuid(cpu->ctx, 7, 0, &r);
		s->cpuid7_edx = r.edx;
	}
	s->has_arch_caps = s->cpuid7_edx & CPUID7_EDX_ARCH_CAPABILITIES;
	if (s->has_arch_caps)
		s->arch_caps = cpu->rdmsr(cpu->ctx, MSR_IA32_ARCH_CAPABILITIES);
	s->l1tf = !(s->arch_caps & ARCH_CAP_RDCL_NO);
	s->mds = !(s->arch_caps & ARCH_CAP_MDS_NO);
	/* SKIP_L1DFL_VMENTRY: a hypervisor below has flushed already (or
	 * the part needs none on VM entry). */
	s->l1d_flush_needed =
		s->l1tf && !(s->arch_caps & ARCH_CAP_SKIP_L1DFL_VMENTRY);
	if (s->l1d_flush_needed && (s->cpuid7_edx & CPUID7_EDX_L1D_FLUSH))
		s->flush = ENTRY_FLUSH_L1D;
	else if (s->mds && (s->cpuid7_edx & CPUID7_EDX_MD_CLEAR))
		s->flush = ENTRY_FLUSH_VERW;
}

static const char *l1tf_text(const struct spec_ctrl *s)
{
	if (!s->l1tf)
		return "not affected (RDCL_NO)";
	if (!s->l1d_flush_needed)
		return "affected; no flush needed on VM entry "
		       "(SKIP_L1DFL_VMENTRY)";
	if (s->flush == ENTRY_FLUSH_L1D)
		return "affected; L1D flushed before every VM entry "
		       "(IA32_FLUSH_CMD)";
	return "affected; NOT mitigated: no L1D_FLUSH (microcode update "
	       "needed)";
}

static const char *mds_text(const struct spec_ctrl *s)
{
	if (!s->mds)
		return "not affected (MDS_NO)";
	if (s->flush == ENTRY_FLUSH_L1D)
		return "affected; CPU buffers cleared by the L1D flush";
	if (s->flush == ENTRY_FLUSH_VERW)
		return "affected; CPU buffers cleared before every VM entry "
		       "(VERW, MD_CLEAR)";
	return "affected; NOT mitigated: no MD_CLEAR (microcode update "
	       "needed)";
}

void spec_ctrl_report(const struct spec_ctrl *s)
{
	if (!s->intel) {
		hv_printf("  speculative isolation: not an Intel CPU, no L1TF "
			  "or MDS\n");
		return;
	}
	if (s->has_arch_caps)
		hv_printf("  speculative isolation (CPUID.(EAX=7,ECX=0):EDX = "
			  "0x%08x, IA32_ARCH_CAPABILITIES = 0x%lx)\n",
			  s->cpuid7_edx, s->arch_caps);
	else
		hv_printf("  speculative isolation (CPUID.(EAX=7,ECX=0):EDX = "
			  "0x%08x, no IA32_ARCH_CAPABILITIES)\n",
			  s->cpuid7_edx);
	hv_printf("    %-40s %s\n", "L1TF", l1tf_text(s));
	hv_printf("    %-40s %s\n", "MDS", mds_text(s));
}
