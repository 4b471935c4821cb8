import { heartbeat } from '@temporalio/activity';
import type { Db } from '../platform/prisma.ts';
import { capabilityScore, type RaterGroup } from '../domain/scoring.ts';
import type { MailActivities } from '../data/mail-outbox.ts';
import { loadYearConfig } from '../data/year-config.ts';
import { HEAD_OF_UNIT_ROLES } from './performance.ts';

/**
 * The 360° cycle's activities. Ratings are written by the API straight into "CapabilityRating" (one row per
 * rater and subject, with per-item scores and a comment); these activities select raters, mail them,
 * count what is stored and aggregate with the anonymity rule of domain/scoring.ts capabilityScore.
 */
export function createCapabilityActivities(deps: {
  prisma: Db;
  sendNotification: MailActivities['sendNotification'];
}) {
  const { prisma, sendNotification } = deps;

  /**
   * Rater selection in one statement: superiors (the head of the subject's unit, or of the unit above for a
   * unit head), peers (same unit, same kind of role) and subordinates (for unit heads: the members of their
   * unit and the heads of the units below).
   */
  async function selectCapabilityRaters(input: {
    cycleId: string;
  }): Promise<{ invited: number; raters: number }> {
    await prisma.$executeRawUnsafe(
      `WITH people AS (
         SELECT s."employeeNo" AS no, s."unitId" AS unit_id, u."parentId" AS parent_id,
           s.role IN ${HEAD_OF_UNIT_ROLES} AS is_head
         FROM "Staff" s JOIN "OrgUnit" u ON u.id = s."unitId"
         WHERE s.role NOT IN ('ADMIN') AND s."deactivatedAt" IS NULL
       ),
       pairs AS (
         SELECT subj.no AS subject, rater.no AS rater, 'SUPERIOR' AS grp
         FROM people subj JOIN people rater
           ON rater.is_head AND ((NOT subj.is_head AND rater.unit_id = subj.unit_id)
                                 OR (subj.is_head AND rater.unit_id = subj.parent_id))
         UNION ALL
         SELECT subj.no, rater.no, 'PEER' FROM people subj JOIN people rater
           ON rater.unit_id = subj.unit_id AND rater.no <> subj.no AND rater.is_head = subj.is_head
         UNION ALL
         SELECT subj.no, rater.no, 'SUBORDINATE' FROM people subj JOIN people rater
           ON subj.is_head AND ((NOT rater.is_head AND rater.unit_id = subj.unit_id)
                                OR (rater.is_head AND rater.parent_id = subj.unit_id))
       )
       INSERT INTO "CapabilityRating" ("cycleId", "subjectNo", "raterNo", "raterGroup")
       SELECT $1, subject, rater, grp FROM pairs WHERE subject <> rater
       ON CONFLICT DO NOTHING`,
      input.cycleId,
    );
    const [invited, raters] = await Promise.all([
      prisma.capabilityRating.count({ where: { cycleId: input.cycleId } }),
      prisma.capabilityRating.groupBy({ by: ['raterNo'], where: { cycleId: input.cycleId } }),
    ]);
    return { invited, raters: raters.length };
  }

  async function mailCapabilityRaters(input: {
    year: number;
    cycleId: string;
    deadline: string;
    kind: 'invitation' | 'reminder';
  }): Promise<{ mailed: number }> {
    const pending = await prisma.capabilityRating.groupBy({
      by: ['raterNo'],
      where: { cycleId: input.cycleId, submittedAt: null },
      _count: { _all: true },
      orderBy: { raterNo: 'asc' },
    });
    for (const [index, row] of pending.entries()) {
      await sendNotification({
        key: `${input.cycleId}:${input.kind}:${row.raterNo}`,
        to: { kind: 'staff', employeeNo: row.raterNo },
        template: input.kind === 'invitation' ? 'capability-invitation' : 'capability-reminder',
        data: {
          year: input.year,
          pending: row._count._all,
          deadline: input.deadline,
          evaluationUrl: `/performance/${input.year}/evaluations`,
        },
      });
      heartbeat(index);
    }
    if (input.kind === 'reminder') {
      await prisma.capabilityRating.updateMany({
        where: { cycleId: input.cycleId, submittedAt: null },
        data: { remindedAt: new Date() },
      });
    }
    return { mailed: pending.length };
  }

  /** What is stored so far, and whether HR has closed the cycle in the portal (the row is the truth). */
  async function countCapabilityRatings(input: {
    cycleId: string;
  }): Promise<{ invited: number; submitted: number; closeRequested: boolean }> {
    const [invited, submitted, cycle] = await Promise.all([
      prisma.capabilityRating.count({ where: { cycleId: input.cycleId } }),
      prisma.capabilityRating.count({ where: { cycleId: input.cycleId, submittedAt: { not: null } } }),
      prisma.capabilityCycle.findUnique({ where: { id: input.cycleId } }),
    ]);
    return { invited, submitted, closeRequested: cycle !== null && cycle.stage !== 'OPEN' };
  }

  /**
   * Per subject: the submitted ratings grouped by rater group (SQL), then capabilityScore's folding rule
   * with the cycle's anonymity threshold (groups under it are pooled or folded into the overall mean).
   * Per-item means and the comments are stored only for subjects with at least that many raters, the
   * comments in text order so that nothing ties one to a rater.
   */
  async function aggregateCapability(input: {
    year: number;
    cycleId: string;
  }): Promise<{ subjects: number }> {
    const { scoring } = await loadYearConfig(prisma, input.year);
    const cycle = await prisma.capabilityCycle.findUnique({ where: { id: input.cycleId } });
    const threshold = cycle?.anonymityThreshold ?? scoring.minRaterGroupSize;
    await prisma.capabilityCycle.updateMany({
      where: { id: input.cycleId, stage: { in: ['OPEN', 'CLOSING'] } },
      data: { stage: 'CLOSED', closedAt: new Date() },
    });
    const rows = await prisma.$queryRawUnsafe<
      {
        subject: string;
        ratings: { group: RaterGroup; score: number }[];
        items: Record<string, number> | null;
        comments: string[] | null;
      }[]
    >(
      `WITH submitted AS (
         SELECT * FROM "CapabilityRating" WHERE "cycleId" = $1 AND score IS NOT NULL
       ),
       item_means AS (
         SELECT "subjectNo", jsonb_object_agg(key, mean) AS items
         FROM (SELECT "subjectNo", e.key, avg(e.value::text::float8) AS mean
               FROM submitted, jsonb_each(COALESCE("itemScores", '{}'::jsonb)) e GROUP BY 1, 2) m
         GROUP BY 1
       )
       SELECT s."subjectNo" AS subject,
         jsonb_agg(jsonb_build_object('group', s."raterGroup", 'score', s.score) ORDER BY s."raterGroup", s.score) AS ratings,
         max(im.items::text)::jsonb AS items,
         array_remove(array_agg(NULLIF(btrim(s.comment), '') ORDER BY s.comment), NULL) AS comments
       FROM submitted s LEFT JOIN item_means im ON im."subjectNo" = s."subjectNo"
       GROUP BY 1`,
      input.cycleId,
    );
    const results = rows.map(({ subject, ratings, items, comments }) => {
      const result = capabilityScore(ratings, scoring.raterGroupWeights, threshold);
      const safe = result.raterCount >= threshold;
      return {
        subjectNo: subject,
        score: result.score,
        rule: result.rule,
        raterCount: result.raterCount,
        parts: {
          parts: result.parts,
          foldedGroups: result.foldedGroups,
          belowMinimum: result.belowMinimum,
          anonymityThreshold: threshold,
          items: safe ? (items ?? {}) : {},
          comments: safe ? (comments ?? []) : [],
        },
      };
    });
    await prisma.$transaction([
      prisma.$executeRawUnsafe(`DELETE FROM "CapabilityResult" WHERE year = $1`, input.year),
      prisma.$executeRawUnsafe(
        `INSERT INTO "CapabilityResult" (year, "subjectNo", "cycleId", score, rule, parts, "raterCount")
         SELECT $1, r."subjectNo", $2, r.score, r.rule, r.parts, r."raterCount"
         FROM jsonb_to_recordset($3::jsonb) AS r("subjectNo" text, score float8, rule text, parts jsonb, "raterCount" int)`,
        input.year,
        input.cycleId,
        JSON.stringify(results),
      ),
      prisma.capabilityCycle.updateMany({ where: { id: input.cycleId }, data: { stage: 'AGGREGATED' } }),
    ]);
    return { subjects: results.length };
  }

  return { selectCapabilityRaters, mailCapabilityRaters, countCapabilityRatings, aggregateCapability };
}

export type CapabilityActivities = ReturnType<typeof createCapabilityActivities>;
