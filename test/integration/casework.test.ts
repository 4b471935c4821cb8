import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, waitFor, type Stack } from '../support/stack.ts';
import { login } from '../support/session.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ PUBLIC_URL: 'https://minwon.example.go.kr' });
});
afterAll(async () => {
  await stack?.stop();
});

const run = randomUUID().slice(0, 8);
const marker = {
  note: `INTERNAL-NOTE-${run}`,
  opinion: `REVIEW-OPINION-${run}`,
  reply: `PUBLIC-REPLY-${run}`,
};
/** A word from the middle of the body, found only in this run's complaint. */
const bodyWord = `보도블록파손${run}`;
const citizenEmail = `casework.${run}@example.com`;

const session = (employeeNo: string) => login(stack.app, employeeNo);

async function file(categoryCode: string, body: string, email = citizenEmail) {
  const response = await stack.app.inject({
    method: 'POST',
    url: '/api/complaints',
    payload: { categoryCode, title: '생활 불편 신고', body, citizen: { name: '박시민', email } },
  });
  expect(response.statusCode).toBe(202);
  const filed = response.json<{ receiptNo: string; accessCode: string }>();
  const handlerNo = await waitFor(async () => {
    const row = await stack.prisma.complaint.findUnique({
      where: { receiptNo: filed.receiptNo },
      include: { handler: true },
    });
    return row?.handler?.employeeNo;
  }, 30_000);
  // The 'assigned' event follows the handler a moment later; actions need the stage.
  await waitFor(async () => {
    const row = await stack.prisma.complaint.findUnique({ where: { receiptNo: filed.receiptNo } });
    return row?.stage === 'assigned';
  }, 30_000);
  return { ...filed, handlerNo };
}

const search = async (employeeNo: string, query: string) => {
  const response = await stack.app.inject({
    method: 'GET',
    url: `/api/complaints?${query}`,
    headers: await session(employeeNo),
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{
    items: { receiptNo: string; citizen: string; receivedAt: string }[];
    nextCursor: string | null;
  }>();
};

let street: Awaited<ReturnType<typeof file>>;
let facility: Awaited<ReturnType<typeof file>>;

describe('casework: the case file, the citizen allow-list and search', () => {
  beforeAll(async () => {
    // S-REPORT belongs to team T12 (headquarters HQ1), G-FACILITY to T32 (HQ3).
    street = await file(
      'S-REPORT',
      `우리 동네 인도의 ${bodyWord} 상태가 심각하여 통행이 위험합니다. 빠른 보수를 부탁드립니다.`,
    );
    facility = await file(
      'G-FACILITY',
      `청사 주차장 ${bodyWord} 안내 표지가 없어 불편합니다.`,
      `other.${run}@example.com`,
    );
  }, 90_000);

  it('shows staff in scope the citizen text, contact and every message, while the citizen view and mails never carry an internal note, a review opinion, a role code or an engine detail', async () => {
    const handler = await session(street.handlerNo);
    const leader = await session('E1200');
    const url = `/api/complaints/${street.receiptNo}`;

    const note = await stack.app.inject({
      method: 'POST',
      url: `${url}/notes`,
      headers: { ...handler, 'idempotency-key': `note-${run}` },
      payload: { body: `현장 확인 필요 ${marker.note}` },
    });
    expect(note.statusCode, note.body).toBe(201);
    const replied = await stack.app.inject({
      method: 'POST',
      url: `${url}/replies`,
      headers: handler,
      payload: { body: `현장을 확인하겠습니다. ${marker.reply}` },
    });
    expect(replied.statusCode, replied.body).toBe(201);
    expect(replied.json().mailed).toBe(true);

    const act = (headers: Record<string, string>, action: string, payload: object) =>
      stack.app.inject({ method: 'POST', url: `${url}/actions/${action}`, headers, payload });
    expect((await act(handler, 'accept', {})).statusCode).toBe(200);
    expect((await act(handler, 'draft-answer', { answer: '보수 일정을 안내드립니다.' })).statusCode).toBe(
      200,
    );
    const returned = await act(leader, 'review', {
      decision: 'return',
      opinion: `근거 보강 ${marker.opinion}`,
    });
    expect(returned.statusCode, returned.body).toBe(200);
    const citizenAction = await stack.app.inject({
      method: 'POST',
      url: `${url}/citizen/add-info`,
      headers: { 'x-access-code': street.accessCode },
      payload: { text: '사진을 추가로 보냅니다.' },
    });
    expect(citizenAction.statusCode, citizenAction.body).toBe(200);

    // The staff case file: the citizen's words, contact, and both messages in order.
    for (const reader of [handler, leader]) {
      const staffView = (await stack.app.inject({ method: 'GET', url, headers: reader })).json();
      expect(staffView.audience).toBe('staff');
      expect(staffView.caseFile.body).toContain(bodyWord);
      expect(staffView.caseFile.citizen).toMatchObject({ name: '박시민', email: citizenEmail });
      const bodies = staffView.messages.map((m: { body: string }) => m.body).join('\n');
      expect(bodies.indexOf(marker.note)).toBeGreaterThanOrEqual(0);
      expect(bodies.indexOf(marker.reply)).toBeGreaterThan(bodies.indexOf(marker.note));
      expect(JSON.stringify(staffView)).toContain(marker.opinion);
    }

    // The citizen's view: their own words and the public reply; nothing internal.
    const citizenView = (
      await stack.app.inject({ method: 'GET', url, headers: { 'x-access-code': street.accessCode } })
    ).json();
    const citizenText = JSON.stringify(citizenView);
    expect(citizenView.audience).toBe('citizen');
    expect(citizenText).toContain(marker.reply);
    expect(citizenView.caseFile).toBeUndefined();
    expect(citizenView.timeline.map((e: { type: string }) => e.type)).toContain('info-added');
    for (const forbidden of [
      marker.note,
      marker.opinion,
      'TEAM_LEADER',
      `${street.handlerNo} (`,
      'resumed',
      'previousDueAt',
      'least open load',
      '열린 민원 최소',
      'answer-returned',
    ]) {
      expect(citizenText, forbidden).not.toContain(forbidden);
    }

    // Mails to the citizen: the reply arrives with an absolute link; no internal text.
    const mails = await waitFor(async () => {
      const rows = await stack.prisma.devMail.findMany({ where: { to: { contains: citizenEmail } } });
      return rows.some((m) => m.text.includes(marker.reply)) ? rows : undefined;
    });
    const mailText = mails.map((m) => m.text).join('\n');
    expect(mailText).toContain(`https://minwon.example.go.kr/my-space?receiptNo=${street.receiptNo}`);
    for (const forbidden of [marker.note, marker.opinion, 'TEAM_LEADER', 'least open load']) {
      expect(mailText, forbidden).not.toContain(forbidden);
    }
    expect(mailText).not.toMatch(/(^|\s)\/my-space/m);
  }, 90_000);

  it('takes a repeated note with the same Idempotency-Key once, and refuses the key for a different note', async () => {
    const handler = await session(street.handlerNo);
    const post = (body: string) =>
      stack.app.inject({
        method: 'POST',
        url: `/api/complaints/${street.receiptNo}/notes`,
        headers: { ...handler, 'idempotency-key': `again-${run}` },
        payload: { body },
      });
    const first = await post('두 번 보내도 한 번만');
    const second = await post('두 번 보내도 한 번만');
    expect(first.statusCode).toBe(201);
    expect(second.json().id).toBe(first.json().id);
    expect(
      await stack.prisma.complaintMessage.count({
        where: { receiptNo: street.receiptNo, body: '두 번 보내도 한 번만' },
      }),
    ).toBe(1);
    expect((await post('다른 내용')).statusCode).toBe(409);
    const audits = await stack.prisma.auditLog.count({
      where: { action: 'complaint.note', subject: `complaint:${street.receiptNo}` },
    });
    expect(audits).toBe(2);
  });

  it('refuses notes from staff outside the scope and replies from a team member who is not the handler', async () => {
    const outsider = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${street.receiptNo}/notes`,
      headers: await session('E3201'),
      payload: { body: '범위 밖 메모' },
    });
    expect(outsider.statusCode).toBe(404);
    const colleagueNo = street.handlerNo === 'E1201' ? 'E1202' : 'E1201';
    const colleague = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${street.receiptNo}/replies`,
      headers: await session(colleagueNo),
      payload: { body: '동료의 답글' },
    });
    expect(colleague.statusCode).toBe(403);
    expect(colleague.json().error.message).toContain('handler');
  });

  it('finds a complaint by a Korean word from the middle of its body, only within the caller’s scope', async () => {
    const q = `q=${encodeURIComponent(bodyWord)}`;
    const found = (items: { receiptNo: string }[]) => items.map((i) => i.receiptNo).sort();
    // T12 staff and their director see the street report; T32 staff and HQ3's director the facility one.
    expect(found((await search('E1203', q)).items)).toEqual([street.receiptNo]);
    expect(found((await search('E0100', q)).items)).toEqual([street.receiptNo]);
    expect(found((await search('E3203', q)).items)).toEqual([facility.receiptNo]);
    expect(found((await search('E0300', q)).items)).toEqual([facility.receiptNo]);
    expect(found((await search('E2101', q)).items)).toEqual([]);
    expect(found((await search('E0001', q)).items)).toEqual([street.receiptNo, facility.receiptNo].sort());
    // A filter narrows within the scope; lists mask the citizen's name.
    const byCategory = await search('E0001', `${q}&category=G-FACILITY`);
    expect(found(byCategory.items)).toEqual([facility.receiptNo]);
    expect(byCategory.items[0]!.citizen).toBe('박*민');
    // The search runs on the trigram index.
    const words = await stack.prisma.$queryRaw<[{ n: number }]>`
      SELECT COUNT(*)::int AS n FROM "Complaint" WHERE (title || ' ' || body) ILIKE ${`%${bodyWord}%`}`;
    expect(words[0].n).toBe(2);
  });

  it('pages with a cursor in a stable order, and answers 422 for a cursor it did not give out', async () => {
    const q = `q=${encodeURIComponent(bodyWord)}&limit=1`;
    const first = await search('E0001', q);
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = await search('E0001', `${q}&cursor=${first.nextCursor}`);
    expect(second.items).toHaveLength(1);
    expect(second.items[0]!.receiptNo).not.toBe(first.items[0]!.receiptNo);
    expect(second.nextCursor).toBeNull();
    // Newest first by default: the facility complaint was filed second.
    expect(first.items[0]!.receiptNo).toBe(facility.receiptNo);
    const bad = await stack.app.inject({
      method: 'GET',
      url: '/api/complaints?cursor=nonsense',
      headers: await session('E0001'),
    });
    expect(bad.statusCode).toBe(422);
  });

  it('lists the same instants and filters by them whatever the server process’s time zone is', async () => {
    const stored = await stack.prisma.complaint.findUniqueOrThrow({ where: { receiptNo: street.receiptNo } });
    const receivedAt = stored.receivedAt.toISOString();
    const window = (from: number, to: number) =>
      `q=${encodeURIComponent(bodyWord)}&category=${stored.categoryCode}` +
      `&receivedFrom=${new Date(stored.receivedAt.getTime() + from).toISOString()}` +
      `&receivedTo=${new Date(stored.receivedAt.getTime() + to).toISOString()}`;
    const zone = process.env.TZ;
    try {
      // A server in Korea: the zone-less columns hold UTC, and neither the answer nor a filter may shift by 9 h.
      process.env.TZ = 'Asia/Seoul';
      const inside = await search('E0001', window(-1000, 1000));
      expect(inside.items.map((i) => [i.receiptNo, i.receivedAt])).toEqual([[street.receiptNo, receivedAt]]);
      expect((await search('E0001', window(1000, 3_600_000))).items).toEqual([]);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('counts the saved queues of the staff home page: the handler’s open cases include the new one', async () => {
    const response = await stack.app.inject({
      method: 'GET',
      url: '/api/complaints/queues',
      headers: await session(facility.handlerNo),
    });
    const queues = response.json<{ queues: { id: string; count: number }[] }>().queues;
    expect(queues.map((q) => q.id)).toEqual(['my-open', 'due-today']);
    expect(queues.find((q) => q.id === 'my-open')!.count).toBeGreaterThanOrEqual(1);
    const mine = await search(facility.handlerNo, 'queue=my-open&limit=200');
    expect(mine.items.map((i) => i.receiptNo)).toContain(facility.receiptNo);
  });

  it('lists assignable staff of a team with their current open load for the pickers', async () => {
    const response = await stack.app.inject({
      method: 'GET',
      url: '/api/staff/assignable?team=T32',
      headers: await session('E3200'),
    });
    const staff = response.json<{ staff: { employeeNo: string; openLoad: number }[] }>().staff;
    expect(staff.map((s) => s.employeeNo)).toContain(facility.handlerNo);
    expect(staff.find((s) => s.employeeNo === facility.handlerNo)!.openLoad).toBeGreaterThanOrEqual(1);
  });
});

describe('casework: repeated complaints and canned answers', () => {
  let first: Awaited<ReturnType<typeof file>>;
  let again: Awaited<ReturnType<typeof file>>;
  let lookalike: Awaited<ReturnType<typeof file>>;
  const email = `repeat.${run}@example.com`;
  const text = `시장골목 배수구가 막혀 비만 오면 물이 넘칩니다 ${run}. 배수구 청소를 요청합니다.`;

  beforeAll(async () => {
    first = await file('S-REPORT', text, email);
    again = await file('S-REPORT', `다시 신고합니다. ${text}`, email);
    lookalike = await file('S-REPORT', `${text} 같은 문제입니다.`, `neighbour.${run}@example.com`);
  }, 120_000);

  it('suggests the same citizen’s and similar complaints in the category, and records a handler’s link once, audited', async () => {
    const handler = await session(again.handlerNo);
    const similar = await stack.app.inject({
      method: 'GET',
      url: `/api/complaints/${again.receiptNo}/similar`,
      headers: handler,
    });
    expect(similar.statusCode, similar.body).toBe(200);
    const found = similar.json<{ similar: { receiptNo: string; why: string }[] }>().similar;
    expect(found.find((s) => s.receiptNo === first.receiptNo)?.why).toBe('same-citizen');
    expect(found.find((s) => s.receiptNo === lookalike.receiptNo)?.why).toBe('similar-text');
    expect(found.map((s) => s.receiptNo)).not.toContain(again.receiptNo);

    const link = () =>
      stack.app.inject({
        method: 'POST',
        url: `/api/complaints/${again.receiptNo}/links`,
        headers: handler,
        payload: { relatedReceiptNo: first.receiptNo, kind: 'repeated', reason: '같은 배수구 반복 신고' },
      });
    expect((await link()).statusCode).toBe(201);
    expect((await link()).statusCode).toBe(200);
    expect(await stack.prisma.complaintLink.count({ where: { receiptNo: again.receiptNo } })).toBe(1);
    expect(
      await stack.prisma.auditLog.count({
        where: { action: 'complaint.linked', subject: `complaint:${again.receiptNo}` },
      }),
    ).toBe(1);
    // Seen from the other side too.
    const fromFirst = await stack.app.inject({
      method: 'GET',
      url: `/api/complaints/${first.receiptNo}/similar`,
      headers: await session('E1200'),
    });
    expect(fromFirst.json().links).toEqual([
      expect.objectContaining({
        receiptNo: again.receiptNo,
        kind: 'repeated',
        reason: '같은 배수구 반복 신고',
      }),
    ]);
    const colleagueNo = again.handlerNo === 'E1201' ? 'E1202' : 'E1201';
    const refused = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${again.receiptNo}/links`,
      headers: await session(colleagueNo),
      payload: { relatedReceiptNo: lookalike.receiptNo, kind: 'duplicate', reason: '중복' },
    });
    expect(refused.statusCode).toBe(403);
  });

  it('lets the team leader keep canned answers for a category, fills them for a case when a handler inserts one, and counts the use', async () => {
    const leader = await session('E1200');
    const create = (payload: object, headers: Record<string, string> = leader) =>
      stack.app.inject({ method: 'POST', url: '/api/canned-answers', headers, payload });
    const created = await create({
      categoryCode: 'S-REPORT',
      title: `배수구 안내 ${run}`,
      body: '{citizenName}님, 접수번호 {receiptNo} 민원은 {dueDate}까지 처리하겠습니다.',
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as number;
    expect(
      (await create({ categoryCode: 'S-REPORT', title: '틀림', body: '{citizen} 님께' })).statusCode,
    ).toBe(422);
    expect(
      (
        await create(
          { categoryCode: 'S-REPORT', title: '직원', body: '직원은 만들 수 없습니다' },
          await session('E1201'),
        )
      ).statusCode,
    ).toBe(403);
    expect(
      (await create({ categoryCode: 'G-FACILITY', title: '남의 팀', body: '다른 팀 분야입니다' })).statusCode,
    ).toBe(403);

    const handler = await session(first.handlerNo);
    const used = await stack.app.inject({
      method: 'POST',
      url: `/api/canned-answers/${id}/use`,
      headers: handler,
      payload: { receiptNo: first.receiptNo },
    });
    expect(used.statusCode, used.body).toBe(200);
    expect(used.json().text).toMatch(
      new RegExp(`^박시민님, 접수번호 ${first.receiptNo} 민원은 20\\d\\d년 \\d+월 \\d+일까지`),
    );
    expect(used.json().usageCount).toBe(1);
    const wrongCategory = await stack.app.inject({
      method: 'POST',
      url: `/api/canned-answers/${id}/use`,
      headers: await session('E0001'),
      payload: { receiptNo: facility.receiptNo },
    });
    expect(wrongCategory.statusCode).toBe(422);
    const listed = await stack.app.inject({
      method: 'GET',
      url: '/api/canned-answers?category=S-REPORT',
      headers: handler,
    });
    expect(listed.json().items.find((a: { id: number }) => a.id === id).usageCount).toBe(1);
  });
});
