/* The PC's memory-mapped devices, at guest-physical addresses outside its
 * memory (so EPT maps nothing there and every access is an EPT-violation
 * exit that exit/handle_mmio.c decodes): the local APIC's page in xAPIC
 * mode and the I/O APIC's window. In x2APIC mode the APIC page is not
 * the APIC's (SDM 3A 11.12.1.2, "x2APIC Register Address Space": the
 * MMIO interface is not available), nor while the APIC is disabled: then
 * nothing is there, as at every other unbacked address. Pure. */
#include "pc/pc.h"

static bool in_page(uint64_t gpa, uint64_t base, uint64_t size)
{
	return gpa >= base && gpa - base < size;
}

static bool xapic_page(const struct pc *pc, uint64_t gpa)
{
	return pc->apic_mode == PC_APIC_XAPIC &&
	       in_page(gpa, APIC_DEFAULT_BASE, LAPIC_MMIO_SIZE);
}

bool pc_mmio_read(struct pc *pc, uint64_t gpa, unsigned int size, uint64_t now,
		  uint64_t *value)
{
	uint32_t v = 0;

	if (xapic_page(pc, gpa)) {
		/* An access that is not one 32-bit register reads 0. */
		if (!lapic_mmio_read(&pc->lapic,
				     (uint32_t)(gpa - APIC_DEFAULT_BASE), size,
				     now, &v))
			pc->mmio_odd++;
		*value = v;
		return true;
	}
	if (in_page(gpa, IOAPIC_DEFAULT_BASE, IOAPIC_MMIO_SIZE)) {
		*value = ioapic_read(&pc->ioapic, gpa - IOAPIC_DEFAULT_BASE,
				     size);
		return true;
	}
	return false;
}

bool pc_mmio_write(struct pc *pc, uint64_t gpa, unsigned int size,
		   uint64_t value, uint64_t now)
{
	if (xapic_page(pc, gpa)) {
		if (!lapic_mmio_write(&pc->lapic,
				      (uint32_t)(gpa - APIC_DEFAULT_BASE), size,
				      (uint32_t)value, now))
			pc->mmio_odd++;
		return true;
	}
	if (in_page(gpa, IOAPIC_DEFAULT_BASE, IOAPIC_MMIO_SIZE)) {
		ioapic_write(&pc->ioapic, gpa - IOAPIC_DEFAULT_BASE, size,
			     (uint32_t)value);
		return true;
	}
	return false;
}
