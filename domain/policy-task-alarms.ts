/**
 * Policy task timers: which alarms a task keeps and what each does when it fires.
 */
import { type TaskEffect, type TaskMail, mailKey, pendingDueAt, taskUrl } from './policy-task-apply.ts';
import { closeCustomerRating } from './policy-task-customer-rating.ts';
import {
  type PolicyTaskSettings,
  type PolicyTaskState,
  type Reviewer,
  runningStages,
} from './policy-task-state.ts';

export type TaskAlarm =
  | { kind: 'milestone-reminder'; seq: number; at: string }
  | { kind: 'milestone-overdue'; seq: number; at: string }
  | { kind: 'milestone-director'; seq: number; at: string }
  | { kind: 'review-reminder'; at: string }
  | { kind: 'review-overdue'; at: string }
  | { kind: 'focus-reminder'; at: string }
  | { kind: 'focus-missed'; at: string }
  | { kind: 'rating-reminder'; at: string }
  | { kind: 'rating-close'; at: string };

export const iso = (ms: number) => new Date(ms).toISOString();

/** Every timer that has not fired yet, earliest first. The workflow sleeps until the first one. */
export function scheduledAlarms(state: PolicyTaskState, settings: PolicyTaskSettings): TaskAlarm[] {
  const alarms: TaskAlarm[] = [];
  if (runningStages.includes(state.stage)) {
    for (const m of state.milestones) {
      if (m.completedAt) continue;
      const due = Date.parse(m.dueAt);
      if (!m.reminded)
        alarms.push({
          kind: 'milestone-reminder',
          seq: m.seq,
          at: iso(due - settings.milestoneReminderBeforeMs),
        });
      if (m.escalation < 1) alarms.push({ kind: 'milestone-overdue', seq: m.seq, at: m.dueAt });
      if (m.escalation < 2)
        alarms.push({
          kind: 'milestone-director',
          seq: m.seq,
          at: iso(due + settings.directorEscalationAfterMs),
        });
    }
    if (state.focus.active && state.focus.reportDueAt) {
      const due = Date.parse(state.focus.reportDueAt);
      if (!state.focus.reminded)
        alarms.push({ kind: 'focus-reminder', at: iso(due - settings.focusReminderBeforeMs) });
      alarms.push({ kind: 'focus-missed', at: iso(due + settings.focusGraceMs) });
    }
  }
  if (state.rating && !state.rating.closedAt) {
    const closes = Date.parse(state.rating.closesAt);
    if (!state.rating.reminded)
      alarms.push({ kind: 'rating-reminder', at: iso(closes - settings.ratingReminderBeforeMs) });
    alarms.push({ kind: 'rating-close', at: state.rating.closesAt });
  }
  if (state.pending) {
    const since = Date.parse(state.pending.since);
    if (!state.pending.reminded)
      alarms.push({ kind: 'review-reminder', at: iso(since + settings.reviewReminderAfterMs) });
    if (!state.pending.escalated)
      alarms.push({ kind: 'review-overdue', at: iso(since + settings.reviewDueAfterMs) });
  }
  return alarms.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** Whom a reviewer's overdue step is escalated to: a leader's to the director, a director's to the head. */
function superiorOf(state: PolicyTaskState, reviewer: Reviewer): string | undefined {
  if (reviewer.role === 'TEAM_LEADER') return state.participants.directorNo;
  if (reviewer.role === 'DIRECTOR') return state.participants.headNo;
  return undefined;
}

/** Fires one alarm that is due: updates the flags and says what to record and mail. */
export function applyAlarm(
  state: PolicyTaskState,
  alarm: TaskAlarm,
  settings: PolicyTaskSettings,
): TaskEffect {
  const p = state.participants;
  const base = { taskId: state.taskId, title: state.title, taskUrl: taskUrl(state.taskId) };
  const key = (suffix: string) => mailKey(state, suffix);
  switch (alarm.kind) {
    case 'milestone-reminder':
    case 'milestone-overdue':
    case 'milestone-director': {
      const m = state.milestones.find((x) => x.seq === alarm.seq)!;
      const data = { ...base, seq: m.seq, milestoneTitle: m.title, dueAt: m.dueAt };
      if (alarm.kind === 'milestone-reminder') {
        m.reminded = true;
        return {
          type: 'milestone-reminder',
          actorNo: 'system',
          detail: { seq: m.seq },
          mails: [
            { key: key('reminder'), toEmployeeNo: p.ownerNo, template: 'task-milestone-reminder', data },
          ],
        };
      }
      m.reminded = true;
      if (alarm.kind === 'milestone-overdue') {
        m.escalation = 1;
        return {
          type: 'milestone-overdue',
          actorNo: 'system',
          detail: { seq: m.seq, escalatedTo: p.leaderNo },
          mails: [
            {
              key: key('overdue-owner'),
              toEmployeeNo: p.ownerNo,
              template: 'task-milestone-overdue',
              data: { ...data, level: 'owner' },
            },
            {
              key: key('overdue-leader'),
              toEmployeeNo: p.leaderNo,
              template: 'task-milestone-overdue',
              data: { ...data, level: 'team-leader' },
            },
          ],
        };
      }
      m.escalation = 2;
      return {
        type: 'milestone-escalated-director',
        actorNo: 'system',
        detail: { seq: m.seq, escalatedTo: p.directorNo },
        mails: [
          {
            key: key('overdue-director'),
            toEmployeeNo: p.directorNo,
            template: 'task-milestone-overdue',
            data: { ...data, level: 'director' },
          },
        ],
      };
    }
    case 'review-reminder':
    case 'review-overdue': {
      const pending = state.pending!;
      const data = {
        ...base,
        step: pending.reviewer.step,
        reviewerNo: pending.reviewer.employeeNo,
        since: pending.since,
        dueAt: pendingDueAt(pending, settings),
      };
      if (alarm.kind === 'review-reminder') {
        pending.reminded = true;
        return {
          type: 'review-reminder',
          actorNo: 'system',
          detail: { step: pending.reviewer.step, reviewerNo: pending.reviewer.employeeNo },
          mails: [
            {
              key: key('review-reminder'),
              toEmployeeNo: pending.reviewer.employeeNo,
              template: 'task-review-reminder',
              data,
            },
          ],
        };
      }
      pending.reminded = true;
      pending.escalated = true;
      const superior = superiorOf(state, pending.reviewer);
      const mails: TaskMail[] = [
        {
          key: key('review-overdue-reviewer'),
          toEmployeeNo: pending.reviewer.employeeNo,
          template: 'task-review-overdue',
          data,
        },
      ];
      if (superior && superior !== pending.reviewer.employeeNo) {
        mails.push({
          key: key('review-overdue-superior'),
          toEmployeeNo: superior,
          template: 'task-review-overdue',
          data,
        });
      }
      return {
        type: 'review-overdue',
        actorNo: 'system',
        detail: {
          step: pending.reviewer.step,
          reviewerNo: pending.reviewer.employeeNo,
          escalatedTo: superior ?? null,
        },
        mails,
      };
    }
    case 'rating-reminder': {
      const rating = state.rating!;
      rating.reminded = true;
      const unrated = rating.customerIds.filter((id) => rating.scores[String(id)] === undefined);
      return {
        type: 'customer-rating-reminder',
        actorNo: 'system',
        detail: { unrated: unrated.length, closesAt: rating.closesAt },
        mails: [],
        customerNotices:
          unrated.length === 0
            ? []
            : [
                {
                  key: key('customers-rating-reminder'),
                  taskId: state.taskId,
                  kind: 'rating-reminder',
                  customerIds: unrated,
                  closesAt: rating.closesAt,
                },
              ],
      };
    }
    case 'rating-close':
      return closeCustomerRating(state, alarm.at);
    case 'focus-reminder':
    case 'focus-missed': {
      const dueAt = state.focus.reportDueAt!;
      if (alarm.kind === 'focus-reminder') {
        state.focus.reminded = true;
        return {
          type: 'focus-report-reminder',
          actorNo: 'system',
          detail: { dueAt },
          mails: [
            {
              key: key('focus-reminder'),
              toEmployeeNo: p.ownerNo,
              template: 'task-focus-report-due',
              data: { ...base, dueAt },
            },
          ],
        };
      }
      state.focus.missed += 1;
      state.focus.reminded = false;
      state.focus.reportDueAt = iso(Date.parse(dueAt) + settings.focusReportIntervalMs);
      const data = { ...base, dueAt, missed: state.focus.missed };
      return {
        type: 'focus-report-missed',
        actorNo: 'system',
        detail: { dueAt, missed: state.focus.missed, nextDueAt: state.focus.reportDueAt },
        mails: [
          {
            key: key('focus-missed-leader'),
            toEmployeeNo: p.leaderNo,
            template: 'task-focus-report-missed',
            data,
          },
          {
            key: key('focus-missed-director'),
            toEmployeeNo: p.directorNo,
            template: 'task-focus-report-missed',
            data,
          },
        ],
      };
    }
  }
}
