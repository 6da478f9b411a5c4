/* The firmware's keys on their way to the PC's UART, and the one key
 * sequence that is hv's, not the guest's: Ctrl-A x stops the guest, as
 * it quits QEMU (QEMU's "-serial mon:stdio" escape). A guest that hangs
 * with its interrupts on (Linux after a panic, a shell in a loop) would
 * otherwise hold the machine until reset: its user stops it and is back
 * in the firmware. Ctrl-A Ctrl-A types one Ctrl-A; Ctrl-A h prints the
 * keys; Ctrl-A followed by any other key types both. Pure. */
#ifndef HV_PC_KEYS_H
#define HV_PC_KEYS_H

#include <stdbool.h>
#include <stdint.h>

#define PC_KEY_ESCAPE 0x01u /* Ctrl-A */
#define PC_KEY_STOP 'x'
#define PC_KEY_HELP 'h'

enum pc_key_action {
	PC_KEY_PASS, /* type the bytes pc_key_feed gave (none, one or two) */
	PC_KEY_STOP_GUEST,
	PC_KEY_SHOW_HELP,
};

struct pc_keys {
	bool escaped; /* Ctrl-A was the last key */
};

/* One key from the firmware's console; out gets the bytes to type into
 * the guest's UART, *n how many (0-2). */
enum pc_key_action pc_key_feed(struct pc_keys *k, uint8_t key, uint8_t out[2],
			       unsigned int *n);

#endif
