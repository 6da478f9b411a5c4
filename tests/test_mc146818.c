/* The MC146818A CMOS clock (dev/mc146818.h): the formats of register B,
 * the update cycle and UIP, register writes, SET and the divider as
 * Linux's mc146818_get_time/mc146818_set_time and rtc-cmos use them; the
 * update, alarm and periodic interrupts (register C, IRQF, the IRQ line
 * and when it next rises). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dev/mc146818.h"

#define HZ 1000000ull /* 1 tick a microsecond */
#define UIP_WINDOW (RTC_UIP_LEAD_US + RTC_UPDATE_CYCLE_US)

static struct mc146818 rtc;

/* Sunday 2026-12-06 15:42:21 from TSC 0. */
static int setup(void **state)
{
	(void)state;
	struct rtc_time t = {2026, 12, 6, 15, 42, 21};

	mc146818_init(&rtc, &t, 0, HZ);
	return 0;
}

static uint8_t rd(uint8_t index, uint64_t now)
{
	mc146818_select(&rtc, index);
	return mc146818_read(&rtc, now);
}

static void wr(uint8_t index, uint8_t value, uint64_t now)
{
	mc146818_select(&rtc, index);
	mc146818_write(&rtc, value, now);
}

static void test_calendar(void **state)
{
	(void)state;
	int64_t y;
	unsigned int m, d;

	assert_int_equal(rtc_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(rtc_days_from_civil(2000, 1, 1), 10957);
	assert_int_equal(rtc_days_from_civil(2000, 3, 1), 11017); /* leap */
	assert_int_equal(rtc_days_from_civil(1969, 12, 31), -1);
	for (int64_t days = -800000; days < 3000000; days += 997) {
		rtc_civil_from_days(days, &y, &m, &d);
		assert_int_equal(rtc_days_from_civil(y, m, d), days);
		assert_true(m >= 1 && m <= 12 && d >= 1 && d <= 31);
	}
	rtc_civil_from_days(rtc_days_from_civil(2100, 2, 28) + 1, &y, &m, &d);
	assert_int_equal(m * 100 + d, 301); /* 2100 is not a leap year */
}

/* The power-on format: BCD, 24 hours; what PC firmware leaves. */
static void test_bcd_24h_power_on(void **state)
{
	(void)state;
	assert_int_equal(rd(RTC_SECONDS, 0), 0x21);
	assert_int_equal(rd(RTC_MINUTES, 0), 0x42);
	assert_int_equal(rd(RTC_HOURS, 0), 0x15);
	assert_int_equal(rd(RTC_DAY_OF_WEEK, 0), 1); /* Sunday */
	assert_int_equal(rd(RTC_DAY_OF_MONTH, 0), 0x06);
	assert_int_equal(rd(RTC_MONTH, 0), 0x12);
	assert_int_equal(rd(RTC_YEAR, 0), 0x26);
	assert_int_equal(rd(RTC_CENTURY, 0), 0x20);
	assert_int_equal(rd(RTC_REG_A, 0), 0x26);
	assert_int_equal(rd(RTC_REG_B, 0), RTC_B_24H);
	assert_int_equal(rd(RTC_REG_C, 0), 0);
	assert_int_equal(rd(RTC_REG_D, 0), RTC_D_VRT);
}

/* DM set: the same time in binary; the index port's NMI bit is not
 * part of the index. */
static void test_binary(void **state)
{
	(void)state;
	wr(RTC_REG_B | RTC_INDEX_NMI_DISABLE, RTC_B_24H | RTC_B_DM_BINARY, 0);
	assert_int_equal(rd(RTC_REG_B, 0), 0x06);
	assert_int_equal(rd(RTC_SECONDS, 0), 21);
	assert_int_equal(rd(RTC_MINUTES, 0), 42);
	assert_int_equal(rd(RTC_HOURS, 0), 15);
	assert_int_equal(rd(RTC_DAY_OF_MONTH, 0), 6);
	assert_int_equal(rd(RTC_MONTH, 0), 12);
	assert_int_equal(rd(RTC_YEAR, 0), 26);
	assert_int_equal(rd(RTC_CENTURY, 0), 20);
	/* and written in binary */
	wr(RTC_MINUTES, 59, 0);
	assert_int_equal(rd(RTC_MINUTES, 0), 59);
}

/* 24/12 clear: hours 1-12, bit 7 PM; 12 AM is midnight, 12 PM noon. */
static void test_12_hour(void **state)
{
	(void)state;
	wr(RTC_REG_B, 0, 0);
	assert_int_equal(rd(RTC_HOURS, 0), 0x83); /* 3 PM */
	wr(RTC_HOURS, 0x12, 0);			  /* 12 AM */
	wr(RTC_REG_B, RTC_B_24H, 0);
	assert_int_equal(rd(RTC_HOURS, 0), 0x00);
	wr(RTC_REG_B, RTC_B_DM_BINARY, 0);
	wr(RTC_HOURS, 12 | RTC_HOURS_PM, 0); /* 12 PM */
	assert_int_equal(rd(RTC_HOURS, 0), 12 | RTC_HOURS_PM);
	wr(RTC_REG_B, RTC_B_24H | RTC_B_DM_BINARY, 0);
	assert_int_equal(rd(RTC_HOURS, 0), 12);
	wr(RTC_REG_B, RTC_B_DM_BINARY, 0);
	wr(RTC_HOURS, 11 | RTC_HOURS_PM, 0);
	wr(RTC_REG_B, RTC_B_24H, 0);
	assert_int_equal(rd(RTC_HOURS, 0), 0x23);
}

/* UIP rises 244 us before the update and stays up through its 1984 us;
 * the registers show the new second when it falls; each update sets
 * UF in register C, which reading clears. mc146818_avoid_UIP reads the
 * seconds, then register A. */
static void test_update_cycle(void **state)
{
	(void)state;
	uint64_t rise = HZ - UIP_WINDOW;

	assert_int_equal(rd(RTC_REG_A, rise - 1) & RTC_A_UIP, 0);
	assert_int_equal(rd(RTC_SECONDS, rise - 1), 0x21);
	assert_int_equal(rd(RTC_REG_A, rise), RTC_A_UIP | 0x26);
	assert_int_equal(rd(RTC_SECONDS, HZ - 1), 0x21);
	assert_int_equal(rd(RTC_REG_A, HZ - 1) & RTC_A_UIP, RTC_A_UIP);
	/* (PF too, at the power-on 1024 Hz: not looked at here) */
	assert_int_equal(rd(RTC_REG_C, HZ - 1) & ~RTC_C_PF, 0);
	assert_int_equal(rd(RTC_REG_A, HZ), 0x26);
	assert_int_equal(rd(RTC_SECONDS, HZ), 0x22);
	assert_int_equal(rd(RTC_REG_C, HZ) & ~RTC_C_PF, RTC_C_UF);
	assert_int_equal(rd(RTC_REG_C, HZ), 0);
	/* an hour later, and UIE makes IRQF */
	wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE, HZ);
	assert_int_equal(rd(RTC_HOURS, 3600 * HZ + HZ / 2), 0x16);
	assert_int_equal(rd(RTC_SECONDS, 3600 * HZ + HZ / 2), 0x21);
	assert_int_equal(rd(RTC_REG_C, 3600 * HZ + HZ / 2) & ~RTC_C_PF,
			 RTC_C_IRQF | RTC_C_UF);
}

/* Seconds carry into the year, the century and the day of the week;
 * February has its leap day. */
static void test_rollover(void **state)
{
	(void)state;
	struct rtc_time t = {2099, 12, 31, 23, 59, 59}, now;

	mc146818_init(&rtc, &t, 0, HZ);
	assert_int_equal(rd(RTC_DAY_OF_WEEK, 0), 5); /* Thursday */
	assert_int_equal(rd(RTC_YEAR, HZ), 0x00);
	assert_int_equal(rd(RTC_CENTURY, HZ), 0x21);
	assert_int_equal(rd(RTC_MONTH, HZ), 0x01);
	assert_int_equal(rd(RTC_DAY_OF_MONTH, HZ), 0x01);
	assert_int_equal(rd(RTC_HOURS, HZ), 0x00);
	assert_int_equal(rd(RTC_DAY_OF_WEEK, HZ), 6);
	t = (struct rtc_time){2028, 2, 28, 23, 59, 59};
	mc146818_init(&rtc, &t, 0, HZ);
	mc146818_time(&rtc, HZ, &now);
	assert_int_equal(now.month * 100 + now.day, 229);
	mc146818_time(&rtc, 86401 * HZ, &now);
	assert_int_equal(now.month * 100 + now.day, 301);
	assert_int_equal(now.second, 0);
}

/* SET stops the clock (and UIP, and clears UIE); what is written then
 * is the time when SET is cleared. */
static void test_set_bit(void **state)
{
	(void)state;
	wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE | RTC_B_SET, 0);
	assert_int_equal(rd(RTC_REG_B, 0), RTC_B_24H | RTC_B_SET);
	assert_int_equal(rd(RTC_SECONDS, 5 * HZ), 0x21);
	assert_int_equal(rd(RTC_REG_A, 5 * HZ - 1) & RTC_A_UIP, 0);
	wr(RTC_SECONDS, 0x30, 5 * HZ);
	wr(RTC_MINUTES, 0x05, 5 * HZ);
	wr(RTC_HOURS, 0x07, 5 * HZ);
	wr(RTC_DAY_OF_MONTH, 0x31, 5 * HZ);
	wr(RTC_MONTH, 0x01, 5 * HZ);
	wr(RTC_YEAR, 0x27, 5 * HZ);
	wr(RTC_REG_B, RTC_B_24H, 7 * HZ);
	assert_int_equal(rd(RTC_SECONDS, 8 * HZ - 1), 0x30);
	assert_int_equal(rd(RTC_SECONDS, 8 * HZ), 0x31);
	assert_int_equal(rd(RTC_MINUTES, 8 * HZ), 0x05);
	assert_int_equal(rd(RTC_HOURS, 8 * HZ), 0x07);
	assert_int_equal(rd(RTC_DAY_OF_MONTH, 8 * HZ), 0x31);
	assert_int_equal(rd(RTC_MONTH, 8 * HZ), 0x01);
	assert_int_equal(rd(RTC_YEAR, 8 * HZ), 0x27);
	assert_int_equal(rd(RTC_CENTURY, 8 * HZ), 0x20);
}

/* mc146818_set_time: the divider held in reset and SET while the time is
 * written, then both restored; the first update 500 ms later. */
static void test_linux_set_time(void **state)
{
	(void)state;
	uint64_t t0 = 10 * HZ + 123;
	uint8_t a = rd(RTC_REG_A, t0), b = rd(RTC_REG_B, t0);

	wr(RTC_REG_B, b | RTC_B_SET, t0);
	wr(RTC_REG_A, a | RTC_A_DV_RESET, t0);
	wr(RTC_YEAR, 0x30, t0);
	wr(RTC_MONTH, 0x06, t0);
	wr(RTC_DAY_OF_MONTH, 0x15, t0);
	wr(RTC_HOURS, 0x12, t0);
	wr(RTC_MINUTES, 0x00, t0);
	wr(RTC_SECONDS, 0x00, t0);
	assert_int_equal(rd(RTC_SECONDS, t0 + 3 * HZ), 0x00);
	wr(RTC_REG_B, b, t0 + 3 * HZ);
	assert_int_equal(rd(RTC_SECONDS, t0 + 4 * HZ), 0x00); /* DV reset */
	wr(RTC_REG_A, a, t0 + 4 * HZ);
	assert_int_equal(rd(RTC_SECONDS, t0 + 4 * HZ + HZ / 2 - 1), 0x00);
	assert_int_equal(rd(RTC_SECONDS, t0 + 4 * HZ + HZ / 2), 0x01);
	assert_int_equal(rd(RTC_YEAR, t0 + 4 * HZ + HZ / 2), 0x30);
	assert_int_equal(rd(RTC_DAY_OF_WEEK, t0 + 5 * HZ), 0x7); /* Sat */
}

/* UIP is read-only in A; C and D ignore writes; the RAM holds bytes;
 * a value out of range is clamped; the day of the week is the chip's
 * own count once written. */
static void test_registers(void **state)
{
	(void)state;
	wr(RTC_REG_A, 0xff, 0);
	assert_int_equal(rd(RTC_REG_A, 0), 0x7f); /* DV reset: no UIP */
	wr(RTC_REG_A, 0x26, 0);
	wr(RTC_REG_C, 0xff, 0);
	assert_int_equal(rd(RTC_REG_C, 0), 0);
	wr(RTC_REG_D, 0x00, 0);
	assert_int_equal(rd(RTC_REG_D, 0), RTC_D_VRT);
	for (unsigned int i = 0x0e; i < RTC_CMOS_BYTES; i++)
		if (i != RTC_CENTURY)
			wr((uint8_t)i, (uint8_t)(i ^ 0x5a), 0);
	for (unsigned int i = 0x0e; i < RTC_CMOS_BYTES; i++)
		if (i != RTC_CENTURY)
			assert_int_equal(rd((uint8_t)i, 0), i ^ 0x5a);
	wr(RTC_SECONDS_ALARM, 0xc0, 0); /* "don't care" */
	assert_int_equal(rd(RTC_SECONDS_ALARM, 0), 0xc0);
	wr(RTC_MONTH, 0x99, 0);
	assert_int_equal(rd(RTC_MONTH, 0), 0x12);
	wr(RTC_SECONDS, 0xff, 0);
	assert_int_equal(rd(RTC_SECONDS, 0), 0x59);
	wr(RTC_DAY_OF_WEEK, 3, 0);
	assert_int_equal(rd(RTC_DAY_OF_WEEK, 0), 3);
	assert_int_equal(rd(RTC_DAY_OF_WEEK, 86400 * HZ), 4);
	assert_int_equal(rd(RTC_DAY_OF_WEEK, 5 * 86400 * HZ), 1);
}

/* Each source sets its flag whatever its enable bit; IRQF (and the IRQ
 * line) is a flag with its enable; reading register C clears them all.
 * The periodic interrupt off (RS 0) but where tested. */
static void test_flags_and_enables(void **state)
{
	(void)state;
	static const struct {
		uint8_t rs, alarm_s, enable, flag;
	} src[] = {
		{0x6, 0x00, RTC_B_PIE, RTC_C_PF}, /* 1024 Hz */
		{0x0, 0xc0, RTC_B_AIE, RTC_C_AF}, /* any second of 15:42 */
		{0x0, 0x00, RTC_B_UIE, RTC_C_UF},
	};

	for (unsigned int i = 0; i < 3; i++) {
		setup(NULL);
		wr(RTC_REG_A, (uint8_t)(RTC_A_DV_32768HZ | src[i].rs), 0);
		wr(RTC_SECONDS_ALARM, src[i].alarm_s, 0);
		wr(RTC_MINUTES_ALARM, 0x42, 0);
		wr(RTC_HOURS_ALARM, 0x15, 0);
		/* not enabled: the flag, no IRQF */
		assert_false(mc146818_irq(&rtc, HZ));
		assert_int_equal(rd(RTC_REG_C, HZ) & (RTC_C_IRQF | src[i].flag),
				 src[i].flag);
		assert_int_equal(rd(RTC_REG_C, HZ), 0);
		/* its own enabled: IRQF with the flag, until C is read */
		wr(RTC_REG_B, (uint8_t)(RTC_B_24H | src[i].enable), HZ);
		assert_false(mc146818_irq(&rtc, HZ));
		assert_true(mc146818_irq(&rtc, 2 * HZ));
		assert_true(mc146818_irq(&rtc, 2 * HZ + 1));
		assert_int_equal(rd(RTC_REG_C, 2 * HZ + 1) &
					 (RTC_C_IRQF | src[i].flag),
				 RTC_C_IRQF | src[i].flag);
		assert_false(mc146818_irq(&rtc, 2 * HZ + 1));
		/* a flag already set raises IRQF when enabled later */
		wr(RTC_REG_B, RTC_B_24H, 2 * HZ + 1);
		assert_false(mc146818_irq(&rtc, 3 * HZ));
		wr(RTC_REG_B, (uint8_t)(RTC_B_24H | src[i].enable), 3 * HZ);
		assert_true(mc146818_irq(&rtc, 3 * HZ));
	}
}

/* AF: the update's new time against the three alarm registers, as the
 * registers show it (BCD, binary, 12-hour), C0-FF matching any value;
 * an alarm passed while nobody looked is still flagged. */
static void test_alarm(void **state)
{
	(void)state;
	/* 15:42:25, four updates away */
	wr(RTC_SECONDS_ALARM, 0x25, 0);
	wr(RTC_MINUTES_ALARM, 0x42, 0);
	wr(RTC_HOURS_ALARM, 0x15, 0);
	wr(RTC_REG_B, RTC_B_24H | RTC_B_AIE, 0);
	assert_int_equal(mc146818_next_event(&rtc, 0), 4 * HZ);
	assert_int_equal(rd(RTC_REG_C, 4 * HZ - 1) & RTC_C_AF, 0);
	assert_int_equal(rd(RTC_REG_C, 4 * HZ) & (RTC_C_AF | RTC_C_IRQF),
			 RTC_C_AF | RTC_C_IRQF);
	/* next: the same time tomorrow */
	assert_int_equal(mc146818_next_event(&rtc, 4 * HZ), 86404 * HZ);
	/* passed unseen: flagged at the next access */
	assert_int_equal(rd(RTC_REG_C, 86500 * HZ) & RTC_C_AF, RTC_C_AF);
	/* seconds "don't care": every second of 15:43 tomorrow-after */
	setup(NULL);
	wr(RTC_SECONDS_ALARM, 0xc0, 0);
	wr(RTC_MINUTES_ALARM, 0x43, 0);
	wr(RTC_HOURS_ALARM, 0x15, 0);
	wr(RTC_REG_B, RTC_B_24H | RTC_B_AIE, 0);
	assert_int_equal(mc146818_next_event(&rtc, 0), 39 * HZ); /* 15:43:00 */
	assert_int_equal(rd(RTC_REG_C, 39 * HZ) & RTC_C_AF, RTC_C_AF);
	assert_int_equal(mc146818_next_event(&rtc, 39 * HZ), 40 * HZ);
	assert_int_equal(rd(RTC_REG_C, 99 * HZ) & RTC_C_AF, RTC_C_AF);
	assert_int_equal(rd(RTC_REG_C, 100 * HZ) & RTC_C_AF, 0); /* 15:44 */
	/* all three "don't care": every update */
	wr(RTC_MINUTES_ALARM, 0xff, 100 * HZ);
	wr(RTC_HOURS_ALARM, 0xc5, 100 * HZ);
	assert_int_equal(mc146818_next_event(&rtc, 100 * HZ), 101 * HZ);
	/* an hour that never comes: none */
	wr(RTC_HOURS_ALARM, 0x24, 100 * HZ);
	assert_int_equal(mc146818_next_event(&rtc, 100 * HZ), UINT64_MAX);
	/* binary, 12-hour: 3 PM is 0x83, 15:44:10 */
	wr(RTC_REG_B, RTC_B_DM_BINARY | RTC_B_AIE, 100 * HZ);
	wr(RTC_HOURS_ALARM, 0x83, 100 * HZ);
	wr(RTC_MINUTES_ALARM, 44, 100 * HZ);
	wr(RTC_SECONDS_ALARM, 10, 100 * HZ);
	assert_int_equal(mc146818_next_event(&rtc, 100 * HZ), 109 * HZ);
	assert_int_equal(rd(RTC_REG_C, 109 * HZ) & RTC_C_AF, RTC_C_AF);
	/* the time written (SET) is no update: no AF */
	wr(RTC_REG_B, RTC_B_DM_BINARY | RTC_B_SET, 110 * HZ);
	wr(RTC_SECONDS, 10, 110 * HZ);
	assert_int_equal(rd(RTC_REG_C, 110 * HZ) & RTC_C_AF, 0);
}

/* Table 5: RS3-RS0 against the 32.768 kHz time base. Over one second
 * from the divider's phase, as many periodic interrupts as the rate
 * says, each at next_event, none before it. */
static void test_periodic_rates(void **state)
{
	(void)state;
	static const unsigned int hz[16] = {0,	  256, 128, 8192, 4096, 2048,
					    1024, 512, 256, 128,  64,	32,
					    16,	  8,   4,   2};

	for (uint8_t rs = 0; rs < 16; rs++) {
		uint64_t now = 0, next;
		unsigned int n = 0;

		assert_int_equal(mc146818_periodic_hz(RTC_A_DV_32768HZ | rs),
				 hz[rs]);
		setup(NULL);
		wr(RTC_REG_A, (uint8_t)(RTC_A_DV_32768HZ | rs), 0);
		wr(RTC_REG_B, RTC_B_24H | RTC_B_PIE, 0);
		while ((next = mc146818_next_event(&rtc, now)) <= HZ) {
			assert_true(next > now);
			assert_false(mc146818_irq(&rtc, next - 1));
			assert_true(mc146818_irq(&rtc, next));
			assert_int_equal(rd(RTC_REG_C, next) & RTC_C_PF,
					 RTC_C_PF);
			now = next;
			n++;
		}
		assert_int_equal(n, hz[rs]);
		if (!rs)
			assert_int_equal(next, UINT64_MAX);
	}
	/* the divider held in reset: no ticks; out of it, the chain starts
	 * half way through its second (the first update 500 ms later), the
	 * 2 Hz tap's tick with that update */
	setup(NULL);
	wr(RTC_REG_A, RTC_A_DV_RESET | 0xf, 0);
	wr(RTC_REG_B, RTC_B_24H | RTC_B_PIE, 0);
	assert_int_equal(mc146818_next_event(&rtc, 0), UINT64_MAX);
	assert_false(mc146818_irq(&rtc, 5 * HZ));
	wr(RTC_REG_A, RTC_A_DV_32768HZ | 0xf, 5 * HZ + 7); /* 2 Hz */
	assert_int_equal(mc146818_next_event(&rtc, 5 * HZ + 7),
			 5 * HZ + HZ / 2 + 7);
	wr(RTC_REG_B, RTC_B_24H | RTC_B_PIE | RTC_B_UIE, 5 * HZ + 7);
	assert_true(mc146818_irq(&rtc, 5 * HZ + HZ / 2 + 7));
	assert_int_equal(rd(RTC_REG_C, 5 * HZ + HZ / 2 + 7),
			 RTC_C_IRQF | RTC_C_PF | RTC_C_UF);
}

/* next_event: none without an enabled source, the next update with UIE,
 * none while IRQF is up (it cannot rise again before C is read), now
 * where it is past due, none while SET or the divider stop updates. */
static void test_next_event(void **state)
{
	(void)state;
	assert_int_equal(mc146818_next_event(&rtc, 0), UINT64_MAX);
	wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE, HZ / 4);
	assert_int_equal(mc146818_next_event(&rtc, HZ / 4), HZ);
	assert_int_equal(mc146818_next_event(&rtc, 2 * HZ), 2 * HZ);
	assert_true(mc146818_irq(&rtc, 2 * HZ));
	assert_int_equal(mc146818_next_event(&rtc, 2 * HZ), UINT64_MAX);
	rd(RTC_REG_C, 2 * HZ);
	assert_int_equal(mc146818_next_event(&rtc, 2 * HZ), 3 * HZ);
	/* the periodic interrupt too: the earlier of the two */
	wr(RTC_REG_A, RTC_A_DV_32768HZ | 0xe, 2 * HZ); /* 4 Hz */
	wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE | RTC_B_PIE, 2 * HZ);
	assert_int_equal(mc146818_next_event(&rtc, 2 * HZ), 2 * HZ + HZ / 4);
	/* SET: no updates (and UIE cleared); the periodic rate goes on */
	wr(RTC_REG_B, RTC_B_24H | RTC_B_SET | RTC_B_UIE, 2 * HZ);
	wr(RTC_REG_A, RTC_A_DV_32768HZ, 2 * HZ);
	assert_int_equal(mc146818_next_event(&rtc, 2 * HZ), UINT64_MAX);
	/* the divider in reset with UIE: none */
	wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE, 2 * HZ);
	wr(RTC_REG_A, RTC_A_DV_RESET, 2 * HZ);
	assert_int_equal(mc146818_next_event(&rtc, 2 * HZ), UINT64_MAX);
	/* a clock without a TSC rate: none */
	setup(NULL);
	rtc.tsc_hz = 0;
	wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE | RTC_B_PIE, 0);
	assert_int_equal(mc146818_next_event(&rtc, 0), UINT64_MAX);
	assert_false(mc146818_irq(&rtc, 5 * HZ));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_calendar, setup),
		cmocka_unit_test_setup(test_bcd_24h_power_on, setup),
		cmocka_unit_test_setup(test_binary, setup),
		cmocka_unit_test_setup(test_12_hour, setup),
		cmocka_unit_test_setup(test_update_cycle, setup),
		cmocka_unit_test_setup(test_rollover, setup),
		cmocka_unit_test_setup(test_set_bit, setup),
		cmocka_unit_test_setup(test_linux_set_time, setup),
		cmocka_unit_test_setup(test_registers, setup),
		cmocka_unit_test_setup(test_flags_and_enables, setup),
		cmocka_unit_test_setup(test_alarm, setup),
		cmocka_unit_test_setup(test_periodic_rates, setup),
		cmocka_unit_test_setup(test_next_event, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
