/* A local APIC as a single-CPU Linux guest uses it, in x2APIC mode (SDM 3A
 * 11.12, "Extended XAPIC (x2APIC)": the registers behind MSRs
 * 0x800-0x8FF) or in xAPIC mode (11.4.1, "The Local APIC Block Diagram":
 * the same registers in a 4-KByte MMIO page, 16 bytes apart), with
 * IRR/ISR/TMR, TPR and PPR, EOI and its broadcast for level-triggered
 * interrupts (11.8.5), IPIs to itself, interrupts from outside (the I/O
 * APIC's messages, 11.8.4), and the timer in one-shot, periodic and
 * TSC-deadline mode (11.5.4, "APIC Timer"). Pure: time is the TSC value the caller passes, and
 * the caller injects what lapic_pending() offers. The timer's input clock
 * is the TSC itself (CPUID leaf 0x15 says so to the guest), divided by the
 * divide configuration register. */
#ifndef HV_LAPIC_H
#define HV_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* x2APIC MSRs: 0x800 + the xAPIC register offset / 16 (SDM 3A table
 * 11-6, "Local APIC Register Address Map Supported by x2APIC"). */
enum x2apic_msr {
	X2APIC_ID = 0x802,
	X2APIC_VERSION = 0x803,
	X2APIC_TPR = 0x808,
	X2APIC_APR = 0x809, /* xAPIC only: arbitration priority */
	X2APIC_PPR = 0x80a,
	X2APIC_EOI = 0x80b,
	X2APIC_LDR = 0x80d,
	X2APIC_DFR = 0x80e, /* xAPIC only: destination format */
	X2APIC_SVR = 0x80f,
	X2APIC_ISR0 = 0x810, /* ... 0x817 */
	X2APIC_TMR0 = 0x818, /* ... 0x81f */
	X2APIC_IRR0 = 0x820, /* ... 0x827 */
	X2APIC_ESR = 0x828,
	X2APIC_ICR = 0x830,
	X2APIC_ICR_HIGH = 0x831, /* xAPIC only: ICR bits 63:32 */
	X2APIC_LVT_TIMER = 0x832,
	X2APIC_LVT_THERMAL = 0x833,
	X2APIC_LVT_PERF = 0x834,
	X2APIC_LVT_LINT0 = 0x835,
	X2APIC_LVT_LINT1 = 0x836,
	X2APIC_LVT_ERROR = 0x837,
	X2APIC_TIMER_INITIAL = 0x838,
	X2APIC_TIMER_CURRENT = 0x839,
	X2APIC_TIMER_DIVIDE = 0x83e,
	X2APIC_SELF_IPI = 0x83f,
	X2APIC_FIRST = 0x800,
	X2APIC_LAST = 0x8ff,
};

/* The local vector table, in MSR order from X2APIC_LVT_TIMER. No CMCI:
 * the guest is shown no machine-check architecture. */
enum lapic_lvt {
	LVT_TIMER,
	LVT_THERMAL,
	LVT_PERF,
	LVT_LINT0,
	LVT_LINT1,
	LVT_ERROR,
	LVT_COUNT,
};

#define LAPIC_LVT_MASKED (1u << 16)
#define LAPIC_TIMER_MODE_SHIFT 17 /* LVT timer bits 18:17 */
#define LAPIC_TIMER_ONE_SHOT 0u
#define LAPIC_TIMER_PERIODIC 1u
#define LAPIC_TIMER_TSC_DEADLINE 2u
#define LAPIC_SVR_ENABLE (1u << 8) /* APIC software enable */
/* Vectors 0-15 are illegal for an interrupt: an APIC that sends or gets
 * one never delivers it (no IRR bit) and records it in the ESR (SDM 3A
 * 11.5.3, "Error Handling"; 11.5.2, "Valid Interrupt Vectors"). */
#define LAPIC_FIRST_LEGAL_VECTOR 16u
/* Delivery mode, bits 10:8 of an LVT entry and of the ICR (SDM 3A
 * 11.5.1, "Local Vector Table"; 11.6.1, "Interrupt Command Register
 * (ICR)"): fixed, and ExtINT (111b), which on LINT0 is the "virtual
 * wire" that takes the 8259's interrupts to the CPU. */
#define LAPIC_DELIVERY_MODE (7u << 8)
#define LAPIC_DELIVERY_FIXED (0u << 8)
#define LAPIC_DELIVERY_EXTINT (7u << 8)
/* The xAPIC's page: 4 KBytes, registers on 16-byte boundaries up to
 * 0x3F0 (SDM 3A table 11-1, "Local APIC Register Address Map"). */
#define LAPIC_MMIO_SIZE 0x1000u
#define LAPIC_MMIO_LAST_REGISTER 0x3f0u

/* The xAPIC page offset of a register, from its x2APIC MSR (SDM 3A
 * 11.12.1.2, "x2APIC Register Address Space"): MSR 0x800 + offset / 16. */
#define LAPIC_OFFSET(msr) (((uint32_t)(msr)-X2APIC_FIRST) << 4)

struct lapic {
	/* The registers as the xAPIC page lays them out (SDM 3A table 11-1),
	 * which is also the virtual-APIC page of the CPU's APIC
	 * virtualization (SDM 3C 30.1.1, "Virtualized APIC Registers"), so
	 * that the page can be handed to the VMCS as it is. TPR, ISR, TMR,
	 * IRR and ICR live here alone: with virtual-interrupt delivery the
	 * CPU itself moves vectors from IRR to ISR, clears ISR at an EOI,
	 * and writes TPR and ICR, without an exit. The other registers are
	 * kept below and copied here after every write (lapic.c: publish),
	 * for the reads the CPU answers from the page. */
	uint32_t page[LAPIC_MMIO_SIZE / 4] __attribute__((aligned(4096)));
	uint32_t id;
	bool xapic; /* xAPIC mode (MMIO) rather than x2APIC (MSRs) */
	uint32_t svr, esr;
	uint32_t esr_pending; /* errors since the last ESR write */
	uint32_t lvt[LVT_COUNT];
	/* a level-triggered vector's EOI, for the I/O APIC; -1: none */
	int level_eoi;
	uint32_t xapic_ldr, xapic_dfr; /* xAPIC: software sets the LDR */
	uint32_t timer_initial, timer_divide;
	uint64_t timer_start;	 /* TSC when the count was (re)loaded */
	uint64_t timer_deadline; /* TSC when the timer fires next; 0: idle */
	uint64_t tsc_deadline;	 /* IA32_TSC_DEADLINE as the guest wrote it */
	uint64_t received;	 /* interrupts accepted into IRR */
};

/* A register of the page (@offset 16-byte aligned, below 0x400). */
static inline uint32_t lapic_reg(const struct lapic *l, uint32_t offset)
{
	return l->page[(offset & 0x3f0u) >> 2];
}

/* After reset with x2APIC enabled (SDM 3A 11.12.5.1, "x2APIC States"): every
 * LVT masked, the APIC software-disabled (SVR 0xFF), TPR 0, nothing pending. */
void lapic_init(struct lapic *l, uint32_t id);

/* RDMSR/WRMSR of 0x800-0x8FF at TSC @now. False: #GP(0), as x2APIC
 * raises for reserved registers, writes to read-only ones, reads of
 * write-only ones and the reserved values listed in lapic.c. */
bool lapic_read(struct lapic *l, uint32_t msr, uint64_t now, uint64_t *value);
bool lapic_write(struct lapic *l, uint32_t msr, uint64_t value, uint64_t now);

/* The APIC's mode as IA32_APIC_BASE sets it (the PC's MSR code owns
 * that register and its transitions, SDM 3A 11.12.5): x2APIC or xAPIC.
 * Register state is kept, as on the transition xAPIC -> x2APIC; the way
 * back goes through disabled, which is lapic_init(). */
void lapic_set_xapic(struct lapic *l, bool xapic);

/* xAPIC mode: a 32-bit load or store at @offset in the APIC page. Other
 * sizes and offsets between registers are not architectural (SDM 3A
 * 11.4.1: "accessed using 128-bit aligned 32-bit loads or stores"):
 * false, and the caller reads zeros and drops the write. Reserved
 * registers read 0 and record "illegal register address" in the ESR;
 * read-only ones ignore writes, as a memory-mapped register does. */
bool lapic_mmio_read(struct lapic *l, uint32_t offset, unsigned int size,
		     uint64_t now, uint32_t *value);
bool lapic_mmio_write(struct lapic *l, uint32_t offset, unsigned int size,
		      uint32_t value, uint64_t now);

/* An interrupt message from outside the CPU (the I/O APIC's; SDM 3A
 * 11.8.4, "Interrupt Acceptance for Fixed Interrupts"): @vector pending
 * in IRR, and TMR set for a level-triggered one (cleared for an edge),
 * so that its EOI is broadcast back (lapic_take_level_eoi). */
void lapic_deliver(struct lapic *l, unsigned int vector, bool level);
/* After an EOI write: the level-triggered vector whose EOI the I/O APIC
 * must see (its Remote IRR), once; -1 when there is none. */
int lapic_take_level_eoi(struct lapic *l);
/* LINT0 unmasked as ExtINT on a software-enabled APIC: the 8259's
 * interrupts reach the CPU (SDM 3A 11.5.1). */
bool lapic_extint_open(const struct lapic *l);

/* IA32_TSC_DEADLINE (MSR 0x6E0): armed only in TSC-deadline mode; 0
 * disarms; a deadline in the past fires at the next lapic_update(). */
uint64_t lapic_read_tsc_deadline(const struct lapic *l);
void lapic_write_tsc_deadline(struct lapic *l, uint64_t deadline);

/* The TSC at which the timer fires next, or 0 if it will not: the VMM
 * sets the VMX-preemption timer to wake it then. */
uint64_t lapic_next_event(const struct lapic *l);
/* Fires the timer if it is due at @now: its vector becomes pending
 * (unless masked), a periodic timer reloads, the others go idle. */
void lapic_update(struct lapic *l, uint64_t now);

/* Whether the timer can still interrupt a CPU that only waits (HLT: no
 * APIC write, no EOI, no TPR change until an interrupt comes): it is
 * armed, the APIC software-enabled, its LVT entry unmasked, its vector
 * legal and of a class above the processor priority as it stands (SDM 3A
 * 11.8.3.1). False: nothing armed can ever be delivered. */
bool lapic_timer_can_interrupt(const struct lapic *l);
/* The vector to inject next: the highest pending one whose priority
 * class is above the processor priority (SDM 3A 11.8.3.1, "Task and Processor
 * Priorities"), or -1. */
int lapic_pending(const struct lapic *l);
/* @vector was delivered: it moves from IRR to ISR. */
void lapic_accept(struct lapic *l, unsigned int vector);
/* @vector, accepted, was not delivered after all (the VMM could not
 * deliver it again): back from ISR to IRR, pending as before. */
void lapic_return(struct lapic *l, unsigned int vector);
/* CR8 is TPR bits 7:4 (SDM 3A 11.8.6.1, "Interaction of Task Priorities
 * between CR8 and APIC"). */
uint64_t lapic_cr8(const struct lapic *l);
void lapic_set_cr8(struct lapic *l, uint64_t cr8);

/* The CPU's APIC virtualization (SDM 3C chapter 30, "APIC
 * Virtualization and Virtual Interrupts"), where hv uses it: the page is
 * the virtual-APIC page, the CPU delivers what IRR holds.
 *
 * The guest interrupt status for the next VM entry (SDM 3C 25.4.2,
 * "Guest Non-Register State"): RVI, the highest vector requested (0 while
 * the APIC is software-disabled: it delivers nothing), in bits 7:0, SVI,
 * the highest in service, in bits 15:8. */
uint16_t lapic_guest_interrupt_status(const struct lapic *l);
/* The EOI-exit bitmap (SDM 3C 25.6.8, "Controls for APIC
 * Virtualization"): the level-triggered vectors (TMR), whose EOI the I/O
 * APIC must see; the others' EOIs the CPU completes alone. */
void lapic_eoi_exit_bitmap(const struct lapic *l, uint64_t bitmap[4]);
/* An EOI-induced exit for @vector: the CPU already cleared its ISR bit;
 * a level-triggered vector's EOI goes on (lapic_take_level_eoi). */
void lapic_virtualized_eoi(struct lapic *l, unsigned int vector);
/* An APIC-write exit at @offset (trap-like: the guest's 32-bit value is
 * already in the page, SDM 3C 30.4.3.3, "APIC-Write VM Exits"): the
 * write as lapic_mmio_write() takes it, and the page put back to what
 * the registers now hold. */
void lapic_apic_write(struct lapic *l, uint32_t offset, uint64_t now);

#endif
