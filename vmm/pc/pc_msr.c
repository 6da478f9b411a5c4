/* The MSRs a PC has beyond the common set (handle_msr.c): the local
 * APIC's (IA32_APIC_BASE, the x2APIC range, IA32_TSC_DEADLINE) and the
 * few a kernel reads at boot without a fallback. Every other MSR raises
 * #GP, which Linux's rdmsr_safe() takes as "not there". */
#include "pc/pc.h"
#include "x86/msr.h"

/* IA32_PLATFORM_INFO bits 15:8: the maximum non-turbo ratio, in units
 * of the 100-MHz bus clock (SDM 4, table 2-26). */
#define PLATFORM_INFO_RATIO_SHIFT 8
#define BUS_CLOCK_HZ 100000000ull

enum pc_msr_result pc_msr_read(struct pc *pc, uint32_t msr, uint64_t now,
			       uint64_t *value)
{
	if (msr >= X2APIC_FIRST && msr <= X2APIC_LAST)
		return lapic_read(&pc->lapic, msr, now, value) ? PC_MSR_DONE
							       : PC_MSR_GP;
	switch (msr) {
	case MSR_IA32_APIC_BASE:
		*value = PC_APIC_BASE;
		return PC_MSR_DONE;
	case MSR_IA32_TSC_DEADLINE:
		*value = lapic_read_tsc_deadline(&pc->lapic);
		return PC_MSR_DONE;
	case MSR_IA32_MISC_ENABLE:
		*value = PC_MISC_ENABLE;
		return PC_MSR_DONE;
	case MSR_IA32_BIOS_SIGN_ID:
		/* No microcode update was loaded: revision 0. */
		*value = 0;
		return PC_MSR_DONE;
	case MSR_PLATFORM_INFO:
		*value = (pc->tsc_hz / BUS_CLOCK_HZ & 0xff)
			 << PLATFORM_INFO_RATIO_SHIFT;
		return PC_MSR_DONE;
	}
	return PC_MSR_NOT_MINE;
}

enum pc_msr_result pc_msr_write(struct pc *pc, uint32_t msr, uint64_t value,
				uint64_t now)
{
	if (msr >= X2APIC_FIRST && msr <= X2APIC_LAST)
		return lapic_write(&pc->lapic, msr, value, now) ? PC_MSR_DONE
								: PC_MSR_GP;
	switch (msr) {
	case MSR_IA32_APIC_BASE:
		/* The APIC stays where it is and in x2APIC mode: leaving
		 * x2APIC mode for xAPIC, whose registers are MMIO this PC
		 * does not have, is refused (SDM 3A 11.12.5, "x2APIC State
		 * Transitions", makes x2APIC -> xAPIC a #GP too). */
		return value == PC_APIC_BASE ? PC_MSR_DONE : PC_MSR_GP;
	case MSR_IA32_TSC_DEADLINE:
		lapic_write_tsc_deadline(&pc->lapic, value);
		return PC_MSR_DONE;
	case MSR_IA32_MISC_ENABLE:
		/* Its bits are the platform's: writes change nothing. */
		return PC_MSR_DONE;
	case MSR_IA32_BIOS_SIGN_ID:
		/* Written 0 before CPUID to read the revision back. */
		return PC_MSR_DONE;
	}
	return PC_MSR_NOT_MINE;
}
