/* The vmcs layer on the real processor: its error hook, and the
 * VM-instruction error. The accessors themselves are inline
 * (vmcs_backend_hw.h). */
#ifndef HV_VMCS_HW_H
#define HV_VMCS_HW_H

#include <stdbool.h>

/* Installs an error hook that names the field, the status and the
 * VM-instruction error. */
void vmcs_hw_install(void);
/* Set by the error hook; read on every exit, so inline. */
extern bool vmcs_hw_access_failed __attribute__((visibility("hidden")));

/* True once any access failed since the last call; clears it. */
static inline bool vmcs_hw_failed(void)
{
	if (__builtin_expect(!vmcs_hw_access_failed, 1))
		return false;
	vmcs_hw_access_failed = false;
	return true;
}
/* Reads VM_INSTRUCTION_ERROR and prints it with its SDM meaning. */
void vmcs_hw_print_instruction_error(const char *what);

#endif
