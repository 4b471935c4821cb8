import type { PerspectiveView } from '../../contracts/performance.ts';

/**
 * The performance API's response bodies, as the API declares them (contracts/performance.ts). Types only:
 * `import type` is erased, so TypeBox never reaches the bundle (lint refuses a value import of contracts/).
 */
export type {
  KpiView,
  ObjectiveView,
  PerformanceUnitView,
  PersonResultView,
  PerspectiveView,
  ResultsView,
  ScoreAdjustment,
  ScorecardView as Scorecard,
  StrategyMapView,
  UnitResultView,
  YearDecision,
  YearStatusView,
} from '../../contracts/performance.ts';

export const perspectiveOrder = ['CUSTOMER', 'WORK_PERFORMANCE', 'PROCESS_INNOVATION', 'LEARNING_GROWTH'];
/** The scorecard names perspectives in camelCase ('workPerformance'); labels and order use 'WORK_PERFORMANCE'. */
export const perspectiveKey = (p: Pick<PerspectiveView, 'perspective'>) =>
  p.perspective.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
