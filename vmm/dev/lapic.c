/* The local APIC model, in x2APIC and xAPIC mode. Single CPU: an ICR
 * write reaches this APIC only when it includes itself (shorthand "self"
 * or "all including self", its own ID, or the broadcast ID), as Linux's
 * self-IPIs and IPI-to-all do; anything else has no CPU to go to and is
 * dropped. */
#include "dev/lapic.h"

/* Version 0x14 (an integrated APIC), LVT entries 0-5 (SDM 3A 11.4.8,
 * "Local APIC Version Register"); no EOI-broadcast suppression. */
#define LAPIC_VERSION 0x00050014u
/* Version bit 24: "Suppress EOI-broadcasts" supported, and with it SVR bit
 * 12 writable (SDM 3A 11.8.5, "Signaling Interrupt Servicing Completion";
 * figure 11-23, "Spurious-Interrupt Vector Register (SVR)"). */
#define LAPIC_VERSION_EOI_BROADCAST_SUPPRESSION (1u << 24)
#define SVR_EOI_BROADCAST_SUPPRESSION (1u << 12)
/* Vector, APIC software enable, focus processor checking (bit 9); bit 12
 * only where the version register offers it. */
#define SVR_WRITABLE                                                \
	(0x000003ffu |                                              \
	 ((LAPIC_VERSION & LAPIC_VERSION_EOI_BROADCAST_SUPPRESSION) \
		  ? SVR_EOI_BROADCAST_SUPPRESSION                   \
		  : 0u))
#define ICR_SHORTHAND_SHIFT 18
#define ICR_SHORTHAND_NONE 0u
#define ICR_SHORTHAND_SELF 1u
#define ICR_SHORTHAND_ALL_INCLUDING_SELF 2u
/* Destination mode, bit 11: 0 physical, 1 logical. */
#define ICR_DESTINATION_LOGICAL (1u << 11)
/* In x2APIC mode a destination of FFFFFFFFH is the broadcast to every
 * APIC, physical or logical (SDM 3A 11.12.9, "ICR Operation in x2APIC
 * Mode"). */
#define X2APIC_BROADCAST 0xffffffffu
/* SDM 3A figure 11-28, "Interrupt Command Register (ICR)". */
#define ICR_WRITABLE 0xffffffff000cffffull
#define ESR_SEND_ILLEGAL_VECTOR (1u << 5)
#define ESR_RECEIVE_ILLEGAL_VECTOR (1u << 6)
#define ESR_ILLEGAL_REGISTER (1u << 7)
/* xAPIC mode: the ID in bits 31:24; ICR's destination in bits 63:56 and
 * FFH its broadcast; the LDR's logical ID in bits 31:24 and the DFR's
 * model in bits 31:28, flat (FH) or cluster (0H), the rest reading as
 * ones (SDM 3A 11.4.6, "Local APIC ID"; 11.6.2.2, "Logical Destination
 * Mode"; figures 11-13 and 11-14). The delivery status bit (12) always
 * reads idle: an IPI here is delivered at once. */
#define XAPIC_ID_SHIFT 24
#define XAPIC_DEST_SHIFT 56
#define XAPIC_BROADCAST 0xffu
#define XAPIC_LDR_MASK 0xff000000u
#define XAPIC_DFR_RESERVED 0x0fffffffu
#define XAPIC_DFR_FLAT 0xfu
#define ICR_DELIVERY_STATUS (1u << 12)

/* What software may set in each LVT entry (SDM 3A figure 11-8, "Local
 * Vector Table"): the rest is reserved or read-only status. */
static const uint32_t lvt_writable[LVT_COUNT] = {
	[LVT_TIMER] = 0x000700ffu,   /* vector, mask, timer mode */
	[LVT_THERMAL] = 0x000107ffu, /* vector, delivery mode, mask */
	[LVT_PERF] = 0x000107ffu,
	[LVT_LINT0] = 0x0001a7ffu, /* + polarity, trigger mode */
	[LVT_LINT1] = 0x0001a7ffu,
	[LVT_ERROR] = 0x000100ffu,
};

/* The page's registers that live there alone (lapic.h). */
#define TPR LAPIC_OFFSET(X2APIC_TPR)
#define ISR LAPIC_OFFSET(X2APIC_ISR0)
#define TMR LAPIC_OFFSET(X2APIC_TMR0)
#define IRR LAPIC_OFFSET(X2APIC_IRR0)
#define ICR_LOW LAPIC_OFFSET(X2APIC_ICR)
#define ICR_HIGH LAPIC_OFFSET(X2APIC_ICR_HIGH)

static uint32_t *reg(struct lapic *l, uint32_t offset)
{
	return &l->page[offset >> 2];
}

/* ISR, TMR and IRR: 256 bits in eight 32-bit words, 16 bytes apart
 * (SDM 3A 11.8.4, "Interrupt Acceptance for Fixed Interrupts"). */
static uint32_t *vector_word(struct lapic *l, uint32_t map, unsigned int v)
{
	return reg(l, map + ((v >> 5) & 7u) * 16u);
}

static void set_bit256(struct lapic *l, uint32_t map, unsigned int v)
{
	*vector_word(l, map, v) |= 1u << (v & 31);
}

static void clear_bit256(struct lapic *l, uint32_t map, unsigned int v)
{
	*vector_word(l, map, v) &= ~(1u << (v & 31));
}

static bool test_bit256(const struct lapic *l, uint32_t map, unsigned int v)
{
	return lapic_reg(l, map + ((v >> 5) & 7u) * 16u) & (1u << (v & 31));
}

static int highest256(const struct lapic *l, uint32_t map)
{
	for (int w = 7; w >= 0; w--) {
		uint32_t word = lapic_reg(l, map + (uint32_t)w * 16u);

		if (word)
			return w * 32 + 31 - __builtin_clz(word);
	}
	return -1;
}

/* The registers kept in struct lapic, copied to the page for the reads
 * the CPU answers from it (SDM 3C 30.4.2, "Virtualizing Reads from the
 * APIC-Access Page": ID, version, LDR, DFR, SVR, ESR, the LVT, the
 * initial count and the divide configuration; EOI reads 0). After every
 * write, so that the page never shows a value the model did not take. */
static void publish(struct lapic *l)
{
	*reg(l, LAPIC_OFFSET(X2APIC_ID)) = l->id << 24;
	*reg(l, LAPIC_OFFSET(X2APIC_VERSION)) = LAPIC_VERSION;
	*reg(l, LAPIC_OFFSET(X2APIC_EOI)) = 0;
	*reg(l, LAPIC_OFFSET(X2APIC_LDR)) = l->xapic_ldr;
	*reg(l, LAPIC_OFFSET(X2APIC_DFR)) = l->xapic_dfr;
	*reg(l, LAPIC_OFFSET(X2APIC_SVR)) = l->svr;
	*reg(l, LAPIC_OFFSET(X2APIC_ESR)) = l->esr;
	for (unsigned int i = 0; i < LVT_COUNT; i++)
		*reg(l, LAPIC_OFFSET(X2APIC_LVT_TIMER) + 16u * i) = l->lvt[i];
	*reg(l, LAPIC_OFFSET(X2APIC_TIMER_INITIAL)) = l->timer_initial;
	*reg(l, LAPIC_OFFSET(X2APIC_TIMER_DIVIDE)) = l->timer_divide;
}

void lapic_init(struct lapic *l, uint32_t id)
{
	*l = (struct lapic){
		.id = id, .svr = 0xff, .level_eoi = -1, .xapic_dfr = ~0u};
	for (int i = 0; i < LVT_COUNT; i++)
		l->lvt[i] = LAPIC_LVT_MASKED;
	publish(l);
}

static bool sw_enabled(const struct lapic *l)
{
	return l->svr & LAPIC_SVR_ENABLE;
}

static unsigned int timer_mode(const struct lapic *l)
{
	return (l->lvt[LVT_TIMER] >> LAPIC_TIMER_MODE_SHIFT) & 3u;
}

/* Divide configuration bits 3, 1:0 (SDM 3A figure 11-10, "Divide
 * Configuration Register"): 111b divides by 1, n by 2^(n+1). As a shift
 * of the TSC. */
static unsigned int divide_shift(const struct lapic *l)
{
	unsigned int n = ((l->timer_divide >> 1) & 4u) | (l->timer_divide & 3u);

	return n == 7 ? 0 : n + 1;
}

static uint64_t period(const struct lapic *l)
{
	return (uint64_t)l->timer_initial << divide_shift(l);
}

/* Writing the initial count (re)starts a one-shot or periodic count;
 * writing 0 stops it (SDM 3A 11.5.4, "APIC Timer"). */
static void start_count(struct lapic *l, uint64_t now)
{
	l->timer_start = now;
	l->timer_deadline =
		(l->timer_initial && timer_mode(l) != LAPIC_TIMER_TSC_DEADLINE)
			? now + period(l)
			: 0;
}

static uint32_t current_count(const struct lapic *l, uint64_t now)
{
	if (!l->timer_deadline || timer_mode(l) == LAPIC_TIMER_TSC_DEADLINE ||
	    now >= l->timer_deadline)
		return 0;
	return (uint32_t)((l->timer_deadline - now) >> divide_shift(l));
}

/* A new divide configuration while the timer counts: the count is a
 * register that goes on from its value at the new rate (the SDM names no
 * exception; KVM's update_target_expiration() does the same), so the TSC
 * ticks left are rescaled, and the current count reads as before instead
 * of the remaining ticks divided by the new divisor. */
static void write_divide(struct lapic *l, uint32_t divide, uint64_t now)
{
	unsigned int old_shift = divide_shift(l);
	bool counting = l->timer_deadline &&
			timer_mode(l) != LAPIC_TIMER_TSC_DEADLINE &&
			now < l->timer_deadline;
	uint64_t left = counting ? l->timer_deadline - now : 0;

	l->timer_divide = divide;
	if (!counting)
		return;
	unsigned int new_shift = divide_shift(l);

	left = new_shift >= old_shift ? left << (new_shift - old_shift)
				      : left >> (old_shift - new_shift);
	/* Never 0: that would read as "idle"; the count fires next. */
	l->timer_deadline = now + (left ? left : 1);
}

static uint32_t ppr(const struct lapic *l)
{
	int isrv = highest256(l, ISR);
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0u;
	uint32_t tpr = lapic_reg(l, TPR);

	return (tpr & 0xf0u) >= isr_class ? tpr & 0xffu : isr_class;
}

/* The logical ID an x2APIC derives from its ID (SDM 3A 11.12.10.2,
 * "Deriving Logical x2APIC ID from the Local x2APIC ID"). */
static uint32_t ldr(const struct lapic *l)
{
	return ((l->id >> 4) << 16) | (1u << (l->id & 0xf));
}

bool lapic_read(struct lapic *l, uint32_t msr, uint64_t now, uint64_t *value)
{
	if (msr >= X2APIC_ISR0 && msr < X2APIC_IRR0 + 8) {
		*value = lapic_reg(l, LAPIC_OFFSET(msr)); /* ISR, TMR, IRR */
		return true;
	}
	if (msr >= X2APIC_LVT_TIMER && msr < X2APIC_LVT_TIMER + LVT_COUNT) {
		*value = l->lvt[msr - X2APIC_LVT_TIMER];
		return true;
	}
	switch (msr) {
	case X2APIC_ID:
		*value = l->id;
		return true;
	case X2APIC_VERSION:
		*value = LAPIC_VERSION;
		return true;
	case X2APIC_TPR:
		*value = lapic_reg(l, TPR);
		return true;
	case X2APIC_PPR:
		*value = ppr(l);
		return true;
	case X2APIC_LDR:
		*value = ldr(l);
		return true;
	case X2APIC_SVR:
		*value = l->svr;
		return true;
	case X2APIC_ESR:
		*value = l->esr;
		return true;
	case X2APIC_ICR:
		*value = (uint64_t)lapic_reg(l, ICR_HIGH) << 32 |
			 lapic_reg(l, ICR_LOW);
		return true;
	case X2APIC_TIMER_INITIAL:
		*value = l->timer_initial;
		return true;
	case X2APIC_TIMER_CURRENT:
		*value = current_count(l, now);
		return true;
	case X2APIC_TIMER_DIVIDE:
		*value = l->timer_divide;
		return true;
	}
	return false; /* EOI and SELF IPI are write-only; others reserved */
}

/* An error detected (SDM 3A 11.5.3, "Error Handling"): it waits, unseen,
 * until software writes the ESR, which then shows every error since the
 * last write. The first error since that write raises the LVT error
 * interrupt; the ESR write rearms it. */
static void record_error(struct lapic *l, uint32_t esr_bits)
{
	bool first = !l->esr_pending;
	uint32_t lvt = l->lvt[LVT_ERROR];

	l->esr_pending |= esr_bits;
	if (!first || (lvt & LAPIC_LVT_MASKED))
		return;
	if ((lvt & 0xffu) < LAPIC_FIRST_LEGAL_VECTOR)
		l->esr_pending |= ESR_RECEIVE_ILLEGAL_VECTOR;
	else
		set_bit256(l, IRR, lvt & 0xffu);
}

/* An interrupt for this APIC: an IPI that includes it, a self IPI, its
 * timer (all edge-triggered), or an I/O APIC message. An illegal vector
 * is an error, never an IRR bit. */
static void receive_triggered(struct lapic *l, unsigned int vector, bool level)
{
	if (vector < LAPIC_FIRST_LEGAL_VECTOR) {
		record_error(l, ESR_RECEIVE_ILLEGAL_VECTOR);
		return;
	}
	set_bit256(l, IRR, vector);
	if (level)
		set_bit256(l, TMR, vector);
	else
		clear_bit256(l, TMR, vector);
	l->received++;
}

static void receive(struct lapic *l, unsigned int vector)
{
	receive_triggered(l, vector, false);
}

void lapic_deliver(struct lapic *l, unsigned int vector, bool level)
{
	receive_triggered(l, vector & 0xffu, level);
}

static void write_lvt(struct lapic *l, enum lapic_lvt i, uint64_t value)
{
	unsigned int old_mode = timer_mode(l);
	uint32_t v = (uint32_t)value & lvt_writable[i];

	/* While software-disabled, every entry stays masked (SDM 3A
	 * 11.4.7.2, "Local APIC State After It Has Been Software
	 * Disabled"). */
	if (!sw_enabled(l))
		v |= LAPIC_LVT_MASKED;
	l->lvt[i] = v;
	/* A change of timer mode stops the timer (SDM 3A 11.5.4.1,
	 * "TSC-Deadline Mode"). */
	if (i == LVT_TIMER && timer_mode(l) != old_mode) {
		l->timer_initial = 0;
		l->timer_deadline = 0;
		l->tsc_deadline = 0;
	}
}

/* Whether an IPI reaches this APIC (SDM 3A 11.6.1, "Interrupt Command
 * Register (ICR)"): shorthand "self" or "all including self" (not "all
 * excluding self"); with no shorthand, the broadcast ID, else its own ID
 * in physical mode, or in logical mode its cluster with its bit in the
 * mask (SDM 3A 11.12.10, "Logical Destination Mode in x2APIC Mode"). */
static bool xapic_dest_includes_self(const struct lapic *l, uint64_t value)
{
	uint32_t dest = (uint32_t)(value >> XAPIC_DEST_SHIFT);
	uint32_t logical = l->xapic_ldr >> XAPIC_ID_SHIFT;

	if (dest == XAPIC_BROADCAST)
		return true;
	if (!(value & ICR_DESTINATION_LOGICAL))
		return dest == (l->id & 0xffu);
	if (l->xapic_dfr >> 28 == XAPIC_DFR_FLAT)
		return dest & logical;
	/* cluster model: cluster in bits 7:4, a member bit in 3:0 */
	return dest >> 4 == logical >> 4 && (dest & logical & 0xfu);
}

static bool icr_includes_self(const struct lapic *l, uint64_t value)
{
	uint32_t dest = (uint32_t)(value >> 32);

	switch ((value >> ICR_SHORTHAND_SHIFT) & 3u) {
	case ICR_SHORTHAND_SELF:
	case ICR_SHORTHAND_ALL_INCLUDING_SELF:
		return true;
	case ICR_SHORTHAND_NONE:
		if (l->xapic)
			return xapic_dest_includes_self(l, value);
		if (dest == X2APIC_BROADCAST)
			return true;
		if (value & ICR_DESTINATION_LOGICAL)
			return dest >> 16 == ldr(l) >> 16 &&
			       (dest & ldr(l) & 0xffffu);
		return dest == l->id;
	}
	return false;
}

static void write_icr(struct lapic *l, uint64_t value)
{
	unsigned int vector = value & 0xffu;

	/* The delivery status reads idle: an IPI here is sent at once. */
	value &= ICR_WRITABLE & ~(uint64_t)ICR_DELIVERY_STATUS;
	*reg(l, ICR_LOW) = (uint32_t)value;
	*reg(l, ICR_HIGH) = (uint32_t)(value >> 32);
	if ((value & LAPIC_DELIVERY_MODE) != LAPIC_DELIVERY_FIXED)
		return;
	if (vector < LAPIC_FIRST_LEGAL_VECTOR)
		record_error(l, ESR_SEND_ILLEGAL_VECTOR);
	if (icr_includes_self(l, value))
		receive(l, vector);
}

/* The highest vector in service is done; a level-triggered one's EOI
 * goes on to the I/O APIC (SDM 3A 11.8.5, "Signaling Interrupt Servicing
 * Completion"). */
static void eoi(struct lapic *l)
{
	int v = highest256(l, ISR);

	if (v < 0)
		return;
	clear_bit256(l, ISR, (unsigned int)v);
	if (test_bit256(l, TMR, (unsigned int)v))
		l->level_eoi = v;
}

int lapic_take_level_eoi(struct lapic *l)
{
	int v = l->level_eoi;

	l->level_eoi = -1;
	return v;
}

bool lapic_extint_open(const struct lapic *l)
{
	uint32_t lint0 = l->lvt[LVT_LINT0];

	return sw_enabled(l) && !(lint0 & LAPIC_LVT_MASKED) &&
	       (lint0 & LAPIC_DELIVERY_MODE) == LAPIC_DELIVERY_EXTINT;
}

static bool write_register(struct lapic *l, uint32_t msr, uint64_t value,
			   uint64_t now)
{
	/* Every x2APIC register is 32 bits but ICR (SDM 3A 11.12.1.2,
	 * "x2APIC Register Address Space"): bits 63:32 set elsewhere raise
	 * #GP, the LVT entries' included. */
	if (msr != X2APIC_ICR && value >> 32)
		return false;
	if (msr >= X2APIC_LVT_TIMER && msr < X2APIC_LVT_TIMER + LVT_COUNT) {
		write_lvt(l, (enum lapic_lvt)(msr - X2APIC_LVT_TIMER), value);
		return true;
	}
	switch (msr) {
	case X2APIC_TPR:
		*reg(l, TPR) = (uint32_t)value & 0xffu;
		return true;
	case X2APIC_EOI: /* x2APIC: a non-zero EOI write raises #GP */
		if (value)
			return false;
		eoi(l);
		return true;
	case X2APIC_SVR:
		l->svr = (uint32_t)value & SVR_WRITABLE;
		if (!sw_enabled(l))
			for (int i = 0; i < LVT_COUNT; i++)
				l->lvt[i] |= LAPIC_LVT_MASKED;
		return true;
	case X2APIC_ESR: /* x2APIC: only 0 may be written */
		if (value)
			return false;
		l->esr = l->esr_pending; /* record_error() */
		l->esr_pending = 0;
		return true;
	case X2APIC_ICR:
		write_icr(l, value);
		return true;
	case X2APIC_TIMER_INITIAL:
		l->timer_initial = (uint32_t)value;
		start_count(l, now);
		return true;
	case X2APIC_TIMER_DIVIDE:
		write_divide(l, (uint32_t)value & 0xbu, now);
		return true;
	case X2APIC_SELF_IPI:
		if (value & ~0xffull)
			return false;
		if (value < LAPIC_FIRST_LEGAL_VECTOR)
			record_error(l, ESR_SEND_ILLEGAL_VECTOR);
		receive(l, (unsigned int)value);
		return true;
	}
	return false; /* read-only or reserved */
}

bool lapic_write(struct lapic *l, uint32_t msr, uint64_t value, uint64_t now)
{
	bool ok = write_register(l, msr, value, now);

	publish(l);
	return ok;
}

uint64_t lapic_read_tsc_deadline(const struct lapic *l)
{
	return timer_mode(l) == LAPIC_TIMER_TSC_DEADLINE ? l->tsc_deadline : 0;
}

/* Outside TSC-deadline mode the write is ignored (SDM 3A 11.5.4.1,
 * "TSC-Deadline Mode"). */
void lapic_write_tsc_deadline(struct lapic *l, uint64_t deadline)
{
	if (timer_mode(l) != LAPIC_TIMER_TSC_DEADLINE)
		return;
	l->tsc_deadline = deadline;
	l->timer_deadline = deadline;
}

uint64_t lapic_next_event(const struct lapic *l)
{
	return l->timer_deadline;
}

void lapic_update(struct lapic *l, uint64_t now)
{
	if (!l->timer_deadline || now < l->timer_deadline)
		return;
	if (!(l->lvt[LVT_TIMER] & LAPIC_LVT_MASKED))
		receive(l, l->lvt[LVT_TIMER] & 0xffu);
	switch (timer_mode(l)) {
	case LAPIC_TIMER_PERIODIC: {
		/* The next period starts where this one ended, so late
		 * wake-ups do not drift; missed periods coalesce into one. */
		uint64_t p = period(l);

		l->timer_deadline += p * ((now - l->timer_deadline) / p + 1);
		l->timer_start = l->timer_deadline - p;
		break;
	}
	case LAPIC_TIMER_TSC_DEADLINE:
		l->tsc_deadline = 0;
		l->timer_deadline = 0;
		break;
	default:
		l->timer_deadline = 0;
		break;
	}
}

bool lapic_timer_can_interrupt(const struct lapic *l)
{
	uint32_t lvt = l->lvt[LVT_TIMER];
	uint32_t vector = lvt & 0xffu;

	return l->timer_deadline && sw_enabled(l) &&
	       !(lvt & LAPIC_LVT_MASKED) &&
	       vector >= LAPIC_FIRST_LEGAL_VECTOR &&
	       (vector & 0xf0u) > (ppr(l) & 0xf0u);
}

int lapic_pending(const struct lapic *l)
{
	int v = highest256(l, IRR);

	if (v < 0 || !sw_enabled(l))
		return -1;
	return ((uint32_t)v & 0xf0u) > (ppr(l) & 0xf0u) ? v : -1;
}

void lapic_accept(struct lapic *l, unsigned int vector)
{
	clear_bit256(l, IRR, vector);
	set_bit256(l, ISR, vector);
}

void lapic_return(struct lapic *l, unsigned int vector)
{
	clear_bit256(l, ISR, vector);
	set_bit256(l, IRR, vector);
}

uint64_t lapic_cr8(const struct lapic *l)
{
	return (lapic_reg(l, TPR) >> 4) & 0xfu;
}

void lapic_set_cr8(struct lapic *l, uint64_t cr8)
{
	*reg(l, TPR) = (uint32_t)(cr8 & 0xfu) << 4;
}

void lapic_set_xapic(struct lapic *l, bool xapic)
{
	l->xapic = xapic;
}

/* The register behind an xAPIC offset, as its x2APIC MSR: offset / 16
 * (SDM 3A 11.12.1.2, "x2APIC Register Address Space"). */
static uint32_t xapic_register(uint32_t offset)
{
	return X2APIC_FIRST + (offset >> 4);
}

static bool xapic_access_ok(uint32_t offset, unsigned int size)
{
	return size == 4 && !(offset & 0xfu) &&
	       offset <= LAPIC_MMIO_LAST_REGISTER;
}

bool lapic_mmio_read(struct lapic *l, uint32_t offset, unsigned int size,
		     uint64_t now, uint32_t *value)
{
	uint64_t v = 0;

	*value = 0;
	if (!xapic_access_ok(offset, size))
		return false;
	switch (xapic_register(offset)) {
	case X2APIC_ID:
		*value = l->id << XAPIC_ID_SHIFT;
		return true;
	case X2APIC_APR: /* no bus arbitration to report */
	case X2APIC_EOI: /* write-only: reads 0 */
		return true;
	case X2APIC_LDR:
		*value = l->xapic_ldr;
		return true;
	case X2APIC_DFR:
		*value = l->xapic_dfr;
		return true;
	case X2APIC_ICR:
		*value = lapic_reg(l, ICR_LOW);
		return true;
	case X2APIC_ICR_HIGH:
		*value = lapic_reg(l, ICR_HIGH);
		return true;
	case X2APIC_SELF_IPI: /* x2APIC only */
		break;
	default:
		if (lapic_read(l, xapic_register(offset), now, &v)) {
			*value = (uint32_t)v;
			return true;
		}
		break;
	}
	record_error(l, ESR_ILLEGAL_REGISTER);
	return true;
}

static bool mmio_write(struct lapic *l, uint32_t offset, unsigned int size,
		       uint32_t value, uint64_t now)
{
	uint32_t r = xapic_register(offset);

	if (!xapic_access_ok(offset, size))
		return false;
	switch (r) {
	case X2APIC_ID: /* kept: the PC's one APIC has ID 0 */
	case X2APIC_VERSION:
	case X2APIC_APR:
	case X2APIC_PPR:
		return true;
	case X2APIC_EOI: /* any value: xAPIC has no #GP to give */
		eoi(l);
		return true;
	case X2APIC_ESR: /* "write before read", whatever the value */
		l->esr = l->esr_pending;
		l->esr_pending = 0;
		return true;
	case X2APIC_LDR:
		l->xapic_ldr = value & XAPIC_LDR_MASK;
		return true;
	case X2APIC_DFR:
		l->xapic_dfr = value | XAPIC_DFR_RESERVED;
		return true;
	case X2APIC_ICR_HIGH:
		*reg(l, ICR_HIGH) = value & XAPIC_LDR_MASK;
		return true;
	case X2APIC_ICR: /* the low half sends */
		write_icr(l, (uint64_t)lapic_reg(l, ICR_HIGH) << 32 | value);
		return true;
	case X2APIC_SELF_IPI:
		break;
	default:
		if (write_register(l, r, value, now))
			return true;
		/* read-only registers (ISR, TMR, IRR, the current count)
		 * ignore writes; reserved ones are an error */
		if ((r >= X2APIC_ISR0 && r < X2APIC_IRR0 + 8) ||
		    r == X2APIC_TIMER_CURRENT)
			return true;
		break;
	}
	record_error(l, ESR_ILLEGAL_REGISTER);
	return true;
}

bool lapic_mmio_write(struct lapic *l, uint32_t offset, unsigned int size,
		      uint32_t value, uint64_t now)
{
	bool ok = mmio_write(l, offset, size, value, now);

	publish(l);
	return ok;
}

uint16_t lapic_guest_interrupt_status(const struct lapic *l)
{
	int rvi = sw_enabled(l) ? highest256(l, IRR) : -1;
	int svi = highest256(l, ISR);

	return (uint16_t)((rvi < 0 ? 0 : rvi) | (svi < 0 ? 0 : svi) << 8);
}

void lapic_eoi_exit_bitmap(const struct lapic *l, uint64_t bitmap[4])
{
	for (unsigned int i = 0; i < 4; i++)
		bitmap[i] = (uint64_t)lapic_reg(l, TMR + 32u * i + 16u) << 32 |
			    lapic_reg(l, TMR + 32u * i);
}

void lapic_virtualized_eoi(struct lapic *l, unsigned int vector)
{
	if (test_bit256(l, TMR, vector & 0xffu))
		l->level_eoi = (int)(vector & 0xffu);
}

void lapic_apic_write(struct lapic *l, uint32_t offset, uint64_t now)
{
	offset &= 0xff0u;
	lapic_mmio_write(l, offset, 4, lapic_reg(l, offset), now);
}
