/** Pieces the admin directory screens (organisation, staff, categories) share in their forms and lists. */
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Button, Group, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { formErrors } from './admin-directory.ts';
import { ErrorState } from './components.tsx';

/**
 * The state of a directory form: the draft and its setter, the save call (`send`, which refreshes every admin
 * query and, after creating, starts the next entry afresh), the server's errors for the form's `fields`, and
 * the submit handler.
 */
export function useDirectoryForm<Draft extends object>({
  initial,
  creating,
  fields,
  send,
}: {
  initial: () => Draft;
  creating: boolean;
  fields: readonly string[];
  send: (draft: Draft) => Promise<unknown>;
}) {
  const client = useQueryClient();
  const [draft, setDraft] = useState<Draft>(initial);
  const set = <K extends keyof Draft>(field: K, value: Draft[K]) =>
    setDraft((d) => ({ ...d, [field]: value }));
  const refresh = () => client.invalidateQueries({ queryKey: ['admin'] });
  const save = useMutation({
    mutationFn: () => send(draft),
    onSuccess: async () => {
      await refresh();
      if (creating) setDraft(initial());
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return { draft, set, save, errors: formErrors(save.error, fields), submit, refresh };
}

/** A form that opens above a list: focus moves to its heading, which brings it into view. */
export function useFocusOnOpen<T extends HTMLElement>() {
  const target = useRef<T>(null);
  useEffect(() => target.current?.focus(), []);
  return target;
}

/**
 * The end of a directory form: the reason for a change (only when editing, it goes to the audit log), the
 * errors that name none of the form's fields, the "saved" note and the buttons; `onCancel` null leaves the
 * cancel button out, `children` are further buttons after it.
 */
export function DirectoryFormEnd({
  editing,
  reason,
  onReasonChange,
  errors,
  save,
  otherError,
  onCancel,
  children,
}: {
  editing: boolean;
  reason: string;
  onReasonChange: (reason: string) => void;
  errors: ReturnType<typeof formErrors>;
  save: { isSuccess: boolean; isPending: boolean };
  otherError?: unknown;
  onCancel: (() => void) | null;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <>
      {editing ? (
        <TextInput
          label={t('directory.reason')}
          value={reason}
          onChange={(e) => onReasonChange(e.currentTarget.value)}
          error={errors.errorOf('reason')}
        />
      ) : null}
      {errors.unmatched ? <ErrorState error={errors.unmatched} /> : null}
      {otherError ? <ErrorState error={otherError} /> : null}
      {save.isSuccess ? (
        <Text size="sm" c="green.9" role="status">
          {editing ? t('directory.saved') : t('directory.created')}
        </Text>
      ) : null}
      <Group>
        <Button type="submit" loading={save.isPending}>
          {editing ? t('directory.save') : t('directory.create')}
        </Button>
        {onCancel ? (
          <Button variant="default" onClick={onCancel}>
            {t('directory.cancel')}
          </Button>
        ) : null}
        {children}
      </Group>
    </>
  );
}

/** The small "edit" button of a directory row, named after the entry it opens for screen readers. */
export function EditButton({ name, onClick }: { name: string; onClick: () => void }) {
  const { t } = useTranslation();
  return (
    <Button
      size="compact-sm"
      variant="default"
      onClick={onClick}
      aria-label={t('directory.editOf', { name })}
    >
      {t('directory.edit')}
    </Button>
  );
}
