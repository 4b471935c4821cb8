import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { Activities } from '../../activities/index.ts';
import type { ComplaintEventInput } from '../../activities/complaint.ts';
import { toKstDateString, type CalendarHoliday } from '../../domain/business-calendar.ts';
import type { ComplaintInput } from '../../domain/complaint.ts';
import {
  acceptUpdate,
  calendarChangedSignal,
  complaintStateQuery,
  withdrawUpdate,
} from '../../domain/complaint-messages.ts';
import type { complaintWorkflow } from '../../workflows/complaint.ts';
import { statutoryBusinessCalendar, statutoryHolidays } from '../../platform/holiday-calendar.ts';
import {
  createTimeSkippingEnv,
  signedUpdate,
  untilComplaintState,
  workflowBundle,
} from '../support/time-skipping.ts';
import { ActorClaimCodec } from '../../platform/actor-claims.ts';
import { recordingRelease, saveHistoryFixture } from '../support/history-fixtures.ts';

/**
 * Versioned deploys by Temporal's patching discipline (issue 13), on the time-skipping server with real
 * business-day timers (no test SLA):
 * - a complaint runs half-way on version N (the workflow code of VERSION_N, bundled from git) and
 *   completes on N+1 (today's code), which replays N's history through `patched()` and then applies the
 *   changed rule: a holiday added to the database calendar re-times the run;
 * - a run on today's code gets a holiday mid-flight and replays without nondeterminism.
 * With RECORD_HISTORIES=<release> both histories are added to test/fixtures/histories as new fixtures
 * (never rewritten: test/support/history-fixtures.ts), which test/workflows/replay.test.ts replays.
 */
const VERSION_N = '4503388'; // the last commit before the 'calendar-from-database' and handler-wait patches
const day = 24 * 3600_000;

const events = new Map<string, ComplaintEventInput[]>();
let calendar: { version: number; holidays: CalendarHoliday[] } = {
  version: 1,
  holidays: statutoryHolidays(),
};

const activities: Pick<
  Activities,
  | 'assignHandler'
  | 'recordComplaintEvent'
  | 'resolveTeam'
  | 'checkReassignTarget'
  | 'reportOutcome'
  | 'sendNotification'
  | 'sendSurveyMail'
  | 'loadCalendarSnapshot'
> = {
  async assignHandler() {
    return { handler: { employeeNo: 'E1101', name: '김담당', team: 'T11' }, reason: 'least open load: 0' };
  },
  async recordComplaintEvent(event) {
    events.set(event.receiptNo, [...(events.get(event.receiptNo) ?? []), event]);
  },
  async resolveTeam({ teamCode }) {
    return { teamCode, teamName: teamCode, headquartersCode: 'HQ1' };
  },
  async checkReassignTarget({ employeeNo, teamCode }) {
    return { employeeNo, name: employeeNo, team: teamCode };
  },
  async reportOutcome() {},
  async sendNotification() {
    return { status: 'sent' };
  },
  async sendSurveyMail() {
    return { status: 'sent' };
  },
  async loadCalendarSnapshot() {
    return { ...calendar, from: '2018-01-01', to: '2050-12-31' };
  },
};

const handler = {
  kind: 'staff' as const,
  employeeNo: 'E1101',
  role: 'STAFF',
  unitCode: 'T11',
  headquartersCode: 'HQ1',
};
const citizen = { kind: 'citizen' as const };

let env: TestWorkflowEnvironment;
let versionN: WorkflowBundleWithSourceMap;
const versionNDir = path.resolve(`test-artifacts/version-n-${process.pid}`);

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  fs.mkdirSync(versionNDir, { recursive: true });
  // Inside the work tree, so that the old code resolves the same node_modules.
  execFileSync('sh', ['-c', `git archive ${VERSION_N} workflows domain | tar -x -C "${versionNDir}"`]);
  versionN = await bundleWorkflowCode({
    workflowsPath: path.join(versionNDir, 'workflows/index.ts'),
    logger: new DefaultLogger('WARN'),
  });
}, 180_000);
afterAll(async () => {
  await env?.teardown();
  fs.rmSync(versionNDir, { recursive: true, force: true });
});

/** Today's worker checks signed Update actors (platform/actor-claims.ts); version N knew no claims. */
const actorSigningSecret = randomBytes(32).toString('hex');
const signer = () => ({ env, actorSigningSecret });

async function runWorker<T>(taskQueue: string, bundle: WorkflowBundleWithSourceMap, work: () => Promise<T>) {
  // A connection per worker, so the next version's worker does not wait on the stopped one's.
  const connection = await NativeConnection.connect({ address: env.address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: bundle,
    activities,
    ...(bundle === versionN
      ? {}
      : { dataConverter: { payloadCodecs: [new ActorClaimCodec(actorSigningSecret)] } }),
    // No sticky cache: the next version's worker must get the run's tasks as soon as this one stops.
    maxCachedWorkflows: 0,
  });
  const running = worker.run();
  try {
    return await work();
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
  }
}

async function start(taskQueue: string, slaDays: number): Promise<WorkflowHandle<typeof complaintWorkflow>> {
  const receiptNo = `MW-2026-${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const receivedAt = new Date(await env.currentTimeMs());
  const input: ComplaintInput = {
    receiptNo,
    categoryCode: 'Q-GENERAL',
    teamCode: 'T11',
    headquartersCode: 'HQ1',
    slaDays,
    receivedAt: receivedAt.toISOString(),
    dueAt: statutoryBusinessCalendar().computeDueAt(receivedAt, slaDays).toISOString(),
  };
  return env.client.workflow.start<typeof complaintWorkflow>('complaintWorkflow', {
    workflowId: receiptNo,
    taskQueue,
    args: [input],
  });
}

/** A holiday two business days before `dueAt`, added to the calendar the activity serves. */
function addHolidayBefore(dueAt: string, name: string): string {
  const date = toKstDateString(statutoryBusinessCalendar().addBusinessDays(new Date(dueAt), -2));
  calendar = { version: calendar.version + 1, holidays: [...calendar.holidays, { date, name }] };
  return date;
}

async function finish(handle: WorkflowHandle, scenario: string) {
  await signedUpdate(signer(), handle, withdrawUpdate, { actor: citizen, messageId: '1' });
  await handle.result();
  expect((await handle.describe()).status.name).toBe('COMPLETED');
  const history = await handle.fetchHistory();
  const taskFailures = (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes);
  expect(taskFailures).toEqual([]);
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), replayName: scenario }, history);
  const release = recordingRelease();
  if (release) saveHistoryFixture(`complaint-${release}-${scenario}`, historyToJSON(history));
}

describe('complaint workflow versions', () => {
  it('runs a complaint half-way on version N and completes it on N+1, which re-times it by the database calendar', async () => {
    const taskQueue = `versioning-${Date.now()}`;
    // Queried while version N's worker runs: a query needs a worker.
    const { handle, onN } = await runWorker(taskQueue, versionN, async () => {
      const started = await start(taskQueue, 7);
      await untilComplaintState(started, (s) => s.stage === 'assigned');
      await started.executeUpdate(acceptUpdate, { args: [{ actor: handler }] });
      await env.sleep(2 * day);
      return { handle: started, onN: await started.query(complaintStateQuery) };
    });
    expect(onN.stage).toBe('in_progress');
    expect(onN.calendarVersion).toBeUndefined();

    const current = await workflowBundle();
    await runWorker(taskQueue, current, async () => {
      const holiday = addHolidayBefore(onN.dueAt, '임시공휴일 (version test)');
      await handle.signal(calendarChangedSignal, { version: calendar.version });
      const retimed = await untilComplaintState(handle, (s) => s.calendarVersion === calendar.version);
      const expected = statutoryBusinessCalendar().addBusinessDays(new Date(onN.dueAt), 1).toISOString();
      expect(retimed.dueAt).toBe(expected);
      expect(holiday < toKstDateString(new Date(retimed.dueAt))).toBe(true);
      expect(events.get(handle.workflowId)?.map((e) => e.type)).toContain('calendar-changed');
      await finish(handle, 'version-n-to-current-calendar-changed');
    });
  }, 200_000);

  it('re-times a run on today’s code when a holiday is added mid-flight, fires real business-day timers and replays', async () => {
    const taskQueue = `versioning-new-${Date.now()}`;
    await runWorker(taskQueue, await workflowBundle(), async () => {
      const handle = await start(taskQueue, 7);
      const assigned = await untilComplaintState(handle, (s) => s.stage === 'assigned');
      expect(assigned.calendarVersion).toBe(calendar.version);
      await signedUpdate(signer(), handle, acceptUpdate, { actor: handler });
      await env.sleep(1 * day);
      addHolidayBefore(assigned.dueAt, '임시공휴일 (replay test)');
      await handle.signal(calendarChangedSignal, { version: calendar.version });
      const retimed = await untilComplaintState(handle, (s) => s.calendarVersion === calendar.version);
      expect(retimed.dueAt).toBe(
        statutoryBusinessCalendar().addBusinessDays(new Date(assigned.dueAt), 1).toISOString(),
      );
      // A day at a time until the director's escalation, a business day after the due time: weekends and
      // long holidays (설날, 추석) in the period cannot carry it past a fixed sleep.
      let late = await handle.query(complaintStateQuery);
      for (let days = 0; late.escalationLevel < 2 && days < 30; days += 1) {
        await env.sleep(day);
        late = await handle.query(complaintStateQuery);
      }
      expect(late.escalationLevel).toBe(2);
      const types = events.get(handle.workflowId)?.map((e) => e.type) ?? [];
      expect(types).toEqual(expect.arrayContaining(['calendar-changed', 'reminder-sent', 'escalated']));
      await finish(handle, 'real-calendar-holiday-added');
    });
  }, 200_000);
});
