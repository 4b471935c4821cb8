import { createHash, randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createMailActivities, hashSurveyToken } from '../../data/mail-outbox.ts';
import { signInLinkRules } from '../../domain/citizen-channel.ts';
import { ComplaintStage, complaintRules } from '../../domain/complaint.ts';
import { reopenUpdate } from '../../domain/complaint-messages.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { createMailer } from '../../platform/mailer.ts';
import { AppError, ErrorBody } from '../errors.ts';
import { hashToken, newSessionToken } from '../plugins/auth.ts';
import { applyComplaintAction } from '../complaint-actions.ts';
import { CITIZEN_SESSION_COOKIE, citizenSessionEmail, normaliseEmail } from '../plugins/citizen-session.ts';
import { similarStatement, similarView, type SimilarRow } from '../complaint-search.ts';
import { ReceiptNo } from '../schemas.ts';

const SurveyToken = Type.String({ minLength: 10, maxLength: 100 });

const ComplaintSummary = Type.Object({
  receiptNo: Type.String(),
  title: Type.String(),
  stage: Type.String(),
  category: Type.Object({ code: Type.String(), name: Type.String(), nameEn: Type.String() }),
  team: Type.Object({ name: Type.String(), nameEn: Type.String() }),
  receivedAt: Type.String({ format: 'date-time' }),
  dueAt: Type.String({ format: 'date-time' }),
  answeredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const SurveyView = Type.Object({
  receiptNo: Type.String(),
  title: Type.String(),
  stage: Type.String(),
  team: Type.Object({ name: Type.String(), nameEn: Type.String() }),
  answer: Type.Union([Type.String(), Type.Null()]),
  answeredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  satisfaction: Type.Union([
    Type.Object({ score: Type.Integer(), comment: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  /** The answer awaits its rating. */
  canRate: Type.Boolean(),
  /** Rated 1-2 and still awaiting the citizen's decision: a reopen request is possible. */
  canReopen: Type.Boolean(),
  expiresAt: Type.String({ format: 'date-time' }),
});

const hashEmail = (email: string) => createHash('sha256').update(email).digest('hex').slice(0, 16);

/**
 * The citizen's own ways in besides the access code: a one-time sign-in link mailed to the address on
 * their complaints (My Space lists them all), and the survey link, which shows the answer being rated and
 * carries the reopen request after a low score.
 */
export const citizenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const mailer = createMailer(app.config.SMTP_URL);
  app.addHook('onClose', async () => mailer.close());
  const publicUrl = app.config.PUBLIC_URL.replace(/\/$/, '');
  const mail = createMailActivities({ prisma: app.prisma, mailer, from: app.config.MAIL_FROM, publicUrl });

  const complaintsOf = (email: string) =>
    app.prisma.complaint.findMany({
      where: { citizenEmail: { equals: email, mode: 'insensitive' }, anonymisedAt: null },
      include: { category: true, team: true },
      orderBy: { receivedAt: 'desc' },
      take: 200,
    });

  app.post(
    '/api/citizen/sign-in-link',
    {
      config: { access: 'public' },
      schema: {
        tags: ['citizen'],
        summary:
          'Mail a one-time sign-in link to My Space to this address; the answer is the same whether or not the address is known',
        body: Type.Object(
          { email: Type.String({ format: 'email', maxLength: 254 }) },
          { additionalProperties: false },
        ),
        response: { 202: Type.Object({ status: Type.Literal('accepted') }), 422: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const email = normaliseEmail(request.body.email);
      const hourAgo = new Date(Date.now() - 3600_000);
      // Addresses are personal data: spent links go once they no longer count toward the hourly limit.
      await app.prisma.citizenSignInLink.deleteMany({
        where: { createdAt: { lt: new Date(Date.now() - 86_400_000) } },
      });
      const [complaints, recentLinks] = await Promise.all([
        app.prisma.complaint.count({
          where: { citizenEmail: { equals: email, mode: 'insensitive' }, anonymisedAt: null },
        }),
        app.prisma.citizenSignInLink.count({ where: { email, createdAt: { gte: hourAgo } } }),
      ]);
      // Unknown addresses and addresses over their hourly allowance get the same answer, and no mail.
      if (complaints > 0 && recentLinks < signInLinkRules.maxPerAddressPerHour) {
        const token = randomBytes(32).toString('base64url');
        const tokenHash = hashToken(token);
        const expiresAt = new Date(Date.now() + signInLinkRules.validMinutes * 60_000);
        await app.prisma.citizenSignInLink.create({ data: { tokenHash, email, expiresAt } });
        // Not awaited: the answer takes as long for a known address as for an unknown one.
        mail
          .sendNotification({
            key: `citizen-sign-in:${tokenHash}`,
            to: { kind: 'address', email },
            template: 'citizen-sign-in-link',
            data: {
              signInUrl: `${publicUrl}/my-space?token=${token}`,
              expiresAt: expiresAt.toISOString(),
              complaints,
            },
          })
          .catch((error: unknown) => request.log.error({ err: error }, 'sign-in link mail failed'));
      }
      return reply.status(202).send({ status: 'accepted' as const });
    },
  );

  app.post(
    '/api/citizen/session',
    {
      config: { access: 'public' },
      schema: {
        tags: ['citizen'],
        summary: 'Open a citizen session from a sign-in link (single use); sets the citizen_session cookie',
        body: Type.Object(
          { token: Type.String({ minLength: 20, maxLength: 100 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ email: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }),
          410: ErrorBody,
          422: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const now = new Date();
      // One statement marks the link used, so two clicks racing cannot both sign in.
      const [link] = await app.prisma.$queryRaw<Array<{ email: string }>>`
        UPDATE "CitizenSignInLink" SET "usedAt" = ${now}
        WHERE "tokenHash" = ${hashToken(request.body.token)} AND "usedAt" IS NULL AND "expiresAt" > ${now}
        RETURNING email`;
      if (!link) {
        throw new AppError(ErrorCode.LINK_EXPIRED, 'This sign-in link was already used or has expired');
      }
      await app.prisma.citizenSession.deleteMany({ where: { expiresAt: { lt: now } } });
      const sessionToken = newSessionToken();
      const expiresAt = new Date(now.getTime() + signInLinkRules.sessionHours * 3600_000);
      await app.prisma.citizenSession.create({
        data: { id: hashToken(sessionToken), email: link.email, expiresAt },
      });
      await recordAudit(app.prisma, {
        actor: 'citizen',
        action: 'citizen.signed-in-by-link',
        // The address itself is personal data and the log cannot be anonymised later: only a digest.
        subject: `citizen:${hashEmail(link.email)}`,
      });
      void reply.setCookie(CITIZEN_SESSION_COOKIE, sessionToken, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: app.config.COOKIE_SECURE,
        expires: expiresAt,
      });
      return { email: link.email, expiresAt: expiresAt.toISOString() };
    },
  );

  app.get(
    '/api/citizen/session',
    {
      config: { access: 'public' },
      schema: {
        tags: ['citizen'],
        summary: "The citizen session's address, or null when not signed in by link",
        response: { 200: Type.Object({ email: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (request) => ({ email: (await citizenSessionEmail(app.prisma, request)) ?? null }),
  );

  app.delete(
    '/api/citizen/session',
    {
      config: { access: 'public' },
      schema: {
        tags: ['citizen'],
        summary: 'Sign out of the citizen session',
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const token = request.cookies[CITIZEN_SESSION_COOKIE];
      if (token) await app.prisma.citizenSession.deleteMany({ where: { id: hashToken(token) } });
      void reply.clearCookie(CITIZEN_SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/citizen/complaints',
    {
      config: { access: 'public' },
      schema: {
        tags: ['citizen'],
        summary: 'All complaints filed with the address of the citizen session, newest first',
        response: { 200: Type.Array(ComplaintSummary), 403: ErrorBody },
      },
    },
    async (request) => {
      const email = await citizenSessionEmail(app.prisma, request);
      // 403, not 401: staff sign-in does not help here, only the link from the mail does.
      if (!email) throw new AppError(ErrorCode.FORBIDDEN, 'Open the sign-in link from your mail first');
      return (await complaintsOf(email)).map((c) => ({
        receiptNo: c.receiptNo,
        title: c.title,
        stage: c.stage,
        category: { code: c.category.code, name: c.category.nameKo, nameEn: c.category.nameEn },
        team: { name: c.team.nameKo, nameEn: c.team.nameEn },
        receivedAt: c.receivedAt.toISOString(),
        dueAt: c.dueAt.toISOString(),
        answeredAt: c.answeredAt?.toISOString() ?? null,
      }));
    },
  );

  app.post(
    '/api/citizen/similar',
    {
      config: { access: 'public' },
      schema: {
        tags: ['citizen'],
        summary:
          "While filing: the signed-in citizen's own open or recent complaints similar to the text being typed (§23 repeats); never another citizen's. Without a citizen session the list is empty.",
        body: Type.Object(
          {
            categoryCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
            title: Type.String({ maxLength: 200 }),
            body: Type.String({ maxLength: 20_000 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            signedIn: Type.Boolean(),
            similar: Type.Array(
              Type.Object({
                receiptNo: Type.String(),
                title: Type.String(),
                stage: Type.String(),
                receivedAt: Type.String({ format: 'date-time' }),
                answeredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
                similarity: Type.Number(),
              }),
            ),
          }),
          422: ErrorBody,
        },
      },
    },
    async (request) => {
      // Only the mailed link proves whose address it is: an e-mail typed into the form proves nothing.
      const email = await citizenSessionEmail(app.prisma, request);
      const text = `${request.body.title} ${request.body.body}`.trim();
      if (!email || text.length < 2) return { signedIn: Boolean(email), similar: [] };
      const rows = await app.prisma.$queryRaw<SimilarRow[]>(
        similarStatement({
          text,
          categoryCode: request.body.categoryCode ?? null,
          citizenEmail: email,
          ownOnly: true,
          now: new Date(),
          limit: 5,
        }),
      );
      return {
        signedIn: true,
        similar: rows.map(similarView),
      };
    },
  );

  /** The complaint behind a survey token, or 410 when the link is unknown or has expired. */
  async function surveyView(receiptNo: string, token: string) {
    const found = await app.prisma.surveyToken.findUnique({ where: { tokenHash: hashSurveyToken(token) } });
    if (!found || found.receiptNo !== receiptNo || found.expiresAt < new Date()) {
      throw new AppError(ErrorCode.LINK_EXPIRED, 'This survey link is not valid or has expired');
    }
    const complaint = await app.prisma.complaint.findUniqueOrThrow({
      where: { receiptNo },
      include: { team: true },
    });
    const awaiting = complaint.stage === ComplaintStage.AWAITING_RATING;
    return {
      receiptNo,
      title: complaint.title,
      stage: complaint.stage,
      team: { name: complaint.team.nameKo, nameEn: complaint.team.nameEn },
      answer: complaint.answer,
      answeredAt: complaint.answeredAt?.toISOString() ?? null,
      satisfaction:
        complaint.satisfaction === null
          ? null
          : { score: complaint.satisfaction, comment: complaint.satisfactionComment },
      canRate: awaiting && complaint.satisfaction === null,
      canReopen:
        awaiting &&
        complaint.satisfaction !== null &&
        complaint.satisfaction <= complaintRules.dissatisfiedAtOrBelow,
      expiresAt: found.expiresAt.toISOString(),
    };
  }

  app.get(
    '/api/complaints/:receiptNo/survey',
    {
      config: { access: 'public' },
      schema: {
        tags: ['complaints'],
        summary: 'What the survey link rates: the answer, the rating so far, whether a reopen can be asked',
        params: Type.Object({ receiptNo: ReceiptNo }),
        querystring: Type.Object({ token: SurveyToken }),
        response: { 200: SurveyView, 410: ErrorBody, 422: ErrorBody },
      },
    },
    async (request) => surveyView(request.params.receiptNo, request.query.token),
  );

  app.post(
    '/api/complaints/:receiptNo/survey/reopen',
    {
      config: { access: 'public' },
      schema: {
        tags: ['complaints'],
        summary: 'Ask to reopen after a low rating (1-2), authorised by the survey link token',
        params: Type.Object({ receiptNo: ReceiptNo }),
        querystring: Type.Object({ token: SurveyToken }),
        body: Type.Object(
          { reason: Type.String({ minLength: 2, maxLength: 2000 }) },
          { additionalProperties: false },
        ),
        response: { 200: SurveyView, 409: ErrorBody, 410: ErrorBody, 422: ErrorBody },
      },
    },
    async (request) => {
      const { receiptNo } = request.params;
      await surveyView(receiptNo, request.query.token);
      // The reason is stored as a ComplaintMessage; the Update carries only its id (issue 13, item 6).
      await applyComplaintAction(app, request, {
        receiptNo,
        action: 'reopen',
        update: reopenUpdate,
        actor: { kind: 'citizen' },
        author: { kind: 'citizen', name: 'citizen' },
      });
      return surveyView(receiptNo, request.query.token);
    },
  );
};
