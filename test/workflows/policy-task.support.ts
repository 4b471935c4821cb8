import { randomBytes, randomUUID } from 'node:crypto';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../../activities/index.ts';
import type { NotificationInput } from '../../data/mail-outbox.ts';
import {
  type CustomerNotice,
  customerRatingUpdate,
  taskActionUpdate,
  taskStateQuery,
  type PolicyTaskInput,
  type PolicyTaskSettings,
  type TaskAction,
  type TaskActor,
  type TaskEventRecord,
  type TaskParticipants,
} from '../../domain/policy-task.ts';
import type { PerformanceOutcome } from '../../domain/performance-outcomes.ts';
import { searchAttributeRegistrations } from '../../domain/search-attributes.ts';
import type { policyTaskWorkflow } from '../../workflows/policy-task.ts';
import { ActorClaimCodec } from '../../platform/actor-claims.ts';
import { createTimeSkippingEnv, signedUpdate, workflowBundle } from '../support/time-skipping.ts';
import { waitFor } from '../support/wait-for.ts';

export const DAY = 24 * 3600_000;

export const owner: TaskActor = {
  employeeNo: 'E2101',
  role: 'STAFF',
  unitCode: 'T21',
  headquartersCode: 'HQ2',
};
export const leader: TaskActor = {
  employeeNo: 'E2100',
  role: 'TEAM_LEADER',
  unitCode: 'T21',
  headquartersCode: 'HQ2',
};
export const director: TaskActor = {
  employeeNo: 'E0200',
  role: 'DIRECTOR',
  unitCode: 'HQ2',
  headquartersCode: 'HQ2',
};
export const outsiderLeader: TaskActor = {
  employeeNo: 'E1200',
  role: 'TEAM_LEADER',
  unitCode: 'T12',
  headquartersCode: 'HQ1',
};
export const otherDirector: TaskActor = {
  employeeNo: 'E0100',
  role: 'DIRECTOR',
  unitCode: 'HQ1',
  headquartersCode: 'HQ1',
};

export const participants: TaskParticipants = {
  ownerNo: 'E2101',
  teamCode: 'T21',
  headquartersCode: 'HQ2',
  leaderNo: 'E2100',
  directorNo: 'E0200',
  headNo: 'E0001',
  planChain: [
    { step: 'leader-review', role: 'TEAM_LEADER', employeeNo: 'E2100' },
    { step: 'director-review', role: 'DIRECTOR', employeeNo: 'E0200' },
  ],
  qualityReviewer: { step: 'quality-review', role: 'TEAM_LEADER', employeeNo: 'E2100' },
  finalApprover: { step: 'final-approval', role: 'DIRECTOR', employeeNo: 'E0200' },
};

/** What the workflow asked its activities to do, per task id. */
export interface Recorded {
  events: TaskEventRecord[];
  mails: NotificationInput[];
  outcomes: PerformanceOutcome[];
  customerNotices: CustomerNotice[];
}
const recorded = new Map<string, Recorded>();
export const recordedFor = (taskId: string): Recorded => {
  if (!recorded.has(taskId))
    recorded.set(taskId, { events: [], mails: [], outcomes: [], customerNotices: [] });
  return recorded.get(taskId)!;
};
/** The customers (ids) a task has when it is done; none unless a test names some. */
export const customersOf = new Map<string, number[]>();

export const stubActivities: Pick<
  Activities,
  'recordTaskEvent' | 'sendNotification' | 'reportOutcome' | 'listTaskCustomerIds' | 'notifyTaskCustomers'
> = {
  async recordTaskEvent(event) {
    recordedFor(event.taskId).events.push(event);
  },
  async sendNotification(input) {
    recordedFor(String((input.data as { taskId?: string }).taskId)).mails.push(input);
    return { status: 'sent' };
  },
  async reportOutcome(outcome) {
    if (outcome.kind === 'task-done' || outcome.kind === 'task-rated')
      recordedFor(outcome.taskId).outcomes.push(outcome);
  },
  async listTaskCustomerIds({ taskId }) {
    return { customerIds: customersOf.get(taskId) ?? [] };
  },
  async notifyTaskCustomers(notice) {
    recordedFor(notice.taskId).customerNotices.push(notice);
    return { mailed: notice.customerIds?.length ?? 0 };
  },
};

// temporal.api.enums.v1.IndexedValueType (the proto package is not a direct dependency).
const indexedValueType: Record<string, number> = { Keyword: 2, Bool: 5, Datetime: 6 };

/** The time-skipping server knows no custom search attributes until they are registered. */
export async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  const searchAttributes = Object.fromEntries(
    Object.entries(searchAttributeRegistrations).map(([name, type]) => [name, indexedValueType[type]!]),
  );
  try {
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes,
    });
  } catch (error) {
    if (!/already/i.test(String(error))) throw error;
  }
}

export interface TaskTestEnv {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  /** The worker checks Update actors signed with this key, as the portal's worker does. */
  actorSigningSecret: string;
  stop(): Promise<void>;
}

/** The file's environment, so `act` and `rate` can sign as the API does (one environment per file). */
let current: TaskTestEnv | undefined;

export async function startTaskTestEnv(): Promise<TaskTestEnv> {
  const env = await createTimeSkippingEnv();
  await registerSearchAttributes(env);
  const taskQueue = `policy-task-wf-${randomUUID()}`;
  const actorSigningSecret = randomBytes(32).toString('hex');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: stubActivities,
    dataConverter: { payloadCodecs: [new ActorClaimCodec(actorSigningSecret)] },
  });
  const running = worker.run();
  current = {
    env,
    taskQueue,
    actorSigningSecret,
    async stop() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
  return current;
}

let counter = 0;
export async function startTask(
  t: TaskTestEnv,
  options: {
    settings?: Partial<PolicyTaskSettings>;
    milestoneDays?: number[];
    outcomeTarget?: number;
    taskId?: string;
  } = {},
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof policyTaskWorkflow>> {
  counter += 1;
  const taskId =
    options.taskId ??
    `PT-2026-${String(1000 + counter)}${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
  const now = await t.env.currentTimeMs();
  const days = options.milestoneDays ?? [20, 40];
  const input: PolicyTaskInput = {
    taskId,
    taskType: 'standard',
    title: '민원 처리기간 단축 제도 개선',
    participants,
    milestones: days.map((d, index) => ({
      seq: index + 1,
      title: `중간목표 ${index + 1}`,
      dueAt: new Date(now + d * DAY).toISOString(),
      weight:
        index === days.length - 1
          ? 100 - Math.floor(100 / days.length) * (days.length - 1)
          : Math.floor(100 / days.length),
    })),
    createdAt: new Date(now).toISOString(),
    ...(options.outcomeTarget !== undefined ? { outcomeTarget: options.outcomeTarget } : {}),
    ...(options.settings ? { settings: options.settings } : {}),
  };
  const handle = await t.env.client.workflow.start<typeof policyTaskWorkflow>('policyTaskWorkflow', {
    workflowId: taskId,
    taskQueue: t.taskQueue,
    args: [input],
  });
  await waitFor(async () => recordedFor(taskId).events.some((e) => e.type === 'created'));
  return handle;
}

function signer(): TaskTestEnv {
  if (!current) throw new Error('startTaskTestEnv() first');
  return current;
}

/** A task action as the API sends it: the actor signed for this task, action and Update. */
export const act = (handle: WorkflowHandle, actor: TaskActor, action: TaskAction) =>
  signedUpdate(signer(), handle, taskActionUpdate, { actor, action });

/** A customer's rating as the API sends it after checking the rating link. */
export const rate = (handle: WorkflowHandle, customerId: number, score: number) =>
  signedUpdate(signer(), handle, customerRatingUpdate, {
    actor: { kind: 'customer', customerId },
    customerId,
    score,
  });

/**
 * The time-skipping test server can leave a query unanswered when it lands on a run that is just
 * continuing as new ("workflow execution already completed"), and then also stops skipping time; ask
 * again with a deadline, and in continue-as-new tests query only once the newest run has settled.
 */
export async function stateOf(handle: WorkflowHandle) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await handle.client.connection.withDeadline(Date.now() + 3_000, () =>
        handle.query(taskStateQuery),
      );
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

/** Draft → plan review by leader and director → execution. */
export async function approvePlan(handle: WorkflowHandle) {
  await act(handle, owner, { type: 'submit', note: '계획 제출합니다' });
  await act(handle, leader, { type: 'review', decision: 'approve', opinion: '팀장 검토: 타당함' });
  return act(handle, director, { type: 'review', decision: 'approve', opinion: '본부장 승인' });
}

export const mailsTo = (taskId: string, employeeNo: string, template?: string) =>
  recordedFor(taskId).mails.filter(
    (m) =>
      m.to.kind === 'staff' &&
      m.to.employeeNo === employeeNo &&
      (template === undefined || m.template === template),
  );

/** Plan review → both milestones → completion → quality review → final approval: done. */
export async function runToDone(handle: WorkflowHandle) {
  await approvePlan(handle);
  await act(handle, owner, { type: 'complete-milestone', seq: 1, evidence: '조사 보고서' });
  await act(handle, owner, { type: 'complete-milestone', seq: 2, evidence: '개선안' });
  await act(handle, owner, { type: 'submit-completion', summary: '완료' });
  await act(handle, leader, { type: 'quality-review', score: 80, opinion: '양호' });
  return act(handle, director, { type: 'final-approve', opinion: '승인' });
}
