import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findTemporalCli } from '../../embedded/temporal-binaries.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';
import { login as signIn } from '../support/session.ts';
import { recordingRelease, saveHistoryFixture } from '../support/history-fixtures.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const citizenEmail = 'lifecycle.citizen@example.com';

/**
 * With RECORD_HISTORIES=<release>, adds the workflow's history as a new replay fixture
 * (test/support/history-fixtures.ts: fixtures are never rewritten), exported by the Temporal CLI in the
 * JSON form that `historyFromJSON` reads.
 */
async function keepHistoryFixture(on: Stack, workflowId: string, scenario: string) {
  const history = await on.temporal.workflow.getHandle(workflowId).fetchHistory();
  const release = recordingRelease();
  if (release) {
    const json = execFileSync(findTemporalCli()!, [
      'workflow',
      'show',
      '--workflow-id',
      workflowId,
      '--address',
      inject('temporalAddress'),
      '--output',
      'json',
    ]);
    saveHistoryFixture(`complaint-${release}-${scenario}`, json.toString('utf8'));
  }
  return history;
}

/** The session cookie and CSRF header of a seeded staff member. */
const login = (employeeNo: string) => signIn(stack.app, employeeNo);

async function fileAndWaitForHandler(categoryCode = 'G-STAFF') {
  const filed = (
    await stack.app.inject({
      method: 'POST',
      url: '/api/complaints',
      payload: {
        categoryCode,
        title: '민원실 응대 불친절',
        body: '민원실 직원의 응대가 불친절했습니다. 개선을 요청합니다.',
        citizen: { name: '이시민', email: citizenEmail },
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
  return { ...filed, handler: view.handler.employeeNo as string, team: view.team.code as string };
}

const act = (receiptNo: string, action: string, headers: Record<string, string>, payload: object = {}) =>
  stack.app.inject({
    method: 'POST',
    url: `/api/complaints/${receiptNo}/actions/${action}`,
    headers,
    payload,
  });

describe('complaint lifecycle over HTTP', () => {
  it('goes from filing through review, return, approval and a survey-link rating to closed', async () => {
    const complaint = await fileAndWaitForHandler();
    const handler = await login(complaint.handler);
    const leaderNo = (
      await stack.prisma.staff.findFirstOrThrow({
        where: { role: 'TEAM_LEADER', unit: { code: complaint.team } },
      })
    ).employeeNo;
    const leader = await login(leaderNo);

    const inbox = (await stack.app.inject({ method: 'GET', url: '/api/inbox', headers: handler })).json();
    expect(inbox.items.find((i: { id: string }) => i.id === complaint.receiptNo)).toMatchObject({
      step: 'accept',
      kind: 'complaint',
      light: 'GREEN',
    });

    const early = await act(complaint.receiptNo, 'review', leader, { decision: 'approve', opinion: '' });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.message).toContain("stage 'assigned'");

    expect((await act(complaint.receiptNo, 'accept', leader)).statusCode).toBe(403);
    const accepted = await act(complaint.receiptNo, 'accept', handler);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().stage).toBe('in_progress');

    const tooShort = await act(complaint.receiptNo, 'draft-answer', handler, { answer: 'x' });
    expect(tooShort.statusCode).toBe(422);
    expect(tooShort.json().error.message).toContain('answer');

    await act(complaint.receiptNo, 'draft-answer', handler, {
      answer: '해당 직원에게 친절 교육을 실시하였습니다.',
    });
    const queue = (await stack.app.inject({ method: 'GET', url: '/api/inbox', headers: leader })).json();
    expect(queue.items.find((i: { id: string }) => i.id === complaint.receiptNo)?.step).toBe('review');

    const returned = await act(complaint.receiptNo, 'review', leader, {
      decision: 'return',
      opinion: '재발 방지 대책을 포함하세요',
    });
    expect(returned.json().stage).toBe('in_progress');
    await act(complaint.receiptNo, 'draft-answer', handler, {
      answer: '친절 교육을 실시하고 응대 매뉴얼을 개정하였습니다.',
    });
    const approved = await act(complaint.receiptNo, 'review', leader, {
      decision: 'approve',
      opinion: '승인',
    });
    expect(approved.json().stage).toBe('awaiting_rating');

    const citizenView = (
      await stack.app.inject({
        method: 'GET',
        url: `/api/complaints/${complaint.receiptNo}`,
        headers: { 'x-access-code': complaint.accessCode },
      })
    ).json();
    expect(citizenView.answer).toContain('응대 매뉴얼');
    expect(citizenView.draftAnswer).toBeNull();

    const surveyMail = await waitFor(async () =>
      stack.prisma.devMail.findFirst({
        where: {
          to: citizenEmail,
          subject: { contains: complaint.receiptNo },
          text: { contains: '/survey/' },
        },
      }),
    );
    const token = /token=([A-Za-z0-9_-]+)/.exec(surveyMail!.text)![1]!;
    const badToken = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${complaint.receiptNo}/rating?token=not-a-real-token-123`,
      payload: { score: 5 },
    });
    expect(badToken.statusCode).toBe(404);
    const statistics = async () =>
      (await stack.app.inject({ method: 'GET', url: '/api/stats/complaints' })).json();
    const teamClosed = (stats: { teams: { team: string; closed: number }[] }) =>
      stats.teams.find((t) => t.team === complaint.team)?.closed ?? 0;
    const before = await statistics();
    const rated = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${complaint.receiptNo}/rating?token=${token}`,
      payload: { score: 4, comment: '빠른 조치 감사합니다' },
    });
    expect(rated.statusCode).toBe(200);
    expect(rated.json().stage).toBe('closed');
    expect(rated.json().satisfaction).toEqual({ score: 4, comment: '빠른 조치 감사합니다' });
    // The citizen's view leaves out the internal review rounds (issue 12); staff see every step.
    expect(rated.json().timeline.map((e: { type: string }) => e.type)).toEqual([
      'received',
      'assigned',
      'accepted',
      'answer-approved',
      'rated',
      'closed',
    ]);
    expect(JSON.stringify(rated.json())).not.toContain('재발 방지 대책을 포함하세요');
    const staffView = (
      await stack.app.inject({
        method: 'GET',
        url: `/api/complaints/${complaint.receiptNo}`,
        headers: leader,
      })
    ).json();
    expect(staffView.timeline.map((e: { type: string }) => e.type)).toEqual([
      'received',
      'assigned',
      'accepted',
      'answer-drafted',
      'answer-returned',
      'answer-drafted',
      'answer-approved',
      'rated',
      'closed',
    ]);
    const returnEvent = staffView.timeline.find((e: { type: string }) => e.type === 'answer-returned');
    expect(returnEvent.detail.opinion).toBe('재발 방지 대책을 포함하세요');
    expect(returnEvent.actor).toContain(leaderNo);

    const audit = await stack.prisma.auditLog.findMany({
      where: { subject: `complaint:${complaint.receiptNo}` },
    });
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['complaint.accept', 'complaint.review', 'complaint.rated']),
    );
    // The year's performance workflow records the outcome exactly once; the figures then include it.
    const outcome = await waitFor(
      async () =>
        stack.prisma.performanceOutcome.findUnique({
          where: { outcomeKey: `complaint:${complaint.receiptNo}` },
        }),
      30_000,
    );
    expect(outcome.payload).toMatchObject({ satisfaction: 4, slaMet: true, withdrawn: false });
    expect((outcome.payload as { businessDaysTaken: number }).businessDaysTaken).toEqual(expect.any(Number));
    // At least this case more (other files' cases on the shared task queue may close meanwhile).
    const stats = await statistics();
    expect(teamClosed(stats)).toBeGreaterThanOrEqual(teamClosed(before) + 1);
    expect(stats.overall.closed).toBeGreaterThanOrEqual(before.overall.closed + 1);
    expect(stats.overall.averageSatisfaction).toBeGreaterThan(0);
    expect(stats.overall.slaMetRate).toBeGreaterThan(0);
    expect(stats.overall.averageBusinessDays).toEqual(expect.any(Number));
    const after = await act(complaint.receiptNo, 'accept', handler);
    expect(after.statusCode).toBe(409);

    const history = await keepHistoryFixture(stack, complaint.receiptNo, 'happy-path');
    expect(history.events?.length).toBeGreaterThan(20);
  });

  it('lets the citizen ask for a consultation, add information and withdraw', async () => {
    const complaint = await fileAndWaitForHandler();
    const citizen = { 'x-access-code': complaint.accessCode };
    const consult = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${complaint.receiptNo}/citizen/request-consultation`,
      headers: citizen,
      payload: { message: '전화 상담을 원합니다' },
    });
    expect(consult.statusCode).toBe(200);
    expect(consult.json().pendingStep).toBe('consultation');
    const handler = await login(complaint.handler);
    const inbox = (await stack.app.inject({ method: 'GET', url: '/api/inbox', headers: handler })).json();
    expect(inbox.items.find((i: { id: string }) => i.id === complaint.receiptNo)?.actions).toContain(
      'answer-consultation',
    );
    expect(
      (
        await act(complaint.receiptNo, 'answer-consultation', handler, {
          reply: '내일 오전에 연락드리겠습니다',
        })
      ).statusCode,
    ).toBe(200);

    const wrongCode = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${complaint.receiptNo}/citizen/withdraw`,
      headers: { 'x-access-code': 'AAAAAAAAAA' },
      payload: { reason: '해결됨' },
    });
    expect(wrongCode.statusCode).toBe(404);
    const withdrawn = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${complaint.receiptNo}/citizen/withdraw`,
      headers: citizen,
      payload: { reason: '해결됨' },
    });
    expect(withdrawn.json().stage).toBe('withdrawn');
  });
});

describe('complaint escalation over HTTP (SLA shortened to seconds)', () => {
  let fast: Stack;
  beforeAll(async () => {
    fast = await startStack({ COMPLAINT_TEST_SLA_SECONDS: '3' });
  });
  afterAll(async () => {
    await fast?.stop();
  });

  it('escalates an unanswered complaint to the leader and the director and lists it as stuck for both', async () => {
    const filed = (
      await fast.app.inject({
        method: 'POST',
        url: '/api/complaints',
        payload: {
          categoryCode: 'Q-HOUSING',
          title: '임대주택 신청 문의',
          body: '신청 자격을 알려주세요.',
          citizen: { name: '박시민', email: 'escalate@example.com' },
        },
      })
    ).json();
    const leader = await login('E1200');
    const director = await login('E0100');
    const leaderEmail = 'e1200@portal.example.go.kr';
    const directorEmail = 'e0100@portal.example.go.kr';

    await waitFor(async () =>
      fast.prisma.devMail.findFirst({ where: { to: directorEmail, subject: { contains: filed.receiptNo } } }),
    );
    expect(
      await fast.prisma.devMail.count({ where: { to: leaderEmail, subject: { contains: filed.receiptNo } } }),
    ).toBe(1);

    const stuck = await waitFor(async () => {
      const items = (
        await fast.app.inject({ method: 'GET', url: '/api/manager/stuck', headers: leader })
      ).json().items;
      return items.find((i: { id: string }) => i.id === filed.receiptNo);
    });
    expect(stuck.reason).toContain('처리기한 경과');
    expect(stuck.reason).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(stuck.reasons[0]).toMatchObject({ code: 'complaint-overdue', escalationLevel: 2 });
    expect(stuck.escalationLevel).toBe(2);
    const directorList = (
      await fast.app.inject({ method: 'GET', url: '/api/manager/stuck', headers: director })
    ).json().items;
    expect(directorList.map((i: { id: string }) => i.id)).toContain(filed.receiptNo);
    const otherLeader = await login('E2100');
    const notTheirs = (
      await fast.app.inject({ method: 'GET', url: '/api/manager/stuck', headers: otherLeader })
    ).json().items;
    expect(notTheirs.map((i: { id: string }) => i.id)).not.toContain(filed.receiptNo);
    const staffMember = await login('E1202');
    expect(
      (await fast.app.inject({ method: 'GET', url: '/api/manager/stuck', headers: staffMember })).statusCode,
    ).toBe(403);

    const current = (
      await fast.app.inject({ method: 'GET', url: `/api/complaints/${filed.receiptNo}`, headers: leader })
    ).json();
    const other = await fast.prisma.staff.findFirstOrThrow({
      where: {
        unit: { code: 'T12' },
        role: 'STAFF',
        available: true,
        absentUntil: null,
        employeeNo: { not: current.handler.employeeNo },
      },
    });
    const reassigned = await fast.app.inject({
      method: 'POST',
      url: `/api/complaints/${filed.receiptNo}/actions/reassign`,
      headers: leader,
      payload: { employeeNo: other.employeeNo, reason: '담당자 장기 출장' },
    });
    expect(reassigned.statusCode).toBe(200);
    expect(reassigned.json().handler.employeeNo).toBe(other.employeeNo);
    const absent = await fast.app.inject({
      method: 'POST',
      url: `/api/complaints/${filed.receiptNo}/actions/reassign`,
      headers: leader,
      payload: { employeeNo: 'E1205', reason: '부재자에게 배정 시도' },
    });
    expect(absent.statusCode).toBe(422);
    const history = await keepHistoryFixture(fast, filed.receiptNo, 'escalated-reassigned');
    expect(history.events?.some((e) => e.timerFiredEventAttributes)).toBe(true);
  });
});
