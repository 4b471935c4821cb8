/**
 * The effects a complaint's rules produce, and the draft they are written on. A step copies the state,
 * changes the copy and lists, in order, what must happen because of it: the search attributes to
 * publish, the timeline events to record, the mails to send and the follow-up steps (assignment, closing,
 * the outcome report) that need the time or a lookup of the moment they run. The workflow performs the
 * effects one by one in that order, so the order here is the order of the run's commands.
 */
import type { Actor, ComplaintStage, ComplaintState, StaffRef } from './complaint.ts';
import { ComplaintStage as Stage } from './complaint.ts';
import type { MessageRef } from './complaint-messages.ts';
import { describeActor } from './complaint-policy.ts';
import type { MailTemplateName } from './mail-templates.ts';

/** Read-model fields that change with a recorded event. */
export interface ComplaintEventPatch {
  handlerEmployeeNo?: string | null;
  teamCode?: string;
  dueAt?: string;
  answer?: string;
  answeredAt?: string;
  closedAt?: string;
  satisfaction?: number | null;
  satisfactionComment?: string | null;
  escalationLevel?: number;
  overdue?: boolean;
  extensionCount?: number;
  pendingStep?: string | null;
  infoDeadlineAt?: string | null;
  draftAnswer?: string | null;
  /** Read-model text fields filled from stored messages (the workflow holds only their ids). */
  draftAnswerMessageId?: string;
  answerMessageId?: string;
  satisfactionCommentMessageId?: string | null;
}

/** The audit row an applied Update writes with its first event. */
export interface ComplaintEventAudit {
  /** e.g. `complaint.accept`, `complaint.citizen.add-info`, `complaint.rated`. */
  action: string;
  /** The employee number of staff, else the actor's kind (`citizen`). */
  actor: string;
  /** Staff reasons and opinions are audited; a citizen's own words stay out of the append-only log. */
  withReason: boolean;
}

/** A timeline event as the rules decide it; the workflow stamps the time it is recorded at. */
export interface RecordedEvent {
  receiptNo: string;
  /** `<seq>:<type>`: unique per complaint, so a retried write records the event once. */
  eventKey: string;
  type: string;
  stage: ComplaintStage;
  actor: string;
  detail: Record<string, unknown>;
  texts?: MessageRef[];
  patch: ComplaintEventPatch;
}

export type ComplaintRecipient =
  | { kind: 'citizen'; receiptNo: string }
  | { kind: 'staff'; employeeNo: string }
  | { kind: 'team-leader'; teamCode: string }
  | { kind: 'director'; headquartersCode: string };

export interface ComplaintNotification {
  /** The same key is sent at most once. */
  key: string;
  to: ComplaintRecipient;
  template: MailTemplateName;
  data: Record<string, unknown>;
  texts?: MessageRef[];
}

/** What the Temporal visibility store shows of a run: the work lists search these. */
export interface ComplaintVisibility {
  stage: ComplaintStage;
  teamCode: string;
  dueAt: string;
  overdue: boolean;
  /** Nobody's personal list holds a case under review: it waits on the leader. */
  assignee: string | null;
}

export type ComplaintEffect =
  /** Publish the search attributes; the main loop wakes up and looks at its timers again. */
  | { kind: 'publish'; visibility: ComplaintVisibility }
  /** A change the search attributes do not show; the main loop still looks at its timers again. */
  | { kind: 'wake' }
  | { kind: 'record'; event: RecordedEvent }
  | { kind: 'notify'; notification: ComplaintNotification }
  /** The survey link, valid for the survey and reopen windows from `validFrom` (absent: when it is sent). */
  | { kind: 'survey-mail'; key: string; mail: 'invitation' | 'reminder'; validFrom?: string }
  /** Choose a handler in the team (an activity), then `handlerAssigned` or `handlerUnavailable`. */
  | { kind: 'assign'; teamCode: string; round: number }
  /** Close the complaint at the time this effect runs (`closeComplaint`). */
  | { kind: 'close'; reason: string; actor: Actor | string; texts: MessageRef[] }
  /** Report the closed complaint's outcome (`closedOutcome`) to performance. */
  | { kind: 'report-outcome'; withdrawn: boolean };

export interface ComplaintStep {
  state: ComplaintState;
  effects: ComplaintEffect[];
}

/** The person who owes the next step: the leader while in review, otherwise the handler. */
export function pendingStep(state: ComplaintState): string | null {
  if (state.awaitingHandler) return 'assign';
  if (state.stage === Stage.IN_REVIEW) return 'review';
  if (state.pendingConsultation) return 'consultation';
  if (state.stage === Stage.WAITING_CITIZEN) return state.infoRequest?.expired ? 'info-timeout' : null;
  if (state.stage === Stage.ASSIGNED) return 'accept';
  if (state.stage === Stage.IN_PROGRESS) return 'answer';
  return null;
}

export function visibilityOf(state: ComplaintState): ComplaintVisibility {
  return {
    stage: state.stage,
    teamCode: state.teamCode,
    dueAt: state.dueAt,
    overdue: state.overdue,
    assignee: state.stage === Stage.IN_REVIEW ? null : (state.handler?.employeeNo ?? null),
  };
}

export const ref = (field: string, messageId: string): MessageRef[] => [{ field, messageId }];

/** A copy of the state to change, and the effects listed against it as it is changed. */
export function draft(from: ComplaintState) {
  const state: ComplaintState = { ...from };
  const effects: ComplaintEffect[] = [];
  const citizen: ComplaintRecipient = { kind: 'citizen', receiptNo: state.receiptNo };
  return {
    state,
    effects,
    citizen,
    handlerTo: (): ComplaintRecipient => ({
      kind: 'staff',
      employeeNo: (state.handler as StaffRef).employeeNo,
    }),
    leaderTo: (): ComplaintRecipient => ({ kind: 'team-leader', teamCode: state.teamCode }),
    changed() {
      effects.push({ kind: 'publish', visibility: visibilityOf(state) });
    },
    wake() {
      effects.push({ kind: 'wake' });
    },
    record(
      type: string,
      actor: Actor | string,
      detail: Record<string, unknown> = {},
      patch: ComplaintEventPatch = {},
      texts: MessageRef[] = [],
    ) {
      state.eventSeq += 1;
      effects.push({
        kind: 'record',
        event: {
          receiptNo: state.receiptNo,
          eventKey: `${state.eventSeq}:${type}`,
          type,
          stage: state.stage,
          actor: typeof actor === 'string' ? actor : describeActor(actor),
          detail,
          ...(texts.length > 0 ? { texts } : {}),
          patch: {
            dueAt: state.dueAt,
            escalationLevel: state.escalationLevel,
            overdue: state.overdue,
            extensionCount: state.extensionCount,
            pendingStep: pendingStep(state),
            infoDeadlineAt: state.infoRequest?.deadlineAt ?? null,
            ...patch,
          },
        },
      });
    },
    notify(
      name: string,
      to: ComplaintRecipient,
      template: MailTemplateName,
      data: Record<string, unknown> = {},
      texts: MessageRef[] = [],
    ) {
      effects.push({
        kind: 'notify',
        notification: {
          key: `${state.receiptNo}:${state.eventSeq}:${name}`,
          to,
          template,
          data: { receiptNo: state.receiptNo, dueAt: state.dueAt, ...data },
          ...(texts.length > 0 ? { texts } : {}),
        },
      });
    },
    surveyMail(name: string, mail: 'invitation' | 'reminder', validFrom?: string) {
      effects.push({
        kind: 'survey-mail',
        key: `${state.receiptNo}:${state.eventSeq}:${name}`,
        mail,
        ...(validFrom ? { validFrom } : {}),
      });
    },
    then(effect: ComplaintEffect) {
      effects.push(effect);
    },
    done(): ComplaintStep {
      return { state, effects };
    },
  };
}
export type ComplaintDraft = ReturnType<typeof draft>;
