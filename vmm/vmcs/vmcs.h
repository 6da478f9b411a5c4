/*
 * Typed access to VMCS fields, built on the field table (vmcs_fields.h).
 *
 * Every field exists as a constant VMCS_<NAME> whose C type says its
 * width: struct vmcs_f16, vmcs_f32, vmcs_f64 or vmcs_fnat.  The accessor
 * of the wrong width does not accept it, so
 *
 *	vmcs_write64(VMCS_GUEST_CS_SELECTOR, x);
 *
 * is a compile error, while vmcs_read(f) / vmcs_write(f, v) pick the
 * right accessor by _Generic.  VMCS_ENC_<NAME> is the bare encoding as
 * an integer constant expression, for static tables and case labels.
 *
 * No VMX instruction appears here.  All access goes through the backend,
 * one per build: in hv.efi (HV_VMCS_HW) the processor's current VMCS,
 * inline (vmcs_backend_hw.h), so that a typed access on the exit path is
 * one VMREAD or VMWRITE and a flag test, its checks folded away at
 * compile time; in host tests and tools a pluggable struct vmcs_backend,
 * such as the in-memory struct vmcs_image.
 *
 * Failures.  The typed accessors report every failure through ONE
 * channel, the error hook (vmcs_set_error_hook()), and never write a
 * value that does not fit the field: it is reported, not truncated.  A
 * failed read returns 0.  With no hook installed failures are ignored,
 * so the VMX core installs one that logs and stops before its first
 * access.  The by-encoding functions (vmcs_read_enc(), vmcs_write_enc())
 * are for dumps and tools: they return the status instead and do not
 * call the hook.
 *
 * High halves.  SDM 3C 25.11.2, "VMREAD, VMWRITE, and Encodings of VMCS
 * Fields": encoding|1 addresses bits 63:32 of a 64-bit field.  On x86-64
 * every 64-bit field is accessed whole through its full encoding, so the
 * typed accessors and the backends only ever see full encodings;
 * vmcs_read_enc() / vmcs_write_enc() are the one place that accepts a
 * high encoding and map it onto the full field.
 */
#ifndef HV_VMCS_H
#define HV_VMCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "percpu.h"
#include "vmcs/vmcs_encoding.h"
#include "vmcs/vmcs_fields.h"

/* Field handles: the struct type carries the width. */
struct vmcs_f16 {
	uint32_t enc;
};

struct vmcs_f32 {
	uint32_t enc;
};

struct vmcs_f64 {
	uint32_t enc;
};

struct vmcs_fnat {
	uint32_t enc;
};

#define VMCS_DECL_FTYPE_16 struct vmcs_f16
#define VMCS_DECL_FTYPE_32 struct vmcs_f32
#define VMCS_DECL_FTYPE_64 struct vmcs_f64
#define VMCS_DECL_FTYPE_NAT struct vmcs_fnat

/* VMCS_ENC_<NAME>: the full encoding. */
enum vmcs_encoding {
#define VMCS_X_ENC(name, enc, width, type, note) VMCS_ENC_##name = (enc),
	VMCS_FIELDS(VMCS_X_ENC)
#undef VMCS_X_ENC
};

/* VMCS_POS_<NAME>: the field's row in vmcs_fields[] and vmcs_image. */
enum vmcs_field_pos {
#define VMCS_X_POS(name, enc, width, type, note) VMCS_POS_##name,
	VMCS_FIELDS(VMCS_X_POS)
#undef VMCS_X_POS
		VMCS_FIELD_COUNT
};

/* VMCS_<NAME>: the typed field constant. */
#define VMCS_X_CONST(name, enc, width, type, note) \
	static const VMCS_DECL_FTYPE_##width VMCS_##name = {(enc)};
VMCS_FIELDS(VMCS_X_CONST)
#undef VMCS_X_CONST

/* ------------------------------------------------------------------ */
/* The field table (vmcs_table.c)                                      */

struct vmcs_field_info {
	uint32_t enc;	       /* full encoding */
	const char *name;      /* "GUEST_CS_SELECTOR" */
	enum vmcs_width width; /* declared; equals vmcs_enc_width(enc) */
	enum vmcs_type type;   /* declared; equals vmcs_enc_type(enc) */
	const char *note;      /* NULL, or why the field misleads */
};

extern const struct vmcs_field_info vmcs_fields[VMCS_FIELD_COUNT];
extern const size_t vmcs_field_count;

/*
 * The field an encoding names, or NULL.  A high encoding (enc|1) of a
 * 64-bit field resolves to that field with *high set; a high encoding of
 * any other width names nothing.  high may be NULL.
 */
const struct vmcs_field_info *vmcs_field_by_encoding(uint32_t enc, bool *high);

/* Name of the field (or of the field whose high half enc is), or NULL. */
const char *vmcs_field_name(uint32_t enc);

/* Row of a table entry (VMCS_POS_<NAME>). */
static inline size_t vmcs_field_pos(const struct vmcs_field_info *fi)
{
	return (size_t)(fi - vmcs_fields);
}

/*
 * Checks what the compiler cannot: rows in strictly ascending encoding
 * order (hence unique).  Returns -1 when fine, else the first bad row.
 */
int vmcs_table_check(void);

/* ------------------------------------------------------------------ */
/* Status, backend, error hook (vmcs.c)                                */

enum vmcs_status {
	VMCS_OK = 0,
	VMCS_ERR_NO_BACKEND,	/* vmcs_set_backend() not called */
	VMCS_ERR_BAD_ENCODING,	/* reserved bits set, or a high access
				   where only a full one is allowed */
	VMCS_ERR_UNKNOWN_FIELD, /* well formed, but not in the table */
	VMCS_ERR_WIDTH,		/* value wider than the field, or
				   accessor of the wrong width */
	VMCS_ERR_NOT_PRESENT,	/* in-memory image: never written */
	VMCS_ERR_BACKEND,	/* backend failed (hardware: VMfail) */
	VMCS_STATUS_COUNT
};

const char *vmcs_status_name(int status);

/* This CPU's count of VMREADs and VMWRITEs that reached the backend
 * (percpu.h). */
const struct vmcs_counters *vmcs_access_counters(void);

#ifdef HV_VMCS_HW
#include "vmcs/vmcs_backend_hw.h"
#else
#define VMCS_BACKEND_ZERO_EXTENDS 0 /* a pluggable backend is checked */
/*
 * read/write return 0 on success.  A failure returns a value of
 * enum vmcs_status, which is passed on as it is; any other nonzero value
 * becomes VMCS_ERR_BACKEND.  Backends only see full encodings of fields
 * in the table.
 */
struct vmcs_backend {
	int (*read)(void *ctx, uint32_t enc, uint64_t *value);
	int (*write)(void *ctx, uint32_t enc, uint64_t value);
	void *ctx;
};

/* Copies *b; NULL (or a NULL method) removes the backend. */
void vmcs_set_backend(const struct vmcs_backend *b);

/* The installed backend's answer, as an enum vmcs_status. */
int vmcs_backend_read(uint32_t enc, uint64_t *value);
int vmcs_backend_write(uint32_t enc, uint64_t value);
#endif

/* what: the accessor that failed, e.g. "vmcs_write32". */
typedef void (*vmcs_error_hook)(uint32_t enc, enum vmcs_status status,
				const char *what);

/* Installs hook (NULL: ignore failures); returns the previous one. */
vmcs_error_hook vmcs_set_error_hook(vmcs_error_hook hook);

/* Passes a failed typed access to the error hook (out of line: cold),
 * and notes it for vmcs_failed(). */
#ifdef HV_VMCS_HW
/* In hv.efi it preserves every register (GCC's no_caller_saved_registers,
 * x86, with -mgeneral-regs-only): the typed accessors are inline on the
 * exit path, and a call that clobbered registers, even one never taken,
 * would make every handler save and restore its own around each VMREAD.
 * Cold: the compiler keeps it out of the path. */
#define VMCS_ACCESS_FAILED_ATTRS \
	__attribute__((cold, noinline, no_caller_saved_registers))
#else
#define VMCS_ACCESS_FAILED_ATTRS __attribute__((cold, noinline))
#endif
VMCS_ACCESS_FAILED_ATTRS void vmcs_access_failed(uint32_t enc, int status,
						 const char *what);

/* True once a typed access failed on this CPU since the last call;
 * clears it. Read on every exit, so inline. */
static inline bool vmcs_failed(void)
{
	if (__builtin_expect(!this_cpu_bool(vmcs_failures_pending), 1))
		return false;
	this_cpu()->vmcs_failures_pending = false;
	return true;
}

/* ------------------------------------------------------------------ */
/* Typed accessors                                                     */

/* Typed handles come from the table (VMCS_<NAME>), so the field exists;
 * what a hand-made handle could get wrong, the encoding's own bits show.
 * With a constant handle the compiler decides this, not the CPU. */
static inline int vmcs_typed_check(uint32_t enc, enum vmcs_width width)
{
	if (!vmcs_enc_valid(enc) || vmcs_enc_access_high(enc))
		return VMCS_ERR_BAD_ENCODING;
	if (vmcs_enc_width(enc) != width)
		return VMCS_ERR_WIDTH;
	return VMCS_OK;
}

static inline uint64_t vmcs_typed_read(uint32_t enc, enum vmcs_width width,
				       const char *what)
{
	uint64_t value = 0;
	int rc = vmcs_typed_check(enc, width);

	if (rc == VMCS_OK) {
		this_cpu_inc(vmcs_counts.reads);
		rc = vmcs_backend_read(enc, &value);
	}
	/* A backend must not hand back more bits than the field has. The CPU
	 * cannot: VMREAD zero-extends a narrower field (SDM 3C 31, "VMX
	 * Instruction Reference"). */
	if (!VMCS_BACKEND_ZERO_EXTENDS && rc == VMCS_OK &&
	    value > vmcs_width_max(width))
		rc = VMCS_ERR_WIDTH;
	if (__builtin_expect(rc != VMCS_OK, 0)) {
		vmcs_access_failed(enc, rc, what);
		return 0;
	}
	return value;
}

static inline void vmcs_typed_write(uint32_t enc, enum vmcs_width width,
				    uint64_t value, const char *what)
{
	int rc = vmcs_typed_check(enc, width);

	/* Refuse rather than truncate: a lost bit is a silent bug. */
	if (rc == VMCS_OK && value > vmcs_width_max(width))
		rc = VMCS_ERR_WIDTH;
	if (rc == VMCS_OK) {
		this_cpu_inc(vmcs_counts.writes);
		rc = vmcs_backend_write(enc, value);
	}
	if (__builtin_expect(rc != VMCS_OK, 0))
		vmcs_access_failed(enc, rc, what);
}

static inline uint16_t vmcs_read16(struct vmcs_f16 f)
{
	return (uint16_t)vmcs_typed_read(f.enc, VMCS_WIDTH_16, "vmcs_read16");
}

static inline uint32_t vmcs_read32(struct vmcs_f32 f)
{
	return (uint32_t)vmcs_typed_read(f.enc, VMCS_WIDTH_32, "vmcs_read32");
}

static inline uint64_t vmcs_read64(struct vmcs_f64 f)
{
	return vmcs_typed_read(f.enc, VMCS_WIDTH_64, "vmcs_read64");
}

static inline uint64_t vmcs_readnat(struct vmcs_fnat f)
{
	return vmcs_typed_read(f.enc, VMCS_WIDTH_NATURAL, "vmcs_readnat");
}

static inline void vmcs_write16(struct vmcs_f16 f, uint64_t value)
{
	vmcs_typed_write(f.enc, VMCS_WIDTH_16, value, "vmcs_write16");
}

static inline void vmcs_write32(struct vmcs_f32 f, uint64_t value)
{
	vmcs_typed_write(f.enc, VMCS_WIDTH_32, value, "vmcs_write32");
}

static inline void vmcs_write64(struct vmcs_f64 f, uint64_t value)
{
	vmcs_typed_write(f.enc, VMCS_WIDTH_64, value, "vmcs_write64");
}

static inline void vmcs_writenat(struct vmcs_fnat f, uint64_t value)
{
	vmcs_typed_write(f.enc, VMCS_WIDTH_NATURAL, value, "vmcs_writenat");
}

#define vmcs_read(f)                             \
	_Generic((f), struct vmcs_f16            \
		 : vmcs_read16, struct vmcs_f32  \
		 : vmcs_read32, struct vmcs_f64  \
		 : vmcs_read64, struct vmcs_fnat \
		 : vmcs_readnat)(f)

#define vmcs_write(f, v)                          \
	_Generic((f), struct vmcs_f16             \
		 : vmcs_write16, struct vmcs_f32  \
		 : vmcs_write32, struct vmcs_f64  \
		 : vmcs_write64, struct vmcs_fnat \
		 : vmcs_writenat)((f), (v))

/*
 * By encoding, for dumps and tools; a high encoding reads or writes
 * bits 63:32 of its 64-bit field.  Return an enum vmcs_status.
 */
int vmcs_read_enc(uint32_t enc, uint64_t *value);
int vmcs_write_enc(uint32_t enc, uint64_t value);

/* ------------------------------------------------------------------ */
/* In-memory VMCS (vmcs.c)                                             */

/*
 * One slot per table row (VMCS_POS_<NAME>), so a checker can walk
 * vmcs_fields[] alongside.  Reading a field never written fails with
 * VMCS_ERR_NOT_PRESENT, which makes "forgot to set X" visible.
 */
struct vmcs_image {
	uint64_t value[VMCS_FIELD_COUNT];
	bool present[VMCS_FIELD_COUNT];
};

/* Every field absent. */
void vmcs_image_init(struct vmcs_image *img);

#ifndef HV_VMCS_HW
/* A backend over img (pass its address to vmcs_set_backend()). */
struct vmcs_backend vmcs_image_backend(struct vmcs_image *img);
#endif

/* The backend methods; ctx is a struct vmcs_image *. */
int vmcs_image_read(void *ctx, uint32_t enc, uint64_t *value);
int vmcs_image_write(void *ctx, uint32_t enc, uint64_t value);

bool vmcs_image_present(const struct vmcs_image *img, uint32_t enc);

/* Makes a field absent again (to build images with a field missing). */
void vmcs_image_forget(struct vmcs_image *img, uint32_t enc);

/* Prints every readable field of the current VMCS, named and grouped by
 * category; fields the processor does not implement (VMREAD fails) are
 * left out. */
void vmcs_dump(void);

#endif
