/* The little runtime every guest links: console, hypercalls, MSR and CR
 * access, and exceptions that a test can expect and survive. */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#include <stdbool.h>
#include <stdint.h>

#include "../vmm/x86/msr.h"
#include "../vmm/x86/x86.h"
#include "hv_abi.h"

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c,
			 uint32_t *d)
{
	__asm__ volatile("cpuid"
			 : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			 : "a"(leaf), "c"(0));
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory");
}

static inline uint64_t hypercall(uint64_t nr, uint64_t a0, uint64_t a1)
{
	uint64_t ret;

	__asm__ volatile("vmcall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1)
			 : "memory");
	return ret;
}

static inline void halt(void)
{
	__asm__ volatile("hlt");
}

/* Console (the emulated UART) and HV_HC_PRINT. */
void guest_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void guest_print_hypercall(const char *text);
__attribute__((noreturn)) void guest_exit(uint64_t status);

/* Installs an IDT for vectors 0-31. */
void guest_exceptions_init(void);

/* The *_safe accessors return -1 and leave the vector in
 * guest_last_exception when the instruction faulted, else 0. */
extern volatile int guest_last_exception;
/* Where it was raised: the faulting instruction, or after a trap's. */
extern volatile uint64_t guest_last_exception_rip;

/* GUEST_SAFE_INSN(insn, outputs...): runs one instruction that may fault,
 * with the exception handler's fixup armed at the address after it, so a
 * fault of any vector resumes there. 0 if it did not fault, else -1 with
 * the vector in guest_last_exception. The outputs are the asm statement's
 * ("+" where the instruction may read and write them). */
extern volatile uint64_t guest_fixup_rip;
/* Set with guest_fixup_rip: the fixup also resumes in 64-bit mode at CPL 0
 * (CS HV_GUEST_CS, SS HV_GUEST_DS) on this stack, with TF, AC and IOPL
 * clear, after an operation run at CPL 3 or in compatibility mode
 * (guest/fuzz.c). 0: the fixup keeps the mode it interrupted. */
extern volatile uint64_t guest_fixup_rsp;
#define GUEST_SAFE_INSN(insn, ...)                                      \
	({                                                              \
		int rc_;                                                \
		guest_last_exception = -1;                              \
		__asm__ volatile(                                       \
			"leaq 1f(%%rip), %%r11\n\t"                     \
			"movq %%r11, %[fix]\n\t" insn "\n\t"            \
			"movl $0, %[rc]\n\t"                            \
			"jmp 2f\n"                                      \
			"1:\tmovl $-1, %[rc]\n"                         \
			"2:\tmovq $0, %[fix]"                           \
			: [rc] "=&r"(rc_), [fix] "+m"(guest_fixup_rip), \
			  ##__VA_ARGS__                                 \
			:                                               \
			: "r11", "cc", "memory");                       \
		rc_;                                                    \
	})
int rdmsr_safe(uint32_t msr, uint64_t *value);
int wrmsr_safe(uint32_t msr, uint64_t value);
int write_cr4_safe(uint64_t value);
int write_cr0_safe(uint64_t value);
uint64_t read_cr4(void);
uint64_t read_cr0(void);

/* Exception vectors (EXC_*), CR, RFLAGS, EFER and DR bits, and MSR
 * numbers (MSR_IA32_*) are the VMM's own: vmm/x86/. */

/* Self-checks: counts and prints each result. */
void check(bool ok, const char *what);
/* check() that @rc, from a *_safe accessor or GUEST_SAFE_INSN, says the
 * instruction raised @vector; prints what it saw otherwise. */
void check_raises(int rc, int vector, const char *what);
int check_failures(void);
int check_count(void);

#endif
