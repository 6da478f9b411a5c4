/* The assembly of resident mode (resident_entry.S): capturing the CPU
 * where it runs, running C on hv's own stack, and giving the CPU its
 * guest's state back after VMXOFF. */
#ifndef HV_RESIDENT_ENTRY_H
#define HV_RESIDENT_ENTRY_H

/* Offsets in struct resident_capture (resident_state.h) and struct
 * resident_native, for the assembly. */
#define CAPTURE_RBX 0
#define CAPTURE_RBP 8
#define CAPTURE_R12 16
#define CAPTURE_R13 24
#define CAPTURE_R14 32
#define CAPTURE_R15 40
#define CAPTURE_RSP 48
#define CAPTURE_RIP 56
#define CAPTURE_RFLAGS 64

#define NATIVE_GDTR 0 /* limit (2 bytes), base (8) */
#define NATIVE_IDTR 16
#define NATIVE_CS 32
#define NATIVE_SS 34
#define NATIVE_DS 36
#define NATIVE_ES 38
#define NATIVE_FS 40
#define NATIVE_GS 42
#define NATIVE_FS_BASE 48
#define NATIVE_GS_BASE 56
#define NATIVE_RIP 64
#define NATIVE_RSP 72
#define NATIVE_RFLAGS 80
#define NATIVE_REGS 88

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

#include "resident/resident_state.h"
#include "vmx/vmx_entry.h"
#include "x86/arch.h"

/* The CPU's state after VMXOFF: what resident_resume_native loads. */
struct resident_native {
	struct descriptor_table_reg gdtr;
	uint8_t pad0[6];
	struct descriptor_table_reg idtr;
	uint8_t pad1[6];
	uint16_t cs, ss, ds, es, fs, gs;
	uint32_t pad2;
	uint64_t fs_base, gs_base, rip, rsp, rflags;
	const struct guest_regs *regs;
};

_Static_assert(offsetof(struct resident_capture, rflags) == CAPTURE_RFLAGS &&
		       offsetof(struct resident_capture, rsp) == CAPTURE_RSP,
	       "resident_entry.S's capture offsets");
_Static_assert(offsetof(struct resident_native, idtr) == NATIVE_IDTR &&
		       offsetof(struct resident_native, gs) == NATIVE_GS &&
		       offsetof(struct resident_native, fs_base) ==
			       NATIVE_FS_BASE &&
		       offsetof(struct resident_native, regs) == NATIVE_REGS,
	       "resident_entry.S's native-state offsets");

/* setjmp-like: saves the callee-saved registers, RSP, RIP (the return
 * address) and RFLAGS, and returns 0. The guest made of the capture
 * resumes here with RESIDENT_RESUMED in RAX. */
__attribute__((returns_twice)) uint64_t resident_capture(
	struct resident_capture *c);
/* Calls @fn(@arg) with RSP = @stack_top (16-byte aligned), and returns
 * what it returns, on the caller's stack again. */
int resident_call_on_stack(int (*fn)(void *), void *arg, void *stack_top);
/* WRMSR and RDMSR in VMX root that return 1 where the instruction raised
 * #GP (the hypervisor below refused the value), 0 where it ran: hv's host
 * IDT resumes a #GP at resident_wrmsr_insn or resident_rdmsr_insn at
 * resident_msr_fixup. */
int resident_wrmsr_safe(uint32_t msr, uint64_t value);
int resident_rdmsr_safe(uint32_t msr, uint64_t *value);
extern const char resident_wrmsr_insn[], resident_rdmsr_insn[],
	resident_msr_fixup[];
/* Loads GDTR, IDTR, the segment registers, FS and GS bases, every GPR
 * from n->regs, and IRETQs to n->rip with n->rsp and n->rflags. */
__attribute__((noreturn)) void resident_resume_native(
	const struct resident_native *n);
#endif

#endif
