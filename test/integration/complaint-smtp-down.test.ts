import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../embedded/postgres.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../../embedded/smtp-catcher.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';
import { login } from '../support/session.ts';

/**
 * With SMTP down, staff actions still answer at once (issue 13, item 5): the Update handler returns when
 * the state is recorded and the mail goes out on its own, once SMTP is back. The worker's mailer points at
 * a closed port; the stack has a task queue of its own so that no other worker sends its mail.
 */
let stack: Stack;
let smtpPort: number;
let smtp: SmtpCatcher | undefined;
beforeAll(async () => {
  smtpPort = await findFreePort(0);
  stack = await startStack({
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    TEMPORAL_TASK_QUEUE: `smtp-down-${randomUUID()}`,
  });
});
afterAll(async () => {
  await stack?.stop();
  await smtp?.stop();
});

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; millis: number }> {
  const started = performance.now();
  const result = await work();
  return { result, millis: performance.now() - started };
}

describe('staff actions while SMTP is down', () => {
  it('answer accept and draft-answer within a second, and the mail is sent once SMTP is back', async () => {
    const filed = (
      await stack.app.inject({
        method: 'POST',
        url: '/api/complaints',
        payload: {
          categoryCode: 'G-STAFF',
          title: '메일 장애 중 민원',
          body: '메일 서버가 멈춘 동안 접수된 민원입니다.',
          citizen: { name: '한시민', email: 'smtp.down@example.com' },
        },
      })
    ).json();
    const complaint = await waitFor(() =>
      stack.prisma.complaint.findFirst({
        where: { receiptNo: filed.receiptNo, handlerId: { not: null } },
        include: { handler: true },
      }),
    );
    const handler = await login(stack.app, complaint.handler!.employeeNo);
    const act = (action: string, payload: object = {}) =>
      stack.app.inject({
        method: 'POST',
        url: `/api/complaints/${filed.receiptNo}/actions/${action}`,
        headers: handler,
        payload,
      });

    const accepted = await timed(() => act('accept'));
    expect(accepted.result.statusCode).toBe(200);
    expect(accepted.millis).toBeLessThan(1000);
    const drafted = await timed(() =>
      act('draft-answer', { answer: '메일 장애와 무관하게 답변을 작성합니다.' }),
    );
    expect(drafted.result.statusCode).toBe(200);
    expect(drafted.result.json().stage).toBe('in_review');
    expect(drafted.millis).toBeLessThan(1000);

    // The leader's review request waits in the outbox while SMTP is down...
    const pending = await waitFor(() =>
      stack.prisma.emailOutbox.findFirst({
        where: {
          key: { startsWith: `${filed.receiptNo}:`, endsWith: ':review-requested' },
          attempts: { gte: 1 },
        },
      }),
    );
    expect(pending.status).toBe('PENDING');

    // ...and is sent by a retry once SMTP answers again.
    smtp = await startSmtpCatcher({ prisma: stack.prisma, port: smtpPort });
    const sent = await waitFor(
      () => stack.prisma.emailOutbox.findFirst({ where: { key: pending.key, status: 'SENT' } }),
      90_000,
    );
    expect(await stack.prisma.devMail.count({ where: { messageId: sent.messageId } })).toBe(1);
  }, 150_000);
});
