/**
 * Shapes of the admin directory API (api/routes/admin-org-units.ts, admin-staff.ts,
 * admin-head-role-changes.ts and admin-categories.ts) and the queries the admin screens share.
 */
import { useQuery } from '@tanstack/react-query';
import { api, ApiError, fieldErrors } from './api.ts';
import { fieldIssueText } from './error-text.ts';

export type UnitKind = 'MINISTRY' | 'HEADQUARTERS' | 'TEAM';
export const unitKinds: UnitKind[] = ['MINISTRY', 'HEADQUARTERS', 'TEAM'];
export type ComplaintKind = 'QUESTION' | 'PROPOSAL' | 'GRIEVANCE' | 'STATUTORY';
export const complaintKinds: ComplaintKind[] = ['QUESTION', 'PROPOSAL', 'GRIEVANCE', 'STATUTORY'];
export const staffRoles = ['STAFF', 'TEAM_LEADER', 'DIRECTOR', 'HR', 'HEAD', 'ADMIN'] as const;
export type StaffRole = (typeof staffRoles)[number];

export interface OrgUnit {
  code: string;
  kind: UnitKind;
  nameKo: string;
  nameEn: string;
  parentCode: string | null;
  depth: number;
  staffCount: number;
  childCount: number;
  categoryCount: number;
}

export interface StaffMember {
  employeeNo: string;
  nameKo: string;
  nameEn: string;
  email: string;
  role: StaffRole;
  unitCode: string;
  unitName: string;
  unitNameEn: string;
  payGrade: string;
  skills: string[];
  available: boolean;
  absentUntil: string | null;
  active: boolean;
  deactivatedAt: string | null;
  openComplaints: number;
}

export interface Category {
  code: string;
  nameKo: string;
  nameEn: string;
  kind: ComplaintKind;
  teamCode: string;
  teamName: string;
  teamNameEn: string;
  slaDays: number;
  skill: string | null;
  active: boolean;
}

export type SlaLimits = Record<ComplaintKind, { min: number; max: number }>;

export function useOrgUnits() {
  return useQuery({
    queryKey: ['admin', 'org-units'],
    queryFn: () => api<{ units: OrgUnit[] }>('/api/admin/org-units'),
  });
}

/**
 * Server errors for a form: the message for each field the server named, and whether the error named
 * none of the form's fields (then it is shown above the buttons).
 */
export function formErrors(error: unknown, fields: readonly string[]) {
  const byField = fieldErrors(error, fieldIssueText);
  const named = fields.filter((field) => byField[field]);
  return {
    errorOf: (field: string) => byField[field],
    unmatched: error instanceof ApiError && named.length === 0 ? error : null,
  };
}

/** `<input type="date">` value (a Korean calendar day) ↔ the instant that day ends in Korea. */
export function endOfKoreanDay(day: string): string | null {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? new Date(`${day}T23:59:59+09:00`).toISOString() : null;
}
export function koreanDay(iso: string | null): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Seoul',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(iso));
}

/** The portal page that shows a workflow's history as a timeline. */
export const workflowHistoryPath = (workflowId: string) =>
  `/admin/workflows/${encodeURIComponent(workflowId)}`;
