/**
 * `npm run bench -- search`: staff list and text search over 100,000 complaints.
 *
 * Value: p99 of GET /api/complaints?q=WORD (a Korean word from the middle of the bodies, ~1.7 % of rows)
 * as a director (their headquarters' teams in scope) over loopback HTTP to the API as a child process.
 * Baseline: p99 of the very statement that request runs (api/complaint-search.ts listStatement, same
 * scope, filters, sort and limit) sent bare with node-postgres from the bench process, same concurrency,
 * same run, rounds alternating. Ratio = value / baseline (target ≤ 1.5, p99 ≤ 100 ms). The unfiltered
 * list (newest first) is measured the same way and reported in the notes, with the search's query plan.
 *
 * Env: SEARCH_COMPLAINTS (default 100000), SEARCH_CONCURRENCY (default 8), SEARCH_SECONDS (per round,
 * default 8), SEARCH_ROUNDS (default 2).
 */
import os from 'node:os';
import pg from 'pg';
import type { Prisma } from '@prisma/client';
import { complaintReadScope } from '../domain/policy.ts';
import { listStatement, pgValues, type ComplaintFilters } from '../api/complaint-search.ts';
import { closedLoop, describeLatencies, printResult, round, type Sample } from './support/measure.ts';
import { call, login, staffActor } from './support/portal.ts';
import { benchLog, startBenchStack } from './support/stack.ts';

const COMPLAINTS = Number(process.env.SEARCH_COMPLAINTS ?? 100_000);
const CONCURRENCY = Number(process.env.SEARCH_CONCURRENCY ?? 8);
const SECONDS = Number(process.env.SEARCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.SEARCH_ROUNDS ?? 2);
const DIRECTOR = 'E0100';
const log = benchLog('search');
/** In one complaint of 5,000: the planner then takes the trigram index rather than walking the newest rows. */
const RARE_WORD = '맨홀뚜껑실종';

const places = [
  '시청앞',
  '역전',
  '학교옆',
  '시장골목',
  '공원입구',
  '주민센터',
  '버스정류장',
  '아파트단지',
  '도서관',
  '체육관',
  '병원앞',
  '하천변',
  '교차로',
  '주차장',
  '터미널',
  '육교밑',
  '상가건물',
  '놀이터',
  '산책로',
  '지하차도',
  '마을회관',
  '초등학교',
  '우체국',
  '경찰서앞',
  '소방서',
  '복지관',
  '청사',
  '광장',
  '터널',
  '항구',
];
const things = [
  '보도블록',
  '가로등',
  '신호등',
  '표지판',
  '배수구',
  '벤치',
  '쓰레기통',
  '자전거거치대',
  '점자블록',
  '방음벽',
  '난간',
  '맨홀',
  '안내판',
  '화단',
  '분수대',
  '경사로',
  '계단',
  '엘리베이터',
  '승강장',
  '횡단보도',
  '과속방지턱',
  '가드레일',
  '전봇대',
  '소화전',
  '공중화장실',
  '급수대',
  '차양막',
  'CCTV',
  '주차선',
  '볼라드',
];
const issues = ['파손', '고장', '불편', '소음', '악취', '누수', '위험', '민원', '문의', '요청'];

/** A small deterministic generator: the same data on every run. */
function generator(seed: number) {
  let state = seed >>> 0;
  return (n: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
}

async function loadComplaints(client: pg.Client) {
  const categories = (
    await client.query<{ code: string; teamId: number }>(
      `SELECT code, "teamId" FROM "ComplaintCategory" WHERE active ORDER BY code`,
    )
  ).rows;
  const staff = (
    await client.query<{ id: number; unitId: number }>(
      `SELECT id, "unitId" FROM "Staff" WHERE role = 'STAFF'`,
    )
  ).rows;
  const byTeam = new Map<number, number[]>();
  for (const s of staff) byTeam.set(s.unitId, [...(byTeam.get(s.unitId) ?? []), s.id]);
  const random = generator(42);
  const stages = ['assigned', 'in_progress', 'in_review', 'awaiting_rating', 'closed', 'closed', 'closed'];
  const start = Date.now() - 400 * 24 * 3600_000;
  const batch = 5_000;
  for (let offset = 0; offset < COMPLAINTS; offset += batch) {
    const columns: unknown[][] = Array.from({ length: 11 }, () => []);
    for (let i = offset; i < Math.min(COMPLAINTS, offset + batch); i += 1) {
      const category = categories[random(categories.length)]!;
      const team = byTeam.get(category.teamId) ?? [];
      const words = Array.from(
        { length: 14 },
        () =>
          `${places[random(places.length)]}${things[random(things.length)]} ${issues[random(issues.length)]}`,
      );
      const receivedAt = new Date(start + Math.floor((i / COMPLAINTS) * 400 * 24 * 3600_000));
      const stage = stages[random(stages.length)]!;
      const values = [
        `MW-2025-${String(9_000_000 + i).padStart(7, '0')}`,
        category.code,
        category.teamId,
        team.length ? team[random(team.length)]! : null,
        `${places[random(places.length)]} ${things[random(things.length)]} ${issues[random(issues.length)]} 건`,
        `안녕하세요. ${words.join(', ')}에 대해 알려드립니다.${i % 5000 === 7 ? ` ${RARE_WORD} 건도 있습니다.` : ''} 빠른 처리를 부탁드립니다.`,
        `벤치시민${i}`,
        stage,
        receivedAt,
        new Date(receivedAt.getTime() + 10 * 24 * 3600_000),
        stage !== 'closed' && random(10) === 0,
      ];
      values.forEach((value, k) => columns[k]!.push(value));
    }
    await client.query(
      `INSERT INTO "Complaint" ("receiptNo", "categoryCode", "teamId", "handlerId", title, body, "citizenName",
                                "citizenEmail", "accessCodeHash", stage, "receivedAt", "dueAt", "updatedAt", overdue)
       SELECT r, c, t, h, ti, b, n, 'bench@example.com', 'x', s, ra, d, ra, o
       FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[],
                   $9::timestamp[], $10::timestamp[], $11::bool[]) AS u(r, c, t, h, ti, b, n, s, ra, d, o)`,
      columns.map((column, k) =>
        k === 8 || k === 9 ? (column as Date[]).map((d) => d.toISOString().replace('Z', '')) : column,
      ),
    );
  }
  await client.query('ANALYZE "Complaint"');
}

export async function main() {
  const stack = await startBenchStack({ name: 'search', worker: 'in-process', api: 'child' });
  const databaseUrl = stack.databaseUrl;
  const setup = new pg.Client({ connectionString: databaseUrl });
  await setup.connect();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  try {
    const t0 = Date.now();
    await loadComplaints(setup);
    const total = (await setup.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM "Complaint"')).rows[0]!.n;
    log(`${total} complaints in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

    const session = await login(stack.apiUrl, DIRECTOR);
    const actor = await staffActor(stack.prisma, DIRECTOR);
    const director = await stack.prisma.staff.findUniqueOrThrow({ where: { employeeNo: DIRECTOR } });
    const caller = {
      id: director.id,
      employeeNo: DIRECTOR,
      role: director.role,
      unitCode: actor.unitCode!,
      headquartersCode: actor.headquartersCode ?? null,
    };
    const scope = complaintReadScope(actor)!;
    const word = '역전보도블록';
    const statement = (filters: ComplaintFilters): Prisma.Sql =>
      listStatement({
        scope,
        caller,
        filters,
        sort: '-receivedAt',
        cursor: null,
        limit: 50,
        now: new Date(),
      });
    const kinds = {
      search: { url: `/api/complaints?q=${encodeURIComponent(word)}&limit=50`, sql: statement({ q: word }) },
      list: { url: '/api/complaints?limit=50', sql: statement({}) },
    };
    const matching = (
      await setup.query<{ n: number }>(
        `SELECT COUNT(*)::int AS n FROM "Complaint" WHERE (title || ' ' || body) ILIKE $1`,
        [`%${word}%`],
      )
    ).rows[0]!.n;
    const plan = (
      await setup.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${kinds.search.sql.text}`, [
        ...kinds.search.sql.values,
      ])
    ).rows
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    log(`plan of the search:\n${plan}`);
    const usesIndex = plan.includes('Complaint_text_trgm_idx');
    const rare = statement({ q: RARE_WORD });
    const rarePlan = (
      await setup.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${rare.text}`, [
        ...rare.values,
      ])
    ).rows
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    log(`plan of a search for a rare word (${RARE_WORD}):\n${rarePlan}`);
    const rareUsesIndex = rarePlan.includes('Complaint_text_trgm_idx');
    const rareMs = /Execution Time: ([0-9.]+) ms/.exec(rarePlan)?.[1] ?? '?';

    const httpRound = (kind: keyof typeof kinds, ms: number) =>
      closedLoop({ concurrency: CONCURRENCY, durationMs: ms }, async () => {
        const { text } = await call(stack.apiUrl, 'GET', kinds[kind].url, { headers: session.headers });
        if (!text.includes('"items"')) throw new Error('no items');
      });
    const bareRound = (kind: keyof typeof kinds, ms: number) =>
      closedLoop({ concurrency: CONCURRENCY, durationMs: ms }, async () => {
        const result = await pool.query(kinds[kind].sql.text, pgValues(kinds[kind].sql));
        if (result.rowCount === null) throw new Error('no result');
      });

    const samples: Record<string, Sample[]> = { search: [], searchBare: [], list: [], listBare: [] };
    for (const kind of ['search', 'list'] as const) {
      await httpRound(kind, 1500);
      await bareRound(kind, 1500);
    }
    for (let r = 0; r < ROUNDS; r += 1) {
      for (const kind of ['search', 'list'] as const) {
        const bare = await bareRound(kind, SECONDS * 1000);
        const http = await httpRound(kind, SECONDS * 1000);
        samples[`${kind}Bare`]!.push(bare);
        samples[kind]!.push(http);
        log(
          `round ${r + 1} ${kind}: API ${http.perSecond.toFixed(0)}/s p99 ${describeLatencies(http.latencies).p99} ms, ` +
            `bare SQL ${bare.perSecond.toFixed(0)}/s p99 ${describeLatencies(bare.latencies).p99} ms`,
        );
      }
    }
    const stats = Object.fromEntries(
      Object.entries(samples).map(([k, v]) => [k, describeLatencies(v.flatMap((s) => s.latencies))]),
    ) as Record<keyof typeof samples, ReturnType<typeof describeLatencies>>;
    const errors = Object.values(samples)
      .flat()
      .reduce((n, s) => n + s.errors, 0);
    const firstError = Object.values(samples)
      .flat()
      .find((s) => s.firstError)?.firstError;
    if (firstError) log(`first error: ${firstError}`);
    const s = stats.search!;
    const sb = stats.searchBare!;
    const l = stats.list!;
    const lb = stats.listBare!;
    printResult({
      bench: 'search',
      value: s.p99,
      unit: 'ms (p99)',
      baseline: sb.p99,
      ratio: round(s.p99 / sb.p99, 3),
      p50: s.p50,
      p99: s.p99,
      notes:
        `${total} complaints; text search q=${word} (a word inside the bodies, ${matching} rows match) as director ` +
        `${DIRECTOR} (headquarters scope), newest 50: API over loopback HTTP p50 ${s.p50} ms p99 ${s.p99} ms vs the ` +
        `same statement bare via node-postgres p50 ${sb.p50} ms p99 ${sb.p99} ms; list (no filter, newest 50): API ` +
        `p50 ${l.p50} ms p99 ${l.p99} ms vs bare p50 ${lb.p50} ms p99 ${lb.p99} ms (ratio ${round(l.p99 / lb.p99, 3)}); ` +
        `plan ${usesIndex ? 'uses' : 'does not use'} Complaint_text_trgm_idx (GIN pg_trgm)${usesIndex ? '' : ' (a common word: walking the newest rows wins)'}; ` +
        `a rare word (${RARE_WORD}) ${rareUsesIndex ? 'uses' : 'does NOT use'} the trigram index, ${rareMs} ms; ${ROUNDS} alternating ` +
        `${SECONDS}-s rounds at concurrency ${CONCURRENCY}; errors ${errors}; ${os.cpus().length} cores, load avg ` +
        `${os.loadavg()[0]!.toFixed(1)}`,
    } as Parameters<typeof printResult>[0]);
  } finally {
    await pool.end();
    await setup.end();
    await stack.stop();
  }
}
