/**
 * The statutory public holidays of one year (관공서의 공휴일에 관한 규정 §2, §3, as amended through 2026),
 * for years the gazette-based holiday library has no data for. Pure: the solar dates of the lunar holidays
 * are an input (platform/holiday-calendar.ts converts them with a Korean lunar-calendar library), so this
 * module only applies the rules. Election days and 임시공휴일 are designated case by case; admins add them.
 */

export interface CalendarHoliday {
  /** KST calendar date, 'YYYY-MM-DD'. */
  date: string;
  name: string;
}

/** Solar dates ('YYYY-MM-DD') of lunar 1/1 (설날), 8/15 (추석) and 4/8 (부처님 오신 날) in one year. */
export interface LunarHolidayDates {
  seollal: string;
  chuseok: string;
  buddhasBirthday: string;
}

/** The first year whose rules this module states (substitute days for 부처님 오신 날 and 기독탄신일, 2023). */
export const FIRST_RULE_YEAR = 2023;

interface FixedDateHoliday {
  monthDay: string;
  name: string;
  firstYear?: number;
  /** 대체공휴일 when it falls on a Saturday, a Sunday or another holiday (1월 1일 and 현충일 have none). */
  hasSubstitute: boolean;
}

const FIXED_DATE_HOLIDAYS: readonly FixedDateHoliday[] = [
  { monthDay: '01-01', name: '1월 1일', hasSubstitute: false },
  { monthDay: '03-01', name: '3ㆍ1절', hasSubstitute: true },
  { monthDay: '05-01', name: '노동절', firstYear: 2026, hasSubstitute: true },
  { monthDay: '05-05', name: '어린이날', hasSubstitute: true },
  { monthDay: '06-06', name: '현충일', hasSubstitute: false },
  { monthDay: '07-17', name: '제헌절', firstYear: 2026, hasSubstitute: true },
  { monthDay: '08-15', name: '광복절', hasSubstitute: true },
  { monthDay: '10-03', name: '개천절', hasSubstitute: true },
  { monthDay: '10-09', name: '한글날', hasSubstitute: true },
  { monthDay: '12-25', name: '기독탄신일', hasSubstitute: true },
];

const DAY_MILLIS = 24 * 3600 * 1000;
const dayOf = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`) / DAY_MILLIS;
const isoOf = (day: number) => new Date(day * DAY_MILLIS).toISOString().slice(0, 10);
const weekdayOf = (day: number) => new Date(day * DAY_MILLIS).getUTCDay();
const isSunday = (day: number) => weekdayOf(day) === 0;
const isWeekend = (day: number) => weekdayOf(day) === 0 || weekdayOf(day) === 6;

/** A holiday's claim to a substitute day: the first non-holiday weekday after `after`. */
interface SubstituteClaim {
  after: number;
  name: string;
}

export function statutoryHolidaysOfYear(year: number, lunar: LunarHolidayDates): CalendarHoliday[] {
  if (year < FIRST_RULE_YEAR)
    throw new RangeError(`The rules here apply from ${FIRST_RULE_YEAR}, not ${year}`);
  const table = new Map<number, string[]>();
  const add = (day: number, name: string) => table.set(day, [...(table.get(day) ?? []), name]);

  const fixed = FIXED_DATE_HOLIDAYS.filter((h) => h.firstYear === undefined || year >= h.firstYear);
  for (const holiday of fixed) add(dayOf(`${year}-${holiday.monthDay}`), holiday.name);
  const blocks = [
    { name: '설날', centre: dayOf(lunar.seollal) },
    { name: '추석', centre: dayOf(lunar.chuseok) },
  ];
  for (const { name, centre } of blocks) {
    add(centre - 1, `${name} 전날`);
    add(centre, name);
    add(centre + 1, `${name} 다음 날`);
  }
  const buddha = dayOf(lunar.buddhasBirthday);
  add(buddha, '부처님 오신 날');

  // §3: a holiday lost to a Sunday, to another holiday or (for the single-day ones of §3 ②, not the
  // 설날 and 추석 blocks of §3 ①) to a Saturday gives one substitute day: the first weekday that is no
  // holiday after it (after the whole block for 설날 and 추석). Two holidays on one weekday lose one day;
  // the substitute is named after the one listed last (as the gazette named 2025-05-06).
  const blockEnds = new Map<number, { name: string; end: number }>();
  for (const { name, centre } of blocks)
    for (let day = centre - 1; day <= centre + 1; day++) blockEnds.set(day, { name, end: centre + 1 });
  const substituteEligible = new Set([
    ...fixed.filter((h) => h.hasSubstitute).map((h) => h.name),
    '부처님 오신 날',
  ]);
  const claims: SubstituteClaim[] = [];
  for (const [day, names] of table) {
    const block = blockEnds.get(day);
    const singles = names.filter((name) => substituteEligible.has(name));
    const eligible = [...singles, ...(block ? [block.name] : [])];
    let lost: number;
    if (isSunday(day)) lost = eligible.length;
    else if (isWeekend(day)) lost = singles.length + (block && names.length > 1 ? 1 : 0);
    else lost = Math.min(eligible.length, names.length - 1);
    for (const name of eligible.slice(eligible.length - lost)) {
      claims.push({ after: block && name === block.name ? block.end : day, name });
    }
  }

  claims.sort((a, b) => a.after - b.after);
  for (const claim of claims) {
    let day = claim.after + 1;
    while (isWeekend(day) || table.has(day)) day++;
    add(day, `대체공휴일(${claim.name})`);
  }

  return [...table.entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([day, names]) => names.map((name) => ({ date: isoOf(day), name })));
}
