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

/** What stands in for a piece of personal data removed from a text that is otherwise kept. */
export const REDACTED = '○○○';

/** Korean mobile and landline numbers, resident registration numbers and e-mail addresses. */
const PERSONAL_DATA_PATTERNS: readonly RegExp[] = [
  /\b\d{6}\s?-\s?[1-8]\d{6}\b/g,
  /\b0\d{1,2}[-.\s]?\d{3,4}[-.\s]?\d{4}\b/g,
  /[\w.+-]+@[\w-]+(\.[\w-]+)+/g,
];

/**
 * Staff-written text kept after the retention period (the answer, the title) with the citizen's personal data
 * taken out: their name and e-mail wherever they appear, and anything shaped like a phone number, a resident
 * registration number or an e-mail address. The rest of the text stays, for quality review and statistics.
 */
export function redactPersonalData(
  text: string,
  citizen: { readonly name: string; readonly email: string },
): string {
  let redacted = text;
  for (const known of [citizen.email, citizen.name].map((s) => s.trim()).filter((s) => s.length >= 2)) {
    redacted = redacted.split(known).join(REDACTED);
  }
  for (const pattern of PERSONAL_DATA_PATTERNS) redacted = redacted.replace(pattern, REDACTED);
  return redacted;
}
