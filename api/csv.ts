/**
 * The one CSV writer of the API. A cell that a spreadsheet would read as a formula (starting with
 * = + - @, a tab or a carriage return) gets an apostrophe in front, so exported free text such as
 * `=HYPERLINK(…)` stays text; cells are quoted always, or (`quote: 'needed'`) only when they hold a
 * quote, comma or line break. CRLF line ends, optionally a BOM, as spreadsheets expect.
 */
export type CsvValue = string | number | boolean | null | undefined;

export interface CsvOptions {
  bom?: boolean;
  quote?: 'always' | 'needed';
}

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvValue, quote: CsvOptions['quote'] = 'always'): string {
  const raw = value === null || value === undefined ? '' : String(value);
  const safe = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return quote === 'always' || /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The header names are the exporter's own and are written as they are. */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly CsvValue[])[],
  options: CsvOptions = {},
): string {
  const lines = [header.join(','), ...rows.map((row) => row.map((v) => csvCell(v, options.quote)).join(','))];
  return `${options.bom ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`;
}
