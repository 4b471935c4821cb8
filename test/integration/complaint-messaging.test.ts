import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { createRetentionActivities } from '../../activities/retention.ts';
import { acceptUpdate, withdrawUpdate } from '../../domain/complaint-messages.ts';
import { signActorClaim } from '../../platform/actor-claims.ts';
import { ANONYMISED_TEXT } from '../../domain/retention.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';
import { login as signIn } from '../support/session.ts';

/**
 * Complaint Updates handled by the book (issue 13, items 5 and 6): concurrent Updates take turns, a retried
 * action with the same Idempotency-Key is applied once, and free text lives in PostgreSQL (ComplaintMessage)
 * where retention reaches it, never in workflow history.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const login = (employeeNo: string) => signIn(stack.app, employeeNo);

async function fileAndWaitForHandler(citizenEmail = `messaging.${randomUUID()}@example.com`) {
  const filed = (
    await stack.app.inject({
      method: 'POST',
      url: '/api/complaints',
      payload: {
        categoryCode: 'G-STAFF',
        title: '민원실 응대 개선 요청',
        body: '민원실 직원의 응대가 불친절했습니다. 개선을 요청합니다.',
        citizen: { name: '박시민', email: citizenEmail },
      },
    })
  ).json();
  const view = await waitFor(async () => {
    const body = (
      await stack.app.inject({
        method: 'GET',
        url: `/api/complaints/${filed.receiptNo}`,
        headers: { 'x-access-code': filed.accessCode },
      })
    ).json();
    return body.handler ? body : undefined;
  });
  const leader = await stack.prisma.staff.findFirstOrThrow({
    where: { role: 'TEAM_LEADER', unit: { code: view.team.code } },
  });
  return {
    receiptNo: filed.receiptNo as string,
    accessCode: filed.accessCode as string,
    handler: view.handler.employeeNo as string,
    leader: leader.employeeNo,
  };
}

const act = (receiptNo: string, action: string, headers: Record<string, string>, payload: object = {}) =>
  stack.app.inject({
    method: 'POST',
    url: `/api/complaints/${receiptNo}/actions/${action}`,
    headers,
    payload,
  });

const asCitizen = (
  complaint: { receiptNo: string; accessCode: string },
  action: string,
  payload: object,
  headers: Record<string, string> = {},
) =>
  stack.app.inject({
    method: 'POST',
    url: `/api/complaints/${complaint.receiptNo}/citizen/${action}`,
    headers: { 'x-access-code': complaint.accessCode, ...headers },
    payload,
  });

const eventsOf = (receiptNo: string, type: string) =>
  stack.prisma.complaintEvent.count({ where: { receiptNo, type } });
const auditRows = (receiptNo: string, action: string) =>
  stack.prisma.auditLog.count({ where: { subject: `complaint:${receiptNo}`, action } });

/** The assigned handler as the API names them in an Update. */
const handlerActor = (employeeNo: string) => ({
  kind: 'staff' as const,
  employeeNo,
  role: 'STAFF' as const,
  unitCode: 'T11',
  headquartersCode: 'HQ1',
});

/** The workflow's whole history with every payload decoded to text, as anyone reading Temporal would see it. */
async function historyText(receiptNo: string): Promise<string> {
  const history = await stack.temporal.workflow.getHandle(receiptNo).fetchHistory();
  // Payload bytes come out as base64: decode each one to the JSON text it carries.
  return JSON.stringify(history).replace(/"data":"([A-Za-z0-9+/=]*)"/g, (_match, base64: string) =>
    JSON.stringify({ data: Buffer.from(base64, 'base64').toString('utf8') }),
  );
}

describe('complaint Updates by the book', () => {
  it('sends one mail for each of two concurrent add-info Updates, under distinct keys', async () => {
    const complaint = await fileAndWaitForHandler();
    const handler = await login(complaint.handler);
    expect((await act(complaint.receiptNo, 'accept', handler)).statusCode).toBe(200);

    const [first, second] = await Promise.all([
      asCitizen(complaint, 'add-info', { text: '첫 번째 보완 자료입니다.' }),
      asCitizen(complaint, 'add-info', { text: '두 번째 보완 자료입니다.' }),
    ]);
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(await eventsOf(complaint.receiptNo, 'info-added')).toBe(2);

    const sent = await waitFor(async () => {
      const rows = await stack.prisma.emailOutbox.findMany({
        where: { key: { startsWith: `${complaint.receiptNo}:`, endsWith: ':info-added' }, status: 'SENT' },
      });
      return rows.length >= 2 ? rows : undefined;
    });
    expect(new Set(sent.map((row) => row.key)).size).toBe(2);
    // Each mail carries the words of its own Update (read from ComplaintMessage by the mail activity).
    expect(
      await stack.prisma.devMail.count({ where: { messageId: { in: sent.map((r) => r.messageId!) } } }),
    ).toBe(2);
  });

  it('applies a staff action retried with the same Idempotency-Key once: one event, one audit row, one text', async () => {
    const complaint = await fileAndWaitForHandler();
    const handler = await login(complaint.handler);
    const acceptKey = { ...handler, 'idempotency-key': `accept-${randomUUID()}` };
    const [once, again] = await Promise.all([
      act(complaint.receiptNo, 'accept', acceptKey),
      act(complaint.receiptNo, 'accept', acceptKey),
    ]);
    const third = await act(complaint.receiptNo, 'accept', acceptKey);
    expect([once.statusCode, again.statusCode, third.statusCode]).toEqual([200, 200, 200]);
    expect(third.json().stage).toBe('in_progress');
    expect(await eventsOf(complaint.receiptNo, 'accepted')).toBe(1);
    expect(await auditRows(complaint.receiptNo, 'complaint.accept')).toBe(1);

    const draftKey = { ...handler, 'idempotency-key': `draft-${randomUUID()}` };
    const draft = { answer: '응대 매뉴얼을 개정하고 교육을 실시하였습니다.' };
    expect((await act(complaint.receiptNo, 'draft-answer', draftKey, draft)).statusCode).toBe(200);
    const retried = await act(complaint.receiptNo, 'draft-answer', draftKey, draft);
    expect(retried.statusCode).toBe(200);
    expect(retried.json().stage).toBe('in_review');
    expect(await eventsOf(complaint.receiptNo, 'answer-drafted')).toBe(1);
    expect(await auditRows(complaint.receiptNo, 'complaint.draft-answer')).toBe(1);
    expect(
      await stack.prisma.complaintMessage.count({
        where: { receiptNo: complaint.receiptNo, kind: 'draft-answer' },
      }),
    ).toBe(1);

    const reused = await act(complaint.receiptNo, 'draft-answer', draftKey, {
      answer: '다른 내용의 답변입니다.',
    });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error.message).toContain('Idempotency-Key');
  });

  it('keeps every free text out of workflow history, shows it where people need it, and lets retention remove it', async () => {
    const complaint = await fileAndWaitForHandler();
    const handler = await login(complaint.handler);
    const leader = await login(complaint.leader);
    const marker = (what: string) => `MARK-${what}-${randomUUID().slice(0, 8)}`;
    const texts = {
      question: marker('QUESTION'),
      info: `${marker('INFO')} 주민등록번호 900101-1234567`,
      consultation: marker('CONSULT'),
      reply: marker('REPLY'),
      extension: marker('EXTEND'),
      draft: marker('DRAFT'),
      opinion: marker('OPINION'),
      answer: marker('ANSWER'),
      comment: marker('COMMENT'),
    };
    const ok = async (response: Promise<{ statusCode: number; body: string }>) => {
      const answered = await response;
      expect(answered.statusCode, answered.body).toBe(200);
    };
    await ok(act(complaint.receiptNo, 'accept', handler));
    await ok(
      act(complaint.receiptNo, 'request-info', handler, { question: texts.question, deadlineDays: 5 }),
    );
    await ok(asCitizen(complaint, 'add-info', { text: texts.info }));
    await ok(asCitizen(complaint, 'request-consultation', { message: texts.consultation }));
    await ok(act(complaint.receiptNo, 'answer-consultation', handler, { reply: texts.reply }));
    await ok(act(complaint.receiptNo, 'request-extension', handler, { reason: texts.extension, days: 3 }));
    await ok(act(complaint.receiptNo, 'draft-answer', handler, { answer: texts.draft }));
    await ok(act(complaint.receiptNo, 'review', leader, { decision: 'return', opinion: texts.opinion }));
    await ok(act(complaint.receiptNo, 'draft-answer', handler, { answer: texts.answer }));
    await ok(act(complaint.receiptNo, 'review', leader, { decision: 'approve' }));
    const rated = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${complaint.receiptNo}/rating`,
      headers: { 'x-access-code': complaint.accessCode },
      payload: { score: 5, comment: texts.comment },
    });
    expect(rated.statusCode).toBe(200);
    await stack.temporal.workflow.getHandle(complaint.receiptNo).result();

    const history = await historyText(complaint.receiptNo);
    // The decoded history is readable (so the check below could see a text if one were there)...
    expect(history).toContain(complaint.receiptNo);
    expect(history).toContain('messageId');
    // ...and holds none of the texts.
    for (const text of Object.values(texts)) expect(history).not.toContain(text.slice(0, 20));
    expect(history).not.toContain('900101-1234567');

    // The texts live in PostgreSQL and reach the people who need them.
    const view = (
      await stack.app.inject({
        method: 'GET',
        url: `/api/complaints/${complaint.receiptNo}`,
        headers: { 'x-access-code': complaint.accessCode },
      })
    ).json();
    expect(view.answer).toBe(texts.answer);
    expect(view.satisfaction.comment).toBe(texts.comment);
    expect(JSON.stringify(view.timeline)).toContain(texts.info);
    const mails = await stack.prisma.emailOutbox.findMany({
      where: { key: { startsWith: `${complaint.receiptNo}:` } },
    });
    expect(mails.some((mail) => mail.text.includes(texts.question))).toBe(true);
    expect(mails.some((mail) => mail.text.includes(texts.extension))).toBe(true);
    expect(mails.some((mail) => mail.text.includes(texts.opinion))).toBe(true);
    const kinds = (
      await stack.prisma.complaintMessage.findMany({ where: { receiptNo: complaint.receiptNo } })
    ).map((message) => `${message.kind}:${message.visibility}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'citizen-info:PUBLIC',
        'consultation-request:PUBLIC',
        'draft-answer:INTERNAL',
        'review-opinion:INTERNAL',
        'extension-reason:PUBLIC',
        'answer:PUBLIC',
        'rating-comment:PUBLIC',
      ]),
    );

    // Retention reaches the stored texts: closed long ago, anonymised now (only this complaint is that old).
    await stack.prisma.complaint.update({
      where: { receiptNo: complaint.receiptNo },
      data: { closedAt: new Date('1990-01-02T00:00:00Z') },
    });
    const retention = createRetentionActivities({
      prisma: stack.prisma,
      fileStore: stack.app.fileStore,
    });
    const run = await retention.anonymiseClosedComplaints({
      cutoff: '1990-12-31T00:00:00Z',
      batchSize: 10,
      requestedBy: 'test',
    });
    expect(run.anonymised).toEqual([complaint.receiptNo]);
    const kept = await stack.prisma.complaintMessage.findMany({ where: { receiptNo: complaint.receiptNo } });
    expect(kept.every((message) => message.redactedAt !== null)).toBe(true);
    const info = kept.find((message) => message.kind === 'citizen-info')!;
    expect(info.body).toBe(ANONYMISED_TEXT);
    expect(kept.map((message) => message.body).join('\n')).not.toContain('900101-1234567');
  });

  it('refuses an Update sent straight to Temporal with a missing, forged or misbound actor claim, changing nothing', async () => {
    const complaint = await fileAndWaitForHandler();
    const handle = stack.temporal.workflow.getHandle(complaint.receiptNo);
    const citizen = { kind: 'citizen' as const };
    const staff = handlerActor(complaint.handler);
    const claim = (secret: string, actor: object, action: string, updateId: string) =>
      signActorClaim(secret, { actor, action, workflowId: complaint.receiptNo, updateId });
    const refusal = async (send: () => Promise<unknown>) => {
      const error = await send().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
      const cause = (error as WorkflowUpdateFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      return (cause as ApplicationFailure).type;
    };
    const secret = stack.config.ACTOR_SIGNING_SECRET;
    const forgedSecret = 'f'.repeat(64);
    const attempts: Array<() => Promise<unknown>> = [
      // No claim at all: what the earlier probe did.
      () => handle.executeUpdate(withdrawUpdate, { args: [{ actor: citizen }] }),
      // Signed with a key the attacker made up.
      () => {
        const updateId = randomUUID();
        return handle.executeUpdate(withdrawUpdate, {
          args: [{ actor: citizen, actorClaim: claim(forgedSecret, citizen, 'withdraw', updateId) }],
          updateId,
        });
      },
      // A genuine claim replayed for another Update id.
      () =>
        handle.executeUpdate(withdrawUpdate, {
          args: [{ actor: citizen, actorClaim: claim(secret, citizen, 'withdraw', randomUUID()) }],
          updateId: randomUUID(),
        }),
      // A genuine claim for another action.
      () => {
        const updateId = randomUUID();
        return handle.executeUpdate(acceptUpdate, {
          args: [{ actor: staff, actorClaim: claim(secret, staff, 'withdraw', updateId) }],
          updateId,
        });
      },
      // A genuine claim, with the actor swapped for someone else.
      () => {
        const updateId = randomUUID();
        return handle.executeUpdate(acceptUpdate, {
          args: [{ actor: staff, actorClaim: claim(secret, citizen, 'accept', updateId) }],
          updateId,
        });
      },
      // The worker's own "verified" marker, sent by the caller.
      () => {
        const updateId = randomUUID();
        const verified: Partial<ReturnType<typeof claim>> = claim(secret, staff, 'accept', updateId);
        delete verified.signature;
        return handle.executeUpdate(acceptUpdate, {
          args: [{ actor: staff, actorVerified: verified as never }],
          updateId,
        });
      },
    ];
    for (const attempt of attempts) expect(await refusal(attempt)).toBe('FORBIDDEN');

    const after = await stack.prisma.complaint.findUniqueOrThrow({
      where: { receiptNo: complaint.receiptNo },
    });
    expect(after.stage).toBe('assigned');
    expect(await eventsOf(complaint.receiptNo, 'withdrawn')).toBe(0);
    expect(await eventsOf(complaint.receiptNo, 'accepted')).toBe(0);
    expect(
      await stack.prisma.auditLog.count({ where: { subject: `complaint:${complaint.receiptNo}` } }),
    ).toBe(0);
    const history = await historyText(complaint.receiptNo);
    expect(history).not.toContain('EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED');

    // The same action through the API, which signs the actor, is applied.
    const handler = await login(complaint.handler);
    expect((await act(complaint.receiptNo, 'accept', handler)).statusCode).toBe(200);
    expect(await auditRows(complaint.receiptNo, 'complaint.accept')).toBe(1);
  });

  it('audits an applied Update in the transaction of its first event, whoever sent it: once, with before and after', async () => {
    const complaint = await fileAndWaitForHandler();
    const handle = stack.temporal.workflow.getHandle(complaint.receiptNo);
    const staff = handlerActor(complaint.handler);
    // Signed, but sent straight to Temporal: no API route runs, and the audit row is still written.
    const updateId = randomUUID();
    const actorClaim = signActorClaim(stack.config.ACTOR_SIGNING_SECRET, {
      actor: staff,
      action: 'accept',
      workflowId: complaint.receiptNo,
      updateId,
    });
    const first = await handle.executeUpdate(acceptUpdate, {
      args: [{ actor: staff, actorClaim }],
      updateId,
    });
    expect(first.stage).toBe('in_progress');
    // The same Update id again: Temporal answers with the first result, and nothing is audited twice.
    await handle.executeUpdate(acceptUpdate, { args: [{ actor: staff, actorClaim }], updateId });
    const rows = await stack.prisma.auditLog.findMany({
      where: { subject: `complaint:${complaint.receiptNo}`, action: 'complaint.accept' },
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor: complaint.handler,
      before: { stage: 'assigned' },
      after: { stage: 'in_progress', handler: complaint.handler },
    });
    expect(await eventsOf(complaint.receiptNo, 'accepted')).toBe(1);
  });
});
