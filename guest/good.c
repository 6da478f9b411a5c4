/* good: a well-behaved guest, run after the hostile ones. Prints a line,
 * asks CPUID for the hypervisor's signature, asks VMCALL HV_HC_VERSION for
 * the ABI version, single-steps over an emulated CPUID (the #DB must
 * follow it, as on hardware), checks all three and ends with HLT
 * (result=ok). Proves that
 * the hypervisor is still whole after every hostile guest before it: a
 * fresh guest loads, runs and ends normally. Returns the number of failed
 * checks instead (result=error) if an answer is wrong. */
#include "lib.h"

static bool signature_is_ours(void)
{
	uint32_t a, b, c, d;
	const char *sig = HV_CPUID_SIGNATURE;
	bool same = true;

	cpuid(HV_CPUID_SIGNATURE_LEAF, &a, &b, &c, &d);
	for (int i = 0; i < 4; i++) {
		same &= (char)(b >> (8 * i)) == sig[i];
		same &= (char)(c >> (8 * i)) == sig[4 + i];
		same &= (char)(d >> (8 * i)) == sig[8 + i];
	}
	return same;
}

/* TF set by POPF traps after the next instruction: CPUID, which the
 * hypervisor emulates. The #DB must arrive with RIP just past the CPUID,
 * at good_after_cpuid, not an instruction later. On hardware and KVM the
 * VMM's pending-debug-exception BS bit is what puts it there; Bochs 2.7
 * raises the trap at VM entry either way, so there the unit test
 * (skipping_an_instruction_with_tf_single_steps) is what checks the VMM. */
extern const char good_after_cpuid[];

static __attribute__((noinline)) bool single_step_over_cpuid(void)
{
	uint32_t a = 0, b, c = 0, d;
	int rc = GUEST_SAFE_INSN("pushfq\n\t"
				 "orq $0x100, (%%rsp)\n\t"
				 "popfq\n\t"
				 "cpuid\n"
				 "good_after_cpuid:\n\t"
				 "nop",
				 "+a"(a), "=b"(b), "+c"(c), "=d"(d));

	if (rc != -1 || guest_last_exception != EXC_DB ||
	    guest_last_exception_rip != (uint64_t)good_after_cpuid)
		guest_printf("good: single step: rc %d, vector %d at 0x%lx, "
			     "CPUID ends at 0x%lx\n",
			     rc, guest_last_exception, guest_last_exception_rip,
			     (uint64_t)good_after_cpuid);
	return rc == -1 && guest_last_exception == EXC_DB &&
	       guest_last_exception_rip == (uint64_t)good_after_cpuid;
}

int guest_main(struct hv_info *info);
int guest_main(struct hv_info *info)
{
	guest_exceptions_init();
	guest_printf("good: a well-behaved guest after the hostile ones (ABI "
		     "%u)\n",
		     info->abi_version);
	check(info->magic == HV_INFO_MAGIC, "struct hv_info is in place");
	check(signature_is_ours(), "CPUID 0x40000000 names the hypervisor");
	check(hypercall(HV_HC_VERSION, 0, 0) == HV_ABI_VERSION,
	      "VMCALL HV_HC_VERSION answers the ABI version");
	check(single_step_over_cpuid(),
	      "single-stepping over CPUID traps right after it (#DB)");
	guest_printf("good: %d of %d checks passed\n",
		     check_count() - check_failures(), check_count());
	if (check_failures())
		return check_failures();
	halt(); /* HLT exit: result=ok */
	return 0;
}
