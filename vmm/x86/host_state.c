#include "x86/host_state.h"

#include <stddef.h>

#include "print.h"
#include "util.h"

/* Every register of struct host_state, named as the SDM names it. */
static const struct {
	const char *name;
	size_t offset;
} registers[] = {
#define REG(field, name)                                 \
	{                                                \
		name, offsetof(struct host_state, field) \
	}
	REG(cr0, "CR0"),
	REG(cr2, "CR2"),
	REG(cr3, "CR3"),
	REG(cr4, "CR4"),
	REG(rflags_if, "RFLAGS.IF"),
	REG(gdtr_base, "GDTR base"),
	REG(gdtr_limit, "GDTR limit"),
	REG(idtr_base, "IDTR base"),
	REG(idtr_limit, "IDTR limit"),
	REG(dr0, "DR0"),
	REG(dr1, "DR1"),
	REG(dr2, "DR2"),
	REG(dr3, "DR3"),
	REG(dr6, "DR6"),
	REG(dr7, "DR7"),
	REG(efer, "IA32_EFER"),
	REG(pat, "IA32_PAT"),
	REG(feature_control, "IA32_FEATURE_CONTROL"),
	REG(debugctl, "IA32_DEBUGCTL"),
	REG(sysenter_cs, "IA32_SYSENTER_CS"),
	REG(sysenter_esp, "IA32_SYSENTER_ESP"),
	REG(sysenter_eip, "IA32_SYSENTER_EIP"),
	REG(fs_base, "IA32_FS_BASE"),
	REG(gs_base, "IA32_GS_BASE"),
	REG(kernel_gs_base, "IA32_KERNEL_GS_BASE"),
	REG(star, "IA32_STAR"),
	REG(lstar, "IA32_LSTAR"),
	REG(cstar, "IA32_CSTAR"),
	REG(fmask, "IA32_FMASK"),
	REG(tr, "TR"),
	REG(rflags_if_after_run, "RFLAGS.IF right after the run"),
#undef REG
};

#define REGISTER_COUNT (COUNT_OF(registers))

_Static_assert(REGISTER_COUNT * sizeof(uint64_t) == sizeof(struct host_state),
	       "every field of struct host_state is compared");

static uint64_t value_of(const struct host_state *s, size_t i)
{
	return *(const uint64_t *)((const char *)s + registers[i].offset);
}

unsigned int host_state_compare(const struct host_state *before,
				const struct host_state *after)
{
	unsigned int changed = 0;

	for (size_t i = 0; i < REGISTER_COUNT; i++) {
		uint64_t b = value_of(before, i), a = value_of(after, i);

		if (a == b)
			continue;
		if (!changed++)
			hv_printf("hv: host state after the run: CHANGED\n");
		hv_printf("hv:   %s was 0x%lx, is 0x%lx\n", registers[i].name,
			  b, a);
	}
	if (!changed)
		hv_printf("hv: host state after the run: as before (%u "
			  "registers compared)\n",
			  (unsigned int)REGISTER_COUNT);
	return changed;
}
