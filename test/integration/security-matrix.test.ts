import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { acceptUpdate, reviewUpdate } from '../../domain/complaint-messages.ts';
import { routeAdmits, StaffRoles, type RouteAccess, type StaffRoleName } from '../../domain/policy.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';
import { login, type SessionHeaders } from '../support/session.ts';
import { ROLE_ACCOUNTS } from '../support/constants.ts';
import { ACCESS_TABLE } from '../support/access-table.ts';

/**
 * The generated authorisation matrix: every registered /api route × every kind of caller, with the
 * expected answer from the access table written apart from the routes (test/support/access-table.ts),
 * which must name exactly the registered routes with the access they declare; then the scope cases a role check alone
 * cannot catch (another citizen's complaint, another team's complaint, the head's approval, one's own result).
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

type Caller = 'anonymous' | 'citizen' | StaffRoleName;
const CALLERS: Caller[] = ['anonymous', 'citizen', ...StaffRoles];
/** One seeded person per role (see prisma/seed.ts). */
const PERSON: Record<StaffRoleName, string> = ROLE_ACCOUNTS;

async function fileComplaint(categoryCode = 'G-STAFF') {
  const response = await stack.app.inject({
    method: 'POST',
    url: '/api/complaints',
    payload: {
      categoryCode,
      title: '권한 시험 민원',
      body: '권한 행렬 시험을 위한 민원입니다.',
      citizen: { name: '권한시험', email: 'matrix.citizen@example.com' },
    },
  });
  expect(response.statusCode).toBe(202);
  return response.json() as { receiptNo: string; accessCode: string };
}

async function handlerOf(complaint: { receiptNo: string; accessCode: string }) {
  const view = await waitFor(async () => {
    const body = (
      await stack.app.inject({
        method: 'GET',
        url: `/api/complaints/${complaint.receiptNo}`,
        headers: { 'x-access-code': complaint.accessCode },
      })
    ).json();
    return body.handler ? body : undefined;
  });
  return { employeeNo: view.handler.employeeNo as string, team: view.team.code as string };
}

/** Params that fail validation: a caller the access layer admits gets 422 and nothing runs. */
const invalidParam = (name: string) => (name === 'year' ? 'not-a-year' : '-%20bad%20');
const fillParams = (url: string) => url.replace(/:([A-Za-z]+)/g, (_m, name: string) => invalidParam(name));

const sameAccess = (a: RouteAccess, b: RouteAccess) =>
  typeof a === 'string' || typeof b === 'string' ? a === b : [...a].sort().join() === [...b].sort().join();

describe('authorisation matrix (generated from the registered routes)', () => {
  it('has every registered route in the access table, with the access the table gives it, and no other', () => {
    const table = new Map(ACCESS_TABLE);
    expect(table.size, 'a route listed twice in the access table').toBe(ACCESS_TABLE.length);
    const registered = stack.app.apiRoutes.map((route) => `${route.method} ${route.url}`);
    expect(
      registered.filter((route) => !table.has(route)),
      'routes missing from the access table',
    ).toEqual([]);
    expect(
      [...table.keys()].filter((route) => !registered.includes(route)),
      'access table entries with no route',
    ).toEqual([]);
    const differing = stack.app.apiRoutes
      .filter((route) => !sameAccess(route.access, table.get(`${route.method} ${route.url}`)!))
      .map((route) => `${route.method} ${route.url}: declares ${JSON.stringify(route.access)}`);
    expect(differing, 'routes declaring other access than the table').toEqual([]);
  });

  it('answers every route × caller as the access table says: 401 anonymous, 403 wrong role, else admitted', async () => {
    const routes = stack.app.apiRoutes;
    expect(routes.length).toBeGreaterThan(40);
    const tableAccess = new Map(ACCESS_TABLE);
    const other = await fileComplaint();
    const sessions = new Map<StaffRoleName, SessionHeaders>();
    for (const role of StaffRoles) sessions.set(role, await login(stack.app, PERSON[role]));

    const headersOf = async (caller: Caller, route: { method: string; url: string }) => {
      if (caller === 'anonymous') return {};
      if (caller === 'citizen') return { 'x-access-code': other.accessCode };
      // Signing out would end the session the rest of the matrix uses: give it one of its own.
      if (route.url === '/api/auth/logout') return login(stack.app, PERSON[caller]);
      return sessions.get(caller)!;
    };

    const mismatches: string[] = [];
    let checked = 0;
    for (const route of routes) {
      for (const caller of CALLERS) {
        const access = tableAccess.get(`${route.method} ${route.url}`);
        if (access === undefined) throw new Error(`${route.method} ${route.url} is not in the access table`);
        const expected = routeAdmits(access, caller === 'citizen' ? 'anonymous' : caller);
        const response = await stack.app.inject({
          method: route.method as 'GET',
          url: fillParams(route.url),
          headers: await headersOf(caller, route),
          ...(route.method === 'GET' ? {} : { payload: [] as unknown as object }),
        });
        checked += 1;
        const roleDenied =
          response.statusCode === 403 && response.json().error.message.includes('needs one of the roles');
        const ok =
          expected === 'unauthenticated'
            ? response.statusCode === 401 && response.json().error.code === 'UNAUTHENTICATED'
            : expected === 'forbidden'
              ? roleDenied
              : response.statusCode !== 401 && !roleDenied && response.statusCode < 500;
        if (!ok)
          mismatches.push(
            `${route.method} ${route.url} as ${caller}: expected ${expected}, got ${response.statusCode} ${response.body}`,
          );
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(routes.length * CALLERS.length);
    console.log(
      `authorisation matrix: ${routes.length} routes × ${CALLERS.length} callers = ${checked} checks, 0 mismatches`,
    );
  });
});

describe('scope: what a role check alone does not catch', () => {
  it('answers a guessed receipt number with a wrong code exactly like a missing complaint', async () => {
    const mine = await fileComplaint();
    const victim = await fileComplaint();
    const [, year, seq] = /^MW-(\d{4})-(\d{7})$/.exec(victim.receiptNo)!;
    const guess = (offset: number) => `MW-${year}-${String(Number(seq) + offset).padStart(7, '0')}`;
    const missing = await stack.app.inject({
      method: 'GET',
      url: `/api/complaints/${guess(100_000)}`,
      headers: { 'x-access-code': mine.accessCode },
    });
    expect(missing.statusCode).toBe(404);
    // Sequential guesses around a real complaint, with a valid code for another one: all alike.
    for (let offset = -3; offset <= 3; offset += 1) {
      const receiptNo = guess(offset);
      if (receiptNo === mine.receiptNo) continue;
      for (const [method, url, payload] of [
        ['GET', `/api/complaints/${receiptNo}`, undefined],
        ['POST', `/api/complaints/${receiptNo}/citizen/add-info`, { text: '추가 자료입니다' }],
        ['POST', `/api/complaints/${receiptNo}/citizen/withdraw`, { reason: '' }],
        ['POST', `/api/complaints/${receiptNo}/rating`, { score: 5 }],
      ] as const) {
        const response = await stack.app.inject({
          method,
          url,
          headers: { 'x-access-code': mine.accessCode },
          payload,
        });
        expect(response.statusCode, `${method} ${url}`).toBe(404);
        expect(response.json()).toEqual(missing.json());
      }
    }
    // A forged survey token does not open it either.
    const forged = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${victim.receiptNo}/rating?token=forged-token-0123456789`,
      payload: { score: 1 },
    });
    expect(forged.statusCode).toBe(404);
  });

  it("refuses staff of another team, another team's leader and another headquarters' director (404), and a team-mate who is not the handler (403)", async () => {
    const complaint = await fileComplaint('G-STAFF');
    const { employeeNo: handlerNo, team } = await handlerOf(complaint);
    const outsiders = await stack.prisma.staff.findMany({
      where: { unit: { code: { not: team } }, role: { in: ['STAFF', 'TEAM_LEADER'] } },
      take: 2,
      orderBy: { employeeNo: 'asc' },
    });
    const hq = (
      await stack.prisma.orgUnit.findUniqueOrThrow({ where: { code: team }, include: { parent: true } })
    ).parent!.code;
    const otherDirector = await stack.prisma.staff.findFirstOrThrow({
      where: { role: 'DIRECTOR', unit: { code: { not: hq } } },
    });
    for (const outsider of [...outsiders, otherDirector]) {
      const headers = await login(stack.app, outsider.employeeNo);
      for (const [action, payload] of [
        ['accept', {}],
        ['review', { decision: 'approve', opinion: '' }],
        ['reassign', { employeeNo: outsider.employeeNo, reason: '제가 처리하겠습니다' }],
      ] as const) {
        const response = await stack.app.inject({
          method: 'POST',
          url: `/api/complaints/${complaint.receiptNo}/actions/${action}`,
          headers,
          payload,
        });
        expect(response.statusCode, `${outsider.employeeNo} ${action}`).toBe(404);
      }
      const read = await stack.app.inject({
        method: 'GET',
        url: `/api/complaints/${complaint.receiptNo}`,
        headers,
      });
      expect(read.statusCode).toBe(404);
    }
    const teammate = await stack.prisma.staff.findFirstOrThrow({
      where: { unit: { code: team }, role: 'STAFF', employeeNo: { not: handlerNo } },
    });
    const accept = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${complaint.receiptNo}/actions/accept`,
      headers: await login(stack.app, teammate.employeeNo),
      payload: {},
    });
    expect(accept.statusCode).toBe(403);
    expect(accept.json().error.message).toContain('assigned handler');
  });

  it("rejects a disallowed actor in the workflow's Update validator even when the API is bypassed", async () => {
    const complaint = await fileComplaint('G-STAFF');
    const { team } = await handlerOf(complaint);
    const handle = stack.temporal.workflow.getHandle(complaint.receiptNo);
    const forged = [
      acceptUpdate,
      {
        kind: 'staff' as const,
        employeeNo: 'E3101',
        role: 'STAFF',
        unitCode: 'T31',
        headquartersCode: 'HQ3',
      },
    ] as const;
    const codeOf = async (promise: Promise<unknown>) => {
      try {
        await promise;
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
        return (error as WorkflowUpdateFailedError).cause instanceof ApplicationFailure
          ? ((error as WorkflowUpdateFailedError).cause as ApplicationFailure).type
          : String(error);
      }
    };
    expect(await codeOf(handle.executeUpdate(forged[0], { args: [{ actor: forged[1] }] }))).toBe('FORBIDDEN');
    // A citizen may not accept; another team's leader cannot review (refused by actor or, before review, by stage).
    expect(await codeOf(handle.executeUpdate(acceptUpdate, { args: [{ actor: { kind: 'citizen' } }] }))).toBe(
      'FORBIDDEN',
    );
    const leaderElsewhere = {
      kind: 'staff' as const,
      employeeNo: 'E3100',
      role: 'TEAM_LEADER',
      unitCode: team === 'T31' ? 'T32' : 'T31',
    };
    const review = await codeOf(
      handle.executeUpdate(reviewUpdate, {
        args: [{ actor: leaderElsewhere, decision: 'approve' }],
      }),
    );
    expect(['FORBIDDEN', 'WRONG_STAGE']).toContain(review);
    const state = await stack.prisma.complaint.findUniqueOrThrow({
      where: { receiptNo: complaint.receiptNo },
    });
    expect(state.stage).toBe('assigned');
  });

  it('lets only the head decide the year end, and nobody adjust their own result', async () => {
    for (const employeeNo of [PERSON.HR, PERSON.STAFF, PERSON.ADMIN, PERSON.DIRECTOR]) {
      const response = await stack.app.inject({
        method: 'POST',
        url: '/api/performance/2026/year-end/decision',
        headers: await login(stack.app, employeeNo),
        payload: { decision: 'approve' },
      });
      expect(response.statusCode, employeeNo).toBe(403);
    }
    for (const hr of ['E0003', 'E0004']) {
      const own = await stack.app.inject({
        method: 'POST',
        url: '/api/performance/2026/year-end/adjustments',
        headers: await login(stack.app, hr),
        payload: { employeeNo: hr, finalScore: 120, reason: '본인 점수를 올립니다 (허용되면 안 됨)' },
      });
      expect(own.statusCode, hr).toBe(403);
      expect(own.json().error.message).toContain('own result');
    }
  });
});
