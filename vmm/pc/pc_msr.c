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
/* IA32_APIC_BASE once the guest has disabled the APIC: EN and EXTD clear,
 * the base and BSP flag as they were. */
#define PC_APIC_BASE_DISABLED (PC_APIC_BASE & ~(APIC_BASE_EN | APIC_BASE_EXTD))

enum pc_msr_result pc_msr_read(struct pc *pc, uint32_t msr, uint64_t now,
			       uint64_t *value)
{
	/* Outside x2APIC mode its MSRs raise #GP (SDM 3A 11.12.1.2,
	 * "x2APIC Register Address Space"). */
	if (msr >= X2APIC_FIRST && msr <= X2APIC_LAST) {
		if (pc->apic_disabled ||
		    !lapic_read(&pc->lapic, msr, now, value))
			return PC_MSR_GP;
		return PC_MSR_DONE;
	}
	switch (msr) {
	case MSR_IA32_APIC_BASE:
		*value = pc->apic_disabled ? PC_APIC_BASE_DISABLED
					   : PC_APIC_BASE;
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
	if (msr >= X2APIC_FIRST && msr <= X2APIC_LAST) {
		if (pc->apic_disabled ||
		    !lapic_write(&pc->lapic, msr, value, now))
			return PC_MSR_GP;
		return PC_MSR_DONE;
	}
	switch (msr) {
	case MSR_IA32_APIC_BASE:
		/* The APIC stays where it is. Of the transitions out of
		 * x2APIC mode (SDM 3A 11.12.5, "x2APIC State Transitions"),
		 * x2APIC -> xAPIC is a #GP there too, and x2APIC -> disabled
		 * is legal: the APIC is then as after reset, every LVT masked
		 * and nothing pending (11.4.3, "Enabling or Disabling the
		 * Local APIC"; 11.4.7.1, "Local APIC State After Power-Up or
		 * Reset"), its MSRs #GP, CPUID's APIC flag
		 * clear. Out of disabled, x2APIC is a #GP there and xAPIC,
		 * whose registers are MMIO this PC does not have, is refused
		 * here: disabled lasts until reset. Writing the value it has
		 * changes nothing. */
		if (value ==
		    (pc->apic_disabled ? PC_APIC_BASE_DISABLED : PC_APIC_BASE))
			return PC_MSR_DONE;
		if (pc->apic_disabled || value != PC_APIC_BASE_DISABLED)
			return PC_MSR_GP;
		pc->apic_disabled = true;
		lapic_init(&pc->lapic, pc->lapic.id);
		return PC_MSR_DONE;
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
