/* hostile_rip: an emulated instruction that ends at the top of the lower
 * canonical half. The guest maps a page of its own just below linear
 * 0x0000800000000000 (its own page tables under the PML4 it was given),
 * puts a CPUID (which exits) in the last 2 bytes and jumps there: the
 * next RIP, 0x0000800000000000, is not canonical, and a VM entry with it
 * fails. Proves that the hypervisor answers as a CPU would, with #GP(0)
 * in the guest (on the CPUID: see vcpu_next_rip in vmm/vcpu.c), instead of
 * failing the entry. Before the fix, a CPU with 48-bit linear addresses
 * failed that entry (result=error why=vm_entry_failed); Bochs, whose
 * entry check let the RIP through, delivered the #GP at
 * 0x0000800000000000 after the CPUID (result=error status=1).
 * Ends with status 0 (result=ok) when every check passed, else the number
 * of failed checks (result=error). */
#include "lib.h"

#define TOP_PAGE 0x00007ffffffff000ull /* the last 4-KiB page below the hole */
#define CPUID_AT (TOP_PAGE + 0xffe)

static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd[512] __attribute__((aligned(4096)));
static uint64_t pt[512] __attribute__((aligned(4096)));
static uint8_t code[4096] __attribute__((aligned(4096)));

int guest_main(struct hv_info *info);
int guest_main(struct hv_info *info)
{
	/* Linear = physical below 1 GiB: the PML4 at CR3 is writable here. */
	uint64_t *pml4 = (uint64_t *)(read_cr3() & ~0xfffull);
	uint32_t a = 0, b, c = 0, d;
	uint64_t target = CPUID_AT;

	(void)info;
	guest_exceptions_init();
	guest_printf("hostile_rip: CPUID at 0x%lx, the last 2 bytes below the "
		     "non-canonical hole\n",
		     target);
	pml4[(TOP_PAGE >> 39) & 511] = (uint64_t)pdpt | (PTE_P | PTE_RW);
	pdpt[(TOP_PAGE >> 30) & 511] = (uint64_t)pd | (PTE_P | PTE_RW);
	pd[(TOP_PAGE >> 21) & 511] = (uint64_t)pt | (PTE_P | PTE_RW);
	pt[(TOP_PAGE >> 12) & 511] = (uint64_t)code | (PTE_P | PTE_RW);
	write_cr3(read_cr3());
	code[0xffe] = 0x0f; /* CPUID */
	code[0xfff] = 0xa2;
	check(*(volatile uint8_t *)(TOP_PAGE + 0xffe) == 0x0f,
	      "the page below the hole is mapped");

	/* A jump, not a call: the fixup resumes with the RSP of the fault. */
	int rc = GUEST_SAFE_INSN("jmp *%[t]", [t] "+r"(target), "+a"(a),
				 "=b"(b), "+c"(c), "=d"(d));

	check_raises(rc, EXC_GP,
		     "an instruction whose next RIP is not "
		     "canonical raises #GP");
	check(guest_last_exception_rip == CPUID_AT,
	      "the #GP is reported on the CPUID itself");
	guest_printf("hostile_rip: #GP at RIP 0x%lx; %d of %d checks passed\n",
		     guest_last_exception_rip, check_count() - check_failures(),
		     check_count());
	return check_failures();
}
