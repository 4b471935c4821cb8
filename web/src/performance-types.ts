export interface Measurement {
  at?: string;
  period?: string;
  month?: string;
  value: number;
}

export interface KpiView {
  code: string;
  name?: string;
  nameKo?: string;
  nameEn?: string;
  unit?: string;
  unitLabel?: string;
  direction?: string;
  target: number;
  value?: number | null;
  actual?: number | null;
  achievement: number | null;
  light: string | null;
  weight?: number;
  trend?: Measurement[];
  history?: Measurement[];
  measurements?: Measurement[];
}

/** An HR change to a person's final score during the year end (GET …/year-end/review and …/results). */
export interface ScoreAdjustment {
  employeeNo: string;
  before: number | null;
  after: number;
  reason: string;
  actor: string;
  at: string;
}

export interface ObjectiveView {
  code: string;
  name?: string;
  nameKo?: string;
  nameEn?: string;
  weight?: number;
  score?: number | null;
  light?: string | null;
  parentCode?: string | null;
  links?: string[];
  kpis: KpiView[];
}

export interface PerspectiveView {
  code?: string;
  perspective?: string;
  key?: string;
  name?: string;
  nameEn?: string;
  weight?: number;
  score?: number | null;
  light?: string | null;
  objectives: ObjectiveView[];
}

export interface Scorecard {
  year: number;
  unit?: { code: string; name?: string; nameKo?: string; nameEn?: string } | string;
  unitCode?: string;
  score?: number | null;
  light?: string | null;
  mission?: string | { ko?: string; en?: string } | null;
  vision?: string | { ko?: string; en?: string } | null;
  perspectives: PerspectiveView[];
  config?: {
    perspectiveWeights?: Record<string, number>;
    lightThresholds?: { green: number; yellow: number };
    achievementCap?: number;
  };
}

export interface StrategyMapView {
  mission: { ko: string; en: string };
  vision: { ko: string; en: string };
  strategies: { code: string; nameKo: string; nameEn: string }[];
}

export const perspectiveOrder = ['CUSTOMER', 'WORK_PERFORMANCE', 'PROCESS_INNOVATION', 'LEARNING_GROWTH'];
/** 'workPerformance' and 'WORK_PERFORMANCE' name the same perspective. */
export const perspectiveKey = (p: PerspectiveView) =>
  (p.code ?? p.perspective ?? p.key ?? '').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
export const kpiValue = (k: KpiView) => k.value ?? k.actual ?? null;
export const kpiTrend = (k: KpiView) => k.trend ?? k.history ?? k.measurements ?? [];
