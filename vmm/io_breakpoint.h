/* I/O breakpoints (DR7 R/W = 10b with CR4.DE = 1) on the port accesses
 * the VMM emulates: the CPU never sees those, so the VMM finds the hits
 * and has the next VM entry deliver the #DB (handle_io.c). */
#ifndef HV_IO_BREAKPOINT_H
#define HV_IO_BREAKPOINT_H

#include <stdint.h>

/* DR7 fields — SDM 3B "Debug Control Register (DR7)": Ln at bit
 * 2n, Gn at 2n + 1, R/Wn at 16 + 4n, LENn at 18 + 4n. */
#define DR7_ENABLE_BITS 0xffull /* L0, G0 ... L3, G3 */
#define DR7_RW_IO 2u		/* break on I/O reads or writes (CR4.DE) */

/* Pending-debug-exceptions bits — SDM 3C 25.4.2 "Guest Non-Register
 * State": B0-B3 at 3:0, "enabled breakpoint" at 12. */
#define PENDING_DBG_ENABLED_BP (1ull << 12)

/* B0-B3 for the enabled I/O breakpoints in @dr7 (DR0-DR3 in @dr) that
 * an access of @size bytes at @port touches; 0 for none. */
uint32_t io_breakpoint_hits(uint64_t dr7, const uint64_t dr[4], uint16_t port,
			    unsigned int size);

#endif
