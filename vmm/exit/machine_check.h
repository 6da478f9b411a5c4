/* Machine checks belong to the host (issue 11 item 3). A #MC is the
 * platform reporting a hardware error, not an event of the guest's: while
 * the guest runs, the real CR4.MCE must be the host's (CR4.MCE = 0 turns
 * a machine check into a shutdown, SDM 3B 15.10.1 "Machine-Check
 * Exception Handler"), the exception bitmap traps vector 18, and the
 * host's own #MC handler gets it after the VM exit, as KVM does. */
#ifndef HV_MACHINE_CHECK_H
#define HV_MACHINE_CHECK_H

#include <stdint.h>

#include "exit/vcpu.h"

/* The real guest CR4 for a guest-visible @value: VMX's fixed bits, and
 * MCE as the host has it (the read shadow keeps what the guest wrote;
 * the CR4 guest/host mask owns every bit). */
uint64_t vcpu_real_cr4(const struct vcpu *v, uint64_t value);

/* A #MC exit (vector 18 in the exception bitmap), or VM entry failed with
 * exit reason 41 (SDM 3C 27.8 "VM-Entry Failures During or After Loading
 * Guest State"): the guest is stopped (why=machine_check) and
 * v->host_machine_check set, so run.c raises the host's #MC handler once
 * the host state is back. @when: "during the guest", "during VM entry". */
enum exit_verdict vcpu_machine_check(struct vcpu *v, const char *when);

#endif
