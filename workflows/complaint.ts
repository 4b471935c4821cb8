import { condition, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import { ComplaintStage, type ComplaintInput, type ComplaintState } from '../domain/complaint.ts';
import { complaintStateQuery } from '../domain/complaint-messages.ts';
import { AssigneeAttr, DueAtAttr, StageAttr, TeamAttr, WorkKindAttr } from '../domain/search-attributes.ts';

const { assignHandler, recordComplaintEvent } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// Mail retries without a cap: the outbox makes each send happen once, and an SMTP outage must only delay.
const { sendNotification } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

export async function complaintWorkflow(input: ComplaintInput): Promise<ComplaintState> {
  const state: ComplaintState = {
    receiptNo: input.receiptNo,
    stage: ComplaintStage.RECEIVED,
    teamCode: input.teamCode,
    dueAt: input.dueAt,
    escalationLevel: 0,
  };
  setHandler(complaintStateQuery, () => state);
  const now = () => new Date(Date.now()).toISOString();

  const publishVisibility = () =>
    upsertSearchAttributes([
      { key: WorkKindAttr, value: 'complaint' },
      { key: StageAttr, value: state.stage },
      { key: TeamAttr, value: state.teamCode },
      { key: DueAtAttr, value: new Date(state.dueAt) },
      ...(state.handler ? [{ key: AssigneeAttr, value: state.handler.employeeNo }] : []),
    ]);

  await recordComplaintEvent({
    receiptNo: input.receiptNo,
    eventKey: 'received',
    at: input.receivedAt,
    type: 'received',
    stage: state.stage,
    actor: 'citizen',
    detail: { categoryCode: input.categoryCode, teamCode: input.teamCode, dueAt: input.dueAt },
  });
  await sendNotification({
    key: `${input.receiptNo}:received`,
    to: { kind: 'citizen', receiptNo: input.receiptNo },
    template: 'complaint-received',
    data: {
      receiptNo: input.receiptNo,
      dueAt: input.dueAt,
      accessHint: '접수 시 안내된 확인코드로 조회할 수 있습니다. (Use the access code shown at filing.)',
      statusUrl: `/my-space?receiptNo=${input.receiptNo}`,
    },
  });

  const assignment = await assignHandler({
    receiptNo: input.receiptNo,
    teamCode: input.teamCode,
    skill: input.skill,
    at: now(),
  });
  state.handler = assignment.handler;
  state.stage = ComplaintStage.ASSIGNED;
  await recordComplaintEvent({
    receiptNo: input.receiptNo,
    eventKey: 'assigned:1',
    at: now(),
    type: 'assigned',
    stage: state.stage,
    actor: 'system',
    detail: { handler: assignment.handler, reason: assignment.reason },
    patch: { handlerEmployeeNo: assignment.handler.employeeNo },
  });
  publishVisibility();
  await sendNotification({
    key: `${input.receiptNo}:assigned:1`,
    to: { kind: 'staff', employeeNo: assignment.handler.employeeNo },
    template: 'complaint-assigned',
    data: {
      receiptNo: input.receiptNo,
      dueAt: input.dueAt,
      reason: assignment.reason,
      inboxUrl: `/inbox`,
    },
  });

  await condition(() => state.stage === ComplaintStage.CLOSED || state.stage === ComplaintStage.WITHDRAWN);
  return state;
}
