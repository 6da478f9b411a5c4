/* KVM's own exit round trips, in the same unit as hv's (make bench).
 *
 * Runs in the KVM-in-Bochs Linux (built static, started by its /init
 * with kib.bench=1). It drives /dev/kvm directly: one VM, one memory
 * slot, one vCPU in 32-bit protected mode (flat segments, no paging),
 * and a KVM_RUN loop. The guest times, with fenced RDTSC like
 * guest/bench.c, one instruction at a time:
 *   cpuid     (leaf 0)             handled in the kernel (kvm_intel)
 *   vmcall    (hypercall 0)        handled in the kernel (-KVM_ENOSYS)
 *   rdmsr     (IA32_EFER)          handled in the kernel
 *   out       (port 0x11)          handled here, in user space:
 *                                  KVM_EXIT_IO, back through KVM_RUN
 * and reports each sample with an OUT to port 0x10 (outside the timed
 * block). Each figure has the minimum of the empty timed block (the
 * baseline) subtracted, as guest/bench.c does, so it is one round trip:
 * the instruction, the VM exit, KVM's handling, the VM entry.
 *
 * Under Bochs with "clock: sync=none" the TSC counts instructions, so
 * like hv's figures these are path lengths in instructions (L0 is Linux
 * on emulated VMX): comparable with hv's, not with real cycles.
 *
 * Output (scripts/bench.sh reads it), for each of two runs:
 *   kvm_bench: run=R kind=K n=1000 min=NN median=NN
 * then "kvm_bench: done". Exit 0, or 1 with a message naming the step. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define N 1000
#define GUEST_MEM 0x10000u
#define GUEST_CODE 0x1000u
#define PORT_REPORT 0x10
#define PORT_TIMED 0x11
#define MSR_EFER 0xc0000080u

/* The guest, 32-bit code, position independent (registers and
 * immediates only). TIMED runs INSN N times: each time, fenced RDTSC,
 * the same three register loads (EAX, ECX, EDX: the instruction's
 * inputs), INSN, fenced RDTSC, and the low 32 bits of the difference
 * reported on PORT_REPORT. The baseline is the block with INSN empty, so
 * the kinds differ from it by the instruction alone. */
__asm__(".pushsection .rodata\n"
	".globl kvm_guest_code\n"
	"kvm_guest_code:\n"
	".code32\n"
	".macro TIMED a, c, d, insn:vararg\n"
	"	mov $1000, %ebp\n"
	"1:	lfence\n	rdtsc\n	lfence\n"
	"	mov %eax, %esi\n"
	"	mov $\\a, %eax\n"
	"	mov $\\c, %ecx\n"
	"	mov $\\d, %edx\n"
	"	\\insn\n"
	"	lfence\n	rdtsc\n	lfence\n"
	"	sub %esi, %eax\n"
	"	mov $0x10, %edx\n	out %eax, %dx\n"
	"	dec %ebp\n	jnz 1b\n"
	".endm\n"
	"	TIMED 0, 0, 0\n"
	"	TIMED 0, 0, 0, cpuid\n"
	"	TIMED 0, 0, 0, vmcall\n"
	"	TIMED 0, 0xc0000080, 0, rdmsr\n"
	"	TIMED 0, 0, 0x11, out %al, %dx\n"
	"	hlt\n"
	".code64\n"
	".globl kvm_guest_code_end\n"
	"kvm_guest_code_end:\n"
	".popsection\n");
extern const unsigned char kvm_guest_code[], kvm_guest_code_end[];
_Static_assert(N == 1000, "the guest's loops count to 1000 (mov $1000)");

enum { K_BASELINE, K_CPUID, K_VMCALL, K_RDMSR, K_OUT, K_COUNT };
static const char *const kind_names[K_COUNT] = {
	"baseline", "cpuid", "vmcall", "rdmsr_efer", "out_user",
};

static uint32_t samples[K_COUNT][N];

static void die(const char *what)
{
	fprintf(stderr, "kvm_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void flat(struct kvm_segment *s, uint16_t sel, uint8_t type)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->db = 1;
	s->g = 1;
}

/* One run: a fresh VM, the guest from its first instruction to its HLT.
 * Returns 0, or 1 when the guest did something unexpected. */
static int run_once(int kvm, int run_no)
{
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);

	if (vm < 0)
		die("KVM_CREATE_VM");
	unsigned char *mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap guest memory");
	memcpy(mem + GUEST_CODE, kvm_guest_code,
	       (size_t)((uintptr_t)kvm_guest_code_end -
			(uintptr_t)kvm_guest_code));
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = GUEST_MEM,
		.userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die("KVM_SET_USER_MEMORY_REGION");
	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("KVM_CREATE_VCPU");
	int size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run))
		die("KVM_GET_VCPU_MMAP_SIZE");
	struct kvm_run *run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE,
				   MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");

	/* 32-bit protected mode, flat: CR0.PE only, no paging. */
	struct kvm_sregs sregs;
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS");
	flat(&sregs.cs, 0x08, 0xb); /* code, execute/read, accessed */
	flat(&sregs.ds, 0x10, 0x3); /* data, read/write, accessed */
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.cr0 = 0x11; /* PE, ET */
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS");
	struct kvm_regs regs = {
		.rip = GUEST_CODE,
		.rsp = GUEST_MEM - 16,
		.rflags = 0x2,
	};
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS");

	int kind = 0, i = 0;

	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			die("KVM_RUN");
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		if (run->exit_reason != KVM_EXIT_IO) {
			fprintf(stderr,
				"kvm_bench: unexpected exit reason %u\n",
				run->exit_reason);
			return 1;
		}
		if (run->io.port == PORT_TIMED)
			continue; /* the timed OUT: handled, nothing to do */
		if (run->io.port != PORT_REPORT || run->io.size != 4 ||
		    run->io.direction != KVM_EXIT_IO_OUT || kind >= K_COUNT) {
			fprintf(stderr, "kvm_bench: unexpected I/O port 0x%x\n",
				run->io.port);
			return 1;
		}
		memcpy(&samples[kind][i], (char *)run + run->io.data_offset, 4);
		if (++i == N) {
			i = 0;
			kind++;
		}
	}
	if (kind != K_COUNT) {
		fprintf(stderr, "kvm_bench: HLT after %d of %d kinds\n", kind,
			K_COUNT);
		return 1;
	}
	uint32_t base = 0;

	for (int k = 0; k < K_COUNT; k++) {
		qsort(samples[k], N, sizeof(samples[k][0]), cmp_u32);
		uint32_t min = samples[k][0], med = samples[k][N / 2];

		if (k == K_BASELINE)
			base = min;
		else
			min -= base, med -= base;
		printf("kvm_bench: run=%d kind=%s n=%d min=%u median=%u\n",
		       run_no, kind_names[k], N, min, med);
	}
	munmap(run, (size_t)size);
	munmap(mem, GUEST_MEM);
	close(vcpu);
	close(vm);
	return 0;
}

int main(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (kvm < 0)
		die("open /dev/kvm");
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		fprintf(stderr, "kvm_bench: KVM API version is not %d\n",
			KVM_API_VERSION);
		return 1;
	}
	for (int r = 1; r <= 2; r++)
		if (run_once(kvm, r) != 0)
			return 1;
	printf("kvm_bench: done\n");
	return 0;
}
