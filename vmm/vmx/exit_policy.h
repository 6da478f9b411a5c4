/* The one exit policy: which guest actions cause a VM exit. "Trap" always
 * means "VM exit"; exit_policy_build() alone turns that into control bits
 * and the MSR and I/O bitmaps, whose polarity nobody else needs to know. */
#ifndef HV_EXIT_POLICY_H
#define HV_EXIT_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The PIN_*, PROC_* and PROC2_* bits that struct exit_controls holds. */
#include "vmx/vmx_controls.h"

enum exit_action {
	POLICY_PASS = 0,
	POLICY_TRAP = 1 /* the guest's action causes a VM exit */
};

/* MSRs first..last, inclusive. */
struct msr_rule {
	uint32_t first, last;
	enum exit_action read, write;
};

/* Ports first..last, inclusive. */
struct io_rule {
	uint16_t first, last;
	enum exit_action action;
};

struct exit_policy {
	/* instructions and events governed by a single control bit */
	enum exit_action hlt, cr3_load, cr3_store, cr8_load, cr8_store, invlpg,
		rdtsc, rdpmc, mwait, monitor, pause, mov_dr, wbinvd, rdrand,
		rdseed, descriptor_tables;
	enum exit_action external_interrupt, nmi;
	bool preemption_timer; /* activate the VMX-preemption timer */
	/* Writes that change these bits trap: the CR0/CR4 guest/host masks,
	 * where a set bit already means "owned by the host, trap" (SDM 3C
	 * 25.6.6, "Guest/Host Masks and Read Shadows for CR0 and CR4"), so they
	 * are copied as they are. */
	uint64_t cr0_trap_bits, cr4_trap_bits;
	/* Exceptions that trap: the exception bitmap, also "1 = trap" (SDM 3C
	 * 25.6.3, "Exception Bitmap"). #PF (bit 14) means exactly that only
	 * while the page-fault error-code mask and match fields are both 0 (SDM
	 * 3C 26.2, "Other Causes of VM Exits"). */
	uint32_t exception_trap_bitmap;
	/* MSRs and I/O ports: every MSR / port NOT covered by a rule TRAPs
	 * (default deny). Rules must not overlap. An MSR rule may pass only
	 * MSRs the bitmap covers, 0-0x1fff or 0xc0000000-0xc0001fff: the CPU
	 * always exits on the others (SDM 3C 26.1.3, "Instructions That Cause
	 * VM Exits Conditionally"). */
	const struct msr_rule *msrs;
	size_t msr_count;
	const struct io_rule *io;
	size_t io_count;
};

/* What the policy asks of the CPU: control bits to be SET (the caller
 * adjusts them against the capability MSRs with control_adjust and names
 * what is missing), plus masks. */
struct exit_controls {
	uint32_t pin, proc, proc2;
	uint64_t cr0_guest_host_mask, cr4_guest_host_mask;
	uint32_t exception_bitmap;
	bool uses_msr_bitmap,
		uses_io_bitmaps; /* hand the bitmaps to the VMCS */
};

/* 4 KiB each, zeroed by the caller or not: the builder writes every bit.
 * A bitmap the policy does not need may be NULL. */
struct exit_bitmaps {
	uint8_t *msr;
	uint8_t *io_a;
	uint8_t *io_b;
};

#define EXIT_BITMAP_SIZE 4096

/* Returns 0, or -1 for an invalid policy (an action that is neither PASS
 * nor TRAP, first > last, overlapping rules, an MSR rule passing MSRs the
 * bitmap cannot cover) or a needed bitmap that is NULL; on -1 nothing has
 * been written. */
int exit_policy_build(const struct exit_policy *p, struct exit_controls *out,
		      struct exit_bitmaps *bm);

/* What the CPU will do, read back from built controls and bitmaps with the
 * SDM's rules (SDM 3C 26.1.3, "Instructions That Cause VM Exits
 * Conditionally"). Used by the unit tests. */
enum exit_action exit_policy_msr_action(const struct exit_controls *c,
					const struct exit_bitmaps *bm,
					uint32_t msr, bool write);
/* @size is 1, 2 or 4 (an access of @size ports from @port). */
enum exit_action exit_policy_io_action(const struct exit_controls *c,
				       const struct exit_bitmaps *bm,
				       uint16_t port, unsigned int size);

/* Prints the policy in words via hv_printf: what traps, what is free, and
 * which MSRs and ports are free. */
void exit_policy_print(const struct exit_policy *p);

/* The one policy for guests: what every guest may do freely and what
 * traps (guest_policy.c). */
extern const struct exit_policy guest_exit_policy;
/* The policy for a PC guest (Linux). */
extern const struct exit_policy pc_exit_policy;
/* The policy for resident mode: the firmware and its OS as the guest. */
extern const struct exit_policy resident_exit_policy;

#endif
