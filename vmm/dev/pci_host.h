/* PCI configuration mechanism #1 with one device behind it: the host
 * bridge at 00:00.0, an Intel 82441FX (the 440FX's PCI and memory
 * controller, what QEMU's "-M pc" shows), and nothing else on any bus
 * (PCI Local Bus Specification 3.0, 3.2.2.3.2, "Software Generation of
 * Configuration Transactions"). Enough for Linux's probe
 * (arch/x86/pci/direct.c, pci_check_type1 and pci_sanity_check) to find
 * type 1 access and a host bridge, without pci=off. Pure: the PC's port
 * handler (pc/pc_io.c) calls it with the port and the access size. */
#ifndef HV_PCI_HOST_H
#define HV_PCI_HOST_H

#include <stdbool.h>
#include <stdint.h>

/* CONFIG_ADDRESS, a DWORD at 0xCF8 (only a DWORD access selects it; a
 * byte or word there is ordinary I/O, e.g. 0xCF9, the reset control),
 * and CONFIG_DATA, 0xCFC-0xCFF (byte, word or DWORD of the addressed
 * DWORD). */
#define PCI_CONFIG_ADDRESS 0xcf8u
#define PCI_CONFIG_DATA 0xcfcu
#define PCI_CONFIG_PORTS 8u
/* CONFIG_ADDRESS: bit 31 enables the data port; bits 23:16 bus, 15:11
 * device, 10:8 function, 7:2 the DWORD register. Bits 30:24 are
 * reserved and bits 1:0 select type 0 (00): both read 0. */
#define PCI_CONFIG_ENABLE 0x80000000u
#define PCI_CONFIG_ADDRESS_MASK 0x80fffffcu

/* The type 0 configuration header (PCI 3.0, 6.1, "Configuration Space
 * Organization"): the offsets this model answers. */
#define PCI_VENDOR_ID 0x00u
#define PCI_DEVICE_ID 0x02u
#define PCI_COMMAND 0x04u
#define PCI_STATUS 0x06u
#define PCI_REVISION_ID 0x08u
#define PCI_CLASS_PROG 0x09u
#define PCI_CLASS_DEVICE 0x0au /* sub-class, base class */
#define PCI_LATENCY_TIMER 0x0du
#define PCI_HEADER_TYPE 0x0eu
#define PCI_CONFIG_SPACE 256u

/* The 82441FX PMC (Intel 440FX PCIset data sheet, 3.2, "PCI
 * Configuration Registers"): VID 8086h, DID 1237h, RID 02h, class
 * 060000h (bridge, host), PCICMD 0006h (memory and bus master
 * hardwired on), PCISTS 0280h (fast back-to-back, medium DEVSEL),
 * header type 00h (one function), MLT bits 7:3 writable. */
#define PCI_VENDOR_INTEL 0x8086u
#define PCI_DEVICE_82441FX 0x1237u
#define PCI_82441FX_REVISION 0x02u
#define PCI_CLASS_BRIDGE_HOST 0x0600u
#define PCI_82441FX_COMMAND 0x0006u
#define PCI_82441FX_STATUS 0x0280u
#define PCI_82441FX_MLT_WRITABLE 0xf8u

struct pci_host {
	uint32_t address; /* CONFIG_ADDRESS as last written */
	uint8_t latency_timer;
};

void pci_host_init(struct pci_host *h);
/* @port is one of the PCI_CONFIG_PORTS from PCI_CONFIG_ADDRESS. A byte
 * or word at 0xCF8-0xCFB is not CONFIG_ADDRESS: it reads all ones and
 * writes vanish. Absent functions, buses and registers read all ones.
 * A read gives @size bytes, the bits above them 0. */
uint32_t pci_host_read(struct pci_host *h, uint16_t port, unsigned int size);
void pci_host_write(struct pci_host *h, uint16_t port, unsigned int size,
		    uint32_t value);
/* One byte of the bridge's configuration space (0 past the header:
 * the 82441FX's device-specific registers are not modelled). */
uint8_t pci_host_config_byte(const struct pci_host *h, unsigned int offset);

#endif
