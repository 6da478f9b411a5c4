/* The Linux guest's own helper (guest/linux/init), one static program for
 * what busybox lacks:
 *
 *   hvutil rdtsc             the TSC, in decimal (under Bochs with
 *                            "clock: sync=none": instructions executed
 *                            since power-on; make bench's figure)
 *   hvutil drain DEV         waits until DEV has sent everything
 *                            (tcdrain), before powering off
 *   hvutil true              exits 0: a real fork and exec for the
 *                            fork/exec check (busybox runs its own
 *                            applets in-process)
 *   hvutil avx               a pattern in YMM7 (all 256 bits) survives
 *                            50 sleeps of 10 ms, each a context switch
 *                            and, under hv.efi, timer interrupts and HLT
 *                            waits in which hv calls the firmware: the
 *                            guest's AVX state is its own
 *   hvutil rtc-uie DEV       RTC_UIE_ON on the RTC DEV, one read() of its
 *                            interrupt data (a poll() of 3 s first),
 *                            RTC_UIE_OFF; prints what it read, exits 1
 *                            where nothing came
 *
 * Without libc (system calls of its own, built with -nostdlib): a static
 * glibc program is 700 KB, and under Bochs every byte of the initramfs is
 * read from the ESP by emulated instructions; this one is a few KB. */
#include <fcntl.h>
#include <linux/rtc.h>
#include <poll.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

static unsigned long len(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

static void put(int fd, const char *s)
{
	sys3(SYS_write, fd, (long)s, (long)len(s));
}

static void put_u64(int fd, uint64_t v)
{
	char buf[21];
	int i = sizeof(buf) - 1;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(fd, buf + i);
}

static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static int fail(const char *what, long err)
{
	put(2, "hvutil: ");
	put(2, what);
	put(2, ": error ");
	put_u64(2, (uint64_t)-err);
	put(2, "\n");
	return 1;
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static int drain(const char *dev)
{
	long fd =
		sys3(SYS_open, (long)dev, O_WRONLY | O_NOCTTY | O_NONBLOCK, 0);

	if (fd < 0)
		return fail(dev, fd);
	/* tcdrain(): TCSBRK with a non-zero argument only waits. */
	sys3(SYS_ioctl, fd, TCSBRK, 1);
	sys3(SYS_close, fd, 0, 0);
	return 0;
}

static int avx(void)
{
	static const uint32_t pattern[8] __attribute__((aligned(32))) = {
		0x01234567u, 0x89abcdefu, 0xdeadbeefu, 0x0badf00du,
		0xfeedfaceu, 0xcafebabeu, 0x13579bdfu, 0x2468ace0u};
	uint32_t back[8] __attribute__((aligned(32)));
	struct {
		long sec, nsec;
	} ten_ms = {0, 10000000};

	__asm__ volatile("vmovdqa %0, %%ymm7" : : "m"(pattern) : "xmm7");
	for (int i = 0; i < 50; i++)
		sys3(SYS_nanosleep, (long)&ten_ms, 0, 0);
	__asm__ volatile("vmovdqa %%ymm7, %0" : "=m"(back));
	for (int i = 0; i < 8; i++)
		if (back[i] != pattern[i]) {
			put(1, "YMM7 changed\n");
			return 1;
		}
	put(1, "YMM7 kept its 256 bits\n");
	return 0;
}

static void put_hex(int fd, uint64_t v)
{
	char buf[19];
	int i = sizeof(buf) - 1;

	buf[i] = 0;
	do {
		buf[--i] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v);
	buf[--i] = 'x';
	buf[--i] = '0';
	put(fd, buf + i);
}

/* The RTC's update interrupt as /dev/rtcN gives it: read() blocks until
 * one came, then returns its count (bits 8 and up) and its kind (RTC_UF,
 * RTC_IRQF). Bounded by poll(), so that a missing interrupt fails the
 * check instead of hanging /init. */
static int rtc_uie(const char *dev)
{
	struct pollfd pfd = {0, POLLIN, 0};
	unsigned long data = 0;
	long fd = sys3(SYS_open, (long)dev, O_RDONLY, 0), err, n = 0;

	if (fd < 0)
		return fail(dev, fd);
	pfd.fd = (int)fd;
	err = sys3(SYS_ioctl, fd, RTC_UIE_ON, 0);
	if (err < 0)
		return fail("RTC_UIE_ON", err);
	n = sys3(SYS_poll, (long)&pfd, 1, 3000);
	if (n > 0)
		n = sys3(SYS_read, fd, (long)&data, sizeof(data));
	sys3(SYS_ioctl, fd, RTC_UIE_OFF, 0);
	sys3(SYS_close, fd, 0, 0);
	if (n <= 0) {
		put(1, n ? "read failed" : "no update interrupt within 3 s");
		put(1, " after RTC_UIE_ON\n");
		return 1;
	}
	put(1, "read ");
	put_hex(1, data);
	put(1, " after RTC_UIE_ON: ");
	put_u64(1, data >> 8);
	put(1, (data & (RTC_IRQF | RTC_UF)) == (RTC_IRQF | RTC_UF)
		       ? " update interrupt(s)\n"
		       : " interrupt(s), not RTC_UF\n");
	return (data & RTC_UF) && data >> 8 ? 0 : 1;
}

static int run(int argc, char **argv)
{
	if (argc == 2 && same(argv[1], "rdtsc")) {
		put_u64(1, rdtsc());
		put(1, "\n");
		return 0;
	}
	if (argc == 2 && same(argv[1], "true"))
		return 0;
	if (argc == 2 && same(argv[1], "avx"))
		return avx();
	if (argc == 3 && same(argv[1], "drain"))
		return drain(argv[2]);
	if (argc == 3 && same(argv[1], "rtc-uie"))
		return rtc_uie(argv[2]);
	put(2, "usage: hvutil rdtsc | true | avx | drain DEV | rtc-uie DEV\n");
	return 2;
}

/* The kernel's entry: argc at the stack pointer, argv after it. */
__attribute__((used)) static void start_c(long *sp)
{
	sys3(SYS_exit, run((int)sp[0], (char **)(sp + 1)), 0, 0);
}

__asm__(".globl _start\n"
	"_start:\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call start_c\n"
	"	hlt\n");
