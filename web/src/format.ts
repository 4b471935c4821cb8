/** Dates are always shown in Korea time, whatever the browser's zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${lang}:${JSON.stringify(options)}`;
  let value = formatters.get(key);
  if (!value) {
    value = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'ko-KR', {
      timeZone: 'Asia/Seoul',
      ...options,
    });
    formatters.set(key, value);
  }
  return value;
}

export function formatDateTime(iso: string | null | undefined, lang: string): string {
  if (!iso) return '—';
  const text = formatter(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  return lang === 'en' ? `${text} KST` : text;
}

export function formatDate(iso: string | null | undefined, lang: string): string {
  if (!iso) return '—';
  return formatter(lang, { dateStyle: 'medium' }).format(new Date(iso));
}

export function formatNumber(value: number | null | undefined, lang: string, digits = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'ko-KR', { maximumFractionDigits: digits }).format(
    value,
  );
}

/** The year in Korea right now (performance years follow the Korean calendar year). */
export function currentKstYear(): number {
  return Number(formatter('en', { year: 'numeric' }).format(new Date()));
}

/** Picks the Korean or English name of a thing that has both. */
export function localName(
  thing: { name?: string; nameKo?: string; nameEn?: string } | null | undefined,
  lang: string,
) {
  if (!thing) return '';
  if (lang === 'en' && thing.nameEn) return thing.nameEn;
  return thing.name ?? thing.nameKo ?? thing.nameEn ?? '';
}

/** A date input's value (YYYY-MM-DD, Korea's calendar) for an instant. */
export function koreaDateInput(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date(iso));
}

/** The end of the working day (18:00 Korea time) on a date picked in a date input, as an ISO instant. */
export function koreaEndOfWorkday(date: string): string {
  const instant = new Date(`${date}T18:00:00+09:00`);
  return Number.isNaN(instant.getTime()) ? '' : instant.toISOString();
}
