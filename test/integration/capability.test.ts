import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CAPABILITY_ITEMS } from '../../domain/capability.ts';
import { capabilityCycleWorkflowId } from '../../domain/performance.ts';
import { seedDatabase } from '../../prisma/seed.ts';
import { DEMO_PASSWORD } from '../support/constants.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';

/** The 360° instrument on real PostgreSQL and Temporal, at the size of a 2,000-person ministry. */
const YEAR = 2045;
const SUBJECTS = 2_000;
const RATERS_EACH = 9;

let stack: Stack;
const sessions = new Map<string, { cookie: string; csrf: string }>();

beforeAll(async () => {
  stack = await startStack();
  await seedDatabase(stack.prisma, { year: YEAR, demoPassword: DEMO_PASSWORD });
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

async function call(employeeNo: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  if (!sessions.has(employeeNo)) {
    const login = await stack.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { employeeNo, password: DEMO_PASSWORD },
    });
    sessions.set(employeeNo, {
      cookie: login.cookies.find((c) => c.name === 'portal_session')!.value,
      csrf: login.cookies.find((c) => c.name === 'portal_csrf')!.value,
    });
  }
  const session = sessions.get(employeeNo)!;
  return stack.app.inject({
    method,
    url,
    headers: { cookie: `portal_session=${session.cookie}`, 'x-csrf-token': session.csrf },
    ...(payload ? { payload } : {}),
  });
}

describe('360° as an instrument', () => {
  it('HR configures 5–8 items with behavioural descriptions, starts the cycle, raters score each item and comment, HR closes it', async () => {
    const items = DEFAULT_CAPABILITY_ITEMS.map((item) => ({ ...item }));
    const setItems = (list: object[]) =>
      call('E0003', 'PUT', `/api/performance/${YEAR}/capability/items`, { items: list });
    expect((await setItems(items.slice(0, 4))).statusCode).toBe(422);
    expect(
      (await call('E1101', 'PUT', `/api/performance/${YEAR}/capability/items`, { items })).statusCode,
    ).toBe(403);
    expect((await setItems(items)).json().map((i: { code: string }) => i.code)).toEqual(
      items.map((i) => i.code),
    );

    const deadline = new Date(Date.now() + 14 * 24 * 3_600_000).toISOString();
    const started = await call('E0003', 'POST', `/api/performance/${YEAR}/evaluations/capability`, {
      deadline,
    });
    expect(started.statusCode, started.body).toBe(202);
    expect((await setItems(items)).statusCode).toBe(409); // fixed once the cycle runs
    const cycleId = capabilityCycleWorkflowId(YEAR);
    await waitFor(async () => (await stack.prisma.capabilityRating.count({ where: { cycleId } })) > 0);

    const mine = (await call('E1101', 'GET', `/api/performance/${YEAR}/evaluations/capability`)).json();
    expect(mine.cycle).toMatchObject({ stage: 'OPEN', anonymityThreshold: 3 });
    expect(mine.items).toHaveLength(items.length);
    const subjectNo = mine.toRate[0].subjectNo as string;
    const rate = (body: object) =>
      call('E1101', 'PUT', `/api/performance/${YEAR}/evaluations/capability/${subjectNo}`, body);
    const scores = Object.fromEntries(items.map((item, i) => [item.code, 60 + i * 5]));
    const missingOne = Object.fromEntries(Object.entries(scores).slice(1));
    const incomplete = await rate({ itemScores: missingOne });
    expect(incomplete.statusCode).toBe(422);
    expect(incomplete.json().error.message).toContain(items[0]!.code);
    const rated = await rate({ itemScores: scores, comment: '회의를 잘 이끕니다' });
    expect(rated.json()).toEqual({ ok: true, score: 72.5 });
    expect(
      (
        await call('E1101', 'PUT', `/api/performance/${YEAR}/evaluations/capability/E0001`, {
          itemScores: scores,
        })
      ).statusCode,
    ).toBe(403);

    // No Temporal message per rating: the cycle's history has no signal for it.
    const cycle = stack.temporal.workflow.getHandle(cycleId);
    const early = await cycle.fetchHistory();
    expect(early.events?.some((e) => e.workflowExecutionSignaledEventAttributes)).toBe(false);

    // A 2,000-person ministry: 18,000 ratings, stored the way the API stores them (one row per rater).
    const insertStarted = performance.now();
    await stack.prisma.$executeRawUnsafe(
      `INSERT INTO "CapabilityRating" ("cycleId", "subjectNo", "raterNo", "raterGroup", score, "itemScores", comment, "submittedAt")
       SELECT $1, 'S' || lpad(s::text, 5, '0'), 'R' || lpad(s::text, 5, '0') || '-' || r,
         CASE WHEN r = 1 THEN 'SUPERIOR' WHEN r <= 6 THEN 'PEER' ELSE 'SUBORDINATE' END,
         60 + ((s * 7 + r * 3) % 40), jsonb_build_object('CUSTOMER', 60 + ((s * 7 + r * 3) % 40)),
         CASE WHEN r = 2 THEN '협조적입니다 ' || s END, now()
       FROM generate_series(1, $2::int) s, generate_series(1, $3::int) r`,
      cycleId,
      SUBJECTS,
      RATERS_EACH,
    );
    const insertMs = performance.now() - insertStarted;

    const closeStarted = performance.now();
    const closed = await call('E0003', 'POST', `/api/performance/${YEAR}/evaluations/capability/close`, {
      reason: '일정 단축',
    });
    expect(closed.statusCode).toBe(202);
    expect(
      (await call('E0003', 'POST', `/api/performance/${YEAR}/evaluations/capability/close`, {})).statusCode,
    ).toBe(409);
    const result = await cycle.result();
    const closeMs = performance.now() - closeStarted;
    expect(result.stage).toBe('AGGREGATED');
    expect(result.submitted).toBeGreaterThanOrEqual(SUBJECTS * RATERS_EACH);
    expect((await stack.prisma.capabilityCycle.findUniqueOrThrow({ where: { id: cycleId } })).stage).toBe(
      'AGGREGATED',
    );

    const synthetic = await stack.prisma.capabilityResult.count({
      where: { year: YEAR, subjectNo: { startsWith: 'S' } },
    });
    expect(synthetic).toBe(SUBJECTS);
    // One superior is too few to show on their own: folded, with the subordinates (3) kept.
    const sample = await stack.prisma.capabilityResult.findUniqueOrThrow({
      where: { year_subjectNo: { year: YEAR, subjectNo: 'S00001' } },
    });
    const parts = sample.parts as {
      foldedGroups: string[];
      items: Record<string, number>;
      comments: string[];
    };
    expect(sample.raterCount).toBe(RATERS_EACH);
    expect(parts.foldedGroups).toEqual(['SUPERIOR']);
    expect(Object.keys(parts.items)).toEqual(['CUSTOMER']);
    expect(parts.comments).toEqual(['협조적입니다 1']);
    // The colleague E1101 rated has fewer raters than the threshold: no items, no comments shown.
    const few = await stack.prisma.capabilityResult.findUnique({
      where: { year_subjectNo: { year: YEAR, subjectNo } },
    });
    if (few && few.raterCount < 3) expect((few.parts as { comments: string[] }).comments).toEqual([]);

    const history = await cycle.fetchHistory();
    const historyLength = history.events?.length ?? 0;
    console.log(
      `360° at ${SUBJECTS} people: ${SUBJECTS * RATERS_EACH} ratings stored in ${Math.round(insertMs)} ms; ` +
        `close → aggregated in ${Math.round(closeMs)} ms; cycle workflow history ${historyLength} events`,
    );
    expect(historyLength).toBeLessThan(100);
  });
});
