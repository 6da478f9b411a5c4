/* Host-side fakes of vmm/platform.h: output is captured so tests can
 * assert on what the VMM printed; pages come from aligned_alloc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_platform.h"
#include "platform.h"
#include "print.h"
#include "x86/fpu.h"

static char captured[1 << 16];
static size_t captured_len;

void platform_puts(const char *text)
{
	size_t n = strlen(text);

	if (captured_len + n >= sizeof(captured))
		n = sizeof(captured) - 1 - captured_len;
	memcpy(captured + captured_len, text, n);
	captured_len += n;
	captured[captured_len] = '\0';
	if (getenv("HV_TEST_ECHO"))
		fputs(text, stdout);
}

const char *host_output(void)
{
	return captured;
}

void host_output_reset(void)
{
	captured_len = 0;
	captured[0] = '\0';
}

void *platform_alloc_pages(size_t count)
{
	void *p = aligned_alloc(4096, count * 4096);

	if (p)
		memset(p, 0, count * 4096);
	return p;
}

void platform_free_pages(void *pages, size_t count)
{
	(void)count;
	free(pages);
}

/* The firmware's clock in host tests: a fixed time (host_platform.h). */
bool platform_get_time(struct platform_time *t)
{
	*t = (struct platform_time){HOST_TIME_YEAR,   HOST_TIME_MONTH,
				    HOST_TIME_DAY,    HOST_TIME_HOUR,
				    HOST_TIME_MINUTE, HOST_TIME_SECOND};
	return true;
}

/* The firmware's console input: none in host tests. */
int platform_read_key(void)
{
	return -1;
}

/* x86/fpu.c touches the processor: host tests never load a guest's
 * x87 state (this_cpu()->fpu_run stays NULL), so these are never
 * called. */

void fpu_swap_to_host(struct fpu_images *f)
{
	f->guest_loaded = false;
}

void fpu_swap_to_guest(struct fpu_images *f)
{
	f->guest_loaded = true;
}

void fpu_set_guest_xcr0(struct fpu_images *f, uint64_t xcr0)
{
	f->guest_xcr0 = xcr0;
}

/* The firmware watchdog: nothing to arm in host tests. */
void platform_set_watchdog(uint32_t seconds)
{
	(void)seconds;
}
