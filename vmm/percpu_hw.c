/* hv's per-CPU state reached through GS (percpu.h). UEFI firmware for
 * x64 keeps nothing in GS (its per-CPU data is found through the APIC ID
 * or the MP services), so hv may point it at its own while it runs and
 * give the firmware's value back before it returns. */
#include "percpu.h"

#include "x86/arch.h"
#include "x86/msr.h"

uint64_t percpu_enter(struct hv_cpu *c, unsigned int index)
{
	uint64_t firmware_gs_base = rdmsr(MSR_IA32_GS_BASE);

	*c = (struct hv_cpu){.self = c, .index = index};
	wrmsr(MSR_IA32_GS_BASE, (uint64_t)c);
	return firmware_gs_base;
}

void percpu_leave(uint64_t firmware_gs_base)
{
	wrmsr(MSR_IA32_GS_BASE, firmware_gs_base);
}
