import type { FieldSpec } from './field-spec.ts';
import {
  complaintActionCatalogue,
  type CitizenAction,
  type ComplaintActionName,
  type StaffAction,
} from '../../contracts/complaint-actions.ts';
import { reviewFields } from './review-fields.ts';

/**
 * The portal's form of every complaint action in the catalogue (contracts/complaint-actions.ts): the
 * fields are the catalogue's, the number limits come from it, the labels and pickers are the portal's.
 * Each function switches over its actions, so an action added to the catalogue without a form does not
 * compile; test/unit/complaint-action-catalogue.test.ts checks the fields against the catalogue.
 */

type Translate = (key: string) => string;

/** The bounds of a number field, as the API checks them. */
function limits(action: ComplaintActionName, field: string): { min: number; max: number } {
  const spec = (
    complaintActionCatalogue[action].fields as Record<string, { type: string; min?: number; max?: number }>
  )[field];
  if (spec?.type !== 'integer' || spec.min === undefined || spec.max === undefined)
    throw new Error(`${action}.${field} is not a number field of the catalogue`);
  return { min: spec.min, max: spec.max };
}

/** Choices for the transfer and reassign pickers: teams, and people with their current open load. */
export interface Pickers {
  teams: { value: string; label: string }[];
  people: { value: string; label: string }[];
  /** The same citizen's answered earlier complaints, which a repeat may be closed with reference to (§23). */
  earlier: { value: string; label: string }[];
}

export function staffActionFields(
  action: StaffAction,
  t: Translate,
  pickers: Pickers,
  draftText?: string,
): FieldSpec[] {
  switch (action) {
    case 'accept':
      return [];
    case 'transfer':
      return [
        {
          name: 'teamCode',
          label: t('casework.picker.team'),
          kind: 'pick',
          options: pickers.teams,
          required: true,
        },
        { name: 'reason', label: t('work.reason'), kind: 'textarea', required: true },
      ];
    case 'draft-answer':
      return [
        { name: 'answer', label: t('work.answer'), kind: 'textarea', required: true, initial: draftText },
      ];
    case 'review':
      return reviewFields(t);
    case 'request-extension':
      return [
        { name: 'reason', label: t('work.reason'), kind: 'textarea', required: true },
        {
          name: 'days',
          label: t('work.days'),
          kind: 'number',
          required: true,
          ...limits('request-extension', 'days'),
        },
      ];
    case 'reassign':
      return [
        {
          name: 'employeeNo',
          label: t('casework.picker.person'),
          kind: 'pick',
          options: pickers.people,
          required: true,
        },
        { name: 'reason', label: t('work.reason'), kind: 'textarea', required: true },
      ];
    case 'request-info':
      return [
        { name: 'question', label: t('work.question'), kind: 'textarea', required: true },
        {
          name: 'deadlineDays',
          label: t('work.deadlineDays'),
          kind: 'number',
          required: true,
          ...limits('request-info', 'deadlineDays'),
        },
      ];
    case 'answer-consultation':
      return [{ name: 'reply', label: t('work.reply'), kind: 'textarea', required: true }];
    case 'close-as-repeated':
      return [
        {
          name: 'earlierReceiptNo',
          label: t('repeat.earlier'),
          kind: 'pick',
          options: pickers.earlier,
          required: true,
        },
        { name: 'reason', label: t('repeat.reason'), kind: 'textarea', required: true },
      ];
    case 'resolve-info-timeout':
      return [
        {
          name: 'decision',
          label: t('work.decision'),
          kind: 'choice',
          options: [
            { value: 'continue', label: t('work.continue') },
            { value: 'close', label: t('work.close') },
          ],
        },
        { name: 'reason', label: t('work.reason'), kind: 'textarea', required: true },
      ];
  }
}

/** The citizen's forms in My Space: the rating and the citizen's actions. */
export function citizenActionFields(action: CitizenAction | 'rating', t: Translate): FieldSpec[] {
  switch (action) {
    case 'rating':
      return [
        { name: 'score', label: t('survey.score'), kind: 'rating', required: true },
        { name: 'comment', label: t('survey.comment'), kind: 'textarea' },
      ];
    case 'add-info':
      return [{ name: 'text', label: t('my.addInfoText'), kind: 'textarea', required: true }];
    case 'request-consultation':
      return [{ name: 'message', label: t('my.consultText'), kind: 'textarea', required: true }];
    case 'consent-extension':
      return [
        {
          name: 'consent',
          label: t('my.consent'),
          kind: 'choice',
          options: [
            { value: 'yes', label: t('my.consentYes') },
            { value: 'no', label: t('my.consentNo') },
          ],
        },
      ];
    case 'withdraw':
      return [{ name: 'reason', label: t('my.withdrawReason'), kind: 'textarea', required: true }];
    case 'reopen':
      return [{ name: 'reason', label: t('my.reopenReason'), kind: 'textarea', required: true }];
  }
}
