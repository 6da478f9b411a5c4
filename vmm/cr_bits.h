/* CR0 and CR4 bits — SDM 3A 2.5. */
#ifndef HV_CR_BITS_H
#define HV_CR_BITS_H

#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_AM (1ull << 18)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)

/* RFLAGS.IF — SDM 3A 2.3 "System Flags and Fields in the EFLAGS
 * Register". A VM exit clears it (SDM 3C 28.5.3 "Loading Host RIP, RSP,
 * RSSP, and RFLAGS": RFLAGS is 2). */
#define RFLAGS_IF (1ull << 9)

/* DR6 and DR7 — SDM 3B 18.2.3 "Debug Status Register (DR6)", 18.2.4
 * "Debug Control Register (DR7)". The exit qualification of a #DB exit
 * has B0-B3, BD, BS and RTM at the same positions (SDM 3C 28.2.1 "Basic
 * VM-Exit Information"). DR6.RTM is active low: 1 when no RTM #DB. */
#define DR6_B0_B3 0xfull
#define DR6_BD (1ull << 13)
#define DR6_BS (1ull << 14)
#define DR6_RTM (1ull << 16)
#define DR7_GD (1ull << 13)

#define CR4_VME (1ull << 0)
#define CR4_PVI (1ull << 1)
#define CR4_TSD (1ull << 2)
#define CR4_DE (1ull << 3)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_MCE (1ull << 6)
#define CR4_PGE (1ull << 7)
#define CR4_PCE (1ull << 8)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_VMXE (1ull << 13)
#define CR4_PCIDE (1ull << 17)
#define CR4_OSXSAVE (1ull << 18)

/* What the guest may set in CR4. Not VMXE (no nested VMX), not OSFXSR or
 * OSXSAVE (the host does not switch vector state), not PCIDE. */
#define CR4_GUEST_ALLOWED \
	(CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_MCE | CR4_PGE | CR4_PCE)

/* CR4 bits whose change flushes the TLB (SDM 3A 4.10.4.1): with VPID, VM
 * entry does not, so the VMM must when it emulates the write. */
#define CR4_TLB_BITS (CR4_PSE | CR4_PAE | CR4_PGE)

/* The CR0 bits the host owns: changing them traps (guest/host mask). EM
 * stays 1, so x87 instructions raise #NM: the host never switches x87
 * state, and the guest must not leave its own in the firmware's FPU. */
#define CR0_HOST_OWNED \
	(CR0_PE | CR0_EM | CR0_ET | CR0_NE | CR0_NW | CR0_CD | CR0_PG)

/* CR0 bits a guest must keep set: long mode needs PE and PG; EM keeps
 * x87 out (see above). */
#define CR0_GUEST_REQUIRED (CR0_PE | CR0_EM | CR0_PG)

/* CR8 holds the task priority in bits 3:0; the rest is reserved. */
#define CR8_TPR_MASK 0xfull

#endif
