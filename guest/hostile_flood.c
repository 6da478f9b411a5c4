/* hostile_flood: writes to the console forever, straight to the UART's
 * THR without waiting for LSR (a flooder does not care). Proves that a
 * guest cannot bury the host's own messages or stall it with output: past
 * 64 KiB of console output the hypervisor kills the guest
 * (result=killed why=console_flood). The lines are long, to keep the
 * host's log of the flood to a few hundred lines. */
#include "lib.h"

#define FILLER                                                              \
	"the quick brown fox jumps over the lazy dog; the quick brown fox " \
	"jumps over the lazy dog"

static void put(const char *s)
{
	for (; *s; s++)
		outb(HV_UART_BASE, (uint8_t)*s);
}

static void put_decimal(uint64_t n)
{
	char digits[21];
	int i = sizeof(digits) - 1;

	digits[i] = '\0';
	do {
		digits[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	put(&digits[i]);
}

int guest_main(struct hv_info *info);
int guest_main(struct hv_info *info)
{
	(void)info;
	guest_exceptions_init();
	guest_printf("hostile_flood: printing forever; the host must stop me "
		     "after 64 KiB\n");
	for (uint64_t line = 0;; line++) {
		put("hostile_flood: line ");
		put_decimal(line);
		put(": " FILLER "\n");
	}
}
