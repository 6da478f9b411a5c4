/*
 * Exit-reason names and the exit-reason field decoder.
 * SDM 3D appendix C; SDM 3C 25.9.1, "Basic VM-Exit Information".
 */
#include "exit/exit_reasons.h"
#include "util.h"

struct exit_reason_text {
	const char *name;
	const char *description;
};

/* Indexed by basic reason; a number >= EXIT_REASON_COUNT won't compile. */
static const struct exit_reason_text exit_reason_text[EXIT_REASON_COUNT] = {
#define EXIT_REASON_X_TEXT(num, id, name, desc) [num] = {name, desc},
	EXIT_REASONS(EXIT_REASON_X_TEXT)
#undef EXIT_REASON_X_TEXT
};

const char *exit_reason_name(unsigned int basic)
{
	if (basic >= EXIT_REASON_COUNT)
		return NULL;
	return exit_reason_text[basic].name;
}

const char *exit_reason_description(unsigned int basic)
{
	if (basic >= EXIT_REASON_COUNT)
		return NULL;
	return exit_reason_text[basic].description;
}

const struct exit_reason_flag exit_reason_flags[] = {
	{EXIT_REASON_FLAG_ENTRY_FAILURE, "entry_failure",
	 "VM-entry failure (bit 31)"},
	{EXIT_REASON_FLAG_FROM_VMX_ROOT, "from_vmx_root",
	 "VM exit from VMX root operation (bit 29, SMM)"},
	{EXIT_REASON_FLAG_PENDING_MTF, "pending_mtf",
	 "pending MTF VM exit (bit 28, SMM)"},
	{EXIT_REASON_FLAG_ENCLAVE, "enclave",
	 "VM exit from enclave mode (bit 27)"},
	{EXIT_REASON_FLAG_BUS_LOCK, "bus_lock",
	 "bus lock asserted before the exit (bit 26)"},
};

const size_t exit_reason_flag_count = COUNT_OF(exit_reason_flags);

struct exit_reason_decoded exit_reason_decode(uint32_t raw)
{
	struct exit_reason_decoded d = {
		.raw = raw,
		.basic = (uint16_t)(raw & EXIT_REASON_BASIC_MASK),
		.entry_failure = (raw & EXIT_REASON_FLAG_ENTRY_FAILURE) != 0,
		.from_vmx_root = (raw & EXIT_REASON_FLAG_FROM_VMX_ROOT) != 0,
		.pending_mtf = (raw & EXIT_REASON_FLAG_PENDING_MTF) != 0,
		.enclave = (raw & EXIT_REASON_FLAG_ENCLAVE) != 0,
		.bus_lock = (raw & EXIT_REASON_FLAG_BUS_LOCK) != 0,
		.undefined_bits = raw & EXIT_REASON_UNDEFINED_MASK,
	};

	d.name = exit_reason_name(d.basic);
	return d;
}
