/* The PC's I/O ports: COM1 (dev/uart16550.c), the keyboard controller's
 * status and reset, the CMOS clock (dev/mc146818.c), the chipset's reset
 * control, PCI configuration mechanism #1 (dev/pci_host.c), ACPI's PM1a
 * registers and PM timer (dev/acpi_pm.c), and the 8259 pair
 * (dev/i8259.c). Everything
 * else is absent (handle_io.c: reads all ones, writes vanish), which is
 * how Linux finds no PIT quickly (docs/linux-guest.md). */
#include "pc/pc.h"

static bool is_com1(uint16_t port)
{
	return port >= PC_COM1 && port < PC_COM1 + UART_REGISTERS;
}

static bool is_acpi_pm(uint16_t port)
{
	return port >= PC_ACPI_PM1A && port < PC_ACPI_PM1A + ACPI_PM1_BYTES;
}

static bool is_acpi_pm_tmr(uint16_t port)
{
	return port >= PC_ACPI_PM_TMR &&
	       port < PC_ACPI_PM_TMR + ACPI_PM_TMR_LEN;
}

/* 0xCF8-0xCFF, but a byte at 0xCF9: the reset control register shares
 * CONFIG_ADDRESS's DWORD (only a DWORD access there is CONFIG_ADDRESS). */
static bool is_pci_config(uint16_t port, unsigned int size)
{
	return port >= PCI_CONFIG_ADDRESS &&
	       port < PCI_CONFIG_ADDRESS + PCI_CONFIG_PORTS &&
	       !(port == PC_RESET_CONTROL && size == 1);
}

bool pc_port_in(struct pc *pc, uint16_t port, unsigned int size, uint64_t now,
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
	if (is_pci_config(port, size)) {
		*value = pci_host_read(&pc->pci, port, size);
		return true;
	}
	if (i8259_owns(port)) {
		*value = high | i8259_read(&pc->pic, port);
		return true;
	}
	if (is_acpi_pm(port)) {
		*value = acpi_pm_read(&pc->pm, port - PC_ACPI_PM1A, size);
		return true;
	}
	if (is_acpi_pm_tmr(port)) {
		*value = acpi_pm_tmr_read(now, pc->tsc_hz,
					  port - PC_ACPI_PM_TMR, size);
		return true;
	}
	if (port == PC_I8042_STATUS) {
		*value = high | PC_I8042_STATUS_VALUE;
		return true;
	}
	if (port == RTC_PORT_DATA) {
		*value = high | mc146818_read(&pc->rtc, now);
		return true;
	}
	return false;
}

bool pc_port_out(struct pc *pc, uint16_t port, unsigned int size,
		 uint32_t value, uint64_t now)
{
	if (is_pci_config(port, size)) {
		pci_host_write(&pc->pci, port, size, value);
		return true;
	}
	if (i8259_owns(port)) {
		i8259_write(&pc->pic, port, (uint8_t)value);
		return true;
	}
	if (is_acpi_pm(port)) {
		acpi_pm_write(&pc->pm, port - PC_ACPI_PM1A, size, value);
		/* The DSDT names S5 alone: another sleep type is ignored. */
		if (pc->pm.sleep && pc->pm.slp_typ == PC_ACPI_SLP_TYP_S5)
			pc->power_off = true;
		pc->pm.sleep = false;
		return true;
	}
	if (is_acpi_pm_tmr(port))
		return true; /* read-only */
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
	if (port == RTC_PORT_INDEX) {
		mc146818_select(&pc->rtc, (uint8_t)value);
		return true;
	}
	if (port == RTC_PORT_DATA) {
		mc146818_write(&pc->rtc, (uint8_t)value, now);
		return true;
	}
	if (port == PC_RESET_CONTROL) {
		if (value & PC_RESET_CONTROL_RESET)
			pc->reset = true;
		return true;
	}
	return false;
}
