/** The citizen's channel: personal-data consent and the Open311 GeoReport v2 view of complaints. Pure. */
import { openComplaintStages, type ComplaintStage } from './complaint.ts';

/**
 * Version of the personal-data consent text (개인정보 수집·이용 동의) shown on the filing form. A changed
 * text gets a new version; each complaint keeps the version its citizen agreed to.
 */
export const CONSENT_VERSION = 'privacy-2026-12-v1';
export const ACCEPTED_CONSENT_VERSIONS: readonly string[] = [CONSENT_VERSION];

/** Sign-in links: how long one stays valid, and how many one address may ask for per hour. */
export const signInLinkRules = {
  validMinutes: 30,
  maxPerAddressPerHour: 3,
  sessionHours: 12,
} as const;

const KST_OFFSET_MILLIS = 9 * 3600_000;

/** A W3C date-time (ISO 8601 subset) in Korea time with its offset, e.g. 2026-12-02T18:43:13+09:00. */
export function w3cKst(date: Date): string {
  return `${new Date(date.getTime() + KST_OFFSET_MILLIS).toISOString().slice(0, 19)}+09:00`;
}

/** GeoReport v2 knows two states: open while the ministry still owes the answer, closed after it. */
export function open311Status(stage: string): 'open' | 'closed' {
  return openComplaintStages.includes(stage as ComplaintStage) ? 'open' : 'closed';
}

/** Public notes per stage: what anyone may read about a request, never the citizen's or staff's words. */
export const open311StatusNotes: Record<string, string> = {
  received: '접수되었습니다 (received).',
  assigned: '담당자가 배정되었습니다 (assigned to a handler).',
  in_progress: '처리 중입니다 (in progress).',
  waiting_citizen: '신청인의 보완 자료를 기다리고 있습니다 (waiting for information from the requester).',
  in_review: '답변을 검토하고 있습니다 (answer under review).',
  awaiting_rating: '답변을 마쳤습니다 (answered).',
  closed: '처리가 끝났습니다 (closed).',
  withdrawn: '신청인이 취하했습니다 (withdrawn by the requester).',
};

/** GeoReport v2 service-definition attribute, as stored on a category. */
export interface Open311Attribute {
  variable: boolean;
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  datatype_description: string;
  order: number;
  description: string;
  values?: { key: string; name: string }[];
}

/** Problems with submitted attribute values, as sentences naming the attribute; empty when all fit. */
export function attributeProblems(
  attributes: readonly Open311Attribute[],
  given: Record<string, string[]>,
): string[] {
  const problems: string[] = [];
  for (const attribute of attributes) {
    if (!attribute.variable) continue;
    const values = (given[attribute.code] ?? []).filter((v) => v.trim() !== '');
    if (values.length === 0) {
      if (attribute.required) problems.push(`attribute[${attribute.code}] is required`);
      continue;
    }
    if (attribute.datatype === 'number' && values.some((v) => !Number.isFinite(Number(v)))) {
      problems.push(`attribute[${attribute.code}] must be a number`);
    }
    if (attribute.datatype === 'singlevaluelist' && values.length > 1) {
      problems.push(`attribute[${attribute.code}] takes one value`);
    }
    if (
      attribute.values &&
      (attribute.datatype === 'singlevaluelist' || attribute.datatype === 'multivaluelist')
    ) {
      const keys = new Set(attribute.values.map((v) => v.key));
      const unknown = values.filter((v) => !keys.has(v));
      if (unknown.length > 0)
        problems.push(`attribute[${attribute.code}] has no value ${unknown.join(', ')}`);
    }
  }
  const known = new Set(attributes.map((a) => a.code));
  for (const code of Object.keys(given)) {
    if (!known.has(code)) problems.push(`attribute[${code}] is not an attribute of this service`);
  }
  return problems;
}
