/* The tiny guest: exercises every control the mission names and checks
 * the answers itself. Its exit counts are part of make test's contract
 * (tests/integration.sh): change one, change the other. */
#include "lib.h"

#define MSR_NONEXISTENT 0x12345678

static void cpuid_checks(void)
{
	uint32_t a, b, c, d;
	char sig[13];

	cpuid(HV_CPUID_SIGNATURE_LEAF, &a, &b, &c, &d); /* cpuid exit 1 */
	for (int i = 0; i < 4; i++) {
		sig[i] = (char)(b >> (8 * i));
		sig[4 + i] = (char)(c >> (8 * i));
		sig[8 + i] = (char)(d >> (8 * i));
	}
	sig[12] = '\0';
	bool same = true;

	for (int i = 0; i < 12; i++)
		same &= sig[i] == HV_CPUID_SIGNATURE[i];
	check(same, "CPUID 0x40000000 names the hypervisor");
	cpuid(1, &a, &b, &c, &d); /* cpuid exit 2 */
	check(!(c & (1u << 5)) && (c & (1u << 31)),
	      "CPUID 1 hides VMX and sets the hypervisor bit");
}

static void msr_checks(void)
{
	uint64_t v = 0;

	/* Trapped: emulated into the VMCS's guest SYSENTER_ESP. */
	check(wrmsr_safe(MSR_IA32_SYSENTER_ESP, 0x123456789000ull) == 0 &&
		      rdmsr_safe(MSR_IA32_SYSENTER_ESP, &v) == 0 &&
		      v == 0x123456789000ull,
	      "WRMSR/RDMSR IA32_SYSENTER_ESP (trapped) round-trips");
	check(rdmsr_safe(MSR_IA32_EFER, &v) == 0 &&
		      (v & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA),
	      "RDMSR IA32_EFER (trapped) shows long mode");
	/* Free through the MSR bitmap: no exit. */
	check(rdmsr_safe(MSR_IA32_TIME_STAMP_COUNTER, &v) == 0 && v != 0,
	      "RDMSR IA32_TIME_STAMP_COUNTER (free) works");
	check(wrmsr_safe(MSR_IA32_FS_BASE, 0x5000) == 0 &&
		      rdmsr_safe(MSR_IA32_FS_BASE, &v) == 0 && v == 0x5000,
	      "WRMSR/RDMSR IA32_FS_BASE (free) round-trips");
	/* Trapped, unknown: #GP injected and taken by our IDT. */
	check(rdmsr_safe(MSR_NONEXISTENT, &v) == -1 &&
		      guest_last_exception == EXC_GP,
	      "RDMSR of a nonexistent MSR raises #GP in the guest");
}

static void cr3_checks(void)
{
	uint64_t cr3 = read_cr3(); /* CR3-store exit */
	volatile uint64_t *probe = (volatile uint64_t *)0x1ff000;
	volatile uint64_t *alias =
		(volatile uint64_t *)(HV_GUEST_ALIAS_BASE + 0x1ff000);

	check(cr3 == HV_GUEST_PML4, "MOV from CR3 shows the entry CR3");
	*probe = 0;
	write_cr3(HV_GUEST_PML4_ALT); /* CR3-load exit */
	*alias = 0xc3c3c3c3ull;	      /* only mapped in this address space */
	write_cr3(cr3);		      /* CR3-load exit */
	check(*probe == 0xc3c3c3c3ull && read_cr3() == cr3,
	      "MOV to CR3 switched address spaces and back");
}

static void io_checks(void)
{
	outb(0x80, 0x42); /* free through the I/O bitmap: no exit */
	check(inb(0x61) == 0xff, "IN from an unlisted port (0x61) is denied");
}

static void preemption_checks(struct hv_info *info)
{
	uint64_t spins = 0;

	/* Only the VMX-preemption timer can move this counter. */
	while (info->preemptions < 2)
		spins++;
	check(info->preemptions >= 2,
	      "the VMX-preemption timer took the CPU away twice");
}

static void vmcall_checks(void)
{
	check(hypercall(HV_HC_VERSION, 0, 0) == HV_ABI_VERSION,
	      "VMCALL HV_HC_VERSION answers the ABI version");
	check(hypercall(0xdead, 0, 0) == HV_HC_ENOSYS,
	      "VMCALL with an unknown number returns HV_HC_ENOSYS");
	guest_print_hypercall("tiny guest: hello through VMCALL\n");
}

int guest_main(struct hv_info *info);
int guest_main(struct hv_info *info)
{
	guest_exceptions_init();
	guest_printf("tiny guest: hello over the emulated UART (ABI %u, "
		     "%u KiB)\n",
		     info->abi_version, info->mem_size / 1024);
	check(info->magic == HV_INFO_MAGIC, "struct hv_info is in place");
	cpuid_checks();
	msr_checks();
	cr3_checks();
	io_checks();
	preemption_checks(info);
	vmcall_checks();
	guest_printf("tiny guest: %d of %d checks passed\n",
		     check_count() - check_failures(), check_count());
	if (check_failures())
		return check_failures();
	halt(); /* HLT exit: the guest is done */
	return 0;
}
