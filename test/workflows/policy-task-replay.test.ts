import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../support/time-skipping.ts';
import {
  act,
  approvePlan,
  customersOf,
  rate,
  DAY,
  director,
  leader,
  owner,
  startTask,
  startTaskTestEnv,
  recordedFor,
  runToDone,
  type TaskTestEnv,
} from './policy-task.support.ts';
import { waitFor } from '../support/wait-for.ts';
import { customerRatingUpdate } from '../../domain/policy-task.ts';
import { recordingRelease, saveHistoryFixture } from '../support/history-fixtures.ts';

/**
 * Replays committed histories of the policy-task workflow against today's code, so a change that would
 * break running tasks fails here and not in production. `policy-task-v1-*` were recorded before the
 * `task-done-mail` patch (no marker in them); `policy-task-v2-*` after it; `policy-task-2026.12-*` after
 * `task-customers` (the customers' rating step). To add a set from the current code (fixtures are never
 * rewritten): RECORD_HISTORIES=<release> npx vitest run test/workflows/policy-task-replay.test.ts
 */
const fixturesDir = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));
const recordAs = recordingRelease();

const fixtures = fs.existsSync(fixturesDir)
  ? fs
      .readdirSync(fixturesDir)
      .filter((name) => name.startsWith('policy-task-') && name.endsWith('.json'))
      .sort()
  : [];
const load = (name: string) =>
  historyFromJSON(JSON.parse(fs.readFileSync(path.join(fixturesDir, name), 'utf8')));
/** The patches whose `core_patch` marker the SDK recorded where `patched()` first returned true. */
const patchMarkers = (name: string) =>
  (load(name).events ?? []).flatMap((e) => {
    const data = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
    return data ? [(JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id] : [];
  });

describe.skipIf(recordAs !== undefined)('policy-task replay of committed histories', () => {
  it('has histories recorded before and after the patched change', () => {
    expect(fixtures).toEqual(
      expect.arrayContaining([
        'policy-task-v1-done.json',
        'policy-task-v1-timers.json',
        'policy-task-v2-done.json',
        'policy-task-2026.12-done.json',
        'policy-task-2026.12-timers.json',
        'policy-task-2026.12-customers-rated.json',
      ]),
    );
    expect(patchMarkers('policy-task-v1-done.json')).toEqual([]);
    expect(patchMarkers('policy-task-v2-done.json')).toEqual(['task-done-mail']);
    // Today's code paths: the customers' rating step after done.
    expect(patchMarkers('policy-task-2026.12-customers-rated.json')).toEqual([
      'task-customers',
      'task-done-mail',
    ]);
    const rated = load('policy-task-2026.12-customers-rated.json').events ?? [];
    const activities = rated.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
    expect(activities).toEqual(
      expect.arrayContaining(['listTaskCustomerIds', 'notifyTaskCustomers', 'reportOutcome']),
    );
    const updates = rated.map(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name,
    );
    expect(updates).toContain(customerRatingUpdate.name);
  });

  it.each(fixtures)('replays %s deterministically with the current workflow code', async (name) => {
    const history = load(name);
    expect(history.events?.length ?? 0).toBeGreaterThan(20);
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history);
  });
});

describe.skipIf(recordAs === undefined)('policy-task history recording', () => {
  let t: TaskTestEnv;
  beforeAll(async () => {
    t = await startTaskTestEnv();
    fs.mkdirSync(fixturesDir, { recursive: true });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const save = async (scenario: string, taskId: string, runId: string) => {
    const history = await t.env.client.workflow.getHandle(taskId, runId).fetchHistory();
    saveHistoryFixture(`policy-task-${recordAs}-${scenario}`, `${historyToJSON(history)}\n`);
  };

  it('records a task from draft to done', async () => {
    const handle = await startTask(t, {
      taskId: 'PT-2026-9301',
      milestoneDays: [10, 20],
      outcomeTarget: 50,
    });
    await approvePlan(handle);
    await act(handle, owner, { type: 'report-progress', text: '착수', progress: 30 });
    await act(handle, owner, { type: 'complete-milestone', seq: 1, evidence: '보고서' });
    await act(handle, owner, { type: 'complete-milestone', seq: 2, evidence: '공문' });
    await act(handle, owner, { type: 'submit-completion', summary: '완료', actualValue: 45 });
    await act(handle, leader, { type: 'quality-review', score: 85, opinion: '양호' });
    await act(handle, director, { type: 'final-approve', opinion: '승인' });
    await handle.result();
    await save('done', handle.workflowId, handle.firstExecutionRunId);
  });

  it('records a return, reviewer and milestone timers, focus reports and a continue-as-new', async () => {
    const handle = await startTask(t, {
      taskId: 'PT-2026-9302',
      milestoneDays: [12, 40],
      settings: { historyThreshold: 220 },
    });
    await act(handle, owner, { type: 'submit' });
    await act(handle, leader, { type: 'review', decision: 'return', opinion: '보완' });
    await act(handle, owner, { type: 'submit', note: '보완함' });
    await t.env.sleep(2.5 * DAY);
    await approvePlanAfterSubmit();
    await act(handle, director, { type: 'designate-focus', reason: '부진' });
    await t.env.sleep(8.5 * DAY);
    await act(handle, owner, { type: 'report-progress', text: '주간 보고', progress: 20 });
    await t.env.sleep(8 * DAY);
    for (let i = 0; i < 40; i += 1) {
      const description = await t.env.client.workflow.getHandle(handle.workflowId).describe();
      if (description.runId !== handle.firstExecutionRunId) break;
      await act(handle, owner, { type: 'report-progress', text: `보고 ${i}`, progress: 25 });
    }
    await save('timers', handle.workflowId, handle.firstExecutionRunId);

    async function approvePlanAfterSubmit() {
      await act(handle, leader, { type: 'review', decision: 'approve', opinion: 'ok' });
      await act(handle, director, { type: 'review', decision: 'approve', opinion: 'ok' });
    }
  });

  it('records a task done with customers who rate it, a reminder and the close at the deadline', async () => {
    const handle = await startTask(t, { taskId: 'PT-2026-9303', milestoneDays: [10, 20] });
    customersOf.set(handle.workflowId, [31, 32, 33]);
    await runToDone(handle);
    await waitFor(async () =>
      recordedFor(handle.workflowId).customerNotices.some((n) => n.kind === 'rating-invitation'),
    );
    await rate(handle, 31, 5);
    await rate(handle, 32, 3);
    await t.env.sleep(15 * DAY);
    expect((await handle.result()).stage).toBe('done');
    expect(recordedFor(handle.workflowId).outcomes.map((o) => o.kind)).toEqual(['task-done', 'task-rated']);
    await save('customers-rated', handle.workflowId, handle.firstExecutionRunId);
  });
});
