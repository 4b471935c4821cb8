import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStaff } from '../support/accounts.ts';
import { login } from '../support/session.ts';
import { startStack, type Stack } from '../support/stack.ts';

/**
 * Career development next to the 360° results (issue 20): the person sees their strengths and gaps per
 * competency against the ministry's means, and whether their plan has a goal on each; nobody else's
 * result and no per-item figures below the anonymity threshold.
 */
let stack: Stack;
// A year of its own: the ministry means are exactly the rows this file writes.
const YEAR = 2031;
const run = String(Date.now()).slice(-5);
const people = { rated: `E7${run}1`, thin: `E7${run}2`, unrated: `E7${run}3`, colleague: `E7${run}4` };

const result = (subjectNo: string, items: Record<string, number>, raterCount: number) => ({
  year: YEAR,
  subjectNo,
  cycleId: `capability-${YEAR}`,
  score: null,
  rule: 'TEST',
  raterCount,
  parts: { parts: [], foldedGroups: [], belowMinimum: false, anonymityThreshold: 3, items, comments: [] },
});

beforeAll(async () => {
  stack = await startStack();
  for (const [key, employeeNo] of Object.entries(people))
    await createTestStaff(stack.prisma, { employeeNo, nameKo: `역량진단${key}` });
  await stack.prisma.capabilityResult.createMany({
    data: [
      result(people.rated, { CUSTOMER: 92, EXECUTION: 58, COLLABORATION: 76 }, 6),
      result(people.colleague, { CUSTOMER: 80, EXECUTION: 82, COLLABORATION: 74 }, 5),
      // Two raters: the aggregation stores no per-item means below the threshold.
      result(people.thin, {}, 2),
    ],
  });
});
afterAll(async () => {
  await stack?.prisma.capabilityResult.deleteMany({ where: { year: YEAR } });
  await stack?.stop();
});

const profileOf = async (employeeNo: string, year = YEAR) => {
  const response = await stack.app.inject({
    method: 'GET',
    url: `/api/development/${year}/competency-profile/me`,
    headers: await login(stack.app, employeeNo),
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};

describe('strengths and gaps next to the development plan', () => {
  it('compares each item with the ministry mean and shows what the plan does about the gap', async () => {
    const headers = await login(stack.app, people.rated);
    const saved = await stack.app.inject({
      method: 'PUT',
      url: `/api/development/${YEAR}/plans/me`,
      headers,
      payload: {
        goals: [{ competencyCode: 'EXECUTION', goal: '분기별 추진 일정표를 스스로 세운다' }],
        activities: [
          { kind: 'TRAINING', title: '일정 관리 과정', competencyCode: 'EXECUTION', plannedHours: 12 },
        ],
      },
    });
    expect(saved.statusCode, saved.body).toBe(200);

    const profile = await profileOf(people.rated);
    expect(profile).toMatchObject({ year: YEAR, evaluatedYear: YEAR, status: 'AVAILABLE', raterCount: 6 });
    const byCode = Object.fromEntries(
      (profile.items as { code: string }[]).map((item) => [item.code, item]),
    ) as Record<string, Record<string, unknown>>;
    expect(byCode.EXECUTION).toMatchObject({
      nameKo: '업무 추진력',
      score: 58,
      ministryMean: 70,
      difference: -12,
      standing: 'GAP',
      hasGoal: true,
      plannedHours: 12,
    });
    expect(byCode.CUSTOMER).toMatchObject({
      score: 92,
      ministryMean: 86,
      difference: 6,
      standing: 'STRENGTH',
      hasGoal: false,
    });
    expect(byCode.COLLABORATION).toMatchObject({ standing: 'TYPICAL', difference: 1 });
    // Items nobody was rated on have no standing; the gap leads the list.
    expect(profile.items[0].code).toBe('EXECUTION');
    expect(byCode.INTEGRITY).toMatchObject({ score: null, ministryMean: null, standing: null });
  });

  it('shows the latest evaluated year, and nothing per item below the anonymity threshold or without a result', async () => {
    expect(await profileOf(people.rated, YEAR + 1)).toMatchObject({
      year: YEAR + 1,
      evaluatedYear: YEAR,
      status: 'AVAILABLE',
    });
    const thin = await profileOf(people.thin);
    expect(thin).toMatchObject({ status: 'BELOW_ANONYMITY_THRESHOLD', raterCount: 2 });
    expect(thin.items.every((item: { score: unknown }) => item.score === null)).toBe(true);
    const none = await profileOf(people.unrated);
    expect(none).toMatchObject({ status: 'NO_RESULT', evaluatedYear: null, raterCount: 0 });
    expect(none.items.every((item: { score: unknown }) => item.score === null)).toBe(true);
    expect(
      (await stack.app.inject({ method: 'GET', url: `/api/development/${YEAR}/competency-profile/me` }))
        .statusCode,
    ).toBe(401);
  });
});
