/* Thin wrappers over the x86 instructions the VMM uses. Everything that
 * touches the processor directly lives here or in vmx_entry.S, so the rest
 * of vmm/ reads as plain C. Not for host unit tests. */
#ifndef HV_ARCH_H
#define HV_ARCH_H

#include <stdint.h>

#include "x86/cpu_ops.h"

struct __attribute__((packed)) descriptor_table_reg {
	uint16_t limit;
	uint64_t base;
};

static inline void cpuid_raw(uint32_t leaf, uint32_t subleaf,
			     struct cpuid_regs *r)
{
	__asm__ volatile("cpuid"
			 : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx),
			   "=d"(r->edx)
			 : "a"(leaf), "c"(subleaf));
}

/* The same, the four results as the 64-bit registers hold them: CPUID
 * clears bits 63:32 of RAX, RBX, RCX and RDX (SDM 2, "CPUID"), so they
 * are stored as they are, with no zero-extension. */
static inline void cpuid_gprs(uint32_t leaf, uint32_t subleaf, uint64_t *rax,
			      uint64_t *rbx, uint64_t *rcx, uint64_t *rdx)
{
	__asm__ volatile("cpuid"
			 : "=a"(*rax), "=b"(*rbx), "=c"(*rcx), "=d"(*rdx)
			 : "a"(leaf), "c"(subleaf));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)value),
			 "d"((uint32_t)(value >> 32)));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* MOV to and from the control and debug registers: read_cr0() ...
 * write_dr7(). */
#define DEFINE_MOV_ACCESSORS(reg)                                        \
	static inline uint64_t read_##reg(void)                          \
	{                                                                \
		uint64_t v;                                              \
		__asm__ volatile("mov %%" #reg ", %0" : "=r"(v));        \
		return v;                                                \
	}                                                                \
	static inline void write_##reg(uint64_t v)                       \
	{                                                                \
		__asm__ volatile("mov %0, %%" #reg ::"r"(v) : "memory"); \
	}
DEFINE_MOV_ACCESSORS(cr0)
DEFINE_MOV_ACCESSORS(cr2)
DEFINE_MOV_ACCESSORS(cr3)
DEFINE_MOV_ACCESSORS(cr4)
DEFINE_MOV_ACCESSORS(dr0)
DEFINE_MOV_ACCESSORS(dr1)
DEFINE_MOV_ACCESSORS(dr2)
DEFINE_MOV_ACCESSORS(dr3)
DEFINE_MOV_ACCESSORS(dr6)
DEFINE_MOV_ACCESSORS(dr7)
#undef DEFINE_MOV_ACCESSORS

/* DR0-DR3 by number, and DR6 for any other (struct vcpu_ops's read_dr:
 * a guest's, where MOV DR does not exit). */
static inline uint64_t read_dr_n(unsigned int n)
{
	switch (n) {
	case 0:
		return read_dr0();
	case 1:
		return read_dr1();
	case 2:
		return read_dr2();
	case 3:
		return read_dr3();
	default:
		return read_dr6();
	}
}

#define DEFINE_SEG_READER(seg)                                     \
	static inline uint16_t read_##seg(void)                    \
	{                                                          \
		uint16_t v;                                        \
		__asm__ volatile("mov %%" #seg ", %0" : "=rm"(v)); \
		return v;                                          \
	}
DEFINE_SEG_READER(cs)
DEFINE_SEG_READER(ss)
DEFINE_SEG_READER(ds)
DEFINE_SEG_READER(es)
DEFINE_SEG_READER(fs)
DEFINE_SEG_READER(gs)
#undef DEFINE_SEG_READER

static inline uint16_t read_tr(void)
{
	uint16_t v;

	__asm__ volatile("str %0" : "=rm"(v));
	return v;
}

static inline void load_tr(uint16_t sel)
{
	__asm__ volatile("ltr %0" ::"rm"(sel) : "memory");
}

static inline void sgdt(struct descriptor_table_reg *r)
{
	__asm__ volatile("sgdt %0" : "=m"(*r));
}

static inline void lgdt(const struct descriptor_table_reg *r)
{
	__asm__ volatile("lgdt %0" ::"m"(*r) : "memory");
}

static inline void sidt(struct descriptor_table_reg *r)
{
	__asm__ volatile("sidt %0" : "=m"(*r));
}

static inline void lidt(const struct descriptor_table_reg *r)
{
	__asm__ volatile("lidt %0" ::"m"(*r) : "memory");
}

static inline uint64_t read_rflags(void)
{
	uint64_t v;

	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline void irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline void irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

/* Lets a pending external interrupt in: STI's one-instruction shadow
 * covers the NOP, so the window opens on the instruction after it. */
static inline void irq_window(void)
{
	__asm__ volatile("sti; nop; nop; cli" ::: "memory");
}

#endif
