/* I/O instructions that the exit policy traps: the emulated UART at COM1,
 * and every other port denied (reads return all ones, writes vanish). */
#include "../guest/hv_abi.h"
#include "exit/exit.h"
#include "exit/exit_qual.h"
#include "print.h"

#define DENIALS_LOGGED 8

static uint8_t uart_read(uint16_t port)
{
	/* Always ready to transmit, nothing received. */
	if (port == HV_UART_LSR)
		return HV_UART_LSR_THRE | HV_UART_LSR_TEMT;
	return 0;
}

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

static bool is_uart(uint16_t port)
{
	return port >= HV_UART_BASE && port < HV_UART_BASE + 8;
}

enum exit_verdict handle_io_instruction(struct vcpu *v)
{
	struct io_access io = io_access_decode(v->exit_qualification);
	uint64_t rax = v->regs.gpr[GPR_RAX];

	if (io.string) {
		hv_printf("hv: guest %s: string I/O (%s port 0x%x) is not "
			  "emulated\n",
			  v->name, io.in ? "INS from" : "OUTS to", io.port);
		return vcpu_kill(v, "string_io");
	}
	if (is_uart(io.port) && io.size == 1) {
		if (io.in) {
			rax = in_result(rax, 1, uart_read(io.port));
		} else if (io.port == HV_UART_BASE) {
			char c = (char)rax;

			if (!console_write(v, &c, 1))
				return vcpu_kill(v, "console_flood");
		}
	} else {
		if (v->io_denied++ < DENIALS_LOGGED)
			hv_printf("hv: guest %s: %s port 0x%x (%u byte%s) "
				  "denied\n",
				  v->name, io.in ? "IN from" : "OUT to",
				  io.port, io.size, io.size > 1 ? "s" : "");
		if (io.in) /* an absent device floats high */
			rax = in_result(rax, io.size, 0xffffffffu);
	}
	v->regs.gpr[GPR_RAX] = rax;
	vcpu_skip_instruction(v);
	return VERDICT_RESUME;
}
