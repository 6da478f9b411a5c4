#include "lib.h"

#include <stdarg.h>
#include <stddef.h>

#include "../vmm/percpu.h"
#include "../vmm/print.h"

/* The state vmm/fmt.c keeps per CPU: a guest's printf runs on one. */
struct hv_cpu hv_cpu_single = {.self = &hv_cpu_single};

/* vmm/fmt.c's hv_printf ends here: the UART, polled like real hardware. */
void platform_puts(const char *text)
{
	for (const char *p = text; *p; p++) {
		while (!(inb(HV_UART_LSR) & HV_UART_LSR_THRE))
			;
		outb(HV_UART_BASE, (uint8_t)*p);
	}
}

void guest_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	hv_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	platform_puts(buf);
}

void guest_print_hypercall(const char *text)
{
	size_t n = 0;

	while (text[n])
		n++;
	hypercall(HV_HC_PRINT, (uint64_t)text, n);
}

void guest_exit(uint64_t status)
{
	hypercall(HV_HC_EXIT, status, 0);
	for (;;)
		halt();
}

/* ---- exceptions ---------------------------------------------------- */

struct exception_frame {
	uint64_t r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
	uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

extern const uint64_t guest_exception_stubs[32];
volatile int guest_last_exception = -1;
volatile uint64_t guest_last_exception_rip;
volatile uint64_t guest_fixup_rip;
volatile uint64_t guest_fixup_rsp;

struct idt_gate {
	uint16_t offset_low, selector;
	uint8_t ist, type;
	uint16_t offset_mid;
	uint32_t offset_high, zero;
} __attribute__((packed));

static struct idt_gate idt[32];

void guest_exceptions_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint64_t)idt};

	for (int v = 0; v < 32; v++) {
		uint64_t a = guest_exception_stubs[v];

		idt[v] = (struct idt_gate){
			(uint16_t)a,	     HV_GUEST_CS,	  0, 0x8e,
			(uint16_t)(a >> 16), (uint32_t)(a >> 32), 0};
	}
	__asm__ volatile("lidt %0" ::"m"(idtr));
}

void guest_exception(struct exception_frame *f);
void guest_exception(struct exception_frame *f)
{
	guest_last_exception = (int)f->vector;
	guest_last_exception_rip = f->rip;
	if (guest_fixup_rip) {
		f->rflags &= ~RFLAGS_TF; /* a single step ends here */
		f->rip = guest_fixup_rip;
		guest_fixup_rip = 0;
		if (guest_fixup_rsp) {
			f->cs = HV_GUEST_CS;
			f->ss = HV_GUEST_DS;
			f->rsp = guest_fixup_rsp;
			f->rflags &= ~(RFLAGS_AC | RFLAGS_IOPL);
			guest_fixup_rsp = 0;
		}
		return;
	}
	guest_printf("unexpected exception %lu (error 0x%lx) at RIP 0x%lx\n",
		     f->vector, f->error, f->rip);
	guest_exit(0xe0 + f->vector);
}

int rdmsr_safe(uint32_t msr, uint64_t *value)
{
	uint32_t lo = 0, hi = 0, c = msr;
	int rc = GUEST_SAFE_INSN("rdmsr", "+a"(lo), "+d"(hi), "+c"(c));

	*value = (uint64_t)hi << 32 | lo;
	return rc;
}

int wrmsr_safe(uint32_t msr, uint64_t value)
{
	uint32_t lo = (uint32_t)value, hi = (uint32_t)(value >> 32), c = msr;

	return GUEST_SAFE_INSN("wrmsr", "+a"(lo), "+d"(hi), "+c"(c));
}

int write_cr4_safe(uint64_t value)
{
	return GUEST_SAFE_INSN("mov %[v], %%cr4", [v] "+r"(value));
}

int write_cr0_safe(uint64_t value)
{
	return GUEST_SAFE_INSN("mov %[v], %%cr0", [v] "+r"(value));
}

uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

uint64_t read_cr0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

/* ---- self-checks ----------------------------------------------------- */

static int checks, failures;

void check(bool ok, const char *what)
{
	checks++;
	if (!ok)
		failures++;
	guest_printf("%s: %s\n", ok ? "pass" : "FAIL", what);
}

void check_raises(int rc, int vector, const char *what)
{
	bool ok = rc == -1 && guest_last_exception == vector;

	if (!ok)
		guest_printf("%s: rc %d, vector %d (wanted %d)\n", what, rc,
			     guest_last_exception, vector);
	check(ok, what);
}

int check_failures(void)
{
	return failures;
}

int check_count(void)
{
	return checks;
}
