/* Guest-physical memory as the guest ABI promises it (guest/hv_abi.h):
 * page tables, GDT, TSS and the info page, built before the first entry. */
#ifndef HV_GUEST_MEMORY_H
#define HV_GUEST_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include "x86/x86.h"

/* VMCS access rights of the segments described by the guest's GDT (SDM 3C
 * 25.4.1, "Guest Register State", table 25-2): type, S, DPL, P, L, D/B, G. */
#define GUEST_CODE64_ACCESS                                                 \
	(AR_TYPE_CODE | AR_TYPE_READABLE | AR_TYPE_ACCESSED | AR_S | AR_P | \
	 AR_L | AR_G) /* 0xa09b */
#define GUEST_DATA_ACCESS \
	(TYPE_DATA_RW_ACCESSED | AR_S | AR_P | AR_DB | AR_G) /* 0xc093 */
#define GUEST_TSS_ACCESS (TYPE_BUSY_TSS | AR_P) /* 0x8b: 64-bit busy TSS */
#define GUEST_TSS_LIMIT 0x67u
#define GUEST_GDT_LIMIT (5u * 8u - 1u)

enum guest_image_error {
	GUEST_IMAGE_OK,
	GUEST_IMAGE_EMPTY,
	GUEST_IMAGE_TOO_LARGE,
};

/* Builds everything below HV_GUEST_LOAD_ADDR in @mem (HV_GUEST_MEM_SIZE
 * bytes, zeroed) and copies the image to HV_GUEST_LOAD_ADDR. */
enum guest_image_error guest_memory_init(uint8_t *mem, const void *image,
					 size_t image_size);
/* Copies @arg (NULL: none) into hv_info.arg, truncated to
 * HV_GUEST_ARG_MAX - 1 bytes and NUL-terminated. */
void guest_memory_set_arg(uint8_t *mem, const char *arg);
const char *guest_image_error_text(enum guest_image_error e);

#endif
