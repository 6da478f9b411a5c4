/* The PC's run-time half (pc_run.c): its time, interrupts and HLT, the
 * operations of the PC machine (pc_machine.c) that are about time. */
#ifndef HV_PC_RUN_H
#define HV_PC_RUN_H

#include "exit/vcpu.h"
#include "pc/pc.h"

/* The PC of a vCPU whose machine is the PC (pc_machine.c). */
static inline struct pc *pc_of(const struct vcpu *v)
{
	return v->machine_state;
}

/* Power-on state; the UART prints to the guest's console (console.c).
 * @timer_rate: IA32_VMX_MISC[4:0]; @proc_controls: the primary
 * processor-based controls as written to the VMCS; @xsave_components:
 * the XCR0 bits the guest may set (0: no XSAVE). */
void pc_init(struct pc *pc, struct vcpu *v, uint64_t tsc_hz,
	     unsigned int timer_rate, uint32_t proc_controls,
	     uint64_t xsave_components);

/* The CPU's APIC virtualization is on (vmx/vm_controls.h: apicv), with
 * these secondary controls chosen; returns them as the VMCS must have
 * them for the APIC's power-on mode. */
uint32_t pc_use_apicv(struct pc *pc, uint32_t proc2_controls);

/* Before every VM entry: the guest's FPU state, an interrupt injected or
 * a window asked for, the preemption timer set for the APIC's deadline;
 * VERDICT_STOP when a bound of the run was passed. */
enum exit_verdict pc_before_entry(struct vcpu *v);

enum exit_verdict pc_hlt(struct vcpu *v);
enum exit_verdict pc_preemption_timer(struct vcpu *v);
enum exit_verdict pc_interrupt_window(struct vcpu *v);

/* The firmware watchdog's seconds while a PC guest runs (rearmed). */
uint32_t pc_firmware_watchdog_s(void);

/* hv's line saying what bounds a Linux run. */
void pc_print_bounds(void);

/* hv's lines about the machine after the run. */
void pc_report(const struct vcpu *v);

#endif
