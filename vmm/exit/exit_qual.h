/* Exit qualifications and interruption information, decoded into named
 * fields (SDM 3C 28.2.1, "Basic VM-Exit Information"; 28.2.2,
 * "Information for VM Exits Due to Vectored Events"; 25.8.3, "VM-Entry
 * Controls for Event Injection"), and the guest's interruptibility and
 * activity states: the formats of the VMCS values that the exit handlers
 * and the entry checker both read, written once. */
#ifndef HV_EXIT_QUAL_H
#define HV_EXIT_QUAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "x86/x86.h"

/* Bits @high:@low, and bit @n, of a qualification or information field.
 * The decoders of the exits that are hot (CR and I/O accesses) are
 * inline here, so that a handler pays only for the fields it uses. */
static inline unsigned int exit_qual_bits(uint64_t v, unsigned int high,
					  unsigned int low)
{
	return (unsigned int)((v >> low) & ((1ull << (high - low + 1)) - 1));
}

static inline bool exit_qual_bit(uint64_t v, unsigned int n)
{
	return (v >> n) & 1;
}

/* Control-register accesses, table 28-3. */
enum cr_access_type {
	CR_ACCESS_MOV_TO_CR = 0,
	CR_ACCESS_MOV_FROM_CR = 1,
	CR_ACCESS_CLTS = 2,
	CR_ACCESS_LMSW = 3
};

struct cr_access {
	unsigned int cr; /* 0 for CLTS and LMSW */
	enum cr_access_type type;
	unsigned int gpr; /* MOV CR only: 0 RAX, 1 RCX, ... 15 R15 */
	bool lmsw_from_memory;
	uint16_t lmsw_source; /* LMSW only: the operand */
};

static inline struct cr_access cr_access_decode(uint64_t qual)
{
	return (struct cr_access){
		.cr = exit_qual_bits(qual, 3, 0),
		.type = (enum cr_access_type)exit_qual_bits(qual, 5, 4),
		.lmsw_from_memory = exit_qual_bit(qual, 6),
		.gpr = exit_qual_bits(qual, 11, 8),
		.lmsw_source = (uint16_t)exit_qual_bits(qual, 31, 16),
	};
}

/* I/O instructions, table 28-5. */
struct io_access {
	uint16_t port;
	unsigned int size; /* bytes: 1, 2 or 4 */
	bool in;
	bool string;
	bool rep;
	bool immediate; /* port from the instruction, not DX */
};

/* The size is encoded as bytes - 1. */
static inline struct io_access io_access_decode(uint64_t qual)
{
	return (struct io_access){
		.size = exit_qual_bits(qual, 2, 0) + 1,
		.in = exit_qual_bit(qual, 3),
		.string = exit_qual_bit(qual, 4),
		.rep = exit_qual_bit(qual, 5),
		.immediate = exit_qual_bit(qual, 6),
		.port = (uint16_t)exit_qual_bits(qual, 31, 16),
	};
}

/* EPT violations, table 28-7. */
struct ept_violation {
	bool read, write, fetch; /* the access that faulted */
	/* what the EPT entries allowed: all false = not mapped */
	bool was_readable, was_writable, was_executable;
	bool linear_valid; /* the guest-linear-address field is valid */
	/* with linear_valid: the access was to the translation of that
	 * linear address, not to a guest paging structure */
	bool caused_by_translation;
	bool nmi_unblocking; /* NMI unblocking due to IRET */
};

struct ept_violation ept_violation_decode(uint64_t qual);

/* APIC accesses, table 28-6 ("Exit Qualification for APIC-Access VM
 * Exits from Linear Accesses and Guest-Physical Accesses"): the offset
 * in the APIC-access page and how it was touched. */
enum apic_access_type {
	APIC_ACCESS_LINEAR_READ = 0,
	APIC_ACCESS_LINEAR_WRITE = 1,
	APIC_ACCESS_LINEAR_FETCH = 2,
	APIC_ACCESS_LINEAR_EVENT_DELIVERY = 3,
	APIC_ACCESS_PHYSICAL_EVENT_DELIVERY = 10,
	APIC_ACCESS_PHYSICAL_FETCH = 15,
};

struct apic_access {
	uint32_t offset;	    /* bits 11:0 */
	enum apic_access_type type; /* bits 15:12 */
};

struct apic_access apic_access_decode(uint64_t qual);
/* "data read", "data write", ..., or "access of type N". */
const char *apic_access_type_text(enum apic_access_type type);

/* "write to guest-physical page not mapped", "instruction fetch from a
 * non-executable page", ... into @buf. */
void ept_violation_describe(const struct ept_violation *v, char *buf,
			    size_t size);

/* Interruption information: VM-entry (25.8.3) and VM-exit (28.2.2). */
enum intr_type {
	INTR_TYPE_EXTERNAL = 0,
	INTR_TYPE_RESERVED = 1,
	INTR_TYPE_NMI = 2,
	INTR_TYPE_HARDWARE_EXCEPTION = 3,
	INTR_TYPE_SOFTWARE_INTERRUPT = 4,
	INTR_TYPE_PRIVILEGED_SOFTWARE_EXCEPTION = 5,
	INTR_TYPE_SOFTWARE_EXCEPTION = 6,
	INTR_TYPE_OTHER = 7
};

#define INTR_INFO_VECTOR_MASK 0xffu /* bits 7:0 */
#define INTR_INFO_TYPE_SHIFT 8	    /* bits 10:8 */
#define INTR_INFO_DELIVER_ERROR_CODE (1u << 11)
#define INTR_INFO_NMI_UNBLOCKING (1u << 12) /* exit information only */
#define INTR_INFO_RESERVED 0x7ffff000u	    /* entry format: bits 30:12 */
#define INTR_INFO_VALID (1u << 31)
#define INTR_INFO_VECTOR(info) ((info)&INTR_INFO_VECTOR_MASK)
#define INTR_INFO_TYPE(info) (((info) >> INTR_INFO_TYPE_SHIFT) & 7u)

/* The guest interruptibility state — SDM 3C 25.4.2, "Guest Non-Register
 * State". */
#define BLOCKING_BY_STI (1u << 0)
#define BLOCKING_BY_MOV_SS (1u << 1)
#define BLOCKING_BY_SMI (1u << 2)
#define BLOCKING_BY_NMI (1u << 3)
#define INTERRUPTIBILITY_RESERVED 0xffffffe0u /* bits 31:5 */

/* The guest activity state — SDM 3C 25.4.2, "Guest Non-Register State". */
enum activity_state {
	ACTIVITY_STATE_ACTIVE = 0,
	ACTIVITY_STATE_HLT = 1,
	ACTIVITY_STATE_SHUTDOWN = 2,
	ACTIVITY_STATE_WAIT_FOR_SIPI = 3,
};

/* Injects a hardware exception: valid | type 3 | vector | deliver error
 * code when the vector has one. For a guest in real mode (unrestricted
 * guest, CR0.PE = 0) clear INTR_INFO_DELIVER_ERROR_CODE: VM entry
 * requires it then (SDM 3C 27.2.1.3, "VM-Entry Control Fields"). */
uint32_t intr_info_hardware_exception(unsigned int vector);

/* Injects an NMI (resident mode passes on the NMIs that came while hv
 * ran in VMX root: resident/host_idt.h). */
uint32_t intr_info_nmi(void);

struct intr_info {
	bool valid;
	unsigned int vector;
	enum intr_type type;
	bool has_error_code;
	bool nmi_unblocking;
};

struct intr_info intr_info_decode(uint32_t info);

/* "#GP", "NMI", ... or NULL for a vector without an exception. */
const char *exception_name(unsigned int vector);

#endif
