/* The 82093AA model (ioapic.h). One CPU: a message either reaches its
 * local APIC or goes nowhere.
 *
 * What the data sheet leaves open, and what this model does:
 * - Registers IOREGSEL selects that do not exist (3-0xF, past entry 23)
 *   read 0 and ignore writes, as reserved bits do; only accesses of the
 *   window that are not 32-bit, or not at IOREGSEL or IOWIN, read all
 *   ones, as an address nothing decodes (3.1: software accesses both as
 *   dwords).
 * - An edge latched while the pin was unmasked waits, Delivery Status 1
 *   ("send pending"), until the PC takes it, and if the pin is masked
 *   meanwhile, until it is unmasked; an edge while masked is lost.
 * - Writing an entry as edge-triggered clears its Remote IRR (undefined
 *   for edge pins, 3.2.4): Linux's __eoi_ioapic_pin ends a level
 *   interrupt on a version 0x11 I/O APIC, which has no EOI register, by
 *   writing the entry as edge-triggered and then back as level.
 * - Changing an entry's polarity is not an edge: edges are seen as the
 *   line changes (ioapic_set_irq).
 * - Lines start low, deasserted for the active-high pins the MADT
 *   describes (the ISA IRQs, the SCI); a pin the guest makes active-low
 *   sees its idle line asserted, as the chip would. */
#include "dev/ioapic.h"

#include "dev/lapic.h"
/* Physical destination FFH is every APIC (SDM 3A 11.6.2.1, "Physical
 * Destination Mode"). */
#define IOAPIC_BROADCAST 0xffu
/* Logical destination in the flat model (11.6.2.2, "Logical Destination
 * Mode"): the destination is a mask of eight logical IDs; an APIC whose
 * ID is n below 8 has bit n (Linux's flat driver writes LDR so, and an
 * x2APIC's derived logical ID for IDs 0-7 is that bit in cluster 0). */
#define IOAPIC_FLAT_IDS 8u
#define IOAPIC_REGSEL_MASK 0xffu

static uint32_t bit(unsigned int pin)
{
	return 1u << pin;
}

void ioapic_init(struct ioapic *io, uint8_t id)
{
	*io = (struct ioapic){
		.id = ((uint32_t)id << IOAPIC_ID_SHIFT) & IOAPIC_ID_MASK,
	};
	for (unsigned int pin = 0; pin < IOAPIC_PINS; pin++)
		io->rte[pin] = IOAPIC_RTE_MASKED;
}

static bool asserted(const struct ioapic *io, unsigned int pin)
{
	bool high = io->line & bit(pin);

	return io->rte[pin] & IOAPIC_RTE_ACTIVE_LOW ? !high : high;
}

/* The pin of a redirection entry register, or IOAPIC_PINS. */
static unsigned int rte_pin(uint32_t reg)
{
	if (reg < IOAPIC_IOREDTBL || reg >= IOAPIC_IOREDTBL + 2 * IOAPIC_PINS)
		return IOAPIC_PINS;
	return (reg - IOAPIC_IOREDTBL) / 2;
}

static uint32_t read_register(const struct ioapic *io)
{
	unsigned int pin = rte_pin(io->regsel);
	uint64_t v;

	switch (io->regsel) {
	case IOAPIC_REG_ID:
		return io->id;
	case IOAPIC_REG_VER:
		return (IOAPIC_PINS - 1) << IOAPIC_VER_MAX_ENTRY_SHIFT |
		       IOAPIC_VERSION;
	case IOAPIC_REG_ARB:
		/* loaded from IOAPICID whenever that is written (3.2.3) */
		return io->id;
	}
	if (pin == IOAPIC_PINS)
		return 0;
	v = io->rte[pin];
	if (io->edge & bit(pin))
		v |= IOAPIC_RTE_DELIVERY_STATUS;
	return io->regsel & 1 ? (uint32_t)(v >> 32) : (uint32_t)v;
}

static void write_rte(struct ioapic *io, unsigned int pin, bool high,
		      uint32_t value)
{
	uint64_t old = io->rte[pin];
	uint64_t v = high ? (uint64_t)value << 32 | (old & 0xffffffffu)
			  : (old & ~0xffffffffull) | value;

	v = (v & IOAPIC_RTE_WRITABLE) | (old & IOAPIC_RTE_REMOTE_IRR);
	if (v & IOAPIC_RTE_LEVEL)
		io->edge &= ~bit(pin); /* a level pin is its line */
	else
		v &= ~IOAPIC_RTE_REMOTE_IRR;
	io->rte[pin] = v;
	/* a refused message is tried again with what was written */
	io->refused &= ~bit(pin);
}

static void write_register(struct ioapic *io, uint32_t value)
{
	unsigned int pin = rte_pin(io->regsel);

	if (io->regsel == IOAPIC_REG_ID)
		io->id = value & IOAPIC_ID_MASK;
	else if (pin < IOAPIC_PINS)
		write_rte(io, pin, io->regsel & 1, value);
	/* IOAPICVER and IOAPICARB are read-only; the rest is not there */
}

uint32_t ioapic_read(const struct ioapic *io, uint64_t offset,
		     unsigned int size)
{
	if (size != 4)
		return ~0u;
	if (offset == IOAPIC_IOREGSEL)
		return io->regsel;
	if (offset == IOAPIC_IOWIN)
		return read_register(io);
	return ~0u;
}

void ioapic_write(struct ioapic *io, uint64_t offset, unsigned int size,
		  uint32_t value)
{
	if (size != 4)
		return;
	if (offset == IOAPIC_IOREGSEL)
		io->regsel = value & IOAPIC_REGSEL_MASK;
	else if (offset == IOAPIC_IOWIN)
		write_register(io, value);
}

void ioapic_set_irq(struct ioapic *io, unsigned int pin, bool level)
{
	if (pin >= IOAPIC_PINS)
		return;
	bool was = asserted(io, pin);
	uint64_t e = io->rte[pin];

	if (level)
		io->line |= bit(pin);
	else
		io->line &= ~bit(pin);
	bool now = asserted(io, pin);

	if (e & IOAPIC_RTE_LEVEL) {
		if (!now)
			io->refused &= ~bit(pin);
		return;
	}
	if (now && !was && !(e & IOAPIC_RTE_MASKED))
		io->edge |= bit(pin);
}

static bool reaches(const struct ioapic_message *m, uint32_t apic_id)
{
	if (m->logical)
		return apic_id < IOAPIC_FLAT_IDS &&
		       (m->destination & (1u << apic_id));
	return m->destination == IOAPIC_BROADCAST || m->destination == apic_id;
}

/* The message entry @e sends, or false (counted) when the PC's CPU would
 * not take it: SMI (no SMM here), NMI, INIT and ExtINT (an INTA cycle to
 * the 8259s) are events the PC does not deliver, and the reserved modes
 * none at all; a destination that is not its local APIC has no CPU; an
 * illegal vector the local APIC would refuse. */
static bool message(struct ioapic *io, unsigned int pin, uint32_t apic_id,
		    struct ioapic_message *m)
{
	uint64_t e = io->rte[pin];

	*m = (struct ioapic_message){
		.vector = (uint8_t)(e & IOAPIC_RTE_VECTOR),
		.delivery_mode = (uint8_t)((e & IOAPIC_RTE_DELIVERY_MODE) >>
					   IOAPIC_RTE_DELIVERY_MODE_SHIFT),
		.level = e & IOAPIC_RTE_LEVEL,
		.logical = e & IOAPIC_RTE_DEST_LOGICAL,
		.destination = (uint8_t)(e >> IOAPIC_RTE_DEST_SHIFT),
		.pin = (uint8_t)pin,
	};
	if (m->delivery_mode != IOAPIC_DELIVERY_FIXED &&
	    m->delivery_mode != IOAPIC_DELIVERY_LOWEST_PRIORITY) {
		io->dropped[IOAPIC_DROP_DELIVERY_MODE]++;
		return false;
	}
	if (!reaches(m, apic_id)) {
		io->dropped[IOAPIC_DROP_DESTINATION]++;
		return false;
	}
	/* The local APIC would not take it but set "receive illegal
	 * vector" in its ESR: dropped here. */
	if (m->vector < LAPIC_FIRST_LEGAL_VECTOR) {
		io->dropped[IOAPIC_DROP_ILLEGAL_VECTOR]++;
		return false;
	}
	return true;
}

/* A level pin's message is sent while its line is asserted and Remote
 * IRR clear, and sets Remote IRR (the local APIC accepted it). One that is
 * dropped leaves Remote IRR clear (nothing accepted it) and is not tried
 * again until the line falls or the entry is written, so that a pin held
 * asserted with junk in its entry gives one drop, not one a call. An
 * edge's latch is spent whether its message is sent or dropped. */
bool ioapic_next_message(struct ioapic *io, uint32_t apic_id,
			 struct ioapic_message *m)
{
	for (unsigned int pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t e = io->rte[pin];

		if (e & IOAPIC_RTE_MASKED)
			continue;
		if (e & IOAPIC_RTE_LEVEL) {
			if (!asserted(io, pin) || e & IOAPIC_RTE_REMOTE_IRR ||
			    io->refused & bit(pin))
				continue;
			if (!message(io, pin, apic_id, m)) {
				io->refused |= bit(pin);
				continue;
			}
			io->rte[pin] |= IOAPIC_RTE_REMOTE_IRR;
			return true;
		}
		if (!(io->edge & bit(pin)))
			continue;
		io->edge &= ~bit(pin);
		if (message(io, pin, apic_id, m))
			return true;
	}
	return false;
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
	for (unsigned int pin = 0; pin < IOAPIC_PINS; pin++)
		if ((io->rte[pin] & IOAPIC_RTE_VECTOR) == vector)
			io->rte[pin] &= ~IOAPIC_RTE_REMOTE_IRR;
}
