/* The 8259A pair (i8259.h). Priorities are fixed, IR0 highest: a request
 * is delivered when it is unmasked and no equal or higher level is in
 * service on its chip; the slave's requests reach the master as IR2. */
#include "dev/i8259.h"

void i8259_init(struct i8259_pair *p)
{
	*p = (struct i8259_pair){0};
	p->pic[0].imr = 0xff;
	p->pic[1].imr = 0xff;
}

bool i8259_owns(uint16_t port)
{
	return port == I8259_MASTER || port == I8259_MASTER + 1 ||
	       port == I8259_SLAVE || port == I8259_SLAVE + 1 ||
	       port == I8259_ELCR || port == I8259_ELCR + 1;
}

/* The highest-priority level set in @bits, or 8. */
static unsigned int highest(uint8_t bits)
{
	for (unsigned int i = 0; i < 8; i++)
		if (bits & (1u << i))
			return i;
	return 8;
}

/* The level this chip would deliver: requested, unmasked, and above
 * everything in service; 8 when none. */
static unsigned int deliverable(const struct i8259 *c)
{
	unsigned int req = highest(c->irr & (uint8_t)~c->imr);

	return req < highest(c->isr) ? req : 8;
}

/* The slave's request is the master's IR2. */
static void cascade(struct i8259_pair *p)
{
	if (deliverable(&p->pic[1]) < 8)
		p->pic[0].irr |= 1u << I8259_CASCADE_IR;
	else
		p->pic[0].irr &= (uint8_t) ~(1u << I8259_CASCADE_IR);
}

static void write_command(struct i8259 *c, uint8_t v)
{
	if (v & I8259_ICW1) {
		/* ICW1 starts initialization: IMR and ISR cleared, IRR
		 * read next, the ICWs that follow expected. */
		c->imr = 0;
		c->isr = 0;
		c->irr = 0;
		c->read_isr = false;
		c->poll = false;
		c->auto_eoi = false;
		c->icw4_needed = v & I8259_ICW1_IC4;
		c->single = v & I8259_ICW1_SNGL;
		c->init_step = 2;
		return;
	}
	if ((v & I8259_OCW_SELECT) == I8259_OCW3) {
		if (v & I8259_OCW3_RR)
			c->read_isr = v & I8259_OCW3_RIS;
		c->poll = v & I8259_OCW3_POLL;
		return;
	}
	/* OCW2: EOI, specific (level in bits 2:0) or the highest in
	 * service; rotation is not modelled. */
	if (v & I8259_OCW2_EOI) {
		unsigned int level =
			v & I8259_OCW2_SL ? v & 7u : highest(c->isr);

		if (level < 8)
			c->isr &= (uint8_t) ~(1u << level);
	}
}

static void write_data(struct i8259 *c, uint8_t v)
{
	switch (c->init_step) {
	case 2:
		c->vector_base = v & 0xf8u;
		c->init_step = c->single ? (c->icw4_needed ? 4 : 0) : 3;
		return;
	case 3:
		c->icw3 = v;
		c->init_step = c->icw4_needed ? 4 : 0;
		return;
	case 4:
		c->auto_eoi = v & I8259_ICW4_AEOI;
		c->init_step = 0;
		return;
	default:
		c->imr = v; /* OCW1 */
	}
}

/* The poll command: the highest deliverable level, acknowledged, as
 * bit 7 and the level; 0 when none. */
static uint8_t poll(struct i8259 *c)
{
	unsigned int level = deliverable(c);

	c->poll = false;
	if (level == 8)
		return 0;
	c->irr &= (uint8_t) ~(1u << level);
	c->isr |= (uint8_t)(1u << level);
	return (uint8_t)(0x80u | level);
}

uint8_t i8259_read(struct i8259_pair *p, uint16_t port)
{
	if (port == I8259_ELCR || port == I8259_ELCR + 1)
		return p->elcr[port - I8259_ELCR];
	struct i8259 *c = &p->pic[port >= I8259_SLAVE];
	uint8_t v;

	if (port & 1)
		return c->imr;
	if (c->poll) {
		v = poll(c);
		cascade(p);
		return v;
	}
	return c->read_isr ? c->isr : c->irr;
}

void i8259_write(struct i8259_pair *p, uint16_t port, uint8_t value)
{
	if (port == I8259_ELCR || port == I8259_ELCR + 1) {
		p->elcr[port - I8259_ELCR] =
			value & (port == I8259_ELCR ? I8259_ELCR_MASTER_MASK
						    : I8259_ELCR_SLAVE_MASK);
		return;
	}
	struct i8259 *c = &p->pic[port >= I8259_SLAVE];

	if (port & 1)
		write_data(c, value);
	else
		write_command(c, value);
	cascade(p);
}

void i8259_set_irq(struct i8259_pair *p, unsigned int irq)
{
	if (irq >= I8259_IRQS)
		return;
	p->pic[irq / 8].irr |= (uint8_t)(1u << (irq % 8));
	cascade(p);
}

/* Level @level of chip @c acknowledged: IRR to ISR (not with automatic
 * EOI), and its vector. */
static int take(struct i8259 *c, unsigned int level)
{
	c->irr &= (uint8_t) ~(1u << level);
	if (!c->auto_eoi)
		c->isr |= (uint8_t)(1u << level);
	return c->vector_base + (int)level;
}

bool i8259_pending(const struct i8259_pair *p)
{
	const struct i8259 *m = &p->pic[0];
	unsigned int level = deliverable(m);

	if (level == 8 || m->init_step)
		return false;
	return level != I8259_CASCADE_IR || m->single ||
	       deliverable(&p->pic[1]) < 8;
}

int i8259_ack(struct i8259_pair *p)
{
	struct i8259 *m = &p->pic[0];
	unsigned int level = deliverable(m);
	int vector;

	if (level == 8 || m->init_step)
		return -1;
	if (level != I8259_CASCADE_IR || m->single) {
		vector = take(m, level);
	} else {
		unsigned int s = deliverable(&p->pic[1]);

		if (s == 8)
			return -1;
		take(m, level);
		vector = take(&p->pic[1], s);
	}
	cascade(p);
	return vector;
}
