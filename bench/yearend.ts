/**
 * `npm run bench -- yearend`: the year-end aggregation (activities/performance.ts aggregateYearEndSql: unit
 * scores, individual, performance and final results, grades, payouts, promotion candidates) over 1,000,000
 * outcome events, 10,000 tasks and 2,000 staff, against a hand-written single SQL statement that computes
 * only the unit scores, in the same run on a fresh embedded PostgreSQL. Value and baseline are the median
 * of several alternating runs; ratio = value / baseline (target ≤ 2, value < 10 s).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { aggregateYearEndSql } from '../activities/performance.ts';
import { loadYearConfig } from '../data/year-config.ts';
import { applyMigrations } from '../embedded/migrate.ts';
import { startEmbeddedPostgres } from '../embedded/postgres.ts';
import { createPrisma } from '../platform/prisma.ts';

const YEAR = 2026;
const OUTCOMES = 1_000_000;
const TASKS = 10_000;
const INNOVATIONS = 20_000;
const STAFF = 2_000;
const HEADQUARTERS = 20;
const TEAMS_PER_HQ = 10;
const RUNS = 5;

const log = (message: string) => process.stderr.write(`[yearend] ${message}\n`);

/** Organisation, staff, scorecards, tasks, outcomes and evaluations, all generated inside PostgreSQL. */
async function generate(client: pg.Client) {
  const teams = HEADQUARTERS * TEAMS_PER_HQ;
  const members = STAFF - 1 - HEADQUARTERS - teams;
  await client.query(`
    INSERT INTO "OrgUnit" (code, kind, "nameKo", "nameEn") VALUES ('MIN', 'MINISTRY', '부', 'Ministry');
    INSERT INTO "OrgUnit" (code, kind, "nameKo", "nameEn", "parentId")
      SELECT 'HQ' || h, 'HEADQUARTERS', '본부' || h, 'HQ ' || h, (SELECT id FROM "OrgUnit" WHERE code = 'MIN')
      FROM generate_series(1, ${HEADQUARTERS}) h;
    INSERT INTO "OrgUnit" (code, kind, "nameKo", "nameEn", "parentId")
      SELECT 'T' || h || '-' || t, 'TEAM', '팀' || h || '-' || t, 'Team ' || h || '-' || t,
        (SELECT id FROM "OrgUnit" WHERE code = 'HQ' || h)
      FROM generate_series(1, ${HEADQUARTERS}) h, generate_series(1, ${TEAMS_PER_HQ}) t;`);
  // Staff: the head, a director per headquarters, a leader per team, the rest members spread over teams.
  await client.query(`
    CREATE TEMP TABLE team_list AS
      SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, code FROM "OrgUnit" WHERE kind = 'TEAM';
    INSERT INTO "Staff" ("employeeNo", "nameKo", "nameEn", email, role, "unitId", "payGrade", "passwordHash", skills)
      SELECT 'E000001', '장관', 'Head', 'e000001@bench', 'HEAD', id, '3급', 'x', '{}' FROM "OrgUnit" WHERE code = 'MIN';
    INSERT INTO "Staff" ("employeeNo", "nameKo", "nameEn", email, role, "unitId", "payGrade", "passwordHash", skills)
      SELECT 'E1' || lpad(h::text, 5, '0'), '본부장' || h, 'Director ' || h, 'd' || h || '@bench', 'DIRECTOR',
        (SELECT id FROM "OrgUnit" WHERE code = 'HQ' || h), '3급', 'x', '{}'
      FROM generate_series(1, ${HEADQUARTERS}) h;
    INSERT INTO "Staff" ("employeeNo", "nameKo", "nameEn", email, role, "unitId", "payGrade", "passwordHash", skills)
      SELECT 'E2' || lpad(n::text, 5, '0'), '팀장' || n, 'Leader ' || n, 'l' || n || '@bench', 'TEAM_LEADER', id, '4급', 'x', '{}'
      FROM team_list;
    INSERT INTO "Staff" ("employeeNo", "nameKo", "nameEn", email, role, "unitId", "payGrade", "passwordHash", skills)
      SELECT 'E3' || lpad(m::text, 5, '0'), '직원' || m, 'Member ' || m, 'm' || m || '@bench', 'STAFF', t.id,
        (ARRAY['5급', '6급', '6급', '7급', '7급'])[1 + m % 5], 'x', '{}'
      FROM generate_series(0, ${members - 1}) m JOIN team_list t ON t.n = m % ${teams};
    CREATE TEMP TABLE member_list AS
      SELECT row_number() OVER (ORDER BY s.id) - 1 AS n, s.id, s."employeeNo" AS employee_no, u.code AS unit_code
      FROM "Staff" s JOIN "OrgUnit" u ON u.id = s."unitId" WHERE s.role IN ('STAFF', 'TEAM_LEADER');`);
  // Scorecards: one objective per perspective and unit, eight KPIs per unit as in the seed.
  await client.query(`
    INSERT INTO "StrategyMap" (year, "unitId", "missionKo", "missionEn", "visionKo", "visionEn")
      SELECT ${YEAR}, id, '사명', 'Mission', '비전', 'Vision' FROM "OrgUnit";
    INSERT INTO "StrategicObjective" (year, code, "unitId", perspective, "nameKo", "nameEn", weight)
      SELECT ${YEAR}, 'O-' || u.code || '-' || p.suffix, u.id, p.perspective::"Perspective", '목표', 'Objective', p.weight
      FROM "OrgUnit" u, (VALUES ('CUSTOMER', 'C', 35), ('WORK_PERFORMANCE', 'W', 35),
                               ('PROCESS_INNOVATION', 'I', 15), ('LEARNING_GROWTH', 'L', 15)) p(perspective, suffix, weight);
    INSERT INTO "Kpi" (year, code, "objectiveId", "nameKo", "nameEn", "unitLabel", direction, target, weight, source, actual, "updatedAt")
      SELECT ${YEAR}, 'K-' || u.code || '-' || k.slug, o.id, k.slug, k.slug, '-', k.direction::"KpiDirection",
        CASE WHEN k.slug = 'INNO' THEN CASE u.kind WHEN 'TEAM' THEN 3 WHEN 'HEADQUARTERS' THEN 30 ELSE 600 END ELSE k.target END,
        k.weight, k.source::"KpiSource",
        CASE WHEN k.source = 'MANUAL' THEN k.target * (0.8 + (u.id % 5) * 0.1) END, now()
      FROM "OrgUnit" u
      JOIN (VALUES ('DAYS', 'C', 'LOWER_IS_BETTER', 3.0, 40, 'COMPLAINTS_PROCESSING_DAYS'),
                   ('SLA', 'C', 'HIGHER_IS_BETTER', 95.0, 30, 'COMPLAINTS_SLA_RATE'),
                   ('SAT', 'C', 'HIGHER_IS_BETTER', 4.2, 30, 'COMPLAINTS_SATISFACTION'),
                   ('TASK', 'W', 'HIGHER_IS_BETTER', 90.0, 60, 'TASKS_ACHIEVEMENT'),
                   ('TIME', 'W', 'HIGHER_IS_BETTER', 90.0, 40, 'TASKS_TIMELINESS'),
                   ('INNO', 'I', 'HIGHER_IS_BETTER', 3.0, 100, 'INNOVATION'),
                   ('EDU', 'L', 'HIGHER_IS_BETTER', 80.0, 60, 'MANUAL'),
                   ('KNOW', 'L', 'HIGHER_IS_BETTER', 4.0, 40, 'MANUAL'))
        k(slug, suffix, direction, target, weight, source) ON true
      JOIN "StrategicObjective" o ON o.code = 'O-' || u.code || '-' || k.suffix AND o.year = ${YEAR};`);
  await client.query(`
    INSERT INTO "PolicyTask" (id, title, purpose, "taskType", "unitId", "ownerId", stage, "updatedAt")
      SELECT 'PT-${YEAR}-' || lpad(g::text, 6, '0'), '과제 ' || g, '목적', 'policy', s."unitId", s.id, 'done', now()
      FROM generate_series(1, ${TASKS}) g JOIN member_list m ON m.n = g % ${STAFF - 1 - HEADQUARTERS}
      JOIN "Staff" s ON s.id = m.id;`);
  const complaints = OUTCOMES - TASKS - INNOVATIONS;
  log(`generating ${OUTCOMES.toLocaleString('en-US')} outcome events`);
  const people = STAFF - 1 - HEADQUARTERS;
  await client.query(`
    INSERT INTO "PerformanceOutcome" ("outcomeKey", year, kind, "unitCode", "employeeNo", payload, "occurredAt")
      SELECT 'complaint:MW-${YEAR}-' || lpad(g::text, 7, '0') || ':closed', ${YEAR}, 'complaint-closed', m.unit_code, m.employee_no,
        jsonb_build_object('kind', 'complaint-closed', 'outcomeKey', 'complaint:MW-${YEAR}-' || lpad(g::text, 7, '0') || ':closed',
          'year', ${YEAR}, 'occurredAt', to_char(timestamp '${YEAR}-01-01' + (g % 360) * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
          'unitCode', m.unit_code, 'employeeNo', m.employee_no, 'receiptNo', 'MW-${YEAR}-' || lpad(g::text, 7, '0'),
          'categoryCode', 'Q-GENERAL', 'businessDaysTaken', 0.5 + (g * 7 % 11) * 0.5, 'slaMet', g * 13 % 20 <> 0,
          'withdrawn', g % 97 = 0)
        || CASE WHEN g % 4 = 0 THEN '{}'::jsonb ELSE jsonb_build_object('satisfaction', LEAST(5, 1 + (g * 31 + m.n) % 5 + (m.n % 3 = 0)::int)) END,
        timestamp '${YEAR}-01-01' + (g % 360) * interval '1 day'
      FROM generate_series(1::bigint, ${complaints}) g JOIN member_list m ON m.n = (g * 7919) % ${people};`);
  await client.query(`
    INSERT INTO "PerformanceOutcome" ("outcomeKey", year, kind, "unitCode", "employeeNo", payload, "occurredAt")
      SELECT 'task:' || t.id || ':done', ${YEAR}, 'task-done', u.code, s."employeeNo",
        jsonb_build_object('kind', 'task-done', 'outcomeKey', 'task:' || t.id || ':done', 'year', ${YEAR},
          'occurredAt', '${YEAR}-11-30T00:00:00Z', 'unitCode', u.code, 'employeeNo', s."employeeNo", 'taskId', t.id,
          'goalAchievement', 60 + (hashtext(t.id) & 63) % 50, 'timeliness', 55 + (hashtext(t.id || 't') & 63) % 45,
          'quality', 60 + (hashtext(t.id || 'q') & 63) % 40),
        timestamp '${YEAR}-11-30'
      FROM "PolicyTask" t JOIN "Staff" s ON s.id = t."ownerId" JOIN "OrgUnit" u ON u.id = t."unitId";
    INSERT INTO "PerformanceOutcome" ("outcomeKey", year, kind, "unitCode", "employeeNo", payload, "occurredAt")
      SELECT 'innovation:INV-' || g || ':scored', ${YEAR}, 'innovation-scored', m.unit_code, m.employee_no,
        jsonb_build_object('kind', 'innovation-scored', 'outcomeKey', 'innovation:INV-' || g || ':scored', 'year', ${YEAR},
          'occurredAt', '${YEAR}-10-01T00:00:00Z', 'unitCode', m.unit_code, 'employeeNo', m.employee_no,
          'activityId', 'INV-' || g, 'score', 50 + g * 17 % 50),
        timestamp '${YEAR}-10-01'
      FROM generate_series(1::bigint, ${INNOVATIONS}) g JOIN member_list m ON m.n = (g * 104729) % ${people};`);
  await client.query(`
    INSERT INTO "LeaderEvaluation" (year, "subjectNo", "evaluatorNo", score)
      SELECT ${YEAR}, employee_no, 'E000001', 60 + (n * 37 % 40) FROM member_list;
    INSERT INTO "CapabilityResult" (year, "subjectNo", "cycleId", score, rule, parts, "raterCount")
      SELECT ${YEAR}, "employeeNo", 'capability-${YEAR}', 55 + (id * 53 % 45), 'BY_GROUP', '{}', 6 FROM "Staff";
    INSERT INTO "PerformanceYear" (year, "updatedAt") VALUES (${YEAR}, now());`);
  await client.query('VACUUM ANALYZE');
}

/** Written by hand as one statement: unit scores only, straight from the outcome events. */
const BASELINE_UNIT_SCORES = `
WITH RECURSIVE tree(unit_id, ancestor_id) AS (
  SELECT id, id FROM "OrgUnit"
  UNION ALL SELECT t.unit_id, u."parentId" FROM tree t JOIN "OrgUnit" u ON u.id = t.ancestor_id WHERE u."parentId" IS NOT NULL
),
per_unit AS (
  SELECT o."unitCode",
    count(*) FILTER (WHERE o.kind = 'complaint-closed' AND NOT (o.payload->>'withdrawn')::boolean) AS n,
    sum((o.payload->>'businessDaysTaken')::float8) FILTER (WHERE o.kind = 'complaint-closed' AND NOT (o.payload->>'withdrawn')::boolean) AS days,
    count(*) FILTER (WHERE o.kind = 'complaint-closed' AND NOT (o.payload->>'withdrawn')::boolean AND (o.payload->>'slaMet')::boolean) AS met,
    count(o.payload->'satisfaction') FILTER (WHERE o.kind = 'complaint-closed' AND NOT (o.payload->>'withdrawn')::boolean) AS rated,
    sum((o.payload->>'satisfaction')::float8) FILTER (WHERE o.kind = 'complaint-closed' AND NOT (o.payload->>'withdrawn')::boolean) AS sat,
    count(*) FILTER (WHERE o.kind = 'task-done') AS tasks,
    sum((o.payload->>'goalAchievement')::float8) FILTER (WHERE o.kind = 'task-done') AS goal,
    sum((o.payload->>'timeliness')::float8) FILTER (WHERE o.kind = 'task-done') AS timely,
    count(*) FILTER (WHERE o.kind = 'innovation-scored') AS inno
  FROM "PerformanceOutcome" o WHERE o.year = $1 GROUP BY o."unitCode"
),
rolled AS (
  SELECT t.ancestor_id AS unit_id, sum(n) n, sum(days) days, sum(met) met, sum(rated) rated, sum(sat) sat,
    sum(tasks) tasks, sum(goal) goal, sum(timely) timely, sum(inno) inno
  FROM per_unit p JOIN "OrgUnit" u ON u.code = p."unitCode" JOIN tree t ON t.unit_id = u.id GROUP BY 1
),
kpi AS (
  SELECT so."unitId" unit_id, so.id obj, so.perspective, so.weight ow, k.weight kw, k.direction, k.target,
    CASE k.source WHEN 'COMPLAINTS_PROCESSING_DAYS' THEN r.days / NULLIF(r.n, 0)
      WHEN 'COMPLAINTS_SLA_RATE' THEN 100.0 * r.met / NULLIF(r.n, 0)
      WHEN 'COMPLAINTS_SATISFACTION' THEN r.sat / NULLIF(r.rated, 0)
      WHEN 'TASKS_ACHIEVEMENT' THEN r.goal / NULLIF(r.tasks, 0)
      WHEN 'TASKS_TIMELINESS' THEN r.timely / NULLIF(r.tasks, 0)
      WHEN 'INNOVATION' THEN COALESCE(r.inno, 0) ELSE k.actual END AS actual
  FROM "Kpi" k JOIN "StrategicObjective" so ON so.id = k."objectiveId" LEFT JOIN rolled r ON r.unit_id = so."unitId"
  WHERE k.year = $1
),
ach AS (
  SELECT *, CASE WHEN actual IS NULL THEN NULL
    WHEN target <= 0 THEN CASE WHEN (direction = 'HIGHER_IS_BETTER') = (actual >= target) OR actual = target THEN 100 ELSE 0 END
    WHEN direction = 'HIGHER_IS_BETTER' THEN GREATEST(0, LEAST(120, actual * 100 / target))
    WHEN actual <= 0 THEN 120 ELSE GREATEST(0, LEAST(120, target * 100 / actual)) END AS a
  FROM kpi
),
obj AS (SELECT unit_id, perspective, ow, sum(a * kw) FILTER (WHERE a IS NOT NULL) / NULLIF(sum(kw) FILTER (WHERE a IS NOT NULL), 0) s FROM ach GROUP BY unit_id, obj, perspective, ow),
persp AS (SELECT unit_id, perspective, sum(s * ow) FILTER (WHERE s IS NOT NULL) / NULLIF(sum(ow) FILTER (WHERE s IS NOT NULL), 0) s FROM obj GROUP BY 1, 2),
weighted AS (SELECT unit_id, s, CASE perspective WHEN 'CUSTOMER' THEN 35 WHEN 'WORK_PERFORMANCE' THEN 35 ELSE 15 END AS w FROM persp)
SELECT u.code, sum(s * w) FILTER (WHERE s IS NOT NULL) / NULLIF(sum(w) FILTER (WHERE s IS NOT NULL), 0) AS score
FROM weighted JOIN "OrgUnit" u ON u.id = weighted.unit_id GROUP BY u.code`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * YEAREND_EXPLAIN=FILE: after generating, run the aggregation once with auto_explain (ANALYZE, BUFFERS)
 * on every statement and write the server's plans to FILE; then measure as usual.
 */
const EXPLAIN_FILE = process.env.YEAREND_EXPLAIN;

export async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-bench-yearend-'));
  const started = Date.now();
  const serverLog: string[] = [];
  const db = await startEmbeddedPostgres({
    dataDir: path.join(root, 'postgres'),
    port: 0,
    databaseName: 'bench',
    ...(EXPLAIN_FILE ? { log: (line: string) => serverLog.push(line) } : {}),
  });
  const prisma = createPrisma(db.url, 2);
  const client = new pg.Client({ connectionString: db.url });
  try {
    log('migrating a fresh embedded PostgreSQL');
    await applyMigrations(db.url);
    await client.connect();
    const generateStart = Date.now();
    await generate(client);
    log(`generated in ${((Date.now() - generateStart) / 1000).toFixed(1)} s`);

    const config = await loadYearConfig(prisma, YEAR);
    if (EXPLAIN_FILE) {
      for (const setting of [
        `session_preload_libraries = 'auto_explain'`,
        'auto_explain.log_min_duration = 0',
        'auto_explain.log_analyze = on',
        'auto_explain.log_buffers = on',
        'auto_explain.log_nested_statements = on',
      ])
        await client.query(`ALTER DATABASE bench SET ${setting}`);
      const explained = createPrisma(db.url, 1);
      serverLog.length = 0;
      const t0 = performance.now();
      await explained.$transaction((tx) => aggregateYearEndSql(tx, YEAR, config), { timeout: 600_000 });
      log(`explained run ${((performance.now() - t0) / 1000).toFixed(3)} s, plans in ${EXPLAIN_FILE}`);
      await explained.$disconnect();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      fs.writeFileSync(EXPLAIN_FILE, serverLog.join('\n'));
      await client.query('ALTER DATABASE bench RESET ALL');
    }
    const aggregate = async () => {
      const t0 = performance.now();
      const counts = await prisma.$transaction((tx) => aggregateYearEndSql(tx, YEAR, config), {
        timeout: 600_000,
      });
      return { seconds: (performance.now() - t0) / 1000, counts };
    };
    const baseline = async () => {
      const t0 = performance.now();
      const result = await client.query<{ code: string; score: number | null }>(BASELINE_UNIT_SCORES, [YEAR]);
      return { seconds: (performance.now() - t0) / 1000, rows: result.rows };
    };

    // Warm both once (buffers, plans), then alternate.
    await baseline();
    let last = await aggregate();
    const values: number[] = [];
    const baselines: number[] = [];
    let baselineRows: { code: string; score: number | null }[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const b = await baseline();
      baselines.push(b.seconds);
      baselineRows = b.rows;
      last = await aggregate();
      values.push(last.seconds);
      log(`run ${run + 1}: aggregation ${last.seconds.toFixed(3)} s, baseline ${b.seconds.toFixed(3)} s`);
    }

    const stored = await client.query<{ unitCode: string; score: number | null }>(
      `SELECT "unitCode", score FROM "YearEndUnitResult" WHERE year = $1`,
      [YEAR],
    );
    const storedScore = new Map(stored.rows.map((row) => [row.unitCode, row.score]));
    const maxDifference = Math.max(
      ...baselineRows.map((row) => Math.abs((row.score ?? 0) - (storedScore.get(row.code) ?? Number.NaN))),
    );
    const graded = await client.query<{ grade: string; n: string }>(
      `SELECT grade, count(*) AS n FROM "YearEndPersonResult" WHERE year = $1 GROUP BY grade ORDER BY grade`,
      [YEAR],
    );
    const counts = await client.query<{ outcomes: string; tasks: string; staff: string }>(
      `SELECT (SELECT count(*) FROM "PerformanceOutcome") AS outcomes, (SELECT count(*) FROM "PolicyTask") AS tasks,
         (SELECT count(*) FROM "Staff") AS staff`,
    );
    const value = median(values);
    const base = median(baselines);
    const c = counts.rows[0]!;
    const notes =
      `median of ${RUNS}; ${Number(c.outcomes).toLocaleString('en-US')} outcomes, ${c.tasks} tasks, ${c.staff} staff, ` +
      `${last.counts.units} units; aggregation = facts scan + unit scores + ${last.counts.people} people (individual, ` +
      `performance, final) + grades/payouts/promotion in one transaction; baseline = one hand-written statement, ` +
      `unit scores only; unit scores agree within ${maxDifference.toExponential(1)}; grades ` +
      graded.rows.map((row) => `${row.grade}:${row.n}`).join(' ') +
      `; ${os.cpus().length} cores; total bench ${((Date.now() - started) / 1000).toFixed(0)} s`;
    console.log(
      JSON.stringify({
        bench: 'yearend',
        value: Number(value.toFixed(3)),
        unit: 's',
        baseline: Number(base.toFixed(3)),
        ratio: Number((value / base).toFixed(3)),
        notes,
      }),
    );
  } finally {
    await client.end().catch(() => undefined);
    await prisma.$disconnect();
    await db.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
