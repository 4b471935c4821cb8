import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { NativeConnection } from '@temporalio/worker';
import { createMailer } from '../../platform/mailer.ts';
import { activityDepsFrom, createPortalWorker } from '../../worker/create-worker.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('complaint workflows survive a worker restart', () => {
  it('keeps a complaint filed while no worker runs, and a new worker carries it on', async () => {
    stack.worker.shutdown();
    await waitFor(async () => stack.worker.getState() === 'STOPPED');

    const filed = (
      await stack.app.inject({
        method: 'POST',
        url: '/api/complaints',
        payload: {
          categoryCode: 'P-POLICY',
          title: '청년 정책 제안',
          body: '청년 주거 지원 확대를 제안합니다.',
          citizen: { name: '최시민', email: 'restart@example.com' },
        },
      })
    ).json();
    expect(filed.receiptNo).toBeDefined();
    // With no worker the workflow's first task waits untaken, so nothing can have assigned the case yet.
    const { raw } = await stack.temporal.workflow.getHandle(filed.receiptNo).describe();
    expect(raw.pendingWorkflowTask?.state).toBe(
      temporal.api.enums.v1.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED,
    );
    const before = await stack.prisma.complaint.findUniqueOrThrow({ where: { receiptNo: filed.receiptNo } });
    expect(before.handlerId).toBeNull();

    const connection = await NativeConnection.connect({ address: stack.config.TEMPORAL_ADDRESS });
    const replacement = await createPortalWorker({
      connection,
      namespace: stack.config.TEMPORAL_NAMESPACE,
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
      actorSigningSecret: stack.config.ACTOR_SIGNING_SECRET,
      deps: activityDepsFrom(stack.config, {
        prisma: stack.prisma,
        mailer: createMailer(stack.config.SMTP_URL),
        temporal: stack.temporal,
      }),
    });
    const running = replacement.run();
    try {
      const assigned = await waitFor(async () => {
        const row = await stack.prisma.complaint.findUniqueOrThrow({ where: { receiptNo: filed.receiptNo } });
        return row.handlerId !== null && row.stage === 'assigned' ? row : undefined;
      });
      expect(assigned.stage).toBe('assigned');
      const mails = await waitFor(async () => {
        const count = await stack.prisma.devMail.count({ where: { subject: { contains: filed.receiptNo } } });
        return count >= 2 ? count : undefined;
      });
      expect(mails).toBe(2);
    } finally {
      replacement.shutdown();
      await running;
      await connection.close();
    }
  });
});
