/* hostile_cr: control-register writes a guest must not make: setting
 * CR4.VMXE (nested VMX), clearing CR0.PG or CR0.PE (leaving the mode the
 * hypervisor runs it in), setting a reserved CR0 bit, clearing CR4.PAE,
 * setting CR4.OSXSAVE or clearing CR0.EM (the host switches neither XSAVE
 * nor x87 state). Proves that each raises #GP in the guest, that XSETBV,
 * with CR4.OSXSAVE still clear, raises #UD, that x87 instructions raise
 * #NM, that CR8 is a virtual TPR (15 reads back; the host's local-APIC
 * TPR, which the real CR8 is, never changes), and that CR0 and CR4 read
 * back unchanged. Ends with status 0 (result=ok) when every check passed,
 * else the number of failed checks (result=error). */
#include "lib.h"

#define CR0_RESERVED_BIT32 (1ull << 32)
#define XCR0_X87 1ull

/* XSETBV with lib.c's fixup armed, as its *_safe accessors. */
static int xsetbv_safe(uint32_t xcr, uint64_t value)
{
	uint32_t lo = (uint32_t)value, hi = (uint32_t)(value >> 32);

	return GUEST_SAFE_INSN("xsetbv", "+a"(lo), "+d"(hi), "+c"(xcr));
}

static int write_cr8_safe(uint64_t value)
{
	return GUEST_SAFE_INSN("mov %[v], %%cr8", [v] "+r"(value));
}

static uint64_t read_cr8(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr8, %0" : "=r"(v));
	return v;
}

int guest_main(struct hv_info *info);
int guest_main(struct hv_info *info)
{
	(void)info;
	guest_exceptions_init();
	uint64_t cr0 = read_cr0(), cr4 = read_cr4();

	guest_printf("hostile_cr: CR0 0x%lx, CR4 0x%lx; setting CR4.VMXE, "
		     "clearing CR0.PG, CR0.PE and CR0.EM, setting "
		     "CR4.OSXSAVE, XSETBV, x87, CR8\n",
		     cr0, cr4);
	check(!(cr4 & CR4_VMXE), "CR4 does not show the host's VMXE");
	check_raises(write_cr4_safe(cr4 | CR4_VMXE), EXC_GP,
		     "setting CR4.VMXE raises #GP");
	check_raises(write_cr0_safe(cr0 & ~CR0_PG), EXC_GP,
		     "clearing CR0.PG raises #GP");
	check_raises(write_cr0_safe(cr0 & ~CR0_PE), EXC_GP,
		     "clearing CR0.PE raises #GP");
	check_raises(write_cr0_safe(cr0 | CR0_RESERVED_BIT32), EXC_GP,
		     "setting CR0 bit 32 (reserved) raises #GP");
	check_raises(write_cr4_safe(cr4 & ~CR4_PAE), EXC_GP,
		     "clearing CR4.PAE raises #GP");
	check_raises(write_cr4_safe(cr4 | CR4_OSXSAVE), EXC_GP,
		     "setting CR4.OSXSAVE raises #GP");
	check_raises(xsetbv_safe(0, XCR0_X87), EXC_UD,
		     "XSETBV with CR4.OSXSAVE clear raises #UD");
	check(cr0 & CR0_EM, "CR0.EM is set: no x87");
	check_raises(write_cr0_safe(cr0 & ~CR0_EM), EXC_GP,
		     "clearing CR0.EM raises #GP");
	check_raises(GUEST_SAFE_INSN("fninit"), EXC_NM, "FNINIT raises #NM");
	check(write_cr8_safe(15) == 0 && read_cr8() == 15,
	      "MOV to CR8 of 15 reads back 15 (a virtual TPR)");
	check_raises(write_cr8_safe(16), EXC_GP,
		     "MOV to CR8 with reserved bit 4 raises #GP");
	check(read_cr8() == 15, "CR8 still reads 15");
	check(read_cr0() == cr0, "CR0 reads back unchanged");
	check(read_cr4() == cr4, "CR4 reads back unchanged");
	guest_printf("hostile_cr: %d of %d checks passed\n",
		     check_count() - check_failures(), check_count());
	return check_failures();
}
