/* The MC146818A real-time clock (mc146818.h). The clock keeps one number,
 * the seconds since 1970-01-01 that its registers show, and the TSC value
 * at which that second began; every access first lets the whole seconds
 * since then go by (an update cycle each), so the registers are derived
 * from the time rather than stored. Register C's flags are brought up to
 * each access the same way, from the TSC they were last brought up to;
 * IRQF is not stored but computed from them and register B. The format bits of register B apply
 * as the registers are read and written. */
#include "dev/mc146818.h"

#define SECONDS_PER_DAY 86400
#define US_PER_S 1000000u

/* Howard Hinnant's days_from_civil and civil_from_days (the proleptic
 * Gregorian calendar, eras of 400 years = 146097 days; 719468 is the
 * day number of 1970-01-01 counted from 0000-03-01). */
int64_t rtc_days_from_civil(int64_t year, unsigned int month, unsigned int day)
{
	year -= month <= 2;
	int64_t era = (year >= 0 ? year : year - 399) / 400;
	unsigned int yoe = (unsigned int)(year - era * 400);
	unsigned int doy =
		(153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
	unsigned int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

void rtc_civil_from_days(int64_t days, int64_t *year, unsigned int *month,
			 unsigned int *day)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	unsigned int doe = (unsigned int)(days - era * 146097);
	unsigned int yoe =
		(doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned int mp = (5 * doy + 2) / 153;

	*day = doy - (153 * mp + 2) / 5 + 1;
	*month = mp < 10 ? mp + 3 : mp - 9;
	*year = (int64_t)yoe + era * 400 + (*month <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* The time in fields, the day of the week as the clock counts it (1 =
 * Sunday; 1970-01-01 was a Thursday, 5). */
struct fields {
	int64_t year;
	unsigned int month, day, hour, minute, second, weekday;
};

static void to_fields(const struct mc146818 *rtc, struct fields *f)
{
	int64_t days = floor_div(rtc->seconds, SECONDS_PER_DAY);
	int64_t sod = rtc->seconds - days * SECONDS_PER_DAY;

	rtc_civil_from_days(days, &f->year, &f->month, &f->day);
	f->hour = (unsigned int)(sod / 3600);
	f->minute = (unsigned int)(sod / 60 % 60);
	f->second = (unsigned int)(sod % 60);
	f->weekday =
		(unsigned int)(((days + 4) % 7 + 7 + rtc->weekday_offset) % 7) +
		1;
}

static int64_t from_fields(const struct fields *f)
{
	return rtc_days_from_civil(f->year, f->month, f->day) *
		       SECONDS_PER_DAY +
	       f->hour * 3600 + f->minute * 60 + f->second;
}

/* The divider chain counts (DV not 11x, its reset). */
static bool divider_running(const struct mc146818 *rtc)
{
	return (rtc->cmos[RTC_REG_A] & RTC_A_DV_RESET) != RTC_A_DV_RESET;
}

/* The registers count too (SET clear). */
static bool running(const struct mc146818 *rtc)
{
	return !(rtc->cmos[RTC_REG_B] & RTC_B_SET) && divider_running(rtc);
}

/* UIP: from RTC_UIP_LEAD_US before the update until its end, the last
 * 2228 us of each second as the registers show it. */
static bool update_in_progress(const struct mc146818 *rtc, uint64_t now)
{
	uint64_t window = rtc->tsc_hz *
			  (RTC_UIP_LEAD_US + RTC_UPDATE_CYCLE_US) / US_PER_S;

	return running(rtc) && now >= rtc->second_tsc &&
	       now - rtc->second_tsc >= rtc->tsc_hz - window;
}

void mc146818_init(struct mc146818 *rtc, const struct rtc_time *t, uint64_t now,
		   uint64_t tsc_hz)
{
	struct fields f = {t->year,   t->month,	 t->day, t->hour,
			   t->minute, t->second, 0};

	*rtc = (struct mc146818){0};
	rtc->cmos[RTC_REG_A] = RTC_A_POWER_ON;
	rtc->cmos[RTC_REG_B] = RTC_B_POWER_ON;
	rtc->seconds = from_fields(&f);
	rtc->second_tsc = now;
	rtc->divider_tsc = now;
	rtc->flags_tsc = now;
	rtc->tsc_hz = tsc_hz;
}

void mc146818_select(struct mc146818 *rtc, uint8_t value)
{
	rtc->index = value & (uint8_t)~RTC_INDEX_NMI_DISABLE;
}

static bool binary(const struct mc146818 *rtc)
{
	return rtc->cmos[RTC_REG_B] & RTC_B_DM_BINARY;
}

static uint8_t encode(const struct mc146818 *rtc, unsigned int v)
{
	return binary(rtc) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

/* A BCD byte with a nibble over 9 decodes arithmetically: the data sheet
 * leaves such a value undefined, and the caller clamps it. */
static unsigned int decode(const struct mc146818 *rtc, uint8_t v)
{
	return binary(rtc) ? v : (unsigned int)(v >> 4) * 10 + (v & 0xf);
}

/* 12-hour mode: 12 AM is midnight, 12 PM noon, bit 7 PM. */
static uint8_t encode_hour(const struct mc146818 *rtc, unsigned int hour)
{
	if (rtc->cmos[RTC_REG_B] & RTC_B_24H)
		return encode(rtc, hour);
	unsigned int h12 = hour % 12 ? hour % 12 : 12;

	return (uint8_t)(encode(rtc, h12) | (hour >= 12 ? RTC_HOURS_PM : 0));
}

static unsigned int decode_hour(const struct mc146818 *rtc, uint8_t v)
{
	if (rtc->cmos[RTC_REG_B] & RTC_B_24H)
		return decode(rtc, v);
	unsigned int h12 = decode(rtc, v & (uint8_t)~RTC_HOURS_PM);

	return h12 % 12 + (v & RTC_HOURS_PM ? 12 : 0);
}

/* The data sheet's table 5, "Periodic Interrupt Rate and Square-Wave
 * Output Frequency", the 32.768 kHz time base's column, by RS3-RS0: 0000
 * none; 0001 and 0010 the periods of 1000 and 1001 (3.90625 ms, 7.8125
 * ms); 0011 122.070 us (8192 Hz), each next one twice as long, to 1111's
 * 500 ms. */
static const uint16_t periodic_hz[RTC_A_RS_MASK + 1] = {
	0, 256, 128, 8192, 4096, 2048, 1024, 512, 256, 128, 64, 32, 16, 8, 4, 2,
};

unsigned int mc146818_periodic_hz(uint8_t reg_a)
{
	return periodic_hz[reg_a & RTC_A_RS_MASK];
}

/* The periodic ticks from the divider's second at divider_tsc to @t, at
 * @hz: tick k of each second at ceil(k * tsc_hz / hz) into it, the last
 * one at the next second's start, as the rate is a tap of the chain that
 * counts the seconds. */
static uint64_t periodic_ticks(const struct mc146818 *rtc, unsigned int hz,
			       uint64_t t)
{
	if (t < rtc->divider_tsc)
		return 0;
	uint64_t d = t - rtc->divider_tsc;

	return d / rtc->tsc_hz * hz + d % rtc->tsc_hz * hz / rtc->tsc_hz;
}

/* The TSC of periodic tick @n, the first at which periodic_ticks is @n. */
static uint64_t periodic_tick_tsc(const struct mc146818 *rtc, unsigned int hz,
				  uint64_t n)
{
	return rtc->divider_tsc + n / hz * rtc->tsc_hz +
	       (n % hz * rtc->tsc_hz + hz - 1) / hz;
}

/* IRQF: a flag and its enable bit ("Register C"). */
static bool irqf(const struct mc146818 *rtc)
{
	uint8_t b = rtc->cmos[RTC_REG_B], c = rtc->cmos[RTC_REG_C];

	return ((c & RTC_C_PF) && (b & RTC_B_PIE)) ||
	       ((c & RTC_C_AF) && (b & RTC_B_AIE)) ||
	       ((c & RTC_C_UF) && (b & RTC_B_UIE));
}

/* The first value from @from to @last that alarm register @index
 * matches, compared as the registers show it (register B's formats), or
 * -1. */
static int alarm_match(const struct mc146818 *rtc, uint8_t index,
		       unsigned int from, unsigned int last)
{
	uint8_t alarm = rtc->cmos[index];

	for (unsigned int v = from; v <= last; v++) {
		uint8_t shown = index == RTC_HOURS_ALARM ? encode_hour(rtc, v)
							 : encode(rtc, v);

		if ((alarm & RTC_ALARM_DONT_CARE) == RTC_ALARM_DONT_CARE ||
		    alarm == shown)
			return (int)v;
	}
	return -1;
}

/* The seconds from @seconds to the next second whose time of day the
 * three alarm registers match, 1 to 86400, or 0 where none ever does:
 * hour by hour from the current one, the first minute and second that
 * match in the first hour that has one. */
static uint64_t seconds_to_alarm(const struct mc146818 *rtc, int64_t seconds)
{
	int64_t days = floor_div(seconds, SECONDS_PER_DAY);
	unsigned int sod = (unsigned int)(seconds - days * SECONDS_PER_DAY);
	unsigned int h0 = sod / 3600, m0 = sod / 60 % 60, s0 = sod % 60;

	for (unsigned int k = 0; k <= 24; k++) {
		unsigned int h = (h0 + k) % 24;
		int m, s = -1;

		if (alarm_match(rtc, RTC_HOURS_ALARM, h, h) < 0)
			continue;
		m = alarm_match(rtc, RTC_MINUTES_ALARM, k ? 0 : m0, 59);
		if (!k && m == (int)m0) {
			s = alarm_match(rtc, RTC_SECONDS_ALARM, s0 + 1, 59);
			if (s < 0)
				m = alarm_match(rtc, RTC_MINUTES_ALARM, m0 + 1,
						59);
		}
		if (m < 0)
			continue;
		if (s < 0)
			s = alarm_match(rtc, RTC_SECONDS_ALARM, 0, 59);
		if (s < 0)
			return 0;
		return (h0 + k) * 3600ull + (unsigned int)m * 60 +
		       (unsigned int)s - sod;
	}
	return 0;
}

/* The flags brought up to @now: PF for a periodic tick since they last
 * were (the divider counting; not counted while PF is still set, as
 * before every VM entry until the guest reads register C); then the
 * update cycles due, the time moving on by whole seconds, each setting
 * UF at its end, and AF where the new time matches the alarm. */
static void advance(struct mc146818 *rtc, uint64_t now)
{
	unsigned int hz = mc146818_periodic_hz(rtc->cmos[RTC_REG_A]);

	if (now > rtc->flags_tsc) {
		if (!(rtc->cmos[RTC_REG_C] & RTC_C_PF) && hz && rtc->tsc_hz &&
		    divider_running(rtc) &&
		    periodic_ticks(rtc, hz, now) >
			    periodic_ticks(rtc, hz, rtc->flags_tsc))
			rtc->cmos[RTC_REG_C] |= RTC_C_PF;
		rtc->flags_tsc = now;
	}
	if (!running(rtc) || !rtc->tsc_hz || now < rtc->second_tsc ||
	    now - rtc->second_tsc < rtc->tsc_hz)
		return;
	uint64_t n = (now - rtc->second_tsc) / rtc->tsc_hz;

	uint64_t to_alarm = seconds_to_alarm(rtc, rtc->seconds);

	if (to_alarm && to_alarm <= n)
		rtc->cmos[RTC_REG_C] |= RTC_C_AF;
	rtc->seconds += (int64_t)n;
	rtc->second_tsc += n * rtc->tsc_hz;
	rtc->cmos[RTC_REG_C] |= RTC_C_UF;
}

bool mc146818_irq(struct mc146818 *rtc, uint64_t now)
{
	/* Asked before every VM entry: with no interrupt enabled IRQF is
	 * low whatever the flags, and they are brought up to date when C
	 * is read (advance catches up over any stretch of time). */
	if (!(rtc->cmos[RTC_REG_B] & (RTC_B_PIE | RTC_B_AIE | RTC_B_UIE)))
		return false;
	advance(rtc, now);
	return irqf(rtc);
}

static uint64_t earlier(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

uint64_t mc146818_next_event(const struct mc146818 *rtc, uint64_t now)
{
	uint8_t b = rtc->cmos[RTC_REG_B];
	unsigned int hz = mc146818_periodic_hz(rtc->cmos[RTC_REG_A]);
	uint64_t next = UINT64_MAX;

	if (irqf(rtc) || !rtc->tsc_hz)
		return UINT64_MAX;
	if ((b & RTC_B_PIE) && hz && divider_running(rtc))
		next = periodic_tick_tsc(
			rtc, hz, periodic_ticks(rtc, hz, rtc->flags_tsc) + 1);
	if (running(rtc) && (b & RTC_B_UIE))
		next = earlier(next, rtc->second_tsc + rtc->tsc_hz);
	if (running(rtc) && (b & RTC_B_AIE)) {
		uint64_t k = seconds_to_alarm(rtc, rtc->seconds);

		if (k)
			next = earlier(next, rtc->second_tsc + k * rtc->tsc_hz);
	}
	return next < now ? now : next;
}

uint8_t mc146818_read(struct mc146818 *rtc, uint64_t now)
{
	struct fields f;
	uint8_t v;

	advance(rtc, now);
	to_fields(rtc, &f);
	switch (rtc->index) {
	case RTC_SECONDS:
		return encode(rtc, f.second);
	case RTC_MINUTES:
		return encode(rtc, f.minute);
	case RTC_HOURS:
		return encode_hour(rtc, f.hour);
	case RTC_DAY_OF_WEEK:
		return encode(rtc, f.weekday);
	case RTC_DAY_OF_MONTH:
		return encode(rtc, f.day);
	case RTC_MONTH:
		return encode(rtc, f.month);
	case RTC_YEAR:
		return encode(rtc, (unsigned int)(f.year % 100));
	case RTC_CENTURY:
		return encode(rtc, (unsigned int)(f.year / 100 % 100));
	case RTC_REG_A:
		return (uint8_t)((rtc->cmos[RTC_REG_A] & ~RTC_A_UIP) |
				 (update_in_progress(rtc, now) ? RTC_A_UIP
							       : 0));
	case RTC_REG_C:
		v = (uint8_t)(rtc->cmos[RTC_REG_C] |
			      (irqf(rtc) ? RTC_C_IRQF : 0));
		rtc->cmos[RTC_REG_C] = 0;
		return v;
	case RTC_REG_D:
		return RTC_D_VRT;
	default:
		return rtc->cmos[rtc->index];
	}
}

static unsigned int clamp(unsigned int v, unsigned int lo, unsigned int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* A clock register written: the field replaced (clamped to its range),
 * the second's phase kept. */
static void write_time(struct mc146818 *rtc, uint8_t value)
{
	struct fields f;
	unsigned int v = decode(rtc, value);
	int64_t days;

	to_fields(rtc, &f);
	switch (rtc->index) {
	case RTC_SECONDS:
		f.second = clamp(v, 0, 59);
		break;
	case RTC_MINUTES:
		f.minute = clamp(v, 0, 59);
		break;
	case RTC_HOURS:
		f.hour = clamp(decode_hour(rtc, value), 0, 23);
		break;
	case RTC_DAY_OF_MONTH:
		f.day = clamp(v, 1, 31);
		break;
	case RTC_MONTH:
		f.month = clamp(v, 1, 12);
		break;
	case RTC_YEAR:
		f.year = f.year / 100 * 100 + clamp(v, 0, 99);
		break;
	case RTC_CENTURY:
		f.year = (int64_t)clamp(v, 0, 99) * 100 + f.year % 100;
		break;
	case RTC_DAY_OF_WEEK:
		/* kept apart from the date, as the chip counts it */
		days = floor_div(rtc->seconds, SECONDS_PER_DAY);
		rtc->weekday_offset = (uint8_t)(((int64_t)clamp(v, 1, 7) - 1 -
						 (days + 4) % 7 + 14) %
						7);
		return;
	default:
		return;
	}
	rtc->seconds = from_fields(&f);
}

void mc146818_write(struct mc146818 *rtc, uint8_t value, uint64_t now)
{
	bool was_running = running(rtc);
	bool dv_was_reset = !divider_running(rtc);

	advance(rtc, now);
	switch (rtc->index) {
	case RTC_SECONDS:
	case RTC_MINUTES:
	case RTC_HOURS:
	case RTC_DAY_OF_WEEK:
	case RTC_DAY_OF_MONTH:
	case RTC_MONTH:
	case RTC_YEAR:
	case RTC_CENTURY:
		write_time(rtc, value);
		return;
	case RTC_REG_A:
		rtc->cmos[RTC_REG_A] = value & (uint8_t)~RTC_A_UIP;
		break;
	case RTC_REG_B:
		/* SET stops the updates and clears UIE. */
		if (value & RTC_B_SET)
			value &= (uint8_t)~RTC_B_UIE;
		rtc->cmos[RTC_REG_B] = value;
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		return; /* read-only */
	default:
		rtc->cmos[rtc->index] = value;
		return;
	}
	/* The divider out of reset: its first second ends 500 ms later
	 * ("Divider Control"), the periodic ticks counted from there.
	 * Restarted: from SET, the second starts now; from the divider's
	 * reset, the first update comes 500 ms later. */
	if (dv_was_reset && divider_running(rtc))
		rtc->divider_tsc =
			now > rtc->tsc_hz / 2 ? now - rtc->tsc_hz / 2 : 0;
	if (!was_running && running(rtc)) {
		rtc->second_tsc = now;
		if (dv_was_reset)
			rtc->second_tsc = now > rtc->tsc_hz / 2
						  ? now - rtc->tsc_hz / 2
						  : 0;
	}
}

void mc146818_time(struct mc146818 *rtc, uint64_t now, struct rtc_time *t)
{
	struct fields f;

	advance(rtc, now);
	to_fields(rtc, &f);
	*t = (struct rtc_time){(uint16_t)f.year,  (uint8_t)f.month,
			       (uint8_t)f.day,	  (uint8_t)f.hour,
			       (uint8_t)f.minute, (uint8_t)f.second};
}
