/* What the exit-handler tests share: the in-memory VMCS as the VMCS
 * layer's backend (a read of a field never written, or any access the
 * layer refuses, fails the test), guest memory for the vCPU, and one VM
 * exit delivered to the dispatcher. Include after <cmocka.h>. */
#ifndef TESTS_EXIT_FIXTURE_H
#define TESTS_EXIT_FIXTURE_H

#include <stdlib.h>

#include "../guest/hv_abi.h"
#include "exit/exit.h"
#include "flat/flat_machine.h"
#include "vmcs/vmcs.h"

static inline void exit_fixture_vmcs_error(uint32_t enc,
					   enum vmcs_status status,
					   const char *what)
{
	fail_msg("%s of %s (0x%x): %s", what,
		 vmcs_field_name(enc) ? vmcs_field_name(enc) : "?", enc,
		 vmcs_status_name(status));
}

/* @vmcs becomes the VMCS, @v gets HV_GUEST_MEM_SIZE bytes of zeroed
 * guest memory (returned, NULL when out of memory), and the flat
 * guests' machine unless it has one. */
static inline uint8_t *exit_fixture_setup(struct vmcs_image *vmcs,
					  struct vcpu *v)
{
	struct vmcs_backend b;

	v->mem = calloc(1, HV_GUEST_MEM_SIZE);
	if (!v->mem)
		return NULL;
	v->mem_size = HV_GUEST_MEM_SIZE;
	if (!v->machine)
		v->machine = &flat_machine;
	vmcs_image_init(vmcs);
	b = vmcs_image_backend(vmcs);
	vmcs_set_backend(&b);
	vmcs_set_error_hook(exit_fixture_vmcs_error);
	/* DR7 as at reset (SDM 3B 18.2.4, "Debug Control Register (DR7)"):
	 * every I/O exit reads it. */
	vmcs_write(VMCS_GUEST_DR7, 0x400);
	return v->mem;
}

static inline void exit_fixture_teardown(struct vcpu *v)
{
	vmcs_set_error_hook(NULL);
	vmcs_set_backend(NULL);
	free(v->mem);
	v->mem = NULL;
}

/* One VM exit: the exit-information fields, then the dispatcher. */
static inline enum exit_verdict exit_fixture_exit(struct vcpu *v,
						  uint32_t reason,
						  uint64_t qualification,
						  uint32_t length)
{
	vmcs_write(VMCS_EXIT_REASON, reason);
	vmcs_write(VMCS_EXIT_QUALIFICATION, qualification);
	vmcs_write(VMCS_EXIT_INSTRUCTION_LENGTH, length);
	return exit_dispatch(v);
}

#endif
