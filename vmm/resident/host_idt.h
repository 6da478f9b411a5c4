/* hv's own host IDT in resident mode (docs/resident.md): what a VM exit
 * loads as HOST_IDTR, so that an exception or NMI in VMX root reaches hv
 * and not the firmware's handlers, which an OS may have reclaimed. This
 * header and host_idt.c are the pure part (gates, the NMI decision),
 * unit-tested on the host (tests/test_host_idt.c); the entry stubs are
 * host_idt_entry.S, the C handler and the VMCS writes resident_hw.c.
 * Also included by host_idt_entry.S: the stub layout is here, once. */
#ifndef HV_RESIDENT_HOST_IDT_H
#define HV_RESIDENT_HOST_IDT_H

/* 256 gates of 16 bytes: one 4-KiB page (SDM 3A 6.14.1, "64-Bit Mode
 * IDT"). A VM exit sets the IDTR limit to FFFFH (SDM 3C 28.5.2, "Loading
 * Host Segment and Descriptor-Table Registers"); with all 256 vectors
 * present no vector can reach past the page. */
#define HOST_IDT_VECTORS 256
#define HOST_IDT_GATE_SIZE 16
/* host_idt_entry.S: stub n at host_idt_stubs + n * HOST_IDT_STUB_SIZE
 * (the assembler refuses a longer stub), so no table of addresses. */
#define HOST_IDT_STUB_SIZE 16

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

/* One 64-bit IDT gate (SDM 3A 6.14.1, Figure 6-8, "64-Bit IDT Gate
 * Descriptors"): offset 15:0, selector, IST, type and P, offset 31:16 in
 * the low quadword; offset 63:32 in the high one, bits 127:96 reserved. */
struct idt_gate {
	uint64_t low, high;
};

_Static_assert(sizeof(struct idt_gate) == HOST_IDT_GATE_SIZE,
	       "SDM 3A 6.14.1: a 64-bit gate is 16 bytes");

/* A present 64-bit interrupt gate (type 14: RFLAGS.IF cleared on entry,
 * SDM 3A 6.12.1.3, "Flag Usage By Exception- or Interrupt-Handler
 * Procedure") to @offset through code segment @cs, DPL 0, stack table
 * entry @ist (0: no stack switch; 1-7: the TSS's IST1-IST7). */
struct idt_gate idt_interrupt_gate(uint64_t offset, uint16_t cs,
				   unsigned int ist);

/* hv's host IDT: gate n to stub n (@stubs + n * HOST_IDT_STUB_SIZE),
 * all through @cs, IST 0. Why IST 0: in VMX root hv runs at CPL 0 on its
 * own stack in the pool (HOST_RSP, the exit frame's page, or the CPU's
 * host stack), so there is no less-privileged stack to leave; the pool
 * has no guard pages, so an overflow never faults and a separate #DF
 * stack would catch nothing; and an NMI on an IST stack is overwritten
 * by the next NMI once the first one's IRET unblocks NMIs (a nested NMI
 * on the same IST slot), a problem a handler on the current stack never
 * has. */
void host_idt_fill(struct idt_gate idt[HOST_IDT_VECTORS], uint64_t stubs,
		   uint16_t cs);

/* What the stubs push, from the stack's top: the general-purpose
 * registers (r15 at the lowest address, rax at the highest), the vector
 * and the error code (0 for a vector without one), then what the
 * processor pushed (SDM 3A 6.14.2, "64-Bit Mode Stack Frame"). */
struct host_idt_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rdi, rsi, rbp, rbx, rdx, rcx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(sizeof(struct host_idt_frame) == 22 * 8,
	       "host_idt_entry.S pushes 17 quadwords after the processor's 5");

/* NMIs that arrived in VMX root on one CPU. "NMI exiting" is off in
 * resident mode, so an NMI in VMX non-root goes straight through the
 * guest's IDT; one that comes while hv runs in VMX root (after a VM exit,
 * before the next entry) is delivered through HOST_IDTR, to hv. It is
 * the guest's (an OS's NMI watchdog, a profiler), so hv passes it on at
 * a VM entry. Like the processor, which holds at most one NMI pending
 * while NMIs are blocked (SDM 3A 6.7.1, "Handling Multiple NMIs"), hv
 * keeps one: NMIs that come while one waits are counted in @taken but
 * delivered as one. */
struct host_nmi {
	bool pending;	    /* written by the NMI handler, on this CPU only */
	uint64_t taken;	    /* NMIs hv's handler took in VMX root */
	uint64_t passed_on; /* NMIs injected into the guest */
};

/* The NMI handler's part: one more NMI for the guest. */
void host_nmi_taken(struct host_nmi *n);

/* Whether an NMI can be injected at this VM entry (SDM 3C 26.6, "Event
 * Injection"), from the VMCS's VM-entry interruption-information field
 * (@entry_info), the guest interruptibility state and the guest activity
 * state: not when the entry injects another event already (one event per
 * entry; the exit layer's #GP or #UD, a re-injected event); not while
 * the guest blocks NMIs (its own NMI handler runs until its IRET); not
 * in the shadow of MOV SS, which VM entry refuses for an injected NMI
 * (SDM 3C 27.3.1.5, "Checks on Guest Non-Register State"), nor of STI,
 * which some processors treat as blocking NMIs too (one instruction:
 * waiting costs nothing); and only in the active or HLT state (wait-for-
 * SIPI takes no event; shutdown is a triple fault, which stops the
 * guest). */
bool host_nmi_injectable(uint32_t entry_info, uint32_t interruptibility,
			 uint32_t activity);

/* Before a VM entry: true when a pending NMI is to be injected now (the
 * caller writes the VM-entry interruption information); it is no longer
 * pending and counted as passed on. Otherwise it stays pending for a
 * later entry. Safe against an NMI that comes meanwhile: the pending flag
 * is taken with one atomic exchange, so a new NMI is never lost, only
 * kept for the next entry. */
bool host_nmi_before_entry(struct host_nmi *n, uint32_t entry_info,
			   uint32_t interruptibility, uint32_t activity);

/* host_idt_entry.S: the 256 stubs, HOST_IDT_STUB_SIZE bytes apart; each
 * calls the handler (resident_hw.c) with the frame, which returns only
 * for an NMI. */
extern const uint8_t host_idt_stubs[];
void host_idt_handler(struct host_idt_frame *f);

/* "#GP", "#PF", ... or "vector 200" into @buf (exception_name, or the
 * number for a vector that has no name), for the fatal line. */
const char *host_idt_vector_name(unsigned int vector, char *buf,
				 unsigned int size);
#endif

#endif
