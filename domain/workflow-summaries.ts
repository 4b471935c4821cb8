import type { ComplaintInput } from './complaint.ts';
import type { PolicyTaskInput } from './policy-task.ts';

/**
 * One-line summaries that make a workflow's history read as the case does in the Temporal UI and
 * `temporal workflow show` (issue 13 item 7): a start's static summary and details, each activity's and
 * each timer's summary. Codes, kinds, employee numbers and times only, never anyone's free text (item 6).
 */

/** A time as Korea reads it, to the minute: `2026-12-09 18:00 KST`. */
export function kstMinute(at: Date | number | string): string {
  const ms = typeof at === 'string' ? Date.parse(at) : typeof at === 'number' ? at : at.getTime();
  return `${new Date(ms + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')} KST`;
}

/** The summary of a timer that waits for `what` due at `at`: `reminder · 2026-12-09 18:00 KST`. */
export const timerSummary = (what: string, at: Date | number | string) => `${what} · ${kstMinute(at)}`;

/** Fields of an activity's argument that say what it does without carrying anyone's text. */
const TELLING_FIELDS = ['type', 'template', 'kind', 'stage', 'action', 'year', 'level'] as const;

/** `sendNotification · complaint-reminder → staff` */
export function activitySummary(activityType: string, args: readonly unknown[]): string {
  const first = args[0];
  if (!first || typeof first !== 'object' || Array.isArray(first)) return activityType;
  const record = first as Record<string, unknown>;
  const parts = TELLING_FIELDS.flatMap((field) => {
    const value = record[field];
    return typeof value === 'string' || typeof value === 'number' ? [String(value)] : [];
  });
  const to = record.to as { kind?: unknown } | undefined;
  const recipient = to && typeof to.kind === 'string' ? ` → ${to.kind}` : '';
  return parts.length > 0 || recipient ? `${activityType} · ${parts.join(' ')}${recipient}` : activityType;
}

export interface StartSummary {
  staticSummary: string;
  staticDetails: string;
}

export const complaintStartSummary = (input: ComplaintInput): StartSummary => ({
  staticSummary: `민원 ${input.receiptNo} · ${input.categoryCode} → ${input.teamCode}`,
  staticDetails: `Complaint ${input.receiptNo}, category ${input.categoryCode}, team ${input.teamCode}, ${input.slaDays} business days, received ${kstMinute(input.receivedAt)}, due ${kstMinute(input.dueAt)}`,
});

export const policyTaskStartSummary = (input: PolicyTaskInput): StartSummary => ({
  staticSummary: `정책과제 ${input.taskId} · ${input.participants.teamCode} · owner ${input.participants.ownerNo}`,
  staticDetails: `Policy task ${input.taskId} (${input.taskType}), team ${input.participants.teamCode}, ${input.milestones.length} milestones, created ${kstMinute(input.createdAt)}`,
});

export const performanceYearStartSummary = (year: number): StartSummary => ({
  staticSummary: `성과관리 ${year}년 · performance year ${year}`,
  staticDetails: `Records the year's outcomes, keeps KPIs and lights current, runs the year end at 31 Dec ${year} 24:00 KST`,
});

export const customerNoticeStartSummary = (notice: { key: string; kind: string }): StartSummary => ({
  staticSummary: `과제 고객 안내 · ${notice.kind}`,
  staticDetails: `One mail to a policy task's customer (notice ${notice.key})`,
});
