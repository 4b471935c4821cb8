/**
 * The catalogue of complaint actions: every action people take on a complaint, who takes it (and at which
 * URL), the workflow Update it becomes, the fields of its request with their limits, the free text it
 * stores and who may read that text, and the pending steps in which the portal offers it.
 *
 * The API builds each action's route and body schema from it, the workflow has a rule for each entry's
 * Update, and the portal builds each action's form from it; the compiler and
 * test/unit/complaint-action-catalogue.test.ts name whatever is missing when an entry is added.
 *
 * Plain data with no imports: the portal imports it as a value without pulling in any server code.
 */

/** A field of an action's request body. */
export type ActionField =
  /** An optional text may be left out, or (with `blank`) sent empty, which is what leaving it out means. */
  | { type: 'text'; min: number; max: number; optional?: 'omit' | 'blank' }
  | { type: 'integer'; min: number; max: number }
  | { type: 'choice'; values: readonly string[] }
  | { type: 'boolean' }
  /** An organisation code or employee number picked from a list. */
  | { type: 'code' }
  | { type: 'receipt-no' };

/**
 * The action's free text: stored first as a ComplaintMessage of `kind` (the Update carries only its id);
 * PUBLIC texts reach the citizen, INTERNAL ones stay with staff.
 */
export interface ActionText {
  field: string;
  kind: string;
  visibility: 'PUBLIC' | 'INTERNAL';
}

export interface ComplaintActionEntry {
  /**
   * Who calls it, which gives its URL: staff at `/actions/:action`, the citizen with the access code or a
   * sign-in session at `/citizen/:action`, the rating at `/rating` (also with the survey link's token).
   */
  audience: 'staff' | 'citizen' | 'rating';
  /** The complaint workflow Update it becomes (domain/complaint-messages.ts). */
  update: string;
  fields: Readonly<Record<string, ActionField>>;
  text?: ActionText;
  /** Whether its text may carry files (multipart). */
  files?: true;
}

const text = (min: number, max: number): ActionField => ({ type: 'text', min, max });
const optionalText = (max: number, optional: 'omit' | 'blank'): ActionField => ({
  type: 'text',
  min: 0,
  max,
  optional,
});
const stored = (field: string, kind: string, visibility: ActionText['visibility']): ActionText => ({
  field,
  kind,
  visibility,
});

export const complaintActionCatalogue = {
  // ---------- staff ----------
  accept: { audience: 'staff', update: 'accept', fields: {} },
  transfer: {
    audience: 'staff',
    update: 'transfer',
    fields: { teamCode: { type: 'code' }, reason: text(2, 2000) },
    text: stored('reason', 'transfer-reason', 'INTERNAL'),
  },
  'draft-answer': {
    audience: 'staff',
    update: 'draftAnswer',
    fields: { answer: text(5, 20_000) },
    text: stored('answer', 'draft-answer', 'INTERNAL'),
    files: true,
  },
  review: {
    audience: 'staff',
    update: 'review',
    fields: {
      decision: { type: 'choice', values: ['approve', 'return'] },
      opinion: optionalText(2000, 'blank'),
    },
    text: stored('opinion', 'review-opinion', 'INTERNAL'),
  },
  'request-extension': {
    audience: 'staff',
    update: 'requestExtension',
    // The workflow also holds the extension to the complaint's own period.
    fields: { reason: text(2, 2000), days: { type: 'integer', min: 1, max: 60 } },
    text: stored('reason', 'extension-reason', 'PUBLIC'),
  },
  reassign: {
    audience: 'staff',
    update: 'reassign',
    fields: { employeeNo: { type: 'code' }, reason: text(2, 2000) },
    text: stored('reason', 'reassign-reason', 'INTERNAL'),
  },
  'request-info': {
    audience: 'staff',
    update: 'requestInfo',
    fields: { question: text(5, 2000), deadlineDays: { type: 'integer', min: 1, max: 14 } },
    text: stored('question', 'info-request', 'PUBLIC'),
  },
  'resolve-info-timeout': {
    audience: 'staff',
    update: 'resolveInfoTimeout',
    fields: { decision: { type: 'choice', values: ['continue', 'close'] }, reason: text(2, 2000) },
    text: stored('reason', 'info-timeout-reason', 'INTERNAL'),
  },
  'answer-consultation': {
    audience: 'staff',
    update: 'answerConsultation',
    fields: { reply: text(2, 5000) },
    text: stored('reply', 'consultation-reply', 'PUBLIC'),
  },
  'close-as-repeated': {
    audience: 'staff',
    update: 'closeAsRepeated',
    fields: { earlierReceiptNo: { type: 'receipt-no' }, reason: text(2, 2000) },
    text: stored('reason', 'repeat-close-reason', 'PUBLIC'),
  },
  // ---------- the citizen ----------
  'add-info': {
    audience: 'citizen',
    update: 'addInfo',
    fields: { text: text(2, 20_000) },
    text: stored('text', 'citizen-info', 'PUBLIC'),
    files: true,
  },
  'request-consultation': {
    audience: 'citizen',
    update: 'requestConsultation',
    fields: { message: text(2, 2000) },
    text: stored('message', 'consultation-request', 'PUBLIC'),
  },
  withdraw: {
    audience: 'citizen',
    update: 'withdraw',
    fields: { reason: optionalText(2000, 'blank') },
    text: stored('reason', 'withdraw-reason', 'PUBLIC'),
  },
  'consent-extension': {
    audience: 'citizen',
    update: 'consentExtension',
    fields: { consent: { type: 'boolean' } },
  },
  reopen: {
    audience: 'citizen',
    update: 'reopen',
    fields: { reason: text(2, 2000) },
    text: stored('reason', 'reopen-reason', 'PUBLIC'),
  },
  rating: {
    audience: 'rating',
    update: 'rate',
    fields: { score: { type: 'integer', min: 1, max: 5 }, comment: optionalText(2000, 'omit') },
    text: stored('comment', 'rating-comment', 'PUBLIC'),
  },
} as const satisfies Record<string, ComplaintActionEntry>;

type Catalogue = typeof complaintActionCatalogue;
export type ComplaintActionName = keyof Catalogue;
type ActionsOf<A extends ComplaintActionEntry['audience']> = {
  [K in ComplaintActionName]: Catalogue[K]['audience'] extends A ? K : never;
}[ComplaintActionName];
export type StaffAction = ActionsOf<'staff'>;
export type CitizenAction = ActionsOf<'citizen'>;
/** The workflow Updates the catalogue's actions become. */
export type ComplaintActionUpdateName = Catalogue[ComplaintActionName]['update'];

const names = Object.keys(complaintActionCatalogue) as ComplaintActionName[];
export const staffActions = names.filter(
  (name) => complaintActionCatalogue[name].audience === 'staff',
) as StaffAction[];
export const citizenActions = names.filter(
  (name) => complaintActionCatalogue[name].audience === 'citizen',
) as CitizenAction[];

/** The route of an action (`:receiptNo` as a parameter). */
export function complaintActionPath(action: ComplaintActionName): string {
  const { audience } = complaintActionCatalogue[action];
  if (audience === 'rating') return '/api/complaints/:receiptNo/rating';
  return `/api/complaints/:receiptNo/${audience === 'staff' ? 'actions' : 'citizen'}/${action}`;
}

/**
 * The staff actions the portal offers in each pending step (ComplaintView.pendingStep) to the person who
 * owes it, in the order shown; `escalated` lists what a manager may do on any open case of the team.
 */
export const actionsForStep = {
  accept: ['accept', 'transfer', 'request-extension', 'close-as-repeated'],
  answer: ['draft-answer', 'request-info', 'request-extension', 'transfer', 'close-as-repeated'],
  consultation: ['answer-consultation'],
  'info-timeout': ['resolve-info-timeout'],
  review: ['review'],
  escalated: ['reassign', 'transfer'],
  assign: [],
} as const satisfies Record<string, readonly StaffAction[]>;
export type PendingStep = keyof typeof actionsForStep;
