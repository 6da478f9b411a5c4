/* The one CPU of host tests and tools (percpu.h): hv.efi finds its CPUs'
 * state through GS instead. */
#include "percpu.h"

#ifndef HV_PERCPU_GS
struct hv_cpu hv_cpu_single = {.self = &hv_cpu_single};
#endif
