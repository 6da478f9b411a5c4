#include "io_breakpoint.h"

#include <stdbool.h>

/* LENn: 00 one byte, 01 two, 11 four, 10 eight (SDM 3B "Debug Control
 * Register (DR7)"); the breakpoint covers the aligned range holding DRn
 * (SDM 3B "Breakpoint Field Recognition"). */
static unsigned int length_of(unsigned int len)
{
	static const unsigned int bytes[4] = {1, 2, 8, 4};

	return bytes[len & 3];
}

uint32_t io_breakpoint_hits(uint64_t dr7, const uint64_t dr[4], uint16_t port,
			    unsigned int size)
{
	uint32_t hits = 0;

	for (unsigned int n = 0; n < 4; n++) {
		bool enabled = (dr7 >> (2 * n)) & 3;
		unsigned int rw = (dr7 >> (16 + 4 * n)) & 3;
		uint64_t len = length_of((unsigned int)(dr7 >> (18 + 4 * n)));
		uint64_t first = (dr[n] & 0xffff) & ~(len - 1);

		/* [first, first + len) and [port, port + size) overlap */
		if (enabled && rw == DR7_RW_IO && port < first + len &&
		    first < (uint64_t)port + size)
			hits |= 1u << n;
	}
	return hits;
}
