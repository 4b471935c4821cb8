import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, waitFor, type Stack } from '../support/stack.ts';
import { citizenLogin, login } from '../support/session.ts';

/**
 * Repeated complaints (민원 처리에 관한 법률 §23): the citizen is shown their own similar complaints while
 * filing, never another citizen's; a handler closes a repeat citing the earlier answer through the
 * workflow, once per Idempotency-Key, and the citizen's page and mail say why in Korean.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ PUBLIC_URL: 'https://minwon.example.go.kr' });
});
afterAll(async () => {
  await stack?.stop();
});

const run = randomUUID().slice(0, 8);
const marker = {
  earlierAnswer: `EARLIER-ANSWER-${run}`,
  reason: `REPEAT-REASON-${run}`,
  note: `INTERNAL-NOTE-${run}`,
  otherCitizen: `OTHER-CITIZEN-${run}`,
};
const citizenEmail = `repeat.${run}@example.com`;
const otherEmail = `someone.else.${run}@example.com`;
const title = '버스 정류장 의자 파손 신고';
const body = `시청 앞 버스 정류장 의자가 부서져 앉을 수 없습니다. 보수해 주세요. 정류장번호 ${run}`;

const session = (employeeNo: string) => login(stack.app, employeeNo);

async function file(email: string, text = body, heading = title) {
  const response = await stack.app.inject({
    method: 'POST',
    url: '/api/complaints',
    payload: { categoryCode: 'S-REPORT', title: heading, body: text, citizen: { name: '최반복', email } },
  });
  expect(response.statusCode, response.body).toBe(202);
  const filed = response.json<{ receiptNo: string; accessCode: string }>();
  const handlerNo = await waitFor(async () => {
    const row = await stack.prisma.complaint.findUnique({
      where: { receiptNo: filed.receiptNo },
      include: { handler: true },
    });
    return row?.stage === 'assigned' ? row.handler?.employeeNo : undefined;
  }, 30_000);
  return { ...filed, handlerNo };
}

const act = async (receiptNo: string, who: string, action: string, payload: object, key?: string) =>
  stack.app.inject({
    method: 'POST',
    url: `/api/complaints/${receiptNo}/actions/${action}`,
    headers: { ...(await session(who)), ...(key ? { 'idempotency-key': key } : {}) },
    payload,
  });

let earlier: Awaited<ReturnType<typeof file>>;
let repeat: Awaited<ReturnType<typeof file>>;
let others: Awaited<ReturnType<typeof file>>;

beforeAll(async () => {
  earlier = await file(citizenEmail);
  // The earlier complaint is answered: accepted, drafted, approved by the leader of T12.
  expect((await act(earlier.receiptNo, earlier.handlerNo, 'accept', {})).statusCode).toBe(200);
  const drafted = await act(earlier.receiptNo, earlier.handlerNo, 'draft-answer', {
    answer: `정류장 의자는 이번 주에 교체합니다. ${marker.earlierAnswer}`,
  });
  expect(drafted.statusCode, drafted.body).toBe(200);
  const approved = await act(earlier.receiptNo, 'E1200', 'review', { decision: 'approve' });
  expect(approved.statusCode, approved.body).toBe(200);
  await waitFor(async () => {
    const row = await stack.prisma.complaint.findUnique({ where: { receiptNo: earlier.receiptNo } });
    return row?.answeredAt && row.answer?.includes(marker.earlierAnswer);
  });
  repeat = await file(citizenEmail);
  // Another citizen's complaint about the same bus stop, with text that must never reach citizen A.
  others = await file(otherEmail, `${body} ${marker.otherCitizen}`, `${title} ${marker.otherCitizen}`);
}, 120_000);

describe('suggestions while filing', () => {
  const suggest = (headers: Record<string, string>) =>
    stack.app.inject({
      method: 'POST',
      url: '/api/citizen/similar',
      headers,
      payload: { categoryCode: 'S-REPORT', title, body },
    });

  it("shows the signed-in citizen their own similar complaints and never another citizen's", async () => {
    const mine = await suggest(await citizenLogin(stack, citizenEmail));
    expect(mine.statusCode, mine.body).toBe(200);
    const result = mine.json<{ signedIn: boolean; similar: { receiptNo: string; stage: string }[] }>();
    expect(result.signedIn).toBe(true);
    const receiptNos = result.similar.map((s) => s.receiptNo);
    expect(receiptNos).toEqual(expect.arrayContaining([earlier.receiptNo, repeat.receiptNo]));
    expect(receiptNos).not.toContain(others.receiptNo);
    expect(mine.body).not.toContain(marker.otherCitizen);
    expect(mine.body).not.toContain(otherEmail);

    // The other citizen, signed in, sees only theirs (the same text, a different person).
    const theirs = await suggest(await citizenLogin(stack, otherEmail));
    expect(theirs.json().similar.map((s: { receiptNo: string }) => s.receiptNo)).toEqual([others.receiptNo]);
  });

  it('shows nothing to someone who only typed an address, whatever it is', async () => {
    const anonymous = await suggest({});
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json()).toEqual({ signedIn: false, similar: [] });
  });
});

describe('closing a repeated complaint citing the earlier answer', () => {
  it('refuses a team member who is neither the handler nor the leader with 403, and an earlier complaint of another citizen with 422', async () => {
    const colleague = ['E1201', 'E1202', 'E1203'].find((no) => no !== repeat.handlerNo)!;
    const refused = await act(repeat.receiptNo, colleague, 'close-as-repeated', {
      earlierReceiptNo: earlier.receiptNo,
      reason: '같은 내용입니다.',
    });
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json().error.code).toBe('FORBIDDEN');

    const notTheirs = await act(repeat.receiptNo, repeat.handlerNo, 'close-as-repeated', {
      earlierReceiptNo: others.receiptNo,
      reason: '같은 내용입니다.',
    });
    expect(notTheirs.statusCode).toBe(422);
    expect(notTheirs.json().error.details[0]).toMatchObject({
      path: '/earlierReceiptNo',
      rule: 'earlier-not-same-citizen',
    });
    const row = await stack.prisma.complaint.findUniqueOrThrow({ where: { receiptNo: repeat.receiptNo } });
    expect(row.stage).toBe('assigned');
  });

  it('closes once for two calls with the same Idempotency-Key; the citizen page and mail give the reason, the earlier receipt number and its answer, and nothing internal', async () => {
    const handler = await session(repeat.handlerNo);
    const note = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${repeat.receiptNo}/notes`,
      headers: handler,
      payload: { body: `반복 민원으로 보임 ${marker.note}` },
    });
    expect(note.statusCode, note.body).toBe(201);

    const key = `close-${run}`;
    const payload = {
      earlierReceiptNo: earlier.receiptNo,
      reason: `이미 답변드린 내용과 같습니다. ${marker.reason}`,
    };
    const first = await act(repeat.receiptNo, repeat.handlerNo, 'close-as-repeated', payload, key);
    expect(first.statusCode, first.body).toBe(200);
    const second = await act(repeat.receiptNo, repeat.handlerNo, 'close-as-repeated', payload, key);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().stage).toBe('closed');
    expect(second.json().repeatOf).toMatchObject({ receiptNo: earlier.receiptNo });

    const subject = `complaint:${repeat.receiptNo}`;
    expect(
      await stack.prisma.complaintEvent.count({
        where: { receiptNo: repeat.receiptNo, type: 'closed-as-repeated' },
      }),
    ).toBe(1);
    expect(
      await stack.prisma.auditLog.count({ where: { subject, action: 'complaint.close-as-repeated' } }),
    ).toBe(1);
    expect(
      await stack.prisma.complaintMessage.count({
        where: { receiptNo: repeat.receiptNo, kind: 'repeat-close-reason' },
      }),
    ).toBe(1);

    // The citizen's page: why, the earlier receipt number and the earlier answer; no internal text.
    const view = await stack.app.inject({
      method: 'GET',
      url: `/api/complaints/${repeat.receiptNo}`,
      headers: { 'x-access-code': repeat.accessCode },
    });
    const citizen = view.json();
    expect(citizen.audience).toBe('citizen');
    expect(citizen.stage).toBe('closed');
    const closing = citizen.timeline.find((e: { type: string }) => e.type === 'closed-as-repeated');
    expect(closing.detail).toEqual({ earlierReceiptNo: earlier.receiptNo, reason: payload.reason });
    expect(citizen.repeatOf.receiptNo).toBe(earlier.receiptNo);
    expect(citizen.repeatOf.answer).toContain(marker.earlierAnswer);
    // Read again, now from the view kept as sent: the earlier answer is still looked up and the same.
    const again = await stack.app.inject({
      method: 'GET',
      url: `/api/complaints/${repeat.receiptNo}`,
      headers: { 'x-access-code': repeat.accessCode },
    });
    expect(
      (await stack.prisma.complaintCitizenView.findUniqueOrThrow({ where: { receiptNo: repeat.receiptNo } }))
        .repeatOfReceiptNo,
    ).toBe(earlier.receiptNo);
    expect(again.json()).toEqual(citizen);
    const citizenText = JSON.stringify(citizen);
    for (const forbidden of [marker.note, 'TEAM_LEADER', `${repeat.handlerNo} (`, 'messageId']) {
      expect(citizenText, forbidden).not.toContain(forbidden);
    }

    // The mail, once: Korean first, the reason, the earlier receipt and answer, an absolute link.
    const mail = await waitFor(async () => {
      const rows = await stack.prisma.devMail.findMany({
        where: { to: { contains: citizenEmail }, subject: { contains: '반복 민원' } },
      });
      return rows.length > 0 ? rows : undefined;
    });
    expect(mail).toHaveLength(1);
    const text = mail[0]!.text;
    expect(mail[0]!.subject).toBe(
      `[민원 ${repeat.receiptNo}] 반복 민원으로 종결되었습니다 / Closed as a repeated complaint`,
    );
    expect(text).toContain(`이미 답변드린 민원(접수번호 ${earlier.receiptNo}, 답변일 `);
    expect(text).toContain('「민원 처리에 관한 법률」 제23조');
    expect(text).toContain(`종결 사유: ${payload.reason}`);
    expect(text).toContain(marker.earlierAnswer);
    expect(text).toContain(`https://minwon.example.go.kr/my-space?receiptNo=${earlier.receiptNo}`);
    expect(text.indexOf('종결 사유')).toBeLessThan(text.indexOf('---'));
    for (const forbidden of [marker.note, 'TEAM_LEADER', 'messageId', 'repeat-close-reason']) {
      expect(text, forbidden).not.toContain(forbidden);
    }
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);

    // Performance: a closed, handled complaint (not withdrawn), on time since it closed before its due time.
    const outcome = await waitFor(() =>
      stack.prisma.performanceOutcome.findUnique({ where: { outcomeKey: `complaint:${repeat.receiptNo}` } }),
    );
    expect(outcome.payload).toMatchObject({ closedAsRepeated: true, slaMet: true, withdrawn: false });

    // The case file links the two complaints as a repeat, with the reason.
    const similar = await stack.app.inject({
      method: 'GET',
      url: `/api/complaints/${repeat.receiptNo}/similar`,
      headers: handler,
    });
    expect(similar.json().links).toEqual([
      expect.objectContaining({ receiptNo: earlier.receiptNo, kind: 'repeated', reason: payload.reason }),
    ]);
  }, 60_000);
});

describe('exports in Korean', () => {
  it('writes the workflow history CSV with Korean headers, Korean words and Korea times, and English with ?lang=en', async () => {
    const admin = await session('E0002');
    const korean = await stack.app.inject({
      method: 'GET',
      url: `/api/admin/workflows/${repeat.receiptNo}/history?format=csv`,
      headers: admin,
    });
    expect(korean.statusCode, korean.body).toBe(200);
    const lines = korean.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('이벤트 번호,일시(KST),구분,대상,처리,처리자,직위,결정,사유·의견,내용');
    expect(korean.body).toContain('"워크플로 시작"');
    expect(korean.body).toContain('"처리 요청 접수"');
    expect(korean.body).toContain(marker.reason);
    expect(korean.body).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
    expect(korean.body).not.toContain('workflow.started');
    // The first event's time, in Korea time: nine hours ahead of UTC.
    const started = await stack.prisma.complaint.findUniqueOrThrow({
      where: { receiptNo: repeat.receiptNo },
    });
    const kst = new Date(started.receivedAt.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
    expect(lines[1]).toContain(`"${kst} `);

    const english = await stack.app.inject({
      method: 'GET',
      url: `/api/admin/workflows/${repeat.receiptNo}/history?format=csv&lang=en`,
      headers: admin,
    });
    expect(english.body.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
      'Event,At (KST),Kind,Name,Action,Actor,Role,Decision,Reason or opinion,Summary',
    );
    expect(english.body).toContain('"Workflow started"');
  });
});
