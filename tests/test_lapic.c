/* The x2APIC model: registers as Linux reads them at boot, interrupt
 * priority and EOI, and the timer in its three modes against a TSC the
 * test moves by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dev/lapic.h"

static struct lapic l;

static int setup(void **state)
{
	(void)state;
	lapic_init(&l, 0);
	return 0;
}

static uint64_t rd(uint32_t msr, uint64_t now)
{
	uint64_t v = 0xdeadull;

	assert_true(lapic_read(&l, msr, now, &v));
	return v;
}

static void wr(uint32_t msr, uint64_t v, uint64_t now)
{
	assert_true(lapic_write(&l, msr, v, now));
}

static void enable(void)
{
	wr(X2APIC_SVR, LAPIC_SVR_ENABLE | 0xff, 0);
}

static void test_reset_state(void **state)
{
	(void)state;
	lapic_init(&l, 3);
	assert_int_equal(rd(X2APIC_ID, 0), 3);
	assert_int_equal(rd(X2APIC_VERSION, 0) & 0xff, 0x14);
	assert_int_equal((rd(X2APIC_VERSION, 0) >> 16) & 0xff, LVT_COUNT - 1);
	assert_int_equal(rd(X2APIC_LDR, 0), 1u << 3);
	assert_int_equal(rd(X2APIC_SVR, 0), 0xff);
	for (uint32_t m = X2APIC_LVT_TIMER; m <= X2APIC_LVT_ERROR; m++)
		assert_int_equal(rd(m, 0), LAPIC_LVT_MASKED);
	assert_int_equal(lapic_pending(&l), -1);
}

/* x2APIC's #GP cases: reserved registers, read-only ones written,
 * write-only ones read, non-zero EOI and ESR writes, high bits. */
static void test_gp_cases(void **state)
{
	uint64_t v;

	(void)state;
	assert_false(lapic_read(&l, X2APIC_EOI, 0, &v));
	assert_false(lapic_read(&l, X2APIC_SELF_IPI, 0, &v));
	assert_false(lapic_read(&l, 0x801, 0, &v));
	assert_false(lapic_read(&l, 0x82f, 0, &v)); /* no CMCI */
	assert_false(lapic_write(&l, X2APIC_ID, 1, 0));
	assert_false(lapic_write(&l, X2APIC_VERSION, 1, 0));
	assert_false(lapic_write(&l, X2APIC_PPR, 0, 0));
	assert_false(lapic_write(&l, X2APIC_TIMER_CURRENT, 0, 0));
	assert_false(lapic_write(&l, X2APIC_IRR0, 0, 0));
	assert_false(lapic_write(&l, X2APIC_EOI, 1, 0));
	assert_false(lapic_write(&l, X2APIC_ESR, 1, 0));
	assert_false(lapic_write(&l, X2APIC_TPR, 1ull << 32, 0));
	assert_false(lapic_write(&l, X2APIC_SELF_IPI, 0x100, 0));
	assert_true(lapic_write(&l, X2APIC_EOI, 0, 0));
	assert_true(lapic_write(&l, X2APIC_ESR, 0, 0));
}

static void test_software_disable_masks_lvt(void **state)
{
	(void)state;
	wr(X2APIC_LVT_TIMER, 0x30, 0);
	assert_int_equal(rd(X2APIC_LVT_TIMER, 0), LAPIC_LVT_MASKED | 0x30);
	enable();
	wr(X2APIC_LVT_TIMER, 0x30, 0);
	assert_int_equal(rd(X2APIC_LVT_TIMER, 0), 0x30);
	wr(X2APIC_SVR, 0xff, 0);
	assert_int_equal(rd(X2APIC_LVT_TIMER, 0), LAPIC_LVT_MASKED | 0x30);
}

static void test_self_ipi_priority_and_eoi(void **state)
{
	(void)state;
	enable();
	wr(X2APIC_SELF_IPI, 0x41, 0);
	wr(X2APIC_ICR, (1ull << 18) | 0xe1, 0); /* shorthand self */
	wr(X2APIC_ICR, (5ull << 32) | 0x51, 0); /* another CPU: dropped */
	assert_int_equal(rd(X2APIC_IRR0 + 2, 0), 1u << 1);
	assert_int_equal(lapic_pending(&l), 0xe1);
	lapic_accept(&l, 0xe1);
	assert_int_equal(rd(X2APIC_ISR0 + 7, 0), 1u << 1);
	assert_int_equal(rd(X2APIC_PPR, 0), 0xe0);
	/* 0x41 is of a lower class than the one in service. */
	assert_int_equal(lapic_pending(&l), -1);
	wr(X2APIC_EOI, 0, 0);
	assert_int_equal(rd(X2APIC_PPR, 0), 0);
	assert_int_equal(lapic_pending(&l), 0x41);
	/* TPR holds it back; CR8 is TPR's class. */
	lapic_set_cr8(&l, 4);
	assert_int_equal(rd(X2APIC_TPR, 0), 0x40);
	assert_int_equal(lapic_pending(&l), -1);
	wr(X2APIC_TPR, 0x3f, 0);
	assert_int_equal(lapic_cr8(&l), 3);
	assert_int_equal(lapic_pending(&l), 0x41);
}

/* An accepted vector that could not be delivered goes back to pending. */
static void test_returned_vector_is_pending_again(void **state)
{
	(void)state;
	enable();
	wr(X2APIC_SELF_IPI, 0x41, 0);
	assert_int_equal(lapic_pending(&l), 0x41);
	lapic_accept(&l, 0x41);
	assert_int_equal(lapic_pending(&l), -1);
	lapic_return(&l, 0x41);
	assert_int_equal(lapic_pending(&l), 0x41);
	assert_int_equal(rd(X2APIC_ISR0 + 2, 0), 0);
	assert_int_equal(rd(X2APIC_IRR0 + 2, 0), 1u << 1);
}

static void test_one_shot_timer(void **state)
{
	(void)state;
	enable();
	wr(X2APIC_LVT_TIMER, 0xec, 0);
	wr(X2APIC_TIMER_DIVIDE, 0x3, 0); /* divide by 16 */
	wr(X2APIC_TIMER_INITIAL, 1000, 100);
	assert_int_equal(lapic_next_event(&l), 100 + 16000);
	assert_int_equal(rd(X2APIC_TIMER_CURRENT, 100 + 1600), 900);
	lapic_update(&l, 100 + 15999);
	assert_int_equal(lapic_pending(&l), -1);
	lapic_update(&l, 100 + 16000);
	assert_int_equal(lapic_pending(&l), 0xec);
	assert_int_equal(lapic_next_event(&l), 0);
	assert_int_equal(rd(X2APIC_TIMER_CURRENT, 20000), 0);
	/* Divide value 1011b is "divide by 1". */
	wr(X2APIC_TIMER_DIVIDE, 0xb, 0);
	wr(X2APIC_TIMER_INITIAL, 500, 30000);
	assert_int_equal(lapic_next_event(&l), 30500);
	wr(X2APIC_TIMER_INITIAL, 0, 30100); /* 0 stops it */
	assert_int_equal(lapic_next_event(&l), 0);
}

static void test_periodic_timer_does_not_drift(void **state)
{
	(void)state;
	enable();
	wr(X2APIC_LVT_TIMER, (LAPIC_TIMER_PERIODIC << 17) | 0xef, 0);
	wr(X2APIC_TIMER_DIVIDE, 0xb, 0);
	wr(X2APIC_TIMER_INITIAL, 1000, 0);
	lapic_update(&l, 1010); /* woken 10 ticks late */
	assert_int_equal(lapic_pending(&l), 0xef);
	assert_int_equal(lapic_next_event(&l), 2000);
	lapic_accept(&l, 0xef);
	wr(X2APIC_EOI, 0, 1010);
	lapic_update(&l, 4500); /* periods at 2000, 3000, 4000 missed */
	assert_int_equal(lapic_pending(&l), 0xef);
	assert_int_equal(lapic_next_event(&l), 5000);
}

static void test_tsc_deadline_timer(void **state)
{
	(void)state;
	enable();
	/* Outside deadline mode the MSR is ignored. */
	lapic_write_tsc_deadline(&l, 5000);
	assert_int_equal(lapic_next_event(&l), 0);
	wr(X2APIC_LVT_TIMER, (LAPIC_TIMER_TSC_DEADLINE << 17) | 0xec, 0);
	lapic_write_tsc_deadline(&l, 5000);
	assert_int_equal(lapic_read_tsc_deadline(&l), 5000);
	assert_int_equal(lapic_next_event(&l), 5000);
	lapic_update(&l, 4999);
	assert_int_equal(lapic_pending(&l), -1);
	lapic_update(&l, 5000);
	assert_int_equal(lapic_pending(&l), 0xec);
	assert_int_equal(lapic_read_tsc_deadline(&l), 0);
	assert_int_equal(lapic_next_event(&l), 0);
	/* 0 disarms; a mode change stops the timer. */
	lapic_write_tsc_deadline(&l, 9000);
	lapic_write_tsc_deadline(&l, 0);
	assert_int_equal(lapic_next_event(&l), 0);
	lapic_write_tsc_deadline(&l, 9000);
	wr(X2APIC_LVT_TIMER, 0xec, 0);
	assert_int_equal(lapic_next_event(&l), 0);
}

static void test_masked_timer_counts_silently(void **state)
{
	(void)state;
	enable();
	wr(X2APIC_LVT_TIMER, LAPIC_LVT_MASKED | 0xec, 0);
	wr(X2APIC_TIMER_DIVIDE, 0xb, 0);
	wr(X2APIC_TIMER_INITIAL, 10, 0);
	lapic_update(&l, 10);
	assert_int_equal(lapic_pending(&l), -1);
	assert_int_equal(rd(X2APIC_IRR0 + 7, 10), 0);
}

/* SDM 3A 11.5.3, "Error Handling": ESR bits 5 and 6. */
#define ESR_SEND_ILLEGAL 0x20u
#define ESR_RECEIVE_ILLEGAL 0x40u

/* The ESR as Linux reads it: written first, then read. */
static uint64_t esr(void)
{
	wr(X2APIC_ESR, 0, 0);
	return rd(X2APIC_ESR, 0);
}

/* Review G4a: vectors 0-15 never reach IRR; the sender and the receiver
 * record them in the ESR, which shows them after the next ESR write. */
static void test_illegal_vectors_set_esr_not_irr(void **state)
{
	(void)state;
	enable();
	wr(X2APIC_SELF_IPI, 5, 0);
	assert_int_equal(rd(X2APIC_IRR0, 0), 0);
	assert_int_equal(lapic_pending(&l), -1);
	assert_int_equal(rd(X2APIC_ESR, 0), 0); /* not before the write */
	assert_int_equal(esr(), ESR_SEND_ILLEGAL | ESR_RECEIVE_ILLEGAL);
	assert_int_equal(esr(), 0); /* the write cleared them */
	/* An IPI to another CPU: only sent. */
	wr(X2APIC_ICR, (5ull << 32) | 3, 0);
	assert_int_equal(esr(), ESR_SEND_ILLEGAL);
	/* The timer's LVT: only received. */
	wr(X2APIC_LVT_TIMER, 0x08, 0);
	wr(X2APIC_TIMER_DIVIDE, 0xb, 0);
	wr(X2APIC_TIMER_INITIAL, 10, 0);
	lapic_update(&l, 10);
	assert_int_equal(rd(X2APIC_IRR0, 10), 0);
	assert_int_equal(esr(), ESR_RECEIVE_ILLEGAL);
	/* The first error since the ESR write raises the error interrupt,
	 * the next ones wait for the ESR write that rearms it. */
	wr(X2APIC_LVT_ERROR, 0xfe, 0);
	wr(X2APIC_SELF_IPI, 1, 0);
	assert_int_equal(lapic_pending(&l), 0xfe);
	lapic_accept(&l, 0xfe);
	wr(X2APIC_EOI, 0, 0);
	wr(X2APIC_SELF_IPI, 2, 0);
	assert_int_equal(lapic_pending(&l), -1);
	assert_int_equal(esr(), ESR_SEND_ILLEGAL | ESR_RECEIVE_ILLEGAL);
	wr(X2APIC_SELF_IPI, 2, 0);
	assert_int_equal(lapic_pending(&l), 0xfe);
}

/* Review G4b: which ICR writes reach the one CPU (SDM 3A 11.6.1; 11.12.9;
 * 11.12.10). */
static void test_icr_destinations_that_include_self(void **state)
{
	(void)state;
	enable();
	wr(X2APIC_ICR, (2ull << 18) | 0x40, 0); /* all including self */
	assert_int_equal(rd(X2APIC_IRR0 + 2, 0), 1u << 0);
	wr(X2APIC_ICR, (0xffffffffull << 32) | 0x41, 0); /* broadcast */
	assert_int_equal(rd(X2APIC_IRR0 + 2, 0), 3u << 0);
	wr(X2APIC_ICR, (3ull << 18) | 0x42, 0); /* all excluding self */
	/* Logical: cluster 0, bit 0 is this APIC (LDR 1); bit 1 is not. */
	wr(X2APIC_ICR, (1ull << 32) | (1u << 11) | 0x43, 0);
	wr(X2APIC_ICR, (2ull << 32) | (1u << 11) | 0x44, 0);
	wr(X2APIC_ICR, (0x10001ull << 32) | (1u << 11) | 0x45, 0);
	assert_int_equal(rd(X2APIC_IRR0 + 2, 0), 0xbu);
	/* Physical 0 is this APIC's ID: as before. */
	wr(X2APIC_ICR, 0x50, 0);
	assert_int_equal(rd(X2APIC_IRR0 + 2, 0), 0x1000bu);
	/* An NMI to all: not modelled, dropped. */
	wr(X2APIC_ICR, (2ull << 18) | (4u << 8) | 0x60, 0);
	assert_int_equal(rd(X2APIC_IRR0 + 3, 0), 0);
	assert_int_equal(lapic_pending(&l), 0x50);
}

/* Review G4c: an LVT entry is a 32-bit register like the others. */
static void test_lvt_high_bits_raise_gp(void **state)
{
	(void)state;
	enable();
	for (uint32_t m = X2APIC_LVT_TIMER; m <= X2APIC_LVT_ERROR; m++) {
		wr(m, 0x30, 0);
		assert_false(lapic_write(&l, m, (1ull << 32) | 0x31, 0));
		assert_false(lapic_write(&l, m, 1ull << 63, 0));
		assert_int_equal(rd(m, 0), 0x30);
	}
}

/* Review G4d: a divide change mid-count keeps the current count; it
 * counts on at the new rate. */
static void test_divide_change_keeps_the_count(void **state)
{
	(void)state;
	enable();
	wr(X2APIC_LVT_TIMER, 0x30, 0);
	wr(X2APIC_TIMER_DIVIDE, 0xa, 0); /* /128 */
	wr(X2APIC_TIMER_INITIAL, 1000, 0);
	assert_int_equal(rd(X2APIC_TIMER_CURRENT, 128 * 400), 600);
	wr(X2APIC_TIMER_DIVIDE, 0xb, 128 * 400); /* /1 */
	assert_int_equal(rd(X2APIC_TIMER_CURRENT, 128 * 400), 600);
	assert_int_equal(lapic_next_event(&l), 128 * 400 + 600);
	assert_int_equal(rd(X2APIC_TIMER_CURRENT, 128 * 400 + 100), 500);
	wr(X2APIC_TIMER_DIVIDE, 0x3, 128 * 400 + 100); /* /16 */
	assert_int_equal(rd(X2APIC_TIMER_CURRENT, 128 * 400 + 100), 500);
	assert_int_equal(lapic_next_event(&l), 128 * 400 + 100 + 16 * 500);
	/* At the start, and never above the initial count. */
	wr(X2APIC_TIMER_DIVIDE, 0xa, 0);
	wr(X2APIC_TIMER_INITIAL, 1000, 0);
	wr(X2APIC_TIMER_DIVIDE, 0xb, 0);
	assert_int_equal(rd(X2APIC_TIMER_CURRENT, 0), 1000);
	/* Idle: only the register changes. */
	wr(X2APIC_TIMER_INITIAL, 0, 0);
	wr(X2APIC_TIMER_DIVIDE, 0x3, 0);
	assert_int_equal(rd(X2APIC_TIMER_DIVIDE, 0), 0x3);
	assert_int_equal(lapic_next_event(&l), 0);
}

/* Review G4e: SVR bits 7:0, 8 and 9 are writable; 12 (EOI-broadcast
 * suppression) only with version bit 24, which this APIC does not set. */
static void test_svr_writable_bits(void **state)
{
	(void)state;
	assert_int_equal(rd(X2APIC_VERSION, 0) & (1u << 24), 0);
	wr(X2APIC_SVR, 0xffffffffu, 0);
	assert_int_equal(rd(X2APIC_SVR, 0), 0x3ff);
}

/* Review G5: the timer can wake a waiting CPU only if its interrupt can
 * be delivered without anything else changing. */
static void test_timer_that_can_never_interrupt(void **state)
{
	(void)state;
	enable();
	wr(X2APIC_LVT_TIMER, (LAPIC_TIMER_PERIODIC << 17) | 0xef, 0);
	assert_false(lapic_timer_can_interrupt(&l)); /* not armed */
	wr(X2APIC_TIMER_INITIAL, 1000, 0);
	assert_true(lapic_timer_can_interrupt(&l));
	wr(X2APIC_TPR, 0xdf, 0);
	assert_true(lapic_timer_can_interrupt(&l));
	wr(X2APIC_TPR, 0xe0, 0); /* its class: held back */
	assert_false(lapic_timer_can_interrupt(&l));
	wr(X2APIC_TPR, 0, 0);
	wr(X2APIC_SELF_IPI, 0xf1, 0);
	lapic_accept(&l, 0xf1); /* its class in service, no EOI to come */
	assert_false(lapic_timer_can_interrupt(&l));
	wr(X2APIC_EOI, 0, 0);
	assert_true(lapic_timer_can_interrupt(&l));
	wr(X2APIC_LVT_TIMER,
	   LAPIC_LVT_MASKED | (LAPIC_TIMER_PERIODIC << 17) | 0xef, 0);
	assert_false(lapic_timer_can_interrupt(&l));
	wr(X2APIC_LVT_TIMER, (LAPIC_TIMER_PERIODIC << 17) | 0x0f, 0);
	assert_false(lapic_timer_can_interrupt(&l)); /* illegal vector */
	wr(X2APIC_LVT_TIMER, (LAPIC_TIMER_PERIODIC << 17) | 0xef, 0);
	assert_true(lapic_timer_can_interrupt(&l));
	wr(X2APIC_SVR, 0xff, 0); /* software-disabled */
	assert_false(lapic_timer_can_interrupt(&l));
}

/* xAPIC mode: the same registers in the MMIO page, offset = (MSR -
 * 0x800) * 16, with xAPIC's own ID, LDR/DFR and split ICR. */
static uint32_t mrd(uint32_t offset)
{
	uint32_t v = 0xdead;

	assert_true(lapic_mmio_read(&l, offset, 4, 0, &v));
	return v;
}

static void mwr(uint32_t offset, uint32_t v)
{
	assert_true(lapic_mmio_write(&l, offset, 4, v, 0));
}

static void test_xapic_registers(void **state)
{
	(void)state;
	lapic_init(&l, 0);
	lapic_set_xapic(&l, true);
	assert_int_equal(mrd(0x30) & 0xff, 0x14); /* version */
	assert_int_equal(mrd(0xe0), 0xffffffffu); /* DFR: flat at reset */
	mwr(0xf0, LAPIC_SVR_ENABLE | 0xff);
	assert_int_equal(mrd(0xf0), LAPIC_SVR_ENABLE | 0xff);
	mwr(0x80, 0x20); /* TPR */
	assert_int_equal(mrd(0x80), 0x20);
	assert_int_equal(mrd(0xa0), 0x20); /* PPR follows */
	mwr(0xd0, 0x01abcdefu);		   /* LDR: only bits 31:24 */
	assert_int_equal(mrd(0xd0), 0x01000000u);
	mwr(0xe0, 0x0u); /* DFR: cluster; low bits read as ones */
	assert_int_equal(mrd(0xe0), 0x0fffffffu);
	/* Read-only ID and version, write-only EOI reading 0. */
	mwr(0x20, 0x05000000u);
	assert_int_equal(mrd(0x20), 0);
	assert_int_equal(mrd(0xb0), 0);
	/* Not 32-bit aligned 16 bytes, or not 4 bytes wide: refused. */
	uint32_t v = 1;

	assert_false(lapic_mmio_read(&l, 0x84, 4, 0, &v));
	assert_int_equal(v, 0);
	assert_false(lapic_mmio_read(&l, 0x80, 2, 0, &v));
	assert_false(lapic_mmio_write(&l, 0x80, 8, 0x30, 0));
	assert_false(lapic_mmio_read(&l, 0x400, 4, 0, &v));
	assert_int_equal(mrd(0x80), 0x20);
	/* A reserved register (x2APIC's SELF IPI) reads 0 and is an
	 * illegal-register error in the ESR. */
	mwr(0x280, 0);
	assert_int_equal(mrd(0x3f0), 0);
	mwr(0x280, 0);
	assert_int_equal(mrd(0x280), 1u << 7);
}

static void test_xapic_icr_and_destinations(void **state)
{
	(void)state;
	lapic_init(&l, 0);
	lapic_set_xapic(&l, true);
	mwr(0xf0, LAPIC_SVR_ENABLE | 0xff);
	/* Physical: the high half's destination, sent by the low half. */
	mwr(0x310, 0x01000000u);
	mwr(0x300, 0x41);
	assert_int_equal(mrd(0x200 + 0x20), 0); /* APIC 1: none here */
	mwr(0x310, 0);
	mwr(0x300, 0x42);
	assert_int_equal(mrd(0x220), 1u << 2);
	assert_int_equal(mrd(0x310), 0);
	assert_int_equal(mrd(0x300) & (1u << 12), 0); /* delivered */
	mwr(0x310, 0xff000000u);		      /* broadcast */
	mwr(0x300, 0x43);
	assert_int_equal(mrd(0x220), 3u << 2);
	/* Logical, flat: this APIC's logical ID bit 1. */
	mwr(0xd0, 0x02000000u);
	mwr(0x310, 0x01000000u);
	mwr(0x300, (1u << 11) | 0x44);
	mwr(0x310, 0x06000000u);
	mwr(0x300, (1u << 11) | 0x45);
	assert_int_equal(mrd(0x220), 0x2cu);
	/* Logical, cluster: cluster 1 member 2 is 0x12. */
	mwr(0xe0, 0);
	mwr(0xd0, 0x12000000u);
	mwr(0x310, 0x22000000u);
	mwr(0x300, (1u << 11) | 0x46);
	mwr(0x310, 0x13000000u);
	mwr(0x300, (1u << 11) | 0x47);
	assert_int_equal(mrd(0x220), 0xacu);
	/* In xAPIC mode, an EOI of any value completes the interrupt. */
	assert_int_equal(lapic_pending(&l), 0x47);
	lapic_accept(&l, 0x47);
	mwr(0xb0, 0x1234);
	assert_int_equal(mrd(0x100 + 0x20), 0);
}

/* An I/O APIC message: a level-triggered one sets TMR, and its EOI
 * comes back once for the I/O APIC; an edge one clears TMR. */
static void test_level_triggered_eoi_broadcast(void **state)
{
	(void)state;
	enable();
	lapic_deliver(&l, 0x31, true);
	assert_int_equal(rd(X2APIC_TMR0 + 1, 0), 1u << 17);
	assert_int_equal(lapic_pending(&l), 0x31);
	lapic_accept(&l, 0x31);
	assert_int_equal(lapic_take_level_eoi(&l), -1);
	wr(X2APIC_EOI, 0, 0);
	assert_int_equal(lapic_take_level_eoi(&l), 0x31);
	assert_int_equal(lapic_take_level_eoi(&l), -1);
	lapic_deliver(&l, 0x31, false);
	assert_int_equal(rd(X2APIC_TMR0 + 1, 0), 0);
	lapic_accept(&l, 0x31);
	wr(X2APIC_EOI, 0, 0);
	assert_int_equal(lapic_take_level_eoi(&l), -1);
	/* Illegal vectors from outside: an ESR error, never IRR. */
	wr(X2APIC_ESR, 0, 0);
	lapic_deliver(&l, 0x0f, true);
	assert_int_equal(lapic_pending(&l), -1);
	wr(X2APIC_ESR, 0, 0);
	assert_int_equal(rd(X2APIC_ESR, 0), 1u << 6);
}

/* LINT0 as ExtINT (virtual wire) lets the 8259 through; masked, another
 * delivery mode, or the APIC software-disabled, it does not. */
static void test_extint_virtual_wire(void **state)
{
	(void)state;
	assert_false(lapic_extint_open(&l));
	enable();
	wr(X2APIC_LVT_LINT0, LAPIC_DELIVERY_EXTINT, 0);
	assert_true(lapic_extint_open(&l));
	wr(X2APIC_LVT_LINT0, LAPIC_DELIVERY_EXTINT | LAPIC_LVT_MASKED, 0);
	assert_false(lapic_extint_open(&l));
	wr(X2APIC_LVT_LINT0, 4u << 8, 0); /* NMI */
	assert_false(lapic_extint_open(&l));
	wr(X2APIC_LVT_LINT0, LAPIC_DELIVERY_EXTINT, 0);
	wr(X2APIC_SVR, 0xff, 0);
	assert_false(lapic_extint_open(&l));
}

/* APIC virtualization: the model's registers are the virtual-APIC page
 * as SDM 3C 30.1.1 lays it out, so that the CPU reads what the model
 * holds and the model sees what the CPU did. */
static void test_page_is_the_virtual_apic_page(void **state)
{
	(void)state;
	lapic_set_xapic(&l, true);
	enable();
	wr(X2APIC_TPR, 0x20, 0);
	wr(X2APIC_LVT_TIMER, 0x000200ec, 0);
	lapic_deliver(&l, 0x41, false);
	lapic_deliver(&l, 0x93, true);
	assert_int_equal(lapic_reg(&l, 0x080), 0x20);	    /* VTPR */
	assert_int_equal(lapic_reg(&l, 0x0f0), 0x1ff);	    /* SVR */
	assert_int_equal(lapic_reg(&l, 0x320), 0x000200ec); /* LVT timer */
	assert_int_equal(lapic_reg(&l, 0x030), 0x00050014); /* version */
	/* bit x of VIRR at offset 200H | ((x & E0H) >> 1), bit x & 1FH */
	assert_int_equal(lapic_reg(&l, 0x220), 1u << 1);    /* 0x41 */
	assert_int_equal(lapic_reg(&l, 0x240), 1u << 0x13); /* 0x93 */
	assert_int_equal(lapic_reg(&l, 0x1c0), 1u << 0x13); /* its TMR */
	/* The CPU delivers 0x93 (IRR to ISR) and the model sees it: PPR. */
	l.page[0x240 / 4] = 0;
	l.page[0x140 / 4] = 1u << 0x13;
	assert_int_equal(rd(X2APIC_PPR, 0), 0x90);
	assert_int_equal(lapic_pending(&l), -1); /* 0x41 is below 0x90 */
}

static void test_guest_interrupt_status(void **state)
{
	(void)state;
	lapic_deliver(&l, 0x41, false);
	/* software-disabled: nothing requested for the CPU to deliver */
	assert_int_equal(lapic_guest_interrupt_status(&l), 0x0000);
	enable();
	lapic_deliver(&l, 0x35, false);
	assert_int_equal(lapic_guest_interrupt_status(&l), 0x0041);
	lapic_accept(&l, 0x41);
	assert_int_equal(lapic_guest_interrupt_status(&l), 0x4135);
	lapic_accept(&l, 0x35);
	assert_int_equal(lapic_guest_interrupt_status(&l), 0x4100);
}

/* Level-triggered vectors EOI through an exit, to reach the I/O APIC;
 * the CPU completes the others alone. */
static void test_eoi_exit_bitmap_and_virtualized_eoi(void **state)
{
	uint64_t bm[4];

	(void)state;
	enable();
	lapic_deliver(&l, 0x31, true);
	lapic_deliver(&l, 0xc2, true);
	lapic_deliver(&l, 0x50, false);
	lapic_eoi_exit_bitmap(&l, bm);
	assert_true(bm[0] == 1ull << 0x31);
	assert_true(bm[1] == 0);
	assert_true(bm[2] == 0);
	assert_true(bm[3] == 1ull << 2);
	lapic_virtualized_eoi(&l, 0x50);
	assert_int_equal(lapic_take_level_eoi(&l), -1);
	lapic_virtualized_eoi(&l, 0xc2);
	assert_int_equal(lapic_take_level_eoi(&l), 0xc2);
	assert_int_equal(lapic_take_level_eoi(&l), -1);
}

/* An APIC-write exit: the guest's value is in the page already; the
 * model takes it as an MMIO write and puts the page back to what the
 * register holds. */
static void test_apic_write_exit(void **state)
{
	uint32_t v;

	(void)state;
	lapic_set_xapic(&l, true);
	enable();
	l.page[0x350 / 4] = 0xffffffffu; /* LINT0: only some bits are */
	lapic_apic_write(&l, 0x350, 0);
	assert_int_equal(lapic_reg(&l, 0x350), 0x0001a7ff);
	assert_true(lapic_mmio_read(&l, 0x350, 4, 0, &v));
	assert_int_equal(v, 0x0001a7ff);
	l.page[0x020 / 4] = 0x05000000u; /* the ID is read-only here */
	lapic_apic_write(&l, 0x020, 0);
	assert_int_equal(lapic_reg(&l, 0x020), 0);
	/* ICR low: a self IPI the CPU did not take itself */
	l.page[0x300 / 4] = 0x00044061u; /* self, fixed, vector 0x61 */
	lapic_apic_write(&l, 0x300, 0);
	assert_int_equal(lapic_pending(&l), 0x61);
	assert_int_equal(lapic_reg(&l, 0x300), 0x00044061u);
	/* the timer mode changes from what the model had, not the page */
	wr(X2APIC_TIMER_DIVIDE, 0xb, 0);
	wr(X2APIC_TIMER_INITIAL, 1000, 0);
	l.page[0x320 / 4] = 0x00040030u; /* TSC-deadline mode */
	lapic_apic_write(&l, 0x320, 10);
	assert_int_equal(lapic_next_event(&l), 0); /* the count stopped */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_state, setup),
		cmocka_unit_test_setup(test_gp_cases, setup),
		cmocka_unit_test_setup(test_software_disable_masks_lvt, setup),
		cmocka_unit_test_setup(test_self_ipi_priority_and_eoi, setup),
		cmocka_unit_test_setup(test_returned_vector_is_pending_again,
				       setup),
		cmocka_unit_test_setup(test_one_shot_timer, setup),
		cmocka_unit_test_setup(test_periodic_timer_does_not_drift,
				       setup),
		cmocka_unit_test_setup(test_tsc_deadline_timer, setup),
		cmocka_unit_test_setup(test_masked_timer_counts_silently,
				       setup),
		cmocka_unit_test_setup(test_illegal_vectors_set_esr_not_irr,
				       setup),
		cmocka_unit_test_setup(test_icr_destinations_that_include_self,
				       setup),
		cmocka_unit_test_setup(test_lvt_high_bits_raise_gp, setup),
		cmocka_unit_test_setup(test_divide_change_keeps_the_count,
				       setup),
		cmocka_unit_test_setup(test_svr_writable_bits, setup),
		cmocka_unit_test_setup(test_timer_that_can_never_interrupt,
				       setup),
		cmocka_unit_test_setup(test_xapic_registers, setup),
		cmocka_unit_test_setup(test_xapic_icr_and_destinations, setup),
		cmocka_unit_test_setup(test_level_triggered_eoi_broadcast,
				       setup),
		cmocka_unit_test_setup(test_extint_virtual_wire, setup),
		cmocka_unit_test_setup(test_page_is_the_virtual_apic_page,
				       setup),
		cmocka_unit_test_setup(test_guest_interrupt_status, setup),
		cmocka_unit_test_setup(test_eoi_exit_bitmap_and_virtualized_eoi,
				       setup),
		cmocka_unit_test_setup(test_apic_write_exit, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
