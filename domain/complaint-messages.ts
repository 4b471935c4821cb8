import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import {
  citizenActions,
  complaintActionCatalogue,
  staffActions,
  type ActionText,
  type ComplaintActionName,
  type ComplaintActionUpdateName,
} from '../contracts/complaint-actions.ts';
import type { Actor, ComplaintState } from './complaint.ts';
import type { SignedActorArgs } from './actor-claim.ts';

/** Every query, signal and update of the complaint workflow, declared once for workflow and API. */
export const complaintStateQuery = defineQuery<ComplaintState>('complaintState');

/** The API signs the actor of each Update (domain/actor-claim.ts); the workflow believes only a signed one. */
interface WithActor extends SignedActorArgs {
  actor: Actor;
}
/**
 * Free text (the citizen's words, a draft, a reason) never travels in an Update: the API stores it in
 * ComplaintMessage first and the Update carries the row's id, so workflow history holds no personal text.
 */
interface WithMessage extends WithActor {
  messageId: string;
}
export type AcceptArgs = WithActor;
export interface TransferArgs extends WithMessage {
  teamCode: string;
}
export type DraftAnswerArgs = WithMessage;
export interface ReviewArgs extends WithActor {
  decision: 'approve' | 'return';
  /** The opinion is optional on approval. */
  messageId?: string;
}
export interface RequestExtensionArgs extends WithMessage {
  days: number;
}
export interface ReassignArgs extends WithMessage {
  employeeNo: string;
}
export interface RequestInfoArgs extends WithMessage {
  deadlineDays: number;
}
export interface ResolveInfoTimeoutArgs extends WithMessage {
  decision: 'continue' | 'close';
}
export type AnswerConsultationArgs = WithMessage;
export type AddInfoArgs = WithMessage;
export type RequestConsultationArgs = WithMessage;
export interface WithdrawArgs extends WithActor {
  messageId?: string;
}
export interface ConsentExtensionArgs extends WithActor {
  consent: boolean;
}
export interface RateArgs extends WithActor {
  score: number;
  messageId?: string;
}
export type ReopenArgs = WithMessage;
/**
 * Closing a repeated complaint (민원 처리에 관한 법률 §23) citing the answer of the citizen's earlier one;
 * the API has checked that the earlier complaint is the same citizen's and was answered.
 */
export interface CloseAsRepeatedArgs extends WithMessage {
  earlierReceiptNo: string;
}

/** ComplaintMessage.kind of each text an action carries; PUBLIC texts reach the citizen, INTERNAL stay with staff. */
export const MessageKind = {
  CITIZEN_INFO: 'citizen-info',
  CONSULTATION_REQUEST: 'consultation-request',
  CONSULTATION_REPLY: 'consultation-reply',
  DRAFT_ANSWER: 'draft-answer',
  REVIEW_OPINION: 'review-opinion',
  EXTENSION_REASON: 'extension-reason',
  TRANSFER_REASON: 'transfer-reason',
  REASSIGN_REASON: 'reassign-reason',
  INFO_REQUEST: 'info-request',
  INFO_TIMEOUT_REASON: 'info-timeout-reason',
  WITHDRAW_REASON: 'withdraw-reason',
  REOPEN_REASON: 'reopen-reason',
  RATING_COMMENT: 'rating-comment',
  ANSWER: 'answer',
  /** Why a repeated complaint was closed: public, the citizen is told. */
  REPEAT_CLOSE_REASON: 'repeat-close-reason',
} as const;
export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind];
export type MessageVisibility = 'PUBLIC' | 'INTERNAL';

/** The text field of an action's request body and how it is kept; the Update gets its id as `messageId`. */
export type { ActionText } from '../contracts/complaint-actions.ts';
/** Each action's stored text, by its URL name (`rating` for the rating), from the action catalogue. */
export const actionTexts: Readonly<Record<string, ActionText | undefined>> = Object.fromEntries(
  Object.entries(complaintActionCatalogue).map(([action, entry]) => [
    action,
    'text' in entry ? entry.text : undefined,
  ]),
);

/**
 * Where a stored text goes when the workflow records an event or sends a mail: the activity reads the row
 * and puts its body under `field` (of the event detail or the mail template data).
 */
export interface MessageRef {
  field: string;
  messageId: string;
}

export const acceptUpdate = defineUpdate<ComplaintState, [AcceptArgs]>('accept');
export const transferUpdate = defineUpdate<ComplaintState, [TransferArgs]>('transfer');
export const draftAnswerUpdate = defineUpdate<ComplaintState, [DraftAnswerArgs]>('draftAnswer');
export const reviewUpdate = defineUpdate<ComplaintState, [ReviewArgs]>('review');
export const requestExtensionUpdate = defineUpdate<ComplaintState, [RequestExtensionArgs]>(
  'requestExtension',
);
export const reassignUpdate = defineUpdate<ComplaintState, [ReassignArgs]>('reassign');
export const requestInfoUpdate = defineUpdate<ComplaintState, [RequestInfoArgs]>('requestInfo');
export const resolveInfoTimeoutUpdate = defineUpdate<ComplaintState, [ResolveInfoTimeoutArgs]>(
  'resolveInfoTimeout',
);
export const answerConsultationUpdate = defineUpdate<ComplaintState, [AnswerConsultationArgs]>(
  'answerConsultation',
);
export const addInfoUpdate = defineUpdate<ComplaintState, [AddInfoArgs]>('addInfo');
export const requestConsultationUpdate = defineUpdate<ComplaintState, [RequestConsultationArgs]>(
  'requestConsultation',
);
export const withdrawUpdate = defineUpdate<ComplaintState, [WithdrawArgs]>('withdraw');
export const consentExtensionUpdate = defineUpdate<ComplaintState, [ConsentExtensionArgs]>(
  'consentExtension',
);
export const rateUpdate = defineUpdate<ComplaintState, [RateArgs]>('rate');
export const reopenUpdate = defineUpdate<ComplaintState, [ReopenArgs]>('reopen');
export const closeAsRepeatedUpdate = defineUpdate<ComplaintState, [CloseAsRepeatedArgs]>('closeAsRepeated');

/** Every Update an action of the catalogue becomes, by its name; the compiler refuses a missing one. */
export const complaintActionUpdates = {
  accept: acceptUpdate,
  transfer: transferUpdate,
  draftAnswer: draftAnswerUpdate,
  review: reviewUpdate,
  requestExtension: requestExtensionUpdate,
  reassign: reassignUpdate,
  requestInfo: requestInfoUpdate,
  resolveInfoTimeout: resolveInfoTimeoutUpdate,
  answerConsultation: answerConsultationUpdate,
  closeAsRepeated: closeAsRepeatedUpdate,
  addInfo: addInfoUpdate,
  requestConsultation: requestConsultationUpdate,
  withdraw: withdrawUpdate,
  consentExtension: consentExtensionUpdate,
  rate: rateUpdate,
  reopen: reopenUpdate,
} satisfies Record<ComplaintActionUpdateName, { name: string }>;
/** All complaint Updates share one shape (args with an actor, the state as result); the API treats them alike. */
export type ComplaintUpdate = typeof acceptUpdate;

const updatesOf = <A extends ComplaintActionName>(actions: readonly A[]) =>
  Object.fromEntries(
    actions.map((action) => [action, complaintActionUpdates[complaintActionCatalogue[action].update]]),
  ) as unknown as Record<A, ComplaintUpdate>;

/** URL action name → Update, for `POST /api/complaints/:receiptNo/actions/:action` (staff). */
export const staffActionUpdates = updatesOf(staffActions);
/** URL action name → Update, for `POST /api/complaints/:receiptNo/citizen/:action` (access code). */
export const citizenActionUpdates = updatesOf(citizenActions);
export type { CitizenAction, StaffAction } from '../contracts/complaint-actions.ts';

export interface CalendarChangedArgs {
  /** The calendar's version after the change; a run already on it (or a later one) ignores the signal. */
  version: number;
}
/** Sent to every open complaint when an admin adds or removes a holiday: the run re-times its deadlines. */
export const calendarChangedSignal = defineSignal<[CalendarChangedArgs]>('calendarChanged');
