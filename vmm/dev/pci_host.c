/* Configuration mechanism #1 and the 82441FX host bridge (pci_host.h).
 * Every bus but 0, every device but 0 and every function but 0 is
 * absent: a configuration read there ends in a master abort, which
 * returns all ones (PCI 3.0, 6.1: a vendor ID of FFFFh means "no
 * device"), and writes vanish. The bridge has no BARs, no capability
 * list and no interrupt: Linux sizes no resources for it. */
#include "dev/pci_host.h"

void pci_host_init(struct pci_host *h)
{
	*h = (struct pci_host){0};
}

uint8_t pci_host_config_byte(const struct pci_host *h, unsigned int offset)
{
	switch (offset) {
	case PCI_VENDOR_ID:
		return PCI_VENDOR_INTEL & 0xff;
	case PCI_VENDOR_ID + 1:
		return PCI_VENDOR_INTEL >> 8;
	case PCI_DEVICE_ID:
		return PCI_DEVICE_82441FX & 0xff;
	case PCI_DEVICE_ID + 1:
		return PCI_DEVICE_82441FX >> 8;
	case PCI_COMMAND:
		return PCI_82441FX_COMMAND & 0xff;
	case PCI_COMMAND + 1:
		return PCI_82441FX_COMMAND >> 8;
	case PCI_STATUS:
		return PCI_82441FX_STATUS & 0xff;
	case PCI_STATUS + 1:
		return PCI_82441FX_STATUS >> 8;
	case PCI_REVISION_ID:
		return PCI_82441FX_REVISION;
	case PCI_CLASS_PROG:
		return 0;
	case PCI_CLASS_DEVICE:
		return PCI_CLASS_BRIDGE_HOST & 0xff;
	case PCI_CLASS_DEVICE + 1:
		return PCI_CLASS_BRIDGE_HOST >> 8;
	case PCI_LATENCY_TIMER:
		return h->latency_timer;
	case PCI_HEADER_TYPE:
		return 0; /* type 0, bit 7 clear: function 0 only */
	default:
		return 0;
	}
}

/* The host bridge's function is addressed: enabled, bus 0, device 0,
 * function 0. */
static bool bridge_addressed(uint32_t address)
{
	return (address & PCI_CONFIG_ENABLE) && !(address & 0x00ffff00u);
}

static bool is_config_address(uint16_t port, unsigned int size)
{
	return port == PCI_CONFIG_ADDRESS && size == 4;
}

/* The @size low bytes of a read; the rest 0. */
static uint32_t size_mask(unsigned int size)
{
	return size >= 4 ? ~0u : (1u << (8 * size)) - 1;
}

uint32_t pci_host_read(struct pci_host *h, uint16_t port, unsigned int size)
{
	if (is_config_address(port, size))
		return h->address;
	if (port < PCI_CONFIG_DATA || !bridge_addressed(h->address))
		return size_mask(size);
	/* The bytes of the addressed DWORD from the port's byte lane on;
	 * a byte past 0xCFF belongs to no register and floats high. */
	unsigned int lane = port - PCI_CONFIG_DATA;
	unsigned int reg = h->address & 0xfcu;
	uint32_t v = 0;

	for (unsigned int i = 0; i < 4; i++) {
		uint8_t b = i < size && lane + i < 4
				    ? pci_host_config_byte(h, reg + lane + i)
				    : 0xff;

		v |= (uint32_t)b << (8 * i);
	}
	return v & size_mask(size);
}

void pci_host_write(struct pci_host *h, uint16_t port, unsigned int size,
		    uint32_t value)
{
	if (is_config_address(port, size)) {
		h->address = value & PCI_CONFIG_ADDRESS_MASK;
		return;
	}
	if (port < PCI_CONFIG_DATA || !bridge_addressed(h->address))
		return;
	unsigned int lane = port - PCI_CONFIG_DATA;
	unsigned int reg = h->address & 0xfcu;

	/* Every register of the header is read-only (hardwired) but the
	 * master latency timer's bits 7:3. */
	for (unsigned int i = 0; i < size && lane + i < 4; i++)
		if (reg + lane + i == PCI_LATENCY_TIMER)
			h->latency_timer = (uint8_t)(value >> (8 * i)) &
					   PCI_82441FX_MLT_WRITABLE;
}
