#include "x86/host_tr.h"

/* SDM 3A 3.4.2 "Segment Selectors": index in bits 15:3, TI bit 2, RPL
 * bits 1:0. */
#define SELECTOR_TI_RPL 0x7u

/* SDM 3A 3.4.5 "Segment Descriptors": type bits 43:40, S bit 44, P bit
 * 47; the 64-bit TSS descriptor is 16 bytes, base 63:32 in the second
 * quadword (SDM 3A 8.2.3, "TSS Descriptor in 64-bit mode"). */
#define DESC_TYPE(d) (((d) >> 40) & 0xfu)
#define DESC_S (1ull << 44)
#define DESC_P (1ull << 47)
#define TSS_TYPE_AVAILABLE 0x9u
#define TSS_TYPE_BUSY 0xbu

static uint64_t quad(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

void host_tr_choose(uint16_t firmware_tr, const uint8_t *gdt, uint32_t gdt_size,
		    struct host_tr_choice *c)
{
	uint32_t offset = firmware_tr & ~SELECTOR_TI_RPL;

	*c = (struct host_tr_choice){.own = true};
	if (!firmware_tr) {
		c->why = "the firmware has no TSS";
		return;
	}
	if (firmware_tr & SELECTOR_TI_RPL) {
		c->why = "the firmware's TR has TI or RPL set";
		return;
	}
	if (!offset || (uint64_t)offset + 16 > gdt_size) {
		c->why = "the firmware's TR is outside its GDT";
		return;
	}
	uint64_t lo = quad(gdt + offset), hi = quad(gdt + offset + 8);
	unsigned int type = DESC_TYPE(lo);

	if ((lo & DESC_S) || !(lo & DESC_P) ||
	    (type != TSS_TYPE_AVAILABLE && type != TSS_TYPE_BUSY)) {
		c->why = "the firmware's TR does not select a 64-bit TSS";
		return;
	}
	c->own = false;
	c->selector = firmware_tr;
	c->base = ((lo >> 16) & 0xffffffull) | ((lo >> 56) & 0xff) << 24 |
		  (hi & 0xffffffffull) << 32;
	c->why = "the firmware's TSS";
}
