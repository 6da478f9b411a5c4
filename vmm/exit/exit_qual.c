/* Bit fields of exit qualifications and interruption information, each
 * named once, after the SDM's tables. */
#include "exit/exit_qual.h"

#include "print.h"
#include "util.h"

/* Tables 28-3 (CR accesses) and 28-5 (I/O) are decoded in exit_qual.h. */

/* SDM 3C 28.2.1, "Basic VM-Exit Information", table 28-7. Bit 8 is defined only
 * when bit 7 is set. */
struct ept_violation ept_violation_decode(uint64_t qual)
{
	return (struct ept_violation){
		.read = exit_qual_bit(qual, 0),
		.write = exit_qual_bit(qual, 1),
		.fetch = exit_qual_bit(qual, 2),
		.was_readable = exit_qual_bit(qual, 3),
		.was_writable = exit_qual_bit(qual, 4),
		.was_executable = exit_qual_bit(qual, 5),
		.linear_valid = exit_qual_bit(qual, 7),
		.caused_by_translation =
			exit_qual_bit(qual, 7) && exit_qual_bit(qual, 8),
		.nmi_unblocking = exit_qual_bit(qual, 12),
	};
}

struct apic_access apic_access_decode(uint64_t qual)
{
	return (struct apic_access){
		.offset = (uint32_t)qual & 0xfffu,
		.type = (enum apic_access_type)((qual >> 12) & 0xfu),
	};
}

const char *apic_access_type_text(enum apic_access_type type)
{
	switch (type) {
	case APIC_ACCESS_LINEAR_READ:
		return "data read";
	case APIC_ACCESS_LINEAR_WRITE:
		return "data write";
	case APIC_ACCESS_LINEAR_FETCH:
		return "instruction fetch";
	case APIC_ACCESS_LINEAR_EVENT_DELIVERY:
		return "access during event delivery";
	case APIC_ACCESS_PHYSICAL_EVENT_DELIVERY:
		return "guest-physical access during event delivery";
	case APIC_ACCESS_PHYSICAL_FETCH:
		return "guest-physical access for an instruction fetch";
	}
	return "access of a reserved type";
}

static const char *access_words(const struct ept_violation *v)
{
	if (v->fetch)
		return "instruction fetch from";
	if (v->read && v->write)
		return "read and write to";
	if (v->write)
		return "write to";
	if (v->read)
		return "read from";
	return "access to";
}

/* What the page lacked for this access; the fetch is named first since
 * an instruction fetch sets no data bit. */
static const char *page_words(const struct ept_violation *v)
{
	if (!v->was_readable && !v->was_writable && !v->was_executable)
		return "guest-physical page not mapped";
	if (v->fetch && !v->was_executable)
		return "a non-executable page";
	if (v->write && !v->was_writable)
		return "a read-only page";
	if (v->read && !v->was_readable)
		return "a non-readable page";
	return "a page that allows it";
}

void ept_violation_describe(const struct ept_violation *v, char *buf,
			    size_t size)
{
	const char *where = "";

	if (v->linear_valid)
		where = v->caused_by_translation
				? " (at a guest-linear address)"
				: " (guest page-table walk)";
	hv_snprintf(buf, size, "%s %s [%c%c%c]%s%s", access_words(v),
		    page_words(v), v->was_readable ? 'r' : '-',
		    v->was_writable ? 'w' : '-', v->was_executable ? 'x' : '-',
		    where, v->nmi_unblocking ? ", NMI unblocked by IRET" : "");
}

/* SDM 3C 25.8.3, "VM-Entry Controls for Event Injection". */
uint32_t intr_info_hardware_exception(unsigned int vector)
{
	uint32_t info = INTR_INFO_VALID |
			(uint32_t)INTR_TYPE_HARDWARE_EXCEPTION
				<< INTR_INFO_TYPE_SHIFT |
			(vector & INTR_INFO_VECTOR_MASK);

	if (exception_has_error_code(vector))
		info |= INTR_INFO_DELIVER_ERROR_CODE;
	return info;
}

/* SDM 3C 25.8.3: an NMI is type 2 with vector 2 (27.2.1.3, "VM-Entry
 * Control Fields", refuses any other vector), and has no error code. */
uint32_t intr_info_nmi(void)
{
	return INTR_INFO_VALID |
	       (uint32_t)INTR_TYPE_NMI << INTR_INFO_TYPE_SHIFT | EXC_NMI;
}

/* SDM 3C 28.2.2, "Information for VM Exits Due to Vectored Events" (the entry
 * format, 25.8.3, is the same but for bit 12). */
struct intr_info intr_info_decode(uint32_t info)
{
	return (struct intr_info){
		.valid = info & INTR_INFO_VALID,
		.vector = info & INTR_INFO_VECTOR_MASK,
		.type = (enum intr_type)exit_qual_bits(info, 10, 8),
		.has_error_code = info & INTR_INFO_DELIVER_ERROR_CODE,
		.nmi_unblocking = info & INTR_INFO_NMI_UNBLOCKING,
	};
}

static const char *const exception_names[] = {
	[EXC_DE] = "#DE", [EXC_DB] = "#DB", [EXC_NMI] = "NMI", [EXC_BP] = "#BP",
	[EXC_OF] = "#OF", [EXC_BR] = "#BR", [EXC_UD] = "#UD",  [EXC_NM] = "#NM",
	[EXC_DF] = "#DF", [EXC_TS] = "#TS", [EXC_NP] = "#NP",  [EXC_SS] = "#SS",
	[EXC_GP] = "#GP", [EXC_PF] = "#PF", [EXC_MF] = "#MF",  [EXC_AC] = "#AC",
	[EXC_MC] = "#MC", [EXC_XM] = "#XM", [EXC_VE] = "#VE",  [EXC_CP] = "#CP",
};

const char *exception_name(unsigned int vector)
{
	if (vector >= COUNT_OF(exception_names))
		return NULL;
	return exception_names[vector];
}
