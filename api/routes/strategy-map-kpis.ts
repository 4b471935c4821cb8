import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Kpi } from '@prisma/client';
import { kpiScoringInput, loadYearConfig } from '../../data/year-config.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { kpiStanding } from '../../domain/scoring.ts';
import { appendAudit } from '../../platform/audit.ts';
import { AppError } from '../errors.ts';
import { requireStaff } from '../plugins/auth.ts';
import { Errors, Year, assertMayEditStrategyMap } from './performance-shared.ts';
import {
  Code,
  KpiFields,
  KpiView,
  Reason,
  Source,
  Thresholds,
  editors,
  kpiFacts,
  kpiInclude,
  kpiView,
  strategyMapEditContext,
  type StrategyMapRouteOptions,
} from './strategy-map-shared.ts';

/** A strategic objective's KPIs: adding, changing and removing them (see strategy-map-shared.ts). */

export const strategyMapKpiRoutes: FastifyPluginAsyncTypebox<StrategyMapRouteOptions> = async (
  app,
  { signalKpiChanged },
) => {
  const { editableKpi, assertYearEditable, kpiProblems, loadKpi, createOnce, changeOnce } =
    strategyMapEditContext(app);

  app.post(
    '/api/performance/:year/objectives/:objectiveCode/kpis',
    {
      config: { access: [...editors] },
      schema: {
        tags: ['performance'],
        summary:
          "Add a KPI to a strategic objective (whoever may edit the objective's unit); audited. A replay of the same definition answers 200.",
        params: Type.Object({ year: Year, objectiveCode: Code }),
        body: Type.Object(
          {
            code: Code,
            ...KpiFields,
            thresholds: Type.Optional(Thresholds),
            ownerNo: Type.Optional(KpiFields.ownerNo),
            source: Source,
            reason: Type.Optional(Reason),
          },
          { additionalProperties: false },
        ),
        response: { 200: KpiView, 201: KpiView, ...Errors },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      const { year, objectiveCode } = request.params;
      const body = request.body;
      const objective = await app.prisma.strategicObjective.findUnique({
        where: { year_code: { year, code: objectiveCode } },
        include: { unit: { include: { parent: true } } },
      });
      if (!objective) throw new AppError(ErrorCode.NOT_FOUND, `No objective ${objectiveCode} in ${year}`);
      assertMayEditStrategyMap(staff, objective.unit);
      const { scoring } = await loadYearConfig(app.prisma, year);
      const wanted = {
        objectiveId: objective.id,
        nameKo: body.name.ko,
        nameEn: body.name.en,
        unitLabel: body.unitLabel,
        direction: body.direction,
        target: body.target,
        greenAt: body.thresholds?.green ?? null,
        yellowAt: body.thresholds?.yellow ?? null,
        weight: body.weight,
        source: body.source,
        ownerNo: body.ownerNo ?? null,
      };
      const outcome = await createOnce(year, body.code, {
        noun: 'a KPI',
        wanted,
        load: (tx) => loadKpi(tx, year, body.code),
        facts: kpiFacts,
        placeOf: (existing) => `under ${existing.objective.code}`,
        problems: (tx) => kpiProblems(tx, wanted, scoring, objective.unit),
        create: (tx) => tx.kpi.create({ data: { year, code: body.code, ...wanted }, include: kpiInclude }),
        audit: (created) => ({
          actor: staff.employeeNo,
          action: 'performance.kpi.created',
          subject: `kpi:${year}:${body.code}`,
          before: null,
          after: { code: body.code, objectiveCode, ...kpiFacts(created) },
          reason: body.reason,
        }),
      });
      // An automatic KPI gets its value from the outcomes already recorded.
      if (outcome.created) await signalKpiChanged(year, objective.unit.code, body.code);
      return reply
        .status(outcome.created ? 201 : 200)
        .header('location', `/api/performance/${year}/kpis/${body.code}`)
        .send(kpiView(outcome.row));
    },
  );

  app.put(
    '/api/performance/:year/kpis/:kpiCode',
    {
      config: { access: [...editors] },
      schema: {
        tags: ['performance'],
        summary:
          "Change a KPI's definition (fields left out keep their value; the source is fixed); its light is recomputed from its current value; a reason is required; audited",
        params: Type.Object({ year: Year, kpiCode: Code }),
        body: Type.Object(
          {
            name: Type.Optional(KpiFields.name),
            unitLabel: Type.Optional(KpiFields.unitLabel),
            direction: Type.Optional(KpiFields.direction),
            target: Type.Optional(KpiFields.target),
            thresholds: Type.Optional(KpiFields.thresholds),
            weight: Type.Optional(KpiFields.weight),
            ownerNo: Type.Optional(KpiFields.ownerNo),
            reason: Reason,
          },
          { additionalProperties: false },
        ),
        response: { 200: KpiView, ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year, kpiCode } = request.params;
      const body = request.body;
      await editableKpi(staff, year, kpiCode);
      const { scoring } = await loadYearConfig(app.prisma, year);
      const result = await app.prisma.$transaction(async (tx) => {
        await assertYearEditable(tx, year);
        const before = await loadKpi(tx, year, kpiCode);
        if (!before) throw new AppError(ErrorCode.NOT_FOUND, `No KPI ${kpiCode} in ${year}`);
        const wanted = {
          ...kpiFacts(before),
          ...(body.name !== undefined ? { nameKo: body.name.ko, nameEn: body.name.en } : {}),
          ...(body.unitLabel !== undefined ? { unitLabel: body.unitLabel } : {}),
          ...(body.direction !== undefined ? { direction: body.direction } : {}),
          ...(body.target !== undefined ? { target: body.target } : {}),
          ...(body.thresholds?.green !== undefined ? { greenAt: body.thresholds.green } : {}),
          ...(body.thresholds?.yellow !== undefined ? { yellowAt: body.thresholds.yellow } : {}),
          ...(body.weight !== undefined ? { weight: body.weight } : {}),
          ...(body.ownerNo !== undefined ? { ownerNo: body.ownerNo } : {}),
        };
        const standingOf = (row: Kpi) => ({ achievement: row.achievement, light: row.light });
        return changeOnce(tx, before, {
          facts: kpiFacts,
          wanted,
          problems: () =>
            kpiProblems(
              tx,
              wanted,
              scoring,
              wanted.ownerNo !== before.ownerNo ? before.objective.unit : undefined,
            ),
          update: (data) => {
            const standing = kpiStanding(kpiScoringInput({ ...data, actual: before.actual }), scoring);
            return tx.kpi.update({
              where: { id: before.id },
              data: { ...data, ...standing },
              include: kpiInclude,
            });
          },
          audit: (after) => ({
            actor: staff.employeeNo,
            action: 'performance.kpi.updated',
            subject: `kpi:${year}:${kpiCode}`,
            before: { ...kpiFacts(before), ...standingOf(before) },
            after: { ...kpiFacts(after), ...standingOf(after) },
            reason: body.reason,
          }),
        });
      });
      if (result.changed) await signalKpiChanged(year, result.row.objective.unit.code, kpiCode);
      return kpiView(result.row);
    },
  );

  app.delete(
    '/api/performance/:year/kpis/:kpiCode',
    {
      config: { access: [...editors] },
      schema: {
        tags: ['performance'],
        summary:
          'Remove a KPI with its measurements and manual entries; a reason is required; audited with what was removed',
        params: Type.Object({ year: Year, kpiCode: Code }),
        querystring: Type.Object({ reason: Reason }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...Errors },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      const { year, kpiCode } = request.params;
      await editableKpi(staff, year, kpiCode);
      await app.prisma.$transaction(async (tx) => {
        await assertYearEditable(tx, year);
        const before = await loadKpi(tx, year, kpiCode);
        if (!before) throw new AppError(ErrorCode.NOT_FOUND, `No KPI ${kpiCode} in ${year}`);
        const measurements = await tx.kpiMeasurement.deleteMany({ where: { kpiId: before.id } });
        const entries = await tx.kpiManualEntry.deleteMany({ where: { year, kpiCode } });
        await tx.kpi.delete({ where: { id: before.id } });
        await appendAudit(tx, {
          actor: staff.employeeNo,
          action: 'performance.kpi.deleted',
          subject: `kpi:${year}:${kpiCode}`,
          before: {
            code: kpiCode,
            objectiveCode: before.objective.code,
            ...kpiFacts(before),
            actual: before.actual,
            light: before.light,
            measurements: measurements.count,
            manualEntries: entries.count,
          },
          after: null,
          reason: request.query.reason,
        });
      });
      return reply.status(204).send(null);
    },
  );
};
