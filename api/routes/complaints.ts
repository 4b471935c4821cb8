import { timingSafeEqual } from 'node:crypto';
import contentDisposition from 'content-disposition';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Actor } from '../../domain/complaint.ts';
import { ACCEPTED_CONSENT_VERSIONS, CONSENT_VERSION } from '../../domain/citizen-channel.ts';
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
import { hashSurveyToken } from '../../data/mail-outbox.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { Action, permits } from '../../domain/policy.ts';
import { AppError, ErrorBody } from '../errors.ts';
import {
  ComplaintView,
  complaintViewFor,
  loadComplaintForView,
  loadRepeatOf,
  loadStoredCitizenView,
  storedCitizenViewText,
} from '../complaint-views.ts';
import type { SessionStaff } from '../plugins/auth.ts';
import { applyComplaintAction } from '../complaint-actions.ts';
import { hashAccessCode, hashRequest } from '../plugins/complaint-intake.ts';
import { citizenSessionEmail, normaliseEmail } from '../plugins/citizen-session.ts';
import { storeUploads, uploadDigest } from '../plugins/attachments.ts';
import { citizenMaySeeAttachment } from '../complaint-views.ts';
import { ReceiptNo } from '../schemas.ts';

const FileComplaintBody = Type.Object(
  {
    categoryCode: Type.String({ minLength: 1, maxLength: 40 }),
    title: Type.String({ minLength: 2, maxLength: 200 }),
    body: Type.String({ minLength: 5, maxLength: 20_000 }),
    citizen: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 100 }),
        email: Type.String({ format: 'email', maxLength: 254 }),
        phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9][0-9 -]{6,18}[0-9]$', maxLength: 20 })),
      },
      { additionalProperties: false },
    ),
    location: Type.Optional(
      Type.Object(
        {
          address: Type.Optional(Type.String({ minLength: 2, maxLength: 300 })),
          latitude: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
          longitude: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Consent to the collection and use of personal data, for the version of the text shown. */
    consent: Type.Optional(
      Type.Object(
        { version: Type.String({ minLength: 1, maxLength: 40 }), agreed: Type.Boolean() },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const Filed = Type.Object({
  receiptNo: Type.String(),
  accessCode: Type.String(),
  stage: Type.String(),
  dueAt: Type.String({ format: 'date-time' }),
});

const IdempotencyHeader = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 128 })),
});

/** The actions whose text may carry files (multipart): the draft answer and the citizen's added information. */
const withFiles = (action: ComplaintActionName) => 'files' in complaintActionCatalogue[action];

const reasonOf = (body: unknown) => {
  const record = body as Record<string, unknown>;
  const text = record.reason ?? record.opinion;
  return typeof text === 'string' && text.length > 0 ? text : undefined;
};

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Staff who may read a complaint: the policy's complaint.read (team, handler, director, head, admin). */
function staffMayRead(
  staff: SessionStaff,
  complaint: { teamCode: string; hqCode: string | null; handlerNo: string | null },
) {
  return permits(staff, Action.COMPLAINT_READ, {
    teamCode: complaint.teamCode,
    headquartersCode: complaint.hqCode,
    assigneeNo: complaint.handlerNo,
  });
}

export const complaintRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const notFound = () =>
    new AppError(ErrorCode.NOT_FOUND, 'No complaint matches that receipt number and access code');

  app.post(
    '/api/complaints',
    {
      config: { access: 'public', attachments: true },
      schema: {
        tags: ['complaints'],
        summary:
          'File a complaint (민원 접수). Starts its workflow; honours Idempotency-Key. JSON, or multipart/form-data ' +
          'with this body as the `payload` field and up to 10 `files` of 10 MB each.',
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 128 })),
        }),
        body: FileComplaintBody,
        response: { 202: Filed, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (request, reply) => {
      const { body } = request;
      if (body.consent && !body.consent.agreed) {
        throw new AppError(
          ErrorCode.VALIDATION,
          'consent: the collection and use of personal data (개인정보 수집·이용) was not agreed; a complaint cannot be filed without it',
          [{ path: '/consent/agreed', message: 'must be true to file a complaint' }],
        );
      }
      if (body.consent && !ACCEPTED_CONSENT_VERSIONS.includes(body.consent.version)) {
        throw new AppError(
          ErrorCode.VALIDATION,
          `consent: unknown consent text version ${body.consent.version}; the current one is ${CONSENT_VERSION}`,
          [{ path: '/consent/version', message: `must be ${CONSENT_VERSION}` }],
        );
      }
      const { location } = body;
      if (location && (location.latitude === undefined) !== (location.longitude === undefined)) {
        throw new AppError(ErrorCode.VALIDATION, 'location: give latitude and longitude together', [
          { path: '/location', message: 'must have both latitude and longitude, or neither' },
        ]);
      }
      const attachments = await storeUploads(app.fileStore, request.uploads);
      const filed = await app.fileComplaint({
        categoryCode: body.categoryCode,
        title: body.title,
        body: body.body,
        citizen: body.citizen,
        location: body.location,
        consentVersion: body.consent?.version,
        attachments,
        idempotencyKey: request.headers['idempotency-key'],
        requestHash: hashRequest(attachments.length > 0 ? { body, files: uploadDigest(request) } : body),
      });
      return reply.header('location', `/api/complaints/${filed.receiptNo}`).status(202).send(filed);
    },
  );

  app.get(
    '/api/complaints/:receiptNo',
    {
      config: { access: 'public' },
      schema: {
        tags: ['complaints'],
        summary:
          'A complaint as its citizen (X-Access-Code) or authorised staff see it: stage, handler, timeline',
        params: Type.Object({ receiptNo: ReceiptNo }),
        headers: Type.Object({ 'x-access-code': Type.Optional(Type.String({ maxLength: 64 })) }),
        response: { 200: ComplaintView, 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      // The citizen's hot path: one primary-key lookup answers from the view kept as sent, if current.
      const accessCode = request.headers['x-access-code'];
      if (typeof accessCode === 'string' && accessCode.length > 0) {
        const stored = await loadStoredCitizenView(app.prisma, request.params.receiptNo);
        if (!stored || !sameHash(stored.accessCodeHash, hashAccessCode(accessCode))) throw notFound();
        if (stored.doc !== null) {
          const text = await storedCitizenViewText(app.prisma, { ...stored, doc: stored.doc });
          // JSON text made from this schema's view: fastify sends a string with a JSON type as it is.
          return reply.type('application/json; charset=utf-8').send(text as never);
        }
      }
      const complaint = await loadComplaint(request.params.receiptNo);
      const viewer = await authoriseReader(request, request.params.receiptNo, {}, complaint);
      if (!complaint) throw notFound();
      return toView(complaint, viewer);
    },
  );

  for (const variant of ['file', 'thumbnail'] as const) {
    app.get(
      `/api/complaints/:receiptNo/attachments/:attachmentId${variant === 'thumbnail' ? '/thumbnail' : ''}`,
      {
        config: { access: 'public' },
        schema: {
          tags: ['complaints'],
          summary:
            variant === 'file'
              ? 'Download an attachment, authorised like the complaint; the citizen only files they can see'
              : "An image attachment's thumbnail (PNG), authorised like the attachment",
          params: Type.Object({ receiptNo: ReceiptNo, attachmentId: Type.String({ format: 'uuid' }) }),
          headers: Type.Object({ 'x-access-code': Type.Optional(Type.String({ maxLength: 64 })) }),
          response: {
            200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'the file bytes' }),
            401: ErrorBody,
            404: ErrorBody,
          },
        },
      },
      async (request, reply) => {
        const { receiptNo, attachmentId } = request.params;
        const viewer = await authoriseReader(request, receiptNo);
        const attachment = await app.prisma.complaintAttachment.findFirst({
          where: { id: attachmentId, receiptNo },
          include: { message: { select: { visibility: true, kind: true, redactedAt: true } } },
        });
        const missing = new AppError(ErrorCode.NOT_FOUND, 'No such attachment on this complaint');
        // A file the citizen may not see is answered as missing: its existence is internal too.
        if (!attachment || (viewer.kind !== 'staff' && !citizenMaySeeAttachment(attachment.message))) {
          throw missing;
        }
        const sha256 = variant === 'file' ? attachment.sha256 : attachment.thumbnailSha256;
        const bytes = sha256 ? await app.fileStore.get(sha256) : null;
        if (!bytes) throw missing;
        return reply
          .header('content-type', variant === 'file' ? attachment.contentType : 'image/png')
          .header(
            'content-disposition',
            contentDisposition(attachment.fileName, { type: variant === 'file' ? 'attachment' : 'inline' }),
          )
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'private, no-store')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .send(bytes);
      },
    );
  }

  /** The complaint with everything its view needs, in one statement (api/complaint-views.ts). */
  const loadComplaint = (receiptNo: string) => loadComplaintForView(app.prisma, receiptNo);
  type LoadedComplaint = NonNullable<Awaited<ReturnType<typeof loadComplaint>>>;

  /** Citizen (access code or survey token) or staff in scope; anything else looks like a missing complaint. */
  async function authoriseReader(
    request: FastifyRequest,
    receiptNo: string,
    options: { surveyToken?: string; staffAllowed?: boolean } = {},
    loaded?: Pick<LoadedComplaint, 'accessCodeHash' | 'citizenEmail' | 'team' | 'handler'> | null,
  ): Promise<Actor> {
    const complaint =
      loaded !== undefined
        ? loaded
        : await app.prisma.complaint.findUnique({
            where: { receiptNo },
            include: { team: { include: { parent: true } }, handler: true },
          });
    const accessCode = request.headers['x-access-code'];
    if (typeof accessCode === 'string' && accessCode.length > 0) {
      if (!complaint || !sameHash(complaint.accessCodeHash, hashAccessCode(accessCode))) throw notFound();
      return { kind: 'citizen' };
    }
    if (options.surveyToken) {
      const token = await app.prisma.surveyToken.findUnique({
        where: { tokenHash: hashSurveyToken(options.surveyToken) },
      });
      if (!complaint || !token || token.receiptNo !== receiptNo || token.expiresAt < new Date()) {
        throw new AppError(ErrorCode.NOT_FOUND, 'This survey link is not valid or has expired');
      }
      return { kind: 'citizen' };
    }
    // Signed in by a mailed link: the complaints filed with that address (issue 18).
    const linkedEmail = await citizenSessionEmail(app.prisma, request);
    if (linkedEmail && complaint && normaliseEmail(complaint.citizenEmail) === linkedEmail) {
      return { kind: 'citizen' };
    }
    const staff = request.staff;
    if (staff && options.staffAllowed !== false) {
      if (
        !complaint ||
        !staffMayRead(staff, {
          teamCode: complaint.team.code,
          hqCode: complaint.team.parent?.code ?? null,
          handlerNo: complaint.handler?.employeeNo ?? null,
        })
      ) {
        throw notFound();
      }
      return {
        kind: 'staff',
        employeeNo: staff.employeeNo,
        role: staff.role,
        unitCode: staff.unitCode,
        headquartersCode: staff.headquartersCode,
      };
    }
    throw new AppError(ErrorCode.UNAUTHENTICATED, 'Give the access code (X-Access-Code) or sign in as staff');
  }

  async function loadComplaintView(receiptNo: string, viewer: Actor) {
    const complaint = await loadComplaint(receiptNo);
    if (!complaint) throw notFound();
    return toView(complaint, viewer);
  }

  /** Built in api/complaint-views.ts: the whole case for staff in scope, an allow-listed view for the citizen. */
  async function toView(complaint: LoadedComplaint, viewer: Actor) {
    return complaintViewFor(app.prisma, complaint, viewer, await loadRepeatOf(app.prisma, complaint));
  }

  /**
   * §23 (민원 처리에 관한 법률): a complaint may be closed as a repeat only of the same citizen's earlier
   * complaint that was already answered. The workflow cannot read the database, so the API checks this.
   */
  async function checkEarlierAnswered(receiptNo: string, earlierReceiptNo: string) {
    const refuse = (message: string, rule: string) =>
      new AppError(ErrorCode.VALIDATION, `earlierReceiptNo: ${message}`, [
        { path: '/earlierReceiptNo', message, rule },
      ]);
    if (earlierReceiptNo === receiptNo) throw refuse('must be another complaint', 'earlier-same');
    const [current, earlier] = await Promise.all([
      app.prisma.complaint.findUniqueOrThrow({ where: { receiptNo } }),
      app.prisma.complaint.findUnique({ where: { receiptNo: earlierReceiptNo } }),
    ]);
    if (!earlier || normaliseEmail(earlier.citizenEmail) !== normaliseEmail(current.citizenEmail)) {
      throw refuse('must be an earlier complaint of the same citizen', 'earlier-not-same-citizen');
    }
    if (earlier.receivedAt >= current.receivedAt)
      throw refuse('must have been filed before this one', 'earlier-not-before');
    if (!earlier.answeredAt || !earlier.answer)
      throw refuse('must already have been answered', 'earlier-not-answered');
  }

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
