/* A 16550A UART as Linux's 8250 driver probes and drives it: the eight
 * registers at COM1 (DLAB-banked divisor latch, IER, IIR/FCR, LCR, MCR,
 * LSR, MSR, scratch), a 16-byte receive FIFO, loopback, and the interrupt
 * the registers ask for. Transmission is instant: THR is always empty.
 * Pure: bytes leave through a callback and arrive through
 * uart16550_receive(), so host tests drive it register by register. */
#ifndef HV_UART16550_H
#define HV_UART16550_H

#include <stdbool.h>
#include <stdint.h>

/* Register offsets from the base port (PC16550D data sheet, table II). */
enum uart_register {
	UART_RBR_THR = 0, /* DLAB=1: divisor latch low */
	UART_IER = 1,	  /* DLAB=1: divisor latch high */
	UART_IIR_FCR = 2,
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_MSR = 6,
	UART_SCR = 7,
	UART_REGISTERS = 8,
};

#define UART_IER_RDI 0x01  /* received data available */
#define UART_IER_THRI 0x02 /* transmitter holding register empty */
#define UART_IER_RLSI 0x04 /* receiver line status */
#define UART_IER_MSI 0x08  /* modem status */
#define UART_IER_MASK 0x0f

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI 0x00
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI 0x04
#define UART_IIR_RLSI 0x06
#define UART_IIR_FIFOS 0xc0 /* both bits: a 16550A with FIFOs on */

#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RCVR 0x02

#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08 /* on a PC, gates the interrupt line */
#define UART_MCR_LOOP 0x10
#define UART_MCR_MASK 0x1f

#define UART_LSR_DR 0x01 /* data ready */
#define UART_LSR_OE 0x02 /* overrun */
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40

#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80

#define UART_FIFO_SIZE 16u

typedef void (*uart_tx_fn)(void *ctx, uint8_t byte);

struct uart16550 {
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	bool fifos;
	bool thr_interrupt; /* THRE interrupt raised and not yet taken */
	bool overrun;
	uint8_t rx[UART_FIFO_SIZE];
	unsigned int rx_head, rx_count;
	uart_tx_fn tx;
	void *tx_ctx;
};

/* Power-on state (all registers 0 but LSR's THRE/TEMT); output to @tx. */
void uart16550_init(struct uart16550 *u, uart_tx_fn tx, void *tx_ctx);
uint8_t uart16550_read(struct uart16550 *u, enum uart_register reg);
void uart16550_write(struct uart16550 *u, enum uart_register reg,
		     uint8_t value);
/* A byte from the outside world (the host's console input). False when
 * it was not taken: the FIFO was full (LSR then reports the overrun) or
 * the UART is in loopback, where the receiver hears only the
 * transmitter. */
bool uart16550_receive(struct uart16550 *u, uint8_t byte);
/* The interrupt line: some enabled condition holds, and OUT2 is set. */
bool uart16550_irq_line(const struct uart16550 *u);

#endif
