/* Formatted output for the VMM: one printf that works the same in the
 * UEFI app and in host unit tests. */
#ifndef HV_PRINT_H
#define HV_PRINT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Supports %s %c %d %i %u %x %X %p %% with flags '0' '-', a width (or *), and
 * the length modifiers l, ll, z. Always NUL-terminates (when size > 0);
 * returns the length the full output would have had. */
int hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int hv_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Formats and hands the text to platform_puts(). Lines end in "\n". */
void hv_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A line left open: the guest's console (console.c) prints a line longer
 * than its buffer in pieces on one output line. hv_print_open() prints
 * @text (no "\n") and leaves the line open; hv_printf() ends an open line
 * before its own text, so every line of hv's starts a line and no later
 * piece can start one without its "guest: " prefix;
 * hv_print_line_open() says whether the line is still open, and
 * hv_print_end_line() ends it. */
void hv_print_open(const char *text);
bool hv_print_line_open(void);
void hv_print_end_line(void);

/* Provided by the platform (boot/ in the app, a stub in host tests). */
void platform_puts(const char *text);

#endif
