/* hostile_io: I/O to ports the guest was not given: the PICs, the PIT,
 * CMOS/RTC, the keyboard controller's reset command, PCI configuration
 * space, and the two other reset ports (0xCF9, 0x92). On bare metal the
 * resets would restart the machine and the rest would reprogram the
 * host's interrupt controller and timer. Proves that every one is denied
 * and the host keeps running: writes vanish, and every read returns all
 * ones (0xFF, 0xFFFFFFFF), as from an absent device. Then an I/O
 * breakpoint (CR4.DE, DR7 R/W = 10b) on a denied port, whose OUT the
 * hypervisor emulates: proves that the OUT raises #DB after it with
 * DR6.B0, as on hardware, and that an OUT beside the breakpoint does not.
 * Ends with status 0 (result=ok) when every check passed, else the number
 * of failed checks (result=error). */
#include "lib.h"

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void expect_ff(uint16_t port, const char *what)
{
	uint8_t v = inb(port);

	if (v != 0xff)
		guest_printf("hostile_io: IN from port 0x%x read 0x%x\n", port,
			     v);
	check(v == 0xff, what);
}

static void pic(void)
{
	outb(0x20, 0x11); /* ICW1: reinitialise the master PIC */
	outb(0x21, 0xff); /* mask every IRQ */
	outb(0xa0, 0x11); /* ICW1 to the slave */
	expect_ff(0x20, "IN from the master PIC (0x20) reads 0xFF");
	expect_ff(0x21, "IN from the master PIC mask (0x21) reads 0xFF");
	expect_ff(0xa0, "IN from the slave PIC (0xA0) reads 0xFF");
}

static void pit(void)
{
	outb(0x43, 0x30); /* channel 0, lo/hi byte, mode 0: one-shot */
	outb(0x40, 0x00);
	outb(0x40, 0x00);
	expect_ff(0x40, "IN from PIT channel 0 (0x40) reads 0xFF");
	expect_ff(0x41, "IN from PIT channel 1 (0x41) reads 0xFF");
	expect_ff(0x42, "IN from PIT channel 2 (0x42) reads 0xFF");
	expect_ff(0x43, "IN from the PIT command port (0x43) reads 0xFF");
}

static void cmos(void)
{
	outb(0x70, 0x8f); /* NMI off, select the shutdown status byte */
	expect_ff(0x71, "IN from CMOS data (0x71) reads 0xFF");
	outb(0x71, 0x00); /* and overwrite it */
	expect_ff(0x70, "IN from the CMOS index (0x70) reads 0xFF");
}

static void resets(void)
{
	expect_ff(0x64, "IN from the keyboard controller (0x64) reads 0xFF");
	outb(0x64, 0xfe);  /* pulse the reset line */
	outb(0xcf9, 0x06); /* reset control register: hard reset */
	expect_ff(0xcf9, "IN from the reset control register (0xCF9) reads "
			 "0xFF");
	outb(0x92, 0x01); /* system control port A: fast reset */
	expect_ff(0x92, "IN from system control port A (0x92) reads 0xFF");
}

/* IN EAX writes a 32-bit register: the upper half of RAX is zeroed. */
static uint64_t inl_rax(uint16_t port)
{
	uint64_t rax = 0x1122334455667788ull;

	__asm__ volatile("inl %w1, %k0" : "+a"(rax) : "Nd"(port));
	return rax;
}

static void pci(void)
{
	outl(0xcf8, 0x80000000u); /* bus 0, device 0, function 0, offset 0 */
	uint32_t id = inl(0xcfc);

	if (id != 0xffffffffu)
		guest_printf("hostile_io: IN from port 0xcfc read 0x%x\n", id);
	check(id == 0xffffffffu,
	      "32-bit IN from PCI config data (0xCFC) reads 0xFFFFFFFF");
	check(inl(0xcf8) == 0xffffffffu,
	      "32-bit IN from PCI config address (0xCF8) reads 0xFFFFFFFF");
	check(inl_rax(0xcfc) == 0xffffffffull,
	      "32-bit IN zero-extends into RAX (0x00000000FFFFFFFF)");
}

#define CR4_DE (1ull << 3)
#define DR7_L0 (1ull << 0)
#define DR7_RW0_IO (2ull << 16) /* R/W0 = 10b, LEN0 = 00b: one port */
#define DR6_B0 (1ull << 0)
#define DR6_INIT 0xffff0ff0ull
#define BP_PORT 0x1234

static void write_dr(int n, uint64_t v)
{
	if (n == 0)
		__asm__ volatile("mov %0, %%dr0" ::"r"(v));
	else if (n == 6)
		__asm__ volatile("mov %0, %%dr6" ::"r"(v));
	else
		__asm__ volatile("mov %0, %%dr7" ::"r"(v));
}

static uint64_t read_dr6(void)
{
	uint64_t v;

	__asm__ volatile("mov %%dr6, %0" : "=r"(v));
	return v;
}

static int outb_safe(uint16_t port, uint8_t v)
{
	return GUEST_SAFE_INSN("outb %%al, %%dx", "+a"(v), "+d"(port));
}

static void io_breakpoint(void)
{
	uint64_t cr4 = read_cr4();

	check(write_cr4_safe(cr4 | CR4_DE) == 0, "CR4.DE set");
	write_dr(0, BP_PORT);
	write_dr(6, DR6_INIT);
	write_dr(7, 0x400 | DR7_L0 | DR7_RW0_IO);
	check(outb_safe(BP_PORT + 1, 0) == 0,
	      "an OUT beside the I/O breakpoint does not raise #DB");
	check_raises(outb_safe(BP_PORT, 0), EXC_DB,
		     "an OUT to the emulated port under an I/O breakpoint "
		     "raises #DB");
	check(read_dr6() & DR6_B0, "... with DR6.B0 set");
	write_dr(7, 0x400);
	write_dr(6, DR6_INIT);
	write_dr(0, 0);
	write_cr4_safe(cr4);
}

int guest_main(struct hv_info *info);
int guest_main(struct hv_info *info)
{
	(void)info;
	guest_exceptions_init();
	guest_printf("hostile_io: touching PIC, PIT, CMOS, keyboard "
		     "controller, reset and PCI config ports\n");
	pic();
	pit();
	cmos();
	resets();
	pci();
	io_breakpoint();
	guest_printf("hostile_io: still here; %d of %d checks passed\n",
		     check_count() - check_failures(), check_count());
	return check_failures();
}
