/* The 8259A pair (dev/i8259.h) as Linux's arch/x86/kernel/i8259.c drives
 * it: probe_8259A, init_8259A, masking, the spurious-IRQ check through
 * OCW3's ISR read, EOI; and the priority and cascade logic an injector
 * will use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dev/i8259.h"

static struct i8259_pair p;

static int setup(void **state)
{
	(void)state;
	i8259_init(&p);
	return 0;
}

/* init_8259A(0): ICW1 0x11, ICW2 vector base, ICW3 cascade, ICW4 8086. */
static void linux_init(void)
{
	i8259_write(&p, 0x21, 0xff);
	i8259_write(&p, 0x20, 0x11);
	i8259_write(&p, 0x21, 0x30);
	i8259_write(&p, 0x21, 1u << I8259_CASCADE_IR);
	i8259_write(&p, 0x21, I8259_ICW4_8086);
	i8259_write(&p, 0xa0, 0x11);
	i8259_write(&p, 0xa1, 0x38);
	i8259_write(&p, 0xa1, I8259_CASCADE_IR);
	i8259_write(&p, 0xa1, I8259_ICW4_8086);
	i8259_write(&p, 0x21, 0xfb); /* all masked but the cascade */
	i8259_write(&p, 0xa1, 0xff);
}

/* probe_8259A: the mask written reads back; all ones would not. */
static void test_linux_probe(void **state)
{
	(void)state;
	assert_true(i8259_owns(0x20) && i8259_owns(0xa1) && i8259_owns(0x4d1));
	assert_false(i8259_owns(0x22) || i8259_owns(0x4d2));
	assert_int_equal(i8259_read(&p, 0x21), 0xff);
	i8259_write(&p, 0xa1, 0xff);
	i8259_write(&p, 0x21, 0xfb);
	assert_int_equal(i8259_read(&p, 0x21), 0xfb);
	assert_int_equal(i8259_read(&p, 0xa1), 0xff);
}

/* After init the masks are Linux's; ICW1 cleared IMR on the way. */
static void test_init_and_masks(void **state)
{
	(void)state;
	i8259_write(&p, 0x20, 0x11);
	assert_int_equal(i8259_read(&p, 0x21), 0);
	linux_init();
	assert_int_equal(p.pic[0].vector_base, 0x30);
	assert_int_equal(p.pic[1].vector_base, 0x38);
	assert_int_equal(p.pic[0].init_step, 0);
	assert_int_equal(i8259_read(&p, 0x21), 0xfb);
	assert_int_equal(i8259_read(&p, 0xa1), 0xff);
	/* unmask IRQ 9 (the SCI) as enable_8259A_irq does */
	i8259_write(&p, 0xa1, 0xfd);
	assert_int_equal(i8259_read(&p, 0xa1), 0xfd);
}

/* IRR and ISR through OCW3; a request delivered, then EOI. */
static void test_irr_isr_eoi(void **state)
{
	(void)state;
	linux_init();
	i8259_write(&p, 0x21, 0xfa); /* IRQ 0 unmasked */
	i8259_set_irq(&p, 0);
	i8259_set_irq(&p, 1); /* masked: stays requested */
	i8259_write(&p, 0x20, I8259_OCW3 | I8259_OCW3_RR);
	assert_int_equal(i8259_read(&p, 0x20), 0x03);
	assert_true(i8259_pending(&p));
	assert_int_equal(i8259_ack(&p), 0x30);
	assert_false(i8259_pending(&p));
	i8259_write(&p, 0x20, I8259_OCW3 | I8259_OCW3_RR | I8259_OCW3_RIS);
	assert_int_equal(i8259_read(&p, 0x20), 0x01);
	assert_int_equal(i8259_ack(&p), -1); /* IRQ 1 masked */
	i8259_write(&p, 0x20, I8259_OCW2_EOI | I8259_OCW2_SL | 0);
	assert_int_equal(i8259_read(&p, 0x20), 0);
	i8259_write(&p, 0x20, I8259_OCW3 | I8259_OCW3_RR);
	assert_int_equal(i8259_read(&p, 0x20), 0x02);
}

/* Fixed priority: a lower level waits while a higher is in service;
 * a non-specific EOI ends the highest in service. */
static void test_priority(void **state)
{
	(void)state;
	linux_init();
	i8259_write(&p, 0x21, 0x00);
	i8259_set_irq(&p, 4);
	assert_int_equal(i8259_ack(&p), 0x34);
	i8259_set_irq(&p, 6);
	assert_false(i8259_pending(&p)); /* IRQ 4 in service is higher */
	assert_int_equal(i8259_ack(&p), -1);
	i8259_set_irq(&p, 3);
	assert_int_equal(i8259_ack(&p), 0x33);
	i8259_write(&p, 0x20, I8259_OCW2_EOI); /* ends IR3 */
	i8259_write(&p, 0x20, I8259_OCW2_EOI); /* ends IR4 */
	assert_int_equal(i8259_ack(&p), 0x36);
}

/* The slave's IRQ 9 through the master's IR2: both in service, both
 * EOIed; masked on the slave, nothing. */
static void test_cascade(void **state)
{
	(void)state;
	linux_init();
	i8259_set_irq(&p, 9);
	assert_int_equal(i8259_ack(&p), -1);
	i8259_write(&p, 0xa1, 0xfd);
	assert_int_equal(i8259_ack(&p), 0x39);
	assert_int_equal(p.pic[0].isr, 1u << I8259_CASCADE_IR);
	assert_int_equal(p.pic[1].isr, 0x02);
	i8259_write(&p, 0xa0, I8259_OCW2_EOI | I8259_OCW2_SL | 1);
	i8259_write(&p, 0x20, I8259_OCW2_EOI | I8259_OCW2_SL | 2);
	assert_int_equal(p.pic[0].isr | p.pic[1].isr, 0);
	assert_int_equal(i8259_ack(&p), -1);
}

/* Poll, automatic EOI, and the ELCR's bits. */
static void test_poll_aeoi_elcr(void **state)
{
	(void)state;
	linux_init();
	i8259_write(&p, 0x21, 0x00);
	i8259_set_irq(&p, 5);
	i8259_write(&p, 0x20, I8259_OCW3 | I8259_OCW3_POLL);
	assert_int_equal(i8259_read(&p, 0x20), 0x85);
	i8259_write(&p, 0x20, I8259_OCW3 | I8259_OCW3_POLL);
	assert_int_equal(i8259_read(&p, 0x20), 0x00);
	i8259_write(&p, 0x20, I8259_OCW2_EOI);
	/* ICW4 with AEOI: nothing stays in service */
	i8259_write(&p, 0x20, 0x11);
	i8259_write(&p, 0x21, 0x08);
	i8259_write(&p, 0x21, 0x04);
	i8259_write(&p, 0x21, I8259_ICW4_8086 | I8259_ICW4_AEOI);
	i8259_set_irq(&p, 7);
	assert_int_equal(i8259_ack(&p), 0x0f);
	assert_int_equal(p.pic[0].isr, 0);
	i8259_write(&p, 0x4d0, 0xff);
	i8259_write(&p, 0x4d1, 0xff);
	assert_int_equal(i8259_read(&p, 0x4d0), 0xf8);
	assert_int_equal(i8259_read(&p, 0x4d1), 0xde);
	i8259_set_irq(&p, 16); /* no such IRQ: nothing */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_linux_probe, setup),
		cmocka_unit_test_setup(test_init_and_masks, setup),
		cmocka_unit_test_setup(test_irr_isr_eoi, setup),
		cmocka_unit_test_setup(test_priority, setup),
		cmocka_unit_test_setup(test_cascade, setup),
		cmocka_unit_test_setup(test_poll_aeoi_elcr, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
