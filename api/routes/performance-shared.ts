import { Prisma, type OrgUnit, type StrategicObjective } from '@prisma/client';
import { Type } from 'typebox';
import { ErrorCode } from '../../domain/errors.ts';
import { HR_ROLES, YearStage, type PerformanceActor } from '../../domain/performance.ts';
import { Action, decide } from '../../domain/policy.ts';
import { strategyMapScope } from '../../domain/strategy-map.ts';
import { AppError, ErrorBody } from '../errors.ts';
import type { SessionStaff } from '../plugins/auth.ts';
import { EmployeeNo } from '../schemas.ts';

/**
 * Schema fragments, views and guards that the performance routes (scorecards, map editing, work screens,
 * evaluations, the year end) share.
 */

export const Year = Type.Integer({ minimum: 2000, maximum: 2100 });
export const YearParams = Type.Object({ year: Year });
export { Num } from '../../contracts/performance.ts';
export const StaffNo = EmployeeNo;
export const Errors = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

export const mapObjectiveView = (row: StrategicObjective & { kpis: { code: string }[] }) => ({
  code: row.code,
  perspective: row.perspective,
  name: row.nameKo,
  nameEn: row.nameEn,
  weight: row.weight,
  ownerNo: row.ownerNo,
  parentCode: row.parentCode,
  kpiCodes: row.kpis.map((kpi) => kpi.code),
});

export { kpiDefinitionView } from '../../data/scorecard.ts';

export const actorOf = (staff: SessionStaff): PerformanceActor => ({
  employeeNo: staff.employeeNo,
  role: staff.role,
});

/** Refuses with 403 unless the staff member may edit the unit's strategy map (Action.STRATEGY_MAP_EDIT). */
export function assertMayEditStrategyMap(staff: SessionStaff, unit: OrgUnit & { parent: OrgUnit | null }) {
  const scope = strategyMapScope({ code: unit.code, kind: unit.kind, parentCode: unit.parent?.code ?? null });
  const decision = decide(staff, Action.STRATEGY_MAP_EDIT, scope);
  if (!decision.allowed) {
    throw new AppError(ErrorCode.FORBIDDEN, `Only ${decision.who} may edit the strategy map of ${unit.code}`);
  }
}

/**
 * Refuses (409) any change to a finalised, locked year and returns the year's stage (null before the year
 * has a row). `forShare` (inside the change's transaction) makes a concurrent year-end trigger, which
 * updates the row, wait until the change commits.
 */
export async function assertYearUnlocked(
  db: Prisma.TransactionClient,
  year: number,
  { forShare = false } = {},
): Promise<string | null> {
  const [row] = await db.$queryRaw<{ stage: string; lockedAt: Date | null }[]>`
    SELECT stage, "lockedAt" FROM "PerformanceYear" WHERE year = ${year}
    ${forShare ? Prisma.sql`FOR SHARE` : Prisma.empty}`;
  if (!row) return null;
  if (row.lockedAt !== null || row.stage === YearStage.FINALISED)
    throw new AppError(ErrorCode.WRONG_STAGE, `The year ${year} is finalised and locked`);
  return row.stage;
}

/** The roles that may decide manual KPI entries at all. */
export const KPI_ENTRY_DECIDERS = ['HR', 'ADMIN', 'HEAD', 'DIRECTOR'] as const;

/** The unit whose head decides a KPI's manual entries: the one above the KPI's unit (itself at the top). */
export const kpiEntryDeciderUnit = (unit: { code: string; parent: { code: string } | null }) =>
  unit.parent?.code ?? unit.code;

/** HR and admins decide every manual KPI entry; otherwise the head of the unit above the KPI's unit. */
export const mayDecideKpiEntry = (
  staff: SessionStaff,
  kpiUnit: { code: string; parent: { code: string } | null },
) =>
  (KPI_ENTRY_DECIDERS as readonly string[]).includes(staff.role) &&
  (HR_ROLES.includes(staff.role) || staff.unitCode === kpiEntryDeciderUnit(kpiUnit));
