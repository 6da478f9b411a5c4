/* fuzz: a guest that drives every interface of the flat ABI in random
 * order, from a 64-bit seed (issue 22, make fuzz; scripts/fuzz.sh).
 *
 * hv.efi fuzz.bin --guest-arg=SEED[:FIRST[:COUNT[:v]]] (hv_info.arg,
 * docs/guest-abi.md; numbers in decimal or 0x hex): runs COUNT batches
 * (default FUZZ_DEFAULT_BATCHES) from batch FIRST (default 0). Each
 * batch is FUZZ_BATCH_OPS operations of a small bytecode (struct op),
 * generated from splitmix64(SEED, batch) alone and then executed, so a
 * batch replays by itself: SEED:B:1 runs batch B again (from the state a
 * fresh guest starts in; a finding that needs earlier batches' state
 * replays with SEED:0:B+1). ":vN" prints each operation from the N-th of
 * a batch on (":v": all) before running it (HV_HC_PRINT), to name the
 * one that did it; all 1000 would pass the console's 64 KiB. ":rA-B"
 * runs only operations A to B-1 of each batch (the rest generated, not
 * run): scripts/fuzz.sh's FUZZ_SHRINK narrows a finding with it.
 *
 * Operations: CPUID (listed and random leaves and subleaves), RDMSR and
 * WRMSR (hv's shadowed MSRs, the VMX and x2APIC ranges, random ones),
 * IN and OUT (ports of the UART, port 0x80, the PC's, random; 1, 2 and
 * 4 bytes), MOV to and from CR0, CR3, CR4 and CR8, LMSW, CLTS, XSETBV,
 * VMCALL (random numbers and arguments), the VMX instructions, INVD,
 * WBINVD, INVLPG, INVPCID, RDPMC, RDTSC, RDTSCP, MONITOR, MWAIT, GETSEC,
 * INT3, INT n, ICEBP, UD2, #DE, loads and stores at random addresses,
 * STI and MOV SS shadows before an exiting instruction, and TF set
 * across one. Every fault is caught: lib.c's handler resumes at the
 * operation's fixup address. Rarely, on purpose, operations that end the
 * guest: HLT, string I/O, an access outside guest memory, a random CR3,
 * HV_HC_EXIT. After the last batch it ends with status 0.
 *
 * The verdict is hv's, never this guest's: scripts/fuzz.sh reads only
 * hv's lines (summary, host state, pages freed, no failed entry). A
 * status from 0xe0 to 0xff is lib.c's "unexpected exception" (one that
 * struck with no fixup armed); HV_HC_EXIT from the fuzzer uses 0 or
 * values of 0x1000 and up. */
#include "lib.h"

#include <stdarg.h>

#include "../vmm/print.h"
#include "../vmm/util.h"

#define FUZZ_BATCH_OPS 1000
#define FUZZ_DEFAULT_BATCHES 10
/* Where random stores go: the guest's own code, stack and tables stay. */
#define FUZZ_SCRATCH_SIZE 0x10000

enum op_kind {
	OP_CPUID,
	OP_RDMSR,
	OP_WRMSR,
	OP_IN,
	OP_OUT,
	OP_WRITE_CR0,
	OP_WRITE_CR3,
	OP_WRITE_CR4,
	OP_WRITE_CR8,
	OP_READ_CR,
	OP_LMSW_CLTS,
	OP_XSETBV,
	OP_VMCALL,
	OP_VMX,
	OP_MISC,
	OP_INT,
	OP_LOAD,
	OP_STORE,
	OP_SHADOW,
	OP_TF,
	OP_DR,
	OP_MODE,
	/* Rare, each may end the guest. */
	OP_HLT,
	OP_STRING_IO,
	OP_FAR_ACCESS,
	OP_CR3_RANDOM,
	OP_HC_EXIT,
	OP_COUNT
};

static const char *const op_names[] = {
	"cpuid",      "rdmsr",	    "wrmsr",   "in",   "out",	    "cr0<-",
	"cr3<-",      "cr4<-",	    "cr8<-",   "<-cr", "lmsw/clts", "xsetbv",
	"vmcall",     "vmx",	    "misc",    "int",  "load",	    "store",
	"shadow",     "tf",	    "dr",      "mode", "hlt",	    "string-io",
	"far-access", "cr3-random", "hc-exit",
};
_Static_assert(COUNT_OF(op_names) == OP_COUNT, "a name for each operation");

/* Weights out of 10000: how often each operation is drawn. The rare
 * ones, which end a guest, are drawn instead once in FUZZ_RARE
 * operations, so a run lasts some thousands of them. */
#define FUZZ_RARE 20000
#define OP_FIRST_RARE OP_HLT
static const uint16_t op_weight[OP_FIRST_RARE] = {
	[OP_CPUID] = 800,     [OP_RDMSR] = 1000,    [OP_WRMSR] = 800,
	[OP_IN] = 700,	      [OP_OUT] = 600,	    [OP_WRITE_CR0] = 500,
	[OP_WRITE_CR3] = 300, [OP_WRITE_CR4] = 500, [OP_WRITE_CR8] = 400,
	[OP_READ_CR] = 400,   [OP_LMSW_CLTS] = 200, [OP_XSETBV] = 200,
	[OP_VMCALL] = 500,    [OP_VMX] = 300,	    [OP_MISC] = 500,
	[OP_INT] = 400,	      [OP_LOAD] = 400,	    [OP_STORE] = 300,
	[OP_SHADOW] = 400,    [OP_TF] = 400,	    [OP_DR] = 100,
	[OP_MODE] = 300,
};

/* One operation of the bytecode: what, a variant, and its operands. */
struct op {
	uint8_t kind;
	uint8_t sub;
	uint16_t width;
	uint32_t a;
	uint64_t b, c;
};

/* ---- the generator: splitmix64 --------------------------------------- */

static uint64_t rng;

static uint64_t next(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t below(uint32_t n)
{
	return (uint32_t)(next() % n);
}

static const uint32_t cpuid_leaves[] = {
	0x0,	    0x1,	0x2,	    0x3,	0x4,	    0x5,
	0x6,	    0x7,	0x9,	    0xa,	0xb,	    0xd,
	0xf,	    0x10,	0x12,	    0x14,	0x15,	    0x16,
	0x17,	    0x18,	0x19,	    0x1a,	0x1b,	    0x1c,
	0x1d,	    0x1e,	0x1f,	    0x20,	0x23,	    0x24,
	0x40000000, 0x40000001, 0x400000ff, 0x40000100, 0x80000000, 0x80000001,
	0x80000002, 0x80000005, 0x80000006, 0x80000007, 0x80000008, 0x8000001f,
	0x80000021, 0xffffffff, 0xc0000000,
};

/* hv's shadowed and emulated MSRs, the ones it must refuse, and their
 * neighbours (docs/guest-abi.md, vmm/exit/handle_msr.c). */
static const uint32_t msr_list[] = {
	0x10,	    0x1b,	0x3a,	    0x3b,	0x48,	    0x49,
	0x8b,	    0xc1,	0xce,	    0xfe,	0x10a,	    0x10b,
	0x174,	    0x175,	0x176,	    0x179,	0x17a,	    0x186,
	0x1a0,	    0x1d9,	0x200,	    0x277,	0x2ff,	    0x345,
	0x38f,	    0x480,	0x481,	    0x482,	0x485,	    0x48b,
	0x48c,	    0x48d,	0x491,	    0x4d0,	0x6e0,	    0x802,
	0x803,	    0x808,	0x80b,	    0x80f,	0x830,	    0x838,
	0x839,	    0x83e,	0x8ff,	    0xda0,	0xc0000080, 0xc0000081,
	0xc0000082, 0xc0000083, 0xc0000084, 0xc0000100, 0xc0000101, 0xc0000102,
	0xc0000103, 0xc0010000, 0x40000000, 0x40000001, 0xffffffff,
};

static const uint16_t port_list[] = {
	0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd,  0x3fe, 0x3ff, 0x80,
	0x81,  0x7f,  0x20,  0x21,  0xa0,  0xa1,   0x40,  0x43,	 0x60,
	0x64,  0x70,  0x71,  0x92,  0xcf8, 0xcfc,  0xcf9, 0x2f8, 0x3f7,
	0xb2,  0x402, 0x510, 0x511, 0x604, 0xffff, 0x0,
};

static uint64_t random_value(void)
{
	switch (below(6)) {
	case 0:
		return 0;
	case 1:
		return below(16);
	case 2:
		return 1ull << below(64);
	case 3:
		return ~0ull;
	default:
		return next();
	}
}

static uint32_t random_msr(void)
{
	switch (below(4)) {
	case 0:
		return 0x800 + below(0x100); /* the x2APIC range */
	case 1:
		return (uint32_t)next();
	default:
		return msr_list[below(COUNT_OF(msr_list))];
	}
}

static uint16_t random_port(void)
{
	return below(3) ? port_list[below(COUNT_OF(port_list))]
			: (uint16_t)next();
}

static enum op_kind random_kind(void)
{
	uint32_t r = below(10000);

	if (below(FUZZ_RARE) == 0)
		return (enum op_kind)(OP_FIRST_RARE +
				      below(OP_COUNT - OP_FIRST_RARE));
	for (int k = 0; k < OP_FIRST_RARE; k++) {
		if (r < op_weight[k])
			return (enum op_kind)k;
		r -= op_weight[k];
	}
	return OP_CPUID;
}

static void generate(struct op *o)
{
	*o = (struct op){.kind = (uint8_t)random_kind(),
			 .sub = (uint8_t)next(),
			 .width = (uint16_t)(1u << below(3)),
			 .a = (uint32_t)next(),
			 .b = random_value(),
			 .c = next()};
	switch (o->kind) {
	case OP_CPUID:
		if (below(4))
			o->a = cpuid_leaves[below(COUNT_OF(cpuid_leaves))];
		if (below(2))
			o->b = below(4);
		break;
	case OP_RDMSR:
	case OP_WRMSR:
		o->a = random_msr();
		break;
	case OP_IN:
	case OP_OUT:
	case OP_STRING_IO:
		o->a = random_port();
		break;
	case OP_LOAD:
		/* Mapped and inside guest memory, or past 1 GiB (#PF). */
		o->b = below(8) ? next() % HV_GUEST_MEM_SIZE
				: (1ull << (30 + below(17))) + (next() & 0xfff);
		break;
	case OP_FAR_ACCESS:
		/* Mapped by the page tables, outside guest memory: EPT. */
		o->b = HV_GUEST_MEM_SIZE +
		       next() % (0x40000000 - HV_GUEST_MEM_SIZE);
		break;
	default:
		break;
	}
}

/* ---- the interpreter ------------------------------------------------- */

static uint8_t scratch[FUZZ_SCRATCH_SIZE];
static uint8_t monitor_line[64] __attribute__((aligned(64)));
extern const uint8_t fuzz_int_stubs[];

static void op_cpuid(const struct op *o)
{
	uint32_t a = o->a, b = 0, c = (uint32_t)o->b, d = 0;

	GUEST_SAFE_INSN("cpuid", "+a"(a), "+b"(b), "+c"(c), "+d"(d));
}

static void op_msr(const struct op *o)
{
	uint64_t v = 0;

	if (o->kind == OP_RDMSR) {
		rdmsr_safe(o->a, &v);
		return;
	}
	/* Half the writes change one bit of what the MSR holds, so more
	 * of them pass the checks and reach deeper code. */
	if (o->sub & 1 && rdmsr_safe(o->a, &v) == 0)
		v ^= 1ull << (o->c & 63);
	else
		v = o->b;
	wrmsr_safe(o->a, v);
}

static void op_in(const struct op *o)
{
	uint32_t v = 0;
	uint16_t port = (uint16_t)o->a;

	if (o->width == 1)
		GUEST_SAFE_INSN("inb %%dx, %%al", "+a"(v), "+d"(port));
	else if (o->width == 2)
		GUEST_SAFE_INSN("inw %%dx, %%ax", "+a"(v), "+d"(port));
	else
		GUEST_SAFE_INSN("inl %%dx, %%eax", "+a"(v), "+d"(port));
}

static void op_out(const struct op *o)
{
	uint32_t v = (uint32_t)o->b;
	uint16_t port = (uint16_t)o->a;

	/* The UART's THR prints: keep what it prints short of a flood. */
	if (port == HV_UART_BASE)
		v = 'a' + v % 26;
	if (o->width == 1)
		GUEST_SAFE_INSN("outb %%al, %%dx", "+a"(v), "+d"(port));
	else if (o->width == 2)
		GUEST_SAFE_INSN("outw %%ax, %%dx", "+a"(v), "+d"(port));
	else
		GUEST_SAFE_INSN("outl %%eax, %%dx", "+a"(v), "+d"(port));
}

static uint64_t cr_value(uint64_t now, const struct op *o)
{
	switch (o->sub % 4) {
	case 0:
		return o->b;
	case 1:
		return now | 1ull << (32 + o->c % 32);
	default:
		return now ^ 1ull << (o->c % 32);
	}
}

static void op_write_cr(const struct op *o)
{
	uint64_t v;

	switch (o->kind) {
	case OP_WRITE_CR0:
		v = cr_value(read_cr0(), o);
		GUEST_SAFE_INSN("mov %[v], %%cr0", [v] "+r"(v));
		break;
	case OP_WRITE_CR4:
		v = cr_value(read_cr4(), o);
		GUEST_SAFE_INSN("mov %[v], %%cr4", [v] "+r"(v));
		break;
	case OP_WRITE_CR8:
		v = o->sub & 1 ? o->b : o->b & 15;
		GUEST_SAFE_INSN("mov %[v], %%cr8", [v] "+r"(v));
		break;
	case OP_WRITE_CR3: {
		/* Either address space, with PWT/PCD, or a value with bits
		 * above the physical-address width (#GP). */
		static const uint64_t good[] = {
			HV_GUEST_PML4, HV_GUEST_PML4_ALT, HV_GUEST_PML4 | 0x18,
			HV_GUEST_PML4_ALT | 0x8};

		v = good[o->sub % COUNT_OF(good)];
		if (o->sub & 0x80)
			v |= 1ull << (40 + o->c % 24);
		GUEST_SAFE_INSN("mov %[v], %%cr3", [v] "+r"(v));
		break;
	}
	default: /* OP_CR3_RANDOM: a page in guest memory, seldom beyond */
		v = (o->sub & 7 ? o->c % HV_GUEST_MEM_SIZE
				: o->c & 0x3fffffff) &
		    ~0xfe7ull;
		GUEST_SAFE_INSN("mov %[v], %%cr3", [v] "+r"(v));
		break;
	}
}

static void op_read_cr(const struct op *o)
{
	uint64_t v = 0;

	switch (o->sub % 4) {
	case 0:
		GUEST_SAFE_INSN("mov %%cr3, %[v]", [v] "+r"(v));
		break;
	case 1:
		GUEST_SAFE_INSN("mov %%cr8, %[v]", [v] "+r"(v));
		break;
	case 2:
		GUEST_SAFE_INSN("mov %%cr0, %[v]", [v] "+r"(v));
		break;
	default:
		GUEST_SAFE_INSN("mov %%cr4, %[v]", [v] "+r"(v));
		break;
	}
}

static void op_lmsw_clts(const struct op *o)
{
	uint16_t w = (uint16_t)o->b;

	if (o->sub & 1)
		GUEST_SAFE_INSN("clts");
	else
		GUEST_SAFE_INSN("lmsw %[w]", [w] "+r"(w));
}

static void op_xsetbv(const struct op *o)
{
	uint32_t c = o->sub & 1 ? 0 : o->a & 3, a = (uint32_t)o->b,
		 d = (uint32_t)(o->b >> 32);

	if (o->sub & 2)
		a = 3 | (uint32_t)(o->c & 4); /* x87|SSE (|AVX) */
	GUEST_SAFE_INSN("xsetbv", "+a"(a), "+c"(c), "+d"(d));
}

/* HV_HC_CHECK between batches, where the guest is back in its own
 * state (64-bit, CPL 0): a VMCALL hv answers or stops the guest at. */
static void hv_check(void)
{
	hypercall(HV_HC_CHECK, 0, 0);
}

static void op_vmcall(const struct op *o)
{
	uint64_t rax, rdi = o->b, rsi = o->c;

	switch (o->sub % 6) {
	case 0: /* HV_HC_PRINT: short, too long, or outside memory */
		rax = HV_HC_PRINT;
		rdi = o->b % (HV_GUEST_MEM_SIZE + 0x2000);
		rsi = o->c & 0x8000 ? o->c : o->c % 24;
		break;
	case 1:
		rax = HV_HC_VERSION;
		break;
	case 2:
		rax = 3 + o->a % 8;
		break;
	case 3: /* HV_HC_EXIT in the low half: ENOSYS */
		rax = (uint64_t)(1 + o->a % 0xffff) << 32 | HV_HC_EXIT;
		break;
	default:
		rax = o->b == HV_HC_EXIT ? 0 : o->b;
		break;
	}
	GUEST_SAFE_INSN("vmcall", "+a"(rax), "+D"(rdi), "+S"(rsi));
}

/* The mnemonic a string of its own, as in hostile_vmx.c: the layering
 * test keeps real VMREAD/VMWRITE in the VMM's VMCS backend. */
#define VMX_INSN(mnemonic) mnemonic " "

static void op_vmx(const struct op *o)
{
	uint64_t region = (uint64_t)scratch, f = o->b & 0xffff, v = o->c;
	uint64_t type = o->a & 3;
	uint32_t fn = o->a & 1, idx = 0;
	struct {
		uint64_t a, b;
	} desc = {o->b, o->c};

	switch (o->sub % 12) {
	case 0:
		GUEST_SAFE_INSN("vmxon %[p]", [p] "+m"(region));
		break;
	case 1:
		GUEST_SAFE_INSN("vmclear %[p]", [p] "+m"(region));
		break;
	case 2:
		GUEST_SAFE_INSN("vmptrld %[p]", [p] "+m"(region));
		break;
	case 3:
		GUEST_SAFE_INSN("vmptrst %[p]", [p] "+m"(region));
		break;
	case 4:
		GUEST_SAFE_INSN(VMX_INSN("vmread") "%[f], %[v]", [f] "+r"(f),
				[v] "+r"(v));
		break;
	case 5:
		GUEST_SAFE_INSN(VMX_INSN("vmwrite") "%[v], %[f]", [f] "+r"(f),
				[v] "+r"(v));
		break;
	case 6:
		GUEST_SAFE_INSN("vmlaunch");
		break;
	case 7:
		GUEST_SAFE_INSN("vmresume");
		break;
	case 8:
		GUEST_SAFE_INSN("vmxoff");
		break;
	case 9:
		GUEST_SAFE_INSN(
			"invept %[d], %[t]", [d] "+m"(desc), [t] "+r"(type));
		break;
	case 10:
		GUEST_SAFE_INSN(
			"invvpid %[d], %[t]", [d] "+m"(desc), [t] "+r"(type));
		break;
	default:
		GUEST_SAFE_INSN("vmfunc", "+a"(fn), "+c"(idx));
		break;
	}
}

static void op_misc(const struct op *o)
{
	uint64_t addr = o->b, type = o->a & 3;
	uint32_t a = (uint32_t)o->b, c = o->a, d = 0;
	struct {
		uint64_t a, b;
	} desc = {o->b, o->c};

	switch (o->sub % 13) {
	case 0:
		GUEST_SAFE_INSN("invd");
		break;
	case 1:
		GUEST_SAFE_INSN("wbinvd");
		break;
	case 2:
		GUEST_SAFE_INSN("invlpg (%[p])", [p] "+r"(addr));
		break;
	case 3:
		GUEST_SAFE_INSN("rdpmc", "+a"(a), "+c"(c), "+d"(d));
		break;
	case 4:
		GUEST_SAFE_INSN("rdtsc", "+a"(a), "+d"(d));
		break;
	case 5:
		GUEST_SAFE_INSN("rdtscp", "+a"(a), "+c"(c), "+d"(d));
		break;
	case 6:
		GUEST_SAFE_INSN(
			"invpcid %[d], %[t]", [d] "+m"(desc), [t] "+r"(type));
		break;
	case 7:
		addr = (uint64_t)monitor_line;
		c = 0;
		d = 0;
		GUEST_SAFE_INSN("monitor", "+a"(addr), "+c"(c), "+d"(d));
		break;
	case 8:
		c = 0;
		GUEST_SAFE_INSN("mwait", "+a"(a), "+c"(c));
		break;
	case 9:
		a &= 7;
		GUEST_SAFE_INSN("getsec", "+a"(a), "+b"(d));
		break;
	case 10:
		GUEST_SAFE_INSN("pause");
		break;
	case 11:
		GUEST_SAFE_INSN("xgetbv", "+a"(a), "+c"(c), "+d"(d));
		break;
	default:
		GUEST_SAFE_INSN(".byte 0x0f, 0x01, 0xfd", "+a"(a), "+c"(c),
				"+d"(d)); /* RDPRU: #UD */
		break;
	}
}

/* Vectors whose exceptions push an error code: an INT n to one of them
 * pushes none, and lib.c's stub would misread the frame. */
static bool has_error_code(unsigned int v)
{
	return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 ||
	       v == 29 || v == 30;
}

static void op_int(const struct op *o)
{
	unsigned int v = o->a & 0xff;
	uint64_t stub = (uint64_t)fuzz_int_stubs + 8 * v;
	uint32_t high = 0, x = 1, zero = 0;

	switch (o->sub % 5) {
	case 0:
		GUEST_SAFE_INSN("int3");
		break;
	case 1:
		GUEST_SAFE_INSN(".byte 0xf1"); /* ICEBP (INT1): a #DB */
		break;
	case 2:
		GUEST_SAFE_INSN("ud2");
		break;
	case 3:
		GUEST_SAFE_INSN("divl %[z]", "+a"(x),
				"+d"(high), [z] "+r"(zero));
		break;
	default:
		if (v < 32 && has_error_code(v))
			v = 3;
		stub = (uint64_t)fuzz_int_stubs + 8 * v;
		GUEST_SAFE_INSN("jmp *%[s]", [s] "+r"(stub));
		break;
	}
}

static void op_load(const struct op *o)
{
	uint64_t p = o->b, v = 0;

	switch (o->width) {
	case 1:
		GUEST_SAFE_INSN(
			"movzbq (%[p]), %[v]", [p] "+r"(p), [v] "+r"(v));
		break;
	case 2:
		GUEST_SAFE_INSN(
			"movzwq (%[p]), %[v]", [p] "+r"(p), [v] "+r"(v));
		break;
	default:
		GUEST_SAFE_INSN("movq (%[p]), %[v]", [p] "+r"(p), [v] "+r"(v));
		break;
	}
}

static void op_store(const struct op *o)
{
	uint64_t p = (uint64_t)scratch + o->b % (FUZZ_SCRATCH_SIZE - 8),
		 v = o->c;

	GUEST_SAFE_INSN("movq %[v], (%[p])", [p] "+r"(p), [v] "+r"(v));
}

/* An exiting instruction right after STI or MOV SS (the interrupt
 * shadow hv must not carry past the instruction it emulates). */
static void op_shadow(const struct op *o)
{
	uint32_t a = (uint32_t)o->b, c = 0, d = 0, b = 0;
	uint64_t ss = HV_GUEST_DS;

	switch (o->sub % 6) {
	case 0:
		GUEST_SAFE_INSN("sti\n\tcpuid\n\tcli", "+a"(a), "+b"(b),
				"+c"(c), "+d"(d));
		break;
	case 1:
		GUEST_SAFE_INSN("mov %[s], %%ss\n\tcpuid", [s] "+r"(ss),
				"+a"(a), "+b"(b), "+c"(c), "+d"(d));
		break;
	case 2:
		c = 0x1b; /* IA32_APIC_BASE, hv's */
		GUEST_SAFE_INSN("mov %[s], %%ss\n\trdmsr", [s] "+r"(ss),
				"+a"(a), "+c"(c), "+d"(d));
		break;
	case 3:
		d = HV_UART_LSR;
		GUEST_SAFE_INSN("sti\n\tinb %%dx, %%al\n\tcli", "+a"(a),
				"+d"(d));
		break;
	case 4:
		a = HV_HC_VERSION;
		GUEST_SAFE_INSN("mov %[s], %%ss\n\tvmcall", [s] "+r"(ss),
				"+a"(a));
		break;
	default:
		a = (uint32_t)o->c & 0xff;
		GUEST_SAFE_INSN(
			"mov %[s], %%ss\n\tmov %%rax, %%cr8", [s] "+r"(ss),
			"+a"(a));
		break;
	}
}

/* Debug registers (MOV DR does not exit): data breakpoints on the
 * scratch buffer and I/O breakpoints (CR4.DE) on ports, which stay set
 * for the operations that follow, so the #DB hv must raise after an IN
 * or OUT it emulates comes up; never an instruction breakpoint, which
 * would strike the exception handler itself. */
static void op_dr(const struct op *o)
{
	uint64_t v = o->b, dr7 = DR7_INIT;
	unsigned int n = (o->sub >> 2) & 3;

	switch (o->sub & 3) {
	case 0:
		v = o->c & 1 ? random_port()
			     : (uint64_t)scratch + o->b % FUZZ_SCRATCH_SIZE;
		if (n == 0)
			GUEST_SAFE_INSN("mov %[v], %%dr0", [v] "+r"(v));
		else if (n == 1)
			GUEST_SAFE_INSN("mov %[v], %%dr1", [v] "+r"(v));
		else if (n == 2)
			GUEST_SAFE_INSN("mov %[v], %%dr2", [v] "+r"(v));
		else
			GUEST_SAFE_INSN("mov %[v], %%dr3", [v] "+r"(v));
		break;
	case 1:
		/* Enables L0-L3/G0-G3 at random, R/W 01, 10 or 11, any LEN. */
		for (unsigned int i = 0; i < 4; i++) {
			uint64_t rw = 1 + (o->c >> (4 * i)) % 3,
				 len = (o->c >> (4 * i + 2)) & 3;

			dr7 |= (o->b >> (2 * i) & 3) << (2 * i) |
			       (rw | len << 2) << (16 + 4 * i);
		}
		if (o->a & 1)
			write_cr4_safe(read_cr4() | CR4_DE);
		GUEST_SAFE_INSN("mov %[v], %%dr7", [v] "+r"(dr7));
		break;
	case 2:
		GUEST_SAFE_INSN("mov %[v], %%dr7", [v] "+r"(dr7));
		GUEST_SAFE_INSN("mov %[v], %%dr6", [v] "+r"(v));
		break;
	default:
		GUEST_SAFE_INSN("mov %%dr6, %[v]", [v] "+r"(v));
		GUEST_SAFE_INSN("mov %%dr7, %[v]", [v] "+r"(v));
		break;
	}
}

/* ---- CPL 3 and compatibility mode ----------------------------------- */

/* The guest's GDT, copied from the one hv built (null, code, data, TSS)
 * and extended; TR keeps selecting the same TSS. */
#define SEL_CODE32 0x28
#define SEL_USER_DATA (0x30 | 3)
#define SEL_USER_CODE64 (0x38 | 3)
#define SEL_USER_CODE32 (0x40 | 3)
static uint64_t gdt[9] __attribute__((aligned(16)));
static uint8_t kernel_stack[8192] __attribute__((aligned(16)));
static uint8_t user_stack[4096] __attribute__((aligned(16)));
extern const uint8_t fuzz_mode_stubs32[], fuzz_mode_stubs64[];

/* A flat GDT, TSS.RSP0 for interrupts from CPL 3, and the U/S bit in
 * every paging entry hv built, so that CPL 3 can run the guest's code. */
static void modes_init(void)
{
	const volatile uint64_t *hv_gdt = (const uint64_t *)HV_GUEST_GDT;
	volatile uint64_t *t;
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr = {sizeof(gdt) - 1, (uint64_t)gdt};
	uint64_t rsp0 = (uint64_t)kernel_stack + sizeof(kernel_stack);

	for (int i = 0; i < 5; i++)
		gdt[i] = hv_gdt[i];
	gdt[SEL_CODE32 >> 3] = 0x00cf9a000000ffffull;
	gdt[SEL_USER_DATA >> 3] = 0x00cff2000000ffffull;
	gdt[SEL_USER_CODE64 >> 3] = 0x00affa000000ffffull;
	gdt[SEL_USER_CODE32 >> 3] = 0x00cffa000000ffffull;
	__asm__ volatile("lgdt %0" ::"m"(gdtr));
	/* TSS.RSP0 sits at offset 4, unaligned. */
	((volatile uint32_t *)(HV_GUEST_TSS + 4))[0] = (uint32_t)rsp0;
	((volatile uint32_t *)(HV_GUEST_TSS + 4))[1] = (uint32_t)(rsp0 >> 32);
	for (uint64_t a = HV_GUEST_PML4; a < HV_GUEST_GDT; a += 8) {
		t = (volatile uint64_t *)a;
		if (*t & 1)
			*t |= 4;
	}
	write_cr3(read_cr3());
}

/* One instruction of fuzz_ops.S's list at CPL 3 (64-bit or compatibility
 * mode, IOPL at random) or in compatibility mode at CPL 0; its UD2, or
 * any fault before it, comes back to CPL 0 in 64-bit mode. */
static void op_mode(const struct op *o)
{
	const uint64_t n =
		((uint64_t)fuzz_mode_stubs64 - (uint64_t)fuzz_mode_stubs32) /
		16;
	uint64_t i = o->a % n, mode = o->sub % 3;
	uint64_t a = o->b, b = 0, c = o->c, d = (uint16_t)random_port(), si = 0,
		 di = 0;
	/* The far return's or IRETQ's frame, pushed from memory: every
	 * register is an operand or clobbered. */
	static struct {
		uint64_t rip, cs, rflags, rsp, ss;
	} frame;

	if (o->b & 1)
		c = random_msr();
	frame.rip =
		(uint64_t)(mode == 1 ? fuzz_mode_stubs64 : fuzz_mode_stubs32) +
		16 * i;
	frame.cs = mode == 0   ? SEL_CODE32
		   : mode == 1 ? SEL_USER_CODE64
			       : SEL_USER_CODE32;
	frame.rflags = RFLAGS_FIXED1 | (o->sub & 0x18 ? 0 : RFLAGS_IOPL);
	frame.rsp = (uint64_t)user_stack + sizeof(user_stack);
	frame.ss = SEL_USER_DATA;
	if (mode == 0)
		__asm__ volatile("movq %%rsp, guest_fixup_rsp(%%rip)\n\t"
				 "leaq 1f(%%rip), %%r11\n\t"
				 "movq %%r11, guest_fixup_rip(%%rip)\n\t"
				 "pushq 8+%[f]\n\t"
				 "pushq %[f]\n\t"
				 "lretq\n"
				 "1:\tmovq $0, guest_fixup_rip(%%rip)"
				 : "+a"(a), "+b"(b), "+c"(c), "+d"(d), "+S"(si),
				   "+D"(di)
				 : [f] "m"(frame)
				 : "r8", "r9", "r10", "r11", "r12", "r13",
				   "r14", "r15", "cc", "memory");
	else
		__asm__ volatile("movq %%rsp, guest_fixup_rsp(%%rip)\n\t"
				 "leaq 1f(%%rip), %%r11\n\t"
				 "movq %%r11, guest_fixup_rip(%%rip)\n\t"
				 "pushq 32+%[f]\n\t"
				 "pushq 24+%[f]\n\t"
				 "pushq 16+%[f]\n\t"
				 "pushq 8+%[f]\n\t"
				 "pushq %[f]\n\t"
				 "iretq\n"
				 "1:\tmovq $0, guest_fixup_rip(%%rip)"
				 : "+a"(a), "+b"(b), "+c"(c), "+d"(d), "+S"(si),
				   "+D"(di)
				 : [f] "m"(frame)
				 : "r8", "r9", "r10", "r11", "r12", "r13",
				   "r14", "r15", "cc", "memory");
}

/* TF set, then an exiting instruction: the single-step #DB must follow
 * the instruction hv emulated (lib.c's handler clears TF and resumes at
 * the fixup). Sometimes behind a MOV SS shadow as well. */
static void op_tf(const struct op *o)
{
	uint32_t a = (uint32_t)o->b, b = 0, c = 0, d = 0;
	uint64_t ss = HV_GUEST_DS;

#define TF_ON "pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t"
	switch (o->sub % 8) {
	case 0:
		GUEST_SAFE_INSN(TF_ON "cpuid", "+a"(a), "+b"(b), "+c"(c),
				"+d"(d));
		break;
	case 1:
		c = o->sub & 0x80 ? 0x1b : random_msr();
		GUEST_SAFE_INSN(TF_ON "rdmsr", "+a"(a), "+c"(c), "+d"(d));
		break;
	case 2:
		d = (uint16_t)o->a;
		GUEST_SAFE_INSN(TF_ON "outb %%al, %%dx", "+a"(a), "+d"(d));
		break;
	case 3:
		d = HV_UART_LSR;
		GUEST_SAFE_INSN(TF_ON "inb %%dx, %%al", "+a"(a), "+d"(d));
		break;
	case 4:
		a = HV_HC_VERSION;
		GUEST_SAFE_INSN(TF_ON "vmcall", "+a"(a));
		break;
	case 5:
		a &= 15;
		GUEST_SAFE_INSN(TF_ON "mov %%rax, %%cr8", "+a"(a));
		break;
	case 6:
		GUEST_SAFE_INSN(TF_ON "mov %[s], %%ss\n\tcpuid", [s] "+r"(ss),
				"+a"(a), "+b"(b), "+c"(c), "+d"(d));
		break;
	default:
		GUEST_SAFE_INSN(TF_ON "mov %[s], %%ss\n\tvmxoff", [s] "+r"(ss));
		break;
	}
#undef TF_ON
}

static void op_ending(const struct op *o)
{
	uint64_t p = o->b, v = 0, status;
	uint16_t port = (uint16_t)o->a;
	uint32_t n = 1;

	switch (o->kind) {
	case OP_HLT:
		if (o->sub & 1)
			GUEST_SAFE_INSN("sti\n\thlt\n\tcli");
		else
			GUEST_SAFE_INSN("hlt");
		break;
	case OP_STRING_IO:
		p = (uint64_t)scratch;
		if (o->sub & 1)
			GUEST_SAFE_INSN("rep outsb", "+S"(p), "+c"(n),
					"+d"(port));
		else
			GUEST_SAFE_INSN("std\n\trep insb\n\tcld", "+D"(p),
					"+c"(n), "+d"(port));
		break;
	case OP_FAR_ACCESS:
		if (o->sub & 1)
			GUEST_SAFE_INSN(
				"movq %[v], (%[p])", [p] "+r"(p), [v] "+r"(v));
		else
			GUEST_SAFE_INSN(
				"movq (%[p]), %[v]", [p] "+r"(p), [v] "+r"(v));
		break;
	case OP_HC_EXIT:
		status = o->sub & 1 ? 0 : 0x1000 + (o->b & 0xffff);
		hypercall(HV_HC_EXIT, status, 0);
		break;
	default:
		op_write_cr(o);
		break;
	}
}

static void run_op(const struct op *o)
{
	switch (o->kind) {
	case OP_CPUID:
		op_cpuid(o);
		break;
	case OP_RDMSR:
	case OP_WRMSR:
		op_msr(o);
		break;
	case OP_IN:
		op_in(o);
		break;
	case OP_OUT:
		op_out(o);
		break;
	case OP_WRITE_CR0:
	case OP_WRITE_CR3:
	case OP_WRITE_CR4:
	case OP_WRITE_CR8:
		op_write_cr(o);
		break;
	case OP_READ_CR:
		op_read_cr(o);
		break;
	case OP_LMSW_CLTS:
		op_lmsw_clts(o);
		break;
	case OP_XSETBV:
		op_xsetbv(o);
		break;
	case OP_VMCALL:
		op_vmcall(o);
		break;
	case OP_VMX:
		op_vmx(o);
		break;
	case OP_MISC:
		op_misc(o);
		break;
	case OP_INT:
		op_int(o);
		break;
	case OP_LOAD:
		op_load(o);
		break;
	case OP_STORE:
		op_store(o);
		break;
	case OP_SHADOW:
		op_shadow(o);
		break;
	case OP_TF:
		op_tf(o);
		break;
	case OP_DR:
		op_dr(o);
		break;
	case OP_MODE:
		op_mode(o);
		break;
	default:
		op_ending(o);
		break;
	}
}

/* ---- the program ------------------------------------------------------ */

static void print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void print(const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hv_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	hypercall(HV_HC_PRINT, (uint64_t)buf, (uint64_t)n);
}

/* A number in decimal or 0x hex, up to ':', '-' (both skipped) or the
 * end. */
static const char *number(const char *s, uint64_t *v)
{
	unsigned int base = 10;

	*v = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (;; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			break;
		*v = *v * base + d;
	}
	return *s == ':' || *s == '-' ? s + 1 : s;
}

static struct op program[FUZZ_BATCH_OPS];

int guest_main(struct hv_info *hv);
int guest_main(struct hv_info *hv)
{
	uint64_t seed, first = 0, count = FUZZ_DEFAULT_BATCHES;
	const char *s = hv->arg;
	uint64_t verbose_from = ~0ull, from = 0, to = FUZZ_BATCH_OPS;

	guest_exceptions_init();
	modes_init();
	s = number(s, &seed);
	if (*s)
		s = number(s, &first);
	if (*s && *s != 'v' && *s != 'r')
		s = number(s, &count);
	while (*s == 'v' || *s == 'r') {
		if (*s == 'v') {
			s = number(s + 1, &verbose_from);
		} else {
			s = number(s + 1, &from);
			s = number(s, &to);
		}
	}
	print("fuzz: seed 0x%lx batches %lu to %lu, %u operations each\n", seed,
	      first, first + count - 1, FUZZ_BATCH_OPS);
	for (uint64_t batch = first; batch < first + count; batch++) {
		rng = seed ^ (batch * 0xd1b54a32d192ed03ull);
		for (int i = 0; i < FUZZ_BATCH_OPS; i++)
			generate(&program[i]);
		/* On a line of its own: the UART may have left one open. */
		print("\nfuzz: seed 0x%lx batch %lu\n", seed, batch);
		for (int i = 0; i < FUZZ_BATCH_OPS; i++) {
			const struct op *o = &program[i];

			if ((uint64_t)i < from || (uint64_t)i >= to)
				continue;
			if ((uint64_t)i >= verbose_from)
				print("fuzz: op %d %s sub 0x%x width %u a 0x%x "
				      "b 0x%lx c 0x%lx\n",
				      i, op_names[o->kind], o->sub, o->width,
				      o->a, o->b, o->c);
			run_op(o);
		}
		/* The oracle after the batch (docs/guest-abi.md): hv checks
		 * its own memory and the host's registers now, and stops
		 * the guest if anything changed. */
		hv_check();
	}
	print("fuzz: seed 0x%lx done\n", seed);
	return 0;
}
