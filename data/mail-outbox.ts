import { createHash, randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../platform/prisma.ts';
import type { Mailer } from '../platform/mailer.ts';
import { ErrorCode } from '../domain/errors.ts';
import type { MessageRef } from '../domain/complaint-messages.ts';
import {
  absoluteLinks,
  citizenMailData,
  renderMail,
  type MailTemplateName,
  type MailTemplates,
  type RenderedMail,
} from '../domain/mail-templates.ts';

export type Recipient =
  | { kind: 'citizen'; receiptNo: string }
  | { kind: 'staff'; employeeNo: string }
  | { kind: 'team-leader'; teamCode: string }
  | { kind: 'director'; headquartersCode: string }
  /** An address given by the citizen (a sign-in link), not yet tied to one complaint. */
  | { kind: 'address'; email: string };

export interface NotificationInput<K extends MailTemplateName = MailTemplateName> {
  /** Business key of this notification; the same key is sent at most once. */
  key: string;
  to: Recipient;
  template: K;
  data: MailTemplates[K];
  /** Stored texts (ComplaintMessage of data.receiptNo) put into the template data under the given field. */
  texts?: MessageRef[];
}

export interface SurveyMailInput {
  key: string;
  receiptNo: string;
  kind: 'invitation' | 'reminder';
  expiresAt: string;
}

export const hashSurveyToken = (token: string) => createHash('sha256').update(token).digest('hex');

export type DeliverMail = (
  key: string,
  compose: () => Promise<{ to: string; mail: RenderedMail }>,
) => Promise<{ status: 'sent' | 'already-sent' }>;

/** The one outbox every mail goes through; other activity factories (task customers) compose their own texts. */
export function createOutbox(deps: { prisma: Db; mailer: Mailer; from: string }): DeliverMail {
  const { prisma, mailer, from } = deps;
  /**
   * Exactly-once delivery under activity retries: the outbox row keyed by the business key is written
   * first (with the rendered text), and a row already marked SENT is never sent again.
   */
  async function deliver(key: string, compose: () => Promise<{ to: string; mail: RenderedMail }>) {
    let row = await prisma.emailOutbox.findUnique({ where: { key } });
    if (row?.status === 'SENT') return { status: 'already-sent' as const };
    if (!row) {
      const { to, mail } = await compose();
      row = await prisma.emailOutbox.upsert({
        where: { key },
        create: { key, to, subject: mail.subject, text: mail.text },
        update: {},
      });
    }
    const messageId = `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@portal.local>`;
    try {
      await mailer.sendMail({ from, to: row.to, subject: row.subject, text: row.text, messageId });
    } catch (error) {
      await prisma.emailOutbox.update({
        where: { key },
        data: { attempts: { increment: 1 }, lastError: String(error).slice(0, 500) },
      });
      throw error;
    }
    await prisma.emailOutbox.update({
      where: { key },
      data: { status: 'SENT', sentAt: new Date(), attempts: { increment: 1 }, messageId },
    });
    return { status: 'sent' as const };
  }

  return deliver;
}

export function createMailActivities(deps: { prisma: Db; mailer: Mailer; from: string; publicUrl: string }) {
  const { prisma, mailer, from, publicUrl } = deps;

  async function resolveAddress(to: Recipient): Promise<string> {
    const missing = (what: string) =>
      ApplicationFailure.nonRetryable(`No recipient: ${what}`, ErrorCode.NOT_FOUND);
    switch (to.kind) {
      case 'staff': {
        const staff = await prisma.staff.findUnique({ where: { employeeNo: to.employeeNo } });
        if (!staff) throw missing(`staff ${to.employeeNo}`);
        return staff.email;
      }
      case 'team-leader': {
        const leader = await prisma.staff.findFirst({
          where: { role: 'TEAM_LEADER', unit: { code: to.teamCode } },
        });
        if (!leader) throw missing(`leader of ${to.teamCode}`);
        return leader.email;
      }
      case 'director': {
        const director = await prisma.staff.findFirst({
          where: { role: 'DIRECTOR', unit: { code: to.headquartersCode } },
        });
        if (!director) throw missing(`director of ${to.headquartersCode}`);
        return director.email;
      }
      case 'address':
        return to.email;
      case 'citizen': {
        const complaint = await prisma.complaint.findUnique({ where: { receiptNo: to.receiptNo } });
        if (!complaint) throw missing(`complaint ${to.receiptNo}`);
        return complaint.citizenEmail;
      }
    }
  }

  async function withComplaintTitle<T extends object>(data: T): Promise<T> {
    if (!('receiptNo' in data) || typeof data.receiptNo !== 'string') return data;
    const complaint = await prisma.complaint.findUnique({
      where: { receiptNo: data.receiptNo },
      select: { title: true },
    });
    return { ...data, title: complaint?.title };
  }

  async function withTexts<T extends object>(data: T, texts: MessageRef[] = []): Promise<T> {
    if (texts.length === 0 || !('receiptNo' in data) || typeof data.receiptNo !== 'string') return data;
    const rows = await prisma.complaintMessage.findMany({
      where: { receiptNo: data.receiptNo, id: { in: texts.map((text) => BigInt(text.messageId)) } },
      select: { id: true, body: true },
    });
    const bodies = new Map(rows.map((row) => [row.id.toString(), row.body]));
    return {
      ...data,
      ...Object.fromEntries(texts.map((text) => [text.field, bodies.get(text.messageId) ?? ''])),
    };
  }

  /**
   * A repeated complaint's mail cites the earlier answer; it is read here (never from workflow data) and
   * only when the earlier complaint is the same citizen's.
   */
  async function withEarlierAnswer<T extends object>(data: T): Promise<T> {
    if (!('earlierReceiptNo' in data) || typeof data.earlierReceiptNo !== 'string') return data;
    if (!('receiptNo' in data) || typeof data.receiptNo !== 'string') return data;
    const [current, earlier] = await Promise.all([
      prisma.complaint.findUnique({ where: { receiptNo: data.receiptNo }, select: { citizenEmail: true } }),
      prisma.complaint.findUnique({
        where: { receiptNo: data.earlierReceiptNo },
        select: { citizenEmail: true, answer: true, answeredAt: true },
      }),
    ]);
    if (!current || !earlier || current.citizenEmail.toLowerCase() !== earlier.citizenEmail.toLowerCase())
      return data;
    return {
      ...data,
      earlierAnswer: earlier.answer ?? undefined,
      earlierAnsweredAt: earlier.answeredAt?.toISOString(),
    };
  }

  const deliver = createOutbox({ prisma, mailer, from });

  async function sendNotification(input: NotificationInput): Promise<{ status: 'sent' | 'already-sent' }> {
    return deliver(input.key, async () => {
      const data = absoluteLinks(
        await withEarlierAnswer(await withTexts(await withComplaintTitle(input.data), input.texts)),
        publicUrl,
      );
      const shown = input.to.kind === 'citizen' ? citizenMailData(input.template, data) : data;
      return { to: await resolveAddress(input.to), mail: renderMail(input.template, shown as never) };
    });
  }

  /**
   * The survey link carries a fresh random token; only its hash is stored. The token is created inside
   * the outbox step, so it never enters workflow history, and a retry re-sends the same stored text.
   */
  async function sendSurveyMail(input: SurveyMailInput): Promise<{ status: 'sent' | 'already-sent' }> {
    return deliver(input.key, async () => {
      const token = randomBytes(24).toString('base64url');
      await prisma.surveyToken.create({
        data: {
          tokenHash: hashSurveyToken(token),
          receiptNo: input.receiptNo,
          expiresAt: new Date(input.expiresAt),
        },
      });
      const complaint = await prisma.complaint.findUniqueOrThrow({ where: { receiptNo: input.receiptNo } });
      const data = {
        receiptNo: input.receiptNo,
        title: complaint.title,
        dueAt: complaint.dueAt.toISOString(),
        surveyUrl: `${publicUrl}/survey/${input.receiptNo}?token=${token}`,
        expiresAt: input.expiresAt,
      };
      return {
        to: complaint.citizenEmail,
        mail:
          input.kind === 'invitation'
            ? renderMail('complaint-answered', data)
            : renderMail('complaint-survey-reminder', data),
      };
    });
  }

  return { sendNotification, sendSurveyMail };
}

export type MailActivities = ReturnType<typeof createMailActivities>;
