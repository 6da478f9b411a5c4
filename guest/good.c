/* good: a well-behaved guest, run after the hostile ones. Prints a line,
 * asks CPUID for the hypervisor's signature, asks VMCALL HV_HC_VERSION for
 * the ABI version, checks both and ends with HLT (result=ok). Proves that
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
	guest_printf("good: %d of %d checks passed\n",
		     check_count() - check_failures(), check_count());
	if (check_failures())
		return check_failures();
	halt(); /* HLT exit: result=ok */
	return 0;
}
