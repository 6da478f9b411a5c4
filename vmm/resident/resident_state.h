/* Resident mode's pure logic (docs/resident.md): the CPU's own state,
 * captured where hv.efi --resident runs on it, turned into the guest
 * state of a VMCS; the reset state an INIT leaves (SDM 3A 9.1.1,
 * "Processor State After Reset", Table 9-1); what CPUID and the hidden
 * MSRs say; the identity EPT with hv's own memory left out, typed by
 * the MTRRs. No hardware access here: tests/test_resident.c runs all of
 * it on the host. */
#ifndef HV_RESIDENT_STATE_H
#define HV_RESIDENT_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem/ept.h"
#include "x86/cpu_ops.h"
#include "x86/mtrr.h"
#include "vmx/exit_policy.h"

/* In the VMCS's order of segment registers (SDM 3C 25.4.1, "Guest
 * Register State"; the encodings ES..GS, then LDTR, TR). */
enum resident_seg {
	RSEG_ES,
	RSEG_CS,
	RSEG_SS,
	RSEG_DS,
	RSEG_FS,
	RSEG_GS,
	RSEG_LDTR,
	RSEG_TR,
	RSEG_COUNT
};

/* A segment register as the VMCS holds it: selector, base, limit (in
 * bytes) and access rights (SDM 3C 25.4.1, Table 25-2, "Format of
 * Access Rights"). */
struct resident_segment {
	uint16_t sel;
	uint64_t base;
	uint32_t limit, ar;
};

/* What resident_capture (resident_entry.S) and its caller read on the
 * CPU: the first nine fields are written by the assembly (their offsets
 * are fixed there), the rest by C right after. */
struct resident_capture {
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip, rflags;
	uint64_t cr0, cr3, cr4, dr7;
	uint16_t sel[RSEG_COUNT];
	uint64_t gdtr_base, idtr_base;
	uint16_t gdtr_limit, idtr_limit;
	uint64_t efer, pat, debugctl;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t fs_base, gs_base;
};

/* The VMX fixed bits (IA32_VMX_CR0_FIXED0/1, CR4_FIXED0/1) and whether
 * "unrestricted guest" is on, which frees CR0.PE and CR0.PG (SDM 3C
 * 27.3.1.1, "Checks on Guest Control Registers, Debug Registers, and
 * MSRs"). */
struct resident_fixed {
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	bool unrestricted;
};

/* VMCS guest-state values for one VM entry. */
struct resident_guest {
	struct resident_segment seg[RSEG_COUNT];
	uint64_t gdtr_base, idtr_base;
	uint32_t gdtr_limit, idtr_limit;
	uint64_t rip, rsp, rflags;
	uint64_t cr0, cr3, cr4, cr4_shadow, dr7;
	uint64_t efer, pat, debugctl;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint32_t activity; /* RESIDENT_ACTIVITY_* */
	bool ia32e;	   /* the "IA-32e mode guest" entry control */
	uint64_t gpr[16];  /* GPR_* order (vmx/vmx_entry.h); RSP unused */
};

/* Guest activity states (SDM 3C 25.4.2, "Guest Non-Register State"). */
#define RESIDENT_ACTIVITY_ACTIVE 0u
#define RESIDENT_ACTIVITY_WAIT_FOR_SIPI 3u

/* The CR4 bits the guest does not own: VMXE, which VMX operation needs
 * set and the guest must see clear (guest/host mask and read shadow,
 * SDM 3C 25.6.6, "Guest/Host Masks and Read Shadows for CR0 and CR4"). */
#define RESIDENT_CR4_HOST_OWNED (1ull << 13)

/* The value RAX holds in the guest when it resumes after its capture
 * (resident_capture returned 0 the first time). */
#define RESIDENT_RESUMED 1u

/* The guest state that resumes the captured CPU right after the capture,
 * in VMX non-root operation. @gdt: the captured GDT's bytes (gdtr_limit
 * + 1 of them). NULL, or why the capture cannot be a guest (e.g. a
 * selector in an LDT, or beyond the GDT). */
const char *resident_guest_from_capture(const struct resident_capture *c,
					const uint8_t *gdt,
					const struct resident_fixed *fx,
					struct resident_guest *g);

/* One segment register from its GDT descriptor (SDM 3A 3.4.5, "Segment
 * Descriptors"; 8.2.3, "TSS Descriptor in 64-bit mode"), as a VM entry
 * checks it (SDM 3C 27.3.1.2, "Checks on Guest Segment Registers"): a
 * null selector is unusable (TR: a minimal busy TSS at 0, since guest
 * TR must be usable and OVMF runs with TR = 0), code and data segments
 * accessed, a TSS busy. NULL or why not. */
const char *resident_segment_from_gdt(const uint8_t *gdt, uint32_t gdt_limit,
				      enum resident_seg which, uint16_t sel,
				      struct resident_segment *s);

/* The state INIT leaves (SDM 3A 9.1.1, Table 9-1, the INIT column),
 * waiting for SIPI: EDX the CPU's family, model and stepping
 * (@cpuid1_eax), real mode with CS.base FFFF0000H, RIP FFF0H. */
void resident_guest_at_init(uint32_t cpuid1_eax,
			    const struct resident_fixed *fx,
			    struct resident_guest *g);

/* A SIPI with @vector starts the CPU in real mode at vector:0000 (SDM 3A
 * 9.4.4.1, "Typical BSP Initialization Sequence"; 3C 26.2 SIPI exits). */
void resident_sipi_cs(uint8_t vector, struct resident_segment *cs,
		      uint64_t *rip);

/* CPUID for the resident guest: the processor's answer, but VMX hidden
 * and the hypervisor bit set (leaf 1); the 40000000H leaves are the exit
 * layer's (handle_cpuid.c). */
void resident_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r);

/* KVM's paravirtual CPUID leaves (Linux, Documentation/virt/kvm/x86/
 * cpuid.rst): 40000000H, the highest KVM leaf in EAX and "KVMKVMKVM\0\0\0"
 * in EBX, ECX, EDX; 40000001H, its features in EAX (bit 1: port 80H
 * delays are not needed) and hints in EDX. */
#define KVM_CPUID_SIGNATURE_LEAF 0x40000000u
#define KVM_CPUID_FEATURES_LEAF 0x40000001u
#define KVM_CPUID_SIGNATURE "KVMKVMKVM\0\0\0"
#define KVM_FEATURE_NOP_IO_DELAY (1u << 1)
#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3)
#define KVM_FEATURE_STEAL_TIME (1u << 5)
#define KVM_FEATURE_PV_EOI (1u << 6)
#define KVM_FEATURE_PV_SCHED_YIELD (1u << 13)
#define KVM_FEATURE_CLOCKSOURCE_STABLE_BIT (1u << 24)
/* KVM's hypercalls (Documentation/virt/kvm/x86/hypercalls.rst): VMCALL
 * with the number in RAX, the first argument in RBX, the result in RAX.
 * KVM_HC_SCHED_YIELD: this vCPU's time to the one whose APIC ID is in
 * RBX, if KVM preempted that one. */
#define KVM_HC_SCHED_YIELD 11u
/* Bit 0 of those of KVM's MSRs that name an area and can be turned off
 * (Documentation/virt/kvm/x86/msr.rst). */
#define KVM_MSR_ENABLED 1u
/* The VPID that tags the resident guest's translations (SDM 3C 29.1,
 * "Virtual Processor Identifiers (VPIDs)"): the same on every CPU, since
 * each has its own TLB. */
#define RESIDENT_VPID 1u
/* Where the resident guest finds KVM's leaves when KVM is below hv:
 * 100H up, since hv's own signature keeps 40000000H. Linux looks for
 * KVM's signature at every 100H from 40000000H (hypervisor_cpuid_base),
 * as it does where KVM shows Hyper-V's leaves first. */
#define RESIDENT_KVM_LEAVES 0x40000100u

/* Whether the hypervisor below hv is KVM: @cpuid1_ecx, the processor's
 * CPUID.1:ECX, says a hypervisor is there, and @sig, its answer to
 * 40000000H, carries KVM's signature (without a hypervisor that leaf is
 * no signature: SDM 2, "CPUID", leaves above the highest). */
bool resident_below_is_kvm(uint32_t cpuid1_ecx, const struct cpuid_regs *sig);

/* The guest's answer to @leaf in 40000100H-400001FFH where KVM is below
 * hv: @below is KVM's answer to @leaf - 100H. The signature, with the
 * highest leaf moved up; the features hv can pass on: none that is a
 * hypercall (the guest's VMCALL exits to hv), and those whose MSR names
 * an area KVM writes (below hv's EPT, so hv's own memory too) only with
 * the address checked (resident_kvm_area_ok): KVM_FEATURE_NOP_IO_DELAY,
 * CLOCKSOURCE2 and CLOCKSOURCE_STABLE_BIT (kvm-clock), STEAL_TIME,
 * PV_EOI; no hints; every other leaf 0. What the OS gains:
 * - KVM recognized: Linux then uses its x2APIC, whose registers are MSRs
 *   KVM handles in the kernel, where under an unknown hypervisor it
 *   keeps the xAPIC, each access an MMIO that KVM emulates;
 * - PV EOI: an interrupt's end is a write to memory, not a WRMSR;
 * - kvm-clock: the TSC's rate from KVM, not measured against the PIT
 *   (through QEMU's user space), and a clock KVM keeps;
 * - steal time: the time KVM gave this vCPU's CPU to others, and whether
 *   a vCPU is preempted (Linux's spinning on a lock holder stops). */
void resident_kvm_leaf(uint32_t leaf, const struct cpuid_regs *below,
		       struct cpuid_regs *r);

/* The CPU a PAUSE exit on CPU @self gives its time to (res_pause), of @n
 * CPUs (n >= 2), after @last: the next one, never @self, so that a spin
 * on @self reaches every other CPU in turn. */
unsigned int resident_yield_target(unsigned int last, unsigned int self,
				   unsigned int n);

/* PAUSE: trapped (exit and skip) only where hv itself runs under another
 * hypervisor (@cpuid1_ecx, the processor's CPUID.1:ECX, has the
 * hypervisor bit). Under nested KVM inside Bochs, Linux on resident hv
 * spinning with interrupts off for its AP (PAUSE in the loop) kept the
 * emulated CPU in the nested guest and hung the whole host below
 * (docs/resident.md); an exit at each PAUSE lets it go on. On hardware,
 * where that cannot happen, PAUSE stays the guest's: no exit per spin. */
enum exit_action resident_pause_policy(uint32_t cpuid1_ecx);

/* The MSRs hidden from the guest: IA32_FEATURE_CONTROL reads as the
 * processor's with both VMXON-enable bits clear (VMX off, as firmware
 * that disabled it leaves it), writes #GP (it is locked); the VMX
 * capability MSRs 480H-491H raise #GP; so do KVM's first paravirtual
 * clock MSRs 11H and 12H (no processor has them: under KVM, a write
 * would have KVM write the clock to the guest-physical address written,
 * hv's hidden memory included; KVM's later MSRs, 4B564D00H up, are
 * outside the bitmap's ranges and always exit). */
bool resident_msr_hidden(uint32_t msr);
/* true: *value is what RDMSR gives; false: #GP(0). @real: the MSR's own
 * value (only IA32_FEATURE_CONTROL's is used). */
bool resident_msr_read(uint32_t msr, uint64_t real, uint64_t *value);

/* A range of host-physical memory [base, base + size). */
struct resident_range {
	uint64_t base, size;
};

/* Whether [gpa, gpa + size) holds any of @hidden's memory (hv's). */
bool resident_hides(uint64_t gpa, uint64_t size,
		    const struct resident_range *hidden, size_t n);

/* KVM's paravirtual MSRs whose value is the guest-physical address of an
 * area KVM writes (Documentation/virt/kvm/x86/msr.rst): what hv passes on
 * where KVM is below, each once hv checked the address. KVM writes there
 * below hv's EPT, so an address in hv's memory would be written too. */
struct resident_kvm_area {
	uint32_t msr;
	uint32_t size;	 /* bytes KVM writes */
	uint32_t align;	 /* the alignment KVM's documentation asks */
	bool enable_bit; /* bit 0 turns it on; 0 alone turns it off */
};

/* The area @msr names, or NULL if it is none of those hv passes on. */
const struct resident_kvm_area *resident_kvm_area(uint32_t msr);

/* A WRMSR of @a's MSR that hv passes to KVM below: turning it off, or an
 * address aligned as @a asks whose @a->size bytes are none of hv's
 * (@hidden). false: #GP(0) to the guest, before KVM sees it (KVM's own
 * #GP for what it refuses comes back through resident_wrmsr_safe). */
bool resident_kvm_area_ok(const struct resident_kvm_area *a, uint64_t value,
			  const struct resident_range *hidden, size_t n);

/* Identity-maps guest-physical [0, @top), read, write, execute, each
 * page with the memory type the MTRRs @m give it (x86/mtrr.h): under EPT
 * they no longer apply, the EPT's type does (SDM 3C 29.3.7.2, "Memory
 * Type Used for Translated Guest-Physical Addresses"). 1-GiB pages where
 * @pages_1g (IA32_VMX_EPT_VPID_CAP bit 17) and a GiB is of one type and
 * holds none of hv's memory, else 2-MiB pages, and 4-KiB pages in a
 * 2-MiB page of more than one type or with some of hv's memory; the @n
 * ranges in @hidden, hv's own memory, stay unmapped. @top 2-MiB aligned,
 * every hidden range 4-KiB aligned; -1 if not, or out of table pages. */
int resident_ept_identity(struct ept *e, uint64_t top,
			  const struct resident_range *hidden, size_t n,
			  const struct mtrr_state *m, bool pages_1g);

/* What the MTRRs make of the identity map of [0, @top): the 2-MiB pages
 * of more than one type (mapped with 4-KiB pages) and the bytes that are
 * UC, hidden ranges included. */
struct resident_ept_types {
	size_t split;
	uint64_t uc;
};
void resident_ept_types(uint64_t top, const struct mtrr_state *m,
			struct resident_ept_types *t);

/* The host's own page tables (SDM 3A 4.5, "4-Level Paging"): [0, @top)
 * identity-mapped with 2-MiB pages, present, writable, supervisor, from
 * @pages (zeroed pages whose address is their physical address); an OS
 * that replaces the firmware's tables leaves these alone, since they lie
 * in hv's pool. @top 2-MiB aligned, at most 512 GiB. The PML4's address,
 * or 0 when out of pages. */
uint64_t resident_host_paging(const struct page_source *pages, uint64_t top);

/* Pages the identity map of [0, @top) needs at most: the PML4, the
 * PDPTs, the page directories, and a page table for each 2-MiB page the
 * MTRRs @m split (hidden ranges can only make it fewer). @m NULL: no
 * split, what resident_host_paging needs. */
size_t resident_ept_pages(uint64_t top, const struct mtrr_state *m);
/* The page tables the @n hidden ranges add at most: one for each 2-MiB
 * page they cover only in part. */
size_t resident_ept_hidden_pages(const struct resident_range *hidden, size_t n);

/* hv's runtime driver image (hvrt.efi, PE32+) at @image, @size bytes as
 * loaded: the ranges to hide from the guest once the driver has returned
 * (docs/resident.md), all of it but the page-rounded headers and base
 * relocation table, which the firmware's SetVirtualAddressMap reads
 * (edk2 RuntimeDxe re-applies a runtime image's relocations there).
 * Returns how many ranges (at most 2: before and after the relocations),
 * 0 if @image is no PE32+ image this can read. */
size_t resident_image_hidden(const uint8_t *image, uint64_t size,
			     struct resident_range hidden[2]);

#endif
