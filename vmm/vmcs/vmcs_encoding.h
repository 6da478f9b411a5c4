/*
 * Decoding a VMCS field encoding (the 32-bit operand of VMREAD/VMWRITE).
 *
 * SDM 3C 25.11.2 "VMREAD, VMWRITE, and Encodings of VMCS Fields":
 *
 *   bit  0      access type: 0 = full, 1 = high (bits 63:32 of a 64-bit
 *               field; only 64-bit fields have a high access)
 *   bits 9:1    index (position within its width/type group)
 *   bits 11:10  type: 0 control, 1 VM-exit information (read-only data),
 *               2 guest state, 3 host state
 *   bit  12     reserved, must be 0
 *   bits 14:13  width: 0 16-bit, 1 64-bit, 2 32-bit, 3 natural-width
 *   bits 31:15  reserved, must be 0
 *
 * Note the width order: 64-bit is 1 and 32-bit is 2, not the other way
 * round.  The enums below keep the SDM values so that a decoded field can
 * be compared with a declared one directly.
 *
 * Two forms of every decoder: the VMCS_ENC_*_OF() macros are integer
 * constant expressions (for _Static_assert and case labels), the
 * vmcs_enc_*() functions are what ordinary code calls.
 */
#ifndef HV_VMCS_ENCODING_H
#define HV_VMCS_ENCODING_H

#include <stdbool.h>
#include <stdint.h>

enum vmcs_type {
	VMCS_TYPE_CONTROL = 0,
	VMCS_TYPE_EXIT_INFO = 1,
	VMCS_TYPE_GUEST = 2,
	VMCS_TYPE_HOST = 3,
};

enum vmcs_width {
	VMCS_WIDTH_16 = 0,
	VMCS_WIDTH_64 = 1,
	VMCS_WIDTH_32 = 2,
	VMCS_WIDTH_NATURAL = 3,
};

#define VMCS_ENC_HIGH_BIT 0x00000001u
#define VMCS_ENC_INDEX_SHIFT 1
#define VMCS_ENC_INDEX_MASK 0x1ffu
#define VMCS_ENC_TYPE_SHIFT 10
#define VMCS_ENC_TYPE_MASK 0x3u
#define VMCS_ENC_WIDTH_SHIFT 13
#define VMCS_ENC_WIDTH_MASK 0x3u
/* Bit 12 and bits 31:15. */
#define VMCS_ENC_RESERVED_MASK 0xffff9000u

#define VMCS_ENC_IS_HIGH(enc) (((uint32_t)(enc)&VMCS_ENC_HIGH_BIT) != 0)
#define VMCS_ENC_INDEX_OF(enc) \
	(((uint32_t)(enc) >> VMCS_ENC_INDEX_SHIFT) & VMCS_ENC_INDEX_MASK)
#define VMCS_ENC_TYPE_OF(enc) \
	(((uint32_t)(enc) >> VMCS_ENC_TYPE_SHIFT) & VMCS_ENC_TYPE_MASK)
#define VMCS_ENC_WIDTH_OF(enc) \
	(((uint32_t)(enc) >> VMCS_ENC_WIDTH_SHIFT) & VMCS_ENC_WIDTH_MASK)
#define VMCS_ENC_VALID(enc) (((uint32_t)(enc)&VMCS_ENC_RESERVED_MASK) == 0)

/* Builds an encoding from its parts (full access). SDM 3C 25.11.2, "VMREAD,
 * VMWRITE, and Encodings of VMCS Fields" */
#define VMCS_ENC_MAKE(width, type, index)                                    \
	((((uint32_t)(width)&VMCS_ENC_WIDTH_MASK) << VMCS_ENC_WIDTH_SHIFT) | \
	 (((uint32_t)(type)&VMCS_ENC_TYPE_MASK) << VMCS_ENC_TYPE_SHIFT) |    \
	 (((uint32_t)(index)&VMCS_ENC_INDEX_MASK) << VMCS_ENC_INDEX_SHIFT))

/* Bit 0: true for the "high" access (bits 63:32). SDM 3C 25.11.2, "VMREAD,
 * VMWRITE, and Encodings of VMCS Fields" */
static inline bool vmcs_enc_access_high(uint32_t enc)
{
	return VMCS_ENC_IS_HIGH(enc);
}

/* Bits 9:1: index within the width/type group. SDM 3C 25.11.2, "VMREAD,
 * VMWRITE, and Encodings of VMCS Fields" */
static inline unsigned int vmcs_enc_index(uint32_t enc)
{
	return VMCS_ENC_INDEX_OF(enc);
}

/* Bits 11:10: control / exit-info / guest / host. SDM 3C 25.11.2, "VMREAD,
 * VMWRITE, and Encodings of VMCS Fields" */
static inline enum vmcs_type vmcs_enc_type(uint32_t enc)
{
	return (enum vmcs_type)VMCS_ENC_TYPE_OF(enc);
}

/* Bits 14:13: 16 / 64 / 32 / natural (in that order). SDM 3C 25.11.2, "VMREAD,
 * VMWRITE, and Encodings of VMCS Fields" */
static inline enum vmcs_width vmcs_enc_width(uint32_t enc)
{
	return (enum vmcs_width)VMCS_ENC_WIDTH_OF(enc);
}

/* Reserved bits 31:15 and 12 are zero. SDM 3C 25.11.2, "VMREAD, VMWRITE, and
 * Encodings of VMCS Fields" */
static inline bool vmcs_enc_valid(uint32_t enc)
{
	return VMCS_ENC_VALID(enc);
}

/*
 * Valid, and a high access only on a 64-bit field: the SDM requires the
 * full access type for 16-bit, 32-bit and natural-width fields.
 * SDM 3C 25.11.2, "VMREAD, VMWRITE, and Encodings of VMCS Fields"
 */
static inline bool vmcs_enc_well_formed(uint32_t enc)
{
	return vmcs_enc_valid(enc) && (!vmcs_enc_access_high(enc) ||
				       vmcs_enc_width(enc) == VMCS_WIDTH_64);
}

/* "control", "exit-info", "guest", "host". SDM 3C 25.11.2, "VMREAD, VMWRITE,
 * and Encodings of VMCS Fields" */
static inline const char *vmcs_type_name(enum vmcs_type type)
{
	switch (type) {
	case VMCS_TYPE_CONTROL:
		return "control";
	case VMCS_TYPE_EXIT_INFO:
		return "exit-info";
	case VMCS_TYPE_GUEST:
		return "guest";
	case VMCS_TYPE_HOST:
		return "host";
	}
	return "?";
}

/* "16", "32", "64", "natural". SDM 3C 25.11.2, "VMREAD, VMWRITE, and Encodings
 * of VMCS Fields" */
static inline const char *vmcs_width_name(enum vmcs_width width)
{
	switch (width) {
	case VMCS_WIDTH_16:
		return "16";
	case VMCS_WIDTH_64:
		return "64";
	case VMCS_WIDTH_32:
		return "32";
	case VMCS_WIDTH_NATURAL:
		return "natural";
	}
	return "?";
}

/*
 * Width in bits.  Natural width is 64 here: this VMM only runs on
 * processors that support Intel 64 (SDM 3C 25.11.2, "natural-width
 * fields ... 64 bits on processors that support Intel 64").
 */
static inline unsigned int vmcs_width_bits(enum vmcs_width width)
{
	switch (width) {
	case VMCS_WIDTH_16:
		return 16;
	case VMCS_WIDTH_32:
		return 32;
	case VMCS_WIDTH_64:
	case VMCS_WIDTH_NATURAL:
		return 64;
	}
	return 0;
}

/* Largest value a field of this width holds. SDM 3C 25.11.2, "VMREAD, VMWRITE,
 * and Encodings of VMCS Fields" */
static inline uint64_t vmcs_width_max(enum vmcs_width width)
{
	unsigned int bits = vmcs_width_bits(width);

	return bits >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << bits) - 1;
}

/* Width in bits of the field an encoding names. SDM 3C 25.11.2, "VMREAD,
 * VMWRITE, and Encodings of VMCS Fields" */
static inline unsigned int vmcs_enc_width_bits(uint32_t enc)
{
	return vmcs_width_bits(vmcs_enc_width(enc));
}

#endif
