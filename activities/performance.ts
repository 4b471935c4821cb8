import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import type { Prisma } from '@prisma/client';
import type { Db } from '../platform/prisma.ts';
import { appendAudit } from '../platform/audit.ts';
import { ErrorCode } from '../domain/errors.ts';
import type { PerformanceOutcome } from '../domain/performance-outcomes.ts';
import { MISSING_INPUT_RULE, kpiStanding, type BonusGrade, type TrafficLight } from '../domain/scoring.ts';
import { YearStage, type AdjustmentResult } from '../domain/performance.ts';
import type { MailActivities } from '../data/mail-outbox.ts';
import { kpiScoringInput, loadYearConfig, type YearConfig } from '../data/year-config.ts';
import { gradeYearEndResults } from '../data/year-end-grading.ts';
import {
  OUTCOME_FACT_COLUMNS,
  SUM_FACTS,
  UNIT_TREE_CTE,
  achievementSql,
  addToUnitFactsCte,
  dataGateSql,
  kpiActualSql,
  lightSql,
  personMixCtes,
  weightedAggSql,
  weightedMeanSql,
} from './performance-sql.ts';

type Tx = Prisma.TransactionClient;

import type { KpiReading } from '../domain/year-end-rules.ts';

export type { KpiReading } from '../domain/year-end-rules.ts';

const PERSPECTIVE_KEYS = {
  CUSTOMER: 'customer',
  WORK_PERFORMANCE: 'workPerformance',
  PROCESS_INNOVATION: 'processInnovation',
  LEARNING_GROWTH: 'learningGrowth',
} as const;

export const HEAD_OF_UNIT_ROLES = `('TEAM_LEADER', 'DIRECTOR', 'HEAD')`;

function notRetryable(code: ErrorCode, message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, code);
}

/**
 * Year-end aggregation: one scan of the year's outcomes into facts per (unit, person), then unit scores
 * (KPI → objective → perspective → unit, with the unit's own and its sub-units' facts), individual,
 * performance and final results, and grades. All INSERT … SELECT in one transaction.
 */
export async function aggregateYearEndSql(
  tx: Tx,
  year: number,
  config: YearConfig,
): Promise<{ units: number; people: number }> {
  const { scoring } = config;
  const num = (value: number) => `(${Number(value)})::float8`;
  await tx.$executeRawUnsafe(`DROP TABLE IF EXISTS ye_facts`);
  await tx.$executeRawUnsafe(
    `CREATE TEMP TABLE ye_facts ON COMMIT DROP AS
     SELECT o."unitCode" AS unit_code, o."employeeNo" AS employee_no, ${OUTCOME_FACT_COLUMNS}
     FROM "PerformanceOutcome" o WHERE o.year = $1 AND o."parkedAt" IS NULL GROUP BY 1, 2`,
    year,
  );
  await tx.$executeRawUnsafe(`DELETE FROM "YearEndUnitResult" WHERE year = $1`, year);
  await tx.$executeRawUnsafe(`DELETE FROM "YearEndPersonResult" WHERE year = $1`, year);

  const pw = scoring.perspectiveWeights;
  const perspectiveWeights = Object.fromEntries(
    Object.entries(PERSPECTIVE_KEYS).map(([enumName, key]) => [enumName, pw[key]]),
  );
  const units = await tx.$executeRawUnsafe(
    `INSERT INTO "YearEndUnitResult" (year, "unitCode", "unitKind", score, "perspectiveScores", light,
       "measuredKpiShare", "insufficientData")
     WITH RECURSIVE ${UNIT_TREE_CTE},
     unit_facts AS (
       SELECT t.ancestor_id AS unit_id, ${SUM_FACTS}
       FROM ye_facts f JOIN "OrgUnit" u ON u.code = f.unit_code JOIN tree t ON t.unit_id = u.id
       GROUP BY t.ancestor_id
     ),
     kpi AS (
       SELECT so.id AS objective_id, so."unitId" AS unit_id, so.perspective::text AS perspective,
         so.weight AS objective_weight, k.weight, k.direction::text AS direction, k.target,
         ${kpiActualSql(true)} AS actual
       FROM "Kpi" k JOIN "StrategicObjective" so ON so.id = k."objectiveId"
       LEFT JOIN unit_facts f ON f.unit_id = so."unitId"
       WHERE k.year = $1
     ),
     kpi_scored AS (SELECT kpi.*, ${achievementSql(num(scoring.achievementCap))} AS achievement FROM kpi),
     objective AS (
       SELECT objective_id, unit_id, perspective, objective_weight, ${weightedAggSql('achievement', 'weight')} AS score
       FROM kpi_scored GROUP BY 1, 2, 3, 4
     ),
     perspective AS (
       SELECT unit_id, perspective, ${weightedAggSql('score', 'objective_weight')} AS score
       FROM objective GROUP BY 1, 2
     ),
     unit_score AS (
       SELECT p.unit_id, ${weightedAggSql('p.score', 'w.value::float8')} AS score,
         jsonb_object_agg(p.perspective, p.score) AS scores
       FROM perspective p JOIN jsonb_each_text($2::jsonb) w ON w.key = p.perspective
       GROUP BY p.unit_id
     ),
     measured AS (
       SELECT unit_id, COALESCE(100.0 * sum(weight) FILTER (WHERE actual IS NOT NULL AND weight > 0)
                                / NULLIF(sum(weight) FILTER (WHERE weight > 0), 0), 0) AS share
       FROM kpi GROUP BY 1
     ),
     judged AS (
       SELECT u.code, u.kind::text AS kind, COALESCE(m.share, 0) AS share,
         NOT (COALESCE(m.share, 0) > 0 AND COALESCE(m.share, 0) + 1e-9 >= ${num(scoring.unitMeasuredKpiSharePercent)})
           AS insufficient,
         us.score, us.scores
       FROM "OrgUnit" u LEFT JOIN unit_score us ON us.unit_id = u.id LEFT JOIN measured m ON m.unit_id = u.id
     )
     SELECT $1, code, kind, CASE WHEN insufficient THEN NULL ELSE score END, COALESCE(scores, '{}'::jsonb),
       CASE WHEN insufficient THEN NULL ELSE
         ${lightSql('score', num(scoring.lightThresholds.green), num(scoring.lightThresholds.yellow))} END,
       share, insufficient
     FROM judged`,
    year,
    JSON.stringify(perspectiveWeights),
  );

  const gate = dataGateSql(scoring);
  const sw = scoring.systemScoreWeights;
  const systemScore = weightedMeanSql([
    ['sp.tasks', num(sw.tasks)],
    ['sp.complaints', num(sw.complaints)],
    ['sp.satisfaction', num(sw.satisfaction)],
    ['sp.innovation', num(sw.innovation)],
  ]);
  const people = await tx.$executeRawUnsafe(
    `INSERT INTO "YearEndPersonResult" (year, "employeeNo", "staffId", "unitCode", "teamRole", "payGrade",
       "teamScore", "leaderEvaluation", "systemScore", "individualScore", "performanceResult",
       "capabilityResult", "computedFinalScore", "finalScore", "measuredShare", "measuredInputs",
       "dataSufficient", why)
     WITH person_facts AS (
       SELECT f.employee_no, ${SUM_FACTS} FROM ye_facts f WHERE f.employee_no IS NOT NULL GROUP BY 1
     ),
     system_parts AS (
       SELECT employee_no,
         task_mix_sum / NULLIF(tasks, 0) AS tasks,
         100.0 * sla_met / NULLIF(complaints, 0) AS complaints,
         -- Complaint answers and policy tasks are both rated 1–5 by their customers (issue 20).
         20.0 * (COALESCE(sat_sum, 0) + COALESCE(task_sat_sum, 0))
           / NULLIF(COALESCE(sat_count, 0) + COALESCE(task_sat_count, 0), 0) AS satisfaction,
         innovation_score_sum / NULLIF(innovations, 0) AS innovation
       FROM person_facts
     ),
     base AS MATERIALIZED (
       SELECT s.id AS staff_id, s."employeeNo" AS employee_no, u.code AS unit_code, s."payGrade" AS pay_grade,
         CASE WHEN s.role IN ${HEAD_OF_UNIT_ROLES} THEN 'LEADER' ELSE 'MEMBER' END AS team_role,
         ur.score AS team_score, ur."insufficientData" AS unit_insufficient,
         le.score AS leader_evaluation, cr.score AS capability_result,
         sp.tasks, sp.complaints, sp.satisfaction, sp.innovation,
         ${systemScore} AS system_score
       FROM "Staff" s
       JOIN "OrgUnit" u ON u.id = s."unitId"
       LEFT JOIN "YearEndUnitResult" ur ON ur.year = $1 AND ur."unitCode" = u.code
       LEFT JOIN "LeaderEvaluation" le ON le.year = $1 AND le."subjectNo" = s."employeeNo"
       LEFT JOIN "CapabilityResult" cr ON cr.year = $1 AND cr."subjectNo" = s."employeeNo"
       LEFT JOIN system_parts sp ON sp.employee_no = s."employeeNo"
     ),
     ${personMixCtes(scoring, 'base')}
     SELECT $1, employee_no, staff_id, unit_code, team_role, pay_grade, team_score, leader_evaluation,
       system_score, individual_score, performance_result, capability_result, final_score, final_score,
       ${gate.measuredShare}, ${gate.measuredInputs}, final_score IS NOT NULL AND ${gate.sufficient},
       jsonb_build_object(
         'teamRole', team_role, 'unitCode', unit_code, 'teamScore', team_score,
         'leaderEvaluation', leader_evaluation,
         'systemParts', jsonb_build_object('tasks', tasks, 'complaints', complaints,
                                           'satisfaction', satisfaction, 'innovation', innovation),
         'systemScore', system_score, 'individualScore', individual_score,
         'performanceResult', performance_result, 'capabilityResult', capability_result,
         'finalScore', final_score,
         'weights', $2::jsonb,
         'missing', to_jsonb(missing),
         'missingRule', $3::text,
         'unitInsufficientData', COALESCE(unit_insufficient, false),
         'dataGate', jsonb_build_object('measuredShare', ${gate.measuredShare},
           'measuredInputs', ${gate.measuredInputs}, 'minimum', $4::jsonb,
           'sufficient', final_score IS NOT NULL AND ${gate.sufficient}))
     FROM with_final`,
    year,
    JSON.stringify({
      systemScore: sw,
      individual: scoring.individualMix,
      performance: scoring.performanceMix,
      final: scoring.finalMix,
    }),
    MISSING_INPUT_RULE,
    JSON.stringify(scoring.dataMinimum),
  );
  await gradeYearEndResults(tx, year, config);
  return { units, people };
}

/** `sendNotification` is the mail activity itself, so every mail goes through the one outbox. */
export function createPerformanceActivities(deps: {
  prisma: Db;
  sendNotification: MailActivities['sendNotification'];
}) {
  const { prisma, sendNotification } = deps;

  /** Creates the year's row on first use; returns the stage and the KPI lights already known. */
  async function openPerformanceYear(input: { year: number }): Promise<{
    stage: YearStage;
    lights: Record<string, TrafficLight>;
  }> {
    const row = await prisma.performanceYear.upsert({
      where: { year: input.year },
      create: { year: input.year },
      update: {},
    });
    const kpis = await prisma.kpi.findMany({
      where: { year: input.year, light: { not: null } },
      select: { code: true, light: true },
    });
    return {
      stage: row.stage as YearStage,
      lights: Object.fromEntries(kpis.map((kpi) => [kpi.code, kpi.light as TrafficLight])),
    };
  }

  /**
   * Exactly-once by primary key: a key already stored inserts nothing and changes nothing. The same
   * statement adds exactly the inserted outcomes to their units' running totals ("PerformanceUnitFacts").
   */
  async function recordOutcomes(input: { outcomes: PerformanceOutcome[] }): Promise<{
    inserted: number;
    unitCodes: string[];
  }> {
    if (input.outcomes.length === 0) return { inserted: 0, unitCodes: [] };
    const rows = await prisma.$queryRawUnsafe<{ unitCode: string }[]>(
      `WITH inserted AS (
         INSERT INTO "PerformanceOutcome" ("outcomeKey", year, kind, "unitCode", "employeeNo", payload, "occurredAt")
         SELECT e->>'outcomeKey', (e->>'year')::int, e->>'kind', e->>'unitCode', e->>'employeeNo', e,
           ((e->>'occurredAt')::timestamptz AT TIME ZONE 'UTC')
         FROM jsonb_array_elements($1::jsonb) e
         ON CONFLICT ("outcomeKey") DO NOTHING
         RETURNING year, kind, "unitCode", payload
       ),
       ${addToUnitFactsCte('totals', 'inserted')}
       SELECT "unitCode" FROM inserted`,
      JSON.stringify(input.outcomes),
    );
    return { inserted: rows.length, unitCodes: [...new Set(rows.map((row) => row.unitCode))].sort() };
  }

  /**
   * Adds recorded, not yet applied outcomes of the year to their units' running totals, oldest first, at
   * most `limit` per call, in one statement that also marks them applied (SKIP LOCKED: two runs never apply
   * the same row). When the batch fails (an outcome whose payload cannot be summed), each outcome is applied
   * on its own and the ones that fail are parked with their error: they block nothing and admins see them.
   */
  async function applyRecordedOutcomes(input: { year: number; limit: number }): Promise<{
    applied: number;
    parked: number;
    unitCodes: string[];
    more: boolean;
  }> {
    const applyStatement = (only: 'batch' | 'one') =>
      `WITH picked AS (
         SELECT "outcomeKey" FROM "PerformanceOutcome"
         WHERE year = $1 AND "appliedAt" IS NULL AND "parkedAt" IS NULL
           ${only === 'one' ? 'AND "outcomeKey" = $3' : ''}
         ORDER BY "recordedAt", "outcomeKey" LIMIT $2
         FOR UPDATE SKIP LOCKED
       ),
       inserted AS (
         UPDATE "PerformanceOutcome" o SET "appliedAt" = now() AT TIME ZONE 'UTC'
         FROM picked p WHERE o."outcomeKey" = p."outcomeKey"
         RETURNING o.year, o.kind, o."unitCode", o.payload
       ),
       ${addToUnitFactsCte('totals', 'inserted')}
       SELECT "unitCode" FROM inserted`;
    const unitsOf = (rows: { unitCode: string }[]) => rows.map((row) => row.unitCode);
    let applied: string[];
    let parked = 0;
    try {
      applied = unitsOf(
        await prisma.$queryRawUnsafe<{ unitCode: string }[]>(
          applyStatement('batch'),
          input.year,
          input.limit,
        ),
      );
    } catch {
      applied = [];
      const candidates = await prisma.$queryRaw<{ outcomeKey: string }[]>`
        SELECT "outcomeKey" FROM "PerformanceOutcome"
        WHERE year = ${input.year} AND "appliedAt" IS NULL AND "parkedAt" IS NULL
        ORDER BY "recordedAt", "outcomeKey" LIMIT ${input.limit}`;
      for (const { outcomeKey } of candidates) {
        try {
          applied.push(
            ...unitsOf(
              await prisma.$queryRawUnsafe<{ unitCode: string }[]>(
                applyStatement('one'),
                input.year,
                1,
                outcomeKey,
              ),
            ),
          );
        } catch (error) {
          parked += await prisma.$executeRaw`
            UPDATE "PerformanceOutcome" SET "parkedAt" = now() AT TIME ZONE 'UTC', "parkError" = ${String(error).slice(0, 1000)}
            WHERE "outcomeKey" = ${outcomeKey} AND "appliedAt" IS NULL AND "parkedAt" IS NULL`;
        }
      }
    }
    const [{ pending }] = await prisma.$queryRaw<[{ pending: boolean }]>`
      SELECT EXISTS (SELECT 1 FROM "PerformanceOutcome"
                     WHERE year = ${input.year} AND "appliedAt" IS NULL AND "parkedAt" IS NULL) AS pending`;
    return {
      applied: applied.length,
      parked,
      unitCodes: [...new Set(applied)].sort(),
      more: pending,
    };
  }

  /**
   * Recomputes the automatic KPIs of the given units and of every unit above them from the units' running
   * totals (one statement; its cost follows the number of units, not of outcomes recorded so far), stores a measurement where a value changed, then sets achievement and light
   * with the scoring module. Returns every KPI of those units with its light.
   */
  async function recomputeKpis(input: {
    year: number;
    unitCodes: string[];
  }): Promise<{ kpis: KpiReading[] }> {
    if (input.unitCodes.length === 0) return { kpis: [] };
    const config = await loadYearConfig(prisma, input.year);
    const targets = await prisma.$queryRawUnsafe<{ unit_id: number }[]>(
      `WITH RECURSIVE ${UNIT_TREE_CTE},
       targets AS (
         SELECT DISTINCT t.ancestor_id AS unit_id FROM tree t JOIN "OrgUnit" u ON u.id = t.unit_id
         WHERE u.code = ANY($2::text[])
       ),
       facts AS (
         SELECT t.ancestor_id AS unit_id, ${SUM_FACTS}
         FROM "PerformanceUnitFacts" f
         JOIN "OrgUnit" ou ON ou.code = f."unitCode"
         JOIN tree t ON t.unit_id = ou.id
         WHERE f.year = $1 AND t.ancestor_id IN (SELECT unit_id FROM targets)
         GROUP BY t.ancestor_id
       ),
       fresh AS (
         SELECT k.id, ${kpiActualSql(false)} AS actual
         FROM "Kpi" k JOIN "StrategicObjective" so ON so.id = k."objectiveId"
         JOIN targets tg ON tg.unit_id = so."unitId"
         LEFT JOIN facts f ON f.unit_id = so."unitId"
         WHERE k.year = $1 AND k.source <> 'MANUAL'
       ),
       updated AS (
         UPDATE "Kpi" k SET actual = fresh.actual, "updatedAt" = now() AT TIME ZONE 'UTC'
         FROM fresh WHERE k.id = fresh.id AND k.actual IS DISTINCT FROM fresh.actual
         RETURNING k.id, k.actual
       ),
       measured AS (
         INSERT INTO "KpiMeasurement" ("kpiId", at, value, note)
         SELECT id, now() AT TIME ZONE 'UTC', actual, 'outcomes' FROM updated WHERE actual IS NOT NULL
       )
       SELECT unit_id FROM targets`,
      input.year,
      input.unitCodes,
    );
    return {
      kpis: await refreshLights(
        input.year,
        targets.map((t) => t.unit_id),
        config,
      ),
    };
  }

  /** Achievement and light of every KPI of the units, by the scoring module; writes only what changed. */
  async function refreshLights(year: number, unitIds: number[], config: YearConfig): Promise<KpiReading[]> {
    const kpis = await prisma.kpi.findMany({
      where: { year, objective: { unitId: { in: unitIds } } },
      include: { objective: { include: { unit: true } } },
      orderBy: { code: 'asc' },
    });
    const parentIds = [
      ...new Set(kpis.map((kpi) => kpi.objective.unit.parentId).filter((id) => id !== null)),
    ];
    const managers = await prisma.staff.findMany({
      where: { unitId: { in: parentIds }, role: { in: ['TEAM_LEADER', 'DIRECTOR', 'HEAD'] } },
      orderBy: { employeeNo: 'asc' },
    });
    const readings: KpiReading[] = [];
    const changes: { id: number; achievement: number | null; light: string | null }[] = [];
    for (const kpi of kpis) {
      const { achievement, light } = kpiStanding(kpiScoringInput(kpi), config.scoring);
      if (achievement !== kpi.achievement || light !== kpi.light)
        changes.push({ id: kpi.id, achievement, light });
      const parentId = kpi.objective.unit.parentId;
      readings.push({
        kpiCode: kpi.code,
        kpiName: kpi.nameKo,
        unitCode: kpi.objective.unit.code,
        actual: kpi.actual,
        target: kpi.target,
        achievement,
        light,
        ownerNo: kpi.ownerNo,
        managerNo: managers.find((staff) => staff.unitId === parentId)?.employeeNo ?? null,
      });
    }
    if (changes.length > 0) {
      await prisma.$executeRawUnsafe(
        `UPDATE "Kpi" k SET achievement = c.achievement, light = c.light, "updatedAt" = now() AT TIME ZONE 'UTC'
         FROM jsonb_to_recordset($1::jsonb) AS c(id int, achievement float8, light text) WHERE k.id = c.id`,
        JSON.stringify(changes),
      );
    }
    return readings;
  }

  /** Lights of one unit's KPIs after a manual value or a target changed. */
  async function refreshUnitLights(input: {
    year: number;
    unitCode: string;
  }): Promise<{ kpis: KpiReading[] }> {
    const unit = await prisma.orgUnit.findUnique({ where: { code: input.unitCode } });
    if (!unit) return { kpis: [] };
    return { kpis: await refreshLights(input.year, [unit.id], await loadYearConfig(prisma, input.year)) };
  }

  /**
   * Persists a stage change with its audit entry, once per `decisionKey` (a retry changes nothing).
   */
  async function recordYearDecision(input: {
    year: number;
    decisionKey: string;
    stage: YearStage;
    actor: string;
    action: string;
    opinion?: string;
  }): Promise<void> {
    await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT 1 FROM "PerformanceYear" WHERE year = ${input.year} FOR UPDATE`;
      const before = await tx.performanceYear.upsert({
        where: { year: input.year },
        create: { year: input.year },
        update: {},
      });
      if (before.lastDecisionKey === input.decisionKey) return;
      const now = new Date();
      const data: Prisma.PerformanceYearUpdateInput = {
        stage: input.stage,
        lastDecisionKey: input.decisionKey,
      };
      if (input.action === 'triggered') Object.assign(data, { triggeredAt: now, triggeredBy: input.actor });
      if (input.stage === YearStage.HR_REVIEW && input.action === 'aggregated') data.aggregatedAt = now;
      if (input.action === 'submitted') data.submittedAt = now;
      if (input.action === 'approved' || input.action === 'rejected') {
        Object.assign(data, { decidedAt: now, headOpinion: input.opinion ?? null });
      }
      if (input.stage === YearStage.FINALISED) Object.assign(data, { finalisedAt: now, lockedAt: now });
      await tx.performanceYear.update({ where: { year: input.year }, data });
      await appendAudit(tx, {
        actor: input.actor,
        action: `performance.year-end.${input.action}`,
        subject: `performance:${input.year}`,
        before: { stage: before.stage },
        after: { stage: input.stage },
        reason: input.opinion,
      });
    });
  }

  async function aggregateYearEnd(input: { year: number }): Promise<{ units: number; people: number }> {
    const config = await loadYearConfig(prisma, input.year);
    return prisma.$transaction((tx) => aggregateYearEndSql(tx, input.year, config), { timeout: 600_000 });
  }

  /** An HR adjustment of a final score: stored with its reason, regraded and audited in one transaction. */
  async function applyAdjustment(input: {
    year: number;
    key: string;
    actor: string;
    employeeNo: string;
    finalScore: number;
    reason: string;
  }): Promise<AdjustmentResult> {
    const config = await loadYearConfig(prisma, input.year);
    return prisma.$transaction(
      async (tx) => {
        const resultOf = async () => {
          const row = await tx.yearEndPersonResult.findUnique({
            where: { year_employeeNo: { year: input.year, employeeNo: input.employeeNo } },
          });
          if (!row) throw notRetryable(ErrorCode.NOT_FOUND, `No year-end result for ${input.employeeNo}`);
          return row;
        };
        const existing = await tx.yearEndAdjustment.findUnique({ where: { key: input.key } });
        if (existing) {
          const row = await resultOf();
          return {
            employeeNo: row.employeeNo,
            before: existing.before,
            after: existing.after,
            grade: row.grade as BonusGrade | null,
            rank: row.rank,
          };
        }
        const before = await resultOf();
        if (!before.dataSufficient) {
          throw notRetryable(
            ErrorCode.CONFLICT,
            `${input.employeeNo} is below the data minimum and not ranked: HR decides their grade instead`,
          );
        }
        await tx.yearEndPersonResult.update({
          where: { year_employeeNo: { year: input.year, employeeNo: input.employeeNo } },
          data: { finalScore: input.finalScore, adjusted: true },
        });
        await tx.yearEndAdjustment.create({
          data: {
            key: input.key,
            year: input.year,
            employeeNo: input.employeeNo,
            field: 'finalScore',
            before: before.finalScore,
            after: input.finalScore,
            reason: input.reason,
            actor: input.actor,
          },
        });
        await gradeYearEndResults(tx, input.year, config);
        const after = await resultOf();
        await appendAudit(tx, {
          actor: input.actor,
          action: 'performance.year-end.adjusted',
          subject: `performance:${input.year}:${input.employeeNo}`,
          before: { finalScore: before.finalScore, grade: before.grade, rank: before.rank },
          after: { finalScore: after.finalScore, grade: after.grade, rank: after.rank },
          reason: input.reason,
        });
        return {
          employeeNo: input.employeeNo,
          before: before.finalScore,
          after: input.finalScore,
          grade: after.grade as BonusGrade | null,
          rank: after.rank,
        };
      },
      { timeout: 120_000 },
    );
  }

  /** Mails every staff member their result; the outbox key makes each mail go out once. */
  async function notifyYearEndResults(input: { year: number }): Promise<{ notified: number }> {
    const staff = await prisma.staff.findMany({
      select: { employeeNo: true },
      orderBy: { employeeNo: 'asc' },
    });
    const results = await prisma.yearEndPersonResult.findMany({ where: { year: input.year } });
    const byEmployee = new Map(results.map((row) => [row.employeeNo, row]));
    let notified = 0;
    const queue = [...staff];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const result = byEmployee.get(next.employeeNo);
        await sendNotification({
          key: `performance-${input.year}:result:${next.employeeNo}`,
          to: { kind: 'staff', employeeNo: next.employeeNo },
          template: 'performance-result',
          data: {
            year: input.year,
            grade: result?.grade ?? null,
            finalScore: result?.finalScore ?? null,
            rank: result?.rank ?? null,
            groupSize: result?.groupSize ?? null,
            payout: result?.payout ?? null,
            resultsUrl: `/performance/${input.year}/results`,
          },
        });
        notified += 1;
        heartbeat(notified);
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    return { notified };
  }

  return {
    openPerformanceYear,
    recordOutcomes,
    applyRecordedOutcomes,
    recomputeKpis,
    refreshUnitLights,
    recordYearDecision,
    aggregateYearEnd,
    applyAdjustment,
    notifyYearEndResults,
  };
}

export type PerformanceActivities = ReturnType<typeof createPerformanceActivities>;
