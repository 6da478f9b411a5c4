/* PCI configuration mechanism #1 and the 82441FX host bridge
 * (dev/pci_host.h), driven as Linux's arch/x86/pci/direct.c drives it:
 * pci_check_type1, pci_sanity_check, then pci_conf1_read/write; and
 * through the PC's ports (pc/pc_io.c), where 0xCF9 stays the reset
 * control. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dev/pci_host.h"
#include "pc/pc.h"

static struct pci_host h;

static int setup(void **state)
{
	(void)state;
	pci_host_init(&h);
	return 0;
}

/* PCI_CONF1_ADDRESS(bus, devfn, reg) as Linux builds it. */
static uint32_t conf1(unsigned int bus, unsigned int dev, unsigned int fn,
		      unsigned int reg)
{
	return PCI_CONFIG_ENABLE | bus << 16 | dev << 11 | fn << 8 |
	       (reg & 0xfc);
}

/* pci_conf1_read(): CONFIG_ADDRESS, then the data port's byte lane. */
static uint32_t cfg_read(unsigned int bus, unsigned int dev, unsigned int fn,
			 unsigned int reg, unsigned int len)
{
	pci_host_write(&h, PCI_CONFIG_ADDRESS, 4, conf1(bus, dev, fn, reg));
	return pci_host_read(
		&h, (uint16_t)(PCI_CONFIG_DATA + (reg & (4 - len))), len);
}

/* pci_check_type1: a byte to 0xCFB, then CONFIG_ADDRESS must read back
 * 0x80000000 exactly. */
static void test_linux_finds_type_1(void **state)
{
	(void)state;
	pci_host_write(&h, 0xcfb, 1, 0x01);
	assert_int_equal(pci_host_read(&h, PCI_CONFIG_ADDRESS, 4), 0);
	pci_host_write(&h, PCI_CONFIG_ADDRESS, 4, 0x80000000u);
	assert_int_equal(pci_host_read(&h, PCI_CONFIG_ADDRESS, 4), 0x80000000u);
	/* reserved bits 30:24 and the type bits 1:0 read 0 */
	pci_host_write(&h, PCI_CONFIG_ADDRESS, 4, 0xffffffffu);
	assert_int_equal(pci_host_read(&h, PCI_CONFIG_ADDRESS, 4), 0x80fffffcu);
	/* a byte or word there is not CONFIG_ADDRESS */
	assert_int_equal(pci_host_read(&h, PCI_CONFIG_ADDRESS, 1), 0xff);
	pci_host_write(&h, PCI_CONFIG_ADDRESS, 2, 0);
	assert_int_equal(pci_host_read(&h, PCI_CONFIG_ADDRESS, 4), 0x80fffffcu);
}

/* pci_sanity_check: devfn 0 of bus 0 is a host bridge, made by Intel. */
static void test_host_bridge_at_00_00_0(void **state)
{
	(void)state;
	assert_int_equal(cfg_read(0, 0, 0, PCI_CLASS_DEVICE, 2), 0x0600);
	assert_int_equal(cfg_read(0, 0, 0, PCI_VENDOR_ID, 2), 0x8086);
	assert_int_equal(cfg_read(0, 0, 0, PCI_VENDOR_ID, 4), 0x12378086u);
	assert_int_equal(cfg_read(0, 0, 0, PCI_DEVICE_ID, 2), 0x1237);
	assert_int_equal(cfg_read(0, 0, 0, PCI_COMMAND, 4), 0x02800006u);
	assert_int_equal(cfg_read(0, 0, 0, PCI_REVISION_ID, 4), 0x06000002u);
	assert_int_equal(cfg_read(0, 0, 0, PCI_REVISION_ID, 1), 0x02);
	assert_int_equal(cfg_read(0, 0, 0, PCI_HEADER_TYPE, 1), 0x00);
	/* no BARs: sizing reads 0 back, so Linux assigns nothing */
	for (unsigned int bar = 0x10; bar <= 0x24; bar += 4) {
		pci_host_write(&h, PCI_CONFIG_ADDRESS, 4, conf1(0, 0, 0, bar));
		pci_host_write(&h, PCI_CONFIG_DATA, 4, 0xffffffffu);
		assert_int_equal(pci_host_read(&h, PCI_CONFIG_DATA, 4), 0);
	}
	/* the rest of the header and the device-specific space read 0 */
	assert_int_equal(cfg_read(0, 0, 0, 0x2c, 4), 0);
	assert_int_equal(cfg_read(0, 0, 0, 0x3c, 4), 0);
	assert_int_equal(cfg_read(0, 0, 0, 0xfc, 4), 0);
}

/* Every other function, device and bus is absent: all ones, and a write
 * there changes nothing of the bridge. */
static void test_nothing_else_is_there(void **state)
{
	(void)state;
	for (unsigned int dev = 0; dev < 32; dev++)
		for (unsigned int fn = 0; fn < 8; fn++)
			if (dev || fn)
				assert_int_equal(cfg_read(0, dev, fn, 0, 4),
						 0xffffffffu);
	assert_int_equal(cfg_read(1, 0, 0, 0, 4), 0xffffffffu);
	assert_int_equal(cfg_read(255, 31, 7, 0, 2), 0xffff);
	pci_host_write(&h, PCI_CONFIG_ADDRESS, 4,
		       conf1(0, 1, 0, PCI_LATENCY_TIMER));
	pci_host_write(&h, PCI_CONFIG_DATA + 1, 1, 0xff);
	assert_int_equal(cfg_read(0, 0, 0, PCI_LATENCY_TIMER, 1), 0);
	/* the enable bit clear: the data port reads all ones */
	pci_host_write(&h, PCI_CONFIG_ADDRESS, 4, 0);
	assert_int_equal(pci_host_read(&h, PCI_CONFIG_DATA, 4), 0xffffffffu);
}

/* Hardwired registers ignore writes; the latency timer keeps bits 7:3. */
static void test_writes(void **state)
{
	(void)state;
	pci_host_write(&h, PCI_CONFIG_ADDRESS, 4, conf1(0, 0, 0, PCI_COMMAND));
	pci_host_write(&h, PCI_CONFIG_DATA, 2, 0);
	assert_int_equal(cfg_read(0, 0, 0, PCI_COMMAND, 2), 0x0006);
	pci_host_write(&h, PCI_CONFIG_ADDRESS, 4, conf1(0, 0, 0, 0x0c));
	pci_host_write(&h, PCI_CONFIG_DATA, 4, 0xffffffffu);
	assert_int_equal(cfg_read(0, 0, 0, 0x0c, 4), 0x0000f800u);
	pci_host_write(&h, PCI_CONFIG_ADDRESS, 4, conf1(0, 0, 0, 0x0c));
	pci_host_write(&h, PCI_CONFIG_DATA + 1, 1, 0x47);
	assert_int_equal(cfg_read(0, 0, 0, PCI_LATENCY_TIMER, 1), 0x40);
	assert_int_equal(cfg_read(0, 0, 0, PCI_VENDOR_ID, 4), 0x12378086u);
}

/* A word at 0xCFF reaches past CONFIG_DATA: that byte floats high. */
static void test_access_past_the_data_port(void **state)
{
	(void)state;
	pci_host_write(&h, PCI_CONFIG_ADDRESS, 4, conf1(0, 0, 0, 0));
	assert_int_equal(pci_host_read(&h, 0xcff, 2), 0xff12);
	assert_int_equal(pci_host_read(&h, 0xcfe, 2), 0x1237);
	assert_int_equal(pci_host_read(&h, 0xcfd, 1), 0x80);
}

/* Through the PC's ports: 0xCF8-0xCFF are the PC's own, and a byte at
 * 0xCF9 is still the reset control register. */
static void test_pc_ports(void **state)
{
	(void)state;
	struct pc pc;
	uint32_t v;

	memset(&pc, 0, sizeof(pc));
	pci_host_init(&pc.pci);
	assert_true(pc_port_out(&pc, 0xcf8, 4, 0x80000000u, 0));
	assert_true(pc_port_in(&pc, 0xcf8, 4, 0, &v));
	assert_int_equal(v, 0x80000000u);
	assert_true(pc_port_in(&pc, 0xcfc, 4, 0, &v));
	assert_int_equal(v, 0x12378086u);
	assert_true(pc_port_in(&pc, 0xcfe, 2, 0, &v));
	assert_int_equal(v, 0x1237);
	assert_true(pc_port_out(&pc, 0xcfb, 1, 0x01, 0));
	assert_false(pc.reset);
	assert_true(pc_port_out(&pc, 0xcf9, 1, 0x02, 0));
	assert_false(pc.reset);
	assert_true(pc_port_out(&pc, 0xcf9, 1, 0x06, 0));
	assert_true(pc.reset);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_linux_finds_type_1, setup),
		cmocka_unit_test_setup(test_host_bridge_at_00_00_0, setup),
		cmocka_unit_test_setup(test_nothing_else_is_there, setup),
		cmocka_unit_test_setup(test_writes, setup),
		cmocka_unit_test_setup(test_access_past_the_data_port, setup),
		cmocka_unit_test_setup(test_pc_ports, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
