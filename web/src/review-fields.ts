import type { FieldSpec } from './field-spec.ts';

/** A reviewer's answer to a pending review step (complaint or task): approve or return, with an opinion. */
export function reviewFields(t: (key: string) => string): FieldSpec[] {
  return [
    {
      name: 'decision',
      label: t('work.decision'),
      kind: 'choice',
      options: [
        { value: 'approve', label: t('work.approve') },
        { value: 'return', label: t('work.return') },
      ],
    },
    { name: 'opinion', label: t('work.opinion'), kind: 'textarea', required: true },
  ];
}
