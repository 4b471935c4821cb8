import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { heartbeat } from '@temporalio/activity';
import type { Db } from '../platform/prisma.ts';
import { calendarChangedSignal } from '../domain/complaint-messages.ts';
import { runningComplaintStages } from '../domain/complaint.ts';
import type { RetimePageInput, RetimePageResult } from '../domain/calendar-change.ts';

const SIGNAL_CONCURRENCY = 16;

export function createCalendarActivities({ prisma, temporal }: { prisma: Db; temporal: Client }) {
  /**
   * Signals one page of open complaints (by receipt number) to re-time against the calendar `version`.
   * A run already on that version ignores the signal, so a retried page changes nothing twice.
   */
  async function retimeComplaintPage(input: RetimePageInput): Promise<RetimePageResult> {
    const open = await prisma.complaint.findMany({
      where: {
        stage: { in: runningComplaintStages },
        receiptNo: { gt: input.after },
      },
      select: { receiptNo: true },
      orderBy: { receiptNo: 'asc' },
      take: input.limit,
    });
    const receiptNos = open.map((c) => c.receiptNo);
    let signalled = 0;
    for (let i = 0; i < receiptNos.length; i += SIGNAL_CONCURRENCY) {
      await Promise.all(
        receiptNos.slice(i, i + SIGNAL_CONCURRENCY).map(async (receiptNo) => {
          try {
            await temporal.workflow
              .getHandle(receiptNo)
              .signal(calendarChangedSignal, { version: input.version });
            signalled += 1;
          } catch (error) {
            // Closed since the page was read: nothing left to re-time.
            if (!(error instanceof WorkflowNotFoundError)) throw error;
          }
        }),
      );
      heartbeat(i);
    }
    return { signalled, next: receiptNos.length < input.limit ? null : receiptNos.at(-1)! };
  }

  return { retimeComplaintPage };
}

export type CalendarActivities = ReturnType<typeof createCalendarActivities>;
