/* The PC's CMOS real-time clock, a Motorola MC146818A as the IBM AT has
 * it at ports 0x70 (index; bit 7 masks NMI) and 0x71 (data): ten clock
 * and alarm registers, registers A-D, and RAM up to index 0x7F, where the
 * AT keeps the century at 0x32 (the FADT's CENTURY names it). It shows
 * the time it was given at start, advanced by the TSC: Linux reads it
 * once at boot for the wall clock (mach_get_cmos_time ->
 * mc146818_get_time) and rtc-cmos reads and sets it later.
 *
 * What the data sheet (MC146818A, "Update Cycle", "Registers") makes
 * visible is modelled: UIP (register A bit 7) high from 244 us before
 * each update until the registers show the new second, 1984 us later;
 * BCD or binary and 12- or 24-hour per register B (DM, 24/12), the
 * format applied as the registers are read; SET stopping updates; the
 * divider (DV) held in reset stopping them too, the first update 500 ms
 * after it restarts; register D's VRT. The three interrupts ("Interrupts",
 * "Register C"): UF at the end of each update cycle, AF when an update's
 * new time matches the three alarm registers (a byte 11xxxxxx matching
 * any value), PF at the periodic rate of register A's RS3-RS0 (table 5),
 * its ticks taps of the divider chain that also counts the seconds; the
 * flags set whatever the enable bits, IRQF = PF.PIE + AF.AIE + UF.UIE,
 * reading register C clearing them all. IRQF is the IRQ pin (active low on
 * the chip, ISA IRQ 8 through the PC's inverter: mc146818_irq). Not
 * modelled: daylight saving (DSE), the square-wave output, time bases
 * other than 32.768 kHz (DV 000 and 001 run as 010), the divider's phase
 * across SET (the second restarts as SET is cleared, as before). Pure:
 * time is the TSC value passed in. */
#ifndef HV_MC146818_H
#define HV_MC146818_H

#include <stdbool.h>
#include <stdint.h>

/* The I/O ports (IBM AT) and the register map (data sheet figure 3,
 * "Address Map"). */
#define RTC_PORT_INDEX 0x70u
#define RTC_PORT_DATA 0x71u
#define RTC_INDEX_NMI_DISABLE 0x80u
enum rtc_register {
	RTC_SECONDS = 0x00,
	RTC_SECONDS_ALARM = 0x01,
	RTC_MINUTES = 0x02,
	RTC_MINUTES_ALARM = 0x03,
	RTC_HOURS = 0x04,
	RTC_HOURS_ALARM = 0x05,
	RTC_DAY_OF_WEEK = 0x06, /* 1 = Sunday */
	RTC_DAY_OF_MONTH = 0x07,
	RTC_MONTH = 0x08,
	RTC_YEAR = 0x09, /* 0-99 */
	RTC_REG_A = 0x0a,
	RTC_REG_B = 0x0b,
	RTC_REG_C = 0x0c,
	RTC_REG_D = 0x0d,
	RTC_CENTURY = 0x32, /* IBM AT CMOS map; ACPI FADT CENTURY */
	RTC_CMOS_BYTES = 0x80,
};

/* Register A: update in progress (read-only), the divider's three bits
 * (010: the 32.768 kHz time base running; 11x: held in reset), the
 * periodic rate. */
#define RTC_A_UIP 0x80u
#define RTC_A_DV_MASK 0x70u
#define RTC_A_DV_32768HZ 0x20u
#define RTC_A_DV_RESET 0x60u
#define RTC_A_RS_MASK 0x0fu
/* Register B. */
#define RTC_B_SET 0x80u
#define RTC_B_PIE 0x40u
#define RTC_B_AIE 0x20u
#define RTC_B_UIE 0x10u
#define RTC_B_SQWE 0x08u
#define RTC_B_DM_BINARY 0x04u
#define RTC_B_24H 0x02u
#define RTC_B_DSE 0x01u
/* Register C: interrupt flags, cleared by reading it; IRQF is PF, AF
 * and UF each with its enable bit in register B (PIE, AIE, UIE). */
#define RTC_C_IRQF 0x80u
#define RTC_C_PF 0x40u
#define RTC_C_AF 0x20u
#define RTC_C_UF 0x10u
/* Register D: valid RAM and time (the battery is good). */
#define RTC_D_VRT 0x80u
/* The hours register in 12-hour mode: bit 7 is PM. */
#define RTC_HOURS_PM 0x80u
/* What a PC's firmware leaves: 32.768 kHz, 1024 Hz periodic rate; 24
 * hours, BCD, no interrupts. */
#define RTC_A_POWER_ON 0x26u
#define RTC_B_POWER_ON RTC_B_24H
/* The update cycle (data sheet, "Update Cycle"): UIP rises tBUC = 244 us
 * before it; it lasts tUC = 1984 us (32.768 kHz time base). */
#define RTC_UIP_LEAD_US 244u
#define RTC_UPDATE_CYCLE_US 1984u
/* An alarm register whose bits 7:6 are both set matches any value
 * ("Alarm": the "don't care" code, C0-FF). */
#define RTC_ALARM_DONT_CARE 0xc0u

/* A calendar time, UTC as the PC's firmware gives it (year 0-9999). */
struct rtc_time {
	uint16_t year;
	uint8_t month;	/* 1-12 */
	uint8_t day;	/* 1-31 */
	uint8_t hour;	/* 0-23 */
	uint8_t minute; /* 0-59 */
	uint8_t second; /* 0-59 */
};

struct mc146818 {
	uint8_t index;		      /* selected through port 0x70 */
	uint8_t cmos[RTC_CMOS_BYTES]; /* alarms, A, B, C and the RAM */
	int64_t seconds;	      /* the time shown, from 1970-01-01 */
	uint8_t weekday_offset;	      /* what the guest wrote to the day
					   of the week, against the date's */
	uint64_t second_tsc;	      /* the TSC when that second began */
	uint64_t tsc_hz;
	uint64_t divider_tsc; /* the TSC when a second of the divider chain
				 began: the periodic ticks' phase */
	uint64_t flags_tsc;   /* register C's flags are as of this TSC */
};

/* Power-on state (RTC_A_POWER_ON, RTC_B_POWER_ON), showing @t from TSC
 * @now on, the TSC counting @tsc_hz a second. */
void mc146818_init(struct mc146818 *rtc, const struct rtc_time *t, uint64_t now,
		   uint64_t tsc_hz);
/* Port 0x70: the register index (bit 7, NMI disable, is not kept). */
void mc146818_select(struct mc146818 *rtc, uint8_t value);
/* Port 0x71 at TSC @now: the selected register. */
uint8_t mc146818_read(struct mc146818 *rtc, uint64_t now);
void mc146818_write(struct mc146818 *rtc, uint8_t value, uint64_t now);
/* The IRQ line at @now (high: the PC's IRQ 8 asserted): IRQF, with the
 * flags brought up to @now. */
bool mc146818_irq(struct mc146818 *rtc, uint64_t now);
/* The TSC at which IRQF next rises, from the flags as last brought up
 * (by any access or mc146818_irq): @now where that moment has passed,
 * UINT64_MAX where IRQF is up already (it rises again only after register
 * C is read) or no enabled source will set it. */
uint64_t mc146818_next_event(const struct mc146818 *rtc, uint64_t now);
/* The periodic interrupt's rate for register A's RS3-RS0, in Hz (0:
 * none). */
unsigned int mc146818_periodic_hz(uint8_t reg_a);
/* The time the clock shows at @now (for tests and hv's own line). */
void mc146818_time(struct mc146818 *rtc, uint64_t now, struct rtc_time *t);

/* The calendar (proleptic Gregorian): days from 1970-01-01, and back. */
int64_t rtc_days_from_civil(int64_t year, unsigned int month, unsigned int day);
void rtc_civil_from_days(int64_t days, int64_t *year, unsigned int *month,
			 unsigned int *day);

#endif
