import contentDisposition from 'content-disposition';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ACCEPTED_CONSENT_VERSIONS, CONSENT_VERSION } from '../../domain/citizen-channel.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { AppError, ErrorBody } from '../errors.ts';
import { ComplaintView, loadStoredCitizenView, storedCitizenViewText } from '../complaint-views.ts';
import { hashAccessCode, hashRequest } from '../plugins/complaint-intake.ts';
import { storeUploads, uploadDigest } from '../plugins/attachments.ts';
import { citizenMaySeeAttachment } from '../complaint-views.ts';
import { ReceiptNo } from '../schemas.ts';
import { complaintAccess, sameHash } from './complaint-access.ts';

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

export const complaintRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { notFound, loadComplaint, authoriseReader, toView } = complaintAccess(app);

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
};
