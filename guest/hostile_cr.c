/* hostile_cr: control-register writes a guest must not make: setting
 * CR4.VMXE (nested VMX), clearing CR0.PG or CR0.PE (leaving the mode the
 * hypervisor runs it in), setting a reserved CR0 bit, clearing CR4.PAE,
 * and setting CR4.OSXSAVE (the host does not switch XSAVE state). Proves
 * that each raises #GP in the guest, that XSETBV, with CR4.OSXSAVE still
 * clear, raises #UD, and that CR0 and CR4 read back unchanged. Ends with
 * status 0 (result=ok) when every check passed, else the number of failed
 * checks (result=error). */
#include "lib.h"

#define EXC_UD 6
#define EXC_GP 13
#define CR0_PE (1ull << 0)
#define CR0_PG (1ull << 31)
#define CR0_RESERVED_BIT32 (1ull << 32)
#define CR4_PAE (1ull << 5)
#define CR4_VMXE (1ull << 13)
#define CR4_OSXSAVE (1ull << 18)
#define XCR0_X87 1ull

/* ---- expecting #UD -----------------------------------------------------
 * lib.c's fixup belongs to its *_safe accessors, so this guest points the
 * #UD gate of lib.c's IDT at a stub of its own: with ud_fixup_rip armed it
 * sets guest_last_exception and resumes there; unarmed, the guest ends as
 * lib.c's handler would end it. #GP stays with lib.c, for its *_safe
 * accessors. */
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

/* XSETBV with the #UD fixup armed, as lib.c's *_safe accessors: -1 with
 * the vector in guest_last_exception when it faulted, else 0. */
static int xsetbv_safe(uint32_t xcr, uint64_t value)
{
	uint32_t lo = (uint32_t)value, hi = (uint32_t)(value >> 32);
	int rc;

	guest_last_exception = -1;
	__asm__ volatile("leaq 1f(%%rip), %%r11\n\t"
			 "movq %%r11, %[fix]\n\t"
			 "xsetbv\n\t"
			 "movl $0, %[rc]\n\t"
			 "jmp 2f\n"
			 "1:\tmovl $-1, %[rc]\n"
			 "2:\tmovq $0, %[fix]"
			 : [rc] "=&r"(rc), [fix] "+m"(ud_fixup_rip), "+a"(lo),
			   "+d"(hi), "+c"(xcr)
			 :
			 : "r11", "cc", "memory");
	return rc;
}

static void expect(int rc, int vector, const char *what)
{
	bool ok = rc == -1 && guest_last_exception == vector;

	if (!ok)
		guest_printf("hostile_cr: %s: rc %d, vector %d\n", what, rc,
			     guest_last_exception);
	check(ok, what);
}

int guest_main(struct hv_info *info);
int guest_main(struct hv_info *info)
{
	(void)info;
	ud_fixup_init();
	uint64_t cr0 = read_cr0(), cr4 = read_cr4();

	guest_printf("hostile_cr: CR0 0x%lx, CR4 0x%lx; setting CR4.VMXE, "
		     "clearing CR0.PG and CR0.PE, setting CR4.OSXSAVE, "
		     "XSETBV\n",
		     cr0, cr4);
	check(!(cr4 & CR4_VMXE), "CR4 does not show the host's VMXE");
	expect(write_cr4_safe(cr4 | CR4_VMXE), EXC_GP,
	       "setting CR4.VMXE raises #GP");
	expect(write_cr0_safe(cr0 & ~CR0_PG), EXC_GP,
	       "clearing CR0.PG raises #GP");
	expect(write_cr0_safe(cr0 & ~CR0_PE), EXC_GP,
	       "clearing CR0.PE raises #GP");
	expect(write_cr0_safe(cr0 | CR0_RESERVED_BIT32), EXC_GP,
	       "setting CR0 bit 32 (reserved) raises #GP");
	expect(write_cr4_safe(cr4 & ~CR4_PAE), EXC_GP,
	       "clearing CR4.PAE raises #GP");
	expect(write_cr4_safe(cr4 | CR4_OSXSAVE), EXC_GP,
	       "setting CR4.OSXSAVE raises #GP");
	expect(xsetbv_safe(0, XCR0_X87), EXC_UD,
	       "XSETBV with CR4.OSXSAVE clear raises #UD");
	check(read_cr0() == cr0, "CR0 reads back unchanged");
	check(read_cr4() == cr4, "CR4 reads back unchanged");
	guest_printf("hostile_cr: %d of %d checks passed\n",
		     check_count() - check_failures(), check_count());
	return check_failures();
}
