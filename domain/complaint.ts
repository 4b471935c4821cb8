/** Complaint (민원) types shared by the workflow, activities and API. Pure. */

export const ComplaintStage = {
  RECEIVED: 'received',
  ASSIGNED: 'assigned',
  IN_PROGRESS: 'in_progress',
  WAITING_CITIZEN: 'waiting_citizen',
  IN_REVIEW: 'in_review',
  AWAITING_RATING: 'awaiting_rating',
  CLOSED: 'closed',
  WITHDRAWN: 'withdrawn',
} as const;
export type ComplaintStage = (typeof ComplaintStage)[keyof typeof ComplaintStage];

export const openComplaintStages: ComplaintStage[] = [
  ComplaintStage.RECEIVED,
  ComplaintStage.ASSIGNED,
  ComplaintStage.IN_PROGRESS,
  ComplaintStage.WAITING_CITIZEN,
  ComplaintStage.IN_REVIEW,
];

export interface StaffRef {
  employeeNo: string;
  name: string;
  team: string;
}

/** Who performs an action; set by the API from the session, checked again inside the workflow. */
export interface Actor {
  kind: 'staff' | 'citizen' | 'system';
  employeeNo?: string;
  role?: string;
  unitCode?: string;
  headquartersCode?: string;
}

/** Workflow input: no personal data (names, addresses) — those stay in PostgreSQL. */
export interface ComplaintInput {
  receiptNo: string;
  categoryCode: string;
  teamCode: string;
  slaDays: number;
  skill?: string;
  receivedAt: string;
  dueAt: string;
}

export interface Assignment {
  handler: StaffRef;
  reason: string;
}

export interface ComplaintState {
  receiptNo: string;
  stage: ComplaintStage;
  teamCode: string;
  handler?: StaffRef;
  dueAt: string;
  escalationLevel: 0 | 1 | 2;
}

export function complaintWorkflowId(receiptNo: string): string {
  return receiptNo;
}
