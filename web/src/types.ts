export interface Named {
  code: string;
  name: string;
  nameEn: string;
}

// The complaint view as the API declares it (contracts/complaints.ts): a field the server renames fails here.
export type {
  CaseFile,
  ComplaintAttachment,
  ComplaintMessage,
  ComplaintTimelineEntry as TimelineEntry,
  ComplaintView,
} from '../../contracts/complaints.ts';

export const progressStages = [
  'received',
  'assigned',
  'in_progress',
  'in_review',
  'awaiting_rating',
  'closed',
] as const;
export const openStages = ['received', 'assigned', 'in_progress', 'waiting_citizen', 'in_review'];
