import * as gazettePresets from '@hyunbinseo/holidays-kr/all';
import lunarCalendarModule from 'korean-lunar-calendar';
import { createBusinessCalendar, type BusinessCalendar } from '../domain/business-calendar.ts';
import {
  FIRST_RULE_YEAR,
  statutoryHolidaysOfYear,
  type CalendarHoliday,
  type LunarHolidayDates,
} from '../domain/holiday-rules.ts';
import type { Db } from './prisma.ts';

// The package's types are CommonJS-shaped while Node loads its ES module build, whose default is the class.
const KoreanLunarCalendar = lunarCalendarModule as unknown as typeof lunarCalendarModule.default;

/**
 * The business calendar as data (issue 13): holidays live in the Holiday table; this module seeds it and
 * reads it. Workflows get the calendar only through an activity (loadCalendarSnapshot), never bundled.
 */

export type HolidaySource = 'library' | 'statutory-rules' | 'admin';

export interface SourcedHoliday extends CalendarHoliday {
  source: HolidaySource;
}

/** Years of statutory holidays seeded: the library's, then derived by rule through this year. */
export const LAST_DERIVED_YEAR = 2050;

const pad = (n: number) => String(n).padStart(2, '0');

/** Solar dates of the lunar holidays of `year`, from the KASI-based tables of korean-lunar-calendar. */
export function lunarHolidayDates(year: number): LunarHolidayDates {
  const converter = new KoreanLunarCalendar();
  const solar = (month: number, day: number) => {
    if (!converter.setLunarDate(year, month, day, false))
      throw new RangeError(`No lunar date ${year}-${month}-${day} in the conversion table`);
    const s = converter.getSolarCalendar();
    return `${s.year}-${pad(s.month)}-${pad(s.day)}`;
  };
  return { seollal: solar(1, 1), chuseok: solar(8, 15), buddhasBirthday: solar(4, 8) };
}

/** Holidays the gazette-based library lists, by year. */
export function libraryHolidays(): Map<number, CalendarHoliday[]> {
  const byYear = new Map<number, CalendarHoliday[]>();
  for (const preset of Object.values(gazettePresets)) {
    for (const [date, names] of Object.entries<readonly string[]>(preset)) {
      const year = Number(date.slice(0, 4));
      byYear.set(year, [...(byYear.get(year) ?? []), ...names.map((name) => ({ date, name }))]);
    }
  }
  return byYear;
}

/** Every statutory holiday from the library's first year through LAST_DERIVED_YEAR, with its source. */
export function statutoryHolidays(): SourcedHoliday[] {
  const library = libraryHolidays();
  const years = [...library.keys()].sort((a, b) => a - b);
  const holidays: SourcedHoliday[] = [];
  for (let year = years[0]!; year <= LAST_DERIVED_YEAR; year++) {
    const listed = library.get(year);
    if (listed) holidays.push(...listed.map((h) => ({ ...h, source: 'library' as const })));
    else if (year >= FIRST_RULE_YEAR)
      holidays.push(
        ...statutoryHolidaysOfYear(year, lunarHolidayDates(year)).map((h) => ({
          ...h,
          source: 'statutory-rules' as const,
        })),
      );
  }
  return holidays;
}

/** A business calendar of the statutory holidays alone, for tests and tools that have no database. */
export function statutoryBusinessCalendar(): BusinessCalendar {
  return createBusinessCalendar(statutoryHolidays());
}

export interface CalendarSnapshot {
  version: number;
  /** The window the holidays cover, KST dates inclusive. */
  from: string;
  to: string;
  holidays: CalendarHoliday[];
}

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

/** The active holidays between two KST dates (inclusive) and the calendar's current version. */
export async function readCalendarSnapshot(db: Db, from: string, to: string): Promise<CalendarSnapshot> {
  const [rows, version] = await db.$transaction([
    db.holiday.findMany({
      where: {
        removedAt: null,
        date: { gte: new Date(`${from}T00:00:00Z`), lte: new Date(`${to}T00:00:00Z`) },
      },
      orderBy: [{ date: 'asc' }, { id: 'asc' }],
      select: { date: true, name: true },
    }),
    db.calendarVersion.findUnique({ where: { id: 1 } }),
  ]);
  return {
    version: version?.version ?? 1,
    from,
    to,
    holidays: rows.map((row) => ({ date: isoDate(row.date), name: row.name })),
  };
}

/**
 * The API's calendar for new complaints' due times, read again only when the calendar's version (which
 * every holiday change raises) or the day of the window changes: intake reads the version in the same
 * statement as the category, instead of the holidays on every complaint.
 */
export function calendarByVersion(db: Db) {
  let cached: { version: number; from: string; calendar: BusinessCalendar } | undefined;
  return async (around: Date, currentVersion: number): Promise<BusinessCalendar> => {
    const { from, to } = snapshotWindow(around);
    if (cached?.version === currentVersion && cached.from === from) return cached.calendar;
    const snapshot = await readCalendarSnapshot(db, from, to);
    cached = { version: snapshot.version, from, calendar: createBusinessCalendar(snapshot.holidays) };
    return cached.calendar;
  };
}

/** The calendar the API uses for one computation, e.g. a new complaint's due time. */
export async function loadBusinessCalendar(db: Db, around: Date): Promise<BusinessCalendar> {
  const { from, to } = snapshotWindow(around);
  return createBusinessCalendar((await readCalendarSnapshot(db, from, to)).holidays);
}

const DAY_MILLIS = 24 * 3600_000;

/**
 * The window a complaint's pinned calendar covers: a month before receipt (pauses and back-dated
 * computations) to three years after (periods, two extensions, survey, reopen window, with room).
 */
export function snapshotWindow(around: Date): { from: string; to: string } {
  return {
    from: isoDate(new Date(around.getTime() - 31 * DAY_MILLIS)),
    to: isoDate(new Date(around.getTime() + 3 * 366 * DAY_MILLIS)),
  };
}
