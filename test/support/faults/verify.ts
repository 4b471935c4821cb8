/**
 * What "no lost work" means, checked against PostgreSQL, the SMTP catcher's mailbox and Temporal after a
 * run: every complaint reached the stage its plan leads to (closed, or left overdue and escalated), once;
 * one row and one workflow per Idempotency-Key; every outbox mail sent and caught exactly once; every due
 * timer of the complaints left to their timers fired exactly once; every closing reported once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import type { Client } from '@temporalio/client';
import type { Db } from '../../../platform/prisma.ts';
import type { FiledComplaint } from './driver.ts';
import { FIGURES_FILE } from './scale.ts';
import { intakeRecordKey } from '../../../api/intake-idempotency.ts';

export interface RunFigures {
  complaints: number;
  /** Complaints missing, or not in the stage their plan leads to (after the settle time). */
  lost: number;
  lostExamples: string[];
  /** Extra complaint rows or workflow runs beyond one per Idempotency-Key. */
  duplicated: number;
  mailsSent: number;
  mailsPending: number;
  /**
   * Mails a recipient sees twice: two messages in the mailbox with the same recipient, subject and text
   * (i.e. the same notification sent under two outbox keys).
   */
  duplicateMails: number;
  /** Recipient and subject of up to five of them, and the outbox keys they went out under. */
  duplicateMailExamples: string[];
  /**
   * SMTP transmissions of an already received message (same Message-ID, i.e. the same outbox key), which
   * the mailbox collapses: only a crash between the server's acceptance and the outbox update causes one.
   */
  repeatedTransmissions: number;
  /** The most transmissions of one message. */
  maxTransmissionsOfOneMail: number;
  /** Outbox rows marked sent whose mail never arrived. */
  missingMails: number;
  /** Due timers of the complaints left to their timers: expected, fired exactly once. */
  timersDue: number;
  timersFired: number;
  /** One-shot timeline events recorded more than once. */
  duplicateEvents: number;
  outcomesReported: number;
  closed: number;
  /** Complaints the driver meant to rate that the survey deadline closed first (slow driving under faults). */
  closedBySurveyDeadline: number;
}

interface EventRow {
  receiptNo: string;
  type: string;
  detail: unknown;
}

const countOf = (
  events: EventRow[],
  type: string,
  predicate: (detail: Record<string, unknown>) => boolean = () => true,
) => events.filter((e) => e.type === type && predicate((e.detail ?? {}) as Record<string, unknown>)).length;

/** The timers a complaint left to itself must have fired: reminder, team-leader and director escalation, or the survey timers. */
function dueTimers(plan: FiledComplaint['plan'], events: EventRow[]): { due: number; fired: number } {
  if (plan === 'leave-overdue') {
    const fired = [
      countOf(events, 'reminder-sent'),
      countOf(events, 'escalated', (d) => d.level === 'team-leader'),
      countOf(events, 'escalated', (d) => d.level === 'director'),
    ];
    return { due: 3, fired: fired.filter((n) => n === 1).length };
  }
  if (plan === 'leave-unrated') {
    const fired = [
      countOf(events, 'survey-reminder-sent'),
      countOf(events, 'closed', (d) => String(d.reason).includes('survey deadline')),
    ];
    return { due: 2, fired: fired.filter((n) => n === 1).length };
  }
  return { due: 0, fired: 0 };
}

function reachedGoal(
  complaint: FiledComplaint,
  row: { stage: string; escalationLevel: number; overdue: boolean } | undefined,
  events: EventRow[],
  outcomeReported: boolean,
): boolean {
  if (!row) return false;
  if (complaint.plan === 'leave-overdue') {
    return (
      row.stage === 'in_progress' &&
      row.escalationLevel === 2 &&
      row.overdue &&
      dueTimers(complaint.plan, events).fired === 3
    );
  }
  if (row.stage !== 'closed' || !outcomeReported) return false;
  if (complaint.plan === 'leave-unrated') return dueTimers(complaint.plan, events).fired === 2;
  // A rating that came later than the (test-short) survey deadline finds the complaint closed by its timer:
  // closed once either way, and reported once.
  return countOf(events, 'closed') === 1 && countOf(events, 'rated') <= 1;
}

const ONE_SHOT_EVENTS = [
  'received',
  'assigned',
  'accepted',
  'answer-approved',
  'rated',
  'closed',
  'survey-reminder-sent',
  'reminder-sent',
];

export interface RunScope {
  prisma: Db;
  temporal: Client;
  filed: FiledComplaint[];
  /** Complaints filed in the same database and namespace by earlier runs. */
  earlier?: number;
}

export async function measureRun(options: RunScope): Promise<RunFigures> {
  const { prisma, temporal, filed } = options;
  const earlier = options.earlier ?? 0;
  const receiptNos = filed.map((c) => c.receiptNo);
  const [rows, events, outcomes, records] = await Promise.all([
    prisma.complaint.findMany({
      where: { receiptNo: { in: receiptNos } },
      select: { receiptNo: true, stage: true, escalationLevel: true, overdue: true },
    }),
    prisma.complaintEvent.findMany({
      where: { receiptNo: { in: receiptNos } },
      select: { receiptNo: true, type: true, detail: true },
    }),
    prisma.performanceOutcome.findMany({
      where: { outcomeKey: { in: receiptNos.map((r) => `complaint:${r}`) } },
      select: { outcomeKey: true },
    }),
    prisma.idempotencyRecord.findMany({
      where: { key: { in: filed.map((c) => intakeRecordKey(c.idempotencyKey)) } },
    }),
  ]);
  const rowByReceipt = new Map(rows.map((r) => [r.receiptNo, r]));
  const eventsByReceipt = new Map<string, EventRow[]>();
  for (const event of events)
    eventsByReceipt.set(event.receiptNo, [...(eventsByReceipt.get(event.receiptNo) ?? []), event]);
  const reported = new Set(outcomes.map((o) => o.outcomeKey));

  const lostExamples: string[] = [];
  let lost = 0;
  let timersDue = 0;
  let timersFired = 0;
  let duplicateEvents = 0;
  for (const complaint of filed) {
    const complaintEvents = eventsByReceipt.get(complaint.receiptNo) ?? [];
    const row = rowByReceipt.get(complaint.receiptNo);
    if (!reachedGoal(complaint, row, complaintEvents, reported.has(`complaint:${complaint.receiptNo}`))) {
      lost += 1;
      if (lostExamples.length < 5) {
        lostExamples.push(
          `${complaint.receiptNo} (${complaint.plan}): ${row?.stage ?? 'no row'}, events ${complaintEvents.map((e) => e.type).join(',')}`,
        );
      }
    }
    const timers = dueTimers(complaint.plan, complaintEvents);
    timersDue += timers.due;
    timersFired += timers.fired;
    for (const type of ONE_SHOT_EVENTS) duplicateEvents += Math.max(0, countOf(complaintEvents, type) - 1);
    for (const level of ['team-leader', 'director']) {
      duplicateEvents += Math.max(0, countOf(complaintEvents, 'escalated', (d) => d.level === level) - 1);
    }
  }

  // Every row and every workflow run in this database and namespace comes from one Idempotency-Key.
  const allRows = await prisma.complaint.count();
  const allRuns = await temporal.workflow.count(`WorkflowType = 'complaintWorkflow'`);
  const distinctKeys = new Set(filed.map((c) => c.idempotencyKey)).size;
  const distinctReceipts = new Set(receiptNos).size;
  const duplicated =
    Math.max(0, allRows - earlier - distinctKeys) +
    Math.max(0, allRuns.count - earlier - distinctKeys) +
    (distinctKeys - distinctReceipts) +
    Math.abs(records.length - distinctKeys);

  const [sent, pending, caught, seenTwice, transmissions] = await Promise.all([
    prisma.emailOutbox.findMany({ where: { status: 'SENT' }, select: { messageId: true } }),
    prisma.emailOutbox.count({ where: { status: { not: 'SENT' } } }),
    prisma.devMail.findMany({ select: { messageId: true } }),
    prisma.devMail.groupBy({
      by: ['to', 'subject', 'text'],
      _count: { _all: true },
      having: { id: { _count: { gt: 1 } } },
    }),
    prisma.devMail.aggregate({
      _sum: { deliveries: true },
      _max: { deliveries: true },
      _count: { _all: true },
    }),
  ]);
  const caughtIds = new Set(caught.map((m) => m.messageId));
  const duplicateMails = seenTwice.reduce((sum, group) => sum + group._count._all - 1, 0);
  const duplicateMailExamples = await Promise.all(
    seenTwice.slice(0, 5).map(async (group) => {
      const copies = await prisma.devMail.findMany({
        where: { to: group.to, subject: group.subject, text: group.text },
        select: { messageId: true },
      });
      const keys = await prisma.emailOutbox.findMany({
        where: { messageId: { in: copies.flatMap((c) => (c.messageId ? [c.messageId] : [])) } },
        select: { key: true },
      });
      return `${group.to} · ${group.subject} · keys ${keys.map((k) => k.key).join(', ')}`;
    }),
  );

  return {
    complaints: filed.length,
    lost,
    lostExamples,
    duplicated,
    mailsSent: sent.length,
    mailsPending: pending,
    duplicateMails,
    duplicateMailExamples,
    repeatedTransmissions: (transmissions._sum.deliveries ?? 0) - transmissions._count._all,
    maxTransmissionsOfOneMail: transmissions._max.deliveries ?? 0,
    missingMails: sent.filter((m) => !caughtIds.has(m.messageId)).length,
    timersDue,
    timersFired,
    duplicateEvents,
    outcomesReported: outcomes.length,
    closed: rows.filter((r) => r.stage === 'closed').length,
    closedBySurveyDeadline: filed.filter(
      (c) =>
        c.plan === 'close' &&
        countOf(eventsByReceipt.get(c.receiptNo) ?? [], 'closed', (d) =>
          String(d.reason).includes('survey deadline'),
        ) === 1,
    ).length,
  };
}

/** Polls until nothing is lost and no mail is pending, or the time is up; returns the last figures. */
export async function settle(options: RunScope, timeoutMs: number): Promise<RunFigures> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const figures = await measureRun(options);
    if ((figures.lost === 0 && figures.mailsPending === 0) || Date.now() > deadline) return figures;
    await sleep(2000);
  }
}

/** One line per figure, for the test log and the closing note. */
export function describeFigures(label: string, figures: RunFigures & Record<string, unknown>): string {
  return `[faults] ${label}: ${JSON.stringify(figures)}`;
}

/** Prints a run's closing figures and appends them to FIGURES_FILE (one JSON line). */
export function recordFigures(record: RunFigures & { test: string } & Record<string, unknown>) {
  console.log(describeFigures(record.test, record));
  fs.mkdirSync(path.dirname(FIGURES_FILE), { recursive: true });
  fs.appendFileSync(FIGURES_FILE, `${JSON.stringify({ at: new Date().toISOString(), ...record })}\n`);
}

/**
 * What every fault run promises: no complaint lost or duplicated, every sent mail caught and none seen
 * twice, nothing left pending, no one-shot event recorded twice. (Repeated SMTP transmissions are
 * asserted per run: none without kills, at most one per kill with them.)
 */
export function expectNothingLostOrDuplicated(figures: RunFigures) {
  expect(figures.lostExamples).toEqual([]);
  expect(figures.lost).toBe(0);
  expect(figures.duplicated).toBe(0);
  expect(figures.duplicateMailExamples).toEqual([]);
  expect(figures.duplicateMails).toBe(0);
  expect(figures.missingMails).toBe(0);
  expect(figures.mailsPending).toBe(0);
  expect(figures.duplicateEvents).toBe(0);
}
