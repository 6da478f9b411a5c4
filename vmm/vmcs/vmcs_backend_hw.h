/* The VMCS layer's backend in hv.efi: the processor's current VMCS.
 * Included by vmcs.h when HV_VMCS_HW is defined; inline, so that a typed
 * access on the exit path is one VMREAD or VMWRITE and one branch. The
 * instructions are x86/vmx_insn.h's; any VMfail is VMCS_ERR_BACKEND here,
 * and vmcs_hw.c's error hook reads the VM-instruction error. */
#ifndef HV_VMCS_BACKEND_HW_H
#define HV_VMCS_BACKEND_HW_H

#include <stdint.h>

#include "x86/vmx_insn.h"

/* VMREAD clears the destination's bits above the field's width. */
#define VMCS_BACKEND_ZERO_EXTENDS 1

static inline int vmcs_backend_read(uint32_t enc, uint64_t *value)
{
	return vmread(enc, value) == VMX_SUCCEED ? VMCS_OK : VMCS_ERR_BACKEND;
}

static inline int vmcs_backend_write(uint32_t enc, uint64_t value)
{
	return vmwrite(enc, value) == VMX_SUCCEED ? VMCS_OK : VMCS_ERR_BACKEND;
}

/* vmcs_hw.c: installs the error hook that names the field, the status
 * and the VM-instruction error; and reads VM_INSTRUCTION_ERROR and
 * prints it with its SDM meaning. */
void vmcs_hw_install(void);
void vmcs_hw_print_instruction_error(const char *what);

#endif
