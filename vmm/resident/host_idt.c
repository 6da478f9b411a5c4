/* hv's host IDT, the pure part (host_idt.h): gate encoding and the NMI
 * decision. No hardware access: tests/test_host_idt.c runs it. */
#include "resident/host_idt.h"

#include "exit/exit_qual.h"
#include "print.h"
#include "x86/x86.h"

/* SDM 3A 6.14.1, Figure 6-8: bytes 0-1 offset 15:0, 2-3 the selector,
 * byte 4 bits 2:0 the IST index, byte 5 type (bits 3:0), S = 0, DPL
 * (6:5), P (7); bytes 6-7 offset 31:16; bytes 8-11 offset 63:32. */
struct idt_gate idt_interrupt_gate(uint64_t offset, uint16_t cs,
				   unsigned int ist)
{
	uint64_t attr = TYPE_INTERRUPT_GATE | AR_P; /* DPL 0, S 0 */

	return (struct idt_gate){
		.low = (offset & 0xffffull) | (uint64_t)cs << 16 |
		       (uint64_t)(ist & 7u) << 32 | attr << 40 |
		       ((offset >> 16) & 0xffffull) << 48,
		.high = offset >> 32,
	};
}

void host_idt_fill(struct idt_gate idt[HOST_IDT_VECTORS], uint64_t stubs,
		   uint16_t cs)
{
	for (unsigned int v = 0; v < HOST_IDT_VECTORS; v++)
		idt[v] = idt_interrupt_gate(
			stubs + (uint64_t)v * HOST_IDT_STUB_SIZE, cs, 0);
}

void host_nmi_taken(struct host_nmi *n)
{
	n->taken++;
	__atomic_store_n(&n->pending, true, __ATOMIC_RELAXED);
}

bool host_nmi_injectable(uint32_t entry_info, uint32_t interruptibility,
			 uint32_t activity)
{
	if (entry_info & INTR_INFO_VALID)
		return false;
	if (interruptibility &
	    (BLOCKING_BY_NMI | BLOCKING_BY_MOV_SS | BLOCKING_BY_STI))
		return false;
	return activity == ACTIVITY_STATE_ACTIVE ||
	       activity == ACTIVITY_STATE_HLT;
}

bool host_nmi_before_entry(struct host_nmi *n, uint32_t entry_info,
			   uint32_t interruptibility, uint32_t activity)
{
	/* The NMI handler runs on this CPU only, between two instructions:
	 * one exchange reads and clears the flag at once. */
	if (!__atomic_exchange_n(&n->pending, false, __ATOMIC_RELAXED))
		return false;
	if (!host_nmi_injectable(entry_info, interruptibility, activity)) {
		__atomic_store_n(&n->pending, true, __ATOMIC_RELAXED);
		return false;
	}
	n->passed_on++;
	return true;
}

const char *host_idt_vector_name(unsigned int vector, char *buf,
				 unsigned int size)
{
	const char *name = exception_name(vector);

	if (name)
		return name;
	hv_snprintf(buf, size, "vector %u", vector);
	return buf;
}
