/** One field of an action form (ActionForm.tsx); plain data, so forms can be built and tested without React. */
export interface FieldSpec {
  name: string;
  label: string;
  /** `date` is a day in Korea's calendar, sent as 18:00 Korea time; `milestones` is a plan's milestone list. */
  /** `pick` chooses one of `options` from a searchable list (a team, a person). */
  kind: 'text' | 'textarea' | 'number' | 'choice' | 'pick' | 'rating' | 'date' | 'milestones';
  options?: { value: string; label: string }[];
  required?: boolean;
  min?: number;
  max?: number;
  /** The starting value (as the form holds it: a string; JSON for milestones). */
  initial?: string;
  /** A check the browser can make before asking the server; returns the message shown at the field. */
  validate?: (value: string) => string | undefined;
}
