/* The VMCALL interface of resident mode (docs/resident.md): what code at
 * CPL 0 under hv resident (the firmware, an OS's kernel, hv.efi itself)
 * may ask. EAX holds the function; the answer comes back in RAX, RBX,
 * RCX and RDX (and RSI and RDI for RESIDENT_VMCALL_CPU). At CPL > 0 VMCALL
 * raises #UD, as without a VMM (SDM 2, "VMCALL"). An unknown function returns RESIDENT_VMCALL_ERROR in RAX. */
#ifndef HV_RESIDENT_ABI_H
#define HV_RESIDENT_ABI_H

/* Is hv here? RAX = RESIDENT_MAGIC, RBX = this CPU's number (EFI MP
 * services' processor number), RCX = how many CPUs hv runs on, RDX =
 * this CPU's VM exits so far. */
#define RESIDENT_VMCALL_PRESENT 0x68760001u
/* This CPU's VM exits: ECX = a basic exit reason (SDM 3C Appendix C)
 * gives RAX = that reason's count, ECX = 0xFFFFFFFF the total; RBX =
 * this CPU's number. */
#define RESIDENT_VMCALL_EXITS 0x68760002u
/* This CPU leaves VMX operation: VMXOFF, and the CPU goes on after the
 * VMCALL with the guest's state as its own (RAX = 0). The other CPUs
 * stay in VMX until each makes the call. */
#define RESIDENT_VMCALL_UNLOAD 0x68760003u
/* Another CPU as hv sees it: ECX = its processor number gives RAX = 1
 * while it is in VMX non-root operation (0 if not), RDX = its VM exits,
 * RBX its CPUID exits, RCX its INIT exits, RSI the NMIs that came while
 * hv ran in VMX root there and were passed on to the guest, RDI the
 * interrupts its local APIC held when an INIT and a SIPI restarted it,
 * which hv took as the INIT would have dropped them; no MP services
 * needed. */
#define RESIDENT_VMCALL_CPU 0x68760004u
/* The IDTR this CPU has in VMX root, read there (SIDT in the VMCALL's
 * exit handler): RAX = its base, RBX = its limit (a VM exit sets FFFFH),
 * RCX = 1 if it is hv's own host IDT for this CPU, in hv's pool. */
#define RESIDENT_VMCALL_HOST_IDTR 0x68760005u

/* hv's runtime driver (hvrt.efi) has returned to the firmware: its image
 * becomes hv's alone, hidden from the guest like hv's pool, but for its
 * headers and base relocations (SetVirtualAddressMap reads them). This
 * CPU switches to the EPT without it at once, the others at their next
 * VM exit; hv.efi asks every CPU in turn. RAX = the bytes hidden, RBX =
 * the image's base, RCX = its size, RDX = 1 if this CPU switched now (0:
 * it had), RSI = the first hidden byte's address; RESIDENT_VMCALL_ERROR
 * in RAX while RIP is in the image, or where the image could not be read
 * as PE32+ at --resident. */
#define RESIDENT_VMCALL_SEAL 0x68760006u

#define RESIDENT_MAGIC 0x4856524553494400ull /* "HVRESID\0" */
#define RESIDENT_VMCALL_ERROR 0xffffffffffffffffull
#define RESIDENT_EXITS_TOTAL 0xffffffffu

#endif
