#include "util.h"
#include "vmx/vmx_controls.h"

#include <stddef.h>

#define CONTROL_BIT_ENTRY(name, bit, text) {bit, text},

static const struct control_bit pin_bits[] = {
	PIN_BASED_CONTROL_LIST(CONTROL_BIT_ENTRY)};
static const struct control_bit proc_bits[] = {
	PRIMARY_PROC_BASED_CONTROL_LIST(CONTROL_BIT_ENTRY)};
static const struct control_bit proc2_bits[] = {
	SECONDARY_PROC_BASED_CONTROL_LIST(CONTROL_BIT_ENTRY)};
static const struct control_bit exit_bits[] = {
	EXIT_CONTROL_LIST(CONTROL_BIT_ENTRY)};
static const struct control_bit entry_bits[] = {
	ENTRY_CONTROL_LIST(CONTROL_BIT_ENTRY)};

const struct control_field pin_based_field = {"pin-based VM-execution controls",
					      pin_bits, COUNT_OF(pin_bits)};
const struct control_field primary_proc_field = {
	"primary processor-based VM-execution controls", proc_bits,
	COUNT_OF(proc_bits)};
const struct control_field secondary_proc_field = {
	"secondary processor-based VM-execution controls", proc2_bits,
	COUNT_OF(proc2_bits)};
const struct control_field exit_field = {"VM-exit controls", exit_bits,
					 COUNT_OF(exit_bits)};
const struct control_field entry_field = {"VM-entry controls", entry_bits,
					  COUNT_OF(entry_bits)};

const char *control_bit_name(const struct control_field *field,
			     unsigned int bit)
{
	for (unsigned int i = 0; i < field->nbits; i++)
		if (field->bits[i].bit == bit)
			return field->bits[i].name;
	return NULL;
}
