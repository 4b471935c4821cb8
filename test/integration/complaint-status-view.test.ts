import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  citizenTimeline,
  citizenView,
  complaintViewInclude,
  loadRepeatOf,
  messageAuthors,
  staffView,
} from '../../api/complaint-views.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';
import { disagreements } from '../support/contract.ts';
import { ComplaintView } from '../../contracts/complaints.ts';
import { login } from '../support/session.ts';
import { multipartBody, pdfDocument, pngPicture } from '../support/multipart.ts';

/**
 * Issue 16: the status read and the staff views come from one statement (loadComplaintForView) instead of
 * Prisma's include. They must say exactly what the views built from the source tables through Prisma say,
 * field by field, on cases that hold every kind of event and message, and the citizen's view must still
 * carry nothing internal.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const run = randomUUID().slice(0, 8);
const marker = {
  note: `VIEW-NOTE-${run}`,
  opinion: `VIEW-OPINION-${run}`,
  draft: `VIEW-DRAFT-${run}`,
  transfer: `VIEW-TRANSFER-${run}`,
  reply: `VIEW-REPLY-${run}`,
  question: `VIEW-QUESTION-${run}`,
  info: `VIEW-INFO-${run}`,
  consultation: `VIEW-CONSULT-${run}`,
  consultReply: `VIEW-CONSULT-REPLY-${run}`,
  extension: `VIEW-EXTEND-${run}`,
  answer: `VIEW-ANSWER-${run}`,
  comment: `VIEW-COMMENT-${run}`,
};

interface Filed {
  receiptNo: string;
  accessCode: string;
  handler: string;
  leader: string;
}

async function file(categoryCode: string): Promise<Filed> {
  const filed = (
    await stack.app.inject({
      method: 'POST',
      url: '/api/complaints',
      payload: {
        categoryCode,
        title: '보도블록 파손 신고',
        body: `집 앞 인도 보도블록이 깨져 있습니다. ${run}`,
        citizen: { name: '김시민', email: `status-view.${run}@example.com`, phone: '010-1234-5678' },
        location: { address: '세종시 한누리대로 2130', latitude: 36.48, longitude: 127.29 },
      },
    })
  ).json<{ receiptNo: string; accessCode: string }>();
  const row = await waitFor(async () => {
    const complaint = await stack.prisma.complaint.findUnique({
      where: { receiptNo: filed.receiptNo },
      include: { handler: true, team: true },
    });
    return complaint?.handler && complaint.stage === 'assigned' ? complaint : undefined;
  }, 30_000);
  const leader = await stack.prisma.staff.findFirstOrThrow({
    where: { role: 'TEAM_LEADER', unitId: row.teamId },
  });
  return { ...filed, handler: row.handler!.employeeNo, leader: leader.employeeNo };
}

const act = async (
  receiptNo: string,
  action: string,
  headers: Record<string, string>,
  payload: object = {},
) => {
  const response = await stack.app.inject({
    method: 'POST',
    url: `/api/complaints/${receiptNo}/actions/${action}`,
    headers,
    payload,
  });
  expect(response.statusCode, `${action}: ${response.body}`).toBe(200);
  return response.json();
};
const asCitizen = async (complaint: Filed, action: string, payload: object) => {
  const response = await stack.app.inject({
    method: 'POST',
    url: `/api/complaints/${complaint.receiptNo}/citizen/${action}`,
    headers: { 'x-access-code': complaint.accessCode },
    payload,
  });
  expect(response.statusCode, `${action}: ${response.body}`).toBe(200);
};
const message = async (receiptNo: string, kind: 'notes' | 'replies', headers: object, body: string) => {
  const response = await stack.app.inject({
    method: 'POST',
    url: `/api/complaints/${receiptNo}/${kind}`,
    headers: headers as Record<string, string>,
    payload: { body },
  });
  expect(response.statusCode, response.body).toBe(201);
};

/** The views as they were built before issue 16: Prisma's include over the source tables. */
async function referenceViews(receiptNo: string) {
  const loaded = await stack.prisma.complaint.findUniqueOrThrow({
    where: { receiptNo },
    include: complaintViewInclude,
  });
  const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  const repeatOf = await loadRepeatOf(stack.prisma, loaded);
  return {
    citizen: json({ ...citizenView(loaded), repeatOf }),
    staff: json({ ...staffView(loaded, await messageAuthors(stack.prisma, loaded)), repeatOf }),
  };
}

const read = async (receiptNo: string, headers: Record<string, string>) => {
  const response = await stack.app.inject({ method: 'GET', url: `/api/complaints/${receiptNo}`, headers });
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json<Record<string, unknown>>();
  // Built or sent from the store as it was kept, the answer is exactly the published contract.
  expect(disagreements(ComplaintView, body), `${receiptNo} as ${body.audience}`).toEqual([]);
  return body;
};

/**
 * The citizen's status read, which after its first call answers from the view kept as sent: it must say
 * what a view built now from the source tables says, whatever was written since the last read.
 */
async function expectCitizenCurrent(complaint: Filed, step: string) {
  const reference = await referenceViews(complaint.receiptNo);
  expectSameView(
    await read(complaint.receiptNo, { 'x-access-code': complaint.accessCode }),
    reference.citizen,
    step,
  );
  // The read above stored it; the next one is answered from the store, and must say the same.
  expect(await storedVersion(complaint.receiptNo), `${step}: stored`).toBe(
    await viewVersion(complaint.receiptNo),
  );
  expectSameView(
    await read(complaint.receiptNo, { 'x-access-code': complaint.accessCode }),
    reference.citizen,
    `${step}, from the store`,
  );
}
const viewVersion = async (receiptNo: string) =>
  (await stack.prisma.complaint.findUniqueOrThrow({ where: { receiptNo } })).viewVersion;
const storedVersion = async (receiptNo: string) =>
  (await stack.prisma.complaintCitizenView.findUnique({ where: { receiptNo } }))?.version;

/** Field by field, so a difference names the field; then the whole object, so no field is missing. */
function expectSameView(actual: Record<string, unknown>, expected: Record<string, unknown>, who: string) {
  expect(Object.keys(actual).sort(), `${who}: fields`).toEqual(Object.keys(expected).sort());
  for (const key of Object.keys(expected)) expect(actual[key], `${who}: ${key}`).toEqual(expected[key]);
  expect(actual).toEqual(expected);
}

function expectNothingInternal(view: Record<string, unknown>) {
  const text = JSON.stringify(view);
  for (const forbidden of [marker.note, marker.opinion, marker.draft, 'TEAM_LEADER', 'least open load'])
    expect(text, forbidden).not.toContain(forbidden);
  for (const entry of view.timeline as Array<{ type: string; detail: Record<string, unknown> }>) {
    expect(Object.keys(citizenTimeline)).toContain(entry.type);
    for (const key of Object.keys(entry.detail)) expect(citizenTimeline[entry.type]).toContain(key);
  }
  expect(view.caseFile).toBeUndefined();
  expect(view.draftAnswer).toBeNull();
}

describe('status and staff views from one statement', () => {
  it('match the views built from the source tables on a case with every kind of event, and keep internal text from the citizen', async () => {
    const complaint = await file('S-REPORT');
    const handler = await login(stack.app, complaint.handler);
    const leader = await login(stack.app, complaint.leader);
    const { receiptNo } = complaint;

    await expectCitizenCurrent(complaint, 'filed');
    await message(receiptNo, 'notes', handler, `현장 확인 필요 ${marker.note}`);
    // Files on an internal note and on the citizen's added information: the statement brings both.
    const note = await multipartBody({ body: '현장 사진 검토 메모' }, [
      { name: `internal-${marker.note}.pdf`, bytes: pdfDocument(marker.note), type: 'application/pdf' },
    ]);
    const noteWithFile = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${receiptNo}/notes`,
      headers: { ...handler, ...note.headers },
      payload: note.payload,
    });
    expect(noteWithFile.statusCode, noteWithFile.body).toBe(201);
    await expectCitizenCurrent(complaint, 'internal note with a file');
    await message(receiptNo, 'replies', handler, `확인하겠습니다 ${marker.reply}`);
    await expectCitizenCurrent(complaint, 'reply');
    await act(receiptNo, 'accept', handler);
    await expectCitizenCurrent(complaint, 'accepted');
    await act(receiptNo, 'request-info', handler, {
      question: `사진 부탁 ${marker.question}`,
      deadlineDays: 5,
    });
    await asCitizen(complaint, 'add-info', { text: `사진 첨부 ${marker.info}` });
    await expectCitizenCurrent(complaint, 'info added');
    const info = await multipartBody({ text: '현장 사진을 보냅니다' }, [
      { name: '현장사진.png', bytes: await pngPicture(7), type: 'image/png' },
    ]);
    const infoWithFile = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${receiptNo}/citizen/add-info`,
      headers: { 'x-access-code': complaint.accessCode, ...info.headers },
      payload: info.payload,
    });
    expect(infoWithFile.statusCode, infoWithFile.body).toBe(200);
    await expectCitizenCurrent(complaint, 'info with a file');
    await asCitizen(complaint, 'request-consultation', { message: `상담 요청 ${marker.consultation}` });
    await act(receiptNo, 'answer-consultation', handler, { reply: `상담 답변 ${marker.consultReply}` });
    await expectCitizenCurrent(complaint, 'consultation answered');
    await act(receiptNo, 'request-extension', handler, { reason: `자재 수급 ${marker.extension}`, days: 3 });
    await expectCitizenCurrent(complaint, 'extended');
    await act(receiptNo, 'draft-answer', handler, { answer: `초안 ${marker.draft}` });
    // The staff action's own answer is the view from the new statement too.
    const returned = await act(receiptNo, 'review', leader, {
      decision: 'return',
      opinion: `근거 보강 ${marker.opinion}`,
    });
    expectSameView(returned, (await referenceViews(receiptNo)).staff, 'review answer');
    await act(receiptNo, 'draft-answer', handler, { answer: `보수 완료 ${marker.answer}` });
    await act(receiptNo, 'review', leader, { decision: 'approve' });
    await expectCitizenCurrent(complaint, 'answer approved');
    const rated = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${receiptNo}/rating`,
      headers: { 'x-access-code': complaint.accessCode },
      payload: { score: 4, comment: marker.comment },
    });
    expect(rated.statusCode, rated.body).toBe(200);

    const reference = await referenceViews(receiptNo);
    const citizen = await read(receiptNo, { 'x-access-code': complaint.accessCode });
    expectSameView(citizen, reference.citizen, 'citizen');
    expectSameView(await read(receiptNo, handler), reference.staff, 'handler');
    expectSameView(await read(receiptNo, leader), reference.staff, 'leader');

    expect((reference.staff.attachments as unknown[]).length).toBe(2);
    expect((reference.citizen.attachments as Array<{ fileName: string }>).map((a) => a.fileName)).toEqual([
      '현장사진.png',
    ]);
    // The case did hold every kind: the comparison above is not over an empty timeline.
    const staffText = JSON.stringify(reference.staff);
    for (const text of Object.values(marker).filter((m) => m !== marker.transfer))
      expect(staffText, text).toContain(text);
    const types = (reference.staff.timeline as Array<{ type: string }>).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'received',
        'assigned',
        'accepted',
        'info-requested',
        'info-added',
        'consultation-requested',
        'consultation-answered',
        'extended',
        'answer-returned',
        'answer-approved',
        'rated',
      ]),
    );
    expect(citizen.answer).toContain(marker.answer);
    expect(JSON.stringify(citizen)).toContain(marker.reply);
    expect(JSON.stringify(citizen)).toContain(marker.info);
    expectNothingInternal(citizen);
  }, 120_000);

  it('match after a transfer to another team, for the citizen and the new team', async () => {
    const complaint = await file('S-REPORT');
    const handler = await login(stack.app, complaint.handler);
    await message(complaint.receiptNo, 'notes', handler, `이관 전 메모 ${marker.note}`);
    const target = await stack.prisma.orgUnit.findFirstOrThrow({
      where: {
        kind: 'TEAM',
        NOT: {
          code: (
            await stack.prisma.complaint.findUniqueOrThrow({
              where: { receiptNo: complaint.receiptNo },
              include: { team: true },
            })
          ).team.code,
        },
      },
      orderBy: { code: 'asc' },
    });
    await act(complaint.receiptNo, 'transfer', handler, {
      teamCode: target.code,
      reason: `소관 아님 ${marker.transfer}`,
    });
    const reference = await referenceViews(complaint.receiptNo);
    expect(JSON.stringify(reference.staff)).toContain(target.code);
    const citizen = await read(complaint.receiptNo, { 'x-access-code': complaint.accessCode });
    expectSameView(citizen, reference.citizen, 'citizen after transfer');
    expectNothingInternal(citizen);
    expect(JSON.stringify(citizen)).not.toContain(marker.transfer);
    const director = await login(stack.app, 'E0001');
    expectSameView(await read(complaint.receiptNo, director), reference.staff, 'head after transfer');
  }, 120_000);

  it('answers the status read from the stored view only while nothing the citizen sees has changed', async () => {
    const complaint = await file('S-REPORT');
    const { receiptNo, accessCode } = complaint;
    await expectCitizenCurrent(complaint, 'filed');
    // A planted document under the current version is what the read sends: the store is in use ...
    const planted = `STORED-VIEW-${run}`;
    const stored = await stack.prisma.complaintCitizenView.findUniqueOrThrow({ where: { receiptNo } });
    await stack.prisma.complaintCitizenView.update({
      where: { receiptNo },
      data: { doc: stored.doc.replace('보도블록 파손 신고', planted) },
    });
    expect((await read(receiptNo, { 'x-access-code': accessCode })).title).toBe(planted);
    // ... and the wrong code is refused before it, as before.
    const wrong = await stack.app.inject({
      method: 'GET',
      url: `/api/complaints/${receiptNo}`,
      headers: { 'x-access-code': 'WRONGCODE1' },
    });
    expect(wrong.statusCode).toBe(404);
    expect(wrong.body).not.toContain(planted);

    // Every writer that can change the citizen's view makes the next read build it anew.
    const row = await stack.prisma.complaint.findUniqueOrThrow({
      where: { receiptNo },
      include: { handler: true, team: true, category: true },
    });
    const writes: Array<[string, () => Promise<unknown>, string]> = [
      [
        'the handler renamed',
        () => stack.prisma.staff.update({ where: { id: row.handlerId! }, data: { nameKo: `개명-${run}` } }),
        `개명-${run}`,
      ],
      [
        'the team renamed',
        () => stack.prisma.orgUnit.update({ where: { id: row.teamId }, data: { nameKo: `새팀-${run}` } }),
        `새팀-${run}`,
      ],
      [
        'the category renamed',
        () =>
          stack.prisma.complaintCategory.update({
            where: { code: row.categoryCode },
            data: { nameEn: `Renamed ${run}` },
          }),
        `Renamed ${run}`,
      ],
      [
        'a timeline event recorded by hand',
        () =>
          stack.prisma.complaintEvent.create({
            data: {
              receiptNo,
              eventKey: `manual-${run}`,
              at: new Date(),
              type: 'interim-notice',
              stage: row.stage,
              actor: 'system',
            },
          }),
        'interim-notice',
      ],
      [
        'the complaint row changed',
        () => stack.prisma.complaint.update({ where: { receiptNo }, data: { overdue: true } }),
        '"overdue":true',
      ],
    ];
    try {
      for (const [what, write, shows] of writes) {
        const before = await viewVersion(receiptNo);
        await write();
        expect(await viewVersion(receiptNo), what).toBeGreaterThan(before);
        const view = await read(receiptNo, { 'x-access-code': accessCode });
        expect(JSON.stringify(view), what).toContain(shows);
        expect(JSON.stringify(view), what).not.toContain(planted);
        await expectCitizenCurrent(complaint, what);
      }
    } finally {
      await stack.prisma.staff.update({
        where: { id: row.handlerId! },
        data: { nameKo: row.handler!.nameKo },
      });
      await stack.prisma.orgUnit.update({ where: { id: row.teamId }, data: { nameKo: row.team.nameKo } });
      await stack.prisma.complaintCategory.update({
        where: { code: row.categoryCode },
        data: { nameEn: row.category.nameEn },
      });
    }
  }, 120_000);

  it('answers an unknown receipt number or a wrong access code as not found', async () => {
    const complaint = await file('S-REPORT');
    const wrong = await stack.app.inject({
      method: 'GET',
      url: `/api/complaints/${complaint.receiptNo}`,
      headers: { 'x-access-code': 'WRONGCODE1' },
    });
    expect(wrong.statusCode).toBe(404);
    const unknown = await stack.app.inject({
      method: 'GET',
      url: '/api/complaints/MW-1999-0000001',
      headers: { 'x-access-code': complaint.accessCode },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBeDefined();
  }, 60_000);
});
