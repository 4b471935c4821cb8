import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes for visibility queries (stuck and overdue lists come from Temporal).
 * No personal data ever goes here: only codes, employee numbers and times.
 */
export const WorkKindAttr = defineSearchAttributeKey('PortalWorkKind', SearchAttributeType.KEYWORD);
export const StageAttr = defineSearchAttributeKey('PortalStage', SearchAttributeType.KEYWORD);
export const TeamAttr = defineSearchAttributeKey('PortalTeam', SearchAttributeType.KEYWORD);
export const AssigneeAttr = defineSearchAttributeKey('PortalAssignee', SearchAttributeType.KEYWORD);
export const DueAtAttr = defineSearchAttributeKey('PortalDueAt', SearchAttributeType.DATETIME);
export const OverdueAttr = defineSearchAttributeKey('PortalOverdue', SearchAttributeType.BOOL);

export const searchAttributeRegistrations: Record<string, 'Keyword' | 'Datetime' | 'Bool'> = {
  PortalWorkKind: 'Keyword',
  PortalStage: 'Keyword',
  PortalTeam: 'Keyword',
  PortalAssignee: 'Keyword',
  PortalDueAt: 'Datetime',
  PortalOverdue: 'Bool',
};
