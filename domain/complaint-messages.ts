import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
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
export interface ActionText {
  field: string;
  kind: MessageKind;
  visibility: MessageVisibility;
}
const text = (field: string, kind: MessageKind, visibility: MessageVisibility): ActionText => ({
  field,
  kind,
  visibility,
});
export const actionTexts: Record<string, ActionText | undefined> = {
  transfer: text('reason', MessageKind.TRANSFER_REASON, 'INTERNAL'),
  'draft-answer': text('answer', MessageKind.DRAFT_ANSWER, 'INTERNAL'),
  review: text('opinion', MessageKind.REVIEW_OPINION, 'INTERNAL'),
  'request-extension': text('reason', MessageKind.EXTENSION_REASON, 'PUBLIC'),
  reassign: text('reason', MessageKind.REASSIGN_REASON, 'INTERNAL'),
  'request-info': text('question', MessageKind.INFO_REQUEST, 'PUBLIC'),
  'resolve-info-timeout': text('reason', MessageKind.INFO_TIMEOUT_REASON, 'INTERNAL'),
  'answer-consultation': text('reply', MessageKind.CONSULTATION_REPLY, 'PUBLIC'),
  'add-info': text('text', MessageKind.CITIZEN_INFO, 'PUBLIC'),
  'request-consultation': text('message', MessageKind.CONSULTATION_REQUEST, 'PUBLIC'),
  withdraw: text('reason', MessageKind.WITHDRAW_REASON, 'PUBLIC'),
  reopen: text('reason', MessageKind.REOPEN_REASON, 'PUBLIC'),
  rating: text('comment', MessageKind.RATING_COMMENT, 'PUBLIC'),
  'close-as-repeated': text('reason', MessageKind.REPEAT_CLOSE_REASON, 'PUBLIC'),
};

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

/** URL action name → Update, for `POST /api/complaints/:receiptNo/actions/:action` (staff). */
export const staffActionUpdates = {
  accept: acceptUpdate,
  transfer: transferUpdate,
  'draft-answer': draftAnswerUpdate,
  review: reviewUpdate,
  'request-extension': requestExtensionUpdate,
  reassign: reassignUpdate,
  'request-info': requestInfoUpdate,
  'resolve-info-timeout': resolveInfoTimeoutUpdate,
  'answer-consultation': answerConsultationUpdate,
  'close-as-repeated': closeAsRepeatedUpdate,
};
export type StaffAction = keyof typeof staffActionUpdates;

/** URL action name → Update, for `POST /api/complaints/:receiptNo/citizen/:action` (access code). */
export const citizenActionUpdates = {
  'add-info': addInfoUpdate,
  'request-consultation': requestConsultationUpdate,
  withdraw: withdrawUpdate,
  'consent-extension': consentExtensionUpdate,
  reopen: reopenUpdate,
};
export type CitizenAction = keyof typeof citizenActionUpdates;

export interface CalendarChangedArgs {
  /** The calendar's version after the change; a run already on it (or a later one) ignores the signal. */
  version: number;
}
/** Sent to every open complaint when an admin adds or removes a holiday: the run re-times its deadlines. */
export const calendarChangedSignal = defineSignal<[CalendarChangedArgs]>('calendarChanged');
