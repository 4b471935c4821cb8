/**
 * The fan-out of a calendar change (issue 13): when an admin adds or removes a holiday, every open
 * complaint is told to re-time against the new calendar version. A workflow of its own does it, page by
 * page, so it finishes even when the API process that accepted the change stops half-way.
 */
export interface CalendarChangeInput {
  /** The calendar version every open complaint is to move to. */
  version: number;
  /** Carried over continue-as-new: the last receipt number already signalled, and how many were. */
  after?: string;
  signalled?: number;
  pages?: number;
  /** Continue as new past this many history events (tests set it low). */
  historyEventLimit?: number;
}

export interface CalendarChangeResult {
  version: number;
  signalled: number;
  pages: number;
}

export interface RetimePageInput {
  version: number;
  /** Receipt numbers after this one, in order; '' for the first page. */
  after: string;
  limit: number;
}

export interface RetimePageResult {
  signalled: number;
  /** The last receipt number of the page, or null when this was the last page. */
  next: string | null;
}

export const CALENDAR_CHANGE_PAGE_SIZE = 500;
export const calendarChangeWorkflowId = (version: number) => `calendar-change-${version}`;
export const CALENDAR_CHANGE_WORKFLOW_TYPE = 'calendarChangeWorkflow';
