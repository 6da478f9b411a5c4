/* Plain C helpers, with no hardware in them, that every part uses. */
#ifndef HV_UTIL_H
#define HV_UTIL_H

#include <stdint.h>

/* The number of elements of an array (not of a pointer). */
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* @bytes little-endian bytes at @p (the firmware tables and boot
 * structures a guest reads are little-endian, whatever the host). */
static inline uint64_t get_le(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = bytes; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static inline void put_le(uint8_t *p, unsigned int bytes, uint64_t v)
{
	for (unsigned int i = 0; i < bytes; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/* FNV-1a over @n bytes at @p, from @h (FNV1A_START for a new sum): the
 * checksums of hv's own memory before and after a run (run.c). */
#define FNV1A_START UINT64_C(0xcbf29ce484222325)
static inline uint64_t fnv1a(uint64_t h, const void *p, uint64_t n)
{
	const uint8_t *b = p;

	for (uint64_t i = 0; i < n; i++)
		h = (h ^ b[i]) * UINT64_C(0x100000001b3);
	return h;
}

#endif
