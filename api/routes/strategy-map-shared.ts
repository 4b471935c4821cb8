import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { Prisma, type Kpi, type OrgUnit, type StrategicObjective } from '@prisma/client';
import { KpiDefinitionFields, MapObjectiveFields } from '../../contracts/performance.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { MIN_REASON_LENGTH, YearStage } from '../../domain/performance.ts';
import type { ScoringConfig } from '../../domain/scoring.ts';
import {
  KPI_DIRECTIONS,
  STRATEGY_CODE_PATTERN,
  kpiDefinitionProblems,
  type FieldProblem,
  type KpiSourceCode,
  type PerspectiveCode,
} from '../../domain/strategy-map.ts';
import { appendAudit, type AuditEntry } from '../../platform/audit.ts';
import { AppError } from '../errors.ts';
import type { SessionStaff } from '../plugins/auth.ts';
import {
  Num,
  StaffNo,
  assertMayEditStrategyMap,
  assertYearUnlocked,
  kpiDefinitionView,
  mapObjectiveView,
} from './performance-shared.ts';

/**
 * Editing a unit's strategic objectives and KPIs (DESIGN: "strategy map reading and editing").
 *
 * - Who: Action.STRATEGY_MAP_EDIT (HR, admin and the head of the ministry for every unit; a director for
 *   their headquarters and its teams; a team leader for their team).
 * - When: only while the year is OPEN. Once the year end has started the map is frozen (the results must
 *   match the map they were computed from), and a finalised year is locked: 409.
 * - Every change is audited with before and after, in the transaction that makes it.
 * - Retries: PUT sets the given fields and changes (and audits) nothing when they already hold. POST of a
 *   code that exists answers 200 with the stored row when the stored definition is the one requested (a
 *   replay), else 409 naming the code. DELETE of a code that is gone answers 404.
 * - A KPI edit recomputes the KPI's achievement and light from its current value with kpiStanding (the
 *   computation the scorecard and the workflow use), then tells the year's workflow (kpiChanged), which
 *   recomputes automatic values and sends the red warning once per transition.
 *
 * This module holds what the strategy map's route modules (objectives, KPIs) share: schema fragments, views,
 * the facts an audit entry and a replay compare, and the checks and create-or-replay and change flows.
 */

export const Code = Type.String({ pattern: STRATEGY_CODE_PATTERN });
export const UnitCode = Type.String({ maxLength: 20 });
export const Names = Type.Object(
  { ko: Type.String({ minLength: 2, maxLength: 200 }), en: Type.String({ minLength: 2, maxLength: 200 }) },
  { additionalProperties: false },
);
export const Weight = Type.Number({ exclusiveMinimum: 0, maximum: 1000 });
// Spelled out (a mapped array would type as never); the type check below keeps them equal to the domain's.
export const Perspective = Type.Union([
  Type.Literal('CUSTOMER'),
  Type.Literal('WORK_PERFORMANCE'),
  Type.Literal('PROCESS_INNOVATION'),
  Type.Literal('LEARNING_GROWTH'),
]);
const Direction = Type.Union([Type.Literal('HIGHER_IS_BETTER'), Type.Literal('LOWER_IS_BETTER')]);
export const Source = Type.Union([
  Type.Literal('COMPLAINTS_PROCESSING_DAYS'),
  Type.Literal('COMPLAINTS_SLA_RATE'),
  Type.Literal('COMPLAINTS_SATISFACTION'),
  Type.Literal('TASKS_ACHIEVEMENT'),
  Type.Literal('TASKS_TIMELINESS'),
  Type.Literal('INNOVATION'),
  Type.Literal('MANUAL'),
  Type.Literal('TASKS_CUSTOMER_SATISFACTION'),
  Type.Literal('TRAINING_HOURS_PER_PERSON'),
]);
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemasMatchDomain: [
  Same<Static<typeof Perspective>, PerspectiveCode>,
  Same<Static<typeof Direction>, (typeof KPI_DIRECTIONS)[number]>,
  Same<Static<typeof Source>, KpiSourceCode>,
] = [true, true, true];
void schemasMatchDomain;
const Threshold = Type.Union([Type.Number({ minimum: 0, maximum: 1000 }), Type.Null()]);
export const Thresholds = Type.Object(
  { green: Type.Optional(Threshold), yellow: Type.Optional(Threshold) },
  { additionalProperties: false },
);
export const Reason = Type.String({ minLength: MIN_REASON_LENGTH, maxLength: 1000 });
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const ObjectiveView = Type.Object({
  year: Type.Integer(),
  unitCode: Type.String(),
  ...MapObjectiveFields,
});
export const KpiView = Type.Object({
  year: Type.Integer(),
  unitCode: Type.String(),
  objectiveCode: Type.String(),
  ...KpiDefinitionFields,
  /** The KPI's own thresholds; null means the year's default applies. */
  thresholds: Type.Object({ green: Num, yellow: Num }),
  value: Num,
  achievement: Num,
  light: Type.Union([Type.String(), Type.Null()]),
});

export const KpiFields = {
  name: Names,
  unitLabel: Type.String({ minLength: 1, maxLength: 20 }),
  direction: Direction,
  target: Type.Number({ minimum: 0, maximum: 1e12 }),
  thresholds: Thresholds,
  weight: Weight,
  ownerNo: Nullable(StaffNo),
};

function invalid(problems: FieldProblem[]): AppError {
  return new AppError(ErrorCode.VALIDATION, problems.map((p) => p.message).join('; '), problems);
}

type ObjectiveRow = StrategicObjective & { unit: OrgUnit; kpis: { code: string }[] };
type KpiRow = Kpi & { objective: StrategicObjective & { unit: OrgUnit } };

export const objectiveInclude = {
  unit: true,
  kpis: { select: { code: true }, orderBy: { code: 'asc' } },
} as const;
export const kpiInclude = { objective: { include: { unit: true } } } as const;

export const objectiveView = (row: ObjectiveRow) => ({
  year: row.year,
  unitCode: row.unit.code,
  ...mapObjectiveView(row),
});

export const kpiView = (row: KpiRow) => ({
  year: row.year,
  unitCode: row.objective.unit.code,
  objectiveCode: row.objective.code,
  ...kpiDefinitionView(row),
  thresholds: { green: row.greenAt, yellow: row.yellowAt },
  value: row.actual,
  achievement: row.achievement,
  light: row.light,
});

/** The fields an audit entry and a replay comparison look at. */
export const objectiveFacts = (row: StrategicObjective) => ({
  unitId: row.unitId,
  perspective: row.perspective,
  nameKo: row.nameKo,
  nameEn: row.nameEn,
  weight: row.weight,
  ownerNo: row.ownerNo,
  parentCode: row.parentCode,
});
export const kpiFacts = (row: Kpi) => ({
  objectiveId: row.objectiveId,
  nameKo: row.nameKo,
  nameEn: row.nameEn,
  unitLabel: row.unitLabel,
  direction: row.direction,
  target: row.target,
  greenAt: row.greenAt,
  yellowAt: row.yellowAt,
  weight: row.weight,
  source: row.source,
  ownerNo: row.ownerNo,
});
const sameFacts = (a: object, b: object) => JSON.stringify(a) === JSON.stringify(b);

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

export interface StrategyMapRouteOptions {
  /** Tells the year's workflow that a unit's KPIs changed (it recomputes them and warns on red). */
  signalKpiChanged(year: number, unitCode: string, kpiCode: string): Promise<void>;
}

export const editors = ['HR', 'ADMIN', 'HEAD', 'DIRECTOR', 'TEAM_LEADER'] as const;

type Tx = Prisma.TransactionClient;

/** The lookups, checks and create and change flows the strategy map's route modules reach through the app. */
export function strategyMapEditContext(app: FastifyInstance) {
  async function unitOr404(code: string) {
    const unit = await app.prisma.orgUnit.findUnique({ where: { code }, include: { parent: true } });
    if (!unit) throw new AppError(ErrorCode.NOT_FOUND, `No unit ${code}`);
    return unit;
  }

  /** A KPI that exists, and whose unit's map the staff member may edit. */
  async function editableKpi(staff: SessionStaff, year: number, kpiCode: string) {
    const current = await loadKpi(app.prisma, year, kpiCode);
    if (!current) throw new AppError(ErrorCode.NOT_FOUND, `No KPI ${kpiCode} in ${year}`);
    assertMayEditStrategyMap(staff, await unitOr404(current.objective.unit.code));
  }

  /**
   * Inside the edit's transaction: the year must be open. FOR SHARE makes a concurrent year-end trigger
   * (which updates the row) wait for this edit, so no edit lands after aggregation has read the map.
   */
  async function assertYearEditable(tx: Tx, year: number) {
    const stage = await assertYearUnlocked(tx, year, { forShare: true });
    if (stage !== null && stage !== YearStage.OPEN) {
      throw new AppError(
        ErrorCode.WRONG_STAGE,
        `The year end of ${year} has started (stage ${stage}); its strategy maps can no longer change`,
      );
    }
  }

  /** An owner must be a staff member of the unit or of a unit below it. */
  async function ownerProblems(tx: Tx, unit: OrgUnit, ownerNo: string | null): Promise<FieldProblem[]> {
    if (ownerNo === null) return [];
    const staff = await tx.staff.findUnique({ where: { employeeNo: ownerNo }, select: { unitId: true } });
    if (!staff) return [{ path: '/ownerNo', message: `ownerNo: no staff member ${ownerNo}` }];
    const [inTree] = await tx.$queryRaw<{ ok: boolean }[]>`
      WITH RECURSIVE below(id) AS (
        SELECT ${unit.id}::int
        UNION ALL SELECT u.id FROM "OrgUnit" u JOIN below ON u."parentId" = below.id
      )
      SELECT ${staff.unitId}::int IN (SELECT id FROM below) AS ok`;
    return inTree?.ok
      ? []
      : [
          {
            path: '/ownerNo',
            message: `ownerNo: ${ownerNo} does not work in ${unit.code} or a unit below it`,
          },
        ];
  }

  /** A cascading objective hangs under an objective of the parent unit in the same year. */
  async function parentProblems(
    tx: Tx,
    year: number,
    unit: OrgUnit & { parent: OrgUnit | null },
    parentCode: string | null,
  ): Promise<FieldProblem[]> {
    if (parentCode === null) return [];
    const parent = await tx.strategicObjective.findUnique({
      where: { year_code: { year, code: parentCode } },
      select: { unitId: true },
    });
    if (!parent || parent.unitId !== unit.parent?.id) {
      return [
        {
          path: '/parentCode',
          message: unit.parent
            ? `parentCode: ${parentCode} is not an objective of ${unit.parent.code} (the unit above ${unit.code}) in ${year}`
            : `parentCode: ${unit.code} has no unit above it, so its objectives cannot cascade from one`,
        },
      ];
    }
    return [];
  }

  /**
   * A KPI definition's problems: the domain's rules, and where the owner works, checked against
   * `ownerUnit` when the owner is new (undefined when an edit keeps the owner).
   */
  async function kpiProblems(
    tx: Tx,
    wanted: ReturnType<typeof kpiFacts>,
    scoring: ScoringConfig,
    ownerUnit: OrgUnit | undefined,
  ): Promise<FieldProblem[]> {
    return [
      ...kpiDefinitionProblems(
        {
          direction: wanted.direction,
          target: wanted.target,
          source: wanted.source,
          ownerNo: wanted.ownerNo,
          thresholds: { green: wanted.greenAt ?? undefined, yellow: wanted.yellowAt ?? undefined },
        },
        scoring,
      ),
      ...(ownerUnit ? await ownerProblems(tx, ownerUnit, wanted.ownerNo) : []),
    ];
  }

  const loadObjective = (tx: Tx, year: number, code: string) =>
    tx.strategicObjective.findUnique({ where: { year_code: { year, code } }, include: objectiveInclude });
  const loadKpi = (tx: Tx, year: number, code: string) =>
    tx.kpi.findUnique({ where: { year_code: { year, code } }, include: kpiInclude });

  /**
   * Adds an objective or a KPI once, in its own transaction while the year is open. A replay of the stored
   * definition answers the stored row (created: false); another definition under the code is a 409 naming it.
   */
  function createOnce<Row>(
    year: number,
    code: string,
    entry: {
      noun: 'an objective' | 'a KPI';
      wanted: object;
      load: (tx: Tx) => Promise<Row | null>;
      facts: (row: Row) => object;
      /** Where the stored row sits, for the 409. */
      placeOf: (row: Row) => string;
      problems: (tx: Tx) => Promise<FieldProblem[]>;
      create: (tx: Tx) => Promise<Row>;
      audit: (created: Row) => AuditEntry;
    },
  ): Promise<{ row: Row; created: boolean }> {
    return app.prisma
      .$transaction(async (tx) => {
        await assertYearEditable(tx, year);
        const existing = await entry.load(tx);
        if (existing) {
          if (sameFacts(entry.facts(existing), entry.wanted)) return { row: existing, created: false };
          throw new AppError(
            ErrorCode.CONFLICT,
            `code: ${entry.noun} ${code} already exists in ${year} (${entry.placeOf(existing)}) with another definition`,
            [{ path: '/code', message: `${code} is taken` }],
          );
        }
        const problems = await entry.problems(tx);
        if (problems.length > 0) throw invalid(problems);
        const created = await entry.create(tx);
        await appendAudit(tx, entry.audit(created));
        return { row: created, created: true };
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error))
          throw new AppError(ErrorCode.CONFLICT, `code: ${entry.noun} ${code} was just created in ${year}`);
        throw error;
      });
  }

  /**
   * Inside the edit's transaction: applies a change to an objective or a KPI unless it changes nothing (then
   * nothing is written or audited), after its checks pass; audits it with before and after.
   */
  async function changeOnce<Row, Facts extends object>(
    tx: Tx,
    before: Row,
    change: {
      facts: (row: Row) => Facts;
      wanted: Facts;
      problems: () => Promise<FieldProblem[]>;
      update: (wanted: Facts) => Promise<Row>;
      audit: (after: Row) => AuditEntry;
    },
  ): Promise<{ row: Row; changed: boolean }> {
    if (sameFacts(change.facts(before), change.wanted)) return { row: before, changed: false };
    const problems = await change.problems();
    if (problems.length > 0) throw invalid(problems);
    const after = await change.update(change.wanted);
    await appendAudit(tx, change.audit(after));
    return { row: after, changed: true };
  }

  return {
    unitOr404,
    editableKpi,
    assertYearEditable,
    ownerProblems,
    parentProblems,
    kpiProblems,
    loadObjective,
    loadKpi,
    createOnce,
    changeOnce,
  };
}
