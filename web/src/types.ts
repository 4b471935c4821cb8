export interface Named {
  code: string;
  name: string;
  nameEn: string;
}

export interface TimelineEntry {
  at: string;
  type: string;
  stage: string;
  actor: string;
  /** Staff view: the acting official's name. */
  actorName?: string;
  detail: unknown;
}

export interface ComplaintMessage {
  id: string;
  at: string;
  kind: string;
  visibility: 'PUBLIC' | 'INTERNAL';
  /** A name for staff readers; 'citizen', 'staff' or 'system' in the citizen's view. */
  author: string;
  authorKind: string;
  body: string;
}

/** Staff only: the citizen's text, contact and place. */
export interface CaseFile {
  body: string;
  citizen: { name: string; email: string; phone: string | null };
  place: { address: string | null; latitude: number | null; longitude: number | null } | null;
}

/** A file on a complaint (issue 12 item 2); `messageId` null for the files filed with it. */
export interface ComplaintAttachment {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  messageId: string | null;
  hasThumbnail: boolean;
  at: string;
}

export interface ComplaintView {
  receiptNo: string;
  title: string;
  body?: string;
  category: Named;
  stage: string;
  team: Named;
  handler: { employeeNo: string; name: string; nameEn: string; team: string } | null;
  receivedAt: string;
  dueAt: string;
  answeredAt: string | null;
  closedAt: string | null;
  timeline: TimelineEntry[];
  answer: string | null;
  satisfaction: { score: number; comment: string | null } | null;
  escalationLevel?: number;
  overdue?: boolean;
  extensionCount?: number;
  pendingStep?: string | null;
  infoDeadlineAt?: string | null;
  /** Staff only: the handler's draft while it waits for the leader's review. */
  draftAnswer?: string | null;
  /** Given at filing (issue 18): shown to the citizen and staff in scope. */
  citizenPhone?: string | null;
  location?: { address: string | null; latitude: number | null; longitude: number | null } | null;
  messages?: ComplaintMessage[];
  attachments?: ComplaintAttachment[];
  caseFile?: CaseFile;
  audience?: 'staff' | 'citizen';
  /** Closed as a repeat (§23) of the same citizen's earlier, answered complaint. */
  repeatOf?: {
    receiptNo: string;
    receivedAt: string;
    answeredAt: string | null;
    answer: string | null;
  } | null;
}

export const progressStages = [
  'received',
  'assigned',
  'in_progress',
  'in_review',
  'awaiting_rating',
  'closed',
] as const;
export const openStages = ['received', 'assigned', 'in_progress', 'waiting_citizen', 'in_review'];
