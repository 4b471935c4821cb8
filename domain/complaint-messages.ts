import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor, ComplaintState } from './complaint.ts';

/** Every query, signal and update of the complaint workflow, declared once for workflow and API. */
export const complaintStateQuery = defineQuery<ComplaintState>('complaintState');

interface WithActor {
  actor: Actor;
}
export type AcceptArgs = WithActor;
export interface TransferArgs extends WithActor {
  teamCode: string;
  reason: string;
}
export interface DraftAnswerArgs extends WithActor {
  answer: string;
}
export interface ReviewArgs extends WithActor {
  decision: 'approve' | 'return';
  opinion: string;
}
export interface RequestExtensionArgs extends WithActor {
  reason: string;
  days: number;
}
export interface ReassignArgs extends WithActor {
  employeeNo: string;
  reason: string;
}
export interface RequestInfoArgs extends WithActor {
  question: string;
  deadlineDays: number;
}
export interface ResolveInfoTimeoutArgs extends WithActor {
  decision: 'continue' | 'close';
  reason: string;
}
export interface AnswerConsultationArgs extends WithActor {
  reply: string;
}
export interface AddInfoArgs extends WithActor {
  text: string;
}
export interface RequestConsultationArgs extends WithActor {
  message: string;
}
export interface WithdrawArgs extends WithActor {
  reason: string;
}
export interface ConsentExtensionArgs extends WithActor {
  consent: boolean;
}
export interface RateArgs extends WithActor {
  score: number;
  comment?: string;
}
export interface ReopenArgs extends WithActor {
  reason: string;
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
