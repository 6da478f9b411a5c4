/* I/O instructions that the exit policy traps: the machine's own ports
 * (exit/machine.h), and every other port denied (reads return all ones,
 * writes vanish); I/O breakpoints, which the CPU does not check for an
 * emulated access. */
#include "exit/exit.h"
#include "exit/exit_qual.h"
#include "exit/machine.h"
#include "print.h"
#include "vmcs/vmcs.h"
#include "x86/x86.h"

#define DENIALS_LOGGED 8

/* IN writes AL, AX or EAX; a 32-bit register write zero-extends into RAX, 8-
 * and 16-bit writes leave the rest (SDM 1 3.4.1.1, "General-Purpose Registers
 * in 64-Bit Mode"). */
static uint64_t in_result(uint64_t rax, unsigned int size, uint32_t value)
{
	uint64_t mask = (1ull << (8 * size)) - 1;

	if (size == 4)
		return value;
	return (rax & ~mask) | (value & mask);
}

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

/* An I/O breakpoint is a trap on the IN or OUT that touched the port
 * (SDM 3B "Debug Control Register (DR7)"). The CPU checks only the
 * accesses it performs, not the ones emulated here, so the VMM sets B0-B3
 * and "enabled breakpoint" in the pending debug exceptions, and the VM
 * entry delivers the #DB and DR6 as the CPU would (SDM 3C "Delivery of
 * Pending Debug Exceptions after VM Entry"). DR7 R/W = 10b means I/O only with
 * CR4.DE = 1 (the guest's CR4 is its read shadow: every change traps).
 * With some breakpoint enabled in @dr7 (out of line: a guest seldom has
 * one). */
static __attribute__((noinline)) void io_breakpoints_enabled(
	struct vcpu *v, struct io_access io, uint64_t dr7)
{
	if (!v->ops->read_dr || !(vmcs_read(VMCS_CR4_READ_SHADOW) & CR4_DE))
		return;
	uint64_t dr[4];

	for (unsigned int n = 0; n < 4; n++)
		dr[n] = v->ops->read_dr(n);
	uint32_t hits = io_breakpoint_hits(dr7, dr, io.port, io.size);

	if (hits)
		vmcs_write(VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS,
			   vmcs_read(VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS) |
				   hits | PENDING_DBG_ENABLED_BP);
}

/* DR7 first: the guest changes it without an exit (MOV DR passes), so it
 * is read at every I/O exit, and with no breakpoint enabled nothing else
 * is. */
static inline void io_breakpoints(struct vcpu *v, struct io_access io)
{
	uint64_t dr7 = vmcs_read(VMCS_GUEST_DR7);

	if (__builtin_expect(dr7 & DR7_ENABLE_BITS, 0))
		io_breakpoints_enabled(v, io, dr7);
}

/* A port nothing answers: logged (the first few), reads all ones, as an
 * absent device floats high; writes vanish. */
static __attribute__((noinline)) uint64_t deny(struct vcpu *v,
					       struct io_access io,
					       uint64_t rax)
{
	if (v->io_denied++ < DENIALS_LOGGED)
		hv_printf("hv: guest %s: %s port 0x%x (%u byte%s) denied\n",
			  v->name, io.in ? "IN from" : "OUT to", io.port,
			  io.size, io.size > 1 ? "s" : "");
	return io.in ? in_result(rax, io.size, 0xffffffffu) : rax;
}

static __attribute__((noinline, cold)) enum exit_verdict string_io(
	struct vcpu *v, struct io_access io)
{
	hv_printf("hv: guest %s: string I/O (%s port 0x%x) is not "
		  "emulated\n",
		  v->name, io.in ? "INS from" : "OUTS to", io.port);
	return vcpu_kill(v, "string_io");
}

enum exit_verdict handle_io_instruction(struct vcpu *v)
{
	struct io_access io = io_access_decode(exit_qualification());

	if (__builtin_expect(io.string, 0))
		return string_io(v, io);
	const struct machine *m = v->machine;
	uint64_t rax = v->regs.gpr[GPR_RAX];
	uint32_t value = 0;
	enum machine_answer a =
		io.in ? (m->port_in ? m->port_in(v, io.port, io.size, &value)
				    : MACHINE_NOT_MINE)
		      : (m->port_out ? m->port_out(v, io.port, io.size,
						   (uint32_t)rax)
				     : MACHINE_NOT_MINE);

	if (__builtin_expect(a == MACHINE_DONE, 1)) {
		if (io.in)
			v->regs.gpr[GPR_RAX] = in_result(rax, io.size, value);
	} else if (a == MACHINE_NOT_MINE) {
		v->regs.gpr[GPR_RAX] = deny(v, io, rax);
	} else if (a == MACHINE_STOP) {
		return VERDICT_STOP;
	} else { /* MACHINE_GP */
		return vcpu_fault_gp(v);
	}
	vcpu_skip_instruction(v);
	io_breakpoints(v, io);
	return VERDICT_RESUME;
}
