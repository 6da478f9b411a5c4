/* Exceptions of the guest's own that the exception bitmap traps only so
 * that delivery cannot recurse forever without a VM exit (issue 11 item
 * 2): #DB (XSA-156, CVE-2015-8104: a data breakpoint on the #DB stack)
 * and #AC (CVE-2015-5307: an unaligned stack for the #AC frame). On
 * hardware either loop runs inside event delivery, where no interrupt,
 * NMI-window or preemption timer gets in; trapped, each delivery is a VM
 * exit. Xen and KVM intercept both. The exception goes back to the guest
 * as hardware would have delivered it; a guest that makes no progress,
 * delivering the same exception at the same RIP and RSP again and again
 * inside event delivery (at CPL 0, or raised by its own delivery), is
 * stopped (why=exception_loop); a user process's exceptions never count. */
#ifndef HV_GUEST_EXCEPTIONS_H
#define HV_GUEST_EXCEPTIONS_H

#include "exit/exit_qual.h"
#include "exit/vcpu.h"

/* Identical deliveries in a row before the guest is stopped: far more
 * than any handler that makes progress repeats (a kernel's single-stepped
 * "jmp ." is the closest legitimate case, and it is a spinning kernel). */
#define EXCEPTION_LOOP_LIMIT 64u

/* The bitmap bits (flat/flat_machine.c, pc/pc_machine.c). */
#define GUEST_REFLECTED_EXCEPTIONS (1u << EXC_DB | 1u << EXC_AC)

/* A #DB or #AC exit described by @i (the exit interruption information):
 * reflected into the guest, or the guest stopped when it loops. */
enum exit_verdict vcpu_reflect_exception(struct vcpu *v,
					 const struct intr_info *i);

#endif
