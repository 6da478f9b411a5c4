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
 *   hvutil hv-exits          each CPU's VM exits as hv counted them, one
 *                            line a CPU ("hv-exits: cpu N: T exits:
 *                            cpuid=... ...; at or above 4 GiB: A", A
 *                            those at an OS kernel's addresses), read
 *                            through CPUID leaf 40000001H on that CPU
 *                            (guest/hv_abi.h): the resident machine's
 *                            VMCALLs raise #UD in user space, CPUID exits
 *                            at any CPL; exit 1 where hv is not below
 *                            this kernel
 *   hvutil avx               a pattern in YMM7 (all 256 bits) survives
 *                            50 sleeps of 10 ms, each a context switch
 *                            and, under hv.efi, timer interrupts and HLT
 *                            waits in which hv calls the firmware: the
 *                            guest's AVX state is its own
 *   hvutil sleep MS          sleeps MS milliseconds (nanosleep) and
 *                            prints how long that was by the kernel's
 *                            clock (CLOCK_BOOTTIME, /proc/uptime's) in
 *                            nanoseconds, then by the TSC in ticks: both
 *                            read in this process, right around the
 *                            sleep, so that no fork or exec is timed
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
#include <time.h>

#include "exit/exit_reasons.h"
#include "hv_abi.h"

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

static uint64_t boottime_ns(void)
{
	struct {
		long sec, nsec;
	} ts = {0, 0};

	sys3(SYS_clock_gettime, CLOCK_BOOTTIME, (long)&ts, 0);
	return (uint64_t)ts.sec * 1000000000u + (uint64_t)ts.nsec;
}

/* The kernel's clock against the TSC over one sleep (guest/linux/init's
 * sleep check). */
static int sleep_ms(const char *ms)
{
	uint64_t n = 0, t0, c0;
	struct {
		long sec, nsec;
	} d;

	for (; *ms >= '0' && *ms <= '9'; ms++)
		n = n * 10 + (uint64_t)(*ms - '0');
	if (*ms || !n) {
		put(2, "hvutil: sleep: want milliseconds (1 or more)\n");
		return 2;
	}
	d.sec = (long)(n / 1000);
	d.nsec = (long)(n % 1000) * 1000000;
	t0 = boottime_ns();
	c0 = rdtsc();
	sys3(SYS_nanosleep, (long)&d, 0, 0);
	c0 = rdtsc() - c0;
	t0 = boottime_ns() - t0;
	put_u64(1, t0);
	put(1, " ");
	put_u64(1, c0);
	put(1, "\n");
	return 0;
}

static void cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(subleaf));
}

/* The basic exit reasons' names, from hv's own table. */
static const char *const reason_name[EXIT_REASON_COUNT] = {
#define NAME(num, id, name, desc) [num] = name,
	EXIT_REASONS(NAME)
#undef NAME
};

static int hv_here(void)
{
	uint32_t r[4];
	const char *sig = HV_CPUID_SIGNATURE;

	cpuid(HV_CPUID_SIGNATURE_LEAF, 0, r);
	for (int i = 0; i < 12; i++)
		if ((char)(r[1 + i / 4] >> (8 * (i % 4))) != sig[i])
			return 0;
	return r[0] >= HV_CPUID_EXITS_LEAF;
}

static uint64_t hv_count(uint32_t reason)
{
	uint32_t r[4];

	cpuid(HV_CPUID_EXITS_LEAF, reason, r);
	return (uint64_t)r[3] << 32 | r[0];
}

/* One line per CPU this process may run on (sched_setaffinity to each
 * in turn; one that is absent or offline refuses). The total is read
 * first: the CPUIDs that read the rest are exits too. */
static int hv_exits(void)
{
	int cpus = 0;

	for (unsigned int cpu = 0; cpu < 64; cpu++) {
		uint64_t mask = 1ull << cpu;

		if (sys3(SYS_sched_setaffinity, 0, sizeof(mask), (long)&mask))
			continue;
		if (!hv_here()) {
			put(1, "hv-exits: cpu ");
			put_u64(1, cpu);
			put(1, ": no exit counts (CPUID 40000000H is not "
			       "hv's with leaf 40000001H)\n");
			return 1;
		}
		cpus++;
		put(1, "hv-exits: cpu ");
		put_u64(1, cpu);
		put(1, ": ");
		put_u64(1, hv_count(HV_CPUID_EXITS_TOTAL));
		put(1, " exits:");
		for (uint32_t reason = 0; reason < EXIT_REASON_COUNT;
		     reason++) {
			uint64_t n = hv_count(reason);

			if (!n || !reason_name[reason])
				continue;
			put(1, " ");
			put(1, reason_name[reason]);
			put(1, "=");
			put_u64(1, n);
		}
		put(1, "; at or above 4 GiB: ");
		put_u64(1, hv_count(HV_CPUID_EXITS_ABOVE_4G));
		put(1, "\n");
	}
	return cpus ? 0 : 1;
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
	if (argc == 2 && same(argv[1], "hv-exits"))
		return hv_exits();
	if (argc == 3 && same(argv[1], "drain"))
		return drain(argv[2]);
	if (argc == 3 && same(argv[1], "rtc-uie"))
		return rtc_uie(argv[2]);
	if (argc == 3 && same(argv[1], "sleep"))
		return sleep_ms(argv[2]);
	put(2, "usage: hvutil rdtsc | true | avx | hv-exits | drain DEV | "
	       "rtc-uie DEV | sleep MS\n");
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
