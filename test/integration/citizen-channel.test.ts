import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_VERSION } from '../../domain/citizen-channel.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';
import { login } from '../support/session.ts';
import { DEMO_PASSWORD } from '../support/constants.ts';
import { hashPassword } from '../../api/login-guard.ts';

/** Filing with consent, phone and place; sign-in links to My Space; the survey link's view and reopen. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const consent = { version: CONSENT_VERSION, agreed: true };

function file(payload: Record<string, unknown>) {
  return stack.app.inject({
    method: 'POST',
    url: '/api/complaints',
    payload: {
      categoryCode: 'G-STAFF',
      title: '민원실 응대 불친절',
      body: '민원실 직원의 응대가 불친절했습니다. 개선을 요청합니다.',
      citizen: { name: '이시민', email: 'channel.citizen@example.com' },
      consent,
      ...payload,
    },
  });
}

const cookieOf = (response: { cookies: { name: string; value: string }[] }) =>
  response.cookies.find((c) => c.name === 'citizen_session')?.value;

describe('filing with consent, phone and place', () => {
  it('refuses a complaint whose personal-data consent was refused with a 422 naming the consent', async () => {
    const refused = await file({ consent: { version: CONSENT_VERSION, agreed: false } });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('VALIDATION');
    expect(refused.json().error.message).toMatch(/^consent/);
    expect(refused.json().error.message).toContain('개인정보 수집·이용');
    expect(refused.json().error.details).toEqual([{ path: '/consent/agreed', message: expect.any(String) }]);

    const unknownVersion = await file({ consent: { version: 'privacy-1999', agreed: true } });
    expect(unknownVersion.statusCode).toBe(422);
    expect(unknownVersion.json().error.message).toContain(CONSENT_VERSION);
  });

  it('refuses a malformed phone and half a coordinate with a 422 naming the field', async () => {
    const phone = await file({ citizen: { name: '이시민', email: 'a@example.com', phone: 'call me' } });
    expect(phone.statusCode).toBe(422);
    expect(JSON.stringify(phone.json().error)).toContain('phone');
    const half = await file({ location: { latitude: 37.5 } });
    expect(half.statusCode).toBe(422);
    expect(half.json().error.message).toMatch(/^location/);
    const far = await file({ location: { latitude: 95, longitude: 127 } });
    expect(far.statusCode).toBe(422);
    expect(JSON.stringify(far.json().error)).toContain('latitude');
  });

  it('stores the consent version and time, the phone and the place, and shows them to the citizen', async () => {
    const filed = await file({
      citizen: { name: '이시민', email: 'channel.citizen@example.com', phone: '010-1234-5678' },
      location: { address: '서울특별시 종로구 세종대로 209', latitude: 37.5759, longitude: 126.9768 },
    });
    expect(filed.statusCode).toBe(202);
    const { receiptNo, accessCode } = filed.json();
    const stored = await stack.prisma.complaint.findUniqueOrThrow({ where: { receiptNo } });
    expect(stored.consentVersion).toBe(CONSENT_VERSION);
    expect(stored.consentedAt?.getTime()).toBe(stored.receivedAt.getTime());
    const view = (
      await stack.app.inject({
        method: 'GET',
        url: `/api/complaints/${receiptNo}`,
        headers: { 'x-access-code': accessCode },
      })
    ).json();
    expect(view.citizenPhone).toBe('010-1234-5678');
    expect(view.location).toEqual({
      address: '서울특별시 종로구 세종대로 209',
      latitude: 37.5759,
      longitude: 126.9768,
    });
  });
});

describe('sign-in links to My Space', () => {
  const email = 'signin.link.citizen@example.com';
  const signInMails = () =>
    stack.prisma.devMail.findMany({
      where: { to: { contains: email }, subject: { contains: '로그인 링크' } },
    });
  const ask = (address: string) =>
    stack.app.inject({ method: 'POST', url: '/api/citizen/sign-in-link', payload: { email: address } });

  it('answers the same for an unknown address and mails nothing', async () => {
    const unknown = await ask('nobody.filed.anything@example.com');
    expect(unknown.statusCode).toBe(202);
    expect(unknown.json()).toEqual({ status: 'accepted' });
    // The link (and with it the mail) is decided before the answer: no link, no mail to wait for.
    expect(
      await stack.prisma.citizenSignInLink.count({ where: { email: 'nobody.filed.anything@example.com' } }),
    ).toBe(0);
    expect(
      await stack.prisma.devMail.count({ where: { to: { contains: 'nobody.filed.anything@example.com' } } }),
    ).toBe(0);
  });

  it('mails a one-time link that opens every complaint of the address, and refuses it the second time', async () => {
    const first = (await file({ citizen: { name: '박링크', email }, title: '첫 번째 링크 민원' })).json();
    const second = (
      await file({ citizen: { name: '박링크', email: email.toUpperCase() }, title: '두 번째 링크 민원' })
    ).json();
    const other = (await file({ title: '다른 사람의 민원' })).json();

    const answer = await ask(email);
    expect(answer.statusCode).toBe(202);
    expect(answer.json()).toEqual({ status: 'accepted' });
    const [mail] = await waitFor(async () => {
      const mails = await signInMails();
      return mails.length > 0 ? mails : undefined;
    });
    expect(mail!.text).toContain('2건');
    const token = /\/my-space\?token=([A-Za-z0-9_-]+)/.exec(mail!.text)![1]!;
    expect(await stack.prisma.citizenSignInLink.count({ where: { tokenHash: token } })).toBe(0);

    const opened = await stack.app.inject({
      method: 'POST',
      url: '/api/citizen/session',
      payload: { token },
    });
    expect(opened.statusCode).toBe(200);
    const session = cookieOf(opened);
    expect(session).toBeDefined();
    expect(opened.cookies.find((c) => c.name === 'citizen_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });
    const cookie = `citizen_session=${session}`;
    const list = await stack.app.inject({
      method: 'GET',
      url: '/api/citizen/complaints',
      headers: { cookie },
    });
    expect(list.statusCode).toBe(200);
    const receipts = list.json().map((c: { receiptNo: string }) => c.receiptNo);
    expect(receipts.sort()).toEqual([first.receiptNo, second.receiptNo].sort());
    expect(receipts).not.toContain(other.receiptNo);

    const detail = await stack.app.inject({
      method: 'GET',
      url: `/api/complaints/${second.receiptNo}`,
      headers: { cookie },
    });
    expect(detail.statusCode).toBe(200);
    expect(detail.json().title).toBe('두 번째 링크 민원');
    const foreign = await stack.app.inject({
      method: 'GET',
      url: `/api/complaints/${other.receiptNo}`,
      headers: { cookie },
    });
    expect(foreign.statusCode).toBe(401);
    // The link's session acts too, without the access code: only on the address's own complaints.
    const withdrawForeign = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${other.receiptNo}/citizen/withdraw`,
      headers: { cookie },
      payload: { reason: '남의 민원 취하 시도' },
    });
    expect(withdrawForeign.statusCode).toBeGreaterThanOrEqual(400);
    expect(withdrawForeign.statusCode).toBeLessThan(500);
    const withdrawn = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${second.receiptNo}/citizen/withdraw`,
      headers: { cookie },
      payload: { reason: '해결되어 취하합니다' },
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json().stage).toBe('withdrawn');
    expect(
      (await stack.prisma.complaint.findUniqueOrThrow({ where: { receiptNo: other.receiptNo } })).stage,
    ).not.toBe('withdrawn');

    const again = await stack.app.inject({ method: 'POST', url: '/api/citizen/session', payload: { token } });
    expect(again.statusCode).toBe(410);
    expect(again.json().error.code).toBe('LINK_EXPIRED');

    const signedOut = await stack.app.inject({
      method: 'DELETE',
      url: '/api/citizen/session',
      headers: { cookie },
    });
    expect(signedOut.statusCode).toBe(204);
    expect(
      (await stack.app.inject({ method: 'GET', url: '/api/citizen/complaints', headers: { cookie } }))
        .statusCode,
    ).toBe(403);
    expect(
      (await stack.app.inject({ method: 'GET', url: '/api/citizen/session', headers: { cookie } })).json(),
    ).toEqual({ email: null });
    const audit = await stack.prisma.auditLog.findMany({ where: { action: 'citizen.signed-in-by-link' } });
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.map((a) => a.subject).join()).not.toContain(email);
  });

  it('refuses an expired link, and mails at most three links an hour to one address', async () => {
    for (let i = 0; i < 4; i += 1) expect((await ask(email)).statusCode).toBe(202);
    // Each mail goes with a link stored before the answer: three links, so three mails and no fourth.
    expect(await stack.prisma.citizenSignInLink.count({ where: { email } })).toBe(3);
    await waitFor(async () => (await signInMails()).length >= 3);
    expect((await signInMails()).length).toBe(3);

    const newest = (await signInMails()).sort((a, b) => b.id - a.id)[0]!;
    const token = /\/my-space\?token=([A-Za-z0-9_-]+)/.exec(newest.text)![1]!;
    await stack.prisma.citizenSignInLink.updateMany({ where: { email }, data: { expiresAt: new Date(0) } });
    const expired = await stack.app.inject({
      method: 'POST',
      url: '/api/citizen/session',
      payload: { token },
    });
    expect(expired.statusCode).toBe(410);
  });
});

/** Other test files add staff to the shared database: the case may go to one whose password we do not know. */
async function signInAs(employeeNo: string) {
  await stack.prisma.staff.update({
    where: { employeeNo },
    data: { passwordHash: await hashPassword(DEMO_PASSWORD) },
  });
  return login(stack.app, employeeNo);
}

describe('the survey link', () => {
  it('shows the answer being rated, offers reopen after a low score and reopens with the survey token', async () => {
    const email = 'survey.reopen.citizen@example.com';
    const filed = (await file({ citizen: { name: '최설문', email } })).json();
    const { receiptNo } = filed;
    const assigned = await waitFor(async () =>
      stack.prisma.complaint.findFirst({
        where: { receiptNo, handlerId: { not: null } },
        include: { handler: true, team: true },
      }),
    );
    const handler = await signInAs(assigned.handler!.employeeNo);
    const leaderNo = (
      await stack.prisma.staff.findFirstOrThrow({
        where: { role: 'TEAM_LEADER', unit: { code: assigned.team.code } },
      })
    ).employeeNo;
    const leader = await signInAs(leaderNo);
    const act = (action: string, headers: Record<string, string>, payload: object = {}) =>
      stack.app.inject({
        method: 'POST',
        url: `/api/complaints/${receiptNo}/actions/${action}`,
        headers,
        payload,
      });
    expect((await act('accept', handler)).statusCode).toBe(200);
    expect(
      (await act('draft-answer', handler, { answer: '설문마커: 담당 직원 교육을 마쳤습니다.' })).statusCode,
    ).toBe(200);
    expect((await act('review', leader, { decision: 'approve', opinion: '승인' })).json().stage).toBe(
      'awaiting_rating',
    );

    const surveyMail = await waitFor(async () =>
      stack.prisma.devMail.findFirst({ where: { to: email, text: { contains: '/survey/' } } }),
    );
    const token = /token=([A-Za-z0-9_-]+)/.exec(surveyMail.text)![1]!;
    const survey = (path = '') => `/api/complaints/${receiptNo}/survey${path}?token=${token}`;

    const before = await stack.app.inject({ method: 'GET', url: survey() });
    expect(before.statusCode).toBe(200);
    expect(before.json()).toMatchObject({
      receiptNo,
      answer: '설문마커: 담당 직원 교육을 마쳤습니다.',
      canRate: true,
      canReopen: false,
      satisfaction: null,
    });
    const early = await stack.app.inject({
      method: 'POST',
      url: survey('/reopen'),
      payload: { reason: '불만족' },
    });
    expect(early.statusCode).toBe(409);

    const rated = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${receiptNo}/rating?token=${token}`,
      payload: { score: 2, comment: '불충분합니다' },
    });
    expect(rated.statusCode).toBe(200);
    const low = (await stack.app.inject({ method: 'GET', url: survey() })).json();
    expect(low).toMatchObject({ canRate: false, canReopen: true, satisfaction: { score: 2 } });

    const reopened = await stack.app.inject({
      method: 'POST',
      url: survey('/reopen'),
      payload: { reason: '재발 방지책이 빠져 있습니다' },
    });
    expect(reopened.statusCode).toBe(200);
    expect(reopened.json()).toMatchObject({ stage: 'in_progress', canReopen: false, canRate: false });
    const again = await stack.app.inject({
      method: 'POST',
      url: survey('/reopen'),
      payload: { reason: '다시' },
    });
    expect(again.statusCode).toBe(409);

    const wrong = await stack.app.inject({
      method: 'GET',
      url: `/api/complaints/${receiptNo}/survey?token=not-a-real-token-123`,
    });
    expect(wrong.statusCode).toBe(410);
    expect(wrong.json().error.code).toBe('LINK_EXPIRED');
  });
});
