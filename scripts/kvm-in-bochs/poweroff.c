/* Powers Bochs off from the KVM-in-Bochs Linux (its /init's last step).
 *
 * Linux there finds no ACPI tables (OVMF under Bochs installs none it can
 * use: "ACPI: Interpreter disabled"), so "poweroff -f" only halts and
 * Bochs would run on to the host's timeout. Bochs's PIIX4 power
 * management quits ("ACPI control: soft power off") when SLP_EN (bit 13)
 * is written to PM1a_CNT with SLP_TYP 0; OVMF puts the PM I/O base at
 * 0xb000, so PM1a_CNT is port 0xb004. The serial console is drained
 * first: the UART's FIFO would otherwise lose the last lines with the
 * machine. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/io.h>
#include <termios.h>
#include <unistd.h>

#define PM1A_CNT 0xb004
#define SLP_EN (1u << 13)

int main(void)
{
	int fd = open("/dev/console", O_WRONLY | O_NOCTTY);

	fflush(stdout);
	if (fd >= 0) {
		tcdrain(fd);
		close(fd);
	}
	if (ioperm(PM1A_CNT, 2, 1) != 0) {
		perror("poweroff: ioperm 0xb004");
		return 1;
	}
	outw(SLP_EN, PM1A_CNT);
	/* Still here: the write did not stop the machine. */
	fprintf(stderr, "poweroff: wrote 0x%x to port 0x%x, still running\n",
		SLP_EN, PM1A_CNT);
	return 1;
}
