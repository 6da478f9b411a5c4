/* Running one guest from start to summary line, with VMX already on. */
#ifndef HV_RUN_H
#define HV_RUN_H

#include <stddef.h>

#include "cmdline.h"
#include "hv.h"
#include "vmx/vmx_caps.h"
#include "vmx/host_gdt.h"
#include "x86/spec_ctrl.h"

/* What runs: a flat image (guest ABI), or, with @linux set, a bzImage
 * booted on the PC (pc/pc.h) with its initrd, command line and memory. */
struct guest_image {
	const char *name;
	const void *data; /* the flat image or the bzImage */
	size_t size;
	bool boot_linux;
	const void *initrd; /* NULL: none */
	size_t initrd_size;
	const char *cmdline;
	uint64_t mem_size;
	const char *arg; /* a flat guest's hv_info.arg; NULL: none */
};

struct run_options {
	unsigned int maxphyaddr;
	bool dump_vmcs; /* print the VMCS before the first entry */
	enum entry_break break_entry; /* test-only: violate one entry rule */
	uint32_t slice_ticks;	      /* VMX-preemption timer value per slice */
	uint32_t slice_budget;	      /* slices before the watchdog */
	uint32_t console_limit;	      /* a flat guest's; 0: 64 KiB */
	uint64_t tsc_hz;	      /* measured TSC rate; 0: unknown */
	enum entry_flush entry_flush; /* before every VM entry */
	/* out: RFLAGS.IF right after the run, before any firmware call
	 * (left alone when the guest never ran) */
	uint64_t *rflags_if_after_run;
};

enum hv_status run_guest(const struct vmx_caps *caps,
			 const struct host_gdt *gdt,
			 const struct guest_image *image,
			 const struct run_options *opt);

#endif
