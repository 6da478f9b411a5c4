/* The host's architectural state that a guest run could disturb, read
 * before and after the run and compared: the proof, printed after every
 * run, that the guest (and the VMM's handling of it) left the firmware's
 * machine as it found it. */
#ifndef HV_HOST_STATE_H
#define HV_HOST_STATE_H

#include <stdint.h>

struct host_state {
	uint64_t cr0, cr2, cr3, cr4, rflags_if;
	uint64_t gdtr_base, gdtr_limit, idtr_base, idtr_limit;
	uint64_t dr0, dr1, dr2, dr3, dr6, dr7;
	uint64_t efer, pat, feature_control, debugctl;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t fs_base, gs_base, kernel_gs_base;
	uint64_t star, lstar, cstar, fmask;
	uint64_t tr; /* the selector: a VM exit loads it from the VMCS */
	/* RFLAGS.IF as the run left it, read before any firmware call (a
	 * firmware call may turn IF on again, in RestoreTPL, and hide a
	 * run that left it off). host_state_read() gives the IF of now. */
	uint64_t rflags_if_after_run;
};

/* Reads the real registers (host_state_hw.c; hv.efi only). */
void host_state_read(struct host_state *s);

/* Around a guest run (host_state_hw.c): saves the host state into *h and
 * gives the guest power-on DR0-DR3, DR6 and IA32_KERNEL_GS_BASE; then
 * puts back what VM exits and the guest changed and nothing else does. */
void host_state_save(struct host_state *h);
void host_state_restore(const struct host_state *h);

/* Prints "hv: host state after the run: as before (N registers)" or the
 * registers that differ, with both values; returns how many differ. */
unsigned int host_state_compare(const struct host_state *before,
				const struct host_state *after);

#endif
