import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../prisma/seed.ts';
import { DEMO_PASSWORD } from '../support/constants.ts';
import { login, type SessionHeaders } from '../support/session.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';

/**
 * Editing strategic objectives and KPIs through the API, on the real stack: authorisation by unit,
 * validation naming the field, the year lock, audit entries, and the scorecard reflecting every change.
 * Years of their own, so no other file's workflow or lock interferes.
 */
const YEAR = 2036;
const LOCKED_YEAR = 2037;
const REVIEW_YEAR = 2038;

let stack: Stack;
const sessions = new Map<string, SessionHeaders>();

beforeAll(async () => {
  stack = await startStack();
  for (const year of [YEAR, LOCKED_YEAR, REVIEW_YEAR])
    await seedDatabase(stack.prisma, { year, demoPassword: DEMO_PASSWORD });
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

async function call(
  employeeNo: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  payload?: object,
) {
  if (!sessions.has(employeeNo)) sessions.set(employeeNo, await login(stack.app, employeeNo));
  return stack.app.inject({
    method,
    url,
    headers: sessions.get(employeeNo)!,
    ...(payload ? { payload } : {}),
  });
}

const objective = (code: string, extra: object = {}) => ({
  code,
  perspective: 'CUSTOMER',
  name: { ko: '민원 재방문 감소', en: 'Fewer repeat complaints' },
  weight: 20,
  ownerNo: 'E1100',
  parentCode: 'O-HQ1-C',
  ...extra,
});
const kpi = (code: string, extra: object = {}) => ({
  code,
  name: { ko: '재민원 비율', en: 'Repeat complaint rate' },
  unitLabel: '%',
  direction: 'HIGHER_IS_BETTER',
  target: 100,
  thresholds: { green: 100, yellow: 90 },
  weight: 30,
  source: 'MANUAL',
  ownerNo: 'E1101',
  ...extra,
});

interface ScorecardKpi {
  code: string;
  target: number;
  value: number | null;
  achievement: number | null;
  light: string | null;
}
async function scorecardKpi(year: number, unitCode: string, code: string) {
  const card = await call('E1101', 'GET', `/api/performance/${year}/scorecards/${unitCode}`);
  expect(card.statusCode).toBe(200);
  const kpis = (
    card.json() as { perspectives: { objectives: { code: string; kpis: ScorecardKpi[] }[] }[] }
  ).perspectives.flatMap((p) => p.objectives.flatMap((o) => o.kpis));
  return kpis.find((k) => k.code === code);
}

const auditOf = (subject: string) =>
  stack.prisma.auditLog.findMany({ where: { subject }, orderBy: { seq: 'asc' } });

describe('editing strategic objectives', () => {
  const base = `/api/performance/${YEAR}/strategy-maps/T11/objectives`;

  it('creates, replays, changes and removes an objective, each change audited, the map showing it', async () => {
    const created = await call('E1100', 'POST', base, objective('O-T11-C2', { reason: '재민원 관리 강화' }));
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.location).toBe(`${base}/O-T11-C2`);
    expect(created.json()).toMatchObject({ code: 'O-T11-C2', unitCode: 'T11', weight: 20, kpiCodes: [] });

    // A retry of the same request is answered from the stored row and audits nothing new.
    const replay = await call('E1100', 'POST', base, objective('O-T11-C2'));
    expect(replay.statusCode).toBe(200);
    const clash = await call('E1100', 'POST', base, objective('O-T11-C2', { weight: 25 }));
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.message).toContain('O-T11-C2');
    // Codes are unique within the year across units.
    const taken = await call('E0003', 'POST', `/api/performance/${YEAR}/strategy-maps/T12/objectives`, {
      ...objective('O-T11-C', { ownerNo: 'E1200', parentCode: 'O-HQ1-C' }),
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.message).toContain('O-T11-C');

    const map = (await call('E1101', 'GET', `/api/performance/${YEAR}/strategy-maps/T11`)).json();
    expect(map.objectives.map((o: { code: string }) => o.code)).toContain('O-T11-C2');

    // The director of the headquarters above edits the team's map too; fields left out stay.
    const changed = await call('E0100', 'PUT', `${base}/O-T11-C2`, { weight: 15, reason: '가중치 조정' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ weight: 15, perspective: 'CUSTOMER', ownerNo: 'E1100' });
    const again = await call('E0100', 'PUT', `${base}/O-T11-C2`, { weight: 15, reason: '가중치 조정' });
    expect(again.statusCode).toBe(200);

    const removed = await call(
      'E1100',
      'DELETE',
      `${base}/O-T11-C2?reason=${encodeURIComponent('중복 목표 정리')}`,
    );
    expect(removed.statusCode, removed.body).toBe(204);
    const gone = await call(
      'E1100',
      'DELETE',
      `${base}/O-T11-C2?reason=${encodeURIComponent('중복 목표 정리')}`,
    );
    expect(gone.statusCode).toBe(404);

    const audit = await auditOf(`objective:${YEAR}:O-T11-C2`);
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['performance.objective.created', 'E1100'],
      ['performance.objective.updated', 'E0100'],
      ['performance.objective.deleted', 'E1100'],
    ]);
    expect(audit[0]!.before).toBeNull();
    expect(audit[0]!.after).toMatchObject({ weight: 20, perspective: 'CUSTOMER', ownerNo: 'E1100' });
    expect(audit[1]!.before).toMatchObject({ weight: 20 });
    expect(audit[1]!.after).toMatchObject({ weight: 15 });
    expect(audit[1]!.reason).toBe('가중치 조정');
    expect(audit[2]!.before).toMatchObject({ code: 'O-T11-C2', weight: 15 });
  });

  it('answers bad input with 422 naming the field', async () => {
    const cases: [object, string][] = [
      [objective('O-T11-X1', { weight: 0 }), '/weight'],
      [objective('O-T11-X2', { perspective: 'FINANCIAL' }), '/perspective'],
      [objective('O-T11-X3', { ownerNo: 'E1201' }), 'ownerNo'], // works in T12, not under T11
      [objective('O-T11-X4', { ownerNo: 'E9999' }), 'ownerNo'],
      [objective('O-T11-X5', { parentCode: 'O-HQ2-C' }), 'parentCode'], // HQ2 is not above T11
      [objective('bad code'), '/code'],
    ];
    for (const [body, field] of cases) {
      const response = await call('E1100', 'POST', base, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(422);
      expect(JSON.stringify(response.json().error), JSON.stringify(body)).toContain(field);
    }
    expect(
      await stack.prisma.strategicObjective.count({ where: { year: YEAR, code: { startsWith: 'O-T11-X' } } }),
    ).toBe(0);
  });

  it('lets only HR, the head and the unit’s own leader or director edit: 403 for a leader of another unit', async () => {
    const otherLeader = await call('E1200', 'POST', base, objective('O-T11-Y1'));
    expect(otherLeader.statusCode).toBe(403);
    expect(otherLeader.json().error.message).toContain('T11');
    const otherDirector = await call('E0200', 'PUT', `${base}/O-T11-C`, {
      weight: 1,
      reason: '권한 없는 수정',
    });
    expect(otherDirector.statusCode).toBe(403);
    const staff = await call('E1101', 'POST', base, objective('O-T11-Y2'));
    expect(staff.statusCode).toBe(403);
    const ministry = await call('E1100', 'PUT', `/api/performance/${YEAR}/strategy-maps/MIN`, {
      mission: { ko: '권한 없는 수정', en: 'Not allowed' },
      vision: { ko: '권한 없는 수정', en: 'Not allowed' },
      strategies: [],
      reason: '권한 시험입니다',
    });
    expect(ministry.statusCode).toBe(403);
    const hr = await call('E0003', 'POST', base, objective('O-T11-Y3'));
    expect(hr.statusCode).toBe(201);
    expect(await auditOf(`objective:${YEAR}:O-T11-Y1`)).toEqual([]);
  });

  it('refuses to delete an objective that still has KPIs or objectives cascading from it', async () => {
    const withKpis = await call(
      'E1100',
      'DELETE',
      `${base}/O-T11-C?reason=${encodeURIComponent('삭제 시험입니다')}`,
    );
    expect(withKpis.statusCode).toBe(409);
    expect(withKpis.json().error.message).toMatch(/K-T11-/);
    const parent = await call(
      'E0100',
      'DELETE',
      `/api/performance/${YEAR}/strategy-maps/HQ1/objectives/O-HQ1-C?reason=${encodeURIComponent('삭제 시험입니다')}`,
    );
    expect(parent.statusCode).toBe(409);
  });
});

describe('editing KPIs', () => {
  const kpis = `/api/performance/${YEAR}/objectives/O-T11-C/kpis`;

  it('a new KPI appears on the scorecard; changing its target recomputes its light from the current value', async () => {
    const created = await call('E1100', 'POST', kpis, kpi('K-T11-REPEAT', { reason: '재민원 지표 신설' }));
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      code: 'K-T11-REPEAT',
      objectiveCode: 'O-T11-C',
      value: null,
      light: null,
    });
    expect(await scorecardKpi(YEAR, 'T11', 'K-T11-REPEAT')).toMatchObject({ target: 100, value: null });
    expect((await call('E1100', 'POST', kpis, kpi('K-T11-REPEAT'))).statusCode).toBe(200);

    // The owner enters 95, the director above approves: 95 of 100 is yellow.
    const entry = await call('E1101', 'POST', `/api/performance/${YEAR}/kpis/K-T11-REPEAT/entries`, {
      value: 95,
    });
    expect(entry.statusCode, entry.body).toBe(201);
    const approved = await call(
      'E0100',
      'POST',
      `/api/performance/${YEAR}/kpi-entries/${entry.json().id}/decision`,
      {
        decision: 'approve',
      },
    );
    expect(approved.statusCode, approved.body).toBe(200);
    expect(await scorecardKpi(YEAR, 'T11', 'K-T11-REPEAT')).toMatchObject({ value: 95, light: 'YELLOW' });

    const lowered = await call('E1100', 'PUT', `/api/performance/${YEAR}/kpis/K-T11-REPEAT`, {
      target: 90,
      reason: '목표 현실화',
    });
    expect(lowered.statusCode, lowered.body).toBe(200);
    expect(lowered.json()).toMatchObject({ target: 90, value: 95, light: 'GREEN' });
    expect(lowered.json().achievement).toBeCloseTo((95 / 90) * 100, 9);
    expect(await scorecardKpi(YEAR, 'T11', 'K-T11-REPEAT')).toMatchObject({ target: 90, light: 'GREEN' });
    const row = await stack.prisma.kpi.findUniqueOrThrow({
      where: { year_code: { year: YEAR, code: 'K-T11-REPEAT' } },
    });
    expect(row).toMatchObject({ target: 90, light: 'GREEN' });

    // Raising it past reach turns it red: the stored light, the scorecard and the workflow's warning agree.
    const raised = await call('E1100', 'PUT', `/api/performance/${YEAR}/kpis/K-T11-REPEAT`, {
      target: 120,
      thresholds: { green: 100, yellow: 95 },
      reason: '도전적 목표 설정',
    });
    expect(raised.statusCode, raised.body).toBe(200);
    expect(raised.json()).toMatchObject({ light: 'RED', thresholds: { green: 100, yellow: 95 } });
    expect(await scorecardKpi(YEAR, 'T11', 'K-T11-REPEAT')).toMatchObject({ target: 120, light: 'RED' });
    await waitFor(
      async () =>
        (await stack.prisma.emailOutbox.count({
          where: { key: `performance-${YEAR}:kpi-red:K-T11-REPEAT:1:E1101` },
        })) === 1,
      60_000,
    );

    const audit = await auditOf(`kpi:${YEAR}:K-T11-REPEAT`);
    expect(audit.map((a) => a.action)).toEqual([
      'performance.kpi.created',
      'performance.kpi-entry.approved',
      'performance.kpi.updated',
      'performance.kpi.updated',
    ]);
    expect(audit[2]!.before).toMatchObject({ target: 100, light: 'YELLOW' });
    expect(audit[2]!.after).toMatchObject({ target: 90, light: 'GREEN' });
    expect(audit[3]!.after).toMatchObject({ target: 120, yellowAt: 95, light: 'RED' });

    const removed = await call(
      'E1100',
      'DELETE',
      `/api/performance/${YEAR}/kpis/K-T11-REPEAT?reason=${encodeURIComponent('지표 통합으로 삭제')}`,
    );
    expect(removed.statusCode, removed.body).toBe(204);
    expect(await scorecardKpi(YEAR, 'T11', 'K-T11-REPEAT')).toBeUndefined();
    const deleted = (await auditOf(`kpi:${YEAR}:K-T11-REPEAT`)).at(-1)!;
    expect(deleted.action).toBe('performance.kpi.deleted');
    expect(deleted.before).toMatchObject({ target: 120, actual: 95, manualEntries: 1 });
  });

  it('answers bad KPI definitions with 422 naming the field', async () => {
    const cases: [object, string][] = [
      [kpi('K-T11-X1', { weight: 0 }), '/weight'],
      [kpi('K-T11-X2', { thresholds: { green: 90, yellow: 95 } }), 'thresholds'],
      [kpi('K-T11-X3', { thresholds: { green: 130 } }), 'thresholds.green'],
      [kpi('K-T11-X4', { target: 0 }), 'target'],
      [kpi('K-T11-X5', { target: -1 }), '/target'],
      [kpi('K-T11-X6', { ownerNo: null }), 'ownerNo'], // a manual KPI needs an owner
      [kpi('K-T11-X7', { ownerNo: 'E2101' }), 'ownerNo'], // works in T21
      [kpi('K-T11-X8', { direction: 'SIDEWAYS' }), '/direction'],
      [kpi('K-T11-X9', { source: 'RUMOUR' }), '/source'],
    ];
    for (const [body, field] of cases) {
      const response = await call('E1100', 'POST', kpis, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(422);
      expect(JSON.stringify(response.json().error), JSON.stringify(body)).toContain(field);
    }
    const bad = await call('E1100', 'PUT', `/api/performance/${YEAR}/kpis/K-T11-DAYS`, {
      thresholds: { yellow: 110 },
      reason: '잘못된 임계값',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.message).toContain('thresholds');

    // A zero target is fine where the scoring module gives it a meaning: lower is better (zero incidents).
    const zero = await call(
      'E1100',
      'POST',
      kpis,
      kpi('K-T11-ZERO', {
        target: 0,
        direction: 'LOWER_IS_BETTER',
        source: 'COMPLAINTS_PROCESSING_DAYS',
        ownerNo: null,
      }),
    );
    expect(zero.statusCode, zero.body).toBe(201);
    expect(await scorecardKpi(YEAR, 'T11', 'K-T11-ZERO')).toMatchObject({ target: 0 });
  });

  it('403 for a leader of another unit', async () => {
    const post = await call('E1200', 'POST', kpis, kpi('K-T11-Z1'));
    expect(post.statusCode).toBe(403);
    const put = await call('E1300', 'PUT', `/api/performance/${YEAR}/kpis/K-T11-DAYS`, {
      target: 1,
      reason: '권한 없는 수정',
    });
    expect(put.statusCode).toBe(403);
    const del = await call(
      'E2100',
      'DELETE',
      `/api/performance/${YEAR}/kpis/K-T11-DAYS?reason=${encodeURIComponent('권한 없는 삭제')}`,
    );
    expect(del.statusCode).toBe(403);
    expect(await stack.prisma.kpi.count({ where: { year: YEAR, code: 'K-T11-DAYS' } })).toBe(1);
  });
});

describe('the year lock', () => {
  it('refuses every edit with 409 once the year is finalised, and once its year end has started', async () => {
    await stack.prisma.performanceYear.upsert({
      where: { year: LOCKED_YEAR },
      create: { year: LOCKED_YEAR, stage: 'FINALISED', finalisedAt: new Date(), lockedAt: new Date() },
      update: { stage: 'FINALISED', finalisedAt: new Date(), lockedAt: new Date() },
    });
    await stack.prisma.performanceYear.upsert({
      where: { year: REVIEW_YEAR },
      create: { year: REVIEW_YEAR, stage: 'HR_REVIEW' },
      update: { stage: 'HR_REVIEW' },
    });
    for (const year of [LOCKED_YEAR, REVIEW_YEAR]) {
      const reason = encodeURIComponent('잠긴 연도 시험');
      const attempts = [
        await call(
          'E0003',
          'POST',
          `/api/performance/${year}/strategy-maps/T11/objectives`,
          objective('O-T11-L1'),
        ),
        await call('E0003', 'PUT', `/api/performance/${year}/strategy-maps/T11/objectives/O-T11-C`, {
          weight: 50,
          reason: '잠긴 연도 시험',
        }),
        await call(
          'E0003',
          'DELETE',
          `/api/performance/${year}/strategy-maps/T11/objectives/O-T11-L?reason=${reason}`,
        ),
        await call('E0003', 'POST', `/api/performance/${year}/objectives/O-T11-C/kpis`, kpi('K-T11-L1')),
        await call('E0003', 'PUT', `/api/performance/${year}/kpis/K-T11-DAYS`, {
          target: 1,
          reason: '잠긴 연도 시험',
        }),
        await call('E0003', 'DELETE', `/api/performance/${year}/kpis/K-T11-DAYS?reason=${reason}`),
      ];
      expect(attempts.map((a) => a.statusCode)).toEqual([409, 409, 409, 409, 409, 409]);
      expect(attempts[0]!.json().error.message).toContain(String(year));
    }
    const kpi2037 = await stack.prisma.kpi.findUniqueOrThrow({
      where: { year_code: { year: LOCKED_YEAR, code: 'K-T11-DAYS' } },
    });
    expect(kpi2037.target).not.toBe(1);
    expect(await auditOf(`kpi:${LOCKED_YEAR}:K-T11-DAYS`)).toEqual([]);
  });
});
