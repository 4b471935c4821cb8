import { describe, expect, it } from 'vitest';
import {
  closingDay,
  firstBusinessDay,
  monthWindow,
  planBscDay,
  previousMonth,
} from '../../domain/bsc-cycle.ts';
import { createBusinessCalendar } from '../../domain/business-calendar.ts';
import { statutoryBusinessCalendar } from '../../platform/holiday-calendar.ts';

const calendar = statutoryBusinessCalendar();
const morning = (date: string) => new Date(`${date}T08:00:00+09:00`);

describe('the BSC month over the holiday calendar', () => {
  it('closes on the last business day and briefs on the first, skipping weekends and holidays', () => {
    expect(closingDay(calendar, { year: 2026, month: 5 })).toBe('2026-05-29'); // 31 May is a Sunday
    expect(closingDay(calendar, { year: 2026, month: 12 })).toBe('2026-12-31');
    // 1 March 2026 is a Sunday and 삼일절, its substitute holiday the Monday after.
    expect(firstBusinessDay(calendar, { year: 2026, month: 3 })).toBe('2026-03-03');
    // 1 January 2027 is 신정 and the weekend follows.
    expect(firstBusinessDay(calendar, { year: 2027, month: 1 })).toBe('2027-01-04');
  });

  it('plans the lead reminder three business days before closing, the closing-day reminder, and the briefing of the month before', () => {
    expect(planBscDay(calendar, morning('2026-12-28'))).toEqual({
      date: '2026-12-28',
      reminder: { year: 2026, month: 12, closesOn: '2026-12-31', round: 'lead' },
    });
    expect(planBscDay(calendar, morning('2026-12-31')).reminder?.round).toBe('closing-day');
    expect(planBscDay(calendar, morning('2027-01-04'))).toEqual({
      date: '2027-01-04',
      briefing: { year: 2026, month: 12 },
    });
    expect(planBscDay(calendar, morning('2026-03-03')).briefing).toEqual({ year: 2026, month: 2 });
    for (const quiet of ['2026-12-29', '2026-12-30', '2027-01-01', '2026-03-02'])
      expect(planBscDay(calendar, morning(quiet)), quiet).toEqual({ date: quiet });
  });

  it('follows a holiday added during the year: the closing day and the lead day move', () => {
    const withHoliday = createBusinessCalendar([{ date: '2026-12-31', name: '임시공휴일' }]);
    expect(closingDay(withHoliday, { year: 2026, month: 12 })).toBe('2026-12-30');
    expect(planBscDay(withHoliday, morning('2026-12-25')).reminder).toEqual({
      year: 2026,
      month: 12,
      closesOn: '2026-12-30',
      round: 'lead',
    });
  });

  it('counts a month in Korea time and wraps the year', () => {
    const { from, to } = monthWindow({ year: 2026, month: 12 });
    expect(from.toISOString()).toBe('2026-11-30T15:00:00.000Z');
    expect(to.toISOString()).toBe('2026-12-31T15:00:00.000Z');
    expect(previousMonth({ year: 2027, month: 1 })).toEqual({ year: 2026, month: 12 });
  });
});
