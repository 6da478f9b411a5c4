/* The coverage build's recorder (vmm/coverage.h). Not instrumented itself
 * (no_sanitize_coverage): the hook would call itself. No GS, no locks:
 * make fuzz runs one CPU, and a lost slot on several CPUs only loses a
 * block from the report. */
#ifdef HV_COVERAGE

#include <stdint.h>

#include "coverage.h"
#include "print.h"

/* The image's first byte (gnu-efi's linker script), so that an offset
 * here is the address addr2line wants in build/cov/hv.so (linked at 0). */
extern char ImageBase[];

#define COVERAGE_SLOTS 16384u /* a power of two; hv has about 12,000 blocks */

static uint32_t slots[COVERAGE_SLOTS]; /* offset + 1; 0: empty */
static uint32_t used, dropped;

void __sanitizer_cov_trace_pc(void);

__attribute__((no_sanitize_coverage)) void __sanitizer_cov_trace_pc(void)
{
	uint32_t key = (uint32_t)((uintptr_t)__builtin_return_address(0) -
				  (uintptr_t)ImageBase) +
		       1;

	for (uint32_t i = (key * 2654435761u) >> 18, n = 0; n < COVERAGE_SLOTS;
	     i = (i + 1) & (COVERAGE_SLOTS - 1), n++) {
		if (slots[i] == key)
			return;
		if (slots[i] == 0) {
			slots[i] = key;
			used++;
			return;
		}
	}
	dropped++;
}

__attribute__((no_sanitize_coverage)) void coverage_report(void)
{
	/* Taken first: the report's own blocks (hv_printf) would join. */
	uint32_t n = used, lost = dropped;

	hv_printf(
		"hv: coverage: %u distinct basic blocks of hv ran "
		"(-fsanitize-coverage=trace-pc; %u not recorded: table full)\n",
		n, lost);
	char line[16 * 9 + 16];
	unsigned int len = 0, k = 0;

	for (uint32_t i = 0; i < COVERAGE_SLOTS; i++) {
		if (!slots[i])
			continue;
		len += hv_snprintf(line + len, sizeof(line) - len, " %x",
				   slots[i] - 1);
		if (++k % 16 == 0) {
			hv_printf("hv: cov%s\n", line);
			len = 0;
		}
	}
	if (len)
		hv_printf("hv: cov%s\n", line);
}

#endif
