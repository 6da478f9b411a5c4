/* One guest run, as a list of named steps (run_guest, at the end): the
 * vCPU initialised; memory, EPT, bitmaps and VMCS allocated and built;
 * the entry checked and announced; the guest served until it stops; the
 * summary line; everything given back. */
#include "run.h"

#include "../guest/hv_abi.h"
#include "check/entry_check.h"
#include "exit/exit.h"
#include "vmx/exit_policy.h"
#include "exit/run_bounds.h"
#include "flat/flat_machine.h"
#include "mem/guest_memory.h"
#include "mem/pages.h"
#include "pc/linux_guest.h"
#include "pc/pc_machine.h"
#include "pc/pc_run.h"
#include "platform.h"
#include "print.h"
#include "coverage.h"
#include "summary.h"
#include "vmcs/vmcs.h"
#include "vmx/vm_controls.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmx.h"
#include "x86/vmx_insn.h"
#include "x86/arch.h"
#include "x86/fpu.h"
#include "x86/xsave.h"
#include "x86/host_state.h"
#include "util.h"
#include "x86/x86.h"

#define GUEST_VPID 1

/* Checksums of hv's own memory that no guest may change: its code, the
 * EPT and the MSR and I/O bitmaps (issue 22's oracle; make fuzz). */
struct hv_sums {
	uint64_t code, ept, bitmaps;
};

struct vm {
	struct vcpu vcpu; /* first: hw_oracle finds its vm from it */
	void *mem_block;  /* the pages allocated for guest memory */
	uint64_t mem_pages;
	bool mem_2m; /* mapped with 2-MiB EPT pages */
	void *vmcs;
	bool vmcs_current; /* VMPTRLD done: VMCLEAR before it is freed */
	void *exit_page;
	/* APIC virtualization's APIC-access page (machine.h): EPT maps the
	 * machine's xAPIC page there; nothing ever reads or writes it */
	void *apic_access_page;
	struct exit_bitmaps bitmaps;
	struct exit_controls policy;
	struct vm_controls controls;
	uint32_t firmware_watchdog_s; /* armed while the guest runs */
	struct guest_entry entry;
	/* a Linux guest's machine and x87/SSE state */
	struct pc pc;
	struct fpu_images fpu;
	struct linux_layout layout;
	uint16_t boot_protocol;
	/* the oracle's "before" (hv_memory_sums, host_state_save) */
	struct hv_sums sums_before;
	struct host_state host_before;
};

static void flush_guest_tlb(struct vcpu *v)
{
	if (v->vpid)
		invvpid(INVVPID_SINGLE_CONTEXT, v->vpid);
}

/* The guest's DR0-DR3 and DR6: MOV DR does not exit, so they are the
 * real ones for the whole run (host_state_save). */
static uint64_t guest_dr(unsigned int n)
{
	return read_dr_n(n);
}

/* The host's interrupt handlers are firmware code: the host's x87 state
 * first (x86/fpu.h). */
static void open_irq_window(void)
{
	fpu_for_host();
	irq_window();
}

static unsigned int hw_oracle(struct vcpu *v);

static const struct vcpu_ops hw_vcpu_ops = {
	.cpu = &cpu_hw_ops,
	.flush_guest_tlb = flush_guest_tlb,
	.open_irq_window = open_irq_window,
	.irqs_off = irq_disable,
	.read_tsc = rdtsc,
	.read_dr = guest_dr,
	.write_dr6 = write_dr6,
	.oracle = hw_oracle,
};

static void vm_free(struct vm *vm)
{
	ept_destroy(&vm->vcpu.ept);
	hv_free_pages(vm->mem_block, vm->mem_pages);
	hv_free_pages(vm->vmcs, 1);
	hv_free_pages(vm->exit_page, 1);
	hv_free_pages(vm->apic_access_page, 1);
	hv_free_pages(vm->bitmaps.msr, 1);
	hv_free_pages(vm->bitmaps.io_a, 1);
	hv_free_pages(vm->bitmaps.io_b, 1);
}

static enum hv_status vm_alloc(struct vm *vm, const struct vmx_caps *caps,
			       const struct guest_image *image)
{
	uint64_t mem_size =
		image->boot_linux ? image->mem_size : HV_GUEST_MEM_SIZE;
	/* A Linux guest's memory, mapped with 2-MiB pages where the CPU has
	 * them: one EPT walk level less, and 512 times fewer entries. Its
	 * host pages are then 2-MiB aligned too: 2 MiB more are allocated,
	 * and the guest's memory starts at the first boundary. */
	bool large = image->boot_linux && caps->has_ept_vpid &&
		     (caps->ept_vpid & EPT_CAP_PAGE_2MB);
	uint64_t extra = large ? PAGE_2M : 0;

	vm->mem_pages = (mem_size + extra) / 4096;
	vm->mem_2m = large;
	vm->bitmaps.msr = hv_alloc_pages(1);
	vm->bitmaps.io_a = hv_alloc_pages(1);
	vm->bitmaps.io_b = hv_alloc_pages(1);
	vm->vmcs = vmx_alloc_region(caps);
	vm->exit_page = hv_alloc_pages(1);
	vm->mem_block = hv_alloc_pages(vm->mem_pages);
	vm->vcpu.mem = vm->mem_block;
	if (large)
		vm->vcpu.mem =
			(uint8_t *)(((uint64_t)vm->mem_block + PAGE_2M - 1) &
				    ~(PAGE_2M - 1));
	if (!vm->mem_block && image->boot_linux)
		hv_printf("hv: cannot allocate %lu MiB%s of guest memory for "
			  "--mem=%lu\n",
			  mem_size >> 20,
			  large ? " (+2 MiB for alignment)" : "",
			  mem_size >> 20);
	if (!vm->bitmaps.msr || !vm->bitmaps.io_a || !vm->bitmaps.io_b ||
	    !vm->vmcs || !vm->exit_page || !vm->vcpu.mem ||
	    ept_init(&vm->vcpu.ept, &hv_page_source))
		return HV_OUT_OF_MEMORY;
	vm->vcpu.mem_size = mem_size;
	/* The guest reaches its own memory and nothing else. */
	if ((large ? ept_map_2m : ept_map)(&vm->vcpu.ept, 0,
					   (uint64_t)vm->vcpu.mem, mem_size,
					   EPT_RWX, MEMORY_TYPE_WB))
		return HV_OUT_OF_MEMORY;
	/* HOST_RSP: the exit frame at the top of its own page. */
	vcpu_bind_exit_frame(
		&vm->vcpu,
		(struct vmx_exit_frame *)((uint8_t *)vm->exit_page + 4096 -
					  sizeof(struct vmx_exit_frame)));
	return HV_OK;
}

/* VMLAUNCH/VMRESUME failed: the CPU's verdict (the checker spoke before
 * the entry), then the whole VMCS. */
static void report_entry_failure(struct vm *vm, int r, int launched)
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

/* Enters the guest and serves its exits until a handler stops it, with
 * the host state the VMCS does not switch saved around it, the firmware
 * watchdog armed for the run's bound, and interrupts as they were. */
static void serve_guest(struct vm *vm, uint64_t *rflags_if_after_run)
{
	struct vcpu *v = &vm->vcpu;
	struct vmcs_counters before = *vmcs_access_counters();
	struct host_state *host = &vm->host_before;

	host_state_save(host);
	v->result = GUEST_RUNNING;
	platform_set_watchdog(vm->firmware_watchdog_s);
	run_bounds_arm(v, rdtsc());
	if (v->machine == &pc_machine)
		fpu_run_begin(&vm->fpu, vm->pc.xsave_components != 0);
	int r = vmx_enter_guest(v->exit_frame);

	/* The host's x87/SSE state before any firmware code runs. */
	if (v->machine == &pc_machine)
		fpu_run_end(&vm->fpu);

	/* A VM exit leaves RFLAGS = 2 (SDM 3C 28.5.3, "Loading Host RIP,
	 * RSP, RSSP, and RFLAGS"): interrupts back on if they were on, not
	 * at the firmware's next RestoreTPL. */
	if (host->rflags_if)
		irq_enable();
	if (rflags_if_after_run)
		*rflags_if_after_run = read_rflags() & RFLAGS_IF;
	host_state_restore(host);
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
	if (v->machine == &pc_machine)
		pc_report(v);
	if (v->hlt_tsc)
		hv_printf("hv: hlt exit tsc=%lu (the guest halted)\n",
			  v->hlt_tsc);
}

/* A flat image at HV_GUEST_LOAD_ADDR, entered as docs/guest-abi.md says. */
static enum hv_status fill_flat(struct vm *vm, const struct guest_image *image)
{
	struct vcpu *v = &vm->vcpu;
	enum guest_image_error ie =
		guest_memory_init(v->mem, image->data, image->size);

	if (ie != GUEST_IMAGE_OK) {
		hv_printf("hv: guest %s: %s (%lu bytes, at most %lu)\n",
			  image->name, guest_image_error_text(ie),
			  (uint64_t)image->size, HV_GUEST_MAX_IMAGE);
		return HV_BAD_ARGUMENT;
	}
	guest_memory_set_arg(v->mem, image->arg);
	vm->entry = (struct guest_entry){
		.rip = HV_GUEST_LOAD_ADDR,
		.rsp = HV_GUEST_STACK_TOP,
		.cr3 = HV_GUEST_PML4,
		.cs = HV_GUEST_CS,
		.ds = HV_GUEST_DS,
		.tr = HV_GUEST_TR,
		.tr_base = HV_GUEST_TSS,
		.gdt_base = HV_GUEST_GDT,
		.gdt_limit = GUEST_GDT_LIMIT,
	};
	v->regs.gpr[GPR_RDI] = HV_GUEST_INFO; /* guest ABI: RDI = hv_info */
	return HV_OK;
}

/* XSAVE for a Linux guest where the CPU has it and its area fits hv's
 * image (x86/fpu.h): x87, SSE and AVX, not AVX-512 (CPUID leaf 0DH, SDM
 * 1 13.2, "Enumeration of CPU Support for XSAVE Instructions and
 * XSAVE-Supported Features"). */
static uint64_t guest_xsave_components(void)
{
	struct cpuid_regs r;

	cpu_hw_ops.cpuid(cpu_hw_ops.ctx, 0, 0, &r);
	if (r.eax < 0xd)
		return 0;
	cpu_hw_ops.cpuid(cpu_hw_ops.ctx, 1, 0, &r);
	if (!(r.ecx & CPUID_1_ECX_XSAVE))
		return 0;
	cpu_hw_ops.cpuid(cpu_hw_ops.ctx, 0xd, 0, &r);
	if (r.ecx > FPU_AREA_SIZE)
		return 0;
	return xsave_guest_components((uint64_t)r.edx << 32 | r.eax) &
	       (XCR0_X87 | XCR0_SSE | XCR0_AVX);
}

/* A bzImage on the PC, entered at its 64-bit entry with RSI pointing at
 * boot_params (Documentation/arch/x86/boot.rst, "64-bit Boot Protocol"). */
static enum hv_status fill_linux(struct vm *vm, const struct guest_image *image)
{
	struct vcpu *v = &vm->vcpu;
	struct linux_kernel k;
	struct linux_layout *l = &vm->layout;
	struct linux_guest g = {
		.kernel = image->data,
		.kernel_size = image->size,
		.initrd = image->initrd,
		.initrd_size = image->initrd_size,
		.cmdline = image->cmdline,
		.mem_size = image->mem_size,
	};

	enum linux_boot_error e = linux_guest_load(v->mem, &g, &k, l);

	if (e != LINUX_BOOT_OK) {
		hv_printf("hv: kernel %s: %s (%lu MiB of guest memory)\n",
			  image->name, linux_boot_error_text(e),
			  image->mem_size >> 20);
		return HV_BAD_ARGUMENT;
	}
	vm->boot_protocol = k.protocol;
	vm->entry = (struct guest_entry){
		.rip = l->entry,
		.rsp = l->stack_top,
		.cr3 = l->page_tables,
		.cs = LINUX_BOOT_CS,
		.ds = LINUX_BOOT_DS,
		.tr = LINUX_BOOT_TR,
		.tr_base = l->tss,
		.gdt_base = l->gdt,
		.gdt_limit = LINUX_GDT_LIMIT,
		.own_fpu = true,
	};
	v->regs.gpr[GPR_RSI] = l->zero_page;
	return HV_OK;
}

/* The exit policy and controls chosen, the guest's memory filled, the
 * VMCS made current and written. */
static enum hv_status vm_build(struct vm *vm, const struct vmx_caps *caps,
			       const struct host_gdt *gdt,
			       const struct guest_image *image,
			       const struct run_options *opt)
{
	struct vcpu *v = &vm->vcpu;
	const struct exit_policy *policy = v->machine->policy;

	if (exit_policy_build(policy, &vm->policy, &vm->bitmaps)) {
		hv_printf("hv: the exit policy is invalid\n");
		return HV_UNSUPPORTED;
	}
	if (v->machine->unrestricted_guest)
		vm->policy.proc2 |= PROC2_UNRESTRICTED_GUEST;
	if (v->machine->apic_virtualization)
		vm_controls_apicv(caps, &vm->policy.proc, &vm->policy.proc2);
	enum hv_status st =
		vm_controls_choose(caps, &vm->policy, &vm->controls);

	if (st != HV_OK)
		return st;
	if (vm->controls.apicv) {
		vm->apic_access_page = hv_alloc_pages(1);
		if (!vm->apic_access_page ||
		    ept_map(&v->ept, v->machine->apic_access_gpa,
			    (uint64_t)vm->apic_access_page, 4096,
			    EPT_READ | EPT_WRITE, MEMORY_TYPE_WB))
			return HV_OUT_OF_MEMORY;
	}
	st = image->boot_linux ? fill_linux(vm, image) : fill_flat(vm, image);
	if (st != HV_OK)
		return st;
	if (image->boot_linux) {
		v->machine_state = &vm->pc;
		pc_init(&vm->pc, v, opt->tsc_hz,
			vmx_misc_preemption_timer_rate(caps->misc),
			vm->controls.proc, guest_xsave_components());
		if (vm->controls.apicv)
			vm->controls.proc2 =
				pc_use_apicv(&vm->pc, vm->controls.proc2);
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
		.entry = &vm->entry,
		.vpid = v->vpid,
		.preemption_timer = v->slice_ticks,
		.exit_frame = v->exit_frame,
		.real_cr4 = vcpu_real_cr4(v, GUEST_FIRST_CR4),
		.virtual_apic_page = (uint64_t)vm->pc.lapic.page,
		.apic_access_page = (uint64_t)vm->apic_access_page,
	};

	vmcs_hw_install();
	vmcs_setup_controls(&setup);
	vmcs_setup_host(&setup);
	vmcs_setup_guest(&setup);
	if (vmcs_failed())
		return HV_VMX_FAILED;
	/* Nothing of this EPT may be cached from an earlier run. */
	invept(INVEPT_ALL_CONTEXT, 0);
	return HV_OK;
}

/* The vCPU's own state, before anything is allocated. */
static void vm_init(struct vm *vm, const struct vmx_caps *caps,
		    const struct guest_image *image,
		    const struct run_options *opt)
{
	struct vcpu *v = &vm->vcpu;

	*vm = (struct vm){0};
	v->name = image->name;
	v->ops = &hw_vcpu_ops;
	/* The machine the guest runs on (exit/machine.h): the PC for a
	 * Linux kernel, else the flat guest ABI's. */
	v->machine = image->boot_linux ? &pc_machine : &flat_machine;
	v->maxphyaddr = opt->maxphyaddr;
	v->cr0_fixed0 = caps->cr0_fixed0;
	v->cr0_fixed1 = caps->cr0_fixed1;
	v->cr4_fixed0 = caps->cr4_fixed0;
	v->cr4_fixed1 = caps->cr4_fixed1;
	v->host_cr4 = read_cr4();
	v->slice_ticks = opt->slice_ticks;
	v->slice_budget = opt->slice_budget;
	v->console_limit = opt->console_limit;
	struct run_bounds bounds;

	run_bounds_choose(opt->slice_ticks, opt->slice_budget,
			  vmx_misc_preemption_timer_rate(caps->misc),
			  opt->tsc_hz, &bounds);
	/* What the stub does before every VM entry (x86/spec_ctrl.h). VERW's
	 * operand: the host's DS selector (a null one would do as well: the
	 * buffers are cleared whatever VERW's verdict). */
	vmx_entry_l1d_flush = opt->entry_flush == ENTRY_FLUSH_L1D;
	vmx_entry_verw = opt->entry_flush == ENTRY_FLUSH_VERW;
	vmx_entry_verw_selector = read_ds();
	v->tsc_bound = bounds.tsc_ticks;
	v->exit_bound = bounds.exits;
	vm->firmware_watchdog_s = bounds.firmware_watchdog_s;
	/* A Linux guest runs as long as its user wants: no bound of time or
	 * exits, and no console limit; what stops a stuck one is the PC's
	 * own watchdog (pc_run.c: interrupts off for too long) and the
	 * firmware watchdog, rearmed while it makes progress. */
	if (image->boot_linux) {
		v->tsc_bound = 0;
		v->exit_bound = 0;
		vm->firmware_watchdog_s = pc_firmware_watchdog_s();
		v->console_unlimited = true;
	}
}

/* The checker's verdict before the CPU's (SDM 3C 27.2, "Checks on VMX Controls
 * and Host-State Area", and 27.3, "Checking and Loading Guest State"), the VMCS
 * dump if asked for, and the line that says what runs. */
static void check_and_announce(struct vm *vm, const struct vmx_caps *caps,
			       const struct guest_image *image,
			       const struct run_options *opt)
{
	struct entry_check_env env = {caps, opt->maxphyaddr};
	struct entry_check_report report;
	struct vcpu *v = &vm->vcpu;

	if (entry_check_run(&env, &report)) {
		hv_printf("hv: the VM-entry checker expects this entry to "
			  "fail:\n");
		entry_check_print(&report);
	}
	if (opt->dump_vmcs)
		vmcs_dump();
	if (v->machine == &pc_machine)
		pc_print_bounds();
	else
		hv_printf("hv: run bounds: %u slices of guest time, %lu TSC "
			  "ticks of host time, %lu exits; firmware watchdog %u "
			  "s\n",
			  v->slice_budget, v->tsc_bound, v->exit_bound,
			  vm->firmware_watchdog_s);
	if (image->boot_linux) {
		const struct linux_layout *l = &vm->layout;

		hv_printf(
			"hv: running Linux kernel %s (boot protocol %u.%02u, "
			"%lu bytes at 0x%lx, entry 0x%lx; initrd %lu bytes at "
			"0x%lx; %lu MiB of memory in %s EPT pages, "
			"EPTP 0x%lx%s)\n",
			image->name, vm->boot_protocol >> 8,
			vm->boot_protocol & 0xff, (uint64_t)image->size,
			l->kernel, l->entry, l->initrd_size, l->initrd,
			l->mem_size >> 20, vm->mem_2m ? "2-MiB" : "4-KiB",
			ept_pointer(&v->ept), v->vpid ? ", VPID 1" : "");
		hv_printf("hv: kernel command line: %s\n", image->cmdline);
		if (vm->pc.xsave_components)
			hv_printf("hv: the guest's x87/SSE/AVX state: XSAVE, "
				  "XCR0 up to 0x%lx\n",
				  vm->pc.xsave_components);
		else
			hv_printf("hv: the guest's x87/SSE state: FXSAVE (no "
				  "XSAVE offered: the CPU lacks it or its "
				  "area is over %u bytes)\n",
				  FPU_AREA_SIZE);
		return;
	}
	hv_printf("hv: running guest %s (%lu bytes at 0x%lx, %lu KiB of "
		  "memory, EPTP 0x%lx%s)\n",
		  image->name, (uint64_t)image->size, HV_GUEST_LOAD_ADDR,
		  HV_GUEST_MEM_SIZE / 1024, ept_pointer(&v->ept),
		  v->vpid ? ", VPID 1" : "");
}

/* Everything given back, on every path. SDM 3C 25.11.3, "Initializing a
 * VMCS": the CPU may keep VMCS data cached until VMCLEAR, so that comes
 * before the page is freed. */
static void vm_release(struct vm *vm)
{
	if (vm->vmcs_current) {
		vmclear((uint64_t)vm->vmcs);
		invept(INVEPT_ALL_CONTEXT, 0);
	}
	vm_free(vm);
}

/* hv.efi's code (the linker script's .text bounds, gnu-efi's
 * elf_x86_64_efi.lds). */
extern const uint8_t _text[], _etext[];

static uint64_t bitmaps_sum(const struct vm *vm)
{
	uint64_t b = fnv1a(FNV1A_START, vm->bitmaps.msr, EXIT_BITMAP_SIZE);

	b = fnv1a(b, vm->bitmaps.io_a, EXIT_BITMAP_SIZE);
	return fnv1a(b, vm->bitmaps.io_b, EXIT_BITMAP_SIZE);
}

static struct hv_sums hv_memory_sums(const struct vm *vm)
{
	return (struct hv_sums){
		.code = fnv1a(FNV1A_START, _text,
			      (uint64_t)_etext - (uint64_t)_text),
		.ept = ept_checksum(&vm->vcpu.ept),
		.bitmaps = bitmaps_sum(vm),
	};
}

/* HV_HC_CHECK, in the middle of a run (the fuzzer's oracle after each
 * batch): the EPT and the bitmaps as before the run (hv's code is summed
 * at the end only: 150 KiB a check would cost more than the batch), and
 * the host registers a VM exit loads from the VMCS (SDM 3C 28.5, "Loading
 * Host State"), which must be the host's own: CR0, CR3, CR4, the GDTR,
 * IDTR, FS and GS bases, TR, IA32_EFER, IA32_PAT, the SYSENTER MSRs, and
 * IA32_FEATURE_CONTROL. (The limits, DR7 and IA32_DEBUGCTL a VM exit sets
 * to fixed values; the guest's own MSRs are its own until the run ends.) */
static unsigned int hw_oracle(struct vcpu *v)
{
	struct vm *vm = (struct vm *)v;
	/* Not hv_memory_sums(): the code's sum is the end's alone. */
	struct hv_sums now = {.ept = ept_checksum(&vm->vcpu.ept),
			      .bitmaps = bitmaps_sum(vm)};
	const struct host_state *b = &vm->host_before;
	struct host_state h;
	unsigned int bad = 0;
	char what[160];
	size_t n = 0;

	host_state_read(&h);
	what[0] = '\0';
#define ORACLE_SAME(cond, name)                                             \
	do {                                                                \
		if (!(cond)) {                                              \
			bad++;                                              \
			n += hv_snprintf(what + n, sizeof(what) - n, " %s", \
					 name);                             \
			if (n >= sizeof(what))                              \
				n = sizeof(what) - 1;                       \
		}                                                           \
	} while (0)
	ORACLE_SAME(now.ept == vm->sums_before.ept, "EPT");
	ORACLE_SAME(now.bitmaps == vm->sums_before.bitmaps, "bitmaps");
	ORACLE_SAME(h.cr0 == b->cr0 && h.cr3 == b->cr3 && h.cr4 == b->cr4,
		    "CR0/CR3/CR4");
	ORACLE_SAME(h.gdtr_base == b->gdtr_base && h.idtr_base == b->idtr_base,
		    "GDTR/IDTR");
	ORACLE_SAME(h.fs_base == b->fs_base && h.gs_base == b->gs_base &&
			    h.tr == b->tr,
		    "FS/GS/TR");
	ORACLE_SAME(h.efer == b->efer && h.pat == b->pat &&
			    h.feature_control == b->feature_control,
		    "EFER/PAT/FEATURE_CONTROL");
	ORACLE_SAME(h.sysenter_cs == b->sysenter_cs &&
			    h.sysenter_esp == b->sysenter_esp &&
			    h.sysenter_eip == b->sysenter_eip,
		    "SYSENTER");
#undef ORACLE_SAME
	if (bad)
		hv_printf("hv: guest %s: oracle at check %lu (HV_HC_CHECK): "
			  "CHANGED:%s\n",
			  v->name, v->oracle_checks, what);
	return bad;
}

static void hv_memory_report(const struct vm *vm, const struct hv_sums *before)
{
	struct hv_sums now = hv_memory_sums(vm);

	if (now.code == before->code && now.ept == before->ept &&
	    now.bitmaps == before->bitmaps) {
		hv_printf("hv: hv's own memory after the run: as before (code "
			  "%lu KiB, EPT %u tables, MSR and I/O bitmaps; "
			  "FNV-1a)\n",
			  ((uint64_t)_etext - (uint64_t)_text) / 1024,
			  vm->vcpu.ept.table_pages);
		return;
	}
	hv_printf("hv: hv's own memory after the run: CHANGED:%s%s%s\n",
		  now.code != before->code ? " code" : "",
		  now.ept != before->ept ? " EPT" : "",
		  now.bitmaps != before->bitmaps ? " bitmaps" : "");
}

enum hv_status run_guest(const struct vmx_caps *caps,
			 const struct host_gdt *gdt,
			 const struct guest_image *image,
			 const struct run_options *opt)
{
	static struct vm vm;

	vm_init(&vm, caps, image, opt);
	enum hv_status st = vm_alloc(&vm, caps, image);

	if (st == HV_OK)
		st = vm_build(&vm, caps, gdt, image, opt);
	if (st == HV_OK) {
		break_entry_rule(opt->break_entry);
		check_and_announce(&vm, caps, image, opt);
		vm.sums_before = hv_memory_sums(&vm);
		serve_guest(&vm, opt->rflags_if_after_run);
		guest_summary_print(&vm.vcpu);
		coverage_report();
		hv_memory_report(&vm, &vm.sums_before);
		if (vm.vcpu.oracle_checks && !vm.vcpu.oracle_failed)
			hv_printf("hv: oracle: %lu checks during the run "
				  "(HV_HC_CHECK), each found hv's EPT and "
				  "bitmaps and the host registers a VM exit "
				  "loads as before\n",
				  vm.vcpu.oracle_checks);
		st = vm.vcpu.result == GUEST_OK ? HV_OK : HV_GUEST_FAILED;
	}
	vm_release(&vm);
	return st;
}
