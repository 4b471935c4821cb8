import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { kpiScoringInput, loadYearConfig } from '../../data/year-config.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { HR_ROLES } from '../../domain/performance.ts';
import { Action, permits } from '../../domain/policy.ts';
import { kpiStanding } from '../../domain/scoring.ts';
import { appendAudit } from '../../platform/audit.ts';
import { AppError } from '../errors.ts';
import { requireStaff } from '../plugins/auth.ts';
import { RowId } from '../schemas.ts';
import { performanceYearContext } from './performance-context.ts';
import {
  Errors,
  KPI_ENTRY_DECIDERS,
  Year,
  kpiEntryDeciderUnit,
  mayDecideKpiEntry,
} from './performance-shared.ts';

/** KPI manual entry: the owner submits a value, the manager above or HR approves it. */

export const performanceKpiEntryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { assertYearOpen, signalKpiChanged } = performanceYearContext(app);

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
};
