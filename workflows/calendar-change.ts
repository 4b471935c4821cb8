import { continueAsNew, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import {
  CALENDAR_CHANGE_PAGE_SIZE,
  type CalendarChangeInput,
  type CalendarChangeResult,
} from '../domain/calendar-change.ts';

const { retimeComplaintPage } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Far below Temporal's limits; a ministry's open complaints fit in one run many times over. */
const HISTORY_EVENT_LIMIT = 2_000;

/**
 * Tells every open complaint that the business calendar changed (see domain/calendar-change.ts), a page
 * of receipt numbers per activity, continuing as new before its history grows long.
 */
export async function calendarChangeWorkflow(input: CalendarChangeInput): Promise<CalendarChangeResult> {
  let after = input.after ?? '';
  let signalled = input.signalled ?? 0;
  let pages = input.pages ?? 0;
  for (;;) {
    setCurrentDetails(`calendar version ${input.version} · ${signalled} open complaints signalled`);
    const page = await retimeComplaintPage({
      version: input.version,
      after,
      limit: CALENDAR_CHANGE_PAGE_SIZE,
    });
    pages += 1;
    signalled += page.signalled;
    if (page.next === null) return { version: input.version, signalled, pages };
    after = page.next;
    const info = workflowInfo();
    if (
      info.continueAsNewSuggested ||
      info.historyLength > (input.historyEventLimit ?? HISTORY_EVENT_LIMIT)
    ) {
      await continueAsNew<typeof calendarChangeWorkflow>({ ...input, after, signalled, pages });
    }
  }
}
