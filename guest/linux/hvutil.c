/* The Linux guest's own helper (guest/linux/init), static, one program
 * for what busybox lacks:
 *
 *   hvutil serial-irq0 DEV   the port's IRQ set to 0 (TIOCGSERIAL, then
 *                            TIOCSSERIAL), as "setserial DEV irq 0" does:
 *                            hv.efi's machine has no interrupt controller
 *                            routing IRQ 4, so the 8250 driver must poll.
 *                            Debian's busybox has no setserial applet.
 *   hvutil rdtsc             the TSC, in decimal (under Bochs with
 *                            "clock: sync=none": instructions executed
 *                            since power-on; make bench's figure)
 *   hvutil drain DEV         waits until DEV has sent everything
 *                            (tcdrain), before powering off
 *   hvutil true              exits 0: a real fork and exec for the
 *                            fork/exec check (busybox runs its own
 *                            applets in-process)
 */
#include <fcntl.h>
#include <linux/serial.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static int serial_irq0(const char *dev)
{
	struct serial_struct ss;
	int old, fd = open(dev, O_RDWR | O_NOCTTY | O_NONBLOCK);

	if (fd < 0) {
		perror(dev);
		return 1;
	}
	if (ioctl(fd, TIOCGSERIAL, &ss) != 0) {
		perror("TIOCGSERIAL");
		close(fd);
		return 1;
	}
	old = ss.irq;
	ss.irq = 0;
	if (ioctl(fd, TIOCSSERIAL, &ss) != 0) {
		perror("TIOCSSERIAL");
		close(fd);
		return 1;
	}
	printf("%s: irq %d -> 0 (port 0x%x)\n", dev, old, ss.port);
	close(fd);
	return 0;
}

static int drain(const char *dev)
{
	int fd = open(dev, O_WRONLY | O_NOCTTY | O_NONBLOCK);

	if (fd < 0) {
		perror(dev);
		return 1;
	}
	tcdrain(fd);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "rdtsc") == 0) {
		printf("%llu\n", (unsigned long long)rdtsc());
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "true") == 0)
		return 0;
	if (argc == 3 && strcmp(argv[1], "serial-irq0") == 0)
		return serial_irq0(argv[2]);
	if (argc == 3 && strcmp(argv[1], "drain") == 0)
		return drain(argv[2]);
	fprintf(stderr,
		"usage: hvutil rdtsc | true | serial-irq0 DEV | drain DEV\n");
	return 2;
}
