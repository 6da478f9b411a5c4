#include "vmcs_dump.h"

#include "print.h"
#include "vmcs.h"

void vmcs_dump(void)
{
	static const enum vmcs_type order[] = {VMCS_TYPE_CONTROL,
					       VMCS_TYPE_EXIT_INFO,
					       VMCS_TYPE_GUEST, VMCS_TYPE_HOST};

	hv_printf("hv: VMCS dump (fields this CPU implements)\n");
	for (unsigned int t = 0; t < sizeof(order) / sizeof(order[0]); t++) {
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
