/* hostile_state: writes the host state that the VMCS does not switch and
 * that reaches the real registers without a VM exit: the debug registers
 * DR0-DR3, DR6 and DR7 (MOV DR does not exit here), through SWAPGS
 * IA32_KERNEL_GS_BASE, CR2 (MOV to CR2 does not exit), and the SYSCALL
 * MSRs STAR, LSTAR, CSTAR and FMASK (the MSR bitmap passes them); then,
 * with EFER.SCE, SYSCALLs into its own handler, SYSRETs to CPL 3 and
 * SYSCALLs back. Proves that the guest really holds those registers
 * while it runs (each starts at its power-on value, not the host's, and
 * reads back what it wrote; SYSCALL goes to the guest's LSTAR with its
 * STAR and FMASK, not the host's) and that the hypervisor gives the host
 * its own values back afterwards: the host's line "hv: host state after
 * the run: as before" follows this run. Also that FS.base, GS.base and
 * IA32_PAT start as docs/guest-abi.md says (0, 0, the power-on PAT) and
 * that RDMSR and WRMSR reach the guest's own IA32_KERNEL_GS_BASE. Ends with status
 * 0 (result=ok) when every check passed, else the number of failed checks
 * (result=error). */
#include "lib.h"

/* SYSCALL loads CS = STAR[47:32] (0x08, the entry GDT's code) and SS =
 * that + 8 (0x10); SYSRET to 64-bit code CS = STAR[63:48] + 16 and SS =
 * STAR[63:48] + 8, both with RPL 3 (SDM 2 "SYSCALL", "SYSRET"). Neither
 * reads the GDT. */
#define STAR_VALUE (0x0020ull << 48 | 0x0008ull << 32)
#define USER_CS (0x20 + 16 + 3)

#define DEFINE_DR(n)                                              \
	static void write_dr##n(uint64_t v)                       \
	{                                                         \
		__asm__ volatile("mov %0, %%dr" #n ::"r"(v));     \
	}                                                         \
	static uint64_t read_dr##n(void)                          \
	{                                                         \
		uint64_t v;                                       \
		__asm__ volatile("mov %%dr" #n ", %0" : "=r"(v)); \
		return v;                                         \
	}
DEFINE_DR(0)
DEFINE_DR(1)
DEFINE_DR(2)
DEFINE_DR(3)
DEFINE_DR(6)
DEFINE_DR(7)

static uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static void write_cr2(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr2" ::"r"(v));
}

/* What the SYSCALL handler saw, one slot per SYSCALL: RCX (the return
 * RIP), R11 (the caller's RFLAGS), its own RFLAGS (FMASK applied). */
volatile uint64_t sc_stage, sc_rcx[2], sc_r11[2], sc_flags[2], sc_user_cs,
	sc_rsp;
extern const char sc_after_first[], sc_user_after[];
void sc_round_trip(void);
void sc_lstar(void);

/* sc_round_trip (CPL 0, DF set) SYSCALLs to sc_lstar, which SYSRETs to
 * sc_user at CPL 3 (IF off); sc_user reads CS and SYSCALLs again; the
 * handler then returns to sc_round_trip's caller at CPL 0 (SYSCALL set
 * CS and SS back to 0x08 and 0x10). The stack is one flat RSP throughout:
 * SYSCALL does not switch it. */
__asm__(".text\n"
	".globl sc_round_trip\n"
	"sc_round_trip:\n"
	"	push %rbx\n	push %rbp\n	push %r12\n"
	"	push %r13\n	push %r14\n	push %r15\n"
	"	mov %rsp, sc_rsp(%rip)\n"
	"	std\n"
	"	syscall\n"
	".globl sc_after_first\n"
	"sc_after_first:\n"
	"	ud2\n"
	"sc_user:\n"
	"	mov %cs, %eax\n"
	"	syscall\n"
	".globl sc_user_after\n"
	"sc_user_after:\n"
	"	ud2\n"
	".globl sc_lstar\n"
	"sc_lstar:\n"
	"	pushfq\n	pop %rdx\n"
	"	mov sc_stage(%rip), %rsi\n"
	"	lea sc_rcx(%rip), %rdi\n	mov %rcx, (%rdi,%rsi,8)\n"
	"	lea sc_r11(%rip), %rdi\n	mov %r11, (%rdi,%rsi,8)\n"
	"	lea sc_flags(%rip), %rdi\n	mov %rdx, (%rdi,%rsi,8)\n"
	"	incq sc_stage(%rip)\n"
	"	test %rsi, %rsi\n	jnz 1f\n"
	"	lea sc_user(%rip), %rcx\n	mov $2, %r11d\n"
	"	sysretq\n"
	"1:	mov %rax, sc_user_cs(%rip)\n"
	"	mov sc_rsp(%rip), %rsp\n"
	"	cld\n"
	"	pop %r15\n	pop %r14\n	pop %r13\n"
	"	pop %r12\n	pop %rbp\n	pop %rbx\n"
	"	ret\n");

/* CPL 3 fetches and stack accesses need U/S at every level of the walk:
 * set it on the entries that map the first 2 MiB (SMEP and SMAP are off,
 * so CPL 0 keeps its access). */
static void make_first_2mib_user(void)
{
	uint64_t *pml4 = (uint64_t *)(read_cr3() & ~0xfffull);
	uint64_t *pdpt = (uint64_t *)(pml4[0] & 0xffffffffff000ull);
	uint64_t *pd = (uint64_t *)(pdpt[0] & 0xffffffffff000ull);

	pml4[0] |= PTE_US;
	pdpt[0] |= PTE_US;
	pd[0] |= PTE_US;
	write_cr3(read_cr3());
}

static void syscall_msrs_and_cr2(void)
{
	static const uint32_t msrs[] = {MSR_IA32_STAR, MSR_IA32_LSTAR,
					MSR_IA32_CSTAR, MSR_IA32_FMASK};
	uint64_t v[4] = {1, 1, 1, 1}, efer = 0;
	int bad = 0;

	check(read_cr2() == 0, "CR2 starts at 0, not the host's");
	write_cr2(0x123000);
	check(read_cr2() == 0x123000, "CR2 holds what the guest wrote");
	for (int i = 0; i < 4; i++)
		bad |= rdmsr_safe(msrs[i], &v[i]);
	check(!bad && !v[0] && !v[1] && !v[2] && !v[3],
	      "STAR, LSTAR, CSTAR and FMASK read 0 (power-on), not the "
	      "host's");
	bad = wrmsr_safe(MSR_IA32_STAR, STAR_VALUE) |
	      wrmsr_safe(MSR_IA32_LSTAR, (uint64_t)sc_lstar) |
	      wrmsr_safe(MSR_IA32_CSTAR, 0xffff800000001000ull) |
	      wrmsr_safe(MSR_IA32_FMASK, RFLAGS_DF);
	for (int i = 0; i < 4; i++)
		bad |= rdmsr_safe(msrs[i], &v[i]);
	check(!bad && v[0] == STAR_VALUE && v[1] == (uint64_t)sc_lstar &&
		      v[2] == 0xffff800000001000ull && v[3] == RFLAGS_DF,
	      "STAR, LSTAR, CSTAR and FMASK hold what the guest wrote");
	check_raises(wrmsr_safe(MSR_IA32_LSTAR, 0x0000800000000000ull), EXC_GP,
		     "a non-canonical LSTAR raises #GP (the CPU's own check)");
	if (bad) /* SYSCALL would go to the host's LSTAR: not tried */
		return;
	bad = rdmsr_safe(MSR_IA32_EFER, &efer) ||
	      wrmsr_safe(MSR_IA32_EFER, efer | EFER_SCE);
	check(!bad, "EFER.SCE set");
	if (bad)
		return;
	make_first_2mib_user();
	sc_round_trip();
	check(sc_stage == 2, "SYSCALL, SYSRET, SYSCALL: the guest's handler "
			     "ran twice");
	check(sc_rcx[0] == (uint64_t)sc_after_first &&
		      (sc_r11[0] & RFLAGS_DF) && !(sc_flags[0] & RFLAGS_DF),
	      "SYSCALL went to the guest's LSTAR, RCX and R11 saved, its "
	      "FMASK cleared DF");
	check(sc_rcx[1] == (uint64_t)sc_user_after && sc_r11[1] == 0x2 &&
		      (sc_user_cs & 0xffff) == USER_CS,
	      "SYSRET went to CPL 3 with the guest's STAR; SYSCALL came back");
	guest_printf("hostile_state: SYSCALL from CS 0x%lx, back at CPL 0\n",
		     sc_user_cs & 0xffff);
}

int guest_main(struct hv_info *info);
int guest_main(struct hv_info *info)
{
	uint64_t gs = 0, fs = 1, pat = 0;

	(void)info;
	guest_exceptions_init();
	guest_printf("hostile_state: writing DR0-DR3, DR6, DR7, with SWAPGS "
		     "IA32_KERNEL_GS_BASE, CR2, STAR, LSTAR, CSTAR, FMASK\n");
	check(rdmsr_safe(MSR_IA32_FS_BASE, &fs) == 0 && fs == 0 &&
		      rdmsr_safe(MSR_IA32_GS_BASE, &gs) == 0 && gs == 0,
	      "FS.base and GS.base start at 0");
	/* docs/guest-abi.md: RDMSR IA32_PAT raises #GP where the CPU does
	 * not switch PAT; where it does, the guest's starts at power-on. */
	if (rdmsr_safe(MSR_IA32_PAT, &pat) == 0)
		check(pat == PAT_POWER_ON,
		      "IA32_PAT starts at its power-on value, not the host's");
	check(read_dr0() == 0 && read_dr7() == 0x400,
	      "DR0 and DR7 start at their power-on values, not the host's");
	write_dr0(0x1000);
	write_dr1(0x2000);
	write_dr2(0x3000);
	write_dr3(0x4000);
	write_dr6(DR6_INIT | DR6_BS);
	write_dr7(DR7_INIT | DR7_GE);
	check(read_dr0() == 0x1000 && read_dr1() == 0x2000 &&
		      read_dr2() == 0x3000 && read_dr3() == 0x4000,
	      "DR0-DR3 hold what the guest wrote");
	check(read_dr6() & DR6_BS, "DR6 holds what the guest wrote");
	check(read_dr7() == (DR7_INIT | DR7_GE),
	      "DR7 holds what the guest wrote");

	/* SWAPGS exchanges GS.base with the real IA32_KERNEL_GS_BASE. */
	check(wrmsr_safe(MSR_IA32_GS_BASE, 0x5000) == 0, "GS.base set");
	__asm__ volatile("swapgs" ::: "memory");
	check(rdmsr_safe(MSR_IA32_GS_BASE, &gs) == 0 && gs == 0,
	      "IA32_KERNEL_GS_BASE started at 0, not the host's");
	check(rdmsr_safe(MSR_IA32_KERNEL_GS_BASE, &gs) == 0 && gs == 0x5000,
	      "RDMSR IA32_KERNEL_GS_BASE reads what SWAPGS put there");
	check(wrmsr_safe(MSR_IA32_KERNEL_GS_BASE, 0x6000) == 0 &&
		      rdmsr_safe(MSR_IA32_KERNEL_GS_BASE, &gs) == 0 &&
		      gs == 0x6000,
	      "WRMSR IA32_KERNEL_GS_BASE, read back");
	syscall_msrs_and_cr2();
	guest_printf("hostile_state: IA32_KERNEL_GS_BASE now holds 0x6000; "
		     "%d of %d checks passed\n",
		     check_count() - check_failures(), check_count());
	return check_failures();
}
