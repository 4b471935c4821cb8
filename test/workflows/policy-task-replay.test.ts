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
  DAY,
  director,
  leader,
  owner,
  startTask,
  startTaskTestEnv,
  type TaskTestEnv,
} from './policy-task.support.ts';

/**
 * Replays committed histories of the policy-task workflow against today's code, so a change that would
 * break running tasks fails here and not in production. `policy-task-v1-*` were recorded before the
 * `task-done-mail` patch (no marker in them); `policy-task-v2-*` after it. To record a new set from the
 * current code: RECORD_TASK_HISTORIES=<prefix> npx vitest run test/workflows/policy-task-replay.test.ts
 */
const fixturesDir = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));
const recordAs = process.env.RECORD_TASK_HISTORIES;

const fixtures = fs.existsSync(fixturesDir)
  ? fs
      .readdirSync(fixturesDir)
      .filter((name) => name.startsWith('policy-task-') && name.endsWith('.json'))
      .sort()
  : [];
const load = (name: string) =>
  historyFromJSON(JSON.parse(fs.readFileSync(path.join(fixturesDir, name), 'utf8')));
/** The SDK records a `core_patch` marker where `patched()` first returned true (this workflow has one patch). */
const hasPatchMarker = (name: string) =>
  (load(name).events ?? []).some((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch');

describe.skipIf(recordAs !== undefined)('policy-task replay of committed histories', () => {
  it('has histories recorded before and after the patched change', () => {
    expect(fixtures).toEqual(
      expect.arrayContaining([
        'policy-task-v1-done.json',
        'policy-task-v1-timers.json',
        'policy-task-v2-done.json',
      ]),
    );
    expect(hasPatchMarker('policy-task-v1-done.json')).toBe(false);
    expect(hasPatchMarker('policy-task-v2-done.json')).toBe(true);
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
    fs.writeFileSync(
      path.join(fixturesDir, `policy-task-${recordAs}-${scenario}.json`),
      `${historyToJSON(history)}\n`,
    );
  };

  it('records a task from draft to done', async () => {
    const handle = await startTask(t, {
      taskId: `PT-2026-9${recordAs === 'v1' ? 1 : 2}01`,
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
      taskId: `PT-2026-9${recordAs === 'v1' ? 1 : 2}02`,
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
});
