import type { BusinessCalendar } from './business-calendar.ts';

/**
 * The BSC month (issue 14, item 6): manual KPI values are entered per calendar month, which closes on its
 * last business day; KPI owners are reminded a few business days before and again on the closing day;
 * on the first business day of the next month each unit's briefing of the closed month is generated,
 * archived and mailed to the unit's head. A Temporal Schedule starts `bscCycleWorkflow` every morning;
 * what that day calls for is decided here, over the holiday calendar the activity reads.
 */
export const BSC_CYCLE_SCHEDULE_ID = 'portal-bsc-cycle';
export const BSC_CYCLE_WORKFLOW_TYPE = 'bscCycleWorkflow';
/** Every day at 08:00 Korea time, before the working day starts. */
export const BSC_CYCLE_CRON = '0 8 * * *';
export const BSC_CYCLE_TIMEZONE = 'Asia/Seoul';
/** The first reminder goes this many business days before the month's closing day. */
export const KPI_REMINDER_LEAD_BUSINESS_DAYS = 3;
/** Entries are due by this time (KST) of the closing day. */
export const KPI_ENTRY_CLOSING_TIME_KST = '18:00';

export interface BscCycleInput {
  /** The day to act for (default: the run's start); lets an admin re-run a missed day. */
  asOf?: string;
  requestedBy: string;
}
export type ReminderRound = 'lead' | 'closing-day';
export interface BscMonth {
  year: number;
  month: number;
}
export interface BscDayPlan {
  /** The KST date the plan is for. */
  date: string;
  reminder?: BscMonth & { closesOn: string; round: ReminderRound };
  briefing?: BscMonth;
}
export interface BscCycleResult {
  plan: BscDayPlan;
  reminded: number;
  briefed: string[];
}

/** Noon KST of a YYYY-MM-DD date: the instant that stands for the day in calendar questions. */
const noonKst = (date: string) => new Date(`${date}T12:00:00+09:00`);
const isoDate = (year: number, month: number, day: number) =>
  `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** The month's last business day (KST date): the day its manual KPI entries close. */
export function closingDay(calendar: BusinessCalendar, { year, month }: BscMonth): string {
  for (let day = daysIn(year, month); day >= 1; day -= 1) {
    const date = isoDate(year, month, day);
    if (calendar.isBusinessDay(noonKst(date))) return date;
  }
  throw new Error(`${year}-${month} has no business day`);
}

/** The month's first business day (KST date): the day the previous month's briefings go out. */
export function firstBusinessDay(calendar: BusinessCalendar, { year, month }: BscMonth): string {
  for (let day = 1; day <= daysIn(year, month); day += 1) {
    const date = isoDate(year, month, day);
    if (calendar.isBusinessDay(noonKst(date))) return date;
  }
  throw new Error(`${year}-${month} has no business day`);
}

export const previousMonth = ({ year, month }: BscMonth): BscMonth =>
  month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };

/** What the BSC month calls for on the KST day of `asOf`: a reminder round, the briefings, or nothing. */
export function planBscDay(
  calendar: BusinessCalendar,
  asOf: Date,
  leadBusinessDays = KPI_REMINDER_LEAD_BUSINESS_DAYS,
): BscDayPlan {
  const date = calendar.toKstDateString(asOf);
  const current = { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)) };
  const plan: BscDayPlan = { date };
  const closesOn = closingDay(calendar, current);
  const leadDay = calendar.toKstDateString(calendar.addBusinessDays(noonKst(closesOn), -leadBusinessDays));
  if (date === closesOn) plan.reminder = { ...current, closesOn, round: 'closing-day' };
  else if (date === leadDay) plan.reminder = { ...current, closesOn, round: 'lead' };
  if (date === firstBusinessDay(calendar, current)) plan.briefing = previousMonth(current);
  return plan;
}

/** The instants a month's entries and measurements are counted between: [first day 00:00 KST, next month). */
export function monthWindow({ year, month }: BscMonth): { from: Date; to: Date } {
  const from = new Date(`${isoDate(year, month, 1)}T00:00:00+09:00`);
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  return { from, to: new Date(`${isoDate(next.year, next.month, 1)}T00:00:00+09:00`) };
}
