/* Every exit handler, by the exit reason it serves. The dispatch table
 * in exit_dispatch.c maps reasons to these. */
#ifndef HV_EXIT_HANDLERS_H
#define HV_EXIT_HANDLERS_H

#include "machine_check.h"
#include "vcpu.h"

enum exit_verdict handle_cpuid(struct vcpu *v);
enum exit_verdict handle_cr_access(struct vcpu *v);
enum exit_verdict handle_io_instruction(struct vcpu *v);
enum exit_verdict handle_msr_read(struct vcpu *v);
enum exit_verdict handle_msr_write(struct vcpu *v);
enum exit_verdict handle_vmcall(struct vcpu *v);
enum exit_verdict handle_hlt(struct vcpu *v);
enum exit_verdict handle_preemption_timer(struct vcpu *v);
enum exit_verdict handle_external_interrupt(struct vcpu *v);
enum exit_verdict handle_exception_nmi(struct vcpu *v);
enum exit_verdict handle_triple_fault(struct vcpu *v);
enum exit_verdict handle_ept_violation(struct vcpu *v);
enum exit_verdict handle_ept_misconfig(struct vcpu *v);
enum exit_verdict handle_vmx_instruction(struct vcpu *v);
enum exit_verdict handle_invd(struct vcpu *v);
enum exit_verdict handle_inject_gp(struct vcpu *v);
enum exit_verdict handle_inject_ud(struct vcpu *v);
enum exit_verdict handle_unhandled(struct vcpu *v);

/* After the run: how many host NMIs there were, when more than were
 * printed one by one. */
void host_nmi_report(const struct vcpu *v);

/* The guest's console (console.c): bytes from the UART or HV_HC_PRINT,
 * printed by the host a line at a time as "guest: <line>". Returns false
 * once the guest has flooded the console past its limit. */
bool console_write(struct vcpu *v, const char *bytes, size_t len);
void console_flush(struct vcpu *v);

/* Reads reason, qualification and instruction length, counts the exit,
 * and calls its handler. */
enum exit_verdict exit_dispatch(struct vcpu *v);

#endif
