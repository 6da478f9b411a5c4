/* The MSRs a PC has beyond the common set (handle_msr.c): the local
 * APIC's (IA32_APIC_BASE, the x2APIC range, IA32_TSC_DEADLINE) and the
 * few a kernel reads at boot without a fallback. Every other MSR raises
 * #GP, which Linux's rdmsr_safe() takes as "not there". */
#include "pc/pc.h"
#include "util.h"
#include "x86/msr.h"

/* IA32_PLATFORM_INFO bits 15:8: the maximum non-turbo ratio, in units
 * of the 100-MHz bus clock (SDM 4, table 2-26). */
#define PLATFORM_INFO_RATIO_SHIFT 8
#define BUS_CLOCK_HZ 100000000ull
/* IA32_APIC_BASE in each mode: the base and BSP flag never change (this
 * PC's APIC does not move), EN and EXTD as the mode has them. */
#define PC_APIC_BASE_FIXED (PC_APIC_BASE & ~(APIC_BASE_EN | APIC_BASE_EXTD))
static const uint64_t apic_base_of_mode[] = {
	[PC_APIC_DISABLED] = PC_APIC_BASE_FIXED,
	[PC_APIC_XAPIC] = PC_APIC_BASE_FIXED | APIC_BASE_EN,
	[PC_APIC_X2APIC] = PC_APIC_BASE_FIXED | APIC_BASE_EN | APIC_BASE_EXTD,
};

/* The legal transitions between the modes (SDM 3A 11.12.5, "x2APIC State
 * Transitions", figure 11-32): disabled <-> xAPIC, xAPIC -> x2APIC, and
 * x2APIC -> disabled; x2APIC -> xAPIC and disabled -> x2APIC raise #GP,
 * as does EN=0 with EXTD=1 (invalid). Writing the mode it is in changes
 * nothing. */
static bool apic_transition_legal(enum pc_apic_mode from, enum pc_apic_mode to)
{
	if (from == to)
		return true;
	switch (from) {
	case PC_APIC_DISABLED:
		return to == PC_APIC_XAPIC;
	case PC_APIC_XAPIC:
		return true;
	case PC_APIC_X2APIC:
		return to == PC_APIC_DISABLED;
	}
	return false;
}

static enum pc_msr_result write_apic_base(struct pc *pc, uint64_t value)
{
	enum pc_apic_mode to = PC_APIC_DISABLED;

	while (to < COUNT_OF(apic_base_of_mode) &&
	       apic_base_of_mode[to] != value)
		to++;
	if (to == COUNT_OF(apic_base_of_mode) ||
	    !apic_transition_legal(pc->apic_mode, to))
		return PC_MSR_GP;
	/* Disabling the APIC puts it back as after reset, every LVT masked
	 * and nothing pending (SDM 3A 11.4.3, "Enabling or Disabling the
	 * Local APIC"; 11.4.7.1, "Local APIC State After Power-Up or
	 * Reset"); its MSRs then #GP and CPUID loses the APIC flag. */
	if (to == PC_APIC_DISABLED && pc->apic_mode != PC_APIC_DISABLED)
		lapic_init(&pc->lapic, pc->lapic.id);
	pc->apic_mode = to;
	lapic_set_xapic(&pc->lapic, to == PC_APIC_XAPIC);
	return PC_MSR_DONE;
}

enum pc_msr_result pc_msr_read(struct pc *pc, uint32_t msr, uint64_t now,
			       uint64_t *value)
{
	/* Outside x2APIC mode its MSRs raise #GP (SDM 3A 11.12.1.2,
	 * "x2APIC Register Address Space"). */
	if (msr >= X2APIC_FIRST && msr <= X2APIC_LAST) {
		if (pc->apic_mode != PC_APIC_X2APIC ||
		    !lapic_read(&pc->lapic, msr, now, value))
			return PC_MSR_GP;
		return PC_MSR_DONE;
	}
	switch (msr) {
	case MSR_IA32_APIC_BASE:
		*value = apic_base_of_mode[pc->apic_mode];
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
	case MSR_IA32_TSC_ADJUST:
		/* The guest's TSC is the processor's, never moved (SDM 3B
		 * 18.17.3, "Time-Stamp Counter Adjustment"). */
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
		if (pc->apic_mode != PC_APIC_X2APIC ||
		    !lapic_write(&pc->lapic, msr, value, now))
			return PC_MSR_GP;
		return PC_MSR_DONE;
	}
	switch (msr) {
	case MSR_IA32_APIC_BASE:
		return write_apic_base(pc, value);
	case MSR_IA32_TSC_DEADLINE:
		lapic_write_tsc_deadline(&pc->lapic, value);
		return PC_MSR_DONE;
	case MSR_IA32_MISC_ENABLE:
		/* Its bits are the platform's: writes change nothing. */
		return PC_MSR_DONE;
	case MSR_IA32_BIOS_SIGN_ID:
		/* Written 0 before CPUID to read the revision back. */
		return PC_MSR_DONE;
	case MSR_IA32_TSC_ADJUST:
		/* 0, what it reads, is no change; moving the guest's TSC
		 * would take TSC offsetting, which hv does not use, so any
		 * other value is refused rather than ignored (Linux only
		 * writes it to undo a firmware's adjustment, and reads 0). */
		return value ? PC_MSR_GP : PC_MSR_DONE;
	}
	return PC_MSR_NOT_MINE;
}
