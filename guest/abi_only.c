/*
 * abi_only.c - a guest written from docs/guest-abi.md alone.
 *
 * Freestanding, integer-only, no libraries, no project headers: every
 * constant below is transcribed from the document.
 *
 * What it does:
 *   - installs a tiny IDT (every exception vector ends the guest with
 *     HV_HC_EXIT status 0xE0 + vector) so a fault is reported, not a
 *     triple fault;
 *   - prints a greeting over the COM1 UART, polling LSR before each byte;
 *   - checks struct hv_info (magic, abi_version, mem_size, image_size) and
 *     that RDI pointed to it at entry;
 *   - prints a line with HV_HC_PRINT, asks HV_HC_VERSION, tries an
 *     undefined hypercall (expects ENOSYS = -1), and the two documented
 *     HV_HC_PRINT error returns (EINVAL, EFAULT);
 *   - LMSW that clears CR0.EM: documented not to fault, EM stays set;
 *   - HV_HC_PRINT of length 0 at an address outside memory returns 0;
 *   - the documented entry values of FS/GS base, the SYSENTER MSRs,
 *     IA32_KERNEL_GS_BASE and CR8; RDMSR/WRMSR of IA32_KERNEL_GS_BASE;
 *   - a 2-byte IN from port 0x80 is denied (reads 0xFFFF);
 *   - prints "abi_only: all N checks passed" (or the failures) and ends
 *     with HV_HC_EXIT: 0 if everything matched, else the failure count.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

/* ---- ABI constants (docs/guest-abi.md) ---------------------------------- */

#define HV_LOAD_ADDR 0x10000ULL
#define HV_STACK_TOP 0x200000ULL
#define HV_INFO_ADDR 0x8000ULL
#define HV_MEM_SIZE 0x200000U
#define HV_IMAGE_MAX 1966080ULL
#define HV_INFO_MAGIC 0x6f666e6934616976ULL /* "via4info" */
#define HV_ABI_VERSION 1U

#define HV_HC_PRINT 0ULL
#define HV_HC_EXIT 1ULL
#define HV_HC_VERSION 2ULL
#define HV_HC_UNDEFINED 0xFFFFULL /* any "other" number; our pick */

#define HV_OK 0ULL
#define HV_ENOSYS ((uint64_t)-1)
#define HV_EINVAL ((uint64_t)-2)
#define HV_EFAULT ((uint64_t)-3)
#define HV_PRINT_MAX 4096ULL

#define COM1_THR 0x3F8
#define COM1_LSR 0x3FD
#define LSR_THRE 0x20	   /* standard 16550 "THR empty" bit */
#define LSR_DOC_VALUE 0x60 /* what the document says LSR reads */

#define KERNEL_CS 0x08
#define CR0_EM 0x4ULL

#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_FS_BASE 0xC0000100
#define MSR_IA32_GS_BASE 0xC0000101
#define MSR_IA32_KERNEL_GS_BASE 0xC0000102
#define POST_PORT 0x80

struct hv_info { /* at 0x8000 */
	uint64_t magic;
	uint32_t abi_version;
	uint32_t mem_size;
	uint64_t image_size;
	volatile uint64_t preemptions;
};

_Static_assert(sizeof(struct hv_info) == 32, "hv_info layout");
_Static_assert(offsetof(struct hv_info, image_size) == 16, "hv_info layout");

/* Linker-script symbols (guest/abi_only.ld). */
extern char __image_start[], __image_end[];
/* Exception stubs from the top-level asm below: 32 stubs, 32 bytes apart. */
extern char exc_stubs[];

void guest_main(uint64_t entry_rdi);

/* ---- entry point: first byte of the image ------------------------------- */

__asm__(".section .text.entry, \"ax\", @progbits\n"
	".globl _start\n"
	"_start:\n"
	/* RSP = 0x200000 at entry (16-byte aligned); RDI = &hv_info.
	 * Zero .bss ourselves: the document does not say memory past the
	 * image is zero. Only RAX/RCX are touched, RDI survives. */
	"	lea __bss_start(%rip), %rax\n"
	"	lea __bss_end(%rip), %rcx\n"
	"1:	cmp %rcx, %rax\n"
	"	jae 2f\n"
	"	movb $0, (%rax)\n"
	"	inc %rax\n"
	"	jmp 1b\n"
	/* call pushes 8 bytes, giving the SysV alignment a C function expects.
	 */
	"2:	call guest_main\n"
	/* guest_main never returns; if it does, report it as an error. */
	"	mov $0xDEAD, %edi\n"
	"	mov $1, %eax\n" /* HV_HC_EXIT */
	"	vmcall\n"
	"3:	pause\n"
	"	jmp 3b\n"

	/* Exception stubs: vector n ends the guest with status 0xE0 + n (low
	 * byte never 0). */
	"	.balign 32\n"
	".globl exc_stubs\n"
	"exc_stubs:\n"
	"	.irp n, "
	"0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,"
	"26,27,28,29,30,31\n"
	"	.balign 32\n"
	"	mov $(0xE0 + \\n), %edi\n"
	"	mov $1, %eax\n"
	"	vmcall\n"
	"4:	pause\n"
	"	jmp 4b\n"
	"	.endr\n"
	".text\n");

/* ---- port I/O and hypercalls -------------------------------------------- */

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* A #GP ends us through the IDT: only the MSRs the document lists. */
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)v),
			   "d"((uint32_t)(v >> 32)));
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* VMCALL: number in RAX, args in RDI/RSI, result in RAX, everything else
 * preserved (so only RAX is an output/clobber). "memory": PRINT reads our
 * buffers. */
static inline uint64_t hypercall(uint64_t nr, uint64_t a0, uint64_t a1)
{
	uint64_t ret;
	__asm__ volatile("vmcall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1)
			 : "memory");
	return ret;
}

static __attribute__((noreturn)) void hv_exit(uint64_t status)
{
	hypercall(HV_HC_EXIT, status, 0);
	/* Documented not to return. Spin (the watchdog ends us as killed)
	 * rather than HLT, which would be reported as result=ok. */
	for (;;)
		__asm__ volatile("pause");
}

/* ---- IDT ---------------------------------------------------------------- */

struct idt_gate {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t reserved;
} __attribute__((packed));

struct idt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static struct idt_gate idt[32] __attribute__((aligned(16)));

static void idt_install(void)
{
	for (unsigned i = 0; i < 32; i++) {
		uint64_t a = (uint64_t)(uintptr_t)exc_stubs + 32u * i;
		volatile struct idt_gate *g = &idt[i];
		g->off_lo = (uint16_t)a;
		g->sel = KERNEL_CS;
		g->ist = 0;
		g->type_attr = 0x8E; /* present, DPL 0, 64-bit interrupt gate */
		g->off_mid = (uint16_t)(a >> 16);
		g->off_hi = (uint32_t)(a >> 32);
		g->reserved = 0;
	}
	struct idt_ptr p = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};
	__asm__ volatile("lidt %0" : : "m"(p) : "memory");
}

/* ---- console ------------------------------------------------------------ */

static uint8_t first_lsr;
static bool have_first_lsr;

static void uart_putc(char c)
{
	uint8_t lsr;
	/* Poll THRE as on real hardware (document: always ready). */
	do {
		lsr = inb(COM1_LSR);
		if (!have_first_lsr) {
			first_lsr = lsr;
			have_first_lsr = true;
		}
	} while (!(lsr & LSR_THRE));
	outb(COM1_THR, (uint8_t)c);
}

static void uart_puts(const char *s)
{
	while (*s)
		uart_putc(*s++);
}

static size_t slen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static void uart_putu(uint64_t v)
{
	char buf[21];
	int i = 20;
	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i > 0);
	uart_puts(&buf[i]);
}

static void uart_puthex(uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	uart_puts("0x");
	for (int sh = 60; sh >= 0; sh -= 4)
		uart_putc(hex[(v >> sh) & 0xF]);
}

/* ---- checks ------------------------------------------------------------- */

static unsigned n_checks, n_failed;

static void check(bool ok, const char *what, uint64_t got, uint64_t want)
{
	n_checks++;
	if (ok)
		return;
	n_failed++;
	uart_puts("abi_only: FAIL ");
	uart_puts(what);
	uart_puts(": got ");
	uart_puthex(got);
	uart_puts(" want ");
	uart_puthex(want);
	uart_putc('\n');
}

static const char greeting[] = "abi_only: hello from the UART\n";
static const char hc_line[] = "abi_only: hello from HV_HC_PRINT\n";

/* The entry values the document gives, read before anything changes
 * them. */
static void entry_values(void)
{
	static const struct {
		uint32_t msr;
		const char *what;
	} zero[] = {
		{MSR_IA32_FS_BASE, "FS base at entry"},
		{MSR_IA32_GS_BASE, "GS base at entry"},
		{MSR_IA32_SYSENTER_CS, "IA32_SYSENTER_CS at entry"},
		{MSR_IA32_SYSENTER_ESP, "IA32_SYSENTER_ESP at entry"},
		{MSR_IA32_SYSENTER_EIP, "IA32_SYSENTER_EIP at entry"},
		{MSR_IA32_KERNEL_GS_BASE, "IA32_KERNEL_GS_BASE at entry"},
	};
	uint64_t v;

	for (unsigned i = 0; i < sizeof(zero) / sizeof(zero[0]); i++) {
		v = rdmsr(zero[i].msr);
		check(v == 0, zero[i].what, v, 0);
	}
	__asm__ volatile("mov %%cr8, %0" : "=r"(v));
	check(v == 0, "CR8 at entry", v, 0);
}

void guest_main(uint64_t entry_rdi)
{
	idt_install();
	entry_values();

	/* 1. greeting over the UART (LSR polled per byte) */
	uart_puts(greeting);
	check(have_first_lsr && first_lsr == LSR_DOC_VALUE, "uart LSR value",
	      first_lsr, LSR_DOC_VALUE);

	/* 2. the info structure: RDI at entry and its contents */
	check(entry_rdi == HV_INFO_ADDR, "entry RDI == &hv_info", entry_rdi,
	      HV_INFO_ADDR);
	const volatile struct hv_info *info =
		(const volatile struct hv_info *)(uintptr_t)HV_INFO_ADDR;
	check(info->magic == HV_INFO_MAGIC, "hv_info.magic", info->magic,
	      HV_INFO_MAGIC);
	check(info->abi_version == HV_ABI_VERSION, "hv_info.abi_version",
	      info->abi_version, HV_ABI_VERSION);
	check(info->mem_size == HV_MEM_SIZE, "hv_info.mem_size", info->mem_size,
	      HV_MEM_SIZE);
	/* Linker symbols bracketing the image. */
	/* cppcheck-suppress comparePointers */
	uint64_t img = (uint64_t)(__image_end - __image_start);
	check(info->image_size == img, "hv_info.image_size", info->image_size,
	      img);

	/* 3. HV_HC_PRINT (paging is identity at entry, so a pointer is a
	 *    guest-physical address) */
	uint64_t r = hypercall(HV_HC_PRINT, (uint64_t)(uintptr_t)hc_line,
			       slen(hc_line));
	check(r == HV_OK, "HV_HC_PRINT", r, HV_OK);

	/* 4. HV_HC_VERSION */
	r = hypercall(HV_HC_VERSION, 0, 0);
	check(r == HV_ABI_VERSION, "HV_HC_VERSION", r, HV_ABI_VERSION);

	/* 5. an undefined hypercall number */
	r = hypercall(HV_HC_UNDEFINED, 0, 0);
	check(r == HV_ENOSYS, "undefined hypercall -> ENOSYS", r, HV_ENOSYS);

	/* 6. HV_HC_PRINT's documented errors */
	r = hypercall(HV_HC_PRINT, (uint64_t)(uintptr_t)hc_line,
		      HV_PRINT_MAX + 1);
	check(r == HV_EINVAL, "HV_HC_PRINT len 4097 -> EINVAL", r, HV_EINVAL);
	r = hypercall(HV_HC_PRINT, HV_MEM_SIZE, 16);
	check(r == HV_EFAULT, "HV_HC_PRINT buf at 0x200000 -> EFAULT", r,
	      HV_EFAULT);

	r = hypercall(HV_HC_PRINT, HV_MEM_SIZE, 0);
	check(r == HV_OK, "HV_HC_PRINT len 0 at 0x200000 -> 0", r, HV_OK);

	/* The document: IA32_KERNEL_GS_BASE read, write. */
	wrmsr(MSR_IA32_KERNEL_GS_BASE, 0xFFFF800000002000ULL);
	r = rdmsr(MSR_IA32_KERNEL_GS_BASE);
	check(r == 0xFFFF800000002000ULL, "IA32_KERNEL_GS_BASE read back", r,
	      0xFFFF800000002000ULL);

	/* Port 0x80 passes 1-byte accesses only; a 2-byte IN is denied. */
	r = inw(POST_PORT);
	check(r == 0xFFFF, "IN AX from port 0x80 (denied)", r, 0xFFFF);

	/* 7. LMSW clearing EM: "never faults for its operand ... an EM it
	 *    clears stays set" (a fault would end us through the IDT) */
	uint64_t cr0;
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	uint16_t msw = (uint16_t)(cr0 & ~CR0_EM);
	__asm__ volatile("lmsw %0" : : "r"(msw));
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	check(cr0 & CR0_EM, "CR0.EM after LMSW clearing it", cr0 & CR0_EM,
	      CR0_EM);

	/* 8. verdict and exit */
	if (n_failed == 0) {
		uart_puts("abi_only: all ");
		uart_putu(n_checks);
		uart_puts(" checks passed\n");
		hv_exit(0);
	}
	uart_puts("abi_only: ");
	uart_putu(n_failed);
	uart_puts(" of ");
	uart_putu(n_checks);
	uart_puts(" checks failed\n");
	hv_exit(n_failed);
}
