/* The guest ABI: what a guest may rely on. Shared by the VMM and the
 * guests; docs/guest-abi.md explains it in prose. */
#ifndef HV_ABI_H
#define HV_ABI_H

#include <stdint.h>

#define HV_ABI_VERSION 1

/* Guest-physical memory layout. Everything below HV_GUEST_LOAD_ADDR is
 * built by the VMM before the first instruction runs. */
#define HV_GUEST_MEM_SIZE UINT64_C(0x200000) /* 2 MiB, all of it RWX */
#define HV_GUEST_PML4 UINT64_C(0x1000)	     /* CR3 at entry */
#define HV_GUEST_PDPT UINT64_C(0x2000)
#define HV_GUEST_PD UINT64_C(0x3000)	   /* 2-MiB pages, VA = PA, 0..1 GiB */
#define HV_GUEST_PML4_ALT UINT64_C(0x4000) /* second address space, for CR3 */
#define HV_GUEST_PDPT_ALT UINT64_C(0x5000) /* ... maps 0..1 GiB twice */
#define HV_GUEST_GDT UINT64_C(0x6000)
#define HV_GUEST_TSS UINT64_C(0x7000)
#define HV_GUEST_INFO UINT64_C(0x8000)	     /* struct hv_info, RDI at entry */
#define HV_GUEST_LOAD_ADDR UINT64_C(0x10000) /* image loaded and entered here */
#define HV_GUEST_STACK_TOP HV_GUEST_MEM_SIZE
#define HV_GUEST_STACK_SIZE UINT64_C(0x10000)
#define HV_GUEST_MAX_IMAGE \
	(HV_GUEST_MEM_SIZE - HV_GUEST_STACK_SIZE - HV_GUEST_LOAD_ADDR)
/* In the alternate address space (CR3 = HV_GUEST_PML4_ALT), linear
 * HV_GUEST_ALIAS_BASE + x reaches physical x; in the first it faults. */
#define HV_GUEST_ALIAS_BASE UINT64_C(0x40000000)

/* Selectors in the GDT the VMM builds. */
#define HV_GUEST_CS 0x08
#define HV_GUEST_DS 0x10
#define HV_GUEST_TR 0x18

/* hv_info.arg: at most this many bytes less one (the NUL). */
#define HV_GUEST_ARG_MAX 64

/* At HV_GUEST_INFO. The VMM updates the counters while the guest runs. */
struct hv_info {
	uint64_t magic; /* HV_INFO_MAGIC */
	uint32_t abi_version;
	uint32_t mem_size;
	uint64_t image_size;
	volatile uint64_t preemptions; /* VMX-preemption timer expiries */
	/* hv.efi's --guest-arg=WORD, NUL-terminated; empty without it (and
	 * under an hv.efi older than the field: guest memory starts
	 * zeroed). The fuzz guest's seed (guest/fuzz.c). */
	char arg[HV_GUEST_ARG_MAX];
};
/* "via4info" in memory (little-endian) */
#define HV_INFO_MAGIC UINT64_C(0x6f666e6934616976)

/* The console: an emulated 16550 at COM1. THR writes are printed by the
 * host as "guest: <line>"; LSR always reads "transmitter empty". */
#define HV_UART_BASE 0x3f8
#define HV_UART_LSR (HV_UART_BASE + 5)
#define HV_UART_LSR_THRE 0x20
#define HV_UART_LSR_TEMT 0x40

/* Hypercalls: VMCALL with RAX = number, arguments in RDI, RSI; the result
 * comes back in RAX. */
enum hv_hypercall {
	HV_HC_PRINT = 0,   /* RDI = guest-physical buffer, RSI = length */
	HV_HC_EXIT = 1,	   /* RDI = status: 0 ok, else error; never returns */
	HV_HC_VERSION = 2, /* returns HV_ABI_VERSION */
	HV_HC_CHECK = 3,   /* hv checks itself now (the fuzzer's oracle) */
};
#define HV_HC_MAX_PRINT 4096
#define HV_HC_OK 0
#define HV_HC_ENOSYS ((uint64_t)-1) /* no such hypercall */
#define HV_HC_EINVAL ((uint64_t)-2) /* bad argument */
#define HV_HC_EFAULT ((uint64_t)-3) /* buffer outside guest memory */

/* CPUID leaf 0x40000000: EAX = highest hypervisor leaf
 * (HV_CPUID_EXITS_LEAF), EBX:ECX:EDX = this signature (12 bytes). */
#define HV_CPUID_SIGNATURE_LEAF 0x40000000u
#define HV_CPUID_SIGNATURE "MinimalVTxHv"
/* CPUID leaf 0x40000001: this CPU's VM exits as hv counted them, at any
 * CPL (VMCALL raises #UD outside CPL 0 on the resident machine, and an
 * OS's user space cannot make it): ECX = a basic exit reason (SDM 3D
 * Appendix C) gives EDX:EAX = that reason's count, ECX =
 * HV_CPUID_EXITS_TOTAL the count of all, ECX = HV_CPUID_EXITS_ABOVE_4G
 * the count of those at an instruction ending at or above 4 GiB (in
 * 64-bit mode an OS kernel's addresses; a firmware runs below), counted
 * as the instruction completes: the asking CPUID after the answer. EBX =
 * the highest basic reason hv counts. The CPUID asking is an exit too,
 * counted before the answer is read. */
#define HV_CPUID_EXITS_LEAF 0x40000001u
#define HV_CPUID_EXITS_TOTAL 0xffffffffu
#define HV_CPUID_EXITS_ABOVE_4G 0xfffffffeu

#endif
