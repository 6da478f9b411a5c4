/* The benchmark guest: the cost of one round trip through the VMM for
 * each kind of exit the policy traps (vmm/exit/guest_policy.c), timed with
 * RDTSC from inside the guest. scripts/bench.sh boots it and tabulates.
 *
 * Each sample is one trapping instruction between two fenced RDTSCs. The
 * same RDTSC pair with nothing between it (the baseline) is timed the
 * same way, and its minimum is subtracted from every figure, so what is
 * left is the instruction plus the exit, the VMM's handling and the entry.
 * All results are printed only after everything is measured: printing is
 * itself two exits per character.
 *
 * Output, one line per kind (ticks; median = the (n/2+1)-th smallest):
 *   bench: kind=baseline n=1000 min=NN median=NN   (raw, nothing subtracted)
 *   bench: kind=cpuid n=1000 min=NN median=NN      (baseline min subtracted)
 *   ...
 *   bench: kind=preemption_timer n=5 min=NN median=NN (TSC ticks between
 *          consecutive updates of hv_info.preemptions: one time slice)
 *   bench: done
 *   bench: hlt_tsc=0xNN (16 hex digits)              (see bench_hlt below)
 * then HLT, which ends the guest. */
#include "../vmm/print.h"
#include "lib.h"

#define N 1000
#define SLICES 5
#define UART_IER (HV_UART_BASE + 1) /* accepted and ignored (handle_io.c) */

static uint64_t samples[N];

/* Every timed block is the same instruction sequence:
 *   lfence; rdtsc; lfence; mov eax,lo0; mov edx,hi0; mov $A,eax;
 *   mov $D,edx; INSN; lfence; rdtsc; lfence
 * so the baseline (INSN empty) differs from the others by INSN alone.
 * A and D are the instruction's EAX and EDX inputs, RCX its RCX input
 * (loaded before the first RDTSC, which leaves RCX alone); 0 where unused. */
#define TIMED(A, D, RCX, insn, ...)                                            \
	({                                                                     \
		uint32_t lo0_, hi0_, lo1_, hi1_;                               \
		uint64_t rcx_ = (RCX);                                         \
		__asm__ volatile(                                              \
			"lfence\n\trdtsc\n\tlfence\n\t"                        \
			"mov %%eax, %[lo0]\n\t"                                \
			"mov %%edx, %[hi0]\n\t"                                \
			"mov %[a], %%eax\n\t"                                  \
			"mov %[d], %%edx\n\t" insn "\n\t"                      \
			"lfence\n\trdtsc\n\tlfence"                            \
			: "=&a"(lo1_),                                         \
			  "=&d"(hi1_), [lo0] "=&r"(lo0_), [hi0] "=&r"(hi0_),   \
			  "+c"(rcx_)                                           \
			: [a] "i"(A), [d] "i"(D)                               \
			: "memory", ##__VA_ARGS__);                            \
		((uint64_t)hi1_ << 32 | lo1_) - ((uint64_t)hi0_ << 32 | lo0_); \
	})

enum kind {
	K_BASELINE,
	K_CPUID,
	K_VMCALL,
	K_IO_OUT,
	K_RDMSR,
	K_CR3_LOAD,
	K_CR3_STORE,
	K_COUNT
};

static const char *const kind_names[K_COUNT] = {
	[K_BASELINE] = "baseline",	[K_CPUID] = "cpuid",
	[K_VMCALL] = "vmcall",		[K_IO_OUT] = "io_out",
	[K_RDMSR] = "rdmsr_efer",	[K_CR3_LOAD] = "mov_to_cr3",
	[K_CR3_STORE] = "mov_from_cr3",
};

static uint64_t sample(enum kind k, uint64_t cr3)
{
	switch (k) {
	case K_BASELINE:
		return TIMED(0, 0, 0, "");
	case K_CPUID: /* leaf 0, subleaf 0 */
		return TIMED(0, 0, 0, "cpuid", "rbx");
	case K_VMCALL: /* HV_HC_VERSION; the result in RAX is dropped */
		return TIMED(HV_HC_VERSION, 0, 0, "vmcall");
	case K_IO_OUT: /* OUT DX, AL to the UART's IER */
		return TIMED(0, UART_IER, 0, "outb %%al, %%dx");
	case K_RDMSR: /* trapped, emulated from the VMCS */
		return TIMED(0, 0, MSR_IA32_EFER, "rdmsr");
	case K_CR3_LOAD: /* the current CR3, written back */
		return TIMED(0, 0, cr3, "mov %%rcx, %%cr3");
	case K_CR3_STORE:
		return TIMED(0, 0, 0, "mov %%cr3, %%rcx");
	default:
		return 0;
	}
}

static inline uint64_t rdtsc_fenced(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence\n\trdtsc\n\tlfence"
			 : "=a"(lo), "=d"(hi)::"memory");
	return (uint64_t)hi << 32 | lo;
}

/* Shell sort: few comparisons, no recursion, no library. */
static void sort(uint64_t *a, int n)
{
	static const int gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};

	for (unsigned int g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
		int gap = gaps[g];

		for (int i = gap; i < n; i++) {
			uint64_t t = a[i];
			int j = i;

			for (; j >= gap && a[j - gap] > t; j -= gap)
				a[j] = a[j - gap];
			a[j] = t;
		}
	}
}

struct result {
	uint64_t min, median;
	int n;
};

static void summarize(uint64_t *a, int n, struct result *r)
{
	sort(a, n);
	r->min = a[0];
	r->median = a[n / 2];
	r->n = n;
}

static void measure(enum kind k, uint64_t cr3, struct result *r)
{
	for (int i = 0; i < N; i++) {
		samples[i] = sample(k, cr3);
	}
	summarize(samples, N, r);
}

/* The preemption timer: TSC ticks between consecutive changes of
 * hv_info.preemptions (handle_preemption_timer) while the guest spins,
 * i.e. one slice of guest time plus the timer exit's own round trip. */
static void measure_slices(struct hv_info *info, struct result *r)
{
	uint64_t p = info->preemptions, t0, t;

	while (info->preemptions == p) /* align to a slice boundary */
		;
	p = info->preemptions;
	t0 = rdtsc_fenced();
	for (int i = 0; i < SLICES; i++) {
		while (info->preemptions == p)
			;
		t = rdtsc_fenced();
		p = info->preemptions;
		samples[i] = t - t0;
		t0 = t;
	}
	summarize(samples, SLICES, r);
}

/* HLT ends the guest, so nothing can be timed after it from in here. The
 * guest's TSC just before it goes out with one HV_HC_PRINT that has no
 * newline: the VMM only buffers it (the HLT's flush prints it, after the
 * VMM has taken its own TSC). The digits are filled in by a loop of fixed
 * length, so the work between the two timestamps is the same in every
 * run. The host's TSC at the HLT exit minus this is HLT's cost one way
 * plus that print's round trip. */
static void __attribute__((noreturn)) bench_hlt(void)
{
	static char line[] = "bench: hlt_tsc=0x0000000000000000";
	char *digits = line + sizeof(line) - 1 - 16;

	guest_printf("bench: done\n");
	uint64_t t = rdtsc_fenced();

	for (int i = 15; i >= 0; i--, t >>= 4)
		digits[i] = "0123456789abcdef"[t & 15];
	hypercall(HV_HC_PRINT, (uint64_t)line, sizeof(line) - 1);
	halt();
	for (;;)
		;
}

int guest_main(struct hv_info *info);
int guest_main(struct hv_info *info)
{
	static struct result res[K_COUNT];
	static struct result slices;
	uint64_t cr3 = read_cr3();

	guest_exceptions_init();
	if (info->magic != HV_INFO_MAGIC ||
	    hypercall(HV_HC_VERSION, 0, 0) != HV_ABI_VERSION) {
		guest_printf("bench: no hv_info or wrong ABI\n");
		return 1;
	}
	for (int k = 0; k < K_COUNT; k++)
		measure((enum kind)k, cr3, &res[k]);
	measure_slices(info, &slices);
	if (read_cr3() != cr3) {
		guest_printf("bench: CR3 changed under the benchmark\n");
		return 2;
	}

	uint64_t base = res[K_BASELINE].min;

	guest_printf("bench: kind=%s n=%d min=%lu median=%lu\n",
		     kind_names[K_BASELINE], res[K_BASELINE].n,
		     res[K_BASELINE].min, res[K_BASELINE].median);
	for (int k = K_BASELINE + 1; k < K_COUNT; k++)
		guest_printf("bench: kind=%s n=%d min=%lu median=%lu\n",
			     kind_names[k], res[k].n, res[k].min - base,
			     res[k].median - base);
	guest_printf("bench: kind=preemption_timer n=%d min=%lu median=%lu\n",
		     slices.n, slices.min, slices.median);
	bench_hlt();
}
