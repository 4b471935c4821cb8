import ExcelJS from 'exceljs';
import { briefingWords, type BriefingData, type BriefingTextKey } from './briefing.ts';
import type { Lang } from '../domain/readable.ts';

const FILLS: Record<string, string> = { GREEN: 'FFC6EFCE', YELLOW: 'FFFFEB9C', RED: 'FFFFC7CE' };

/**
 * The monthly briefing as an XLSX workbook: four sheets (scorecard, trends, red KPIs, focus management).
 * Numbers stay numbers (not text), so the sheet can be checked and charted again.
 */
export async function briefingWorkbook(data: BriefingData, lang: Lang): Promise<Buffer> {
  const { scorecard, rows, measurements, linkedTasks, focusTasks } = data;
  const w = briefingWords(lang);
  const { t, name, light } = w;

  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Administrative Innovation Portal';
  workbook.created = data.asOf;
  const header = (sheet: ExcelJS.Worksheet, columns: BriefingTextKey[]) => {
    const row = sheet.addRow(columns.map(t));
    row.font = { bold: true };
    sheet.columns = columns.map(() => ({ width: 18 }));
  };

  const card = workbook.addWorksheet(t('scorecard'));
  card.addRow([`${t('title')} · ${name(scorecard.unit)} (${scorecard.unit.code}) · ${scorecard.year}`]).font =
    { bold: true, size: 14 };
  card.addRow([`${t('generated')}: ${w.time(data.asOf)}`]);
  card.addRow([
    t('score'),
    scorecard.score,
    scorecard.insufficientData ? t('insufficient') : light(scorecard.light),
  ]);
  card.addRow([]);
  header(card, [
    'perspective',
    'objective',
    'kpiCode',
    'kpi',
    'target',
    'actual',
    'unitLabel',
    'achievement',
    'light',
  ]);
  for (const row of rows) {
    const added = card.addRow([
      w.perspective(row.perspective),
      name(row.objective),
      row.kpi.code,
      name(row.kpi),
      row.kpi.target,
      row.kpi.value,
      row.kpi.unitLabel,
      row.kpi.achievement,
      light(row.kpi.light),
    ]);
    const fill = row.kpi.light ? FILLS[row.kpi.light] : undefined;
    if (fill) added.getCell(9).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: fill } };
  }
  card.getColumn(4).width = 32;
  card.getColumn(2).width = 32;

  const trends = workbook.addWorksheet(t('trends'));
  header(trends, ['kpiCode', 'kpi', 'measuredAt', 'value']);
  const kpiByCode = new Map(rows.map((row) => [row.kpi.code, row.kpi]));
  for (const measurement of measurements) {
    const kpi = kpiByCode.get(measurement.kpiCode)!;
    trends.addRow([kpi.code, name(kpi), w.time(measurement.at), measurement.value]);
  }

  const red = workbook.addWorksheet(t('red'));
  header(red, ['kpiCode', 'kpi', 'achievement', 'taskId', 'taskTitle', 'stage', 'focusTask']);
  const redKpis = rows.filter((row) => row.kpi.light === 'RED');
  if (redKpis.length === 0) red.addRow([t('none')]);
  for (const { kpi } of redKpis) {
    const tasks = linkedTasks.filter((task) => task.kpiCode === kpi.code);
    if (tasks.length === 0) red.addRow([kpi.code, name(kpi), kpi.achievement, '—']);
    for (const task of tasks) {
      red.addRow([
        kpi.code,
        name(kpi),
        kpi.achievement,
        task.id,
        task.title,
        w.stage(task.stage),
        task.focus ? t('yes') : t('no'),
      ]);
    }
  }

  const focus = workbook.addWorksheet(t('focus'));
  header(focus, ['taskId', 'taskTitle', 'stage', 'light', 'reportDue']);
  if (focusTasks.length === 0) focus.addRow([t('none')]);
  for (const task of focusTasks) {
    focus.addRow([
      task.id,
      task.title,
      w.stage(task.stage),
      light(task.light),
      task.focusReportDueAt ? w.time(task.focusReportDueAt) : '—',
    ]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
