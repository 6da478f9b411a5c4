/* The hypervisor's entry point, called by boot/ once the firmware glue
 * is ready. Everything below returns here, and this returns to UEFI. */
#ifndef HV_HV_H
#define HV_HV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmdline.h"
#include "x86/cpu_ops.h"

enum hv_status {
	HV_OK,
	HV_NO_VMX,	 /* CPUID says this CPU has no VT-x */
	HV_VMX_DISABLED, /* firmware locked VT-x off */
	HV_UNSUPPORTED,	 /* a VMX feature we need is missing */
	HV_OUT_OF_MEMORY,
	HV_VMX_FAILED,	 /* a VMX instruction or VM entry failed */
	HV_GUEST_FAILED, /* the guest did not end with result=ok */
	HV_BAD_ARGUMENT,
};

/* A file read next to hv.efi. */
struct hv_file {
	const char *name;
	const void *data; /* NULL: not given */
	size_t size;
};

struct hv_options {
	bool caps_only;		  /* print the capability report and stop */
	bool quiet;		  /* --quiet: no capability report */
	bool dump_vmcs;		  /* --dump: the VMCS before the first entry */
	uint32_t watchdog_slices; /* 0: the default, 400 */
	uint32_t console_limit;	  /* 0: the default, 64 KiB */
	enum entry_break break_entry; /* test-only: see cmdline.h */
	const char *guest_name;	      /* for the log */
	const void *guest_image;      /* flat 64-bit image (guest/hv_abi.h) */
	size_t guest_size;
	const char *guest_arg; /* --guest-arg=, into hv_info.arg ("": none) */
	/* --kernel=: a bzImage booted as a Linux guest instead of the flat
	 * image (docs/linux-guest.md), with its --initrd=, --append= (NULL:
	 * the default command line) and --mem= (MiB; 0: the default). */
	struct hv_file kernel, initrd;
	const char *append;
	uint32_t mem_mib;
};

enum hv_status hv_main(const struct hv_options *opt, const struct cpu_ops *cpu);
const char *hv_status_name(enum hv_status s);

#endif
