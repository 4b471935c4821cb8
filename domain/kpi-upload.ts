/**
 * Manual KPI values uploaded from a sheet (issue 14, item 6): one row per KPI with its code, value and an
 * optional note. Pure: the API reads the sheet into cell rows and checks each KPI against the database;
 * this module finds the columns, reads each row and says what is wrong with it, row by row.
 */

export const KPI_UPLOAD_MAX_ROWS = 500;
const MAX_NOTE = 1000;

/** Header names accepted for each column (Korean and English, any case and spacing). */
const COLUMNS = {
  kpiCode: ['kpicode', 'kpi', 'code', '지표코드', '성과지표코드', '코드'],
  value: ['value', 'actual', '실적', '실적값', '값'],
  note: ['note', 'comment', '비고', '메모', '설명'],
} as const;
type Column = keyof typeof COLUMNS;

export type CellValue = string | number | boolean | Date | null | undefined;

export interface UploadedRow {
  /** The row's number in the sheet (1 is the header). */
  row: number;
  kpiCode: string;
  value: number | null;
  note: string | null;
  /** What is wrong with the row, in Korean and English; empty when it can be entered. */
  errors: { ko: string; en: string }[];
}

export type SheetReading =
  { ok: true; rows: UploadedRow[] } | { ok: false; error: { ko: string; en: string } };

const normalise = (header: CellValue) =>
  String(header ?? '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\s_\-()]/g, '');

function text(cell: CellValue): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString();
  return String(cell).normalize('NFC').trim();
}

function numberOf(cell: CellValue): number | null {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : null;
  const raw = text(cell).replace(/,/g, '');
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(raw)) return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
}

/** Reads the sheet's rows (first row the header) into KPI values with the errors of each row. */
export function readKpiSheet(cells: CellValue[][]): SheetReading {
  const [header, ...body] = cells;
  const index: Partial<Record<Column, number>> = {};
  (header ?? []).forEach((cell, position) => {
    const name = normalise(cell);
    for (const column of Object.keys(COLUMNS) as Column[]) {
      if (index[column] === undefined && (COLUMNS[column] as readonly string[]).includes(name))
        index[column] = position;
    }
  });
  if (index.kpiCode === undefined || index.value === undefined) {
    return {
      ok: false,
      error: {
        ko: '첫 행에 지표코드(kpiCode)와 실적값(value) 열 제목이 있어야 합니다',
        en: 'The first row must name the columns kpiCode (지표코드) and value (실적값)',
      },
    };
  }
  const filled = body
    .map((cells, offset) => ({ cells, row: offset + 2 }))
    .filter(({ cells }) => cells.some((cell) => text(cell) !== ''));
  if (filled.length === 0) {
    return { ok: false, error: { ko: '입력할 행이 없습니다', en: 'The sheet has no rows to enter' } };
  }
  if (filled.length > KPI_UPLOAD_MAX_ROWS) {
    return {
      ok: false,
      error: {
        ko: `한 번에 ${KPI_UPLOAD_MAX_ROWS}행까지 올릴 수 있습니다 (${filled.length}행)`,
        en: `At most ${KPI_UPLOAD_MAX_ROWS} rows at once (the sheet has ${filled.length})`,
      },
    };
  }
  const seen = new Map<string, number>();
  const rows = filled.map(({ cells, row }) => {
    const kpiCode = text(cells[index.kpiCode!]);
    const rawValue = cells[index.value!];
    const value = numberOf(rawValue);
    const note = index.note === undefined ? '' : text(cells[index.note]);
    const errors: UploadedRow['errors'] = [];
    if (!kpiCode) errors.push({ ko: '지표코드가 비어 있습니다', en: 'The KPI code is empty' });
    if (value === null) {
      errors.push(
        text(rawValue) === ''
          ? { ko: '실적값이 비어 있습니다', en: 'The value is empty' }
          : {
              ko: `실적값 "${text(rawValue)}"은 숫자가 아닙니다`,
              en: `The value "${text(rawValue)}" is not a number`,
            },
      );
    }
    if (note.length > MAX_NOTE)
      errors.push({
        ko: `비고는 ${MAX_NOTE}자까지입니다`,
        en: `The note is longer than ${MAX_NOTE} characters`,
      });
    const earlier = kpiCode ? seen.get(kpiCode) : undefined;
    if (earlier !== undefined) {
      errors.push({
        ko: `${kpiCode}은 ${earlier}행에도 있습니다`,
        en: `${kpiCode} is also in row ${earlier}`,
      });
    } else if (kpiCode) {
      seen.set(kpiCode, row);
    }
    return { row, kpiCode, value, note: note || null, errors };
  });
  return { ok: true, rows };
}
