/*
 * The VMCS layer's out-of-line half: the error channel, the pluggable
 * backend of host builds, access by encoding, and the in-memory VMCS.
 * The rules are in vmcs.h; the field facts in vmcs_fields.h.
 */
#include "vmcs/vmcs.h"

#include "print.h"
#include "util.h"

/* Set once, before any CPU runs a guest: shared. */
static vmcs_error_hook error_hook;

const char *vmcs_status_name(int status)
{
	switch (status) {
	case VMCS_OK:
		return "ok";
	case VMCS_ERR_NO_BACKEND:
		return "no backend";
	case VMCS_ERR_BAD_ENCODING:
		return "malformed encoding";
	case VMCS_ERR_UNKNOWN_FIELD:
		return "no such field";
	case VMCS_ERR_WIDTH:
		return "value does not fit the field width";
	case VMCS_ERR_NOT_PRESENT:
		return "field never written";
	case VMCS_ERR_BACKEND:
		return "backend failure";
	}
	return "unknown status";
}

vmcs_error_hook vmcs_set_error_hook(vmcs_error_hook hook)
{
	vmcs_error_hook old = error_hook;

	error_hook = hook;
	return old;
}

VMCS_ACCESS_FAILED_ATTRS void vmcs_access_failed(uint32_t enc, int status,
						 const char *what)
{
	this_cpu()->vmcs_failures_pending = true;
	if (error_hook)
		error_hook(enc, (enum vmcs_status)status, what);
}

const struct vmcs_counters *vmcs_access_counters(void)
{
	return &this_cpu()->vmcs_counts;
}

#ifndef HV_VMCS_HW
/* The pluggable backend of host tests and tools. */
static struct vmcs_backend backend;
static bool have_backend;

void vmcs_set_backend(const struct vmcs_backend *b)
{
	if (b && b->read && b->write) {
		backend = *b;
		have_backend = true;
	} else {
		have_backend = false;
	}
}

/* Backends may only answer with an enum vmcs_status; see vmcs.h. */
static int backend_status(int rc)
{
	if (rc >= 0 && rc < VMCS_STATUS_COUNT)
		return rc;
	return VMCS_ERR_BACKEND;
}

int vmcs_backend_read(uint32_t enc, uint64_t *value)
{
	if (!have_backend)
		return VMCS_ERR_NO_BACKEND;
	return backend_status(backend.read(backend.ctx, enc, value));
}

int vmcs_backend_write(uint32_t enc, uint64_t value)
{
	if (!have_backend)
		return VMCS_ERR_NO_BACKEND;
	return backend_status(backend.write(backend.ctx, enc, value));
}
#endif

/* By encoding: counted like the typed accessors. */
static int raw_read(uint32_t enc, uint64_t *value)
{
	this_cpu_inc(vmcs_counts.reads);
	return vmcs_backend_read(enc, value);
}

static int raw_write(uint32_t enc, uint64_t value)
{
	this_cpu_inc(vmcs_counts.writes);
	return vmcs_backend_write(enc, value);
}

/*
 * The one place that knows about high halves (SDM 3C 25.11.2, "VMREAD, VMWRITE,
 * and Encodings of VMCS Fields"): enc|1 names bits 63:32 of a 64-bit field.  We
 * always go through the full field, as VMREAD/VMWRITE do on x86-64 anyway.
 */
static int lookup_enc(uint32_t enc, const struct vmcs_field_info **fi,
		      bool *high)
{
	if (!vmcs_enc_valid(enc))
		return VMCS_ERR_BAD_ENCODING;
	*fi = vmcs_field_by_encoding(enc, high);
	if (!*fi) {
		/* A high access of a known non-64-bit field is malformed. */
		if (vmcs_enc_access_high(enc) &&
		    vmcs_field_by_encoding(enc & ~VMCS_ENC_HIGH_BIT, NULL))
			return VMCS_ERR_BAD_ENCODING;
		return VMCS_ERR_UNKNOWN_FIELD;
	}
	return VMCS_OK;
}

int vmcs_read_enc(uint32_t enc, uint64_t *value)
{
	const struct vmcs_field_info *fi;
	uint64_t full = 0;
	bool high;
	int rc = lookup_enc(enc, &fi, &high);

	if (rc == VMCS_OK)
		rc = raw_read(fi->enc, &full);
	if (rc != VMCS_OK)
		return rc;
	*value = high ? full >> 32 : full;
	return VMCS_OK;
}

int vmcs_write_enc(uint32_t enc, uint64_t value)
{
	const struct vmcs_field_info *fi;
	uint64_t full = 0;
	bool high;
	int rc = lookup_enc(enc, &fi, &high);

	if (rc != VMCS_OK)
		return rc;
	if (!high) {
		if (value > vmcs_width_max(fi->width))
			return VMCS_ERR_WIDTH;
		return raw_write(fi->enc, value);
	}
	if (value > 0xffffffffu)
		return VMCS_ERR_WIDTH;
	/* Merge into the low half; a never-written field counts as 0. */
	rc = raw_read(fi->enc, &full);
	if (rc == VMCS_ERR_NOT_PRESENT)
		full = 0;
	else if (rc != VMCS_OK)
		return rc;
	full = (full & 0xffffffffu) | (value << 32);
	return raw_write(fi->enc, full);
}

/* ------------------------------------------------------------------ */
/* In-memory VMCS                                                      */

void vmcs_image_init(struct vmcs_image *img)
{
	for (size_t i = 0; i < VMCS_FIELD_COUNT; i++) {
		img->value[i] = 0;
		img->present[i] = false;
	}
}

/* Only full encodings of listed fields; refuses everything else. */
static int image_slot(uint32_t enc, size_t *pos)
{
	const struct vmcs_field_info *fi;
	bool high;

	if (!vmcs_enc_valid(enc))
		return VMCS_ERR_BAD_ENCODING;
	fi = vmcs_field_by_encoding(enc, &high);
	if (!fi)
		return VMCS_ERR_UNKNOWN_FIELD;
	if (high)
		return VMCS_ERR_BAD_ENCODING;
	*pos = vmcs_field_pos(fi);
	return VMCS_OK;
}

int vmcs_image_read(void *ctx, uint32_t enc, uint64_t *value)
{
	struct vmcs_image *img = ctx;
	size_t pos;
	int rc = image_slot(enc, &pos);

	if (rc != VMCS_OK)
		return rc;
	if (!img->present[pos])
		return VMCS_ERR_NOT_PRESENT;
	*value = img->value[pos];
	return VMCS_OK;
}

int vmcs_image_write(void *ctx, uint32_t enc, uint64_t value)
{
	struct vmcs_image *img = ctx;
	size_t pos;
	int rc = image_slot(enc, &pos);

	if (rc != VMCS_OK)
		return rc;
	if (value > vmcs_width_max(vmcs_fields[pos].width))
		return VMCS_ERR_WIDTH;
	img->value[pos] = value;
	img->present[pos] = true;
	return VMCS_OK;
}

#ifndef HV_VMCS_HW
struct vmcs_backend vmcs_image_backend(struct vmcs_image *img)
{
	struct vmcs_backend b = {
		.read = vmcs_image_read,
		.write = vmcs_image_write,
		.ctx = img,
	};

	return b;
}
#endif

bool vmcs_image_present(const struct vmcs_image *img, uint32_t enc)
{
	size_t pos;

	return image_slot(enc, &pos) == VMCS_OK && img->present[pos];
}

void vmcs_image_forget(struct vmcs_image *img, uint32_t enc)
{
	size_t pos;

	if (image_slot(enc, &pos) == VMCS_OK) {
		img->present[pos] = false;
		img->value[pos] = 0;
	}
}

/* The whole VMCS, named and grouped by category. */
void vmcs_dump(void)
{
	static const enum vmcs_type order[] = {VMCS_TYPE_CONTROL,
					       VMCS_TYPE_EXIT_INFO,
					       VMCS_TYPE_GUEST, VMCS_TYPE_HOST};

	hv_printf("hv: VMCS dump (fields this CPU implements)\n");
	for (unsigned int t = 0; t < COUNT_OF(order); t++) {
		hv_printf("  %s fields:\n", vmcs_type_name(order[t]));
		for (size_t i = 0; i < vmcs_field_count; i++) {
			const struct vmcs_field_info *f = &vmcs_fields[i];
			uint64_t value;

			if (f->type != order[t] ||
			    vmcs_read_enc(f->enc, &value) != VMCS_OK)
				continue;
			unsigned int digits = vmcs_width_bits(f->width) / 4;

			hv_printf("    %-40s 0x%04x = 0x%0*lx\n", f->name,
				  f->enc, digits, value);
		}
	}
}
