import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Type, type Static, type TSchema } from 'typebox';
import { disagreements } from '../support/contract.ts';
import {
  PerformanceUnitView,
  ResultsView,
  ScorecardView,
  StrategyMapView,
  YearStatusView,
} from '../../contracts/performance.ts';
import { createOutcomeReportActivities } from '../../data/outcome-report.ts';
import type { ComplaintClosedOutcome } from '../../domain/performance-outcomes.ts';
import { seedDatabase } from '../../prisma/seed.ts';
import { DEMO_PASSWORD, ROLE_ACCOUNTS } from '../support/constants.ts';
import { login, type SessionHeaders } from '../support/session.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';

/**
 * The contracts layer (contracts/performance.ts) against the running server: the scorecard, strategy map,
 * year-end status, review and results bodies, read from the real API on real PostgreSQL and Temporal, must
 * match their contract schemas strictly (every object closed: a field the server adds, drops or renames
 * fails here), and the published OpenAPI description must be the contract. The portal types these bodies
 * from the same schemas, so what passes here is what the portal compiles against.
 *
 * A year of its own: its workflow, results and lock belong to this file only.
 */
const YEAR = 2047;
const HR = ROLE_ACCOUNTS.HR;
const HEAD = ROLE_ACCOUNTS.HEAD;
const LEADER = ROLE_ACCOUNTS.TEAM_LEADER;
const MEMBER = ROLE_ACCOUNTS.STAFF;

let stack: Stack;
const sessions = new Map<string, SessionHeaders>();

beforeAll(async () => {
  stack = await startStack();
  await seedDatabase(stack.prisma, { year: YEAR, demoPassword: DEMO_PASSWORD });
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

async function call(employeeNo: string, method: 'GET' | 'POST', url: string, payload?: object) {
  if (!sessions.has(employeeNo)) sessions.set(employeeNo, await login(stack.app, employeeNo));
  return stack.app.inject({
    method,
    url,
    headers: sessions.get(employeeNo),
    ...(payload ? { payload } : {}),
  });
}

/** A 200 whose JSON body matches the contract strictly; returns the body. */
async function conforming<T extends TSchema>(schema: T, employeeNo: string, url: string): Promise<Static<T>> {
  const response = await call(employeeNo, 'GET', url);
  expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
  const body: unknown = response.json();
  expect(disagreements(schema, body), url).toEqual([]);
  return body as Static<T>;
}

/**
 * Every field a schema names, as paths (`perspectives[].objectives[].kpis[].value`, a `?` after optional
 * ones): what a client generated from the published description would read, whatever form each keyword takes.
 */
function fieldPaths(schema: unknown, at = ''): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  const node = schema as Record<string, unknown>;
  const paths: string[] = [];
  const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
  for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, unknown>)) {
    const path = `${at}${at ? '.' : ''}${name}${required.has(name) ? '' : '?'}`;
    paths.push(path, ...fieldPaths(child, path));
  }
  if (node.items) paths.push(...fieldPaths(node.items, `${at}[]`));
  for (const branch of [...((node.anyOf ?? []) as unknown[]), ...((node.oneOf ?? []) as unknown[])])
    paths.push(...fieldPaths(branch, at));
  return [...new Set(paths)].sort();
}

function closed(n: number, satisfaction: number): ComplaintClosedOutcome {
  const receiptNo = `MW-${YEAR}-${String(n).padStart(7, '0')}`;
  return {
    kind: 'complaint-closed',
    outcomeKey: `complaint:${receiptNo}:closed`,
    year: YEAR,
    occurredAt: new Date(Date.UTC(YEAR, 3, 1)).toISOString(),
    unitCode: 'T11',
    employeeNo: MEMBER,
    receiptNo,
    categoryCode: 'Q-GENERAL',
    businessDaysTaken: 2,
    slaMet: true,
    satisfaction,
    withdrawn: false,
  };
}

describe('the performance contracts match what the server sends', () => {
  it('the strict check is not vacuous: an extra, a missing and a renamed field each fail it', () => {
    const base = { year: YEAR, stage: 'OPEN', running: false, recordedCount: null, runNumber: null };
    const status = { ...base, yearEndAt: null, decisions: [], headOpinion: null, lights: {} };
    expect(disagreements(YearStatusView, status)).toEqual([]);
    expect(disagreements(YearStatusView, { ...status, extra: 1 })).not.toEqual([]);
    const missing: Partial<typeof status> = { ...status };
    delete missing.headOpinion;
    expect(disagreements(YearStatusView, missing)).not.toEqual([]);
    expect(
      disagreements(YearStatusView, { ...status, decisions: [{ at: 'now', actor: HR, act: 'triggered' }] }),
    ).not.toEqual([]);
  });

  it('the unit list, every scorecard and every strategy map of the year', async () => {
    const report = createOutcomeReportActivities({
      prisma: stack.prisma,
      temporal: stack.temporal,
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
    }).reportOutcome;
    for (const outcome of [closed(1, 5), closed(2, 4)]) await report(outcome);

    const units = await conforming(Type.Array(PerformanceUnitView), LEADER, `/api/performance/${YEAR}/units`);
    expect(units.map((u) => u.code)).toEqual(expect.arrayContaining(['MIN', 'HQ1', 'T11']));

    // Measured KPIs too, not only empty ones: the team's satisfaction KPI takes the two ratings.
    await waitFor(async () => {
      const card = (await call(LEADER, 'GET', `/api/performance/${YEAR}/scorecards/T11`)).json();
      const kpis = card.perspectives.flatMap((p: { objectives: { kpis: object[] }[] }) =>
        p.objectives.flatMap((o) => o.kpis),
      ) as { code: string; value: number | null }[];
      return kpis.find((k) => k.code === 'K-T11-SAT')?.value === 4.5 || undefined;
    });

    let maps = 0;
    for (const { code } of units) {
      await conforming(ScorecardView, LEADER, `/api/performance/${YEAR}/scorecards/${code}`);
      const map = await call(LEADER, 'GET', `/api/performance/${YEAR}/strategy-maps/${code}`);
      if (map.statusCode === 404) continue;
      expect(map.statusCode, map.body).toBe(200);
      expect(disagreements(StrategyMapView, map.json()), code).toEqual([]);
      maps += 1;
    }
    expect(maps).toBeGreaterThan(0);
  });

  it('the year end: its status, the review with an adjustment, and the final results', async () => {
    const triggered = await call(HR, 'POST', `/api/performance/${YEAR}/year-end`, { reason: '계약 점검' });
    expect(triggered.statusCode, triggered.body).toBe(200);
    expect(disagreements(YearStatusView, triggered.json())).toEqual([]);
    const status = await conforming(YearStatusView, LEADER, `/api/performance/${YEAR}/year-end`);
    expect(status.decisions).toMatchObject([{ actor: HR, action: 'triggered', opinion: '계약 점검' }]);

    await waitFor(
      async () =>
        (await call(HR, 'GET', `/api/performance/${YEAR}/year-end/review`)).statusCode === 200 || undefined,
    );
    const review = await conforming(ResultsView, HR, `/api/performance/${YEAR}/year-end/review`);
    const target = review.people.find((p) => p.dataSufficient && p.employeeNo !== HR);
    expect(target).toBeDefined();
    const adjusted = await call(HR, 'POST', `/api/performance/${YEAR}/year-end/adjustments`, {
      employeeNo: target!.employeeNo,
      finalScore: 101,
      reason: '계약 점검용 조정',
    });
    expect(adjusted.statusCode, adjusted.body).toBe(200);
    const reviewed = await conforming(ResultsView, HR, `/api/performance/${YEAR}/year-end/review`);
    expect(reviewed.adjustments).toHaveLength(1);

    expect((await call(HR, 'POST', `/api/performance/${YEAR}/year-end/submit`, {})).json().stage).toBe(
      'HEAD_APPROVAL',
    );
    const approved = await call(HEAD, 'POST', `/api/performance/${YEAR}/year-end/decision`, {
      decision: 'approve',
      opinion: '승인',
    });
    expect(approved.json().stage).toBe('FINALISED');

    const results = await conforming(ResultsView, HR, `/api/performance/${YEAR}/results`);
    expect(results.stage).toBe('FINALISED');
    expect(results.units.length).toBeGreaterThan(0);
    expect(results.people.length).toBeGreaterThan(0);
    const own = await conforming(ResultsView, MEMBER, `/api/performance/${YEAR}/results`);
    expect(own.people.map((p) => p.employeeNo)).toEqual([MEMBER]);
    await conforming(YearStatusView, LEADER, `/api/performance/${YEAR}/year-end`);
  });

  it('the published OpenAPI description names the contract fields for these routes', async () => {
    const document = (await stack.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const published = (path: string) =>
      fieldPaths(document.paths[path].get.responses['200'].content['application/json'].schema);
    const routes: [string, TSchema][] = [
      ['/api/performance/{year}/units', Type.Array(PerformanceUnitView)],
      ['/api/performance/{year}/scorecards/{unitCode}', ScorecardView],
      ['/api/performance/{year}/strategy-maps/{unitCode}', StrategyMapView],
      ['/api/performance/{year}/year-end', YearStatusView],
      ['/api/performance/{year}/year-end/review', ResultsView],
      ['/api/performance/{year}/results', ResultsView],
    ];
    for (const [path, schema] of routes) {
      expect(fieldPaths(schema).length, path).toBeGreaterThan(3);
      expect(published(path), path).toEqual(fieldPaths(schema));
    }
  });
});
