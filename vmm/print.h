/* Formatted output for the VMM: one printf that works the same in the
 * UEFI app and in host unit tests. */
#ifndef HV_PRINT_H
#define HV_PRINT_H

#include <stdarg.h>
#include <stddef.h>

/* Supports %s %c %d %i %u %x %X %p %% with flags '0' '-', a width (or *), and
 * the length modifiers l, ll, z. Always NUL-terminates (when size > 0);
 * returns the length the full output would have had. */
int hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int hv_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Formats and hands the text to platform_puts(). Lines end in "\n". */
void hv_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Provided by the platform (boot/ in the app, a stub in host tests). */
void platform_puts(const char *text);

#endif
