/* The 16550A model, driven the way Linux's 8250 driver probes and uses a
 * port (8250_port.c autoconfig(), then transmit, receive, interrupts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dev/uart16550.h"

static char sent[64];
static size_t sent_len;

static void tx(void *ctx, uint8_t byte)
{
	(void)ctx;
	if (sent_len < sizeof(sent))
		sent[sent_len++] = (char)byte;
}

static struct uart16550 u;

static int setup(void **state)
{
	(void)state;
	sent_len = 0;
	uart16550_init(&u, tx, NULL);
	return 0;
}

/* autoconfig(): IER keeps bits 3:0 and nothing else; loopback with
 * RTS|OUT2 reads back CTS|DCD (0x90); FIFOs show in IIR bits 7:6. */
static void test_linux_probe_finds_a_16550a(void **state)
{
	(void)state;
	uart16550_write(&u, UART_IER, 0);
	assert_int_equal(uart16550_read(&u, UART_IER) & 0x0f, 0);
	uart16550_write(&u, UART_IER, 0x0f);
	assert_int_equal(uart16550_read(&u, UART_IER) & 0x0f, 0x0f);
	uart16550_write(&u, UART_IER, 0xff);
	assert_int_equal(uart16550_read(&u, UART_IER), 0x0f);

	uart16550_write(&u, UART_MCR, UART_MCR_LOOP | 0x0a);
	assert_int_equal(uart16550_read(&u, UART_MSR) & 0xf0, 0x90);
	uart16550_write(&u, UART_MCR, UART_MCR_LOOP | 0x05);
	assert_int_equal(uart16550_read(&u, UART_MSR) & 0xf0, 0x60);
	uart16550_write(&u, UART_MCR, 0);

	assert_int_equal(uart16550_read(&u, UART_IIR_FCR) & 0xc0, 0);
	uart16550_write(&u, UART_IIR_FCR, UART_FCR_ENABLE);
	assert_int_equal(uart16550_read(&u, UART_IIR_FCR) & 0xc0, 0xc0);

	uart16550_write(&u, UART_SCR, 0xa5);
	assert_int_equal(uart16550_read(&u, UART_SCR), 0xa5);
}

static void test_divisor_latch_is_banked_by_dlab(void **state)
{
	(void)state;
	uart16550_write(&u, UART_LCR, UART_LCR_DLAB | 0x03);
	uart16550_write(&u, UART_RBR_THR, 0x01); /* 115200 baud */
	uart16550_write(&u, UART_IER, 0x00);
	assert_int_equal(uart16550_read(&u, UART_RBR_THR), 0x01);
	assert_int_equal(sent_len, 0); /* DLL, not THR */
	uart16550_write(&u, UART_LCR, 0x03);
	assert_int_equal(uart16550_read(&u, UART_LCR), 0x03);
	uart16550_write(&u, UART_RBR_THR, 'A');
	assert_int_equal(sent_len, 1);
	assert_int_equal(sent[0], 'A');
}

static void test_transmit_is_instant(void **state)
{
	(void)state;
	for (const char *p = "hi\n"; *p; p++) {
		assert_true(uart16550_read(&u, UART_LSR) & UART_LSR_THRE);
		uart16550_write(&u, UART_RBR_THR, (uint8_t)*p);
	}
	assert_int_equal(sent_len, 3);
	assert_memory_equal(sent, "hi\n", 3);
	assert_int_equal(uart16550_read(&u, UART_LSR) &
				 (UART_LSR_THRE | UART_LSR_TEMT),
			 UART_LSR_THRE | UART_LSR_TEMT);
}

static void test_receive_raises_rdi_gated_by_out2(void **state)
{
	(void)state;
	uart16550_write(&u, UART_IIR_FCR, UART_FCR_ENABLE);
	uart16550_write(&u, UART_IER, UART_IER_RDI);
	assert_false(uart16550_irq_line(&u));
	assert_int_equal(uart16550_read(&u, UART_IIR_FCR), 0xc1);

	assert_true(uart16550_receive(&u, 'x'));
	assert_true(uart16550_read(&u, UART_LSR) & UART_LSR_DR);
	assert_int_equal(uart16550_read(&u, UART_IIR_FCR), 0xc4);
	assert_false(uart16550_irq_line(&u)); /* OUT2 clear: no line */
	uart16550_write(&u, UART_MCR, UART_MCR_OUT2 | UART_MCR_DTR);
	assert_true(uart16550_irq_line(&u));

	assert_int_equal(uart16550_read(&u, UART_RBR_THR), 'x');
	assert_false(uart16550_read(&u, UART_LSR) & UART_LSR_DR);
	assert_int_equal(uart16550_read(&u, UART_IIR_FCR), 0xc1);
	assert_false(uart16550_irq_line(&u));
}

/* THRE is always true here, so its interrupt fires when enabled and
 * after each THR write, and reading IIR takes it. */
static void test_thre_interrupt_is_taken_by_reading_iir(void **state)
{
	(void)state;
	uart16550_write(&u, UART_MCR, UART_MCR_OUT2);
	uart16550_write(&u, UART_IER, UART_IER_THRI);
	assert_true(uart16550_irq_line(&u));
	assert_int_equal(uart16550_read(&u, UART_IIR_FCR), UART_IIR_THRI);
	assert_int_equal(uart16550_read(&u, UART_IIR_FCR), UART_IIR_NO_INT);
	assert_false(uart16550_irq_line(&u));
	uart16550_write(&u, UART_RBR_THR, 'z');
	assert_int_equal(uart16550_read(&u, UART_IIR_FCR), UART_IIR_THRI);
	/* Received data outranks it. */
	uart16550_write(&u, UART_RBR_THR, 'z');
	uart16550_write(&u, UART_IER, UART_IER_THRI | UART_IER_RDI);
	assert_true(uart16550_receive(&u, 'q'));
	assert_int_equal(uart16550_read(&u, UART_IIR_FCR), UART_IIR_RDI);
}

static void test_overrun_is_reported_once(void **state)
{
	(void)state;
	uart16550_write(&u, UART_IER, UART_IER_RLSI | UART_IER_RDI);
	for (unsigned int i = 0; i < UART_FIFO_SIZE; i++)
		assert_true(uart16550_receive(&u, (uint8_t)('a' + i)));
	assert_false(uart16550_receive(&u, '!'));
	assert_int_equal(uart16550_read(&u, UART_IIR_FCR), UART_IIR_RLSI);
	assert_int_equal(uart16550_read(&u, UART_LSR) &
				 (UART_LSR_OE | UART_LSR_DR),
			 UART_LSR_OE | UART_LSR_DR);
	assert_false(uart16550_read(&u, UART_LSR) & UART_LSR_OE);
	assert_int_equal(uart16550_read(&u, UART_IIR_FCR), UART_IIR_RDI);
	for (unsigned int i = 0; i < UART_FIFO_SIZE; i++)
		assert_int_equal(uart16550_read(&u, UART_RBR_THR), 'a' + i);
	assert_false(uart16550_read(&u, UART_LSR) & UART_LSR_DR);
}

static void test_loopback_keeps_bytes_inside(void **state)
{
	(void)state;
	uart16550_write(&u, UART_MCR, UART_MCR_LOOP);
	uart16550_write(&u, UART_RBR_THR, 0x55);
	assert_int_equal(sent_len, 0);
	assert_false(uart16550_receive(&u, 'x'));
	assert_int_equal(uart16550_read(&u, UART_RBR_THR), 0x55);
	assert_false(uart16550_read(&u, UART_LSR) & UART_LSR_DR);
	uart16550_write(&u, UART_IIR_FCR,
			UART_FCR_ENABLE | UART_FCR_CLEAR_RCVR);
	uart16550_write(&u, UART_RBR_THR, 1);
	uart16550_write(&u, UART_IIR_FCR,
			UART_FCR_ENABLE | UART_FCR_CLEAR_RCVR);
	assert_false(uart16550_read(&u, UART_LSR) & UART_LSR_DR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_linux_probe_finds_a_16550a, setup),
		cmocka_unit_test_setup(test_divisor_latch_is_banked_by_dlab,
				       setup),
		cmocka_unit_test_setup(test_transmit_is_instant, setup),
		cmocka_unit_test_setup(test_receive_raises_rdi_gated_by_out2,
				       setup),
		cmocka_unit_test_setup(
			test_thre_interrupt_is_taken_by_reading_iir, setup),
		cmocka_unit_test_setup(test_overrun_is_reported_once, setup),
		cmocka_unit_test_setup(test_loopback_keeps_bytes_inside, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
