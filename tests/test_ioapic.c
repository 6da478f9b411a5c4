/* The I/O APIC (dev/ioapic.h) as Linux's io_apic.c drives it: its
 * registers through IOREGSEL and IOWIN, edge and level pins with their
 * polarity and mask, Remote IRR and the EOI, and what a hostile guest's
 * junk comes to: dropped messages, counted, and a caller's loop that
 * ends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dev/ioapic.h"

#define ID 1u
#define APIC_ID 0u /* the local APIC's */
#define VEC 0x30u
#define EDGE_FIXED(vector) ((uint64_t)(vector))
#define LEVEL_FIXED(vector) (IOAPIC_RTE_LEVEL | (vector))

static struct ioapic io;

static int setup(void **state)
{
	(void)state;
	ioapic_init(&io, ID);
	return 0;
}

static uint32_t reg_read(uint32_t reg)
{
	ioapic_write(&io, IOAPIC_IOREGSEL, 4, reg);
	return ioapic_read(&io, IOAPIC_IOWIN, 4);
}

static void reg_write(uint32_t reg, uint32_t value)
{
	ioapic_write(&io, IOAPIC_IOREGSEL, 4, reg);
	ioapic_write(&io, IOAPIC_IOWIN, 4, value);
}

static uint64_t rte_read(unsigned int pin)
{
	uint32_t lo = reg_read(IOAPIC_IOREDTBL + 2 * pin);

	return (uint64_t)reg_read(IOAPIC_IOREDTBL + 2 * pin + 1) << 32 | lo;
}

/* As Linux's __ioapic_write_entry: the high dword, then the low. */
static void rte_write(unsigned int pin, uint64_t v)
{
	reg_write(IOAPIC_IOREDTBL + 2 * pin + 1, (uint32_t)(v >> 32));
	reg_write(IOAPIC_IOREDTBL + 2 * pin, (uint32_t)v);
}

/* How many messages are due now (at most @max), the last in @m. */
static unsigned int drain(struct ioapic_message *m, unsigned int max)
{
	unsigned int n = 0;

	while (n < max && ioapic_next_message(&io, APIC_ID, m))
		n++;
	return n;
}

static unsigned int due(void)
{
	struct ioapic_message m;

	return drain(&m, 100);
}

static uint64_t dropped_total(void)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < IOAPIC_DROP_REASONS; i++)
		n += io.dropped[i];
	return n;
}

/* What Linux reads first (bad_ioapic_register, io_apic_get_redir_entries,
 * io_apic_unique_id): ID, version 0x11 with 24 entries, the arbitration
 * ID; every pin masked at power-on. */
static void test_power_on(void **state)
{
	(void)state;
	assert_int_equal(reg_read(IOAPIC_REG_ID), ID << 24);
	assert_int_equal(reg_read(IOAPIC_REG_VER), 0x00170011u);
	assert_int_equal(reg_read(IOAPIC_REG_ARB), ID << 24);
	for (unsigned int pin = 0; pin < IOAPIC_PINS; pin++)
		assert_int_equal(rte_read(pin), IOAPIC_RTE_MASKED);
	ioapic_write(&io, IOAPIC_IOREGSEL, 4, 0x1234u);
	assert_int_equal(ioapic_read(&io, IOAPIC_IOREGSEL, 4), 0x34u);
	assert_int_equal(due(), 0);
}

/* IOAPICID keeps its 4 bits and the arbitration ID follows it (Linux's
 * io_apic_unique_id reads back what it wrote); IOAPICVER and IOAPICARB
 * are read-only; registers that are not there read 0. */
static void test_id_and_read_only_registers(void **state)
{
	(void)state;
	reg_write(IOAPIC_REG_ID, 0xffffffffu);
	assert_int_equal(reg_read(IOAPIC_REG_ID), 0x0f000000u);
	assert_int_equal(reg_read(IOAPIC_REG_ARB), 0x0f000000u);
	reg_write(IOAPIC_REG_ID, 2u << 24);
	assert_int_equal(reg_read(IOAPIC_REG_ID), 2u << 24);
	reg_write(IOAPIC_REG_VER, 0);
	assert_int_equal(reg_read(IOAPIC_REG_VER), 0x00170011u);
	reg_write(IOAPIC_REG_ARB, 0);
	assert_int_equal(reg_read(IOAPIC_REG_ARB), 2u << 24);
	for (uint32_t r = 3; r < IOAPIC_IOREDTBL; r++) {
		reg_write(r, 0xffffffffu);
		assert_int_equal(reg_read(r), 0);
	}
	for (uint32_t r = IOAPIC_IOREDTBL + 2 * IOAPIC_PINS; r < 0x100; r++) {
		reg_write(r, 0xffffffffu);
		assert_int_equal(reg_read(r), 0);
	}
	for (unsigned int pin = 0; pin < IOAPIC_PINS; pin++)
		assert_int_equal(rte_read(pin), IOAPIC_RTE_MASKED);
}

/* Accesses that are not 32-bit, or not at IOREGSEL or IOWIN, read all
 * ones and change nothing. */
static void test_window_accesses(void **state)
{
	(void)state;
	static const uint64_t offsets[] = {0x04, 0x08,	0x0c,	0x14, 0x20,
					   0x40, 0xff0, 0x1000, ~0ull};
	static const unsigned int sizes[] = {0, 1, 2, 3, 8};

	ioapic_write(&io, IOAPIC_IOREGSEL, 4, IOAPIC_IOREDTBL);
	for (unsigned int i = 0; i < sizeof(offsets) / sizeof(offsets[0]);
	     i++) {
		assert_int_equal(ioapic_read(&io, offsets[i], 4), 0xffffffffu);
		ioapic_write(&io, offsets[i], 4, 0);
	}
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_int_equal(ioapic_read(&io, IOAPIC_IOREGSEL, sizes[i]),
				 0xffffffffu);
		assert_int_equal(ioapic_read(&io, IOAPIC_IOWIN, sizes[i]),
				 0xffffffffu);
		ioapic_write(&io, IOAPIC_IOREGSEL, sizes[i], IOAPIC_REG_ID);
		ioapic_write(&io, IOAPIC_IOWIN, sizes[i], 0);
	}
	/* IOREGSEL still selects entry 0, still masked */
	assert_int_equal(ioapic_read(&io, IOAPIC_IOREGSEL, 4), IOAPIC_IOREDTBL);
	assert_int_equal(ioapic_read(&io, IOAPIC_IOWIN, 4), IOAPIC_RTE_MASKED);
}

/* An entry keeps what software may write: Delivery Status, Remote IRR
 * and the reserved bits read 0 whatever is written. */
static void test_entry_bits(void **state)
{
	(void)state;
	rte_write(5, ~0ull);
	assert_int_equal(rte_read(5), 0xff0000000001afffull);
	rte_write(5, 0x0123456789abcdefull);
	assert_int_equal(rte_read(5), 0x0100000000018defull);
	/* the other entries untouched */
	assert_int_equal(rte_read(4), IOAPIC_RTE_MASKED);
	assert_int_equal(rte_read(6), IOAPIC_RTE_MASKED);
}

/* An edge pin: one message a rising edge, with the entry's fields;
 * Delivery Status 1 while it waits; a line held high sends nothing more. */
static void test_edge(void **state)
{
	(void)state;
	struct ioapic_message m;

	rte_write(4, EDGE_FIXED(VEC) | IOAPIC_RTE_DEST_LOGICAL | 1ull << 56);
	ioapic_set_irq(&io, 4, true);
	assert_true(rte_read(4) & IOAPIC_RTE_DELIVERY_STATUS);
	assert_true(ioapic_next_message(&io, APIC_ID, &m));
	assert_int_equal(m.vector, VEC);
	assert_int_equal(m.delivery_mode, IOAPIC_DELIVERY_FIXED);
	assert_false(m.level);
	assert_true(m.logical);
	assert_int_equal(m.destination, 1);
	assert_int_equal(m.pin, 4);
	assert_false(rte_read(4) & IOAPIC_RTE_DELIVERY_STATUS);
	assert_false(rte_read(4) & IOAPIC_RTE_REMOTE_IRR);
	assert_int_equal(due(), 0);
	ioapic_set_irq(&io, 4, true);
	assert_int_equal(due(), 0);
	ioapic_set_irq(&io, 4, false);
	assert_int_equal(due(), 0);
	ioapic_set_irq(&io, 4, true);
	assert_int_equal(due(), 1);
	/* an edge pin needs no EOI */
	ioapic_eoi(&io, VEC);
	assert_int_equal(due(), 0);
}

/* A masked pin's edge is lost (3.2.4); one latched before the mask waits
 * for the unmask. */
static void test_edge_masked(void **state)
{
	(void)state;
	rte_write(1, EDGE_FIXED(VEC) | IOAPIC_RTE_MASKED);
	ioapic_set_irq(&io, 1, true);
	rte_write(1, EDGE_FIXED(VEC));
	assert_int_equal(due(), 0);
	ioapic_set_irq(&io, 1, false);
	ioapic_set_irq(&io, 1, true);
	rte_write(1, EDGE_FIXED(VEC) | IOAPIC_RTE_MASKED);
	assert_int_equal(due(), 0);
	assert_true(rte_read(1) & IOAPIC_RTE_DELIVERY_STATUS);
	rte_write(1, EDGE_FIXED(VEC));
	assert_int_equal(due(), 1);
	assert_int_equal(dropped_total(), 0);
	/* a latched edge is forgotten when the pin becomes level-triggered */
	ioapic_set_irq(&io, 1, false);
	ioapic_set_irq(&io, 1, true);
	rte_write(1, LEVEL_FIXED(VEC) | IOAPIC_RTE_MASKED);
	assert_false(rte_read(1) & IOAPIC_RTE_DELIVERY_STATUS);
	ioapic_set_irq(&io, 1, false);
	rte_write(1, EDGE_FIXED(VEC));
	assert_int_equal(due(), 0);
}

/* A level pin: one message while asserted, Remote IRR set until the EOI
 * of its vector (another vector's EOI leaves it), then again while still
 * asserted; none once the line has fallen. */
static void test_level_remote_irr(void **state)
{
	(void)state;
	struct ioapic_message m;

	rte_write(9, LEVEL_FIXED(VEC));
	assert_int_equal(due(), 0);
	ioapic_set_irq(&io, 9, true);
	assert_true(ioapic_next_message(&io, APIC_ID, &m));
	assert_int_equal(m.vector, VEC);
	assert_true(m.level);
	assert_int_equal(m.pin, 9);
	assert_true(rte_read(9) & IOAPIC_RTE_REMOTE_IRR);
	assert_int_equal(due(), 0);
	ioapic_eoi(&io, VEC + 1);
	assert_int_equal(due(), 0);
	ioapic_eoi(&io, VEC);
	assert_false(rte_read(9) & IOAPIC_RTE_REMOTE_IRR);
	assert_int_equal(due(), 1);
	ioapic_set_irq(&io, 9, false);
	ioapic_eoi(&io, VEC);
	assert_int_equal(due(), 0);
	assert_false(rte_read(9) & IOAPIC_RTE_REMOTE_IRR);
}

/* A level pin masked while asserted sends when unmasked (its line is
 * seen, not its edges); masking after delivery changes nothing. */
static void test_level_masked(void **state)
{
	(void)state;
	rte_write(9, LEVEL_FIXED(VEC) | IOAPIC_RTE_MASKED);
	ioapic_set_irq(&io, 9, true);
	assert_int_equal(due(), 0);
	rte_write(9, LEVEL_FIXED(VEC));
	assert_int_equal(due(), 1);
	rte_write(9, LEVEL_FIXED(VEC) | IOAPIC_RTE_MASKED);
	assert_true(rte_read(9) & IOAPIC_RTE_REMOTE_IRR);
	ioapic_eoi(&io, VEC);
	assert_int_equal(due(), 0);
}

/* Linux's __eoi_ioapic_pin on a version 0x11 I/O APIC (no EOI register):
 * the entry masked and edge-triggered, then as it was: Remote IRR clear,
 * and a line still asserted sends again. */
static void test_level_ended_by_edge_toggle(void **state)
{
	(void)state;
	rte_write(9, LEVEL_FIXED(VEC));
	ioapic_set_irq(&io, 9, true);
	assert_int_equal(due(), 1);
	rte_write(9, EDGE_FIXED(VEC) | IOAPIC_RTE_MASKED);
	assert_false(rte_read(9) & IOAPIC_RTE_REMOTE_IRR);
	rte_write(9, LEVEL_FIXED(VEC));
	assert_int_equal(due(), 1);
	/* rewriting the level entry alone keeps Remote IRR */
	rte_write(9, LEVEL_FIXED(VEC));
	assert_true(rte_read(9) & IOAPIC_RTE_REMOTE_IRR);
	assert_int_equal(due(), 0);
}

/* Active-low: an edge pin fires as its line falls, a level pin while its
 * line is low (so an idle-low line is asserted). */
static void test_polarity(void **state)
{
	(void)state;
	ioapic_set_irq(&io, 16, true);
	rte_write(16, EDGE_FIXED(VEC) | IOAPIC_RTE_ACTIVE_LOW);
	assert_int_equal(due(), 0);
	ioapic_set_irq(&io, 16, false);
	assert_int_equal(due(), 1);
	ioapic_set_irq(&io, 16, true);
	assert_int_equal(due(), 0);
	rte_write(17, LEVEL_FIXED(VEC + 1) | IOAPIC_RTE_ACTIVE_LOW);
	assert_int_equal(due(), 1);
	ioapic_set_irq(&io, 17, true);
	ioapic_eoi(&io, VEC + 1);
	assert_int_equal(due(), 0);
}

/* Lowest pin first; every due pin sends once in one drain. */
static void test_several_pins(void **state)
{
	(void)state;
	struct ioapic_message m;

	rte_write(3, EDGE_FIXED(0x40));
	rte_write(2, LEVEL_FIXED(0x41));
	ioapic_set_irq(&io, 3, true);
	ioapic_set_irq(&io, 2, true);
	assert_true(ioapic_next_message(&io, APIC_ID, &m));
	assert_int_equal(m.pin, 2);
	assert_true(ioapic_next_message(&io, APIC_ID, &m));
	assert_int_equal(m.pin, 3);
	assert_int_equal(m.vector, 0x40);
	assert_false(ioapic_next_message(&io, APIC_ID, &m));
}

/* Vectors 0-15 are illegal (SDM 3A 11.5.2): dropped and counted. An edge
 * is spent; a level pin gives one drop, not one a call, until its entry
 * is written (then with a legal vector it sends) or its line falls. */
static void test_illegal_vector(void **state)
{
	(void)state;
	for (unsigned int v = 0; v < 16; v++) {
		rte_write(0, EDGE_FIXED(v));
		ioapic_set_irq(&io, 0, true);
		assert_int_equal(due(), 0);
		ioapic_set_irq(&io, 0, false);
	}
	assert_int_equal(io.dropped[IOAPIC_DROP_ILLEGAL_VECTOR], 16);
	rte_write(9, LEVEL_FIXED(15));
	ioapic_set_irq(&io, 9, true);
	assert_int_equal(due(), 0);
	assert_int_equal(due(), 0);
	assert_int_equal(io.dropped[IOAPIC_DROP_ILLEGAL_VECTOR], 17);
	assert_false(rte_read(9) & IOAPIC_RTE_REMOTE_IRR);
	ioapic_set_irq(&io, 9, false);
	ioapic_set_irq(&io, 9, true);
	assert_int_equal(due(), 0);
	assert_int_equal(io.dropped[IOAPIC_DROP_ILLEGAL_VECTOR], 18);
	rte_write(9, LEVEL_FIXED(16));
	assert_int_equal(due(), 1);
	assert_int_equal(dropped_total(), 18);
}

/* Fixed and lowest priority reach the one CPU; SMI, NMI, INIT, ExtINT and
 * the reserved modes 011 and 110 are dropped and counted. */
static void test_delivery_modes(void **state)
{
	(void)state;
	struct ioapic_message m;
	unsigned int sent = 0;

	for (unsigned int mode = 0; mode < 8; mode++) {
		rte_write(7, EDGE_FIXED(VEC) |
				     (uint64_t)mode
					     << IOAPIC_RTE_DELIVERY_MODE_SHIFT);
		ioapic_set_irq(&io, 7, true);
		if (ioapic_next_message(&io, APIC_ID, &m)) {
			assert_int_equal(m.delivery_mode, mode);
			sent++;
		}
		ioapic_set_irq(&io, 7, false);
	}
	assert_int_equal(sent, 2);
	assert_int_equal(io.dropped[IOAPIC_DROP_DELIVERY_MODE], 6);
	/* not even an illegal vector is looked at for them */
	rte_write(7, EDGE_FIXED(0) | (uint64_t)IOAPIC_DELIVERY_NMI
					     << IOAPIC_RTE_DELIVERY_MODE_SHIFT);
	ioapic_set_irq(&io, 7, true);
	assert_int_equal(due(), 0);
	assert_int_equal(io.dropped[IOAPIC_DROP_DELIVERY_MODE], 7);
	assert_int_equal(io.dropped[IOAPIC_DROP_ILLEGAL_VECTOR], 0);
}

/* Physical: the local APIC's ID or the broadcast FFH; logical (flat): its
 * bit, 1 << 0. Any other destination has no CPU: dropped, counted. */
static void test_destinations(void **state)
{
	(void)state;
	static const struct {
		bool logical;
		uint8_t destination;
		bool reaches;
	} cases[] = {
		{false, 0x00, true},  {false, 0xff, true},
		{false, 0x01, false}, {false, 0x10, false},
		{false, 0xfe, false}, {true, 0x01, true},
		{true, 0xff, true},   {true, 0x03, true},
		{true, 0x02, false},  {true, 0x00, false},
		{true, 0xfe, false},
	};
	unsigned int drops = 0;
	struct ioapic_message m;

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rte_write(20,
			  EDGE_FIXED(VEC) |
				  (cases[i].logical ? IOAPIC_RTE_DEST_LOGICAL
						    : 0) |
				  (uint64_t)cases[i].destination << 56);
		ioapic_set_irq(&io, 20, true);
		assert_int_equal(due(), cases[i].reaches);
		ioapic_set_irq(&io, 20, false);
		drops += !cases[i].reaches;
		assert_int_equal(io.dropped[IOAPIC_DROP_DESTINATION], drops);
	}
	/* another CPU's ID is reached when asked about */
	rte_write(20, EDGE_FIXED(VEC) | 3ull << 56);
	ioapic_set_irq(&io, 20, true);
	assert_true(ioapic_next_message(&io, 3, &m));
	/* a logical ID past the flat model's eight */
	rte_write(20,
		  EDGE_FIXED(VEC) | IOAPIC_RTE_DEST_LOGICAL | 0xffull << 56);
	ioapic_set_irq(&io, 20, false);
	ioapic_set_irq(&io, 20, true);
	assert_false(ioapic_next_message(&io, 8, &m));
}

/* Junk everywhere: every pin asserted, level and edge, with random
 * entries; pins past 23 ignored. The caller's loop ends after at most a
 * message a pin, every message is a legal vector for this CPU, and
 * whatever was not sent was counted. */
static void test_hostile_loop_ends(void **state)
{
	(void)state;
	struct ioapic_message m;
	uint64_t x = 0x9e3779b97f4a7c15ull;

	ioapic_set_irq(&io, IOAPIC_PINS, true);
	ioapic_set_irq(&io, ~0u, true);
	for (unsigned int round = 0; round < 200; round++) {
		for (unsigned int pin = 0; pin < IOAPIC_PINS; pin++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			rte_write(pin, x & ~IOAPIC_RTE_MASKED);
			ioapic_set_irq(&io, pin, round & 1);
		}
		unsigned int n = 0;

		while (ioapic_next_message(&io, APIC_ID, &m)) {
			assert_true(m.vector >= 16);
			assert_true(m.delivery_mode <= 1);
			assert_true(m.pin < IOAPIC_PINS);
			assert_true(++n <= IOAPIC_PINS);
		}
		if (round % 3 == 0)
			for (unsigned int v = 0; v < 256; v++)
				ioapic_eoi(&io, (uint8_t)v);
	}
	assert_true(dropped_total() > 0);
	assert_int_equal(io.line >> IOAPIC_PINS, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_power_on, setup),
		cmocka_unit_test_setup(test_id_and_read_only_registers, setup),
		cmocka_unit_test_setup(test_window_accesses, setup),
		cmocka_unit_test_setup(test_entry_bits, setup),
		cmocka_unit_test_setup(test_edge, setup),
		cmocka_unit_test_setup(test_edge_masked, setup),
		cmocka_unit_test_setup(test_level_remote_irr, setup),
		cmocka_unit_test_setup(test_level_masked, setup),
		cmocka_unit_test_setup(test_level_ended_by_edge_toggle, setup),
		cmocka_unit_test_setup(test_polarity, setup),
		cmocka_unit_test_setup(test_several_pins, setup),
		cmocka_unit_test_setup(test_illegal_vector, setup),
		cmocka_unit_test_setup(test_delivery_modes, setup),
		cmocka_unit_test_setup(test_destinations, setup),
		cmocka_unit_test_setup(test_hostile_loop_ends, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
