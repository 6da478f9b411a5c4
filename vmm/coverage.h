/* Coverage of hv's own code, for make fuzz (FUZZ_COVERAGE=1, issue 22).
 *
 * The coverage build (build/cov/hv.efi, make coverage) compiles every
 * source with GCC's -fsanitize-coverage=trace-pc, which calls
 * __sanitizer_cov_trace_pc() at the start of each basic block; vmm/
 * coverage.c keeps each distinct caller once, as an offset in hv's image,
 * and coverage_report() prints them at the end of a run, for
 * scripts/fuzz_coverage.py to name with addr2line. The ordinary build
 * defines no HV_COVERAGE and has none of it. */
#ifndef HV_COVERAGE_H
#define HV_COVERAGE_H

#ifdef HV_COVERAGE
/* Prints "hv: coverage: N ..." and the offsets, "hv: cov X X ...". */
void coverage_report(void);
#else
static inline void coverage_report(void)
{
}
#endif

#endif
