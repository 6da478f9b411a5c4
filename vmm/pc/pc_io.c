/* The PC's I/O ports: COM1 (dev/uart16550.c), the keyboard controller's
 * status and reset, a CMOS RTC stopped at zero, and the chipset's reset
 * control. Everything else is
 * absent (handle_io.c: reads all ones, writes vanish), which is how
 * Linux finds no PIC, PIT, RTC or PCI quickly (docs/linux-guest.md). */
#include "pc/pc.h"

static bool is_com1(uint16_t port)
{
	return port >= PC_COM1 && port < PC_COM1 + UART_REGISTERS;
}

bool pc_port_in(struct pc *pc, uint16_t port, unsigned int size,
		uint32_t *value)
{
	/* A wider access of a byte-wide register reads it in the low byte,
	 * the bus floating high in the rest. */
	uint32_t high = size == 1 ? 0 : ~0u << 8;

	if (is_com1(port)) {
		*value = high |
			 uart16550_read(&pc->uart,
					(enum uart_register)(port - PC_COM1));
		return true;
	}
	if (port == PC_I8042_STATUS) {
		*value = high | PC_I8042_STATUS_VALUE;
		return true;
	}
	if (port == PC_CMOS_DATA) {
		*value = high;
		return true;
	}
	return false;
}

bool pc_port_out(struct pc *pc, uint16_t port, unsigned int size,
		 uint32_t value)
{
	(void)size;
	if (is_com1(port)) {
		uart16550_write(&pc->uart, (enum uart_register)(port - PC_COM1),
				(uint8_t)value);
		return true;
	}
	if (port == PC_I8042_STATUS) {
		if ((uint8_t)value == PC_I8042_RESET)
			pc->reset = true;
		return true;
	}
	if (port == PC_CMOS_INDEX || port == PC_CMOS_DATA)
		return true; /* index (and its NMI-mask bit) and data: ignored */
	if (port == PC_RESET_CONTROL) {
		if (value & PC_RESET_CONTROL_RESET)
			pc->reset = true;
		return true;
	}
	return false;
}
