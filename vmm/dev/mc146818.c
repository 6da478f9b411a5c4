/* The MC146818A real-time clock (mc146818.h). The clock keeps one number,
 * the seconds since 1970-01-01 that its registers show, and the TSC value
 * at which that second began; every access first lets the whole seconds
 * since then go by (an update cycle each), so the registers are derived
 * from the time rather than stored. The format bits of register B apply
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

static bool running(const struct mc146818 *rtc)
{
	return !(rtc->cmos[RTC_REG_B] & RTC_B_SET) &&
	       (rtc->cmos[RTC_REG_A] & RTC_A_DV_RESET) != RTC_A_DV_RESET;
}

/* The update cycles due by @now: the time moves on by whole seconds, and
 * each sets UF (and IRQF, where UIE enables it). */
static void advance(struct mc146818 *rtc, uint64_t now)
{
	if (!running(rtc) || !rtc->tsc_hz || now < rtc->second_tsc)
		return;
	uint64_t n = (now - rtc->second_tsc) / rtc->tsc_hz;

	if (!n)
		return;
	rtc->seconds += (int64_t)n;
	rtc->second_tsc += n * rtc->tsc_hz;
	rtc->cmos[RTC_REG_C] |= RTC_C_UF;
	if (rtc->cmos[RTC_REG_B] & RTC_B_UIE)
		rtc->cmos[RTC_REG_C] |= RTC_C_IRQF;
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
		v = rtc->cmos[RTC_REG_C];
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
	bool dv_was_reset =
		(rtc->cmos[RTC_REG_A] & RTC_A_DV_RESET) == RTC_A_DV_RESET;

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
	/* Restarted: from SET, the second starts now; from the divider's
	 * reset, the first update comes 500 ms later. */
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
