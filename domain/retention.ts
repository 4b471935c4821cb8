/** Personal-data retention: what the anonymisation job takes and returns. Pure. */

export const RETENTION_WORKFLOW_TYPE = 'retentionWorkflow';
export const RETENTION_SCHEDULE_ID = 'portal-retention';
/** Daily at 03:30 Korea time, when nobody works. */
export const RETENTION_CRON = '30 3 * * *';
export const RETENTION_TIMEZONE = 'Asia/Seoul';

export const ANONYMISED_NAME = '(익명 처리됨 · anonymised)';
export const ANONYMISED_TEXT = '(보존기간 경과로 삭제됨 · removed after the retention period)';
export const anonymisedEmail = (receiptNo: string) => `anonymised+${receiptNo.toLowerCase()}@invalid`;

export interface RetentionInput {
  /** Complaints closed or withdrawn longer ago than this many days are anonymised. */
  retentionDays: number;
  /** Who started the run (an admin's employee number, or `schedule`), for the audit log. */
  requestedBy: string;
  /** ISO time the cutoff is measured from; the workflow's start time when absent. */
  asOf?: string;
}

export interface RetentionBatchInput {
  cutoff: string;
  batchSize: number;
  requestedBy: string;
}

export interface RetentionBatchResult {
  anonymised: string[];
}

export interface RetentionResult {
  cutoff: string;
  anonymised: number;
  receiptNos: string[];
}

export const retentionCutoff = (asOf: Date, retentionDays: number) =>
  new Date(asOf.getTime() - retentionDays * 24 * 3600_000);
