import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffActionUpdates, type StaffAction } from '../../domain/complaint-messages.ts';
import { anonymisedEmail, RETENTION_CRON, RETENTION_SCHEDULE_ID } from '../../domain/retention.ts';
import type { TimelineEntry } from '../../api/workflow-timeline.ts';
import { ensureRetentionSchedule } from '../../worker/schedules.ts';
import { login, type SessionHeaders } from '../support/session.ts';
import { tamperWithAuditChain } from '../support/audit-tamper.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';

/**
 * Accountability: the audit chain detects rows edited, deleted or cut from its end directly in
 * PostgreSQL; the Temporal history reads as a timeline that matches the audit log; closed complaints
 * lose their personal data after the retention period and keep their statistics.
 */
let stack: Stack;
let admin: SessionHeaders;
beforeAll(async () => {
  // Short SLA so that timers fire within the test (the survey reminder a few seconds after approval).
  stack = await startStack({ COMPLAINT_TEST_SLA_SECONDS: '20' });
  admin = await login(stack.app, 'E0002');
});
afterAll(async () => {
  await stack?.stop();
});

const verify = async () =>
  (await stack.app.inject({ method: 'GET', url: '/api/admin/audit/verify', headers: admin })).json();

async function fileComplaint(citizen = { name: '감사시험', email: 'audit.citizen@example.com' }) {
  const response = await stack.app.inject({
    method: 'POST',
    url: '/api/complaints',
    payload: {
      categoryCode: 'G-STAFF',
      title: '감사 추적 시험 민원',
      body: '감사 추적 시험을 위한 민원 본문입니다.',
      citizen,
    },
  });
  expect(response.statusCode).toBe(202);
  return response.json() as { receiptNo: string; accessCode: string };
}

/** A complaint taken through accept, draft, a returned review, a new draft and approval. */
async function reviewedComplaint() {
  const filed = await fileComplaint();
  const handlerNo = await waitFor(async () => {
    const row = await stack.prisma.complaint.findUnique({
      where: { receiptNo: filed.receiptNo },
      include: { handler: true },
    });
    return row?.handler?.employeeNo;
  });
  const handler = await login(stack.app, handlerNo);
  const leader = await login(stack.app, 'E1100');
  const act = async (action: StaffAction, headers: SessionHeaders, payload: object) => {
    const response = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${filed.receiptNo}/actions/${action}`,
      headers,
      payload,
    });
    expect(response.statusCode, `${action}: ${response.body}`).toBe(200);
  };
  await act('accept', handler, {});
  await act('draft-answer', handler, { answer: '담당 직원에게 주의를 주었습니다.' });
  await act('review', leader, { decision: 'return', opinion: '재발 방지 대책을 적어 주세요' });
  await act('draft-answer', handler, { answer: '주의 조치와 함께 응대 교육을 실시하였습니다.' });
  await act('review', leader, { decision: 'approve', opinion: '승인합니다' });
  return { ...filed, handlerNo };
}

describe('workflow history for auditors', () => {
  it('renders the Temporal history as a timeline that matches the audit log, and exports it as CSV', async () => {
    const complaint = await reviewedComplaint();
    const url = `/api/admin/workflows/${complaint.receiptNo}/history`;
    // The survey reminder is a timer that fires a few seconds after approval.
    const history = await waitFor(async () => {
      const body = (await stack.app.inject({ method: 'GET', url, headers: admin })).json();
      return body.timeline?.some((e: TimelineEntry) => e.kind === 'timer.fired') ? body : undefined;
    }, 40_000);
    const timeline = history.timeline as TimelineEntry[];
    expect(history).toMatchObject({ workflowId: complaint.receiptNo, workflowType: 'complaintWorkflow' });
    expect(timeline[0]).toMatchObject({ kind: 'workflow.started', name: 'complaintWorkflow' });
    const kinds = new Set(timeline.map((e) => e.kind));
    for (const kind of [
      'activity.scheduled',
      'activity.completed',
      'timer.started',
      'timer.fired',
      'update.accepted',
      'update.completed',
      'search-attributes',
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    expect(timeline.find((e) => e.kind === 'activity.completed')?.name).toBeTruthy();
    // patched() also upserts TemporalChangeVersion: some search-attribute event must carry the stage.
    expect(
      timeline
        .filter((e) => e.kind === 'search-attributes')
        .map((e) => Object.keys(e.detail ?? {}))
        .flat(),
    ).toContain('PortalStage');
    const ids = timeline.map((e) => e.eventId);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    // Every audited staff decision appears as a completed Update, same order, same actor, same reason.
    const audit = await stack.prisma.auditLog.findMany({
      where: { subject: `complaint:${complaint.receiptNo}`, action: { startsWith: 'complaint.' } },
      orderBy: { seq: 'asc' },
    });
    const fromAudit = audit.map((a) => ({
      name: staffActionUpdates[a.action.slice('complaint.'.length) as StaffAction].name,
      actor: a.actor,
      reason: a.reason,
    }));
    const fromHistory = timeline
      .filter((e) => e.kind === 'update.completed')
      .map((e) => ({ name: e.name, actor: e.actor, reason: e.reason }));
    expect(fromAudit.map((a) => a.name)).toEqual([
      'accept',
      'draftAnswer',
      'review',
      'draftAnswer',
      'review',
    ]);
    expect(fromHistory).toEqual(fromAudit);
    const reviews = timeline.filter((e) => e.kind === 'update.accepted' && e.name === 'review');
    expect(reviews.map((e) => [e.actor, e.actorRole, e.decision, e.reason])).toEqual([
      ['E1100', 'TEAM_LEADER', 'return', '재발 방지 대책을 적어 주세요'],
      ['E1100', 'TEAM_LEADER', 'approve', '승인합니다'],
    ]);

    const csv = await stack.app.inject({ method: 'GET', url: `${url}?format=csv&lang=en`, headers: admin });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('Event,At (KST),Kind,Name,Action,Actor,Role,Decision,Reason or opinion,Summary');
    expect(lines.length).toBeGreaterThanOrEqual(timeline.length + 1);
    expect(csv.body).toContain('"재발 방지 대책을 적어 주세요"');

    // Directors see their own headquarters' work; others' directors and staff do not.
    expect(
      (await stack.app.inject({ method: 'GET', url, headers: await login(stack.app, 'E0100') })).statusCode,
    ).toBe(200);
    expect(
      (await stack.app.inject({ method: 'GET', url, headers: await login(stack.app, 'E0200') })).statusCode,
    ).toBe(404);
    expect(
      (await stack.app.inject({ method: 'GET', url, headers: await login(stack.app, complaint.handlerNo) }))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await stack.app.inject({
          method: 'GET',
          url: '/api/admin/workflows/no-such-workflow/history',
          headers: admin,
        })
      ).statusCode,
    ).toBe(404);
  }, 90_000);
});

describe('tamper-evident audit log', () => {
  const rowJson = async (seq: bigint) =>
    (
      await stack.prisma.$queryRawUnsafe<{ row: string }[]>(
        'SELECT row_to_json(a)::text AS row FROM "AuditLog" a WHERE seq = $1',
        seq,
      )
    )[0]!.row;
  const restore = (json: string) =>
    stack.prisma.$executeRawUnsafe(
      'INSERT INTO "AuditLog" SELECT * FROM json_populate_record(NULL::"AuditLog", $1::json)',
      json,
    );

  it('finds an entry edited or deleted in PostgreSQL, and entries cut from the end, at that entry', async () => {
    await reviewedComplaint();
    const intact = await verify();
    expect(intact).toMatchObject({ ok: true, brokenAt: null });
    expect(intact.entries).toBeGreaterThan(5);
    const rows = await stack.prisma.auditLog.findMany({ orderBy: { seq: 'asc' }, select: { seq: true } });
    const middle = rows[Math.floor(rows.length / 2)]!.seq;
    const findings: string[] = [];

    // 1. Edit: a reason rewritten by the database superuser (no trigger stops it).
    const original = await stack.prisma.auditLog.findUniqueOrThrow({ where: { seq: middle } });
    await stack.prisma.$executeRawUnsafe(
      `UPDATE "AuditLog" SET actor = 'E9999', reason = 'rewritten' WHERE seq = $1`,
      middle,
    );
    expect(await verify()).toMatchObject({ ok: false, brokenAt: middle.toString() });
    findings.push(`edit at ${middle}`);
    // …and with the entry's own hash recomputed to fit, the next entry's link no longer does.
    await stack.prisma.$executeRawUnsafe(
      `UPDATE "AuditLog" SET hash = repeat('a', 64) WHERE seq = $1`,
      middle,
    );
    expect((await verify()).brokenAt).toBe(middle.toString());
    await stack.prisma.auditLog.update({
      where: { seq: middle },
      data: { actor: original.actor, reason: original.reason, hash: original.hash },
    });
    expect(await verify()).toMatchObject({ ok: true });

    // 2. Delete an entry in the middle.
    const saved = await rowJson(middle);
    await stack.prisma.$executeRawUnsafe('DELETE FROM "AuditLog" WHERE seq = $1', middle);
    expect(await verify()).toMatchObject({ ok: false, brokenAt: middle.toString() });
    findings.push(`delete at ${middle}`);
    await restore(saved);
    expect(await verify()).toMatchObject({ ok: true });

    // 3. Cut the last two entries: the chain is intact but no longer reaches the checkpoint.
    const cut = await tamperWithAuditChain(stack.prisma, async (tx) => {
      const last = (await tx.auditLog.findFirstOrThrow({ orderBy: { seq: 'desc' } })).seq;
      const rowsCut = await tx.$queryRawUnsafe<{ row: string }[]>(
        'SELECT row_to_json(a)::text AS row FROM "AuditLog" a WHERE seq >= $1 ORDER BY seq',
        last - 1n,
      );
      await tx.$executeRawUnsafe('DELETE FROM "AuditLog" WHERE seq >= $1', last - 1n);
      return { from: last - 1n, tail: rowsCut.map((r) => r.row) };
    });
    const tail = cut.tail;
    expect(tail).toHaveLength(2);
    expect(await verify()).toMatchObject({ ok: false, brokenAt: cut.from.toString() });
    // A later append does not paper over the cut: it continues from the checkpoint, leaving the gap.
    await login(stack.app, 'E1101');
    expect(await verify()).toMatchObject({ ok: false, brokenAt: cut.from.toString() });
    findings.push(`truncation at ${cut.from}`);
    for (const row of tail) await restore(row);
    expect(await verify()).toMatchObject({ ok: true, brokenAt: null });
    console.log(
      `audit tamper test: ${findings.join(', ')} detected; chain of ${(await verify()).entries} entries intact after restore`,
    );
  });
});

describe('personal data retention', () => {
  it('anonymises complaints closed longer ago than the retention period and keeps their statistics', async () => {
    const secret = { name: '보존기간시민', email: 'retention.secret@example.com' };
    const old = await fileComplaint(secret);
    const recent = await fileComplaint({ name: '최근시민', email: 'retention.recent@example.com' });
    for (const complaint of [old, recent]) {
      await waitFor(() =>
        stack.prisma.complaint.findFirst({
          where: { receiptNo: complaint.receiptNo, handlerId: { not: null } },
        }),
      );
      const response = await stack.app.inject({
        method: 'POST',
        url: `/api/complaints/${complaint.receiptNo}/citizen/withdraw`,
        headers: { 'x-access-code': complaint.accessCode },
        payload: { reason: '개인 사정으로 취하합니다 010-1234-5678' },
      });
      expect(response.statusCode).toBe(200);
      await stack.temporal.workflow.getHandle(complaint.receiptNo).result();
    }
    await waitFor(() => stack.prisma.emailOutbox.findFirst({ where: { to: secret.email, status: 'SENT' } }));
    const before = await stack.prisma.complaint.findUniqueOrThrow({ where: { receiptNo: old.receiptNo } });
    const longAgo = new Date(Date.now() - 400 * 24 * 3600_000);
    // Staff-written text that names the citizen: the answer and an opinion in the timeline.
    const answer = `${secret.name}님, 요청하신 내용은 010-2222-3333 담당자가 처리했습니다.`;
    await stack.prisma.complaint.update({
      where: { receiptNo: old.receiptNo },
      data: { closedAt: longAgo, answer },
    });
    await stack.prisma.complaintEvent.create({
      data: {
        receiptNo: old.receiptNo,
        eventKey: 'retention-test-opinion',
        at: new Date(),
        type: 'answer-returned',
        stage: 'closed',
        actor: 'E1100',
        detail: { opinion: `${secret.name}님께 ${secret.email}로 다시 안내할 것` },
      },
    });

    // The citizen looks at the closed case: its view, with the answer naming them, is kept as sent.
    const read = await stack.app.inject({
      method: 'GET',
      url: `/api/complaints/${old.receiptNo}`,
      headers: { 'x-access-code': old.accessCode },
    });
    expect(read.body).toContain(secret.name);
    expect(
      (await stack.prisma.complaintCitizenView.findUniqueOrThrow({ where: { receiptNo: old.receiptNo } }))
        .doc,
    ).toContain(secret.name);

    const staffTry = await stack.app.inject({
      method: 'POST',
      url: '/api/admin/retention/run',
      headers: await login(stack.app, 'E1101'),
      payload: {},
    });
    expect(staffTry.statusCode).toBe(403);
    const run = await stack.app.inject({
      method: 'POST',
      url: '/api/admin/retention/run',
      headers: admin,
      payload: {},
    });
    expect(run.statusCode).toBe(200);
    expect(run.json().retentionDays).toBe(365);
    expect(run.json().receiptNos).toContain(old.receiptNo);
    expect(run.json().receiptNos).not.toContain(recent.receiptNo);

    const after = await stack.prisma.complaint.findUniqueOrThrow({
      where: { receiptNo: old.receiptNo },
      include: { events: true },
    });
    expect(after.citizenName).not.toContain(secret.name);
    expect(after.citizenEmail).toBe(anonymisedEmail(old.receiptNo));
    expect(after.body).not.toBe(before.body);
    expect(after.anonymisedAt).not.toBeNull();
    // The view kept as sent went with it, and the next read shows the anonymised case.
    expect(
      await stack.prisma.complaintCitizenView.findUnique({ where: { receiptNo: old.receiptNo } }),
    ).toBeNull();
    // Statistics stay: stage, times, team, category, handler.
    expect({
      stage: after.stage,
      receivedAt: after.receivedAt,
      teamId: after.teamId,
      categoryCode: after.categoryCode,
      handlerId: after.handlerId,
      dueAt: after.dueAt,
    }).toEqual({
      stage: before.stage,
      receivedAt: before.receivedAt,
      teamId: before.teamId,
      categoryCode: before.categoryCode,
      handlerId: before.handlerId,
      dueAt: before.dueAt,
    });
    expect(after.closedAt).toEqual(longAgo);
    // Staff-written text stays, without the citizen's personal data.
    expect(after.answer).toContain('요청하신 내용은');
    expect(after.answer).not.toContain(secret.name);
    expect(after.answer).not.toContain('010-2222-3333');
    const opinion = after.events.find((e) => e.eventKey === 'retention-test-opinion')!.detail;
    expect(JSON.stringify(opinion)).toContain('다시 안내할 것');
    expect(JSON.stringify(opinion)).not.toContain(secret.name);
    expect(JSON.stringify(opinion)).not.toContain(secret.email);
    expect(JSON.stringify(after.events.map((e) => e.detail))).not.toContain('010-1234-5678');
    expect(after.events.map((e) => e.type)).toContain('withdrawn');
    expect(await stack.prisma.emailOutbox.count({ where: { to: secret.email } })).toBe(0);
    expect(await stack.prisma.devMail.count({ where: { to: { contains: secret.email } } })).toBe(0);
    const audit = await stack.prisma.auditLog.findFirstOrThrow({
      where: { action: 'retention.anonymised' },
      orderBy: { seq: 'desc' },
    });
    expect(audit.actor).toBe('E0002');
    expect(JSON.stringify(audit.after)).toContain(old.receiptNo);
    expect(JSON.stringify([audit.before, audit.after, audit.reason])).not.toContain(secret.email);

    const untouched = await stack.prisma.complaint.findUniqueOrThrow({
      where: { receiptNo: recent.receiptNo },
    });
    expect(untouched).toMatchObject({ citizenName: '최근시민', anonymisedAt: null });
    // The citizen can still look the case up by its code; the audit chain stays intact.
    expect(
      (
        await stack.app.inject({
          method: 'GET',
          url: `/api/complaints/${old.receiptNo}`,
          headers: { 'x-access-code': old.accessCode },
        })
      ).json().stage,
    ).toBe('withdrawn');
    const again = await stack.app.inject({
      method: 'POST',
      url: '/api/admin/retention/run',
      headers: admin,
      payload: {},
    });
    expect(again.json().receiptNos).not.toContain(old.receiptNo);
    expect(await verify()).toMatchObject({ ok: true });
  }, 60_000);

  it('schedules the anonymisation daily as a Temporal Schedule', async () => {
    await ensureRetentionSchedule(stack.temporal, {
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
      retentionDays: 200,
    });
    await ensureRetentionSchedule(stack.temporal, {
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
      retentionDays: 365,
    });
    const handle = stack.temporal.schedule.getHandle(RETENTION_SCHEDULE_ID);
    try {
      const description = await handle.describe();
      // The server compiles the cron expression into a calendar: 03:30 every day.
      expect(description.spec.calendars?.[0]).toMatchObject({
        hour: [{ start: 3, end: 3, step: 1 }],
        minute: [{ start: 30, end: 30, step: 1 }],
      });
      expect(description.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: 'retentionWorkflow',
        args: [{ retentionDays: 365, requestedBy: 'schedule' }],
      });
      expect(RETENTION_CRON).toBe('30 3 * * *');
      expect(description.spec.timezone).toBe('Asia/Seoul');
    } finally {
      await handle.delete();
    }
  });
});
