/* A Linux guest's memory, filled before the first VM entry: the kernel,
 * initrd, command line and boot_params as the boot protocol places them
 * (loader/linux_boot.h), and the PC's ACPI tables (pc.h). Pure. */
#ifndef HV_LINUX_GUEST_H
#define HV_LINUX_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include "loader/linux_boot.h"

/* The command line without --append= (docs/linux-guest.md says why each
 * word is there): the console on COM1; noapic, which keeps Linux in
 * x2APIC mode while the PC has no I/O APIC (without interrupt remapping
 * it would turn x2APIC off for the xAPIC's MMIO page, enable_IR_x2apic);
 * tsc=reliable, since with no HPET or PM timer the clocksource watchdog
 * checks the TSC against jiffies, which lag behind late ticks and make
 * Linux drop the TSC for jiffies. Linux starts /init from an initramfs by
 * itself. */
#define PC_LINUX_DEFAULT_CMDLINE "console=ttyS0"
/* Guest memory without --mem=, in MiB: the Debian kernel's 64 MiB of
 * init_size, an initramfs, and room for its shell. */
#define PC_LINUX_DEFAULT_MEM_MIB 256u

struct linux_guest {
	const uint8_t *kernel;
	size_t kernel_size;
	const uint8_t *initrd; /* NULL: none */
	size_t initrd_size;
	const char *cmdline;
	uint64_t mem_size; /* bytes, a multiple of 2 MiB */
};

/* Checks the kernel and plans the layout (@k, @l), then fills @mem (zeroed,
 * g->mem_size bytes), the ACPI tables included: nothing is written when
 * the answer is not LINUX_BOOT_OK. */
enum linux_boot_error linux_guest_load(uint8_t *mem,
				       const struct linux_guest *g,
				       struct linux_kernel *k,
				       struct linux_layout *l);

#endif
