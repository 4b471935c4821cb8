/**
 * The holiday table that complaint workflows started before the `calendar-from-database` patch computed
 * their timers from: the gazette-based library bundled with the code, and for later years the fixed-date
 * holidays alone. Only those runs use it, so that their histories replay exactly as recorded; every newer
 * run pins a calendar loaded from the database. Remove this module (and deprecate the patch) once no run
 * older than the patch is open: `temporal workflow list --query "WorkKind='complaint' AND
 * ExecutionStatus='Running' AND StartTime < '<deploy time of the patch>'"` returns nothing.
 */
// The `/all` entry exposes every yearly preset synchronously (the main entry loads them with dynamic imports).
import * as gazettePresets from '@hyunbinseo/holidays-kr/all';
import { createBusinessCalendar, type BusinessCalendar } from './business-calendar.ts';
import type { CalendarHoliday } from './holiday-rules.ts';

const FIXED_DATE_HOLIDAYS = [
  { monthDay: '01-01', name: '1월 1일', hasWeekendSubstitute: false },
  { monthDay: '03-01', name: '3ㆍ1절', hasWeekendSubstitute: true },
  { monthDay: '05-01', name: '노동절', firstYear: 2026, hasWeekendSubstitute: true },
  { monthDay: '05-05', name: '어린이날', hasWeekendSubstitute: true },
  { monthDay: '06-06', name: '현충일', hasWeekendSubstitute: false },
  { monthDay: '07-17', name: '제헌절', firstYear: 2026, hasWeekendSubstitute: true },
  { monthDay: '08-15', name: '광복절', hasWeekendSubstitute: true },
  { monthDay: '10-03', name: '개천절', hasWeekendSubstitute: true },
  { monthDay: '10-09', name: '한글날', hasWeekendSubstitute: true },
  { monthDay: '12-25', name: '기독탄신일', hasWeekendSubstitute: true },
] as const;

const DAY_MILLIS = 24 * 3600_000;
const isWeekend = (day: number) => [0, 6].includes(new Date(day * DAY_MILLIS).getUTCDay());
const isoOf = (day: number) => new Date(day * DAY_MILLIS).toISOString().slice(0, 10);

function fixedDateHolidaysOfYear(year: number): CalendarHoliday[] {
  const table = new Map<string, string[]>();
  const applicable = FIXED_DATE_HOLIDAYS.filter((h) => !('firstYear' in h) || year >= h.firstYear);
  for (const h of applicable) table.set(`${year}-${h.monthDay}`, [h.name]);
  for (const h of applicable) {
    const day = Date.parse(`${year}-${h.monthDay}T00:00:00Z`) / DAY_MILLIS;
    if (!h.hasWeekendSubstitute || !isWeekend(day)) continue;
    let substitute = day + 1;
    while (isWeekend(substitute) || table.has(isoOf(substitute))) substitute++;
    table.set(isoOf(substitute), [...(table.get(isoOf(substitute)) ?? []), `대체공휴일(${h.name})`]);
  }
  return [...table].flatMap(([date, names]) => names.map((name) => ({ date, name })));
}

function bundledHolidays(): CalendarHoliday[] {
  const holidays: CalendarHoliday[] = [];
  const years = new Set<number>();
  for (const preset of Object.values(gazettePresets)) {
    for (const [date, names] of Object.entries<readonly string[]>(preset)) {
      years.add(Number(date.slice(0, 4)));
      holidays.push(...names.map((name) => ({ date, name })));
    }
  }
  for (let year = Math.max(...years) + 1; year <= 2060; year++)
    holidays.push(...fixedDateHolidaysOfYear(year));
  return holidays;
}

let legacy: BusinessCalendar | undefined;

/** Built on first use, so runs that pin a database calendar never pay for it. */
export function legacyBundledCalendar(): BusinessCalendar {
  legacy ??= createBusinessCalendar(bundledHolidays());
  return legacy;
}
