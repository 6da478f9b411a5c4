/* The PC's interrupt wiring (vmm/pc/pc_irq.c) and memory-mapped devices
 * (vmm/pc/pc_mmio.c): COM1's line and the CMOS clock's IRQ 8 through the
 * I/O APIC or the 8259 pair to the vector hv injects, as Linux programs
 * each; the EOI of a
 * level-triggered interrupt back to the I/O APIC; which pages are whose. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pc/pc.h"
#include "x86/msr.h"

static struct pc pc;

static void tx(void *ctx, uint8_t byte)
{
	(void)ctx;
	(void)byte;
}

static int setup(void **state)
{
	(void)state;
	memset(&pc, 0, sizeof(pc));
	lapic_init(&pc.lapic, 0);
	pc.apic_mode = PC_APIC_X2APIC;
	uart16550_init(&pc.uart, tx, NULL);
	i8259_init(&pc.pic);
	ioapic_init(&pc.ioapic, 1);
	return 0;
}

static void lapic_wr(uint32_t msr, uint64_t v)
{
	assert_int_equal(pc_msr_write(&pc, msr, v, 0), PC_MSR_DONE);
}

/* Redirection entry @pin: @low (vector, trigger, mask), destination 0. */
static void ioapic_route(unsigned int pin, uint32_t low)
{
	ioapic_write(&pc.ioapic, IOAPIC_IOREGSEL, 4, IOAPIC_IOREDTBL + 2 * pin);
	ioapic_write(&pc.ioapic, IOAPIC_IOWIN, 4, low);
	ioapic_write(&pc.ioapic, IOAPIC_IOREGSEL, 4,
		     IOAPIC_IOREDTBL + 2 * pin + 1);
	ioapic_write(&pc.ioapic, IOAPIC_IOWIN, 4, 0);
}

/* init_8259A: vectors 0x30 and 0x38, cascade on IR2, 8086 mode. */
static void pic_init(uint8_t master_mask)
{
	static const uint8_t master[] = {0x11, 0x30, 0x04, 0x01};
	static const uint8_t slave[] = {0x11, 0x38, 0x02, 0x01};

	for (unsigned int i = 0; i < 4; i++) {
		i8259_write(&pc.pic, i ? 0x21 : 0x20, master[i]);
		i8259_write(&pc.pic, i ? 0xa1 : 0xa0, slave[i]);
	}
	i8259_write(&pc.pic, 0x21, master_mask);
}

/* The 8250 driver's start of transmission: OUT2 gates the line, THRI
 * enabled while THR is empty raises it. */
static void uart_start_tx(void)
{
	uart16550_write(&pc.uart, UART_MCR, UART_MCR_OUT2 | UART_MCR_DTR);
	uart16550_write(&pc.uart, UART_IER, UART_IER_THRI);
}

static void test_com1_through_the_ioapic(void **state)
{
	(void)state;
	lapic_wr(X2APIC_SVR, LAPIC_SVR_ENABLE | 0xff);
	pic_init(0xff); /* Linux masks the 8259 when it uses the I/O APIC */
	ioapic_route(PC_COM1_IRQ, 0x24);
	pc_irq_update(&pc, 0);
	assert_false(pc_irq_waiting(&pc));
	uart_start_tx();
	pc_irq_update(&pc, 0);
	assert_true(pc_irq_waiting(&pc));
	assert_int_equal(pc_irq_take(&pc), 0x24);
	/* Edge-triggered: the line still high is no new interrupt. */
	pc_irq_update(&pc, 0);
	assert_false(pc_irq_waiting(&pc));
	/* The handler reads IIR (the line falls) and writes a byte (THR
	 * empties at once: it rises again), an interrupt while the first is
	 * in service, taken after its EOI. */
	assert_int_equal(uart16550_read(&pc.uart, UART_IIR_FCR) & 0xf,
			 UART_IIR_THRI);
	pc_irq_update(&pc, 0);
	uart16550_write(&pc.uart, UART_RBR_THR, 'x');
	pc_irq_update(&pc, 0);
	assert_false(pc_irq_waiting(&pc)); /* 0x24 in service */
	lapic_wr(X2APIC_EOI, 0);
	pc_irq_update(&pc, 0);
	assert_int_equal(pc_irq_take(&pc), 0x24);
	/* The 8259's copy of IRQ 4 was masked: nothing from there. */
	assert_int_equal(pc.pic.pic[0].isr, 0);
}

static void test_com1_through_the_8259_virtual_wire(void **state)
{
	(void)state;
	/* noapic: the 8259 through LINT0 as ExtINT, the I/O APIC masked */
	lapic_wr(X2APIC_SVR, LAPIC_SVR_ENABLE | 0xff);
	pic_init((uint8_t) ~(1u << PC_COM1_IRQ));
	uart_start_tx();
	pc_irq_update(&pc, 0);
	assert_false(pc_irq_waiting(&pc)); /* LINT0 masked at reset */
	lapic_wr(X2APIC_LVT_LINT0, LAPIC_DELIVERY_EXTINT);
	assert_true(pc_irq_waiting(&pc));
	assert_int_equal(pc_irq_take(&pc), 0x34);
	assert_int_equal(pc.pic.pic[0].isr, 1u << PC_COM1_IRQ);
	assert_false(pc_irq_waiting(&pc));
	/* A local APIC interrupt goes first. */
	uart16550_read(&pc.uart, UART_IIR_FCR);
	pc_irq_update(&pc, 0);
	uart16550_write(&pc.uart, UART_RBR_THR, 'x');
	pc_irq_update(&pc, 0);
	i8259_write(&pc.pic, 0x20, I8259_OCW2_EOI);
	lapic_wr(X2APIC_SELF_IPI, 0x50);
	assert_int_equal(pc_irq_take(&pc), 0x50);
	assert_int_equal(pc_irq_take(&pc), 0x34);
}

static void test_8259_straight_to_the_cpu_without_apic(void **state)
{
	(void)state;
	assert_int_equal(pc_msr_write(&pc, MSR_IA32_APIC_BASE,
				      APIC_DEFAULT_BASE | APIC_BASE_BSP, 0),
			 PC_MSR_DONE);
	pic_init((uint8_t) ~(1u << PC_COM1_IRQ));
	ioapic_route(PC_COM1_IRQ, 0x24);
	uart_start_tx();
	pc_irq_update(&pc, 0);
	assert_int_equal(pc_irq_take(&pc), 0x34);
	/* The I/O APIC keeps its edge for a local APIC that can take it. */
	assert_int_equal(lapic_pending(&pc.lapic), -1);
}

/* A guest that makes COM1 level-triggered: the interrupt comes again
 * after each EOI for as long as the line stays high (Remote IRR), and not
 * before. */
static void test_level_triggered_eoi_reaches_the_ioapic(void **state)
{
	(void)state;
	lapic_wr(X2APIC_SVR, LAPIC_SVR_ENABLE | 0xff);
	ioapic_route(PC_COM1_IRQ, 0x24 | (uint32_t)IOAPIC_RTE_LEVEL);
	uart_start_tx();
	pc_irq_update(&pc, 0);
	assert_int_equal(pc_irq_take(&pc), 0x24);
	pc_irq_update(&pc, 0);
	assert_false(pc_irq_waiting(&pc));
	lapic_wr(X2APIC_EOI, 0);
	pc_irq_update(&pc, 0);
	assert_int_equal(pc_irq_take(&pc), 0x24);
	/* The line falls: after this EOI, nothing more. */
	uart16550_write(&pc.uart, UART_IER, 0);
	pc_irq_update(&pc, 0);
	lapic_wr(X2APIC_EOI, 0);
	pc_irq_update(&pc, 0);
	assert_false(pc_irq_waiting(&pc));
}

static void test_input_can_wake_only_when_routed(void **state)
{
	(void)state;
	lapic_wr(X2APIC_SVR, LAPIC_SVR_ENABLE | 0xff);
	uart16550_write(&pc.uart, UART_IER, UART_IER_RDI);
	assert_false(pc_irq_input_can_wake(&pc)); /* OUT2 clear */
	uart16550_write(&pc.uart, UART_MCR, UART_MCR_OUT2);
	assert_false(pc_irq_input_can_wake(&pc)); /* pin 4 masked */
	ioapic_route(PC_COM1_IRQ, 0x24);
	assert_true(pc_irq_input_can_wake(&pc));
	ioapic_route(PC_COM1_IRQ, 0x24 | (uint32_t)IOAPIC_RTE_MASKED);
	pic_init((uint8_t) ~(1u << PC_COM1_IRQ));
	assert_false(pc_irq_input_can_wake(&pc)); /* LINT0 masked */
	lapic_wr(X2APIC_LVT_LINT0, LAPIC_DELIVERY_EXTINT);
	assert_true(pc_irq_input_can_wake(&pc));
	/* Typed input then interrupts. */
	assert_true(uart16550_receive(&pc.uart, 'a'));
	pc_irq_update(&pc, 0);
	assert_int_equal(pc_irq_take(&pc), 0x34);
}

/* The CMOS clock's IRQ 8, its update interrupt once a second (the
 * clock counting 1000 TSC ticks a second), as rtc-cmos enables it
 * (RTC_UIE_ON). */
#define RTC_HZ 1000u

static void rtc_uie_on(void)
{
	struct rtc_time t = {2026, 12, 6, 15, 42, 21};

	mc146818_init(&pc.rtc, &t, 0, RTC_HZ);
	mc146818_select(&pc.rtc, RTC_REG_B);
	mc146818_write(&pc.rtc, RTC_B_24H | RTC_B_UIE, 0);
}

/* rtc-cmos's handler reads register C: the line falls. */
static void rtc_ack(uint64_t now)
{
	mc146818_select(&pc.rtc, RTC_REG_C);
	assert_int_equal(mc146818_read(&pc.rtc, now) & RTC_C_IRQF, RTC_C_IRQF);
}

static void test_rtc_through_the_ioapic(void **state)
{
	(void)state;
	lapic_wr(X2APIC_SVR, LAPIC_SVR_ENABLE | 0xff);
	pic_init(0xff);
	ioapic_route(PC_RTC_IRQ, 0x28); /* edge, active high: the ISA default */
	rtc_uie_on();
	assert_true(pc_irq_rtc_can_wake(&pc, 0));
	pc_irq_update(&pc, RTC_HZ - 1);
	assert_false(pc_irq_waiting(&pc));
	pc_irq_update(&pc, RTC_HZ);
	assert_int_equal(pc_irq_take(&pc), 0x28);
	/* IRQF up: no new edge, and none to wait for, until C is read */
	assert_false(pc_irq_rtc_can_wake(&pc, RTC_HZ));
	pc_irq_update(&pc, 2 * RTC_HZ);
	assert_false(pc_irq_waiting(&pc));
	rtc_ack(2 * RTC_HZ);
	lapic_wr(X2APIC_EOI, 0);
	pc_irq_update(&pc, 2 * RTC_HZ);
	assert_false(pc_irq_waiting(&pc));
	assert_true(pc_irq_rtc_can_wake(&pc, 2 * RTC_HZ));
	pc_irq_update(&pc, 3 * RTC_HZ);
	assert_int_equal(pc_irq_take(&pc), 0x28);
	/* pin 8 masked: the clock cannot wake a HLT */
	rtc_ack(3 * RTC_HZ);
	ioapic_route(PC_RTC_IRQ, 0x28 | (uint32_t)IOAPIC_RTE_MASKED);
	assert_false(pc_irq_rtc_can_wake(&pc, 3 * RTC_HZ));
	assert_int_equal(pc.pic.pic[1].isr, 0);
}

/* noapic: IRQ 8 is the slave 8259's IR0, through the master's cascade
 * on IR2: vector 0x38 with init_8259A's bases. */
static void test_rtc_through_the_8259_slave(void **state)
{
	(void)state;
	lapic_wr(X2APIC_SVR, LAPIC_SVR_ENABLE | 0xff);
	lapic_wr(X2APIC_LVT_LINT0, LAPIC_DELIVERY_EXTINT);
	pic_init((uint8_t) ~(1u << I8259_CASCADE_IR));
	rtc_uie_on();
	i8259_write(&pc.pic, 0xa1, 0xff);
	assert_false(pc_irq_rtc_can_wake(&pc, 0)); /* IR0 masked */
	i8259_write(&pc.pic, 0xa1, 0xfe);
	assert_true(pc_irq_rtc_can_wake(&pc, 0));
	pc_irq_update(&pc, RTC_HZ);
	assert_true(pc_irq_waiting(&pc));
	assert_int_equal(pc_irq_take(&pc), 0x38);
	assert_int_equal(pc.pic.pic[1].isr, 1u);
	assert_int_equal(pc.pic.pic[0].isr, 1u << I8259_CASCADE_IR);
}

static void test_mmio_pages(void **state)
{
	uint64_t v = 0;

	(void)state;
	/* x2APIC mode: the APIC page is nobody's. */
	assert_false(pc_mmio_read(&pc, APIC_DEFAULT_BASE + 0x30, 4, 0, &v));
	assert_false(pc_mmio_write(&pc, APIC_DEFAULT_BASE + 0xb0, 4, 0, 0));
	assert_int_equal(pc_msr_write(&pc, MSR_IA32_APIC_BASE,
				      APIC_DEFAULT_BASE | APIC_BASE_BSP, 0),
			 PC_MSR_DONE);
	assert_false(pc_mmio_read(&pc, APIC_DEFAULT_BASE + 0x30, 4, 0, &v));
	assert_int_equal(
		pc_msr_write(&pc, MSR_IA32_APIC_BASE,
			     APIC_DEFAULT_BASE | APIC_BASE_BSP | APIC_BASE_EN,
			     0),
		PC_MSR_DONE);
	assert_true(pc_mmio_read(&pc, APIC_DEFAULT_BASE + 0x30, 4, 0, &v));
	assert_int_equal(v & 0xff, 0x14);
	assert_true(pc_mmio_write(&pc, APIC_DEFAULT_BASE + 0xf0, 4, 0x1ff, 0));
	assert_int_equal(pc.lapic.svr, 0x1ff);
	/* Every other address of the page is the APIC's too: no register
	 * there reads 0, counted. */
	assert_true(pc_mmio_read(&pc, APIC_DEFAULT_BASE + 0xf04, 4, 0, &v));
	assert_int_equal(v, 0);
	assert_true(pc_mmio_write(&pc, APIC_DEFAULT_BASE + 0xf1, 1, 0xff, 0));
	assert_int_equal(pc.mmio_odd, 2);
	assert_false(pc_mmio_read(&pc, APIC_DEFAULT_BASE + LAPIC_MMIO_SIZE, 4,
				  0, &v));
	/* The I/O APIC, in any APIC mode: its version register. */
	assert_true(pc_mmio_write(&pc, IOAPIC_DEFAULT_BASE + IOAPIC_IOREGSEL, 4,
				  IOAPIC_REG_VER, 0));
	assert_true(pc_mmio_read(&pc, IOAPIC_DEFAULT_BASE + IOAPIC_IOWIN, 4, 0,
				 &v));
	assert_int_equal(v, 0x170011);
	assert_false(pc_mmio_read(&pc, IOAPIC_DEFAULT_BASE - 4, 4, 0, &v));
	assert_false(pc_mmio_read(&pc, 0xfed00000, 4, 0, &v)); /* no HPET */
}

/* With APIC virtualization the CPU delivers the local APIC's vectors
 * (posted as RVI, pc_run.c) and hv injects only the 8259's; a globally
 * disabled APIC posts nothing. */
static void test_apicv_posts_the_apic_and_injects_the_8259(void **state)
{
	(void)state;
	pc.apicv = true;
	lapic_wr(X2APIC_SVR, LAPIC_SVR_ENABLE | 0xff);
	pic_init(0xff);
	ioapic_route(PC_COM1_IRQ, 0x24);
	uart_start_tx();
	pc_irq_update(&pc, 0);
	assert_true(pc_irq_waiting(&pc)); /* a HLT wakes for it */
	assert_false(pc_irq_to_inject(&pc));
	assert_int_equal(pc_irq_take(&pc), -1);
	assert_int_equal(pc_irq_guest_interrupt_status(&pc), 0x0024);
	/* the CPU delivered it: IRR to ISR in the page, SVI 0x24 */
	lapic_accept(&pc.lapic, 0x24);
	assert_int_equal(pc_irq_guest_interrupt_status(&pc), 0x2400);
	/* the 8259 through LINT0 is still hv's to inject */
	lapic_wr(X2APIC_LVT_LINT0, 0x700);
	i8259_write(&pc.pic, 0x21, (uint8_t) ~(1u << PC_COM1_IRQ));
	uart16550_read(&pc.uart, UART_IIR_FCR);
	pc_irq_update(&pc, 0);
	uart16550_write(&pc.uart, UART_IER, 0);
	uart16550_write(&pc.uart, UART_IER, UART_IER_THRI);
	pc_irq_update(&pc, 0);
	assert_true(pc_irq_to_inject(&pc));
	assert_int_equal(pc_irq_take(&pc), 0x34);
	pc.apic_mode = PC_APIC_DISABLED;
	lapic_deliver(&pc.lapic, 0x51, false);
	assert_int_equal(pc_irq_guest_interrupt_status(&pc) & 0xff, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
			test_apicv_posts_the_apic_and_injects_the_8259, setup),
		cmocka_unit_test_setup(test_com1_through_the_ioapic, setup),
		cmocka_unit_test_setup(test_com1_through_the_8259_virtual_wire,
				       setup),
		cmocka_unit_test_setup(
			test_8259_straight_to_the_cpu_without_apic, setup),
		cmocka_unit_test_setup(
			test_level_triggered_eoi_reaches_the_ioapic, setup),
		cmocka_unit_test_setup(test_input_can_wake_only_when_routed,
				       setup),
		cmocka_unit_test_setup(test_rtc_through_the_ioapic, setup),
		cmocka_unit_test_setup(test_rtc_through_the_8259_slave, setup),
		cmocka_unit_test_setup(test_mmio_pages, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
