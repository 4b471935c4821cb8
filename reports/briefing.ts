import type { PolicyTask } from '@prisma/client';
import { kstTime, stageLabel, type Lang } from '../domain/readable.ts';
import type { Db } from '../platform/prisma.ts';
import type { Scorecard } from '../data/scorecard.ts';

/**
 * A unit's monthly briefing (issue 14, item 6): the scorecard with its lights, each KPI's measurements,
 * the red KPIs with the policy tasks linked to them, and the unit's focus-management tasks. Read once
 * here; the XLSX and the PDF only lay it out, so both carry the same figures as the scorecard page.
 */

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const PDF_CONTENT_TYPE = 'application/pdf';
export type BriefingFormat = 'xlsx' | 'pdf';

export type BriefingKpi = Scorecard['perspectives'][number]['objectives'][number]['kpis'][number];
export interface BriefingRow {
  perspective: string;
  objective: { code: string; name: string; nameEn: string };
  kpi: BriefingKpi;
}
export interface BriefingData {
  scorecard: Scorecard;
  rows: BriefingRow[];
  measurements: { kpiCode: string; at: Date; value: number }[];
  linkedTasks: PolicyTask[];
  focusTasks: PolicyTask[];
  /** The time the figures were read; the briefing says "as of" it. */
  asOf: Date;
}

export async function loadBriefing(prisma: Db, scorecard: Scorecard, asOf: Date): Promise<BriefingData> {
  const rows = scorecard.perspectives.flatMap((p) =>
    p.objectives.flatMap((o) => o.kpis.map((kpi) => ({ perspective: p.perspective, objective: o, kpi }))),
  );
  const codes = rows.map((row) => row.kpi.code);
  const redCodes = rows.filter((row) => row.kpi.light === 'RED').map((row) => row.kpi.code);
  const [measurements, linkedTasks, focusTasks] = await Promise.all([
    prisma.kpiMeasurement.findMany({
      where: { kpi: { year: scorecard.year, code: { in: codes } }, at: { lte: asOf } },
      include: { kpi: { select: { code: true } } },
      orderBy: [{ kpiId: 'asc' }, { at: 'asc' }],
    }),
    prisma.policyTask.findMany({ where: { kpiCode: { in: redCodes } }, orderBy: { id: 'asc' } }),
    prisma.policyTask.findMany({
      where: { focus: true, unit: { code: scorecard.unit.code } },
      orderBy: { id: 'asc' },
    }),
  ]);
  return {
    scorecard,
    rows,
    measurements: measurements.map((m) => ({ kpiCode: m.kpi.code, at: m.at, value: m.value })),
    linkedTasks,
    focusTasks,
    asOf,
  };
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
const TEXT = {
  title: ['월간 성과 브리핑', 'Monthly performance briefing'],
  generated: ['기준', 'As of'],
  score: ['종합 점수', 'Overall score'],
  insufficient: ['자료 부족 (측정 지표 비중 미달)', 'Insufficient data (measured KPI share too low)'],
  measuredShare: ['측정 지표 비중', 'Measured KPI share'],
  scorecard: ['성과표', 'Scorecard'],
  achievementChart: ['지표별 달성률 (%)', 'Achievement by KPI (%)'],
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
  latest: ['최근 측정값', 'Latest measurements'],
  taskId: ['과제번호', 'Task'],
  taskTitle: ['과제명', 'Title'],
  stage: ['단계', 'Stage'],
  focusTask: ['중점관리 여부', 'Focus'],
  reportDue: ['다음 보고 기한(KST)', 'Next report due (KST)'],
  noTask: ['연계 과제 없음', 'No linked task'],
  noData: ['측정값 없음', 'No data'],
  none: ['해당 없음', 'None'],
  yes: ['예', 'Yes'],
  no: ['아니요', 'No'],
  page: ['쪽', 'Page'],
} as const;
export type BriefingTextKey = keyof typeof TEXT;

/** The words of a briefing in one language: labels, names, lights, stages and times (Korea time). */
export function briefingWords(lang: Lang) {
  const i = lang === 'en' ? 1 : 0;
  return {
    lang,
    t: (key: BriefingTextKey) => TEXT[key][i],
    name: (item: { name: string; nameEn: string }) => (lang === 'en' ? item.nameEn : item.name),
    light: (value: string | null) => (value ? (LIGHTS[value]?.[i] ?? value) : '—'),
    perspective: (value: string) => PERSPECTIVES[value]?.[i] ?? value,
    stage: (value: string) => stageLabel('task', value, lang),
    time: (at: Date) => kstTime(at, lang),
    thresholdLegend: (green: number, yellow: number) =>
      lang === 'en'
        ? `Dashed lines: green from ${green}%, yellow from ${yellow}% achievement`
        : `점선: 달성률 ${green}% 이상 정상, ${yellow}% 이상 주의`,
    number: (value: number | null, decimals = 1) =>
      value === null
        ? '—'
        : value.toLocaleString(lang === 'en' ? 'en-US' : 'ko-KR', { maximumFractionDigits: decimals }),
  };
}
export type BriefingWords = ReturnType<typeof briefingWords>;

export const briefingFileName = (year: number, unitCode: string, format: BriefingFormat, month?: number) =>
  `briefing-${year}${month ? `-${String(month).padStart(2, '0')}` : ''}-${unitCode}.${format}`;
