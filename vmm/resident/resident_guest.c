/* Resident mode from the guest's side (docs/resident.md): what hv.efi,
 * run again from the shell under hv, asks every CPU through the MP
 * services and the VMCALL interface (resident_abi.h). The procedures run
 * on the application processors call no firmware service; they write
 * into this image's memory, and the boot processor prints. */
#include "resident/resident.h"

#include "../guest/hv_abi.h"
#include "exit/exit_reasons.h"
#include "platform.h"
#include "print.h"
#include "resident/resident_abi.h"
#include "x86/arch.h"
#include "x86/host_state.h"

static inline void vmcall4(uint64_t *a, uint64_t *b, uint64_t *c, uint64_t *d)
{
	__asm__ volatile("vmcall"
			 : "+a"(*a), "+b"(*b), "+c"(*c), "+d"(*d)::"memory");
}

static uint64_t exits_of(uint32_t reason)
{
	uint64_t a = RESIDENT_VMCALL_EXITS, b = 0, c = reason, d = 0;

	vmcall4(&a, &b, &c, &d);
	return a;
}

void resident_read_signature(char sig[13])
{
	struct cpuid_regs q;

	cpuid_raw(HV_CPUID_SIGNATURE_LEAF, 0, &q);
	const uint32_t w[3] = {q.ebx, q.ecx, q.edx};

	for (unsigned int i = 0; i < 12; i++) {
		char ch = (char)(w[i / 4] >> (8 * (i % 4)));

		sig[i] = ch >= 0x20 && ch < 0x7f ? ch : '.';
	}
	sig[12] = '\0';
}

bool resident_here(void)
{
	struct cpuid_regs q;

	cpuid_raw(HV_CPUID_SIGNATURE_LEAF, 0, &q);
	return cpuid_signature_is(&q, HV_CPUID_SIGNATURE);
}

/* hv's own view of CPU @n (RESIDENT_VMCALL_CPU): asked on this CPU, so
 * no MP services and no INIT for the others. */
struct cpu_view {
	uint64_t exits, cpuid, init, nmis, init_irqs;
};

static bool cpu_in_vmx(unsigned int n, struct cpu_view *w)
{
	uint64_t a = RESIDENT_VMCALL_CPU, b = 0, c = n, d = 0, si = 0, di = 0;

	__asm__ volatile("vmcall"
			 : "+a"(a), "+b"(b), "+c"(c), "+d"(d), "+S"(si),
			   "+D"(di)::"memory");
	*w = (struct cpu_view){
		.exits = d, .cpuid = b, .init = c, .nmis = si, .init_irqs = di};
	return a == 1;
}

/* One CPU's answers, by its processor number. */
struct cpu_answer {
	bool here;
	char sig[13];
	uint64_t exits, cpuid, init, sipi, xsetbv, vmcall, nmis, init_irqs;
	bool left;
	struct host_state before, after;
};

struct ask {
	unsigned int ncpu;
	bool unload;
	unsigned int strays; /* CPUs without hv, or with a bad answer */
	struct cpu_answer cpu[RESIDENT_MAX_CPUS];
};

static struct ask ask;

static void ask_here(void *arg)
{
	struct ask *k = arg;
	char sig[13];

	resident_read_signature(sig);
	if (!resident_here()) {
		__atomic_add_fetch(&k->strays, 1, __ATOMIC_SEQ_CST);
		return;
	}
	uint64_t a = RESIDENT_VMCALL_PRESENT, b = 0, c = 0, d = 0;

	vmcall4(&a, &b, &c, &d);
	if (a != RESIDENT_MAGIC || b >= RESIDENT_MAX_CPUS) {
		__atomic_add_fetch(&k->strays, 1, __ATOMIC_SEQ_CST);
		return;
	}
	struct cpu_answer *x = &k->cpu[b];

	for (unsigned int i = 0; i < 13; i++)
		x->sig[i] = sig[i];
	x->cpuid = exits_of(EXIT_REASON_CPUID);
	x->init = exits_of(EXIT_REASON_INIT_SIGNAL);
	x->sipi = exits_of(EXIT_REASON_SIPI);
	x->xsetbv = exits_of(EXIT_REASON_XSETBV);
	x->vmcall = exits_of(EXIT_REASON_VMCALL);
	x->exits = exits_of(RESIDENT_EXITS_TOTAL);
	struct cpu_view w;

	cpu_in_vmx((unsigned int)b, &w);
	x->nmis = w.nmis;
	x->init_irqs = w.init_irqs;
	x->here = true;
	if (!k->unload)
		return;
	host_state_read(&x->before);
	a = RESIDENT_VMCALL_UNLOAD;
	vmcall4(&a, &b, &c, &d);
	host_state_read(&x->after);
	x->left = a == 0 && !resident_here();
}

static unsigned int cpus(void)
{
	unsigned int n = platform_cpu_count();

	if (!n)
		n = 1;
	return n > RESIDENT_MAX_CPUS ? RESIDENT_MAX_CPUS : n;
}

static bool not_resident(void)
{
	if (resident_here())
		return false;
	hv_printf("hv: not resident on this CPU (CPUID 40000000H does not "
		  "say \"%s\")\n",
		  HV_CPUID_SIGNATURE);
	return true;
}

/* One CPUID (leaf 0) round trip under resident hv, timed as make
 * bench's flat guest times its own (guest/bench.c): fenced RDTSC around
 * the instruction, the least of 1000, the least of the same pair around
 * nothing subtracted. Under Bochs the TSC counts instructions: the
 * figure is the exit path's length, the same unit as make bench's. */
static uint64_t timed_cpuid(bool cpuid)
{
	uint32_t lo0, hi0, lo1, hi1, b, c;

	__asm__ volatile("lfence\n\trdtsc\n\tlfence\n\t"
			 "mov %%eax, %[lo0]\n\t"
			 "mov %%edx, %[hi0]\n\t"
			 "xor %%eax, %%eax\n\t"
			 "xor %%ecx, %%ecx\n\t"
			 "test %[cpuid], %[cpuid]\n\t"
			 "jz 1f\n\t"
			 "cpuid\n"
			 "1:\tlfence\n\trdtsc\n\tlfence"
			 : "=&a"(lo1), "=&d"(hi1), "=&b"(b),
			   "=&c"(c), [lo0] "=&r"(lo0), [hi0] "=&r"(hi0)
			 : [cpuid] "r"((uint32_t)cpuid)
			 : "memory");
	(void)b;
	(void)c;
	return ((uint64_t)hi1 << 32 | lo1) - ((uint64_t)hi0 << 32 | lo0);
}

static uint64_t least_of(bool cpuid)
{
	uint64_t least = UINT64_MAX;

	for (unsigned int i = 0; i < 1000; i++) {
		uint64_t t = timed_cpuid(cpuid);

		if (t < least)
			least = t;
	}
	return least;
}

enum hv_status resident_query(void)
{
	if (not_resident())
		return HV_BAD_ARGUMENT;
	unsigned int n = cpus(), in = 0;
	char sig[13];

	resident_read_signature(sig);
	for (unsigned int i = 0; i < n; i++) {
		struct cpu_view w;

		if (!cpu_in_vmx(i, &w)) {
			hv_printf("hv: cpu %u: not in VMX operation\n", i);
			continue;
		}
		in++;
		hv_printf("hv: cpu %u: in VMX non-root operation, %lu VM exits "
			  "(cpuid %lu, init_signal %lu); %lu NMIs that came in "
			  "VMX root passed on to the guest; %lu interrupts "
			  "dropped at INIT\n",
			  i, w.exits, w.cpuid, w.init, w.nmis, w.init_irqs);
	}
	uint64_t a = RESIDENT_VMCALL_HOST_IDTR, b = 0, c = 0, d = 0;

	vmcall4(&a, &b, &c, &d);
	hv_printf("hv: IDTR in VMX root on this CPU: base 0x%lx, limit 0x%lx: "
		  "%s\n",
		  a, b,
		  c == 1 ? "hv's own host IDT, in hv's pool"
			 : "NOT hv's host IDT");
	hv_printf("hv: CPUID 40000000H here says \"%s\"\n", sig);
	uint64_t empty = least_of(false), round_trip = least_of(true);

	hv_printf("hv: cpuid (leaf 0) round trip here, under resident hv: "
		  "%lu TSC ticks (the least of 1000, fenced RDTSC, the empty "
		  "pair's %lu subtracted)\n",
		  round_trip - empty, empty);
	hv_printf("hv: already resident on %u of %u CPUs; nothing changed\n",
		  in, n);
	return HV_OK;
}

enum hv_status resident_unload(void)
{
	if (not_resident())
		return HV_BAD_ARGUMENT;
	unsigned int n = cpus(), out = 0;
	bool was_in[RESIDENT_MAX_CPUS];

	for (unsigned int i = 0; i < n; i++) {
		struct cpu_view w;

		was_in[i] = cpu_in_vmx(i, &w);
	}
	ask = (struct ask){.ncpu = n, .unload = true};
	if (n > 1 && platform_run_on_others(ask_here, &ask))
		hv_printf("hv: the MP services could not ask the other "
			  "CPUs\n");
	ask_here(&ask); /* this CPU last: it leaves VMX last */
	for (unsigned int i = 0; i < n; i++) {
		struct cpu_answer *x = &ask.cpu[i];

		if (!x->here) {
			/* It answered natively (or not at all). */
			if (was_in[i])
				hv_printf("hv: cpu %u: left VMX operation at "
					  "the firmware's INIT, before this "
					  "VMCALL (Bochs 2.7 delivers the INIT "
					  "again after its VM exit: "
					  "docs/resident.md)\n",
					  i);
			else
				hv_printf("hv: cpu %u: was not in VMX "
					  "operation\n",
					  i);
			out++;
			continue;
		}
		hv_printf("hv: cpu %u: %lu VM exits (cpuid %lu, init_signal "
			  "%lu, sipi %lu, xsetbv %lu, vmcall %lu); %lu NMIs "
			  "passed on; %lu interrupts dropped at INIT\n",
			  i, x->exits, x->cpuid, x->init, x->sipi, x->xsetbv,
			  x->vmcall, x->nmis, x->init_irqs);
		if (!x->left) {
			hv_printf("hv: cpu %u: did NOT leave VMX operation\n",
				  i);
			continue;
		}
		out++;
		hv_printf("hv: cpu %u: left VMX operation\n", i);
		/* What hv showed the guest and the CPU's own differ by
		 * design in two registers: IA32_FEATURE_CONTROL (VMXON
		 * bits hidden; hv's lock stays until reset) and TR, where
		 * the firmware's was 0 (hv's TSS stays loaded: TR cannot
		 * be loaded with a null selector). */
		x->before.feature_control = x->after.feature_control;
		if (x->before.tr == 0)
			x->before.tr = x->after.tr;
		x->before.rflags_if_after_run = x->before.rflags_if;
		x->after.rflags_if_after_run = x->after.rflags_if;
		host_state_compare(&x->before, &x->after);
	}
	hv_printf("hv: unloaded: %u of %u CPUs out of VMX operation\n", out, n);
	return out == n ? HV_OK : HV_VMX_FAILED;
}

/* RESIDENT_VMCALL_SEAL here. The other CPUs switch at their next VM
 * exit (res_before_entry), before the guest runs there again: they are
 * in the firmware's idle loop, outside the image, until the OS starts
 * them with INIT, which exits. They are not asked through the MP
 * services: under Bochs 2.7 that takes an AP out of VMX at its INIT
 * (docs/resident.md). */
void resident_seal(void)
{
	if (!resident_here())
		return;
	uint64_t a = RESIDENT_VMCALL_SEAL, b = 0, c = 0, d = 0;

	vmcall4(&a, &b, &c, &d);
	if (a == RESIDENT_VMCALL_ERROR) {
		hv_printf("hv: the driver's image stays visible to the guest "
			  "(hv could not read it as PE32+)\n");
		return;
	}
	hv_printf("hv: the driver's image at 0x%lx (%lu KiB) hidden from the "
		  "guest (this CPU now, the others at their next VM exit), "
		  "but for its headers and base relocations (%lu KiB, which "
		  "SetVirtualAddressMap reads): %lu KiB of hv's code and "
		  "data\n",
		  b, c / 1024, (c - a) / 1024, a / 1024);
}

enum hv_status resident_peek_hidden(void)
{
	if (not_resident())
		return HV_BAD_ARGUMENT;
	uint64_t a = RESIDENT_VMCALL_SEAL, b = 0, c = 0, d = 0, si = 0;

	__asm__ volatile("vmcall"
			 : "+a"(a), "+b"(b), "+c"(c), "+d"(d),
			   "+S"(si)::"memory");
	if (a == RESIDENT_VMCALL_ERROR || !si) {
		hv_printf("hv: --peek-hidden: hv's driver image is not hidden "
			  "here\n");
		return HV_UNSUPPORTED;
	}
	hv_printf("hv: --peek-hidden: reading hv's hidden image at 0x%lx "
		  "from the guest: hv must stop this CPU\n",
		  si);
	uint8_t byte = *(volatile const uint8_t *)si;

	hv_printf("hv: --peek-hidden: read 0x%02x at 0x%lx: hv's image is "
		  "NOT hidden\n",
		  byte, si);
	return HV_VMX_FAILED;
}
