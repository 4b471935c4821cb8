import { performanceYearStartSummary } from '../../domain/workflow-summaries.ts';
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Prisma } from '@prisma/client';
import { createOutcomeReportActivities } from '../../activities/performance-report.ts';
import { kpiScoringInput, loadYearConfig } from '../../data/year-config.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { executeSignedUpdate } from '../signed-update.ts';
import { loadScorecard } from '../../data/scorecard.ts';
import { Action, decide, permits } from '../../domain/policy.ts';
import {
  PERFORMANCE_WORKFLOW_TYPE,
  performanceWorkflowId,
  type PerformanceOutcome,
  type PerformanceWorkflowInput,
} from '../../domain/performance-outcomes.ts';
import {
  HEAD_ROLES,
  HR_ROLES,
  InnovationStage,
  MIN_REASON_LENGTH,
  YearStage,
  adjustResultUpdate,
  decideYearEndUpdate,
  innovationTransitions,
  kpiChangedSignal,
  performanceStatusQuery,
  startCapabilityCycleUpdate,
  submitYearEndUpdate,
  triggerYearEndUpdate,
  type InnovationAction,
  type PerformanceActor,
} from '../../domain/performance.ts';
import { kpiStanding } from '../../domain/scoring.ts';
import { appendAudit } from '../../platform/audit.ts';
import { AppError } from '../errors.ts';
import { requireStaff, type SessionStaff } from '../plugins/auth.ts';
import {
  Errors,
  KPI_ENTRY_DECIDERS,
  KpiDefinitionFields,
  MapObjectiveFields,
  Num,
  Year,
  YearParams,
  assertMayEditStrategyMap,
  assertYearUnlocked,
  kpiEntryDeciderUnit,
  mapObjectiveView,
  mayDecideKpiEntry,
} from './performance-shared.ts';
import { strategyMapEditRoutes } from './strategy-map.ts';
import { explainStoredResult } from './performance-fairness.ts';
import { openCapabilityCycle } from './capability.ts';
import { EmployeeNo } from '../schemas.ts';
import { RowId } from '../schemas.ts';

const Light = Type.Union([Type.Literal('GREEN'), Type.Literal('YELLOW'), Type.Literal('RED'), Type.Null()]);

const KpiView = Type.Object({
  ...KpiDefinitionFields,
  thresholds: Type.Object({ green: Type.Number(), yellow: Type.Number() }),
  value: Num,
  achievement: Num,
  light: Light,
});
const ObjectiveView = Type.Object({
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  weight: Type.Number(),
  ownerNo: Type.Union([Type.String(), Type.Null()]),
  parentCode: Type.Union([Type.String(), Type.Null()]),
  score: Num,
  light: Light,
  kpis: Type.Array(KpiView),
});
const ScorecardView = Type.Object({
  year: Type.Integer(),
  unit: Type.Object({ code: Type.String(), name: Type.String(), nameEn: Type.String(), kind: Type.String() }),
  score: Num,
  light: Light,
  /** Percent of the unit's KPI weight with a value; below the configured share: no score, no light. */
  measuredKpiShare: Type.Number(),
  insufficientData: Type.Boolean(),
  perspectives: Type.Array(
    Type.Object({
      perspective: Type.String(),
      weight: Type.Number(),
      score: Num,
      light: Light,
      objectives: Type.Array(ObjectiveView),
    }),
  ),
  config: Type.Object({
    perspectiveWeights: Type.Record(Type.String(), Type.Number()),
    lightThresholds: Type.Object({ green: Type.Number(), yellow: Type.Number() }),
    achievementCap: Type.Number(),
  }),
});

const StrategyItem = Type.Object({ code: Type.String(), nameKo: Type.String(), nameEn: Type.String() });
const StrategyMapView = Type.Object({
  year: Type.Integer(),
  unit: Type.Object({ code: Type.String(), name: Type.String(), nameEn: Type.String(), kind: Type.String() }),
  parentCode: Type.Union([Type.String(), Type.Null()]),
  childCodes: Type.Array(Type.String()),
  mission: Type.Object({ ko: Type.String(), en: Type.String() }),
  vision: Type.Object({ ko: Type.String(), en: Type.String() }),
  strategies: Type.Array(StrategyItem),
  objectives: Type.Array(Type.Object(MapObjectiveFields)),
});

const YearStatusView = Type.Object({
  year: Type.Integer(),
  stage: Type.String(),
  running: Type.Boolean(),
  recordedCount: Type.Union([Type.Integer(), Type.Null()]),
  runNumber: Type.Union([Type.Integer(), Type.Null()]),
  yearEndAt: Type.Union([Type.String(), Type.Null()]),
  decisions: Type.Array(Type.Unknown()),
  headOpinion: Type.Union([Type.String(), Type.Null()]),
  lights: Type.Record(Type.String(), Type.String()),
});

const PersonResultView = Type.Object({
  employeeNo: Type.String(),
  name: Type.String(),
  unitCode: Type.String(),
  teamRole: Type.String(),
  payGrade: Type.String(),
  teamScore: Num,
  leaderEvaluation: Num,
  systemScore: Num,
  individualScore: Num,
  performanceResult: Num,
  capabilityResult: Num,
  computedFinalScore: Num,
  finalScore: Num,
  adjusted: Type.Boolean(),
  rank: Type.Union([Type.Integer(), Type.Null()]),
  groupSize: Type.Union([Type.Integer(), Type.Null()]),
  grade: Type.Union([Type.String(), Type.Null()]),
  baseAmount: Num,
  payout: Num,
  promotionCandidate: Type.Boolean(),
  why: Type.Unknown(),
  measuredShare: Num,
  dataSufficient: Type.Boolean(),
  dataDecision: Type.Union([Type.String(), Type.Null()]),
  dataDecisionReason: Type.Union([Type.String(), Type.Null()]),
  dataDecisionBy: Type.Union([Type.String(), Type.Null()]),
  /** "Why this grade" in words; the score it explains is `finalScore`, the one the ranking used. */
  explanation: Type.Object({ ko: Type.Array(Type.String()), en: Type.Array(Type.String()) }),
});
const ResultsView = Type.Object({
  year: Type.Integer(),
  stage: Type.String(),
  finalisedAt: Type.Union([Type.String(), Type.Null()]),
  config: Type.Unknown(),
  units: Type.Array(
    Type.Object({
      unitCode: Type.String(),
      unitKind: Type.String(),
      score: Num,
      light: Type.Union([Type.String(), Type.Null()]),
      perspectiveScores: Type.Unknown(),
      measuredKpiShare: Num,
      insufficientData: Type.Boolean(),
    }),
  ),
  people: Type.Array(PersonResultView),
  adjustments: Type.Array(
    Type.Object({
      employeeNo: Type.String(),
      before: Num,
      after: Type.Number(),
      reason: Type.String(),
      actor: Type.String(),
      at: Type.String(),
    }),
  ),
});

const InnovationView = Type.Object({
  id: Type.String(),
  year: Type.Integer(),
  unitCode: Type.String(),
  proposerNo: Type.String(),
  title: Type.String(),
  description: Type.String(),
  stage: Type.String(),
  score: Num,
  opinions: Type.Unknown(),
  createdAt: Type.String(),
});

const actorOf = (staff: SessionStaff): PerformanceActor => ({
  employeeNo: staff.employeeNo,
  role: staff.role,
});
const isPrivileged = (staff: SessionStaff) => ['HR', 'HEAD', 'ADMIN'].includes(staff.role);

export const performanceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const reporter = createOutcomeReportActivities({
    prisma: app.prisma,
    temporal: app.temporal,
    taskQueue: app.config.TEMPORAL_TASK_QUEUE,
  });
  const yearHandle = (year: number) => app.temporal.workflow.getHandle(performanceWorkflowId(year));

  async function unitOr404(code: string) {
    const unit = await app.prisma.orgUnit.findUnique({
      where: { code },
      include: { parent: true, children: true },
    });
    if (!unit) throw new AppError(ErrorCode.NOT_FOUND, `No unit ${code}`);
    return unit;
  }

  async function yearRow(year: number) {
    return app.prisma.performanceYear.findUnique({ where: { year } });
  }

  async function assertYearOpen(year: number) {
    await assertYearUnlocked(app.prisma, year);
  }

  /** Starts the year's workflow if it is not running (the first outcome usually starts it). */
  async function ensureYearWorkflow(year: number) {
    const input: PerformanceWorkflowInput = { year };
    try {
      await app.temporal.workflow.start(PERFORMANCE_WORKFLOW_TYPE, {
        workflowId: performanceWorkflowId(year),
        taskQueue: app.config.TEMPORAL_TASK_QUEUE,
        args: [input],
        ...performanceYearStartSummary(year),
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    return yearHandle(year);
  }

  async function signalKpiChanged(year: number, unitCode: string, kpiCode: string) {
    const input: PerformanceWorkflowInput = { year };
    await app.temporal.workflow.signalWithStart(PERFORMANCE_WORKFLOW_TYPE, {
      workflowId: performanceWorkflowId(year),
      taskQueue: app.config.TEMPORAL_TASK_QUEUE,
      args: [input],
      ...performanceYearStartSummary(year),
      signal: kpiChangedSignal,
      signalArgs: [{ unitCode, kpiCode }],
    });
  }

  await app.register(strategyMapEditRoutes, { signalKpiChanged });

  // ------------------------------------------------------------------------------------------------------
  // Scorecards and strategy maps

  app.get(
    '/api/performance/:year/units',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary: 'The units that have a scorecard in the year, by name (ministry, headquarters, teams)',
        params: YearParams,
        response: {
          200: Type.Array(
            Type.Object({
              code: Type.String(),
              name: Type.String(),
              nameEn: Type.String(),
              kind: Type.String(),
              parentCode: Type.Union([Type.String(), Type.Null()]),
            }),
          ),
          ...Errors,
        },
      },
    },
    async (request) => {
      const units = await app.prisma.orgUnit.findMany({
        where: { objectives: { some: { year: request.params.year } } },
        include: { parent: { select: { code: true } } },
      });
      const order = { MINISTRY: 0, HEADQUARTERS: 1, TEAM: 2 } as Record<string, number>;
      return units
        .sort((a, b) => (order[a.kind] ?? 3) - (order[b.kind] ?? 3) || a.code.localeCompare(b.code))
        .map((unit) => ({
          code: unit.code,
          name: unit.nameKo,
          nameEn: unit.nameEn,
          kind: unit.kind,
          parentCode: unit.parent?.code ?? null,
        }));
    },
  );

  app.get(
    '/api/performance/:year/scorecards/:unitCode',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary: "A unit's scorecard: perspectives, objectives, KPIs with value, achievement and light",
        params: Type.Object({ year: Year, unitCode: Type.String({ maxLength: 20 }) }),
        response: { 200: ScorecardView, ...Errors },
      },
    },
    async (request) => scorecardOf(request.params.year, request.params.unitCode),
  );

  /** A unit's scorecard as the page and the monthly briefing show it (reports/scorecard.ts). */
  async function scorecardOf(year: number, unitCode: string) {
    const found = await loadScorecard(app.prisma, year, unitCode);
    if ('missing' in found) throw new AppError(ErrorCode.NOT_FOUND, found.missing);
    return found.scorecard;
  }

  app.get(
    '/api/performance/:year/strategy-maps/:unitCode',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary: 'Strategy map: mission, vision, strategies and strategic objectives, with the cascade',
        params: Type.Object({ year: Year, unitCode: Type.String({ maxLength: 20 }) }),
        response: { 200: StrategyMapView, ...Errors },
      },
    },
    async (request) => {
      const { year, unitCode } = request.params;
      const unit = await unitOr404(unitCode);
      const map = await app.prisma.strategyMap.findUnique({
        where: { year_unitId: { year, unitId: unit.id } },
      });
      if (!map) throw new AppError(ErrorCode.NOT_FOUND, `No strategy map for ${unitCode} in ${year}`);
      const objectives = await app.prisma.strategicObjective.findMany({
        where: { year, unitId: unit.id },
        include: { kpis: { select: { code: true }, orderBy: { code: 'asc' } } },
        orderBy: { code: 'asc' },
      });
      return {
        year,
        unit: { code: unit.code, name: unit.nameKo, nameEn: unit.nameEn, kind: unit.kind },
        parentCode: unit.parent?.code ?? null,
        childCodes: unit.children.map((child) => child.code).sort(),
        mission: { ko: map.missionKo, en: map.missionEn },
        vision: { ko: map.visionKo, en: map.visionEn },
        strategies: map.strategies as { code: string; nameKo: string; nameEn: string }[],
        objectives: objectives.map(mapObjectiveView),
      };
    },
  );

  app.put(
    '/api/performance/:year/strategy-maps/:unitCode',
    {
      config: { access: ['HR', 'ADMIN', 'HEAD', 'DIRECTOR', 'TEAM_LEADER'] },
      schema: {
        tags: ['performance'],
        summary:
          "Edit a unit's mission, vision and strategies (HR, admin, the head, or the unit's leader or director); audited",
        params: Type.Object({ year: Year, unitCode: Type.String({ maxLength: 20 }) }),
        body: Type.Object(
          {
            mission: Type.Object({
              ko: Type.String({ minLength: 2, maxLength: 500 }),
              en: Type.String({ minLength: 2, maxLength: 500 }),
            }),
            vision: Type.Object({
              ko: Type.String({ minLength: 2, maxLength: 500 }),
              en: Type.String({ minLength: 2, maxLength: 500 }),
            }),
            strategies: Type.Array(StrategyItem, { maxItems: 20 }),
            reason: Type.String({ minLength: MIN_REASON_LENGTH, maxLength: 1000 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ ok: Type.Boolean() }), ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year, unitCode } = request.params;
      const unit = await unitOr404(unitCode);
      assertMayEditStrategyMap(staff, unit);
      await assertYearOpen(year);
      const { mission, vision, strategies, reason } = request.body;
      await app.prisma.$transaction(async (tx) => {
        const before = await tx.strategyMap.findUnique({ where: { year_unitId: { year, unitId: unit.id } } });
        const data = {
          missionKo: mission.ko,
          missionEn: mission.en,
          visionKo: vision.ko,
          visionEn: vision.en,
          strategies,
        };
        await tx.strategyMap.upsert({
          where: { year_unitId: { year, unitId: unit.id } },
          create: { year, unitId: unit.id, ...data },
          update: data,
        });
        await appendAudit(tx, {
          actor: staff.employeeNo,
          action: 'performance.strategy-map.edited',
          subject: `strategy-map:${year}:${unitCode}`,
          before: before
            ? { missionKo: before.missionKo, visionKo: before.visionKo, strategies: before.strategies }
            : null,
          after: { missionKo: mission.ko, visionKo: vision.ko, strategies },
          reason,
        });
      });
      return { ok: true };
    },
  );

  // ------------------------------------------------------------------------------------------------------
  // KPI manual entry (owner submits, the manager above or HR approves)

  app.post(
    '/api/performance/:year/kpis/:kpiCode/entries',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary: "Enter a manual KPI's value (its owner); it counts once approved",
        params: Type.Object({ year: Year, kpiCode: Type.String({ maxLength: 40 }) }),
        body: Type.Object(
          { value: Type.Number(), note: Type.Optional(Type.String({ maxLength: 1000 })) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Type.Integer(), status: Type.String() }), ...Errors },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      const { year, kpiCode } = request.params;
      const kpi = await app.prisma.kpi.findUnique({ where: { year_code: { year, code: kpiCode } } });
      if (!kpi) throw new AppError(ErrorCode.NOT_FOUND, `No KPI ${kpiCode} in ${year}`);
      if (kpi.source !== 'MANUAL')
        throw new AppError(ErrorCode.VALIDATION, `${kpiCode} is measured automatically (${kpi.source})`);
      if (kpi.ownerNo !== staff.employeeNo && !HR_ROLES.includes(staff.role)) {
        throw new AppError(ErrorCode.FORBIDDEN, `Only the KPI owner (${kpi.ownerNo}) may enter its value`);
      }
      await assertYearOpen(year);
      const entry = await app.prisma.kpiManualEntry.create({
        data: {
          kpiCode,
          year,
          value: request.body.value,
          note: request.body.note,
          submittedBy: staff.employeeNo,
        },
      });
      return reply.status(201).send({ id: entry.id, status: entry.status });
    },
  );

  app.post(
    '/api/performance/:year/kpi-entries/:id/decision',
    {
      config: { access: [...KPI_ENTRY_DECIDERS] },
      schema: {
        tags: ['performance'],
        summary: 'Approve or reject a manual KPI value (the manager above the owner, or HR); audited',
        params: Type.Object({ year: Year, id: RowId }),
        body: Type.Object(
          {
            decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
            opinion: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ id: Type.Integer(), status: Type.String() }), ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year, id } = request.params;
      const { decision, opinion } = request.body;
      await assertYearOpen(year);
      const result = await app.prisma.$transaction(async (tx) => {
        const entry = await tx.kpiManualEntry.findFirst({ where: { id, year } });
        if (!entry) throw new AppError(ErrorCode.NOT_FOUND, `No KPI entry ${id}`);
        if (entry.status !== 'PENDING')
          throw new AppError(ErrorCode.WRONG_STAGE, `The entry is already ${entry.status}`);
        const kpi = await tx.kpi.findUniqueOrThrow({
          where: { year_code: { year, code: entry.kpiCode } },
          include: { objective: { include: { unit: { include: { parent: true } } } } },
        });
        if (!permits(staff, Action.KPI_ENTRY_DECIDE, { ownerNos: [entry.submittedBy, kpi.ownerNo] }))
          throw new AppError(
            ErrorCode.FORBIDDEN,
            'Nobody approves their own entry or an entry on a KPI they own',
          );
        const unit = kpi.objective.unit;
        if (!mayDecideKpiEntry(staff, unit)) {
          throw new AppError(
            ErrorCode.FORBIDDEN,
            `Only HR or the head of ${kpiEntryDeciderUnit(unit)} may decide on this entry`,
          );
        }
        const status = decision === 'approve' ? 'APPROVED' : 'REJECTED';
        await tx.kpiManualEntry.update({
          where: { id },
          data: { status, decidedBy: staff.employeeNo, decidedAt: new Date(), opinion },
        });
        if (status === 'APPROVED') {
          const { scoring } = await loadYearConfig(tx, year);
          const standing = kpiStanding(kpiScoringInput({ ...kpi, actual: entry.value }), scoring);
          await tx.kpi.update({ where: { id: kpi.id }, data: { actual: entry.value, ...standing } });
          await tx.kpiMeasurement.create({
            data: { kpiId: kpi.id, at: new Date(), value: entry.value, note: `manual:${entry.id}` },
          });
        }
        await appendAudit(tx, {
          actor: staff.employeeNo,
          action: `performance.kpi-entry.${decision === 'approve' ? 'approved' : 'rejected'}`,
          subject: `kpi:${year}:${entry.kpiCode}`,
          before: { actual: kpi.actual },
          after: {
            actual: status === 'APPROVED' ? entry.value : kpi.actual,
            entryId: entry.id,
            submittedBy: entry.submittedBy,
          },
          reason: opinion,
        });
        return { status, unitCode: unit.code, kpiCode: entry.kpiCode };
      });
      if (result.status === 'APPROVED') await signalKpiChanged(year, result.unitCode, result.kpiCode);
      return { id, status: result.status };
    },
  );

  // ------------------------------------------------------------------------------------------------------
  // Evaluations

  app.put(
    '/api/performance/:year/evaluations/leader/:employeeNo',
    {
      config: { access: ['TEAM_LEADER', 'DIRECTOR', 'HEAD'] },
      schema: {
        tags: ['performance'],
        summary: "The unit head's evaluation of a member's task achievement (0..100)",
        params: Type.Object({ year: Year, employeeNo: EmployeeNo }),
        body: Type.Object(
          {
            score: Type.Number({ minimum: 0, maximum: 100 }),
            comment: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ employeeNo: Type.String(), score: Type.Number() }), ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year, employeeNo } = request.params;
      const subject = await app.prisma.staff.findUnique({ where: { employeeNo }, include: { unit: true } });
      if (!subject) throw new AppError(ErrorCode.NOT_FOUND, `No staff ${employeeNo}`);
      const decision = decide(staff, Action.LEADER_EVALUATE, {
        teamCode: subject.unit.code,
        subjectNo: employeeNo,
      });
      if (!decision.allowed) throw new AppError(ErrorCode.FORBIDDEN, `Only ${decision.who} evaluates them`);
      await assertYearOpen(year);
      const { score, comment } = request.body;
      // The current evaluation is the latest revision; every earlier one stays, and each change is audited.
      await app.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`leader-evaluation:${year}:${employeeNo}`}))`;
        const before = await tx.leaderEvaluation.findUnique({
          where: { year_subjectNo: { year, subjectNo: employeeNo } },
        });
        await tx.leaderEvaluation.upsert({
          where: { year_subjectNo: { year, subjectNo: employeeNo } },
          create: { year, subjectNo: employeeNo, evaluatorNo: staff.employeeNo, score, comment },
          update: { evaluatorNo: staff.employeeNo, score, comment, at: new Date() },
        });
        await tx.leaderEvaluationRevision.create({
          data: {
            year,
            subjectNo: employeeNo,
            evaluatorNo: staff.employeeNo,
            score,
            comment,
            previousScore: before?.score ?? null,
          },
        });
        await appendAudit(tx, {
          actor: staff.employeeNo,
          action: before ? 'performance.evaluation.leader-revised' : 'performance.evaluation.leader-given',
          subject: `evaluation:${year}:${employeeNo}`,
          before: before
            ? { score: before.score, evaluatorNo: before.evaluatorNo, comment: before.comment }
            : null,
          after: { score, evaluatorNo: staff.employeeNo, comment: comment ?? null },
        });
      });
      const outcome: PerformanceOutcome = {
        kind: 'evaluation-submitted',
        outcomeKey: `evaluation:leader:${year}:${employeeNo}:${randomUUID()}`,
        year,
        occurredAt: new Date().toISOString(),
        unitCode: subject.unit.code,
        employeeNo,
        evaluationType: 'leader',
        subjectEmployeeNo: employeeNo,
        score,
      };
      await reporter.reportOutcome(outcome);
      return { employeeNo, score };
    },
  );

  app.post(
    '/api/performance/:year/evaluations/capability',
    {
      config: { access: [...HR_ROLES] },
      schema: {
        tags: ['performance'],
        summary: 'Start the 360° capability evaluation cycle (child workflow): raters, invitations, deadline',
        params: YearParams,
        body: Type.Object(
          { deadline: Type.String({ format: 'date-time' }) },
          { additionalProperties: false },
        ),
        response: { 202: Type.Object({ cycleId: Type.String() }), ...Errors },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      const { year } = request.params;
      await assertYearOpen(year);
      await openCapabilityCycle(app.prisma, {
        year,
        deadline: request.body.deadline,
        startedBy: staff.employeeNo,
      });
      const handle = await ensureYearWorkflow(year);
      const started = await executeSignedUpdate(
        app.config.ACTOR_SIGNING_SECRET,
        handle,
        startCapabilityCycleUpdate,
        {
          actor: actorOf(staff),
          deadline: request.body.deadline,
        },
      );
      return reply
        .status(202)
        .header('location', `/api/performance/${year}/evaluations/capability`)
        .send(started);
    },
  );

  // ------------------------------------------------------------------------------------------------------
  // Year end

  app.get(
    '/api/performance/:year/year-end',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary:
          "The year's stage (open, aggregating, HR review, head approval, finalised) and its decisions",
        params: YearParams,
        response: { 200: YearStatusView, ...Errors },
      },
    },
    async (request) => {
      const { year } = request.params;
      const row = await yearRow(year);
      try {
        const live = await yearHandle(year).query(performanceStatusQuery);
        return {
          year,
          stage: live.stage,
          running: true,
          recordedCount: live.recordedCount,
          runNumber: live.runNumber,
          yearEndAt: live.yearEndAt,
          decisions: live.decisions,
          headOpinion: row?.headOpinion ?? null,
          lights: live.lights,
        };
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError) && !String(error).includes('completed')) {
          request.log.warn({ err: error }, 'performance status query failed');
        }
      }
      if (!row) throw new AppError(ErrorCode.NOT_FOUND, `Nothing recorded for ${year} yet`);
      return {
        year,
        stage: row.stage,
        running: false,
        recordedCount: null,
        runNumber: null,
        yearEndAt: null,
        decisions: [],
        headOpinion: row.headOpinion,
        lights: {},
      };
    },
  );

  app.post(
    '/api/performance/:year/year-end',
    {
      config: { access: [...HR_ROLES] },
      schema: {
        tags: ['performance'],
        summary:
          'HR starts the year end now (otherwise a timer does at 31 Dec 24:00 KST); answers once aggregated',
        params: YearParams,
        body: Type.Object(
          { reason: Type.Optional(Type.String({ maxLength: 1000 })) },
          { additionalProperties: false },
        ),
        response: { 200: YearStatusView, ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year } = request.params;
      await assertYearOpen(year);
      const handle = await ensureYearWorkflow(year);
      const status = await executeSignedUpdate(
        app.config.ACTOR_SIGNING_SECRET,
        handle,
        triggerYearEndUpdate,
        {
          actor: actorOf(staff),
          reason: request.body.reason,
        },
      );
      return {
        year,
        stage: status.stage,
        running: true,
        recordedCount: status.recordedCount,
        runNumber: status.runNumber,
        yearEndAt: status.yearEndAt,
        decisions: status.decisions,
        headOpinion: null,
        lights: status.lights,
      };
    },
  );

  app.post(
    '/api/performance/:year/year-end/adjustments',
    {
      config: { access: [...HR_ROLES] },
      schema: {
        tags: ['performance'],
        summary:
          "HR adjusts a person's final score during review; a reason is required and audited; grades are redone",
        params: YearParams,
        body: Type.Object(
          {
            employeeNo: EmployeeNo,
            finalScore: Type.Number({ minimum: 0, maximum: 120 }),
            reason: Type.String({ minLength: MIN_REASON_LENGTH, maxLength: 2000 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            employeeNo: Type.String(),
            before: Num,
            after: Type.Number(),
            grade: Type.Union([Type.String(), Type.Null()]),
            rank: Type.Union([Type.Integer(), Type.Null()]),
          }),
          ...Errors,
        },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      if (!permits(staff, Action.YEAR_END_ADJUST, { subjectNo: request.body.employeeNo })) {
        throw new AppError(ErrorCode.FORBIDDEN, 'Nobody adjusts their own result');
      }
      return executeSignedUpdate(
        app.config.ACTOR_SIGNING_SECRET,
        yearHandle(request.params.year),
        adjustResultUpdate,
        {
          actor: actorOf(staff),
          ...request.body,
        },
      );
    },
  );

  app.post(
    '/api/performance/:year/year-end/submit',
    {
      config: { access: [...HR_ROLES] },
      schema: {
        tags: ['performance'],
        summary: "HR submits the reviewed results for the head's approval",
        params: YearParams,
        body: Type.Object(
          { note: Type.Optional(Type.String({ maxLength: 2000 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ stage: Type.String() }), ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const status = await executeSignedUpdate(
        app.config.ACTOR_SIGNING_SECRET,
        yearHandle(request.params.year),
        submitYearEndUpdate,
        {
          actor: actorOf(staff),
          note: request.body.note,
        },
      );
      return { stage: status.stage };
    },
  );

  app.post(
    '/api/performance/:year/year-end/decision',
    {
      config: { access: [...HEAD_ROLES] },
      schema: {
        tags: ['performance'],
        summary:
          'The head approves (finalise, notify everyone, lock the year) or rejects with an opinion (back to HR)',
        params: YearParams,
        body: Type.Object(
          {
            decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
            opinion: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ stage: Type.String() }), ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const status = await executeSignedUpdate(
        app.config.ACTOR_SIGNING_SECRET,
        yearHandle(request.params.year),
        decideYearEndUpdate,
        {
          actor: actorOf(staff),
          ...request.body,
        },
      );
      return { stage: status.stage };
    },
  );

  async function resultsOf(year: number, staff: SessionStaff) {
    const row = await yearRow(year);
    const config = await loadYearConfig(app.prisma, year);
    const everyone = isPrivileged(staff);
    const [units, people, adjustments, names] = await Promise.all([
      app.prisma.yearEndUnitResult.findMany({ where: { year }, orderBy: { unitCode: 'asc' } }),
      app.prisma.yearEndPersonResult.findMany({
        where: { year, ...(everyone ? {} : { employeeNo: staff.employeeNo }) },
        orderBy: [{ payGrade: 'asc' }, { rank: 'asc' }, { employeeNo: 'asc' }],
      }),
      app.prisma.yearEndAdjustment.findMany({
        where: { year, ...(everyone ? {} : { employeeNo: staff.employeeNo }) },
        orderBy: { id: 'asc' },
      }),
      app.prisma.staff.findMany({ select: { employeeNo: true, nameKo: true } }),
    ]);
    const nameOf = new Map(names.map((n) => [n.employeeNo, n.nameKo]));
    return {
      year,
      stage: row?.stage ?? YearStage.OPEN,
      finalisedAt: row?.finalisedAt?.toISOString() ?? null,
      config: { scoring: config.scoring, baseAmounts: config.baseAmounts },
      units: units.map((u) => ({
        unitCode: u.unitCode,
        unitKind: u.unitKind,
        score: u.score,
        light: u.light,
        perspectiveScores: u.perspectiveScores,
        measuredKpiShare: u.measuredKpiShare,
        insufficientData: u.insufficientData,
      })),
      people: people.map((p) => ({
        ...p,
        name: nameOf.get(p.employeeNo) ?? p.employeeNo,
        explanation: explainStoredResult(p, adjustments, config),
      })),
      adjustments: adjustments.map((a) => ({
        employeeNo: a.employeeNo,
        before: a.before,
        after: a.after,
        reason: a.reason,
        actor: a.actor,
        at: a.at.toISOString(),
      })),
    };
  }

  app.get(
    '/api/performance/:year/year-end/review',
    {
      config: { access: ['HR', 'ADMIN', 'HEAD'] },
      schema: {
        tags: ['performance'],
        summary: 'The proposed results during HR review and head approval, with "why this grade"',
        params: YearParams,
        response: { 200: ResultsView, ...Errors },
      },
    },
    async (request) => {
      const { year } = request.params;
      const row = await yearRow(year);
      if (!row || row.aggregatedAt === null)
        throw new AppError(ErrorCode.WRONG_STAGE, `The year end of ${year} has not been aggregated yet`);
      return resultsOf(year, requireStaff(request));
    },
  );

  app.get(
    '/api/performance/:year/results',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary: 'Year-end results once finalised (HR, head and admin see everyone; staff their own result)',
        params: YearParams,
        response: { 200: ResultsView, ...Errors },
      },
    },
    async (request) => {
      const { year } = request.params;
      const row = await yearRow(year);
      if (!row || row.triggeredAt === null)
        throw new AppError(ErrorCode.NOT_FOUND, `No year-end results for ${year}`);
      if (row.stage !== YearStage.FINALISED) {
        throw new AppError(
          ErrorCode.WRONG_STAGE,
          `The results of ${year} are not final yet (stage ${row.stage})`,
        );
      }
      return resultsOf(year, requireStaff(request));
    },
  );

  // ------------------------------------------------------------------------------------------------------
  // Innovation activities (혁신관리): propose → review → adopt → implement → score

  const innovationView = (a: {
    id: string;
    year: number;
    unitCode: string;
    proposerNo: string;
    title: string;
    description: string;
    stage: string;
    score: number | null;
    opinions: unknown;
    createdAt: Date;
  }) => ({ ...a, createdAt: a.createdAt.toISOString() });

  app.get(
    '/api/performance/:year/innovations',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary: 'Innovation activities of the year, optionally of one unit',
        params: YearParams,
        querystring: Type.Object({ unitCode: Type.Optional(Type.String({ maxLength: 20 })) }),
        response: { 200: Type.Array(InnovationView), ...Errors },
      },
    },
    async (request) => {
      const rows = await app.prisma.innovationActivity.findMany({
        where: {
          year: request.params.year,
          ...(request.query.unitCode ? { unitCode: request.query.unitCode } : {}),
        },
        orderBy: { createdAt: 'asc' },
      });
      return rows.map(innovationView);
    },
  );

  app.post(
    '/api/performance/:year/innovations',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary: 'Propose an improvement activity or idea for one’s unit',
        params: YearParams,
        body: Type.Object(
          {
            title: Type.String({ minLength: 2, maxLength: 200 }),
            description: Type.String({ minLength: 5, maxLength: 10_000 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: InnovationView, ...Errors },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      const { year } = request.params;
      await assertYearOpen(year);
      const activity = await app.prisma.innovationActivity.create({
        data: {
          id: `INV-${year}-${randomUUID().slice(0, 8)}`,
          year,
          unitCode: staff.unitCode,
          proposerNo: staff.employeeNo,
          title: request.body.title,
          description: request.body.description,
        },
      });
      return reply
        .status(201)
        .header('location', `/api/performance/${year}/innovations/${activity.id}`)
        .send(innovationView(activity));
    },
  );

  app.post(
    '/api/performance/:year/innovations/:id/actions/:action',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary:
          'review / adopt / reject (unit head, director or HR), implement (proposer or unit head), score (HR or unit head)',
        params: Type.Object({
          year: Year,
          id: Type.String({ maxLength: 40 }),
          action: Type.Union(Object.keys(innovationTransitions).map((name) => Type.Literal(name))),
        }),
        body: Type.Object(
          {
            opinion: Type.Optional(Type.String({ maxLength: 2000 })),
            score: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: InnovationView, ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year, id } = request.params;
      const action = request.params.action as InnovationAction;
      const { opinion, score } = request.body;
      await assertYearOpen(year);
      const transition = innovationTransitions[action];
      const updated = await app.prisma.$transaction(async (tx) => {
        const activity = await tx.innovationActivity.findFirst({ where: { id, year } });
        if (!activity) throw new AppError(ErrorCode.NOT_FOUND, `No innovation activity ${id}`);
        if (activity.stage !== transition.from) {
          throw new AppError(ErrorCode.WRONG_STAGE, `Cannot ${action} an activity that is ${activity.stage}`);
        }
        const unit = await tx.orgUnit.findUniqueOrThrow({
          where: { code: activity.unitCode },
          include: { parent: true },
        });
        const isUnitHead =
          staff.unitCode === unit.code && ['TEAM_LEADER', 'DIRECTOR', 'HEAD'].includes(staff.role);
        const scope = {
          teamCode: unit.code,
          headquartersCode: unit.parent?.code ?? unit.code,
          ownerNos: [activity.proposerNo],
        };
        const rule = action === 'score' ? Action.INNOVATION_SCORE : Action.INNOVATION_DECIDE;
        const decision =
          action === 'implement'
            ? {
                allowed: staff.employeeNo === activity.proposerNo || isUnitHead,
                who: 'the proposer or the unit head',
              }
            : decide(staff, rule, scope);
        if (!decision.allowed)
          throw new AppError(ErrorCode.FORBIDDEN, `Only ${decision.who} may ${action} this activity`);
        if (action === 'score' && score === undefined)
          throw new AppError(ErrorCode.VALIDATION, 'score is required');
        if (
          (action === 'reject' || action === 'review') &&
          (opinion ?? '').trim().length < MIN_REASON_LENGTH
        ) {
          throw new AppError(
            ErrorCode.VALIDATION,
            `${action} needs an opinion of at least ${MIN_REASON_LENGTH} characters`,
          );
        }
        const opinions = [
          ...(activity.opinions as Prisma.JsonArray),
          { at: new Date().toISOString(), by: staff.employeeNo, action, opinion: opinion ?? null },
        ] as Prisma.InputJsonArray;
        const next = await tx.innovationActivity.update({
          where: { id },
          data: { stage: transition.to, opinions, ...(action === 'score' ? { score } : {}) },
        });
        await appendAudit(tx, {
          actor: staff.employeeNo,
          action: `innovation.${action}`,
          subject: `innovation:${id}`,
          before: { stage: activity.stage },
          after: { stage: next.stage, score: next.score },
          reason: opinion,
        });
        return next;
      });
      if (updated.stage === InnovationStage.SCORED) {
        await reporter.reportOutcome({
          kind: 'innovation-scored',
          outcomeKey: `innovation:${updated.id}:scored`,
          year,
          occurredAt: new Date().toISOString(),
          unitCode: updated.unitCode,
          employeeNo: updated.proposerNo,
          activityId: updated.id,
          score: updated.score ?? 0,
        });
      }
      return innovationView(updated);
    },
  );
};
