#include "pc/linux_guest.h"

#include "pc/pc.h"

static size_t length(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

enum linux_boot_error linux_guest_load(uint8_t *mem,
				       const struct linux_guest *g,
				       struct linux_kernel *k,
				       struct linux_layout *l)
{
	size_t cmdline_len = length(g->cmdline);
	enum linux_boot_error e =
		linux_kernel_parse(g->kernel, g->kernel_size, k);

	if (e == LINUX_BOOT_OK)
		e = linux_layout_plan(k, g->mem_size,
				      g->initrd ? g->initrd_size : 0,
				      cmdline_len, l);
	if (e != LINUX_BOOT_OK)
		return e;
	linux_boot_load(mem, g->kernel, k, l, g->initrd, g->cmdline,
			cmdline_len);
	acpi_tables_write(mem, ACPI_TABLES_ADDR);
	return LINUX_BOOT_OK;
}
