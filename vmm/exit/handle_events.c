/* Exits caused by events and by instructions the guest may not use. */
#include "exit/exit.h"
#include "exit/exit_qual.h"
#include "exit/guest_exceptions.h"
#include "exit/machine.h"
#include "print.h"
#include "vmcs/vmcs.h"

/* HLT, the preemption timer and the interrupt window mean what the
 * machine says (exit/machine.h). */
enum exit_verdict handle_hlt(struct vcpu *v)
{
	return v->machine->hlt(v);
}

enum exit_verdict handle_preemption_timer(struct vcpu *v)
{
	return v->machine->preemption_timer(v);
}

enum exit_verdict handle_interrupt_window(struct vcpu *v)
{
	if (!v->machine->interrupt_window)
		return handle_unhandled(v);
	return v->machine->interrupt_window(v);
}

/* With "acknowledge interrupt on exit" off, the interrupt is still pending
 * at the host's interrupt controller: open a window and the firmware's own
 * handler (its timer, mostly) takes it. */
enum exit_verdict handle_external_interrupt(struct vcpu *v)
{
	if (v->ops->open_irq_window)
		v->ops->open_irq_window();
	return VERDICT_RESUME;
}

/* A storm of host NMIs (a watchdog, a profiler) must not become a storm
 * of console lines: the first few are printed, the rest counted and
 * summed up once, by host_nmi_report() after the run. */
#define HOST_NMI_LINES 3

static void host_nmi_note(struct vcpu *v)
{
	v->host_nmis++;
	if (v->host_nmis <= HOST_NMI_LINES)
		hv_printf("hv: guest %s: host NMI during the guest; "
			  "ignored\n",
			  v->name);
	if (v->host_nmis == HOST_NMI_LINES)
		hv_printf("hv: guest %s: further host NMIs are counted, not "
			  "printed\n",
			  v->name);
}

void host_nmi_report(const struct vcpu *v)
{
	if (v->host_nmis > HOST_NMI_LINES)
		hv_printf("hv: guest %s: %lu host NMIs during the guest, all "
			  "ignored\n",
			  v->name, v->host_nmis);
}

/* An NMI, or an exception of the exception bitmap (flat/flat_machine.c, pc/pc_machine.c). NMI exiting
 * consumed the NMI. It belonged to the host. KVM re-raises such an NMI with INT
 * 2; under OVMF the only NMI handler dumps the CPU state and halts, so
 * re-raising would stop the firmware: it is logged and dropped. */
enum exit_verdict handle_exception_nmi(struct vcpu *v)
{
	struct intr_info i =
		intr_info_decode(vmcs_read(VMCS_EXIT_INTERRUPTION_INFO));

	if (i.valid && i.type == INTR_TYPE_NMI) {
		host_nmi_note(v);
		return VERDICT_RESUME;
	}
	if (i.valid && i.type == INTR_TYPE_HARDWARE_EXCEPTION &&
	    i.vector == EXC_MC)
		return vcpu_machine_check(v, "during the guest");
	if (i.valid && i.vector < 32 &&
	    (GUEST_REFLECTED_EXCEPTIONS & (1u << i.vector)))
		return vcpu_reflect_exception(v, &i);
	return handle_unhandled(v);
}

/* INIT and SIPI: the machine's, or unhandled (exit/machine.h). */
enum exit_verdict handle_init_signal(struct vcpu *v)
{
	if (!v->machine->init_signal)
		return handle_unhandled(v);
	return v->machine->init_signal(v);
}

enum exit_verdict handle_sipi(struct vcpu *v)
{
	if (!v->machine->sipi)
		return handle_unhandled(v);
	return v->machine->sipi(v);
}

enum exit_verdict handle_triple_fault(struct vcpu *v)
{
	console_flush(v);
	hv_printf("hv: guest %s: triple fault at RIP 0x%lx\n", v->name,
		  vmcs_read(VMCS_GUEST_RIP));
	return v->machine->triple_fault(v);
}

/* A malformed EPT entry is the VMM's bug, not the guest's. */
enum exit_verdict handle_ept_misconfig(struct vcpu *v)
{
	hv_printf("hv: guest %s: EPT misconfiguration at guest-physical "
		  "0x%lx (a VMM bug)\n",
		  v->name, vmcs_read(VMCS_GUEST_PHYSICAL_ADDRESS));
	return vcpu_kill(v, "ept_misconfig");
}

enum exit_verdict handle_inject_ud(struct vcpu *v)
{
	vcpu_inject_exception(v, EXC_UD, 0);
	return VERDICT_RESUME;
}

enum exit_verdict handle_inject_gp(struct vcpu *v)
{
	vcpu_inject_exception(v, EXC_GP, 0);
	return VERDICT_RESUME;
}

/* INVD would discard the host's dirty cache lines too: never executed.
 * Where the vCPU's ops have WBINVD (the resident machine, whose guest
 * owns the real caches), the caches are written back instead, as KVM
 * does; else nothing (SDM 2, "INVD": software may not rely on the lines
 * being discarded rather than written back). */
enum exit_verdict handle_invd(struct vcpu *v)
{
	if (v->ops->wbinvd)
		v->ops->wbinvd();
	vcpu_skip_instruction(v);
	return VERDICT_RESUME;
}

/* PAUSE exits only where the policy asks (resident mode: a spin loop
 * with interrupts off then leaves the guest at every PAUSE). It did
 * what it does: skip it; the machine may do more (struct machine). */
enum exit_verdict handle_pause(struct vcpu *v)
{
	if (v->machine->pause)
		return v->machine->pause(v);
	vcpu_skip_instruction(v);
	return VERDICT_RESUME;
}

enum exit_verdict handle_unhandled(struct vcpu *v)
{
	const char *name = exit_reason_name(v->exit_reason);

	console_flush(v);
	hv_printf("hv: guest %s: unhandled exit %u (%s) at RIP 0x%lx, "
		  "qualification 0x%lx; stopping the guest\n",
		  v->name, v->exit_reason, name ? name : "unknown",
		  vmcs_read(VMCS_GUEST_RIP), exit_qualification());
	vmcs_dump();
	return vcpu_kill(v, "unhandled_exit");
}
