import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { taskActionUpdate, type TaskActionRequest } from '../../domain/policy-task.ts';
import { signActorClaim } from '../../platform/actor-claims.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';
import { DEMO_PASSWORD } from '../support/constants.ts';
import { login, type SessionHeaders } from '../support/session.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const DAY = 24 * 3600_000;
const sessions = new Map<string, SessionHeaders>();

/** Session cookie and CSRF header of a seeded staff member (T21 owner E2101, leader E2100, HQ2 director E0200, ...). */
async function as(employeeNo: string): Promise<SessionHeaders> {
  if (!sessions.has(employeeNo)) sessions.set(employeeNo, await login(stack.app, employeeNo, DEMO_PASSWORD));
  return sessions.get(employeeNo)!;
}

const plan = () => [
  { title: '현황 조사 및 문제 분석', dueAt: new Date(Date.now() + 30 * DAY).toISOString(), weight: 40 },
  { title: '개선안 마련 및 시행', dueAt: new Date(Date.now() + 60 * DAY).toISOString(), weight: 60 },
];

async function createTask(overrides: Record<string, unknown> = {}) {
  const response = await stack.app.inject({
    method: 'POST',
    url: '/api/tasks',
    headers: await as('E2101'),
    payload: {
      title: '정책 품질관리 체계 개선',
      purpose: '정책과제의 계획 대비 성과를 높인다',
      taskType: 'standard',
      outcomeMeasure: '과제 적기 완료율(%)',
      outcomeTarget: 90,
      milestones: plan(),
      ...overrides,
    },
  });
  return response;
}

async function action(id: string, employeeNo: string, name: string, payload: Record<string, unknown>) {
  return stack.app.inject({
    method: 'POST',
    url: `/api/tasks/${id}/actions/${name}`,
    headers: await as(employeeNo),
    payload,
  });
}

async function getTask(id: string, employeeNo = 'E2101') {
  return stack.app.inject({ method: 'GET', url: `/api/tasks/${id}`, headers: await as(employeeNo) });
}

/** The workflow writes its 'created' event first; actions before that would race the start. */
async function createdTask(overrides: Record<string, unknown> = {}): Promise<string> {
  const response = await createTask(overrides);
  expect(response.statusCode).toBe(202);
  const { id } = response.json();
  await waitFor(async () => (await getTask(id)).json().timeline.length > 0);
  return id;
}

async function pendingFor(employeeNo: string) {
  const response = await stack.app.inject({
    method: 'GET',
    url: '/api/tasks?pendingFor=me',
    headers: await as(employeeNo),
  });
  expect(response.statusCode).toBe(200);
  return response.json().items as Array<{ id: string; step: string; dueAt: string | null; light: string }>;
}

describe('policy tasks over HTTP, end to end on real Temporal, PostgreSQL and SMTP', () => {
  it('takes a task from draft to done through two reviewers, quality review and final approval, with the whole decision trail', async () => {
    const response = await createTask();
    expect(response.statusCode).toBe(202);
    const { id } = response.json();
    expect(id).toMatch(/^PT-\d{4}-\d{4,}$/);
    expect(response.headers.location).toBe(`/api/tasks/${id}`);
    const draft = await waitFor(async () => {
      const body = (await getTask(id)).json();
      return body.timeline.length > 0 ? body : undefined;
    });
    expect(draft).toMatchObject({
      stage: 'draft',
      light: 'GREEN',
      pendingStep: { step: 'submit-plan', assigneeNo: 'E2101' },
    });
    expect(draft.reviewChain.map((r: { employeeNo: string }) => r.employeeNo)).toEqual([
      'E2100',
      'E0200',
      'E2100',
      'E0200',
    ]);

    const submitted = await action(id, 'E2101', 'submit', { note: '검토 부탁드립니다' });
    expect(submitted.statusCode).toBe(200);
    expect(submitted.json()).toMatchObject({
      stage: 'plan_review',
      pendingStep: { step: 'leader-review', assigneeNo: 'E2100' },
    });
    const inbox = await pendingFor('E2100');
    const mine = inbox.find((item) => item.id === id);
    expect(mine).toMatchObject({ step: 'leader-review' });
    expect(Date.parse(mine!.dueAt!)).toBeGreaterThan(Date.now());
    expect((await pendingFor('E0200')).some((item) => item.id === id)).toBe(false);

    expect(
      (await action(id, 'E2100', 'review', { decision: 'approve', opinion: '팀 계획과 부합합니다' })).json()
        .stage,
    ).toBe('plan_review');
    expect((await pendingFor('E0200')).find((item) => item.id === id)).toMatchObject({
      step: 'director-review',
    });
    const approved = await action(id, 'E0200', 'review', {
      decision: 'approve',
      opinion: '승인합니다. 일정 준수 바랍니다',
    });
    expect(approved.json()).toMatchObject({
      stage: 'execution',
      pendingStep: { step: 'milestone-1', assigneeNo: 'E2101' },
    });

    expect(
      (await action(id, 'E2101', 'report-progress', { text: '현황 조사 착수', progress: 20 })).statusCode,
    ).toBe(200);
    await action(id, 'E2101', 'complete-milestone', {
      seq: 1,
      evidence: '현황 조사 보고서 (문서번호 2026-113)',
    });
    await action(id, 'E2101', 'complete-milestone', { seq: 2, evidence: '개선안 시행 공문' });
    const completion = await action(id, 'E2101', 'submit-completion', {
      summary: '적기 완료율 95% 달성',
      actualValue: 95,
    });
    expect(completion.json()).toMatchObject({
      stage: 'quality_review',
      pendingStep: { step: 'quality-review', assigneeNo: 'E2100' },
    });
    const quality = await action(id, 'E2100', 'quality-review', { score: 88, opinion: '근거 자료가 충실함' });
    expect(quality.json().stage).toBe('final_approval');
    const done = await action(id, 'E0200', 'final-approve', { opinion: '수고하셨습니다' });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ stage: 'done', progress: 100, qualityScore: 88, pendingStep: null });

    const task = (await getTask(id, 'E0200')).json();
    expect(task.milestones.map((m: { completedAt: string | null }) => m.completedAt !== null)).toEqual([
      true,
      true,
    ]);
    expect(
      task.trail.map(
        (e: { reviewer: { employeeNo: string }; role: string; decision: string; phase: string }) => [
          e.phase,
          e.reviewer.employeeNo,
          e.role,
          e.decision,
        ],
      ),
    ).toEqual([
      ['plan', 'E2101', 'OWNER', 'submit'],
      ['plan', 'E2100', 'TEAM_LEADER', 'approve'],
      ['plan', 'E0200', 'DIRECTOR', 'approve'],
      ['quality', 'E2100', 'TEAM_LEADER', 'accept'],
      ['final', 'E0200', 'DIRECTOR', 'approve'],
    ]);
    expect(task.trail[1]).toMatchObject({
      opinion: '팀 계획과 부합합니다',
      reviewer: { name: expect.any(String) },
    });
    expect(task.trail[3].score).toBe(88);
    const times = task.trail.map((e: { at: string }) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(task.reports.map((r: { kind: string }) => r.kind)).toEqual(['progress', 'completion']);

    const csv = await stack.app.inject({
      method: 'GET',
      url: `/api/tasks/${id}/trail.csv?lang=en`,
      headers: await as('E2101'),
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('At (KST),Phase,Round,Step,Reviewer no.,Reviewer,Role,Decision,Score,Opinion');
    expect(lines).toHaveLength(6);
    expect(lines[3]).toContain(',E0200,');
    expect(lines[3]).toMatch(/,Director,Approved,,승인합니다\. 일정 준수 바랍니다$/);

    // Every decision is in the audit chain, and the reviewers were mailed through the outbox.
    const audits = await stack.prisma.auditLog.findMany({
      where: { subject: `task:${id}` },
      orderBy: { seq: 'asc' },
    });
    expect(audits.map((a) => a.action)).toEqual([
      'task.submit',
      'task.review',
      'task.review',
      'task.submit-completion',
      'task.quality-review',
      'task.final-approve',
    ]);
    const leader = await stack.prisma.staff.findUniqueOrThrow({ where: { employeeNo: 'E2100' } });
    await waitFor(async () =>
      (await stack.prisma.devMail.count({ where: { to: leader.email, subject: { contains: id } } })) >= 2
        ? true
        : undefined,
    );

    const owner = await stack.prisma.staff.findUniqueOrThrow({ where: { employeeNo: 'E2101' } });
    const doneMail = await waitFor(() =>
      stack.prisma.devMail
        .findFirst({ where: { to: owner.email, subject: { contains: `${id}] 과제 완료` } } })
        .then((m) => m ?? undefined),
    );
    expect(doneMail.text).toContain('품질: 88');

    // On done the year's performance workflow records the task outcome exactly once.
    const outcome = await waitFor(
      () =>
        stack.prisma.performanceOutcome
          .findUnique({ where: { outcomeKey: `task-done:${id}` } })
          .then((o) => o ?? undefined),
      30_000,
    );
    expect(outcome).toMatchObject({ kind: 'task-done', unitCode: 'T21', employeeNo: 'E2101' });
    expect(outcome.payload).toMatchObject({
      goalAchievement: expect.closeTo(105.6, 1),
      timeliness: 100,
      quality: 88,
    });
  });

  it('returns a plan with an opinion the owner sees, and a resubmission goes through the chain again', async () => {
    const id = await createdTask();
    await action(id, 'E2101', 'submit', {});
    const returned = await action(id, 'E2100', 'review', {
      decision: 'return',
      opinion: '성과지표 산식을 명시하세요',
    });
    expect(returned.statusCode).toBe(200);
    expect(returned.json()).toMatchObject({
      stage: 'draft',
      pendingStep: { step: 'revise-plan', assigneeNo: 'E2101' },
    });
    const seenByOwner = (await getTask(id)).json();
    expect(seenByOwner.trail.at(-1)).toMatchObject({
      decision: 'return',
      opinion: '성과지표 산식을 명시하세요',
      reviewer: { employeeNo: 'E2100' },
    });
    expect((await pendingFor('E2101')).find((item) => item.id === id)).toMatchObject({ step: 'revise-plan' });

    const revised = plan().map((m, i) => ({
      ...m,
      title: `${m.title} (산식 명시)`,
      weight: i === 0 ? 30 : 70,
    }));
    const resubmitted = await action(id, 'E2101', 'submit', { note: '산식 추가', milestones: revised });
    expect(resubmitted.json()).toMatchObject({
      stage: 'plan_review',
      pendingStep: { step: 'leader-review' },
    });
    expect(resubmitted.json().milestones.map((m: { weight: number }) => m.weight)).toEqual([30, 70]);
    await action(id, 'E2100', 'review', { decision: 'approve', opinion: '보완 확인' });
    const approved = await action(id, 'E0200', 'review', { decision: 'approve', opinion: '승인' });
    expect(approved.json().stage).toBe('execution');
    expect(
      approved.json().trail.map((e: { round: number; decision: string }) => `${e.round}:${e.decision}`),
    ).toEqual(['1:submit', '1:return', '2:submit', '2:approve', '2:approve']);
  });

  it('answers 409 for an action the stage does not allow, checked by the workflow', async () => {
    const id = await createdTask();
    const review = await action(id, 'E2100', 'review', { decision: 'approve', opinion: '아직 제출 전' });
    expect(review.statusCode).toBe(409);
    expect(review.json().error).toMatchObject({
      code: 'WRONG_STAGE',
      message: expect.stringContaining("stage 'draft'"),
    });
    const completion = await action(id, 'E2101', 'submit-completion', { summary: '완료' });
    expect(completion.statusCode).toBe(409);
    await action(id, 'E2101', 'submit', {});
    const again = await action(id, 'E2101', 'submit', {});
    expect(again.statusCode).toBe(409);
  });

  it('refuses a task action sent straight to Temporal unless the API signed its actor for that very Update, changing nothing', async () => {
    const id = await createdTask();
    const handle = stack.temporal.workflow.getHandle(id);
    const owner = { employeeNo: 'E2101', role: 'STAFF', unitCode: 'T21', headquartersCode: 'HQ2' };
    const leader = { employeeNo: 'E2100', role: 'TEAM_LEADER', unitCode: 'T21', headquartersCode: 'HQ2' };
    const submit = { type: 'submit' as const };
    const claim = (secret: string, actor: object, updateId: string) =>
      signActorClaim(secret, { actor, action: taskActionUpdate.name, workflowId: id, updateId });
    const send = (request: TaskActionRequest, updateId = randomUUID()) =>
      handle.executeUpdate(taskActionUpdate, { args: [request], updateId });
    const refusal = async (sent: Promise<unknown>) => {
      const error = await sent.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
      const cause = (error as WorkflowUpdateFailedError).cause as ApplicationFailure;
      return `${cause.type}: ${cause.message}`;
    };
    const secret = stack.config.ACTOR_SIGNING_SECRET;
    const eventsBefore = await stack.prisma.taskEvent.count({ where: { taskId: id } });
    const forgedUpdateId = randomUUID();
    const swappedUpdateId = randomUUID();
    const refusals = [
      await refusal(send({ actor: owner, action: submit })),
      await refusal(
        send(
          { actor: owner, action: submit, actorClaim: claim('f'.repeat(64), owner, forgedUpdateId) },
          forgedUpdateId,
        ),
      ),
      await refusal(send({ actor: owner, action: submit, actorClaim: claim(secret, owner, randomUUID()) })),
      // Signed for the leader, sent as the owner.
      await refusal(
        send(
          { actor: owner, action: submit, actorClaim: claim(secret, leader, swappedUpdateId) },
          swappedUpdateId,
        ),
      ),
    ];
    expect(refusals).toEqual([
      'FORBIDDEN: The actor of this Update is not signed by the portal API',
      'FORBIDDEN: The actor of this Update is not signed by the portal API',
      'FORBIDDEN: The actor was signed for another Update',
      'FORBIDDEN: The actor of this Update is not signed by the portal API',
    ]);
    const task = (await getTask(id)).json();
    expect(task.stage).toBe('draft');
    expect(await stack.prisma.taskEvent.count({ where: { taskId: id } })).toBe(eventsBefore);

    // The same action signed as the API signs it goes through.
    const updateId = randomUUID();
    await send({ actor: owner, action: submit, actorClaim: claim(secret, owner, updateId) }, updateId);
    await waitFor(async () => (await getTask(id)).json().stage !== 'draft');
  });

  it('answers 404 to staff outside the task’s scope (naming nobody) and 403 to a chain member whose step it is not', async () => {
    const id = await createdTask();
    await action(id, 'E2101', 'submit', {});
    const outsider = await action(id, 'E1200', 'review', { decision: 'approve', opinion: '타 팀장' });
    expect(outsider.statusCode).toBe(404);
    expect(outsider.json().error.code).toBe('NOT_FOUND');
    expect(outsider.body).not.toContain('E2101');
    const early = await action(id, 'E0200', 'review', { decision: 'approve', opinion: '본부장 선결재' });
    expect(early.statusCode).toBe(403);
    expect(early.json().error.message).toContain('E2100');
    const notOwner = await action(id, 'E2102', 'report-progress', { text: '남의 과제', progress: 10 });
    expect(notOwner.statusCode).toBe(403);
    expect(notOwner.body).not.toContain('E2101');
    const otherDirector = await action(id, 'E0100', 'designate-focus', { reason: '타 본부' });
    expect(otherDirector.statusCode).toBe(404);
    expect((await getTask(id)).json().trail).toHaveLength(1);
  });

  it("answers 422 for bad input and 404 for a task outside the reader's scope", async () => {
    const badWeights = await createTask({ milestones: plan().map((m) => ({ ...m, weight: 10 })) });
    expect(badWeights.statusCode).toBe(422);
    expect(badWeights.json().error.message).toContain('add up to 100');
    const past = await createTask({
      milestones: [{ title: '지난 일정', dueAt: new Date(Date.now() - DAY).toISOString(), weight: 100 }],
    });
    expect(past.statusCode).toBe(422);
    const id = await createdTask();
    await action(id, 'E2101', 'submit', {});
    const noOpinion = await action(id, 'E2100', 'review', { decision: 'approve' });
    expect(noOpinion.statusCode).toBe(422);
    const badDecision = await action(id, 'E2100', 'review', { decision: 'maybe', opinion: '?' });
    expect(badDecision.statusCode).toBe(422);
    expect((await getTask(id, 'E1201')).statusCode).toBe(404);
    expect((await getTask(id, 'E0200')).statusCode).toBe(200);
  });

  it("lets the director designate a focus task, which then owes a weekly report and shows in the owner's inbox", async () => {
    const id = await createdTask();
    await action(id, 'E2101', 'submit', {});
    await action(id, 'E2100', 'review', { decision: 'approve', opinion: 'ok' });
    await action(id, 'E0200', 'review', { decision: 'approve', opinion: 'ok' });
    const focused = await action(id, 'E0200', 'designate-focus', { reason: '예산 집행 부진' });
    expect(focused.statusCode).toBe(200);
    expect(focused.json()).toMatchObject({
      focus: true,
      pendingStep: { step: 'focus-report', assigneeNo: 'E2101' },
    });
    expect(Date.parse(focused.json().focusReportDueAt) - Date.now()).toBeGreaterThan(6.9 * DAY);
    expect((await pendingFor('E2101')).find((item) => item.id === id)).toMatchObject({
      step: 'focus-report',
    });
    const list = await stack.app.inject({
      method: 'GET',
      url: '/api/tasks?focus=true',
      headers: await as('E0200'),
    });
    expect(
      list
        .json()
        .items.some((item: { id: string; light: string }) => item.id === id && item.light === 'GREEN'),
    ).toBe(true);
    expect((await action(id, 'E0200', 'designate-focus', { reason: '중복' })).statusCode).toBe(409);
  });

  it('proposes a task to the director for focus management while its linked KPI is red, until it is designated', async () => {
    const year = Number(new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 4));
    const kpi = await stack.prisma.kpi.findFirstOrThrow({ where: { year }, orderBy: { code: 'asc' } });
    const id = await createdTask({ kpiCode: kpi.code });
    await action(id, 'E2101', 'submit', {});
    await action(id, 'E2100', 'review', { decision: 'approve', opinion: 'ok' });
    await action(id, 'E0200', 'review', { decision: 'approve', opinion: 'ok' });
    await waitFor(async () => (await getTask(id)).json().stage === 'execution');
    const proposal = async () => {
      const stuck = await stack.app.inject({
        method: 'GET',
        url: '/api/manager/stuck',
        headers: await as('E0200'),
      });
      expect(stuck.statusCode).toBe(200);
      const item = (
        stuck.json().items as Array<{ id: string; reason: string; reasons: Array<{ code: string }> }>
      ).find((entry) => entry.id === id);
      return item?.reasons.some((reason) => reason.code === 'kpi-red') ? item : undefined;
    };
    expect(await proposal()).toBeUndefined();
    const before = kpi.light;
    await stack.prisma.kpi.update({ where: { id: kpi.id }, data: { light: 'RED' } });
    try {
      const proposed = await proposal();
      expect(proposed?.reason).toContain(`연계 성과지표 ${kpi.nameKo} 적색`);
      expect(proposed?.reason).toContain('중점관리 지정 제안');
      // One click from the list: designated, and the proposal goes.
      expect((await action(id, 'E0200', 'designate-focus', { reason: '연계 지표 적색' })).statusCode).toBe(
        200,
      );
      expect(await proposal()).toBeUndefined();
      expect((await getTask(id)).json()).toMatchObject({ focus: true });
    } finally {
      await stack.prisma.kpi.update({ where: { id: kpi.id }, data: { light: before } });
    }
  });
});
