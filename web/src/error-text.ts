import i18n from './i18n.ts';
import { ApiError, type FieldIssue } from './api.ts';

/**
 * What a person reads when a call fails: the server answers with a code (and an English message for API
 * clients); Korean pages show the code's Korean text, English pages the server's own message.
 */
export function errorText(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  if (i18n.language === 'en') return error.message;
  return i18n.t(`errors.${error.code}`, { defaultValue: i18n.t('errors.INTERNAL') });
}

const rules: [RegExp, string][] = [
  [/required property/, 'required'],
  [/fewer than (\d+) characters/, 'minLength'],
  [/more than (\d+) characters/, 'maxLength'],
  [/must be >= (\d+)/, 'minimum'],
  [/must be <= (\d+)/, 'maximum'],
  [/must match format/, 'format'],
  [/must match pattern/, 'pattern'],
];

/** A field's validation message (JSON-schema wording from the server) in the page's language. */
export function fieldIssueText(issue: FieldIssue): string {
  if (issue.rule) {
    const text = i18n.t(`errors.rule.${issue.rule}`, { defaultValue: '' });
    if (text) return text;
  }
  if (i18n.language === 'en') return issue.message;
  for (const [pattern, key] of rules) {
    const match = pattern.exec(issue.message ?? '');
    if (!match) continue;
    const text = i18n.t(`errors.field.${key}`, { limit: match[1] });
    // The expected shape itself is worth showing: it says what to type.
    return key === 'pattern' || key === 'format' ? `${text} (${issue.message})` : text;
  }
  // A rule the server worded itself (a range per category, a consent version) is more use than a generic line.
  return issue.message || i18n.t('errors.field.other');
}
