import ExcelJS from 'exceljs';
import { kstTime, type Lang } from '../domain/readable.ts';
import type { Db } from '../platform/prisma.ts';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface BriefingKpi {
  code: string;
  name: string;
  nameEn: string;
  unitLabel: string;
  target: number;
  value: number | null;
  achievement: number | null;
  light: string | null;
}
/** The scorecard as GET /api/performance/:year/scorecards/:unitCode answers it (the fields used here). */
export interface BriefingScorecard {
  year: number;
  unit: { code: string; name: string; nameEn: string };
  score: number | null;
  light: string | null;
  perspectives: {
    perspective: string;
    weight: number;
    score: number | null;
    light: string | null;
    objectives: { code: string; name: string; nameEn: string; kpis: BriefingKpi[] }[];
  }[];
}

const PERSPECTIVES: Record<string, [string, string]> = {
  customer: ['고객', 'Customer'],
  workPerformance: ['업무성과', 'Work performance'],
  processInnovation: ['프로세스 혁신', 'Process innovation'],
  learningGrowth: ['학습과 성장', 'Learning and growth'],
};
const LIGHTS: Record<string, [string, string]> = {
  GREEN: ['정상', 'Green'],
  YELLOW: ['주의', 'Yellow'],
  RED: ['적색', 'Red'],
};
const FILLS: Record<string, string> = { GREEN: 'FFC6EFCE', YELLOW: 'FFFFEB9C', RED: 'FFFFC7CE' };

const TEXT = {
  title: ['월간 성과 브리핑', 'Monthly performance briefing'],
  generated: ['작성', 'Generated'],
  score: ['종합 점수', 'Overall score'],
  scorecard: ['성과표', 'Scorecard'],
  trends: ['추이', 'Trends'],
  red: ['적색 지표', 'Red KPIs'],
  focus: ['중점관리', 'Focus management'],
  perspective: ['관점', 'Perspective'],
  objective: ['전략목표', 'Objective'],
  kpiCode: ['지표코드', 'KPI code'],
  kpi: ['성과지표', 'KPI'],
  target: ['목표', 'Target'],
  actual: ['실적', 'Actual'],
  unitLabel: ['단위', 'Unit'],
  achievement: ['달성률(%)', 'Achievement (%)'],
  light: ['신호등', 'Light'],
  measuredAt: ['측정일시(KST)', 'Measured (KST)'],
  value: ['값', 'Value'],
  taskId: ['과제번호', 'Task'],
  taskTitle: ['과제명', 'Title'],
  stage: ['단계', 'Stage'],
  focusTask: ['중점관리 여부', 'Focus'],
  reportDue: ['다음 보고 기한(KST)', 'Next report due (KST)'],
  none: ['해당 없음', 'None'],
  yes: ['예', 'Yes'],
  no: ['아니요', 'No'],
} as const;

/**
 * A unit's monthly briefing as an XLSX workbook (issue 14, item 6): the scorecard with its lights, each KPI's
 * measurements, the red KPIs with the policy tasks linked to them, and the unit's focus-management tasks.
 * Numbers stay numbers (not text), so the sheet can be checked and charted again.
 */
export async function briefingWorkbook(
  prisma: Db,
  scorecard: BriefingScorecard,
  { lang, now }: { lang: Lang; now: Date },
): Promise<Buffer> {
  const i = lang === 'en' ? 1 : 0;
  const t = (key: keyof typeof TEXT) => TEXT[key][i];
  const name = (item: { name: string; nameEn: string }) => (lang === 'en' ? item.nameEn : item.name);
  const light = (value: string | null) => (value ? (LIGHTS[value]?.[i] ?? value) : '—');
  const kpis = scorecard.perspectives.flatMap((p) =>
    p.objectives.flatMap((o) => o.kpis.map((k) => ({ perspective: p.perspective, objective: o, kpi: k }))),
  );
  const codes = kpis.map((row) => row.kpi.code);
  const [measurements, linkedTasks, focusTasks] = await Promise.all([
    prisma.kpiMeasurement.findMany({
      where: { kpi: { year: scorecard.year, code: { in: codes } } },
      include: { kpi: { select: { code: true } } },
      orderBy: [{ kpiId: 'asc' }, { at: 'asc' }],
    }),
    prisma.policyTask.findMany({
      where: { kpiCode: { in: kpis.filter((row) => row.kpi.light === 'RED').map((row) => row.kpi.code) } },
      orderBy: { id: 'asc' },
    }),
    prisma.policyTask.findMany({
      where: { focus: true, unit: { code: scorecard.unit.code } },
      orderBy: { id: 'asc' },
    }),
  ]);

  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Administrative Innovation Portal';
  workbook.created = now;
  const header = (sheet: ExcelJS.Worksheet, columns: (keyof typeof TEXT)[]) => {
    const row = sheet.addRow(columns.map(t));
    row.font = { bold: true };
    sheet.columns = columns.map(() => ({ width: 18 }));
  };

  const card = workbook.addWorksheet(t('scorecard'));
  card.addRow([`${t('title')} · ${name(scorecard.unit)} (${scorecard.unit.code}) · ${scorecard.year}`]).font =
    {
      bold: true,
      size: 14,
    };
  card.addRow([`${t('generated')}: ${kstTime(now, lang)}`]);
  card.addRow([t('score'), scorecard.score, light(scorecard.light)]);
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
  for (const row of kpis) {
    const added = card.addRow([
      PERSPECTIVES[row.perspective]?.[i] ?? row.perspective,
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
  const kpiByCode = new Map(kpis.map((row) => [row.kpi.code, row.kpi]));
  for (const measurement of measurements) {
    const kpi = kpiByCode.get(measurement.kpi.code)!;
    trends.addRow([kpi.code, name(kpi), kstTime(measurement.at, lang), measurement.value]);
  }

  const red = workbook.addWorksheet(t('red'));
  header(red, ['kpiCode', 'kpi', 'achievement', 'taskId', 'taskTitle', 'stage', 'focusTask']);
  const redKpis = kpis.filter((row) => row.kpi.light === 'RED');
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
        task.stage,
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
      task.stage,
      light(task.light),
      task.focusReportDueAt ? kstTime(task.focusReportDueAt, lang) : '—',
    ]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
