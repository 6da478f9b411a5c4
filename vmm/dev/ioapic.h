/* The PC's I/O APIC, an Intel 82093AA as Linux's io_apic.c drives it
 * (82093AA I/O APIC data sheet, 3.0, "Register Description"; the
 * messages it sends, SDM 3A 11.11, "Message Signalled Interrupts", and
 * 11.6.2, "Determining IPI Destination"): the MMIO window of IOREGSEL
 * (offset 0x00) and IOWIN (0x10), and behind it IOAPICID, IOAPICVER
 * (version 0x11, 24 pins), IOAPICARB and the 24 redirection entries.
 *
 * Pure: the PC records each pin's input line with ioapic_set_irq, takes
 * the interrupt messages due with ioapic_next_message and gives their
 * vectors to its local APIC; the local APIC's EOI of a level-triggered
 * vector comes back as ioapic_eoi. Everything a message can carry that
 * the PC's one CPU cannot take (an illegal vector, a delivery mode other
 * than fixed or lowest priority, a destination that is not its local
 * APIC) is dropped and counted in ioapic.dropped (ioapic.c says why for
 * each), so whatever a guest writes, a message is always a vector for
 * that CPU, and the caller's loop "while a message: deliver it" always
 * ends (a pin gives one message an edge, or one a level until the EOI). */
#ifndef HV_IOAPIC_H
#define HV_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* Where PCs put the first I/O APIC (82093AA 3.0: the registers at
 * FEC0_xy00H and FEC0_xy10H, x and y from APICBASE, both 0 at reset), and
 * the page the PC gives its window; the MADT names the base. */
#define IOAPIC_DEFAULT_BASE 0xfec00000ull
#define IOAPIC_MMIO_SIZE 0x1000u
/* The window (82093AA 3.1, "Memory Mapped Registers for Accessing IOAPIC
 * Registers"): offsets from the base, 32-bit accesses. */
#define IOAPIC_IOREGSEL 0x00u
#define IOAPIC_IOWIN 0x10u
/* The registers IOREGSEL selects (82093AA 3.2, "IOAPIC Registers"):
 * entry n's low dword at IOAPIC_IOREDTBL + 2n, its high dword after. */
#define IOAPIC_REG_ID 0x00u
#define IOAPIC_REG_VER 0x01u
#define IOAPIC_REG_ARB 0x02u
#define IOAPIC_IOREDTBL 0x10u
#define IOAPIC_PINS 24u
/* IOAPICID and IOAPICARB (3.2.1, "IOAPICID—IOAPIC Identification
 * Register"; 3.2.3, "IOAPICARB—IOAPIC Arbitration Register"): the 4-bit
 * ID in bits 27:24. */
#define IOAPIC_ID_SHIFT 24u
#define IOAPIC_ID_MASK 0x0f000000u
/* IOAPICVER (3.2.2, "IOAPICVER—IOAPIC Version Register"): version 0x11 in bits 7:0, the highest entry's index
 * (23) in bits 23:16. */
#define IOAPIC_VERSION 0x11u
#define IOAPIC_VER_MAX_ENTRY_SHIFT 16u

/* A redirection entry (3.2.4, "IOREDTBL[23:0]—I/O Redirection Table
 * Registers"), as one 64-bit value. */
#define IOAPIC_RTE_VECTOR 0x00000000000000ffull
#define IOAPIC_RTE_DELIVERY_MODE_SHIFT 8u
#define IOAPIC_RTE_DELIVERY_MODE 0x0000000000000700ull
#define IOAPIC_RTE_DEST_LOGICAL 0x0000000000000800ull
#define IOAPIC_RTE_DELIVERY_STATUS 0x0000000000001000ull /* read-only */
#define IOAPIC_RTE_ACTIVE_LOW 0x0000000000002000ull	 /* polarity */
#define IOAPIC_RTE_REMOTE_IRR 0x0000000000004000ull	 /* read-only */
#define IOAPIC_RTE_LEVEL 0x0000000000008000ull		 /* trigger mode */
#define IOAPIC_RTE_MASKED 0x0000000000010000ull
#define IOAPIC_RTE_DEST_SHIFT 56u
/* What software may write: the rest is read-only or reserved (reads 0). */
#define IOAPIC_RTE_WRITABLE 0xff0000000001afffull
/* Delivery modes (bits 10:8; 011 and 110 reserved). */
#define IOAPIC_DELIVERY_FIXED 0u
#define IOAPIC_DELIVERY_LOWEST_PRIORITY 1u
#define IOAPIC_DELIVERY_SMI 2u
#define IOAPIC_DELIVERY_NMI 4u
#define IOAPIC_DELIVERY_INIT 5u
#define IOAPIC_DELIVERY_EXTINT 7u

/* Why a message was dropped: ioapic.dropped's index. */
enum ioapic_drop {
	IOAPIC_DROP_ILLEGAL_VECTOR, /* vector 0-15 */
	IOAPIC_DROP_DELIVERY_MODE,  /* neither fixed nor lowest priority */
	IOAPIC_DROP_DESTINATION,    /* not the local APIC asked about */
	IOAPIC_DROP_REASONS,
};

struct ioapic {
	uint32_t id;	 /* IOAPICID as read: the ID in bits 27:24 */
	uint32_t regsel; /* IOREGSEL bits 7:0 */
	/* the entries as written, Remote IRR (bit 14) the model's own;
	 * Delivery Status is computed as they are read */
	uint64_t rte[IOAPIC_PINS];
	/* one bit a pin: */
	uint32_t line;	  /* the input's electrical level, 1 high */
	uint32_t edge;	  /* an edge latched, its message not yet sent */
	uint32_t refused; /* a level pin's message dropped: not again until
			     its line falls or its entry is written */
	uint64_t dropped[IOAPIC_DROP_REASONS];
};

/* An interrupt for the local APIC. */
struct ioapic_message {
	uint8_t vector; /* 16-255 */
	/* IOAPIC_DELIVERY_FIXED or _LOWEST_PRIORITY: with one CPU the same */
	uint8_t delivery_mode;
	/* level-triggered: the local APIC sets the vector's TMR bit, so
	 * that its EOI is broadcast back (ioapic_eoi) */
	bool level;
	bool logical;	     /* destination mode */
	uint8_t destination; /* as the entry has it */
	uint8_t pin;
};

/* Power-on (3.2.4: the mask bits set at reset): every pin masked, every
 * entry's other bits 0, every line low, IOAPICID @id (bits 3:0). */
void ioapic_init(struct ioapic *io, uint8_t id);
/* A read or write of @size bytes at @offset from the base. Only 32-bit
 * accesses of IOREGSEL and IOWIN reach a register: any other read gives
 * all ones and any other write is ignored (ioapic.c). */
uint32_t ioapic_read(const struct ioapic *io, uint64_t offset,
		     unsigned int size);
void ioapic_write(struct ioapic *io, uint64_t offset, unsigned int size,
		  uint32_t value);
/* Pin @pin's input is now electrically @level (true: high). Whether that
 * is asserted is the entry's polarity: an edge-triggered pin latches an
 * interrupt when its input becomes asserted while unmasked (a masked
 * pin's edge is lost, 3.2.4), a level-triggered pin is due for as long
 * as it stays asserted. Pins past 23 are ignored. */
void ioapic_set_irq(struct ioapic *io, unsigned int pin, bool level);
/* The next message due for the local APIC with ID @apic_id, false when
 * there is none: a latched edge, or an asserted level pin whose Remote
 * IRR is clear (Remote IRR is then set until ioapic_eoi). Unmasked pins
 * only, lowest pin first. */
bool ioapic_next_message(struct ioapic *io, uint32_t apic_id,
			 struct ioapic_message *m);
/* The local APIC's EOI for level-triggered @vector: Remote IRR cleared
 * in every entry with that vector (3.2.4), so that a line still asserted
 * is due again. */
void ioapic_eoi(struct ioapic *io, uint8_t vector);

#endif
