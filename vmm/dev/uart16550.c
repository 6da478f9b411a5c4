/* The 16550A model. What Linux's 8250 driver checks when it probes a
 * port (drivers/tty/serial/8250/8250_port.c, autoconfig()) shapes it: IER
 * keeps exactly bits 3:0; MCR loopback reflects RTS/DTR/OUT1/OUT2 as
 * CTS/DSR/RI/DCD in MSR; IIR shows 0xC0 once FCR enables the FIFOs; the
 * scratch register holds what was written. */
#include "dev/uart16550.h"

void uart16550_init(struct uart16550 *u, uart_tx_fn tx, void *tx_ctx)
{
	*u = (struct uart16550){.tx = tx, .tx_ctx = tx_ctx};
}

static bool dlab(const struct uart16550 *u)
{
	return u->lcr & UART_LCR_DLAB;
}

static bool loopback(const struct uart16550 *u)
{
	return u->mcr & UART_MCR_LOOP;
}

/* The highest-priority pending interrupt (data sheet table IV), as IIR
 * bits 3:0. THR is always empty, so the THRE interrupt is pending from
 * the moment it is enabled or THR written until IIR reports it. */
static uint8_t pending(const struct uart16550 *u)
{
	if ((u->ier & UART_IER_RLSI) && u->overrun)
		return UART_IIR_RLSI;
	if ((u->ier & UART_IER_RDI) && u->rx_count)
		return UART_IIR_RDI;
	if ((u->ier & UART_IER_THRI) && u->thr_interrupt)
		return UART_IIR_THRI;
	return UART_IIR_NO_INT;
}

static void push_rx(struct uart16550 *u, uint8_t byte)
{
	if (u->rx_count == UART_FIFO_SIZE) {
		u->overrun = true;
		return;
	}
	u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
	u->rx_count++;
}

static uint8_t pop_rx(struct uart16550 *u)
{
	if (!u->rx_count)
		return 0;
	uint8_t byte = u->rx[u->rx_head];

	u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
	u->rx_count--;
	return byte;
}

/* Outside loopback the line is a null modem that is always up. */
static uint8_t modem_status(const struct uart16550 *u)
{
	if (!loopback(u))
		return UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
	return (u->mcr & UART_MCR_RTS ? UART_MSR_CTS : 0) |
	       (u->mcr & UART_MCR_DTR ? UART_MSR_DSR : 0) |
	       (u->mcr & UART_MCR_OUT1 ? UART_MSR_RI : 0) |
	       (u->mcr & UART_MCR_OUT2 ? UART_MSR_DCD : 0);
}

uint8_t uart16550_read(struct uart16550 *u, enum uart_register reg)
{
	uint8_t v;

	switch (reg) {
	case UART_RBR_THR:
		return dlab(u) ? u->dll : pop_rx(u);
	case UART_IER:
		return dlab(u) ? u->dlm : u->ier;
	case UART_IIR_FCR:
		v = pending(u);
		/* Reading IIR is how the THRE interrupt is acknowledged. */
		if (v == UART_IIR_THRI)
			u->thr_interrupt = false;
		return v | (u->fifos ? UART_IIR_FIFOS : 0);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		v = UART_LSR_THRE | UART_LSR_TEMT |
		    (u->rx_count ? UART_LSR_DR : 0) |
		    (u->overrun ? UART_LSR_OE : 0);
		u->overrun = false; /* reading LSR clears the error bits */
		return v;
	case UART_MSR:
		return modem_status(u);
	case UART_SCR:
		return u->scr;
	case UART_REGISTERS:
		break;
	}
	return 0xff;
}

void uart16550_write(struct uart16550 *u, enum uart_register reg, uint8_t value)
{
	switch (reg) {
	case UART_RBR_THR:
		if (dlab(u)) {
			u->dll = value;
			return;
		}
		if (loopback(u))
			push_rx(u, value);
		else if (u->tx)
			u->tx(u->tx_ctx, value);
		u->thr_interrupt = true;
		return;
	case UART_IER:
		if (dlab(u)) {
			u->dlm = value;
			return;
		}
		/* Enabling THRI while THR is empty interrupts at once. */
		if ((value & ~u->ier) & UART_IER_THRI)
			u->thr_interrupt = true;
		u->ier = value & UART_IER_MASK;
		return;
	case UART_IIR_FCR:
		u->fifos = value & UART_FCR_ENABLE;
		if (value & UART_FCR_CLEAR_RCVR)
			u->rx_count = 0;
		return;
	case UART_LCR:
		u->lcr = value;
		return;
	case UART_MCR:
		u->mcr = value & UART_MCR_MASK;
		return;
	case UART_SCR:
		u->scr = value;
		return;
	case UART_LSR: /* read-only: writes are ignored, as on the chip */
	case UART_MSR:
	case UART_REGISTERS:
		return;
	}
}

bool uart16550_receive(struct uart16550 *u, uint8_t byte)
{
	if (loopback(u)) /* the receiver hears only the transmitter */
		return false;
	if (u->rx_count == UART_FIFO_SIZE) {
		u->overrun = true;
		return false;
	}
	push_rx(u, byte);
	return true;
}

bool uart16550_irq_line(const struct uart16550 *u)
{
	return pending(u) != UART_IIR_NO_INT && (u->mcr & UART_MCR_OUT2);
}
