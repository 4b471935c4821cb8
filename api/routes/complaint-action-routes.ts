import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  citizenActionUpdates,
  rateUpdate,
  staffActionUpdates,
  type ComplaintUpdate,
} from '../../domain/complaint-messages.ts';
import {
  citizenActions,
  complaintActionCatalogue,
  staffActions,
  type ComplaintActionName,
} from '../../contracts/complaint-actions.ts';
import { complaintActionBody } from '../complaint-action-bodies.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { AppError, ErrorBody } from '../errors.ts';
import { ComplaintView } from '../complaint-views.ts';
import { applyComplaintAction } from '../complaint-actions.ts';
import { storeUploads } from '../plugins/attachments.ts';
import { IdempotencyHeader, ReceiptNo } from '../schemas.ts';
import { complaintAccess } from './complaint-access.ts';

/** The actions whose text may carry files (multipart): the draft answer and the citizen's added information. */
const withFiles = (action: ComplaintActionName) => 'files' in complaintActionCatalogue[action];

const reasonOf = (body: unknown) => {
  const record = body as Record<string, unknown>;
  const text = record.reason ?? record.opinion;
  return typeof text === 'string' && text.length > 0 ? text : undefined;
};

/** Every action of the complaint action catalogue: staff at /actions/:action, the citizen at /citizen/:action, the rating. */
export const complaintActionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { loadComplaint, authoriseReader, loadComplaintView, checkEarlierAnswered } = complaintAccess(app);

  for (const action of staffActions) {
    app.post(
      `/api/complaints/:receiptNo/actions/${action}`,
      {
        config: { access: 'staff', attachments: withFiles(action) },
        schema: {
          tags: ['complaints'],
          summary: `Staff action '${action}' on a complaint (a workflow Update with a validator)`,
          params: Type.Object({ receiptNo: ReceiptNo }),
          headers: IdempotencyHeader,
          body: complaintActionBody(action),
          response: {
            200: ComplaintView,
            401: ErrorBody,
            403: ErrorBody,
            404: ErrorBody,
            409: ErrorBody,
            422: ErrorBody,
          },
        },
      },
      async (request) => {
        // One read serves the scope check and the staff check.
        const before = await loadComplaint(request.params.receiptNo);
        const actor = await authoriseReader(
          request,
          request.params.receiptNo,
          { staffAllowed: true },
          before,
        );
        if (actor.kind !== 'staff' || !before)
          throw new AppError(ErrorCode.FORBIDDEN, 'Staff actions need a staff session');
        const earlierReceiptNo =
          action === 'close-as-repeated'
            ? (request.body as { earlierReceiptNo: string }).earlierReceiptNo
            : undefined;
        if (earlierReceiptNo) await checkEarlierAnswered(request.params.receiptNo, earlierReceiptNo);
        await applyComplaintAction(app, request, {
          receiptNo: request.params.receiptNo,
          action,
          update: staffActionUpdates[action],
          actor,
          author: { kind: 'staff', name: actor.employeeNo ?? 'staff', id: request.staff?.id },
          attachments: await storeUploads(app.fileStore, request.uploads),
        });
        if (earlierReceiptNo && request.staff) {
          // The case file's links show the repeat next to the similar-complaint suggestions.
          await app.prisma.complaintLink.createMany({
            data: [
              {
                receiptNo: request.params.receiptNo,
                relatedReceiptNo: earlierReceiptNo,
                kind: 'repeated',
                reason: reasonOf(request.body) ?? '',
                createdById: request.staff.id,
              },
            ],
            skipDuplicates: true,
          });
        }
        // The Update's audit row was written with its first event, in the same transaction (activities/complaint.ts).
        const view = await loadComplaintView(request.params.receiptNo, actor);
        return view;
      },
    );
  }

  for (const action of citizenActions) {
    app.post(
      `/api/complaints/:receiptNo/citizen/${action}`,
      {
        config: { access: 'public', attachments: withFiles(action) },
        schema: {
          tags: ['complaints'],
          summary: `Citizen action '${action}' with the access code (X-Access-Code) or the session of a mailed sign-in link`,
          params: Type.Object({ receiptNo: ReceiptNo }),
          headers: Type.Object({
            'x-access-code': Type.Optional(Type.String({ maxLength: 64 })),
            ...IdempotencyHeader.properties,
          }),
          body: complaintActionBody(action),
          response: { 200: ComplaintView, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
        },
      },
      async (request) => {
        const actor = await authoriseReader(request, request.params.receiptNo, { staffAllowed: false });
        await applyComplaintAction(app, request, {
          receiptNo: request.params.receiptNo,
          action,
          update: citizenActionUpdates[action],
          actor,
          author: { kind: 'citizen', name: 'citizen' },
          attachments: await storeUploads(app.fileStore, request.uploads),
        });
        return loadComplaintView(request.params.receiptNo, actor);
      },
    );
  }

  app.post(
    '/api/complaints/:receiptNo/rating',
    {
      config: { access: 'public' },
      schema: {
        tags: ['complaints'],
        summary: 'Rate the answer (1-5) with the access code or the survey link token; no sign-in needed',
        params: Type.Object({ receiptNo: ReceiptNo }),
        querystring: Type.Object({ token: Type.Optional(Type.String({ minLength: 10, maxLength: 100 })) }),
        headers: Type.Object({
          'x-access-code': Type.Optional(Type.String({ maxLength: 64 })),
          'x-survey-token': Type.Optional(Type.String({ maxLength: 100 })),
          ...IdempotencyHeader.properties,
        }),
        body: complaintActionBody('rating'),
        response: { 200: ComplaintView, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (request) => {
      const surveyToken = request.query.token ?? request.headers['x-survey-token'];
      const actor = await authoriseReader(request, request.params.receiptNo, {
        surveyToken,
        staffAllowed: false,
      });
      await applyComplaintAction(app, request, {
        receiptNo: request.params.receiptNo,
        action: 'rating',
        update: rateUpdate as unknown as ComplaintUpdate,
        actor,
        author: { kind: 'citizen', name: 'citizen' },
      });
      return loadComplaintView(request.params.receiptNo, actor);
    },
  );
};
