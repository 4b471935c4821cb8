import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorCode } from '../../domain/errors.ts';
import { appendAudit } from '../../platform/audit.ts';
import { AppError } from '../errors.ts';
import { requireStaff } from '../plugins/auth.ts';
import { Errors, StaffNo, Year, assertMayEditStrategyMap } from './performance-shared.ts';
import {
  Code,
  Names,
  Nullable,
  ObjectiveView,
  Perspective,
  Reason,
  UnitCode,
  Weight,
  editors,
  objectiveFacts,
  objectiveInclude,
  objectiveView,
  strategyMapEditContext,
} from './strategy-map-shared.ts';

/** A unit's strategic objectives: adding, changing and removing them (see strategy-map-shared.ts). */

export const strategyMapObjectiveRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const {
    unitOr404,
    assertYearEditable,
    ownerProblems,
    parentProblems,
    loadObjective,
    createOnce,
    changeOnce,
  } = strategyMapEditContext(app);

  const ObjectiveParams = Type.Object({ year: Year, unitCode: UnitCode });
  const OneObjectiveParams = Type.Object({ year: Year, unitCode: UnitCode, code: Code });

  app.post(
    '/api/performance/:year/strategy-maps/:unitCode/objectives',
    {
      config: { access: [...editors] },
      schema: {
        tags: ['performance'],
        summary:
          "Add a strategic objective to a unit's map (HR, admin, the head, or the unit's leader or director); audited. A replay of the same definition answers 200.",
        params: ObjectiveParams,
        body: Type.Object(
          {
            code: Code,
            perspective: Perspective,
            name: Names,
            weight: Weight,
            ownerNo: Type.Optional(Nullable(StaffNo)),
            parentCode: Type.Optional(Nullable(Code)),
            reason: Type.Optional(Reason),
          },
          { additionalProperties: false },
        ),
        response: { 200: ObjectiveView, 201: ObjectiveView, ...Errors },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      const { year, unitCode } = request.params;
      const body = request.body;
      const unit = await unitOr404(unitCode);
      assertMayEditStrategyMap(staff, unit);
      const wanted = {
        unitId: unit.id,
        perspective: body.perspective,
        nameKo: body.name.ko,
        nameEn: body.name.en,
        weight: body.weight,
        ownerNo: body.ownerNo ?? null,
        parentCode: body.parentCode ?? null,
      };
      const outcome = await createOnce(year, body.code, {
        noun: 'an objective',
        wanted,
        load: (tx) => loadObjective(tx, year, body.code),
        facts: objectiveFacts,
        placeOf: (existing) => `in ${existing.unit.code}`,
        problems: async (tx) => [
          ...(await ownerProblems(tx, unit, wanted.ownerNo)),
          ...(await parentProblems(tx, year, unit, wanted.parentCode)),
        ],
        create: (tx) =>
          tx.strategicObjective.create({
            data: { year, code: body.code, ...wanted },
            include: objectiveInclude,
          }),
        audit: (created) => ({
          actor: staff.employeeNo,
          action: 'performance.objective.created',
          subject: `objective:${year}:${body.code}`,
          before: null,
          after: { code: body.code, unitCode, ...objectiveFacts(created) },
          reason: body.reason,
        }),
      });
      return reply
        .status(outcome.created ? 201 : 200)
        .header('location', `/api/performance/${year}/strategy-maps/${unitCode}/objectives/${body.code}`)
        .send(objectiveView(outcome.row));
    },
  );

  app.put(
    '/api/performance/:year/strategy-maps/:unitCode/objectives/:code',
    {
      config: { access: [...editors] },
      schema: {
        tags: ['performance'],
        summary:
          'Change a strategic objective (fields left out keep their value); a reason is required; audited with before and after',
        params: OneObjectiveParams,
        body: Type.Object(
          {
            perspective: Type.Optional(Perspective),
            name: Type.Optional(Names),
            weight: Type.Optional(Weight),
            ownerNo: Type.Optional(Nullable(StaffNo)),
            parentCode: Type.Optional(Nullable(Code)),
            reason: Reason,
          },
          { additionalProperties: false },
        ),
        response: { 200: ObjectiveView, ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year, unitCode, code } = request.params;
      const body = request.body;
      const unit = await unitOr404(unitCode);
      assertMayEditStrategyMap(staff, unit);
      const result = await app.prisma.$transaction(async (tx) => {
        await assertYearEditable(tx, year);
        const before = await loadObjective(tx, year, code);
        if (!before || before.unitId !== unit.id)
          throw new AppError(ErrorCode.NOT_FOUND, `No objective ${code} in ${unitCode} for ${year}`);
        const wanted = {
          ...objectiveFacts(before),
          ...(body.perspective !== undefined ? { perspective: body.perspective } : {}),
          ...(body.name !== undefined ? { nameKo: body.name.ko, nameEn: body.name.en } : {}),
          ...(body.weight !== undefined ? { weight: body.weight } : {}),
          ...(body.ownerNo !== undefined ? { ownerNo: body.ownerNo } : {}),
          ...(body.parentCode !== undefined ? { parentCode: body.parentCode } : {}),
        };
        return changeOnce(tx, before, {
          facts: objectiveFacts,
          wanted,
          problems: async () => [
            ...(wanted.ownerNo !== before.ownerNo ? await ownerProblems(tx, unit, wanted.ownerNo) : []),
            ...(wanted.parentCode !== before.parentCode
              ? await parentProblems(tx, year, unit, wanted.parentCode)
              : []),
          ],
          update: (data) =>
            tx.strategicObjective.update({ where: { id: before.id }, data, include: objectiveInclude }),
          audit: (after) => ({
            actor: staff.employeeNo,
            action: 'performance.objective.updated',
            subject: `objective:${year}:${code}`,
            before: objectiveFacts(before),
            after: objectiveFacts(after),
            reason: body.reason,
          }),
        });
      });
      return objectiveView(result.row);
    },
  );

  app.delete(
    '/api/performance/:year/strategy-maps/:unitCode/objectives/:code',
    {
      config: { access: [...editors] },
      schema: {
        tags: ['performance'],
        summary:
          'Remove a strategic objective that has no KPIs and no objectives cascading from it; a reason is required; audited',
        params: OneObjectiveParams,
        querystring: Type.Object({ reason: Reason }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...Errors },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      const { year, unitCode, code } = request.params;
      const unit = await unitOr404(unitCode);
      assertMayEditStrategyMap(staff, unit);
      await app.prisma.$transaction(async (tx) => {
        await assertYearEditable(tx, year);
        const before = await loadObjective(tx, year, code);
        if (!before || before.unitId !== unit.id)
          throw new AppError(ErrorCode.NOT_FOUND, `No objective ${code} in ${unitCode} for ${year}`);
        if (before.kpis.length > 0) {
          throw new AppError(
            ErrorCode.CONFLICT,
            `Objective ${code} still has KPIs (${before.kpis.map((k) => k.code).join(', ')}); remove them first`,
          );
        }
        const children = await tx.strategicObjective.findMany({
          where: { year, parentCode: code },
          select: { code: true },
          orderBy: { code: 'asc' },
        });
        if (children.length > 0) {
          throw new AppError(
            ErrorCode.CONFLICT,
            `Objectives cascade from ${code} (${children.map((c) => c.code).join(', ')}); move or remove them first`,
          );
        }
        await tx.strategicObjective.delete({ where: { id: before.id } });
        await appendAudit(tx, {
          actor: staff.employeeNo,
          action: 'performance.objective.deleted',
          subject: `objective:${year}:${code}`,
          before: { code, unitCode, ...objectiveFacts(before) },
          after: null,
          reason: request.query.reason,
        });
      });
      return reply.status(204).send(null);
    },
  );
};
