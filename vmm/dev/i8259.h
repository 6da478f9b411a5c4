/* The PC's two 8259A programmable interrupt controllers, master at ports
 * 0x20/0x21 and slave at 0xA0/0xA1 cascaded on the master's IR2, and the
 * edge/level control registers (ELCR) at 0x4D0/0x4D1 that PCI-era
 * chipsets add (Intel 8259A data sheet: "Initialization Command Words",
 * "Operation Command Words"; PIIX4 data sheet, 4.1.12, "ELCR1/ELCR2").
 * What Linux's i8259 driver does with it (arch/x86/kernel/i8259.c):
 * probe_8259A writes a mask and reads it back (all ones, what an absent
 * PIC gives, fails that, and Linux then has no legacy IRQs at all, so
 * the ACPI SCI and rtc-cmos cannot request IRQ 9 and 8); init_8259A sends
 * ICW1-ICW4 to both; mask_and_ack and the spurious check use OCW1, OCW2
 * (EOI) and OCW3 (read IRR or ISR).
 *
 * Modelled: the initialization sequence (ICW1-ICW4, single or cascade,
 * ICW4 or not), IMR (OCW1), specific and non-specific EOI (OCW2), reads
 * of IRR, ISR and IMR (OCW3), the poll command, automatic EOI, and an
 * edge-triggered IRR that i8259_set_irq raises and i8259_ack turns into
 * a vector by fixed priority (IR0 highest, the slave's at IR2). Not
 * modelled: rotation (OCW2 R), special mask and special fully nested
 * mode, level-triggered sensing, 8080/8085 mode. Wired (pc_run.c): COM1 raises
 * IRQ 4, and INTR reaches the CPU when the local APIC is globally
 * disabled or its LINT0 is ExtINT ("virtual wire"). Pure. */
#ifndef HV_I8259_H
#define HV_I8259_H

#include <stdbool.h>
#include <stdint.h>

#define I8259_MASTER 0x20u /* command; data at +1 */
#define I8259_SLAVE 0xa0u
#define I8259_ELCR 0x4d0u /* master's ELCR; the slave's at +1 */
#define I8259_CASCADE_IR 2u
#define I8259_IRQS 16u

/* ICW1 (to the command port, bit 4 set): ICW4 needed, single (no
 * cascade), level-triggered (ignored here). */
#define I8259_ICW1 0x10u
#define I8259_ICW1_IC4 0x01u
#define I8259_ICW1_SNGL 0x02u
#define I8259_ICW1_LTIM 0x08u
/* ICW4: 8086 mode, automatic EOI. */
#define I8259_ICW4_8086 0x01u
#define I8259_ICW4_AEOI 0x02u
/* OCW2 (bits 4:3 = 00): EOI (bit 5), specific (bit 6, level in 2:0),
 * rotate (bit 7). OCW3 (bits 4:3 = 01): read register (bit 1) ISR or IRR
 * (bit 0), poll (bit 2). */
#define I8259_OCW_SELECT 0x18u
#define I8259_OCW3 0x08u
#define I8259_OCW2_EOI 0x20u
#define I8259_OCW2_SL 0x40u
#define I8259_OCW3_RR 0x02u
#define I8259_OCW3_RIS 0x01u
#define I8259_OCW3_POLL 0x04u
/* ELCR bits that exist: IRQ 0-2, 8 and 13 are edge only (PIIX4). */
#define I8259_ELCR_MASTER_MASK 0xf8u
#define I8259_ELCR_SLAVE_MASK 0xdeu

struct i8259 {
	uint8_t irr, isr, imr;
	uint8_t vector_base; /* ICW2 bits 7:3 */
	uint8_t icw3;
	uint8_t init_step; /* 0: initialized; 2, 3, 4: the ICW expected */
	bool icw4_needed, single, auto_eoi;
	bool read_isr; /* OCW3: the command port reads ISR (else IRR) */
	bool poll;     /* OCW3: the next command-port read polls */
};

struct i8259_pair {
	struct i8259 pic[2]; /* master, slave */
	uint8_t elcr[2];
};

/* Power-on: every IRQ masked, vectors 0 until initialized. */
void i8259_init(struct i8259_pair *p);
/* @port one of 0x20, 0x21, 0xA0, 0xA1, 0x4D0, 0x4D1; false for others. */
bool i8259_owns(uint16_t port);
uint8_t i8259_read(struct i8259_pair *p, uint16_t port);
void i8259_write(struct i8259_pair *p, uint16_t port, uint8_t value);
/* An edge on ISA IRQ @irq (0-15): its IRR bit set. */
void i8259_set_irq(struct i8259_pair *p, unsigned int irq);
/* Whether the pair raises INTR: i8259_ack() would give a vector. */
bool i8259_pending(const struct i8259_pair *p);
/* The CPU's interrupt acknowledge: the vector of the highest-priority
 * unmasked request not below one in service, IRR moved to ISR (unless
 * automatic EOI); -1 when there is none. */
int i8259_ack(struct i8259_pair *p);

#endif
