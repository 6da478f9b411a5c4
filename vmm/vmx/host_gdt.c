#include "vmx/host_gdt.h"

#include "mem/pages.h"
#include "print.h"
#include "x86/host_tr.h"
#include "x86/x86.h"

#define TSS_OFFSET 0x800
#define TSS_LIMIT 0x67

/* A 64-bit available TSS descriptor (16 bytes) — SDM 3A 8.2.3, "TSS Descriptor
 * in 64-bit mode". */
static void write_tss_descriptor(uint64_t *slot, uint64_t base)
{
	slot[0] =
		segment_descriptor(base, TSS_LIMIT, TYPE_AVAILABLE_TSS | AR_P);
	slot[1] = base >> 32;
}

int host_gdt_enter(struct host_gdt *g)
{
	sgdt(&g->firmware_gdtr);
	sidt(&g->firmware_idtr);
	uint32_t size = g->firmware_gdtr.limit + 1u;
	uint32_t tss_slot = (size + 7u) & ~7u;

	if (tss_slot + 16 > TSS_OFFSET) {
		hv_printf("hv: the firmware's GDT (%u bytes) is too large to "
			  "copy\n",
			  size);
		return -1;
	}
	g->page = hv_alloc_pages(1);
	if (!g->page)
		return -1;
	const uint8_t *fw = (const uint8_t *)g->firmware_gdtr.base;

	for (uint32_t i = 0; i < size; i++)
		g->page[i] = fw[i];
	struct host_tr_choice tr;

	host_tr_choose(read_tr(), g->page, size, &tr);
	g->own_tss = tr.own;
	g->gdtr.base = (uint64_t)g->page;
	if (!tr.own) {
		/* The firmware's TSS, IST stacks and all, stays the host's;
		 * the copy holds its descriptor at the same selector. */
		g->tss_base = tr.base;
		g->tr_selector = tr.selector;
		g->gdtr.limit = g->firmware_gdtr.limit;
		hv_printf("hv: host TR 0x%x kept: %s at 0x%lx\n", tr.selector,
			  tr.why, tr.base);
		uint64_t flags = read_rflags();

		irq_disable();
		lgdt(&g->gdtr);
		if (flags & RFLAGS_IF)
			irq_enable();
		return 0;
	}
	g->tss_base = (uint64_t)g->page + TSS_OFFSET;
	write_tss_descriptor((uint64_t *)(g->page + tss_slot), g->tss_base);
	g->tr_selector = (uint16_t)tss_slot;
	g->gdtr.limit = (uint16_t)(tss_slot + 15);
	hv_printf("hv: host TR 0x%x: hv.efi's own TSS (%s)\n", g->tr_selector,
		  tr.why);

	/* Same selectors as the firmware's GDT, so no segment reloads. */
	uint64_t flags = read_rflags();

	irq_disable();
	lgdt(&g->gdtr);
	load_tr(g->tr_selector);
	if (flags & RFLAGS_IF)
		irq_enable();
	return 0;
}

void host_gdt_leave(struct host_gdt *g)
{
	uint64_t flags = read_rflags();

	irq_disable();
	lgdt(&g->firmware_gdtr);
	lidt(&g->firmware_idtr);
	if (flags & RFLAGS_IF)
		irq_enable();
	/* TR selects the firmware's own descriptor again: the copy is no longer
	 * referred to. (A VM exit left TR's limit at 67H, SDM 3C 28.5.2,
	 * "Loading Host Segment and Descriptor-Table Registers"; the IST
	 * pointers lie below it, and nothing at ring 0 uses the I/O bitmap
	 * beyond it.) */
	if (!g->own_tss) {
		hv_free_pages(g->page, 1);
		g->page = NULL;
	}
}
