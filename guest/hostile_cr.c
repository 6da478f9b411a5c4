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

/* XSETBV with lib.c's fixup armed, as its *_safe accessors. */
static int xsetbv_safe(uint32_t xcr, uint64_t value)
{
	uint32_t lo = (uint32_t)value, hi = (uint32_t)(value >> 32);

	return GUEST_SAFE_INSN("xsetbv", "+a"(lo), "+d"(hi), "+c"(xcr));
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
	guest_exceptions_init();
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
