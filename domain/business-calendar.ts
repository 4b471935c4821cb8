/**
 * The project's one business-day calendar engine: the period rules of 민원 처리에 관한 법률 시행령 §19 over
 * a set of holidays given as data.
 *
 * The holidays are an argument, never bundled: they live in PostgreSQL (platform/holiday-calendar.ts) and
 * reach workflow code through an activity result pinned in workflow state, so that adding a holiday
 * changes no workflow's replay. Imported by Temporal workflow code, so it must stay pure and
 * deterministic: no Node built-ins, no clock reads, no timezone library. Korea has kept UTC+9 without
 * daylight saving since 1988, so KST is a fixed offset and all arithmetic runs on epoch milliseconds
 * shifted by nine hours.
 */
import type { CalendarHoliday } from './holiday-rules.ts';

export type { CalendarHoliday } from './holiday-rules.ts';

export interface BusinessCalendar {
  /** True on a KST weekday that is not a public holiday. */
  isBusinessDay(date: Date): boolean;
  /** The holiday's name(s) on the KST date of `date`, joined by ', '; undefined when none. */
  holidayName(date: Date): string | undefined;
  /**
   * Due time of a complaint received at `receivedAt` with a period of `slaDays` (시행령 §19):
   * up to 5 days the period runs in working hours from receipt (8 hours a day); from 6 days it runs in
   * business days, the receipt day being day 1 when it is a business day, and ends at 18:00 KST.
   */
  computeDueAt(receivedAt: Date, slaDays: number): Date;
  /** Working time between the two instants; 0 when `to` is not after `from`. */
  workingMillisBetween(from: Date, to: Date): number;
  /**
   * The earliest instant at which `ms` of working time has elapsed since `from` (a negative `ms` walks
   * backwards). Adding 0 returns `from` unchanged.
   */
  addWorkingMillis(from: Date, ms: number): Date;
  /** The latest instant that lies `hours` working hours before `at`, e.g. for a reminder before a due time. */
  subtractWorkingHours(at: Date, hours: number): Date;
  /**
   * The SLA clock stops while the complaint waits on the citizen: the due time moves by the working time
   * that elapsed during the pause. A pause that starts at or after the due time moves nothing.
   */
  extendForPause(dueAt: Date, pausedFrom: Date, pausedUntil: Date): Date;
  /** Working time elapsed between receipt and closing, in 8-hour days, rounded to 2 decimals. */
  businessDaysTaken(receivedAt: Date, closedAt: Date): number;
  /**
   * The same KST time of day, `days` business days later (earlier when negative). Counting starts on the
   * business day after the KST date of `date`, so from a Saturday one business day later is Monday.
   */
  addBusinessDays(date: Date, days: number): Date;
  /** 09:00 KST of the first business day whose 09:00 is at or after `at`. */
  nextBusinessDayStart(at: Date): Date;
  /** `at` itself when the SLA clock runs then, otherwise the start of the next working period. */
  nextWorkingInstant(at: Date): Date;
  toKstDateString(date: Date): string;
  toKstDateTimeString(date: Date): string;
}

const MINUTE_MILLIS = 60 * 1000;
export const HOUR_MILLIS = 60 * MINUTE_MILLIS;
const DAY_MILLIS = 24 * HOUR_MILLIS;
const KST_OFFSET_MILLIS = 9 * HOUR_MILLIS;

export const WORKING_HOURS_PER_DAY = 8;
export const WORKING_DAY_MILLIS = WORKING_HOURS_PER_DAY * HOUR_MILLIS;
/** 시행령 §19 ①: periods of 5 days or less run in working hours; longer ones in days (§19 ②). */
export const MAX_SLA_DAYS_COUNTED_IN_HOURS = 5;

interface TimeSpan {
  start: number;
  end: number;
}

/** 09:00–18:00 with the 12:00–13:00 lunch break, as offsets from KST midnight. */
const WORKING_PERIODS_OF_KST_DAY: readonly TimeSpan[] = [
  { start: 9 * HOUR_MILLIS, end: 12 * HOUR_MILLIS },
  { start: 13 * HOUR_MILLIS, end: 18 * HOUR_MILLIS },
];
const OFFICE_OPENS_AT = 9 * HOUR_MILLIS;
const OFFICE_CLOSES_AT = 18 * HOUR_MILLIS;

const SUNDAY = 0;
const SATURDAY = 6;

type HolidayTable = ReadonlyMap<string, readonly string[]>;

const ISO_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

function isIsoDate(value: string): boolean {
  if (!ISO_DATE_PATTERN.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

export function requireIsoDate(value: string): string {
  if (!isIsoDate(value)) throw new RangeError(`Not a calendar date in the form YYYY-MM-DD: '${value}'`);
  return value;
}

// A "KST day" below is a day number: whole days since 1970-01-01 on the Korean calendar.

function millisOf(date: Date): number {
  const millis = date.getTime();
  if (Number.isNaN(millis)) throw new RangeError('Invalid Date');
  return millis;
}

function kstDayOf(instant: number): number {
  return Math.floor((instant + KST_OFFSET_MILLIS) / DAY_MILLIS);
}

function kstMidnightOf(kstDay: number): number {
  return kstDay * DAY_MILLIS - KST_OFFSET_MILLIS;
}

function isoDateOfKstDay(kstDay: number): string {
  return new Date(kstDay * DAY_MILLIS).toISOString().slice(0, 10);
}

function isWeekend(kstDay: number): boolean {
  const weekday = new Date(kstDay * DAY_MILLIS).getUTCDay();
  return weekday === SATURDAY || weekday === SUNDAY;
}

export function toKstDateString(date: Date): string {
  return isoDateOfKstDay(kstDayOf(millisOf(date)));
}

/** 'YYYY-MM-DD HH:mm' in KST, for messages to citizens and staff. */
export function toKstDateTimeString(date: Date): string {
  return new Date(millisOf(date) + KST_OFFSET_MILLIS).toISOString().slice(0, 16).replace('T', ' ');
}

function requireFiniteNumber(value: number, label: string): number {
  if (!Number.isFinite(value)) throw new RangeError(`${label} must be a finite number, got ${value}`);
  return value;
}

function requireInteger(value: number, label: string): number {
  if (!Number.isInteger(value)) throw new RangeError(`${label} must be a whole number, got ${value}`);
  return value;
}

function roundToHundredths(value: number): number {
  return Math.round(value * 100) / 100;
}

function groupHolidays(holidays: readonly CalendarHoliday[]): HolidayTable {
  const table = new Map<string, string[]>();
  for (const { date, name } of holidays) {
    if (name.trim() === '') throw new RangeError(`Holiday on ${date} needs a name`);
    requireIsoDate(date);
    table.set(date, [...(table.get(date) ?? []), name]);
  }
  return table;
}

/** A calendar over exactly these holidays (plus every Saturday and Sunday). */
export function createBusinessCalendar(holidays: readonly CalendarHoliday[]): BusinessCalendar {
  const table = groupHolidays(holidays);

  function holidayNamesOn(kstDay: number): readonly string[] {
    return table.get(isoDateOfKstDay(kstDay)) ?? [];
  }

  function isBusinessKstDay(kstDay: number): boolean {
    return !isWeekend(kstDay) && holidayNamesOn(kstDay).length === 0;
  }

  function firstBusinessDayFrom(kstDay: number): number {
    let day = kstDay;
    while (!isBusinessKstDay(day)) day++;
    return day;
  }

  function businessDayAfter(kstDay: number): number {
    return firstBusinessDayFrom(kstDay + 1);
  }

  function businessDayBefore(kstDay: number): number {
    let day = kstDay - 1;
    while (!isBusinessKstDay(day)) day--;
    return day;
  }

  function workingPeriodsOn(kstDay: number): readonly TimeSpan[] {
    if (!isBusinessKstDay(kstDay)) return [];
    const midnight = kstMidnightOf(kstDay);
    return WORKING_PERIODS_OF_KST_DAY.map(({ start, end }) => ({
      start: midnight + start,
      end: midnight + end,
    }));
  }

  function workingMillisWithin(from: number, to: number): number {
    let total = 0;
    for (let day = kstDayOf(from); day <= kstDayOf(to); day++) {
      for (const period of workingPeriodsOn(day)) {
        total += Math.max(0, Math.min(period.end, to) - Math.max(period.start, from));
      }
    }
    return total;
  }

  function instantAfterWorkingMillis(from: number, workingMillis: number): number {
    let remaining = workingMillis;
    for (let day = kstDayOf(from); ; day++) {
      for (const period of workingPeriodsOn(day)) {
        const start = Math.max(period.start, from);
        if (start >= period.end) continue;
        if (remaining <= period.end - start) return start + remaining;
        remaining -= period.end - start;
      }
    }
  }

  function instantBeforeWorkingMillis(at: number, workingMillis: number): number {
    let remaining = workingMillis;
    for (let day = kstDayOf(at); ; day--) {
      for (const period of [...workingPeriodsOn(day)].reverse()) {
        const end = Math.min(period.end, at);
        if (end <= period.start) continue;
        if (remaining <= end - period.start) return end - remaining;
        remaining -= end - period.start;
      }
    }
  }

  function shiftByWorkingMillis(at: number, workingMillis: number): number {
    if (workingMillis === 0) return at;
    return workingMillis > 0
      ? instantAfterWorkingMillis(at, workingMillis)
      : instantBeforeWorkingMillis(at, -workingMillis);
  }

  function closeOfBusinessOnDayNumber(receivedAt: number, dayNumber: number): number {
    let day = firstBusinessDayFrom(kstDayOf(receivedAt));
    for (let counted = 1; counted < dayNumber; counted++) day = businessDayAfter(day);
    return kstMidnightOf(day) + OFFICE_CLOSES_AT;
  }

  function requireValidSlaDays(slaDays: number): void {
    requireFiniteNumber(slaDays, 'slaDays');
    if (slaDays <= 0) throw new RangeError(`slaDays must be positive, got ${slaDays}`);
    if (slaDays > MAX_SLA_DAYS_COUNTED_IN_HOURS) requireInteger(slaDays, 'A period counted in days');
  }

  return {
    isBusinessDay: (date) => isBusinessKstDay(kstDayOf(millisOf(date))),

    holidayName: (date) => {
      const names = holidayNamesOn(kstDayOf(millisOf(date)));
      return names.length > 0 ? names.join(', ') : undefined;
    },

    computeDueAt: (receivedAt, slaDays) => {
      const received = millisOf(receivedAt);
      requireValidSlaDays(slaDays);
      if (slaDays <= MAX_SLA_DAYS_COUNTED_IN_HOURS) {
        return new Date(instantAfterWorkingMillis(received, Math.round(slaDays * WORKING_DAY_MILLIS)));
      }
      return new Date(closeOfBusinessOnDayNumber(received, slaDays));
    },

    workingMillisBetween: (from, to) => {
      const start = millisOf(from);
      const end = millisOf(to);
      return end <= start ? 0 : workingMillisWithin(start, end);
    },

    addWorkingMillis: (from, ms) =>
      new Date(shiftByWorkingMillis(millisOf(from), Math.round(requireFiniteNumber(ms, 'ms')))),

    subtractWorkingHours: (at, hours) =>
      new Date(
        shiftByWorkingMillis(millisOf(at), -Math.round(requireFiniteNumber(hours, 'hours') * HOUR_MILLIS)),
      ),

    extendForPause: (dueAt, pausedFrom, pausedUntil) => {
      const due = millisOf(dueAt);
      const pauseStart = millisOf(pausedFrom);
      const pauseEnd = millisOf(pausedUntil);
      // A clock that had already run out cannot be stopped: waiting on the citizen after the due time
      // must not hide the lateness.
      if (pauseStart >= due || pauseEnd <= pauseStart) return new Date(due);
      return new Date(shiftByWorkingMillis(due, workingMillisWithin(pauseStart, pauseEnd)));
    },

    businessDaysTaken: (receivedAt, closedAt) => {
      const received = millisOf(receivedAt);
      const closed = millisOf(closedAt);
      if (closed <= received) return 0;
      return roundToHundredths(workingMillisWithin(received, closed) / WORKING_DAY_MILLIS);
    },

    addBusinessDays: (date, days) => {
      const instant = millisOf(date);
      requireInteger(requireFiniteNumber(days, 'days'), 'days');
      const startDay = kstDayOf(instant);
      const timeOfDay = instant - kstMidnightOf(startDay);
      let day = startDay;
      for (let step = 0; step < Math.abs(days); step++) {
        day = days > 0 ? businessDayAfter(day) : businessDayBefore(day);
      }
      return new Date(kstMidnightOf(day) + timeOfDay);
    },

    nextBusinessDayStart: (at) => {
      const instant = millisOf(at);
      const day = kstDayOf(instant);
      const opensToday = isBusinessKstDay(day) && instant <= kstMidnightOf(day) + OFFICE_OPENS_AT;
      return new Date(kstMidnightOf(opensToday ? day : businessDayAfter(day)) + OFFICE_OPENS_AT);
    },

    nextWorkingInstant: (at) => {
      const instant = millisOf(at);
      for (let day = kstDayOf(instant); ; day++) {
        for (const period of workingPeriodsOn(day)) {
          if (instant < period.end) return new Date(Math.max(instant, period.start));
        }
      }
    },

    toKstDateString,
    toKstDateTimeString,
  };
}
