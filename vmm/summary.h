/* The log contract the tests read: one line per guest run,
 *   hv: summary guest=NAME result=ok|killed|error exits=TOTAL KEY=COUNT ...
 * with KEY the lowercase name of each exit reason seen, then cr3_load=N,
 * and why=WORD (killed, error) or status=N (error). */
#ifndef HV_SUMMARY_H
#define HV_SUMMARY_H

#include <stddef.h>

#include "exit/vcpu.h"

const char *guest_result_name(enum guest_result r);
/* Writes the line (no newline) into buf; returns its length. */
size_t guest_summary_format(const struct vcpu *v, char *buf, size_t size);
void guest_summary_print(const struct vcpu *v);

#endif
