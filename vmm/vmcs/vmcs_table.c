/*
 * The VMCS field table, instantiated from the X-macro list, and the
 * compile-time proof that the list agrees with the encoding bits.
 */
#include "vmcs/vmcs.h"

/*
 * SDM 3C 25.11.2, "VMREAD, VMWRITE, and Encodings of VMCS Fields": the encoding
 * itself says width (bits 14:13) and type (bits 11:10).  The list states both
 * again; they must agree.  The list holds only full encodings (bit 0 clear)
 * with reserved bits clear. A duplicated encoding declares the same enumerator
 * twice and fails to compile too (as long as encodings are written as 0x + 4
 * hex digits).
 */
#define VMCS_X_CHECK(name, enc, width, type, note)                        \
	_Static_assert(VMCS_ENC_WIDTH_OF(enc) == VMCS_DECL_WIDTH_##width, \
		       #name ": declared width differs from bits 14:13"); \
	_Static_assert(VMCS_ENC_TYPE_OF(enc) == VMCS_DECL_TYPE_##type,    \
		       #name ": declared type differs from bits 11:10");  \
	_Static_assert(!VMCS_ENC_IS_HIGH(enc),                            \
		       #name ": list the full encoding (bit 0 clear)");   \
	_Static_assert(VMCS_ENC_VALID(enc),                               \
		       #name ": reserved encoding bits set");
VMCS_FIELDS(VMCS_X_CHECK)
#undef VMCS_X_CHECK

enum vmcs_unique_encodings {
#define VMCS_X_UNIQUE(name, enc, width, type, note) VMCS_UNIQUE_##enc,
	VMCS_FIELDS(VMCS_X_UNIQUE)
#undef VMCS_X_UNIQUE
};

_Static_assert(VMCS_FIELD_COUNT >= 150, "the SDM defines more fields");

const struct vmcs_field_info vmcs_fields[VMCS_FIELD_COUNT] = {
#define VMCS_X_INFO(name, enc, width, type, note)                   \
	[VMCS_POS_##name] = {(enc), #name, VMCS_DECL_WIDTH_##width, \
			     VMCS_DECL_TYPE_##type, (note)},
	VMCS_FIELDS(VMCS_X_INFO)
#undef VMCS_X_INFO
};

const size_t vmcs_field_count = VMCS_FIELD_COUNT;

/* Binary search: rows are in ascending encoding order. */
static const struct vmcs_field_info *find_full(uint32_t enc)
{
	size_t lo = 0, hi = VMCS_FIELD_COUNT;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (vmcs_fields[mid].enc == enc)
			return &vmcs_fields[mid];
		if (vmcs_fields[mid].enc < enc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct vmcs_field_info *vmcs_field_by_encoding(uint32_t enc, bool *high)
{
	const struct vmcs_field_info *fi;
	bool is_high = vmcs_enc_access_high(enc);

	if (high)
		*high = false;
	if (!vmcs_enc_valid(enc))
		return NULL;
	fi = find_full(enc & ~VMCS_ENC_HIGH_BIT);
	if (!fi)
		return NULL;
	/* SDM 3C 25.11.2, "VMREAD, VMWRITE, and Encodings of VMCS Fields": only
	 * 64-bit fields have a high access. */
	if (is_high && fi->width != VMCS_WIDTH_64)
		return NULL;
	if (high)
		*high = is_high;
	return fi;
}

const char *vmcs_field_name(uint32_t enc)
{
	const struct vmcs_field_info *fi = vmcs_field_by_encoding(enc, NULL);

	return fi ? fi->name : NULL;
}

int vmcs_table_check(void)
{
	for (size_t i = 1; i < VMCS_FIELD_COUNT; i++)
		if (vmcs_fields[i].enc <= vmcs_fields[i - 1].enc)
			return (int)i;
	return -1;
}
