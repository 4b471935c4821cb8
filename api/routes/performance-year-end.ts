import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { WorkflowNotFoundError } from '@temporalio/client';
import { YearStatusView } from '../../contracts/performance.ts';
import { ErrorCode } from '../../domain/errors.ts';
import {
  HEAD_ROLES,
  HR_ROLES,
  MIN_REASON_LENGTH,
  adjustResultUpdate,
  decideYearEndUpdate,
  performanceStatusQuery,
  submitYearEndUpdate,
  triggerYearEndUpdate,
} from '../../domain/performance.ts';
import { Action, permits } from '../../domain/policy.ts';
import { AppError } from '../errors.ts';
import { requireStaff } from '../plugins/auth.ts';
import { EmployeeNo } from '../schemas.ts';
import { executeSignedUpdate } from '../signed-update.ts';
import { performanceYearContext } from './performance-context.ts';
import { Errors, Num, YearParams, actorOf } from './performance-shared.ts';

/** The year end: its stage, HR's trigger, adjustments and submission, and the head's decision. */

export const performanceYearEndRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { yearHandle, yearRow, assertYearOpen, ensureYearWorkflow } = performanceYearContext(app);

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
};
