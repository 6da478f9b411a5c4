#include "hv.h"

#include "exit/run_bounds.h"
#include "mem/pages.h"
#include "pc/linux_guest.h"
#include "platform.h"
#include "print.h"
#include "run.h"
#include "util.h"
#include "vmx/vmx.h"
#include "vmx/vmx_caps.h"
#include "x86/arch.h"
#include "vmx/host_gdt.h"
#include "x86/host_state.h"
#include "x86/msr.h"
#include "x86/spec_ctrl.h"

/* One slice is 2^17 preemption-timer ticks; the watchdog allows 400 of
 * them (about 50 million TSC ticks at rate 0, as under Bochs). */
#define SLICE_TICKS (1u << 17)
#define SLICE_BUDGET 400u

const char *hv_status_name(enum hv_status s)
{
	static const char *const names[] = {
		[HV_OK] = "ok",
		[HV_NO_VMX] = "no VMX on this CPU",
		[HV_VMX_DISABLED] = "VT-x disabled by firmware",
		[HV_UNSUPPORTED] = "a required VMX feature is missing",
		[HV_OUT_OF_MEMORY] = "out of memory",
		[HV_VMX_FAILED] = "VMX operation failed",
		[HV_GUEST_FAILED] = "guest failed",
		[HV_BAD_ARGUMENT] = "bad argument",
	};

	return (unsigned int)s < COUNT_OF(names) && names[s] ? names[s]
							     : "unknown";
}

/* The TSC against the firmware's timer, for the run bounds' firmware
 * watchdog and for anything that needs wall time (the Linux guest's
 * calibration). Interrupts stay as they are: Stall() needs the timer. */
#define TSC_MEASURE_US 20000u

static uint64_t measure_tsc_hz(void)
{
	uint64_t t0 = rdtsc();

	platform_stall_us(TSC_MEASURE_US);
	uint64_t hz = tsc_rate_hz(rdtsc() - t0, TSC_MEASURE_US);

	hv_printf("hv: TSC rate %lu.%03lu MHz, measured against the "
		  "firmware's timer over %u ms\n",
		  hz / 1000000, hz / 1000 % 1000, TSC_MEASURE_US / 1000);
	return hz;
}

/* VMX on, one guest run (run.c), VMX off; then the proof that the host's
 * registers are as they were and every page came back (but the one
 * holding hv.efi's TSS, when TR must keep it). */
static enum hv_status guest_in_vmx_session(const struct vmx_caps *caps,
					   const struct hv_options *opt,
					   const struct cpu_ops *cpu,
					   enum entry_flush entry_flush)
{
	struct vmx_session session;
	struct host_gdt gdt;
	size_t pages_before = hv_pages_outstanding();
	size_t allocated_before = hv_pages_allocated();
	struct guest_image image = {
		.name = opt->guest_name,
		.data = opt->guest_image,
		.size = opt->guest_size,
		.arg = opt->guest_arg,
	};

	if (opt->kernel.data) {
		uint32_t mib =
			opt->mem_mib ? opt->mem_mib : PC_LINUX_DEFAULT_MEM_MIB;

		image = (struct guest_image){
			.name = opt->kernel.name,
			.data = opt->kernel.data,
			.size = opt->kernel.size,
			.boot_linux = true,
			.initrd = opt->initrd.data,
			.initrd_size = opt->initrd.size,
			.cmdline = opt->append ? opt->append
					       : PC_LINUX_DEFAULT_CMDLINE,
			.mem_size = (uint64_t)mib << 20,
		};
	}
	struct run_options ro = {
		.maxphyaddr = cpu_maxphyaddr(cpu),
		.dump_vmcs = opt->dump_vmcs,
		.break_entry = opt->break_entry,
		.slice_ticks = SLICE_TICKS,
		.slice_budget = opt->watchdog_slices ? opt->watchdog_slices
						     : SLICE_BUDGET,
		.console_limit = opt->console_limit,
		.tsc_hz = measure_tsc_hz(),
		.entry_flush = entry_flush,
	};

	struct host_state before, after;

	host_state_read(&before);
	uint64_t rflags_if_after_run = before.rflags_if;

	ro.rflags_if_after_run = &rflags_if_after_run;
	if (host_gdt_enter(&gdt))
		return HV_OUT_OF_MEMORY;
	/* TR cannot be loaded with 0 again: with hv.efi's own TSS, that TSS
	 * is what TR must hold after the run. */
	if (gdt.own_tss)
		before.tr = gdt.tr_selector;
	enum hv_status st = vmx_on(&session, caps);

	/* Locking IA32_FEATURE_CONTROL is hv's own change, reported by
	 * vmx_on (even one that failed later); the run must leave it as it
	 * is now. */
	before.feature_control = rdmsr(MSR_IA32_FEATURE_CONTROL);
	if (st == HV_OK) {
		st = run_guest(caps, &gdt, &image, &ro);
		if (vmx_off(&session) == HV_OK)
			hv_printf("hv: vmx off\n");
		else
			st = HV_VMX_FAILED;
	}
	host_gdt_leave(&gdt);
	host_state_read(&after);
	after.rflags_if_after_run = rflags_if_after_run;
	if (host_state_compare(&before, &after) && st == HV_OK)
		st = HV_VMX_FAILED;
	size_t leaked = hv_pages_outstanding() - pages_before;

	hv_printf("hv: pages allocated: %lu\n",
		  (uint64_t)(hv_pages_allocated() - allocated_before));
	/* The GDT page stays when TR still refers to hv.efi's TSS in it. */
	if (!gdt.own_tss && leaked == 0)
		hv_printf("hv: every page freed\n");
	else if (gdt.own_tss && leaked == 1)
		hv_printf("hv: every page freed but the one holding the TSS "
			  "that TR still refers to\n");
	else
		hv_printf("hv: %lu pages not freed (expected %u)\n",
			  (uint64_t)leaked, gdt.own_tss ? 1u : 0u);
	return st;
}

enum hv_status hv_main(const struct hv_options *opt, const struct cpu_ops *cpu)
{
	struct vmx_caps caps;

	vmx_caps_read(&caps, cpu);
	enum hv_status st = vmx_check_usable(&caps);

	if (st != HV_OK)
		return st;
	struct spec_ctrl spec;

	/* --quiet: every line but the report's (about 160 of a run's 190),
	 * which costs a guest run under nested KVM most of its time: each
	 * character is an exit of the emulated UART to the user space below. */
	if (opt->quiet)
		hv_printf("hv: VMX capability report left out (--quiet; hv.efi "
			  "--caps prints it)\n");
	else
		vmx_caps_report(&caps);
	spec_ctrl_choose(cpu, &spec);
	spec_ctrl_report(&spec);
	if (opt->caps_only)
		return HV_OK;
	return guest_in_vmx_session(&caps, opt, cpu, spec.flush);
}
