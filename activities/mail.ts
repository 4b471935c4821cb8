import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../platform/prisma.ts';
import type { Mailer } from '../platform/mailer.ts';
import { ErrorCode } from '../domain/errors.ts';
import { renderMail, type MailTemplateName, type MailTemplates } from '../domain/mail-templates.ts';

export type Recipient = { kind: 'citizen'; receiptNo: string } | { kind: 'staff'; employeeNo: string };

export interface NotificationInput<K extends MailTemplateName = MailTemplateName> {
  /** Business key of this notification; the same key is sent at most once. */
  key: string;
  to: Recipient;
  template: K;
  data: MailTemplates[K];
}

export function createMailActivities(deps: { prisma: Db; mailer: Mailer; from: string }) {
  const { prisma, mailer, from } = deps;

  async function resolveAddress(to: Recipient): Promise<string> {
    if (to.kind === 'staff') {
      const staff = await prisma.staff.findUnique({ where: { employeeNo: to.employeeNo } });
      if (!staff) throw ApplicationFailure.nonRetryable(`Unknown staff ${to.employeeNo}`, ErrorCode.NOT_FOUND);
      return staff.email;
    }
    const complaint = await prisma.complaint.findUnique({ where: { receiptNo: to.receiptNo } });
    if (!complaint) throw ApplicationFailure.nonRetryable(`Unknown complaint ${to.receiptNo}`, ErrorCode.NOT_FOUND);
    return complaint.citizenEmail;
  }

  async function withComplaintTitle<T extends { receiptNo?: string }>(data: T): Promise<T> {
    if (!data.receiptNo) return data;
    const complaint = await prisma.complaint.findUnique({
      where: { receiptNo: data.receiptNo },
      select: { title: true },
    });
    return { ...data, title: complaint?.title };
  }

  /**
   * Exactly-once delivery under activity retries: the outbox row keyed by the business key is written
   * first, and a row already marked SENT is never sent again.
   */
  async function sendNotification(input: NotificationInput): Promise<{ status: 'sent' | 'already-sent' }> {
    const existing = await prisma.emailOutbox.findUnique({ where: { key: input.key } });
    if (existing?.status === 'SENT') return { status: 'already-sent' };
    const row =
      existing ??
      (await (async () => {
        const to = await resolveAddress(input.to);
        const mail = renderMail(input.template, (await withComplaintTitle(input.data)) as never);
        return prisma.emailOutbox.upsert({
          where: { key: input.key },
          create: { key: input.key, to, subject: mail.subject, text: mail.text },
          update: {},
        });
      })());
    const messageId = `<${encodeURIComponent(input.key)}@portal.local>`;
    try {
      await mailer.sendMail({ from, to: row.to, subject: row.subject, text: row.text, messageId });
    } catch (error) {
      await prisma.emailOutbox.update({
        where: { key: input.key },
        data: { attempts: { increment: 1 }, lastError: String(error).slice(0, 500) },
      });
      throw error;
    }
    await prisma.emailOutbox.update({
      where: { key: input.key },
      data: { status: 'SENT', sentAt: new Date(), attempts: { increment: 1 }, messageId },
    });
    return { status: 'sent' };
  }

  return { sendNotification };
}

export type MailActivities = ReturnType<typeof createMailActivities>;
