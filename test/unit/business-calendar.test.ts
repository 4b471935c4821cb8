import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  HOUR_MILLIS,
  WORKING_DAY_MILLIS,
  createBusinessCalendar,
  toKstDateString,
  toKstDateTimeString,
} from '../../domain/business-calendar.ts';
import { statutoryHolidays } from '../../platform/holiday-calendar.ts';

/** The statutory holidays the Holiday table is seeded with (the library's years, then derived by rule). */
const calendar = createBusinessCalendar(statutoryHolidays());

/** An instant given as KST wall-clock time, 'YYYY-MM-DD HH:mm'. */
function kst(dateTime: string): Date {
  return new Date(`${dateTime.replace(' ', 'T')}:00+09:00`);
}

function kstNoon(date: string): Date {
  return kst(`${date} 12:00`);
}

function nonBusinessDates(dates: readonly string[]): string[] {
  return dates.filter((date) => !calendar.isBusinessDay(kstNoon(date)));
}

function kstMinutesOfDay(instant: Date): number {
  const [hours, minutes] = toKstDateTimeString(instant).slice(11).split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0) + (instant.getTime() % 60_000) / 60_000;
}

function isWithinOfficeHours(instant: Date): boolean {
  const minutes = kstMinutesOfDay(instant);
  return (minutes >= 9 * 60 && minutes <= 12 * 60) || (minutes >= 13 * 60 && minutes <= 18 * 60);
}

const FIRST_INSTANT = kst('2025-01-01 00:00').getTime();
const LAST_INSTANT = kst('2027-12-01 00:00').getTime();

const anyMinute = fc
  .integer({ min: FIRST_INSTANT / 60_000, max: LAST_INSTANT / 60_000 })
  .map((minute) => new Date(minute * 60_000));
// Whole hours hit the 09:00, 12:00, 13:00 and 18:00 boundaries often enough to matter.
const anyWholeHour = fc
  .integer({ min: FIRST_INSTANT / HOUR_MILLIS, max: LAST_INSTANT / HOUR_MILLIS })
  .map((hour) => new Date(hour * HOUR_MILLIS));
const anyInstant = fc.oneof(anyMinute, anyWholeHour);
const anySlaDays = fc.integer({ min: 1, max: 30 });
const anyWorkingMillis = fc.integer({ min: 0, max: 40 * WORKING_DAY_MILLIS });

describe('holidays from the library, checked against the law', () => {
  it('closes for Seollal 2025 and the temporary holiday on 27 January before it', () => {
    expect(nonBusinessDates(['2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30'])).toHaveLength(4);
    expect(calendar.holidayName(kstNoon('2025-01-27'))).toBe('임시공휴일');
    expect(calendar.holidayName(kstNoon('2025-01-29'))).toBe('설날');
    expect(calendar.isBusinessDay(kstNoon('2025-01-31'))).toBe(true);
  });

  it('closes for Chuseok 2025 with a substitute day because its eve falls on a Sunday', () => {
    expect(calendar.holidayName(kstNoon('2025-10-03'))).toBe('개천절');
    expect(calendar.holidayName(kstNoon('2025-10-05'))).toBe('추석 전날');
    expect(calendar.holidayName(kstNoon('2025-10-06'))).toBe('추석');
    expect(calendar.holidayName(kstNoon('2025-10-08'))).toBe('대체공휴일(추석)');
    expect(calendar.holidayName(kstNoon('2025-10-09'))).toBe('한글날');
    expect(nonBusinessDates(['2025-10-02', '2025-10-06', '2025-10-07', '2025-10-08', '2025-10-10'])).toEqual([
      '2025-10-06',
      '2025-10-07',
      '2025-10-08',
    ]);
  });

  it('gives 2025 substitute days for 3·1 on a Saturday and for Children’s Day sharing a date with Buddha’s Birthday', () => {
    expect(calendar.holidayName(kstNoon('2025-03-03'))).toBe('대체공휴일(3ㆍ1절)');
    expect(calendar.holidayName(kstNoon('2025-05-05'))).toBe('어린이날, 부처님 오신 날');
    expect(calendar.isBusinessDay(kstNoon('2025-05-06'))).toBe(false);
  });

  it('treats the 2025 presidential election day as a holiday', () => {
    expect(calendar.isBusinessDay(kstNoon('2025-06-03'))).toBe(false);
  });

  it('closes for Seollal 2026 from Monday to Wednesday', () => {
    expect(nonBusinessDates(['2026-02-13', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19'])).toEqual([
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
    ]);
  });

  it('gives no substitute day when Chuseok 2026 ends on a Saturday', () => {
    expect(nonBusinessDates(['2026-09-23', '2026-09-24', '2026-09-25', '2026-09-26'])).toEqual([
      '2026-09-24',
      '2026-09-25',
      '2026-09-26',
    ]);
    expect(calendar.isBusinessDay(kstNoon('2026-09-28'))).toBe(true);
  });

  it('gives 2026 substitute days for 3·1, Buddha’s Birthday, Liberation Day and National Foundation Day', () => {
    expect(nonBusinessDates(['2026-03-02', '2026-05-25', '2026-08-17', '2026-10-05'])).toHaveLength(4);
    expect(calendar.holidayName(kstNoon('2026-05-25'))).toBe('대체공휴일(부처님 오신 날)');
  });

  it('gives no substitute day for Memorial Day on a Saturday', () => {
    expect(calendar.holidayName(kstNoon('2026-06-06'))).toBe('현충일');
    expect(calendar.isBusinessDay(kstNoon('2026-06-08'))).toBe(true);
  });

  it('closes for the 2026 local elections and for Labour Day and Constitution Day from 2026 on', () => {
    expect(nonBusinessDates(['2026-06-03', '2026-05-01', '2026-07-17'])).toHaveLength(3);
    expect(calendar.isBusinessDay(kstNoon('2025-05-01'))).toBe(true);
    expect(calendar.isBusinessDay(kstNoon('2025-07-17'))).toBe(true);
  });

  it('closes for Seollal 2027 with a substitute day because Seollal falls on a Sunday', () => {
    expect(nonBusinessDates(['2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10'])).toEqual([
      '2027-02-08',
      '2027-02-09',
    ]);
    expect(calendar.holidayName(kstNoon('2027-02-07'))).toBe('설날');
    expect(calendar.holidayName(kstNoon('2027-02-09'))).toBe('대체공휴일(설날)');
  });

  it('closes for Chuseok 2027 from Tuesday to Thursday', () => {
    expect(nonBusinessDates(['2027-09-13', '2027-09-14', '2027-09-15', '2027-09-16', '2027-09-17'])).toEqual([
      '2027-09-14',
      '2027-09-15',
      '2027-09-16',
    ]);
  });

  it('gives 2027 substitute days for every eligible holiday on a weekend', () => {
    const substitutes = ['2027-05-03', '2027-07-19', '2027-08-16', '2027-10-04', '2027-10-11', '2027-12-27'];
    expect(nonBusinessDates(substitutes)).toEqual(substitutes);
    expect(calendar.isBusinessDay(kstNoon('2027-06-07'))).toBe(true);
  });

  it('derives holidays and their substitutes by rule in years the library does not cover', () => {
    expect(calendar.holidayName(kstNoon('2032-03-01'))).toBe('3ㆍ1절');
    expect(calendar.holidayName(kstNoon('2032-10-11'))).toBe('대체공휴일(한글날)');
    expect(calendar.holidayName(kstNoon('2032-12-27'))).toBe('대체공휴일(기독탄신일)');
    expect(calendar.isBusinessDay(kstNoon('2032-06-07'))).toBe(true);
  });
});

describe('KST dates', () => {
  it('reads the calendar date in Korea, not in UTC', () => {
    const mondayMorningInSeoul = new Date('2025-10-05T15:30:00Z');
    expect(toKstDateString(mondayMorningInSeoul)).toBe('2025-10-06');
    expect(calendar.holidayName(mondayMorningInSeoul)).toBe('추석');
    expect(toKstDateTimeString(mondayMorningInSeoul)).toBe('2025-10-06 00:30');
  });

  it('never counts a weekend as a business day', () => {
    expect(calendar.isBusinessDay(kstNoon('2025-11-15'))).toBe(false);
    expect(calendar.isBusinessDay(kstNoon('2025-11-16'))).toBe(false);
    expect(calendar.holidayName(kstNoon('2025-11-15'))).toBeUndefined();
  });
});

describe('due time of periods of five days or less (working hours)', () => {
  it('counts a 3-day period received on Friday afternoon as 24 working hours ending on Wednesday', () => {
    expect(toKstDateTimeString(calendar.computeDueAt(kst('2025-11-14 15:00'), 3))).toBe('2025-11-19 15:00');
  });

  it('skips Chuseok 2026 for a receipt on the afternoon before the holidays', () => {
    expect(toKstDateTimeString(calendar.computeDueAt(kst('2026-09-23 16:00'), 3))).toBe('2026-09-30 16:00');
  });

  it('skips Seollal 2025 and its temporary holiday for a receipt on the Friday before', () => {
    expect(toKstDateTimeString(calendar.computeDueAt(kst('2025-01-24 17:00'), 1))).toBe('2025-01-31 17:00');
  });

  it('starts counting at the next working-hour start for a receipt after office hours', () => {
    expect(toKstDateTimeString(calendar.computeDueAt(kst('2025-11-17 20:00'), 1))).toBe('2025-11-18 18:00');
    expect(toKstDateTimeString(calendar.computeDueAt(kst('2025-11-15 10:00'), 1))).toBe('2025-11-17 18:00');
  });

  it('does not count the lunch hour', () => {
    expect(toKstDateTimeString(calendar.computeDueAt(kst('2025-11-17 12:30'), 1))).toBe('2025-11-18 12:00');
    expect(calendar.workingMillisBetween(kst('2025-11-17 11:00'), kst('2025-11-17 14:00'))).toBe(
      2 * HOUR_MILLIS,
    );
  });
});

describe('due time of periods of six days or more (business days)', () => {
  it('counts a 7-day period across Chuseok 2025 from the receipt day as day 1', () => {
    expect(toKstDateTimeString(calendar.computeDueAt(kst('2025-10-01 10:00'), 7))).toBe('2025-10-16 18:00');
  });

  it('counts a 14-day period across Chuseok 2026 and the following substitute day and Hangeul Day', () => {
    expect(toKstDateTimeString(calendar.computeDueAt(kst('2026-09-21 11:00'), 14))).toBe('2026-10-14 18:00');
  });

  it('counts the receipt day as day 1 even when the complaint arrives after office hours', () => {
    expect(toKstDateTimeString(calendar.computeDueAt(kst('2025-11-17 21:00'), 6))).toBe('2025-11-24 18:00');
  });

  it('makes the first business day after a holiday receipt day 1', () => {
    expect(toKstDateTimeString(calendar.computeDueAt(kst('2025-10-04 10:00'), 7))).toBe('2025-10-20 18:00');
  });

  it('rejects a period that is not positive or a fractional period counted in days', () => {
    expect(() => calendar.computeDueAt(kst('2025-11-17 10:00'), 0)).toThrow(RangeError);
    expect(() => calendar.computeDueAt(kst('2025-11-17 10:00'), 6.5)).toThrow(RangeError);
    expect(() => calendar.computeDueAt(new Date(Number.NaN), 7)).toThrow(RangeError);
  });
});

describe('pauses while waiting on the citizen', () => {
  it('moves the due time by the working time that elapsed during the pause', () => {
    const dueAt = kst('2025-11-19 15:00');
    const extended = calendar.extendForPause(dueAt, kst('2025-11-18 10:00'), kst('2025-11-20 10:00'));
    expect(toKstDateTimeString(extended)).toBe('2025-11-21 15:00');
  });

  it('leaves the due time alone when the pause lies outside working hours', () => {
    const dueAt = kst('2025-11-19 15:00');
    expect(calendar.extendForPause(dueAt, kst('2025-11-15 09:00'), kst('2025-11-16 20:00'))).toEqual(dueAt);
  });

  it('does not revive a due time that had already passed when the pause began', () => {
    const dueAt = kst('2025-11-19 15:00');
    expect(calendar.extendForPause(dueAt, kst('2025-11-20 10:00'), kst('2025-11-21 10:00'))).toEqual(dueAt);
  });
});

describe('working-time arithmetic', () => {
  it('reports business days taken as working hours over eight, to two decimals', () => {
    expect(calendar.businessDaysTaken(kst('2025-11-17 09:00'), kst('2025-11-19 13:00'))).toBe(2.38);
    expect(calendar.businessDaysTaken(kst('2025-10-02 18:00'), kst('2025-10-10 09:00'))).toBe(0);
  });

  it('places a reminder the given working hours before the due time, skipping nights and holidays', () => {
    expect(toKstDateTimeString(calendar.subtractWorkingHours(kst('2025-11-19 15:00'), 8))).toBe(
      '2025-11-18 15:00',
    );
    expect(toKstDateTimeString(calendar.subtractWorkingHours(kst('2025-10-10 10:00'), 2))).toBe(
      '2025-10-02 17:00',
    );
  });

  it('ends added working time at the close of the period that uses it up', () => {
    expect(toKstDateTimeString(calendar.addWorkingMillis(kst('2025-11-17 09:00'), WORKING_DAY_MILLIS))).toBe(
      '2025-11-17 18:00',
    );
  });

  it('adds business days keeping the time of day and skipping holidays', () => {
    expect(toKstDateTimeString(calendar.addBusinessDays(kst('2025-10-02 14:30'), 1))).toBe(
      '2025-10-10 14:30',
    );
    expect(toKstDateTimeString(calendar.addBusinessDays(kst('2025-10-10 14:30'), -1))).toBe(
      '2025-10-02 14:30',
    );
    expect(toKstDateTimeString(calendar.addBusinessDays(kst('2025-11-15 08:00'), 1))).toBe(
      '2025-11-17 08:00',
    );
  });

  it('finds the next business-day start at or after an instant', () => {
    expect(toKstDateTimeString(calendar.nextBusinessDayStart(kst('2025-10-02 19:00')))).toBe(
      '2025-10-10 09:00',
    );
    expect(toKstDateTimeString(calendar.nextBusinessDayStart(kst('2025-11-17 08:00')))).toBe(
      '2025-11-17 09:00',
    );
    expect(toKstDateTimeString(calendar.nextBusinessDayStart(kst('2025-11-17 09:01')))).toBe(
      '2025-11-18 09:00',
    );
  });

  it('finds the instant at which the SLA clock next runs', () => {
    expect(toKstDateTimeString(calendar.nextWorkingInstant(kst('2025-11-17 12:15')))).toBe(
      '2025-11-17 13:00',
    );
    expect(toKstDateTimeString(calendar.nextWorkingInstant(kst('2025-11-17 10:15')))).toBe(
      '2025-11-17 10:15',
    );
    expect(toKstDateTimeString(calendar.nextWorkingInstant(kst('2025-11-14 18:00')))).toBe(
      '2025-11-17 09:00',
    );
  });
});

describe('holidays given as data', () => {
  it('treats an added temporary holiday as a non-business day and counts around it', () => {
    const withTemporaryHoliday = createBusinessCalendar([
      ...statutoryHolidays(),
      { date: '2026-10-02', name: '임시공휴일' },
    ]);
    expect(withTemporaryHoliday.holidayName(kstNoon('2026-10-02'))).toBe('임시공휴일');
    expect(calendar.isBusinessDay(kstNoon('2026-10-02'))).toBe(true);
    expect(toKstDateTimeString(withTemporaryHoliday.computeDueAt(kst('2026-10-01 17:00'), 1))).toBe(
      '2026-10-06 17:00',
    );
  });

  it('makes a holiday left out of the data a business day', () => {
    const withoutLabourDay = createBusinessCalendar(
      statutoryHolidays().filter((h) => h.date !== '2026-05-01'),
    );
    expect(withoutLabourDay.isBusinessDay(kstNoon('2026-05-01'))).toBe(true);
    expect(withoutLabourDay.holidayName(kstNoon('2026-05-01'))).toBeUndefined();
  });

  it('rejects a holiday whose date is not a calendar date or that has no name', () => {
    expect(() => createBusinessCalendar([{ date: '2026-02-30', name: 'x' }])).toThrow(RangeError);
    expect(() => createBusinessCalendar([{ date: '2026/05/01', name: 'x' }])).toThrow(RangeError);
    expect(() => createBusinessCalendar([{ date: '2026-05-01', name: ' ' }])).toThrow(RangeError);
  });
});

describe('properties', () => {
  it('always falls due on a business day within office hours', () => {
    fc.assert(
      fc.property(anyInstant, anySlaDays, (receivedAt, slaDays) => {
        const dueAt = calendar.computeDueAt(receivedAt, slaDays);
        expect(calendar.isBusinessDay(dueAt)).toBe(true);
        expect(isWithinOfficeHours(dueAt)).toBe(true);
        expect(dueAt.getTime()).toBeGreaterThan(receivedAt.getTime());
      }),
    );
  });

  it('never falls due earlier for a later receipt', () => {
    fc.assert(
      fc.property(anyInstant, anyInstant, anySlaDays, (first, second, slaDays) => {
        const [earlier, later] = first <= second ? [first, second] : [second, first];
        expect(calendar.computeDueAt(earlier, slaDays).getTime()).toBeLessThanOrEqual(
          calendar.computeDueAt(later, slaDays).getTime(),
        );
      }),
    );
  });

  it('never falls due earlier for a longer period', () => {
    fc.assert(
      fc.property(anyInstant, anySlaDays, anySlaDays, (receivedAt, first, second) => {
        const [shorter, longer] = first <= second ? [first, second] : [second, first];
        expect(calendar.computeDueAt(receivedAt, shorter).getTime()).toBeLessThanOrEqual(
          calendar.computeDueAt(receivedAt, longer).getTime(),
        );
      }),
    );
  });

  it('measures back exactly the working time that was added from a working instant', () => {
    fc.assert(
      fc.property(anyInstant, anyWorkingMillis, (instant, ms) => {
        const from = calendar.nextWorkingInstant(instant);
        expect(calendar.workingMillisBetween(from, calendar.addWorkingMillis(from, ms))).toBe(ms);
      }),
    );
  });

  it('measures back exactly the working hours that were subtracted', () => {
    fc.assert(
      fc.property(anyInstant, fc.integer({ min: 0, max: 200 }), (at, hours) => {
        expect(calendar.workingMillisBetween(calendar.subtractWorkingHours(at, hours), at)).toBe(
          hours * HOUR_MILLIS,
        );
      }),
    );
  });

  it('adds up working time over consecutive intervals', () => {
    fc.assert(
      fc.property(fc.array(anyInstant, { minLength: 3, maxLength: 3 }), (instants) => {
        const [a, b, c] = [...instants].sort((x, y) => x.getTime() - y.getTime()) as [Date, Date, Date];
        expect(calendar.workingMillisBetween(a, c)).toBe(
          calendar.workingMillisBetween(a, b) + calendar.workingMillisBetween(b, c),
        );
      }),
    );
  });

  it('never reports negative business days taken', () => {
    fc.assert(
      fc.property(anyInstant, anyInstant, (receivedAt, closedAt) => {
        expect(calendar.businessDaysTaken(receivedAt, closedAt)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('never moves a due time earlier for a pause', () => {
    fc.assert(
      fc.property(anyInstant, anyInstant, anyInstant, (dueAt, pausedFrom, pausedUntil) => {
        expect(calendar.extendForPause(dueAt, pausedFrom, pausedUntil).getTime()).toBeGreaterThanOrEqual(
          dueAt.getTime(),
        );
      }),
    );
  });
});
