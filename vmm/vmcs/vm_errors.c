/*
 * VM-instruction error names. SDM 3C 31.4, "VM Instruction Error Numbers".
 */
#include <stddef.h>

#include "vmcs/vm_errors.h"

struct vm_error_text {
	const char *name;
	const char *description;
};

/* Indexed by error number; a number >= VM_ERROR_COUNT won't compile. */
static const struct vm_error_text vm_error_text[VM_ERROR_COUNT] = {
#define VM_ERROR_X_TEXT(num, id, name, desc) [num] = {name, desc},
	VM_ERRORS(VM_ERROR_X_TEXT)
#undef VM_ERROR_X_TEXT
};

const char *vm_error_name(unsigned int number)
{
	if (number >= VM_ERROR_COUNT)
		return NULL;
	return vm_error_text[number].name;
}

const char *vm_error_description(unsigned int number)
{
	if (number >= VM_ERROR_COUNT)
		return NULL;
	return vm_error_text[number].description;
}
