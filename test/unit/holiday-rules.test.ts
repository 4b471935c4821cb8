import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { statutoryHolidaysOfYear } from '../../domain/holiday-rules.ts';
import {
  LAST_DERIVED_YEAR,
  libraryHolidays,
  lunarHolidayDates,
  statutoryHolidays,
} from '../../platform/holiday-calendar.ts';

/** Days the government designates case by case (elections, 임시공휴일): no rule derives them. */
const designated = (name: string) => /선거|임시공휴일/.test(name);
const key = (h: { date: string; name: string }) => `${h.date} ${h.name}`;

describe('statutory holidays derived by rule', () => {
  for (const year of [2023, 2024, 2025, 2026, 2027]) {
    it(`agree with the gazette-based library for ${year}, designated days aside`, () => {
      const gazette = libraryHolidays()
        .get(year)!
        .filter((h) => !designated(h.name))
        .map(key)
        .sort();
      expect(statutoryHolidaysOfYear(year, lunarHolidayDates(year)).map(key).sort()).toEqual(gazette);
    });
  }

  it('gives 추석 one substitute day when it falls on 개천절 (2028)', () => {
    const names = statutoryHolidaysOfYear(2028, lunarHolidayDates(2028));
    expect(names.filter((h) => h.date >= '2028-10-01' && h.date <= '2028-10-09').map(key)).toEqual([
      '2028-10-02 추석 전날',
      '2028-10-03 개천절',
      '2028-10-03 추석',
      '2028-10-04 추석 다음 날',
      '2028-10-05 대체공휴일(추석)',
      '2028-10-09 한글날',
    ]);
  });

  it('moves the substitute for a 설날 on a Sunday past the whole block (2050)', () => {
    const seollal = statutoryHolidaysOfYear(2050, lunarHolidayDates(2050)).filter((h) =>
      h.name.includes('설날'),
    );
    expect(seollal.map(key)).toEqual([
      '2050-01-22 설날 전날',
      '2050-01-23 설날',
      '2050-01-24 설날 다음 날',
      '2050-01-25 대체공휴일(설날)',
    ]);
  });

  it('covers every year through 2050 with 설날, 추석 and 부처님 오신 날', () => {
    const holidays = statutoryHolidays();
    for (let year = 2018; year <= LAST_DERIVED_YEAR; year++) {
      const names = holidays.filter((h) => h.date.startsWith(`${year}-`)).map((h) => h.name);
      expect(names, String(year)).toEqual(expect.arrayContaining(['설날', '추석', '부처님 오신 날']));
    }
  });

  it('is exactly what the holiday-calendar migration seeds', () => {
    const sql = fs.readFileSync('prisma/migrations/20261202100000_holiday_calendar/migration.sql', 'utf8');
    const seeded = [...sql.matchAll(/\('(\d{4}-\d{2}-\d{2})', '([^']+)', '([a-z-]+)'\)/g)].map(
      ([, date, name, source]) => `${date} ${name} ${source}`,
    );
    expect(seeded).toEqual(statutoryHolidays().map((h) => `${h.date} ${h.name} ${h.source}`));
  });
});
