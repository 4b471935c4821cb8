import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../prisma/seed.ts';
import { DEMO_PASSWORD } from '../support/constants.ts';
import { multipartBody, pngPicture, type TestFile } from '../support/multipart.ts';
import { login, type SessionHeaders } from '../support/session.ts';
import { startStack, type Stack } from '../support/stack.ts';

/** Manual KPI values uploaded from XLSX or CSV (issue 14, item 6): a preview with errors per row, then all or nothing. */
const YEAR = 2044;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let stack: Stack;
const sessions = new Map<string, SessionHeaders>();
beforeAll(async () => {
  stack = await startStack();
  await seedDatabase(stack.prisma, { year: YEAR, demoPassword: DEMO_PASSWORD });
});
afterAll(async () => {
  await stack?.stop();
});

async function upload(employeeNo: string, file: TestFile, commit = false) {
  if (!sessions.has(employeeNo)) sessions.set(employeeNo, await login(stack.app, employeeNo, DEMO_PASSWORD));
  const body = await multipartBody({ commit }, [file]);
  return stack.app.inject({
    method: 'POST',
    url: `/api/performance/${YEAR}/kpi-entries/upload`,
    payload: body.payload,
    headers: { ...sessions.get(employeeNo)!, ...body.headers },
  });
}

async function xlsx(rows: unknown[][]): Promise<TestFile> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('실적');
  for (const row of rows) sheet.addRow(row);
  return { name: 'kpi-values.xlsx', bytes: Buffer.from(await workbook.xlsx.writeBuffer()), type: XLSX_TYPE };
}

const entriesOf = (kpiCode: string) => stack.prisma.kpiManualEntry.count({ where: { year: YEAR, kpiCode } });

describe('KPI values uploaded from a sheet', () => {
  it('previews an XLSX with what is wrong in each row, and enters nothing while any row is wrong', async () => {
    const file = await xlsx([
      ['kpiCode', 'value', 'note'],
      ['K-T11-EDU', 12.5, '상반기 교육 실적'],
      ['K-T11-SAT', 4, ''],
      ['K-T12-EDU', 10, ''],
      ['K-NOPE', 1, ''],
      ['K-T11-EDU', 13, '중복'],
      ['K-T11-KNOW', '열두', ''],
      [],
    ]);
    const preview = await upload('E1100', file);
    expect(preview.statusCode, preview.body).toBe(200);
    const result = preview.json();
    expect(result).toMatchObject({ committed: false, valid: 1, invalid: 5 });
    const byRow = Object.fromEntries(
      (
        result.rows as Array<{ row: number; errors: { ko: string; en: string }[]; kpiName: string | null }>
      ).map((row) => [row.row, row]),
    );
    expect(byRow[2]).toMatchObject({ errors: [], kpiName: expect.stringMatching(/\S/) });
    expect(byRow[3]!.errors[0]!.en).toContain('measured automatically');
    expect(byRow[4]!.errors[0]!.ko).toContain('지표 담당자(E1200)만');
    expect(byRow[5]!.errors[0]!.en).toBe(`No KPI K-NOPE in ${YEAR}`);
    expect(byRow[6]!.errors[0]!.ko).toBe('K-T11-EDU은 2행에도 있습니다');
    expect(byRow[7]!.errors[0]!.en).toBe('The value "열두" is not a number');
    expect(Object.keys(byRow)).toHaveLength(6);

    const refused = await upload('E1100', file, true);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.message).toContain('5 of 6 rows cannot be entered; nothing was entered');
    expect(refused.json().error.details.map((d: { path: string }) => d.path)).toEqual([
      '/rows/3',
      '/rows/4',
      '/rows/5',
      '/rows/6',
      '/rows/7',
    ]);
    expect(await entriesOf('K-T11-EDU')).toBe(0);
  });

  it('enters every row of a Korean-headed CSV (as Excel saves it) as pending entries, approved like hand-entered ones', async () => {
    const csv = '\uFEFF지표코드,실적값,비고\r\nK-T11-EDU,"1,234.5",하반기 교육\r\nK-T11-KNOW,7,\r\n';
    const file = { name: '실적.csv', bytes: Buffer.from(csv, 'utf8'), type: 'text/csv' };
    const committed = await upload('E1100', file, true);
    expect(committed.statusCode, committed.body).toBe(201);
    expect(committed.json()).toMatchObject({ committed: true, valid: 2, invalid: 0 });
    const entries = await stack.prisma.kpiManualEntry.findMany({
      where: { year: YEAR, kpiCode: { in: ['K-T11-EDU', 'K-T11-KNOW'] } },
      orderBy: { kpiCode: 'asc' },
    });
    expect(entries.map((e) => [e.kpiCode, e.value, e.status, e.submittedBy, e.note])).toEqual([
      ['K-T11-EDU', 1234.5, 'PENDING', 'E1100', '하반기 교육'],
      ['K-T11-KNOW', 7, 'PENDING', 'E1100', '실적.csv 3행'],
    ]);
    const ids = (committed.json().rows as Array<{ entryId: number }>).map((row) => row.entryId);
    expect(ids.sort()).toEqual(entries.map((e) => e.id).sort());
  });

  it('answers 422 for a sheet without the columns, 415 for a file that is no sheet, 422 for no file', async () => {
    const headless = await upload('E1100', await xlsx([['K-T11-EDU', 3]]));
    expect(headless.statusCode).toBe(422);
    expect(headless.json().error.message).toContain('The first row must name the columns kpiCode');
    const picture = await upload('E1100', {
      name: 'chart.png',
      bytes: await pngPicture(3),
      type: 'image/png',
    });
    expect(picture.statusCode).toBe(415);
    const none = await stack.app.inject({
      method: 'POST',
      url: `/api/performance/${YEAR}/kpi-entries/upload`,
      payload: { commit: true },
      headers: sessions.get('E1100')!,
    });
    expect(none.statusCode).toBe(422);
    expect(none.json().error.message).toContain('exactly one sheet');
  });
});
