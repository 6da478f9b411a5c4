/* The PC's time while its guest runs: the local APIC's interrupts
 * injected on VM entry (or an interrupt window asked for), the
 * VMX-preemption timer set to wake hv at the APIC's next deadline, HLT as
 * a wait for the next interrupt, the console's input, and the bounds of a
 * run that may last as long as its user wants. */
#include "pc/pc_run.h"

#include "exit/exit.h"
#include "exit/exit_qual.h"
#include "platform.h"
#include "print.h"
#include "vmcs/vmcs.h"
#include "vmx/vmx_controls.h"
#include "x86/fpu.h"
#include "x86/xsave.h"
#include "x86/x86.h"

/* A kernel that keeps interrupts off this long (seen at preemption-timer
 * exits) is stuck: a healthy one takes its timer tick every few
 * milliseconds. Before it first turns them on it is still being
 * decompressed and set up, which takes billions of instructions (about
 * 100 s of the TSC under Bochs, where the TSC counts instructions). */
#define PC_IRQS_OFF_SECONDS 10u
#define PC_IRQS_OFF_AT_BOOT_SECONDS 600u
/* The firmware watchdog: armed for this long, rearmed every
 * PC_WATCHDOG_KICK_S while the guest makes progress, so that it resets
 * the machine only if hv.efi itself stops coming back. */
#define PC_WATCHDOG_S 60u
#define PC_WATCHDOG_KICK_S 10u
/* The firmware's console input, read this often while the guest runs
 * (and while it waits in HLT). Each read is a preemption-timer exit
 * where no deadline of the guest's is nearer, and a kernel being
 * unpacked and set up has none for billions of instructions: at 100 a
 * second they were 18,000 of a Linux boot's 79,000 exits. 20 a second
 * still takes what a user types within 50 ms, 16 bytes (the UART's
 * FIFO) a time. */
#define PC_INPUT_POLLS_PER_S 20u

static void uart_tx(void *ctx, uint8_t byte)
{
	char c = (char)byte;

	console_write(ctx, &c, 1);
}

/* The CMOS clock shows the firmware's time from now on (advanced by the
 * TSC), or 2000-01-01 00:00:00 where the firmware cannot read its own. */
static void rtc_start(struct pc *pc, struct vcpu *v)
{
	struct platform_time pt;
	struct rtc_time t = {2000, 1, 1, 0, 0, 0};
	bool firmware = platform_get_time(&pt);

	if (firmware)
		t = (struct rtc_time){pt.year, pt.month,  pt.day,
				      pt.hour, pt.minute, pt.second};
	mc146818_init(&pc->rtc, &t, v->ops->read_tsc(), pc->tsc_hz);
	hv_printf("hv: the guest's CMOS clock starts at "
		  "%04u-%02u-%02u %02u:%02u:%02u (%s)\n",
		  t.year, t.month, t.day, t.hour, t.minute, t.second,
		  firmware ? "the firmware's GetTime" : "GetTime failed");
}

void pc_init(struct pc *pc, struct vcpu *v, uint64_t tsc_hz,
	     unsigned int timer_rate, uint32_t proc_controls,
	     uint64_t xsave_components)
{
	*pc = (struct pc){0};
	pc->xsave_components = xsave_components;
	pc->xcr0 = XCR0_X87;
	pc->cr4 = CR4_PAE;
	lapic_init(&pc->lapic, 0);
	pc->apic_mode = PC_APIC_X2APIC;
	uart16550_init(&pc->uart, uart_tx, v);
	pci_host_init(&pc->pci);
	acpi_pm_init(&pc->pm);
	i8259_init(&pc->pic);
	ioapic_init(&pc->ioapic, PC_IOAPIC_ID);
	pc->tsc_hz = tsc_hz;
	rtc_start(pc, v);
	pc->timer_rate = timer_rate;
	pc->proc_controls = proc_controls;
	pc->irqs_off_bound = tsc_hz * PC_IRQS_OFF_AT_BOOT_SECONDS;
}

uint32_t pc_firmware_watchdog_s(void)
{
	return PC_WATCHDOG_S;
}

void pc_print_bounds(void)
{
	hv_printf("hv: run bounds (a Linux guest): no limit of time or "
		  "exits; stopped when interrupts stay off for %u s (%u s "
		  "before it first turns them on); firmware watchdog %u s, "
		  "rearmed every %u s; Ctrl-A x on the console stops it\n",
		  PC_IRQS_OFF_SECONDS, PC_IRQS_OFF_AT_BOOT_SECONDS,
		  PC_WATCHDOG_S, PC_WATCHDOG_KICK_S);
}

/* Interrupts off for too long (irqs_off_bound), checked from
 * serve_host(): at its PC_INPUT_POLLS_PER_S, whatever the guest does, so a guest that
 * keeps exiting with interrupts off (`cli; 1: cpuid; jmp 1b`) cannot
 * starve the check, as it would a check at preemption-timer exits only
 * (the timer counts in guest time). */
static enum exit_verdict check_irqs_off(struct vcpu *v, uint64_t now)
{
	struct pc *pc = pc_of(v);

	if (vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_IF) {
		pc->irqs_off_since = 0;
		pc->irqs_on_seen = true;
		pc->irqs_off_bound = pc->tsc_hz * PC_IRQS_OFF_SECONDS;
		return VERDICT_RESUME;
	}
	if (!pc->irqs_off_since) {
		pc->irqs_off_since = now;
		return VERDICT_RESUME;
	}
	if (!pc->irqs_off_bound ||
	    now - pc->irqs_off_since <= pc->irqs_off_bound)
		return VERDICT_RESUME;
	console_flush(v);
	hv_printf("hv: guest %s: watchdog: interrupts off for more than %lu "
		  "s, at RIP 0x%lx\n",
		  v->name, pc->irqs_off_bound / pc->tsc_hz,
		  vmcs_read(VMCS_GUEST_RIP));
	return vcpu_kill(v, "irqs_off");
}

/* Once in a while (PC_INPUT_POLLS_PER_S): the host's interrupts have a
 * moment, the firmware watchdog its kick, the firmware's console input
 * goes into the UART, and the interrupts-off bound is checked. Firmware
 * calls: the host's x87 state first, and host interrupts off after them
 * (the firmware's RestoreTPL turns them on), so that none comes while the
 * guest's state is loaded (x86/fpu.h). */
static enum exit_verdict serve_host(struct vcpu *v, uint64_t now)
{
	struct pc *pc = pc_of(v);
	uint64_t poll_ticks = pc->tsc_hz / PC_INPUT_POLLS_PER_S;
	bool stop = false;
	int key;

	if (now - pc->input_poll_tsc < poll_ticks)
		return VERDICT_RESUME;
	pc->input_poll_tsc = now;
	fpu_for_host();
	if (v->ops->open_irq_window)
		v->ops->open_irq_window();
	if (now - pc->watchdog_kick_tsc >= pc->tsc_hz * PC_WATCHDOG_KICK_S) {
		pc->watchdog_kick_tsc = now;
		platform_set_watchdog(PC_WATCHDOG_S);
	}
	/* Room for the two bytes one key may give (pc_keys.h). */
	while (!stop && pc->uart.rx_count + 2 <= UART_FIFO_SIZE &&
	       (key = platform_read_key()) >= 0) {
		uint8_t typed[2];
		unsigned int n;

		switch (pc_key_feed(&pc->keys, (uint8_t)key, typed, &n)) {
		case PC_KEY_STOP_GUEST:
			hv_printf("hv: guest %s: stopped from the console "
				  "(Ctrl-A x)\n",
				  v->name);
			stop = true;
			break;
		case PC_KEY_SHOW_HELP:
			hv_printf("hv: keys: Ctrl-A x stops the guest (back "
				  "to the firmware), Ctrl-A Ctrl-A types "
				  "Ctrl-A\n");
			break;
		case PC_KEY_PASS:
			/* The firmware's Enter is CR; a terminal sends CR
			 * too, and the guest's tty turns it into a newline. */
			for (unsigned int i = 0; i < n; i++)
				if (uart16550_receive(&pc->uart, typed[i]))
					pc->input_bytes++;
			break;
		}
	}
	if (v->ops->irqs_off)
		v->ops->irqs_off();
	if (stop)
		return vcpu_finish(v, GUEST_STOPPED, 0);
	return check_irqs_off(v, now);
}

static void set_interrupt_window(struct pc *pc, bool open)
{
	uint32_t proc =
		open ? pc->proc_controls | PROC_INTERRUPT_WINDOW_EXITING
		     : pc->proc_controls & ~PROC_INTERRUPT_WINDOW_EXITING;

	if (proc == pc->proc_controls)
		return;
	pc->proc_controls = proc;
	vmcs_write(VMCS_PRIMARY_PROC_BASED_CONTROLS, proc);
}

/* RFLAGS.IF set and no STI or MOV-SS shadow: an external interrupt
 * would be taken now (SDM 3A 6.8.1, "Masking Maskable Hardware
 * Interrupts"; 3C 27.3.1.5, "Checks on Guest Non-Register State"). Not
 * while a single-step #DB is pending (an emulated instruction's, exit.c):
 * an entry that injects an event does not deliver pending debug
 * exceptions (SDM 3C 27.6.3, "Delivery of Pending Debug Exceptions after
 * VM Entry"), and on hardware the trap comes before the interrupt; the
 * interrupt waits for the window after it. */
static bool guest_interruptible(void)
{
	return (vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_IF) &&
	       !(vmcs_read(VMCS_GUEST_INTERRUPTIBILITY_STATE) &
		 (BLOCKING_BY_STI | BLOCKING_BY_MOV_SS)) &&
	       !(vmcs_read(VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS) &
		 PENDING_DBG_BS);
}

/* An exit in the middle of delivering an event (the host's interrupt
 * arriving while the guest's own was delivered) leaves the event in the
 * IDT-vectoring information: it is delivered again on the next entry,
 * or the guest would lose it (SDM 3C 28.2.4, "Information for VM Exits
 * During Event Delivery"; 27.6, "Event Injection"). */
static void redeliver_interrupted_event(struct pc *pc)
{
	uint32_t idt = vmcs_read(VMCS_IDT_VECTORING_INFO);

	if (!(idt & INTR_INFO_VALID))
		return;
	/* The exit's handler injected an event of its own (an exception
	 * reflected during the delivery): that one goes first. An external
	 * interrupt, which only the PC's APIC gives, goes back to its IRR to
	 * come again; a fault or INT n comes again when its instruction
	 * does. */
	if (vmcs_read(VMCS_ENTRY_INTERRUPTION_INFO) & INTR_INFO_VALID) {
		if (INTR_INFO_TYPE(idt) == INTR_TYPE_EXTERNAL)
			lapic_return(&pc->lapic, INTR_INFO_VECTOR(idt));
		return;
	}
	if (idt & INTR_INFO_DELIVER_ERROR_CODE)
		vmcs_write(VMCS_ENTRY_EXCEPTION_ERROR_CODE,
			   vmcs_read(VMCS_IDT_VECTORING_ERROR_CODE));
	uint32_t type = INTR_INFO_TYPE(idt);

	if (type == INTR_TYPE_SOFTWARE_INTERRUPT ||
	    type == INTR_TYPE_PRIVILEGED_SOFTWARE_EXCEPTION ||
	    type == INTR_TYPE_SOFTWARE_EXCEPTION)
		vmcs_write(VMCS_ENTRY_INSTRUCTION_LENGTH,
			   vmcs_read(VMCS_EXIT_INSTRUCTION_LENGTH));
	vmcs_write(VMCS_ENTRY_INTERRUPTION_INFO, idt & ~INTR_INFO_RESERVED);
}

/* The EOI-exit bitmap's four fields, bits 63:0 to 255:192. */
static void write_eoi_exit(unsigned int i, uint64_t bits)
{
	switch (i) {
	case 0:
		vmcs_write(VMCS_EOI_EXIT_BITMAP0, bits);
		break;
	case 1:
		vmcs_write(VMCS_EOI_EXIT_BITMAP1, bits);
		break;
	case 2:
		vmcs_write(VMCS_EOI_EXIT_BITMAP2, bits);
		break;
	default:
		vmcs_write(VMCS_EOI_EXIT_BITMAP3, bits);
		break;
	}
}

/* With APIC virtualization: the APIC's requests and services as the CPU
 * evaluates them at VM entry (SDM 3C 30.2.1, "Evaluation of Pending
 * Virtual Interrupts"): RVI and SVI from IRR and ISR, which the CPU
 * itself changes as it delivers and EOIs, so the field is read back
 * rather than remembered; the EOI-exit bitmap from TMR, so that a
 * level-triggered vector's EOI exits and reaches the I/O APIC. Reads of
 * the page's registers are virtualized only while the APIC is in xAPIC
 * mode: otherwise the page is nobody's, and every read but TPR's exits
 * (SDM 3C 30.4.2). */
static uint32_t proc2_for_mode(const struct pc *pc)
{
	return pc->apic_mode == PC_APIC_XAPIC
		       ? pc->proc2_controls | PROC2_APIC_REGISTER_VIRTUALIZATION
		       : pc->proc2_controls &
				 ~PROC2_APIC_REGISTER_VIRTUALIZATION;
}

static void post_interrupts(struct pc *pc)
{
	uint16_t status = pc_irq_guest_interrupt_status(pc);
	uint64_t eoi_exit[4];
	uint32_t proc2 = proc2_for_mode(pc);

	if (status != vmcs_read(VMCS_GUEST_INTR_STATUS))
		vmcs_write(VMCS_GUEST_INTR_STATUS, status);
	/* cppcheck 2.10 takes this call for a comma expression: */
	/* cppcheck-suppress constStatement */
	lapic_eoi_exit_bitmap(&pc->lapic, eoi_exit);
	for (unsigned int i = 0; i < 4; i++)
		if (eoi_exit[i] != pc->eoi_exit[i]) {
			pc->eoi_exit[i] = eoi_exit[i];
			write_eoi_exit(i, eoi_exit[i]);
		}
	if (proc2 != pc->proc2_controls) {
		pc->proc2_controls = proc2;
		vmcs_write(VMCS_SECONDARY_PROC_BASED_CONTROLS, proc2);
	}
}

uint32_t pc_use_apicv(struct pc *pc, uint32_t proc2_controls)
{
	pc->apicv = true;
	pc->proc2_controls = proc2_controls;
	pc->proc2_controls = proc2_for_mode(pc);
	return pc->proc2_controls;
}

enum exit_verdict pc_before_entry(struct vcpu *v)
{
	struct pc *pc = pc_of(v);

	if (serve_host(v, v->ops->read_tsc()) == VERDICT_STOP)
		return VERDICT_STOP;
	/* After the firmware's time, for the timer below. */
	uint64_t now = v->ops->read_tsc();

	fpu_for_guest();
	redeliver_interrupted_event(pc);
	lapic_update(&pc->lapic, now);
	pc_irq_update(pc, now);
	if (pc->apicv)
		post_interrupts(pc);
	bool window = false;

	if (pc_irq_to_inject(pc)) {
		/* One event per entry: the interrupt waits for a free slot
		 * and an interruptible guest, with a window exit to say so. */
		if (!(vmcs_read(VMCS_ENTRY_INTERRUPTION_INFO) &
		      INTR_INFO_VALID) &&
		    guest_interruptible()) {
			int vector = pc_irq_take(pc);

			if (vector >= 0) {
				vmcs_write(
					VMCS_ENTRY_INTERRUPTION_INFO,
					INTR_INFO_VALID |
						(uint32_t)INTR_TYPE_EXTERNAL
							<< INTR_INFO_TYPE_SHIFT |
						(uint32_t)vector);
				pc->irqs_injected++;
				pc->irqs_on_seen = true;
			}
		} else {
			window = true;
		}
	}
	set_interrupt_window(pc, window);

	/* Wake hv when the APIC's timer is due, or the CMOS clock's IRQ 8
	 * (an enabled update, alarm or periodic interrupt), or when the host
	 * is to be served next (serve_host: the firmware's console input,
	 * its watchdog, its interrupts), whichever is first, and no sooner:
	 * an earlier expiry would find nothing to do. A guest that exits on
	 * its own meanwhile is served at those exits. */
	uint64_t wake = pc->input_poll_tsc + pc->tsc_hz / PC_INPUT_POLLS_PER_S;
	uint64_t next = lapic_next_event(&pc->lapic);
	uint64_t rtc = mc146818_next_event(&pc->rtc, now);

	if (next && next < wake)
		wake = next;
	if (rtc < wake)
		wake = rtc;
	/* Rounded up, in the timer's unit (TSC >> rate), at most what the
	 * 32-bit field holds. */
	uint64_t step = (1ull << pc->timer_rate) - 1;
	uint64_t ticks = wake > now ? (wake - now + step) >> pc->timer_rate : 0;

	if (ticks > UINT32_MAX)
		ticks = UINT32_MAX;
	vmcs_write(VMCS_PREEMPTION_TIMER_VALUE, ticks);
	return VERDICT_RESUME;
}

enum exit_verdict pc_interrupt_window(struct vcpu *v)
{
	(void)v;
	return VERDICT_RESUME; /* pc_before_entry injects */
}

/* HLT with interrupts on waits, in the host, for the APIC's next
 * interrupt; with them off nothing can wake the CPU, and that is how
 * Linux powers off without ACPI (kernel/reboot.c turns POWER_OFF into
 * HALT when there is no pm_power_off; stop_this_cpu halts with
 * interrupts off): the run ends, result=ok. A kernel that halts before it
 * ever turned interrupts on has not booted: its decompressor's error()
 * and early faults end so (result=error). */
enum exit_verdict pc_hlt(struct vcpu *v)
{
	struct pc *pc = pc_of(v);

	if (!(vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_IF)) {
		console_flush(v);
		if (!pc->irqs_on_seen) {
			hv_printf("hv: guest %s: halted with interrupts off "
				  "before it ever turned them on, at RIP "
				  "0x%lx\n",
				  v->name, vmcs_read(VMCS_GUEST_RIP));
			v->why = "halted_at_boot";
			return vcpu_finish(v, GUEST_ERROR, 0);
		}
		hv_printf("hv: guest %s: halted with interrupts off (power "
			  "off)\n",
			  v->name);
		return vcpu_finish(v, GUEST_OK, 0);
	}
	vcpu_skip_instruction(v);
	for (;;) {
		uint64_t now = v->ops->read_tsc();

		lapic_update(&pc->lapic, now);
		pc_irq_update(pc, now);
		if (pc_irq_waiting(pc))
			return VERDICT_RESUME;
		/* Only the timers (the APIC's, the CMOS clock's) or console
		 * input can end the wait, and only if its interrupt can be
		 * delivered as the APIC and the 8259 stand: masked,
		 * software-disabled or held back by TPR or ISR, it would
		 * wake nothing while the host served the firmware for ever.
		 * A receive interrupt that is enabled and routed is a reason
		 * to wait: a shell waits for its user. */
		if (!lapic_timer_can_interrupt(&pc->lapic) &&
		    !pc_irq_rtc_can_wake(pc, now) &&
		    !pc_irq_input_can_wake(pc)) {
			console_flush(v);
			hv_printf("hv: guest %s: halted with no timer armed "
				  "and no console interrupt that can "
				  "interrupt it, at RIP 0x%lx\n",
				  v->name, vmcs_read(VMCS_GUEST_RIP));
			return vcpu_kill(v, "halted_forever");
		}
		if (serve_host(v, now) == VERDICT_STOP)
			return VERDICT_STOP;
		__asm__ volatile("pause");
	}
}

/* The host's turn came, or the APIC's deadline (pc_before_entry set the
 * timer for whichever is first): pc_before_entry does the rest. */
enum exit_verdict pc_preemption_timer(struct vcpu *v)
{
	v->slices++;
	return VERDICT_RESUME;
}

void pc_report(const struct vcpu *v)
{
	const struct pc *pc = pc_of(v);

	hv_printf("hv: guest %s: %lu interrupts injected, %lu bytes of "
		  "console input given to its UART\n",
		  v->name, pc->irqs_injected, pc->input_bytes);
	if (pc->apicv)
		hv_printf("hv: guest %s: APIC virtualization: %lu interrupts "
			  "taken into the local APIC's IRR, delivered by the "
			  "CPU; %lu APIC-write exits\n",
			  v->name, pc->lapic.received, pc->apic_writes);
	uint64_t dropped = 0;

	for (unsigned int i = 0; i < IOAPIC_DROP_REASONS; i++)
		dropped += pc->ioapic.dropped[i];
	if (dropped || pc->mmio_odd)
		hv_printf("hv: guest %s: %lu I/O APIC messages dropped "
			  "(illegal vector %lu, delivery mode %lu, "
			  "destination %lu), %lu xAPIC-page accesses of no "
			  "register\n",
			  v->name, dropped,
			  pc->ioapic.dropped[IOAPIC_DROP_ILLEGAL_VECTOR],
			  pc->ioapic.dropped[IOAPIC_DROP_DELIVERY_MODE],
			  pc->ioapic.dropped[IOAPIC_DROP_DESTINATION],
			  pc->mmio_odd);
}
