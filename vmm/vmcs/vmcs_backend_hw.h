/* The VMCS layer's backend in hv.efi: the processor's current VMCS.
 * Included by vmcs.h when HV_VMCS_HW is defined; inline, so that a typed
 * access on the exit path is one VMREAD or VMWRITE and one branch.
 * VMfailInvalid sets CF and VMfailValid sets ZF (SDM 3C 31.2): "below or
 * equal" is either, VMCS_ERR_BACKEND here; vmcs_hw.c's error hook reads
 * the VM-instruction error. */
#ifndef HV_VMCS_BACKEND_HW_H
#define HV_VMCS_BACKEND_HW_H

#include <stdbool.h>
#include <stdint.h>

/* VMREAD clears the destination's bits above the field's width. */
#define VMCS_BACKEND_ZERO_EXTENDS 1

static inline int vmcs_backend_read(uint32_t enc, uint64_t *value)
{
	bool failed;

	__asm__ volatile("vmread %2, %1"
			 : "=@ccbe"(failed), "=rm"(*value)
			 : "r"((uint64_t)enc));
	return failed ? VMCS_ERR_BACKEND : VMCS_OK;
}

static inline int vmcs_backend_write(uint32_t enc, uint64_t value)
{
	bool failed;

	__asm__ volatile("vmwrite %2, %1"
			 : "=@ccbe"(failed)
			 : "r"((uint64_t)enc), "rm"(value)
			 : "memory");
	return failed ? VMCS_ERR_BACKEND : VMCS_OK;
}

#endif
