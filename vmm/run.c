/* One guest run: memory, EPT, bitmaps and VMCS built; entry checked;
 * the dispatch loop; the summary line; everything given back. */
#include "run.h"

#include "../guest/hv_abi.h"
#include "arch.h"
#include "cr_bits.h"
#include "entry_check.h"
#include "exit_handlers.h"
#include "guest_memory.h"
#include "guest_policy.h"
#include "host_state.h"
#include "msr.h"
#include "pages.h"
#include "platform.h"
#include "print.h"
#include "run_bounds.h"
#include "summary.h"
#include "vm_controls.h"
#include "vmcs.h"
#include "vmcs_dump.h"
#include "vmcs_hw.h"
#include "vmcs_setup.h"
#include "vmx.h"
#include "vmx_insn.h"

#define GUEST_PAGES (HV_GUEST_MEM_SIZE / 4096)
#define GUEST_VPID 1

struct vm {
	struct vcpu vcpu;
	void *vmcs;
	bool vmcs_current; /* VMPTRLD done: VMCLEAR before it is freed */
	void *exit_page;
	struct exit_bitmaps bitmaps;
	struct exit_controls policy;
	struct vm_controls controls;
	uint32_t firmware_watchdog_s; /* armed while the guest runs */
};

static void flush_guest_tlb(struct vcpu *v)
{
	if (v->vpid)
		invvpid(INVVPID_SINGLE_CONTEXT, v->vpid);
}

static const struct vcpu_ops hw_vcpu_ops = {
	.cpu = &cpu_hw_ops,
	.flush_guest_tlb = flush_guest_tlb,
	.open_irq_window = irq_window,
	.read_tsc = rdtsc,
	.read_dr6 = read_dr6,
	.write_dr6 = write_dr6,
};

static void vm_free(struct vm *vm)
{
	ept_destroy(&vm->vcpu.ept);
	hv_free_pages(vm->vcpu.mem, GUEST_PAGES);
	hv_free_pages(vm->vmcs, 1);
	hv_free_pages(vm->exit_page, 1);
	hv_free_pages(vm->bitmaps.msr, 1);
	hv_free_pages(vm->bitmaps.io_a, 1);
	hv_free_pages(vm->bitmaps.io_b, 1);
}

static enum hv_status vm_alloc(struct vm *vm, const struct vmx_caps *caps)
{
	vm->bitmaps.msr = hv_alloc_pages(1);
	vm->bitmaps.io_a = hv_alloc_pages(1);
	vm->bitmaps.io_b = hv_alloc_pages(1);
	vm->vmcs = vmx_alloc_region(caps);
	vm->exit_page = hv_alloc_pages(1);
	vm->vcpu.mem = hv_alloc_pages(GUEST_PAGES);
	if (!vm->bitmaps.msr || !vm->bitmaps.io_a || !vm->bitmaps.io_b ||
	    !vm->vmcs || !vm->exit_page || !vm->vcpu.mem ||
	    ept_init(&vm->vcpu.ept, &hv_page_source))
		return HV_OUT_OF_MEMORY;
	vm->vcpu.mem_size = HV_GUEST_MEM_SIZE;
	/* The guest reaches its own memory and nothing else. */
	if (ept_map(&vm->vcpu.ept, 0, (uint64_t)vm->vcpu.mem, HV_GUEST_MEM_SIZE,
		    EPT_RWX, EPT_MEMTYPE_WB))
		return HV_OUT_OF_MEMORY;
	/* HOST_RSP: the exit frame at the top of its own page. */
	vm->vcpu.exit_frame =
		(struct vmx_exit_frame *)((uint8_t *)vm->exit_page + 4096 -
					  sizeof(struct vmx_exit_frame));
	vm->vcpu.exit_frame->regs = &vm->vcpu.regs;
	vm->vcpu.exit_frame->ctx = &vm->vcpu;
	return HV_OK;
}

/* VMLAUNCH/VMRESUME failed: the CPU's verdict (the checker spoke before
 * the entry), then the whole VMCS. */
static void report_entry_failure(struct vm *vm, enum vmx_run_result r,
				 int launched)
{
	const char *insn = launched ? "VMRESUME" : "VMLAUNCH";

	if (r == VMX_RUN_FAIL_INVALID)
		hv_printf("hv: %s failed: VMfailInvalid (no current VMCS)\n",
			  insn);
	else
		vmcs_hw_print_instruction_error(launched ? "VMRESUME failed"
							 : "VMLAUNCH failed");
	vmcs_dump();
	vm->vcpu.result = GUEST_ERROR;
	vm->vcpu.why = launched ? "vmresume_failed" : "vmlaunch_failed";
}

/* The VMM's own work per exit, as VMREADs and VMWRITEs (hundredths). */
static void report_work(const struct vcpu *v, struct vmcs_counters before)
{
	const struct vmcs_counters *now = vmcs_access_counters();
	uint64_t exits = v->exits ? v->exits : 1;
	uint64_t r = (now->reads - before.reads) * 100 / exits;
	uint64_t w = (now->writes - before.writes) * 100 / exits;

	hv_printf("hv: VMM work per exit: %lu.%02lu VMREADs, %lu.%02lu "
		  "VMWRITEs\n",
		  r / 100, r % 100, w / 100, w % 100);
}

/* What this run does before every VM entry (spec_ctrl.h). VERW is
 * the stub's, after the guest's registers are loaded; the L1D flush is
 * here, the last of the host's own work. */
static enum entry_flush entry_flush;

static void before_vm_entry(void)
{
	if (entry_flush == ENTRY_FLUSH_L1D)
		wrmsr(MSR_IA32_FLUSH_CMD, FLUSH_CMD_L1D);
}

/* Called by the exit stub (vmx_entry.S) on every VM exit, on vmx_run's
 * stack: 0 resumes the guest. */
int vmx_exit_handler(void *ctx)
{
	struct vcpu *v = ctx;

	if (exit_dispatch(v) == VERDICT_STOP)
		return 1;
	if (vmcs_hw_failed()) {
		v->result = GUEST_ERROR;
		v->why = "vmcs_access_failed";
		return 1;
	}
	before_vm_entry();
	return 0;
}

/* Host state that neither the VMCS host-state area nor the firmware
 * brings back: every VM exit sets DR7 to 400H and clears IA32_DEBUGCTL
 * (SDM 3C 28.5.1); the guest's MOV to DR0-DR3 and DR6 (which do not exit)
 * write the real registers; and the guest's SWAPGS swaps the real
 * IA32_KERNEL_GS_BASE. The guest starts with power-on values in these
 * (SDM 3A 10.1), not the host's. */
static void host_extra_save(struct host_state *h)
{
	host_state_read(h);
	write_dr0(0);
	write_dr1(0);
	write_dr2(0);
	write_dr3(0);
	write_dr6(0xffff0ff0);
	wrmsr(MSR_IA32_KERNEL_GS_BASE, 0);
}

static void host_extra_restore(const struct host_state *h)
{
	write_dr0(h->dr0);
	write_dr1(h->dr1);
	write_dr2(h->dr2);
	write_dr3(h->dr3);
	write_dr6(h->dr6);
	write_dr7(h->dr7);
	wrmsr(MSR_IA32_DEBUGCTL, h->debugctl);
	wrmsr(MSR_IA32_KERNEL_GS_BASE, h->kernel_gs_base);
}

static void run_loop(struct vm *vm, uint64_t *rflags_if_after_run)
{
	struct vcpu *v = &vm->vcpu;
	struct vmcs_counters before = *vmcs_access_counters();
	struct host_state host;

	host_extra_save(&host);

	v->result = GUEST_RUNNING;
	platform_set_watchdog(vm->firmware_watchdog_s);
	v->run_start_tsc = rdtsc();
	before_vm_entry();
	enum vmx_run_result r = vmx_run(v->exit_frame);

	/* A VM exit leaves RFLAGS = 2 (SDM 3C 28.5.3): interrupts back on
	 * if they were on, not at the firmware's next RestoreTPL. */
	if (host.rflags_if)
		irq_enable();
	if (rflags_if_after_run)
		*rflags_if_after_run = read_rflags() & RFLAGS_IF;
	host_extra_restore(&host);
	platform_set_watchdog(0);
	/* The guest's #MC (or one during VM entry) was the platform's: the
	 * host's handler takes it now, with the host's state back, as
	 * KVM's kvm_machine_check() does. Under OVMF that handler reports
	 * the CPU state and stops, which is what a machine check that hit
	 * the firmware itself would do. */
	if (v->host_machine_check)
		__asm__ volatile("int $18");

	/* No exit yet: VMLAUNCH failed; after one, VMRESUME did. */
	if (r != VMX_RUN_STOPPED)
		report_entry_failure(vm, r, v->exits > 0);
	console_flush(v);
	host_nmi_report(v);
	report_work(v, before);
	if (v->hlt_tsc)
		hv_printf("hv: hlt exit tsc=%lu (the guest halted)\n",
			  v->hlt_tsc);
}

static enum hv_status prepare(struct vm *vm, const struct vmx_caps *caps,
			      const struct host_gdt *gdt,
			      const struct guest_image *image)
{
	struct vcpu *v = &vm->vcpu;
	enum guest_image_error ie;

	if (exit_policy_build(&guest_exit_policy, &vm->policy, &vm->bitmaps)) {
		hv_printf("hv: the exit policy is invalid\n");
		return HV_UNSUPPORTED;
	}
	enum hv_status st =
		vm_controls_choose(caps, &vm->policy, &vm->controls);

	if (st != HV_OK)
		return st;
	ie = guest_memory_init(v->mem, image->data, image->size);
	if (ie != GUEST_IMAGE_OK) {
		hv_printf("hv: guest %s: %s (%lu bytes, at most %lu)\n",
			  image->name, guest_image_error_text(ie),
			  (uint64_t)image->size, HV_GUEST_MAX_IMAGE);
		return HV_BAD_ARGUMENT;
	}
	v->vpid = vm->controls.vpid ? GUEST_VPID : 0;
	v->timer_saved = vm->controls.save_timer;
	v->has_pat = vm->controls.pat;

	if (vmclear((uint64_t)vm->vmcs) != VMX_SUCCEED ||
	    vmptrld((uint64_t)vm->vmcs) != VMX_SUCCEED) {
		hv_printf("hv: VMCLEAR/VMPTRLD of the new VMCS failed\n");
		return HV_VMX_FAILED;
	}
	vm->vmcs_current = true;
	struct vm_setup setup = {
		.caps = caps,
		.controls = &vm->controls,
		.policy = &vm->policy,
		.bitmaps = &vm->bitmaps,
		.gdt = gdt,
		.eptp = ept_pointer(&v->ept),
	};

	vmcs_hw_install();
	vmcs_setup_controls(&setup, v);
	vmcs_setup_host(&setup, v);
	vmcs_setup_guest(&setup, v);
	if (vmcs_hw_failed())
		return HV_VMX_FAILED;
	/* Nothing of this EPT may be cached from an earlier run. */
	invept(INVEPT_ALL_CONTEXT, 0);
	return HV_OK;
}

/* Test-only (--break-entry): one rule broken on purpose, so the tests
 * see the checker and the CPU agree on it. */
static void break_entry_rule(enum entry_break b)
{
	switch (b) {
	case ENTRY_BREAK_NONE:
		return;
	case ENTRY_BREAK_HOST_TR: /* SDM 3C 27.2.3: host TR cannot be 0 */
		vmcs_write(VMCS_HOST_TR_SELECTOR, 0);
		break;
	case ENTRY_BREAK_GUEST_RFLAGS: /* SDM 3C 27.3.1.4: bit 1 is 1 */
		vmcs_write(VMCS_GUEST_RFLAGS, 0);
		break;
	}
	hv_printf("hv: --break-entry: this VM entry is broken on purpose\n");
}

enum hv_status run_guest(const struct vmx_caps *caps,
			 const struct host_gdt *gdt,
			 const struct guest_image *image,
			 const struct run_options *opt)
{
	static struct vm vm;
	struct vcpu *v = &vm.vcpu;
	struct entry_check_env env = {caps, opt->maxphyaddr};
	struct entry_check_report report;

	vm = (struct vm){0};
	v->name = image->name;
	v->ops = &hw_vcpu_ops;
	v->maxphyaddr = opt->maxphyaddr;
	v->cr0_fixed0 = caps->cr0_fixed0;
	v->cr0_fixed1 = caps->cr0_fixed1;
	v->cr4_fixed0 = caps->cr4_fixed0;
	v->cr4_fixed1 = caps->cr4_fixed1;
	v->host_cr4 = read_cr4();
	v->slice_ticks = opt->slice_ticks;
	v->slice_budget = opt->slice_budget;
	struct run_bounds bounds;

	run_bounds_choose(opt->slice_ticks, opt->slice_budget,
			  vmx_misc_preemption_timer_rate(caps->misc),
			  opt->tsc_hz, &bounds);
	entry_flush = opt->entry_flush;
	/* VERW's operand: the host's DS selector (a null one is fine as
	 * well: the buffers are cleared whatever VERW's verdict). */
	vmx_entry_verw = entry_flush == ENTRY_FLUSH_VERW;
	vmx_entry_verw_selector = read_ds();
	v->tsc_bound = bounds.tsc_ticks;
	v->exit_bound = bounds.exits;
	vm.firmware_watchdog_s = bounds.firmware_watchdog_s;
	v->regs.gpr[GPR_RDI] = HV_GUEST_INFO; /* guest ABI: RDI = hv_info */

	enum hv_status st = vm_alloc(&vm, caps);

	if (st == HV_OK)
		st = prepare(&vm, caps, gdt, image);
	if (st == HV_OK)
		break_entry_rule(opt->break_entry);
	if (st == HV_OK) {
		if (entry_check_run(&env, &report)) {
			hv_printf("hv: the VM-entry checker expects this entry "
				  "to fail:\n");
			entry_check_print(&report);
		}
		if (opt->dump_vmcs)
			vmcs_dump();
		hv_printf("hv: run bounds: %u slices of guest time, %lu TSC "
			  "ticks of host time, %lu exits; firmware watchdog "
			  "%u s\n",
			  v->slice_budget, v->tsc_bound, v->exit_bound,
			  vm.firmware_watchdog_s);
		hv_printf("hv: running guest %s (%lu bytes at 0x%lx, %lu KiB "
			  "of memory, EPTP 0x%lx%s)\n",
			  image->name, (uint64_t)image->size,
			  HV_GUEST_LOAD_ADDR, HV_GUEST_MEM_SIZE / 1024,
			  ept_pointer(&v->ept), v->vpid ? ", VPID 1" : "");
		run_loop(&vm, opt->rflags_if_after_run);
		guest_summary_print(v);
		st = v->result == GUEST_OK ? HV_OK : HV_GUEST_FAILED;
	}
	/* SDM 3C 25.11.3: the CPU may keep VMCS data cached until VMCLEAR,
	 * on every path, before the page is freed. */
	if (vm.vmcs_current) {
		vmclear((uint64_t)vm.vmcs);
		invept(INVEPT_ALL_CONTEXT, 0);
	}
	vm_free(&vm);
	return st;
}
