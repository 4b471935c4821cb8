import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../prisma/seed.ts';
import { DEMO_PASSWORD } from '../support/constants.ts';
import { multipartBody, pngPicture, type TestFile } from '../support/multipart.ts';
import { login, type SessionHeaders } from '../support/session.ts';
import { renderPdf } from '../support/pdf.ts';
import { setKpiStanding } from '../support/kpi.ts';
import { startStack, type Stack } from '../support/stack.ts';

/** Sheets in and out (issue 14, item 6): manual KPI values uploaded from XLSX or CSV, and the monthly briefing as XLSX and PDF. */
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

describe('the monthly briefing as XLSX', () => {
  it('holds the scorecard’s own figures and lights, the red KPIs with their linked tasks, in Korean and English', async () => {
    const director = await login(stack.app, 'E0100', DEMO_PASSWORD);
    const kpi = await setKpiStanding(
      stack.prisma,
      { year: YEAR, code: 'K-T11-EDU' },
      { actual: 40, achievement: 50, light: 'RED' },
    );
    await stack.prisma.kpiMeasurement.create({
      data: { kpiId: kpi.id, at: new Date(), value: 40, note: 'test' },
    });
    const scorecard = (
      await stack.app.inject({ url: `/api/performance/${YEAR}/scorecards/T11`, headers: director })
    ).json();
    const response = await stack.app.inject({
      url: `/api/performance/${YEAR}/briefings/T11`,
      headers: director,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([
      '성과표',
      '추이',
      '적색 지표',
      '중점관리',
    ]);

    const card = workbook.getWorksheet('성과표')!;
    expect(String(card.getCell('A1').value)).toContain('월간 성과 브리핑 · 민원총괄팀 (T11)');
    const fromSheet = new Map<
      string,
      { target: unknown; actual: unknown; achievement: unknown; light: unknown }
    >();
    card.eachRow((row) => {
      const code = row.getCell(3).value;
      if (typeof code === 'string' && code.startsWith('K-')) {
        fromSheet.set(code, {
          target: row.getCell(5).value,
          actual: row.getCell(6).value,
          achievement: row.getCell(8).value,
          light: row.getCell(9).value,
        });
      }
    });
    const lightKo: Record<string, string> = { GREEN: '정상', YELLOW: '주의', RED: '적색' };
    const kpis = (
      scorecard.perspectives as Array<{
        objectives: Array<{
          kpis: Array<{
            code: string;
            target: number;
            value: number | null;
            achievement: number | null;
            light: string | null;
          }>;
        }>;
      }>
    ).flatMap((p) => p.objectives.flatMap((o) => o.kpis));
    expect(fromSheet.size).toBe(kpis.length);
    for (const k of kpis) {
      expect(fromSheet.get(k.code), k.code).toEqual({
        target: k.target,
        actual: k.value,
        achievement: k.achievement,
        light: k.light ? lightKo[k.light] : '—',
      });
    }
    expect(fromSheet.get('K-T11-EDU')).toMatchObject({ actual: 40, light: '적색' });

    const trends: unknown[][] = [];
    workbook.getWorksheet('추이')!.eachRow((row) => trends.push((row.values as unknown[]).slice(1)));
    expect(trends.some((row) => row[0] === 'K-T11-EDU' && row[3] === 40)).toBe(true);
    const red: unknown[][] = [];
    workbook.getWorksheet('적색 지표')!.eachRow((row) => red.push((row.values as unknown[]).slice(1)));
    expect(red.slice(1).map((row) => row[0])).toContain('K-T11-EDU');

    const english = await stack.app.inject({
      url: `/api/performance/${YEAR}/briefings/T11?lang=en`,
      headers: director,
    });
    const en = new ExcelJS.Workbook();
    await en.xlsx.load(english.rawPayload as unknown as ArrayBuffer);
    expect(en.worksheets.map((sheet) => sheet.name)).toEqual([
      'Scorecard',
      'Trends',
      'Red KPIs',
      'Focus management',
    ]);
    expect(String(en.getWorksheet('Scorecard')!.getCell('A1').value)).toContain(
      'Monthly performance briefing · Complaints Coordination Team (T11)',
    );
    const missing = await stack.app.inject({
      url: `/api/performance/${YEAR}/briefings/NOPE`,
      headers: director,
    });
    expect(missing.statusCode).toBe(404);
  });
});

describe('the monthly briefing as PDF', () => {
  it('renders page 1 with the unit, its score, a labelled bar per KPI and the red KPI in red, in Korean and English', async () => {
    const director = await login(stack.app, 'E0100', DEMO_PASSWORD);
    const kpi = await setKpiStanding(
      stack.prisma,
      { year: YEAR, code: 'K-T11-EDU' },
      { actual: 40, achievement: 50, light: 'RED' },
    );
    await stack.prisma.kpiMeasurement.create({ data: { kpiId: kpi.id, at: new Date(), value: 40.25 } });
    const scorecard = (
      await stack.app.inject({ url: `/api/performance/${YEAR}/scorecards/T11`, headers: director })
    ).json();

    const response = await stack.app.inject({
      url: `/api/performance/${YEAR}/briefings/T11?format=pdf`,
      headers: director,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toContain(`briefing-${YEAR}-T11.pdf`);
    const pdf = await renderPdf(response.rawPayload);
    // Compared without white space: the layout wraps long names where it must.
    const squash = (text: string) => text.replace(/\s+/g, '');
    const all = squash(pdf.text.join(''));
    const first = squash(pdf.text[0]!);
    expect(first).toContain(squash('월간 성과 브리핑 · 민원총괄팀 (T11)'));
    expect(first).toContain('종합점수');
    expect(first).toContain(squash('자료 부족 (측정 지표 비중 미달)'));
    expect(first).toContain(squash('지표별 달성률'));
    // Every KPI of the scorecard is in the briefing by name, with its achievement as the page shows it.
    const kpis = (
      scorecard.perspectives as Array<{
        objectives: Array<{ kpis: Array<{ code: string; name: string; achievement: number | null }> }>;
      }>
    ).flatMap((p) => p.objectives.flatMap((o) => o.kpis));
    expect(kpis.length).toBeGreaterThan(1);
    for (const k of kpis) {
      expect(all, k.code).toContain(squash(`${k.name} ${k.code}`));
      if (k.achievement !== null)
        expect(all, k.code).toContain(k.achievement.toLocaleString('ko-KR', { maximumFractionDigits: 1 }));
    }
    expect(all).toContain('40.25');
    expect(all).toContain('적색지표');
    expect(all).not.toContain('Scorecard');
    // Page 1 rasterised: an A4 page with text on it and the red KPI's bar drawn in red.
    expect(pdf.firstPage.width).toBe(596);
    expect(pdf.firstPage.height).toBe(842);
    expect(pdf.firstPage.ink).toBeGreaterThan(5_000);
    expect(pdf.firstPage.red).toBeGreaterThan(500);

    const english = await stack.app.inject({
      url: `/api/performance/${YEAR}/briefings/T11?format=pdf&lang=en`,
      headers: director,
    });
    const en = await renderPdf(english.rawPayload);
    expect(squash(en.text[0]!)).toContain(
      squash('Monthly performance briefing · Complaints Coordination Team (T11)'),
    );
    expect(squash(en.text.join(''))).toContain('RedKPIs');
    expect(en.text.join('')).not.toContain('성과표');

    const wrongFormat = await stack.app.inject({
      url: `/api/performance/${YEAR}/briefings/T11?format=doc`,
      headers: director,
    });
    expect(wrongFormat.statusCode).toBe(422);
    expect(wrongFormat.json().error.message).toContain('format');
  });
});
