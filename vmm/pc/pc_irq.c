/* The PC's interrupt wiring, as on a PC with an I/O APIC (Intel MultiProcessor
 * Specification 1.4, 3.6.2.3, "Symmetric I/O Mode"; 3.6.2.2, "Virtual
 * Wire Mode"; the MADT's interrupt source overrides, acpi_tables.c):
 *
 *   device line -> ISA IRQ n -> 8259 IR n   -> INTR -> LINT0 (ExtINT) -> CPU
 *                            -> I/O APIC pin n (IRQ 0: pin 2)
 *                                            -> message -> local APIC -> CPU
 *
 * Every ISA line goes to both controllers; the guest decides which one it
 * listens to by masking the other (Linux masks the 8259 and LINT0 once it
 * uses the I/O APIC, and with `noapic` uses the 8259 through LINT0). With
 * the local APIC globally disabled, INTR goes to the CPU directly. Pure:
 * pc_run.c calls these before each VM entry and while the guest waits in
 * HLT. */
#include "pc/pc.h"

/* The MADT's override: the 8254's IRQ 0 is the I/O APIC's pin 2; the
 * other ISA IRQs are the pins of their number. */
static unsigned int isa_irq_pin(unsigned int irq)
{
	return irq == 0 ? PC_IRQ0_GSI : irq;
}

/* The line of ISA IRQ @irq is now @level: a rising edge is an 8259
 * request (edge-triggered, as Linux programs it: ELCR aside, the model
 * has no level sensing); the I/O APIC sees the line itself. */
static void set_isa_irq(struct pc *pc, unsigned int irq, bool level)
{
	uint16_t bit = (uint16_t)(1u << irq);

	if (level == !!(pc->isa_lines & bit))
		return;
	pc->isa_lines ^= bit;
	if (level)
		i8259_set_irq(&pc->pic, irq);
	ioapic_set_irq(&pc->ioapic, isa_irq_pin(irq), level);
}

void pc_irq_update(struct pc *pc, uint64_t now)
{
	set_isa_irq(pc, PC_COM1_IRQ, uart16550_irq_line(&pc->uart));
	set_isa_irq(pc, PC_RTC_IRQ, mc146818_irq(&pc->rtc, now));
	int eoi = lapic_take_level_eoi(&pc->lapic);

	if (eoi >= 0)
		ioapic_eoi(&pc->ioapic, (uint8_t)eoi);
	/* A globally disabled local APIC takes no messages: the I/O APIC
	 * keeps them (a latched edge, an asserted level) until it can. */
	if (pc->apic_mode == PC_APIC_DISABLED)
		return;
	struct ioapic_message m;

	while (ioapic_next_message(&pc->ioapic, pc->lapic.id, &m))
		lapic_deliver(&pc->lapic, m.vector, m.level);
}

/* INTR reaches the CPU: LINT0 as ExtINT, or no local APIC in the way. */
static bool pic_reaches_cpu(const struct pc *pc)
{
	return pc->apic_mode == PC_APIC_DISABLED ||
	       lapic_extint_open(&pc->lapic);
}

bool pc_irq_waiting(const struct pc *pc)
{
	if (pc->apic_mode != PC_APIC_DISABLED && lapic_pending(&pc->lapic) >= 0)
		return true;
	return pic_reaches_cpu(pc) && i8259_pending(&pc->pic);
}

/* The local APIC's interrupts are hv's to inject: an enabled APIC
 * without the CPU's virtual-interrupt delivery. */
static bool apic_injected(const struct pc *pc)
{
	return pc->apic_mode != PC_APIC_DISABLED && !pc->apicv;
}

bool pc_irq_to_inject(const struct pc *pc)
{
	if (apic_injected(pc) && lapic_pending(&pc->lapic) >= 0)
		return true;
	return pic_reaches_cpu(pc) && i8259_pending(&pc->pic);
}

uint16_t pc_irq_guest_interrupt_status(const struct pc *pc)
{
	uint16_t status = lapic_guest_interrupt_status(&pc->lapic);

	return pc->apic_mode == PC_APIC_DISABLED ? status & 0xff00u : status;
}

int pc_irq_take(struct pc *pc)
{
	int vector = apic_injected(pc) ? lapic_pending(&pc->lapic) : -1;

	if (vector >= 0) {
		lapic_accept(&pc->lapic, (unsigned int)vector);
		return vector;
	}
	/* The 8259's vector is known only at the acknowledge (its INTA
	 * cycle), which is now. */
	return pic_reaches_cpu(pc) ? i8259_ack(&pc->pic) : -1;
}

/* Whether a request on ISA IRQ @irq would reach the CPU as things are
 * set up: its I/O APIC pin unmasked with a software-enabled local APIC,
 * or its 8259 input unmasked with INTR reaching the CPU. */
static bool isa_irq_routed(const struct pc *pc, unsigned int irq)
{
	const struct i8259 *chip = &pc->pic.pic[irq / 8];
	bool pic =
		pic_reaches_cpu(pc) && !(chip->imr & (1u << (irq % 8))) &&
		(irq < 8 || !(pc->pic.pic[0].imr & (1u << I8259_CASCADE_IR)));
	bool ioapic = pc->apic_mode != PC_APIC_DISABLED &&
		      (pc->lapic.svr & LAPIC_SVR_ENABLE) &&
		      !(pc->ioapic.rte[isa_irq_pin(irq)] & IOAPIC_RTE_MASKED);

	return pic || ioapic;
}

bool pc_irq_input_can_wake(const struct pc *pc)
{
	return (pc->uart.ier & UART_IER_RDI) &&
	       (pc->uart.mcr & UART_MCR_OUT2) &&
	       isa_irq_routed(pc, PC_COM1_IRQ);
}

bool pc_irq_rtc_can_wake(const struct pc *pc, uint64_t now)
{
	return mc146818_next_event(&pc->rtc, now) != UINT64_MAX &&
	       isa_irq_routed(pc, PC_RTC_IRQ);
}
