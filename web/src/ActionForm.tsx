import { useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Group,
  NumberInput,
  Radio,
  Rating,
  Select,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, fieldErrors } from './api.ts';
import { ErrorState } from './components.tsx';
import { errorText, fieldIssueText } from './error-text.ts';
import { koreaEndOfWorkday } from './format.ts';
import { MilestonesInput, milestonesBody } from './MilestonesInput.tsx';
import { FilePicker, attachmentProblem } from './Attachments.tsx';
import type { FieldSpec } from './field-spec.ts';

export type { FieldSpec } from './field-spec.ts';

type Value = unknown;

const initialValue = (f: FieldSpec) =>
  f.initial ?? (f.kind === 'choice' ? (f.options?.[0]?.value ?? '') : f.kind === 'milestones' ? '[]' : '');

function fieldValue(f: FieldSpec, value: string): Value {
  switch (f.kind) {
    case 'number':
    case 'rating':
      return Number(value);
    case 'date':
      return koreaEndOfWorkday(value);
    case 'milestones':
      return milestonesBody(value);
    default:
      return value.trim();
  }
}

/**
 * One form per action: posts its values and shows the server's validation errors next to their fields.
 * A 404 from the router means the action is not deployed yet; a 409 means the stage does not allow it.
 */
export function ActionForm({
  id,
  fields,
  submitLabel,
  submit,
  onDone,
  toBody,
  withFiles = false,
}: {
  id: string;
  fields: FieldSpec[];
  submitLabel: string;
  /** `files` are the attachments chosen when the form offers them (`withFiles`). */
  submit: (body: Record<string, Value>, files: File[]) => Promise<unknown>;
  onDone?: (result: unknown) => void;
  toBody?: (values: Record<string, string>) => Record<string, Value>;
  withFiles?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const [files, setFiles] = useState<File[]>([]);
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(fields.map((f) => [f.name, initialValue(f)])),
  );
  const [missing, setMissing] = useState<Record<string, string>>({});
  // Fields changed since the last attempt: their old errors no longer describe what is typed.
  const [edited, setEdited] = useState<ReadonlySet<string>>(new Set());
  const mutation = useMutation({
    mutationFn: () => {
      const body: Record<string, Value> = toBody
        ? toBody(values)
        : Object.fromEntries(
            fields
              .filter((f) => values[f.name] !== '' || f.required)
              .map((f) => [f.name, fieldValue(f, values[f.name] ?? '')]),
          );
      return submit(body, files);
    },
    onSuccess: (result) => {
      setValues(Object.fromEntries(fields.map((f) => [f.name, initialValue(f)])));
      setFiles([]);
      onDone?.(result);
    },
  });
  const serverErrors = fieldErrors(mutation.error, fieldIssueText);
  const shownErrors = Object.fromEntries(
    Object.entries({ ...serverErrors, ...missing }).filter(([key]) => !edited.has(key.split('.')[0] ?? key)),
  );
  const errorOf = (name: string) => shownErrors[name];
  const set = (name: string, value: string) => {
    setValues((v) => ({ ...v, [name]: value }));
    setEdited((names) => (names.has(name) ? names : new Set([...names, name])));
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const empty: Record<string, string> = {};
    for (const field of fields) {
      const value = String(values[field.name] ?? '');
      const problem =
        field.required && !value.trim() ? t('file.required') : value ? field.validate?.(value) : undefined;
      if (problem) empty[field.name] = problem;
    }
    setMissing(empty);
    setEdited(new Set());
    if (Object.keys(empty).length === 0 && !attachmentProblem(files, t, i18n.language)) mutation.mutate();
  };

  const error = mutation.error;
  const unmatchedServerError =
    error &&
    Object.keys(serverErrors).filter(
      (k) => (withFiles && k === 'files') || fields.some((f) => k === f.name || k.startsWith(`${f.name}.`)),
    ).length === 0;
  return (
    <form onSubmit={onSubmit} noValidate data-testid={`action-${id}`}>
      <Stack gap="sm">
        {fields.map((field) => {
          const common = { label: field.label, required: field.required, error: errorOf(field.name) };
          switch (field.kind) {
            case 'milestones':
              return (
                <MilestonesInput
                  key={field.name}
                  id={id}
                  name={field.name}
                  label={field.label}
                  required={field.required}
                  value={values[field.name] ?? '[]'}
                  onChange={(value) => set(field.name, value)}
                  errors={shownErrors}
                />
              );
            case 'date':
              return (
                <TextInput
                  key={field.name}
                  {...common}
                  type="date"
                  value={values[field.name]}
                  onChange={(e) => set(field.name, e.currentTarget.value)}
                />
              );
            case 'textarea':
              return (
                <Textarea
                  key={field.name}
                  {...common}
                  autosize
                  minRows={3}
                  value={values[field.name]}
                  onChange={(e) => set(field.name, e.currentTarget.value)}
                />
              );
            case 'number':
              return (
                <NumberInput
                  key={field.name}
                  {...common}
                  min={field.min}
                  max={field.max}
                  value={values[field.name] === '' ? '' : Number(values[field.name])}
                  onChange={(value) => set(field.name, value === '' ? '' : String(value))}
                />
              );
            case 'choice':
              return (
                <Radio.Group
                  key={field.name}
                  {...common}
                  value={values[field.name]}
                  onChange={(value) => set(field.name, value)}
                >
                  <Group mt={4}>
                    {field.options?.map((o) => (
                      <Radio key={o.value} value={o.value} label={o.label} />
                    ))}
                  </Group>
                </Radio.Group>
              );
            case 'pick':
              return (
                <Select
                  key={field.name}
                  {...common}
                  searchable
                  data={field.options ?? []}
                  value={values[field.name] || null}
                  onChange={(value) => set(field.name, value ?? '')}
                  nothingFoundMessage="—"
                  maw={480}
                  data-testid={`pick-${field.name}`}
                />
              );
            case 'rating':
              return (
                <Stack key={field.name} gap={4}>
                  <Text size="sm" fw={500} id={`${id}-${field.name}-label`}>
                    {field.label}
                  </Text>
                  <Rating
                    size="lg"
                    value={Number(values[field.name] || 0)}
                    onChange={(value) => set(field.name, String(value))}
                    getSymbolLabel={(value) => `${value} / 5`}
                    role="radiogroup"
                    aria-labelledby={`${id}-${field.name}-label`}
                  />
                  {errorOf(field.name) ? (
                    <Text size="sm" c="red.8" role="alert">
                      {errorOf(field.name)}
                    </Text>
                  ) : null}
                </Stack>
              );
            default:
              return (
                <TextInput
                  key={field.name}
                  {...common}
                  value={values[field.name]}
                  onChange={(e) => set(field.name, e.currentTarget.value)}
                />
              );
          }
        })}
        {withFiles ? (
          <FilePicker
            files={files}
            onChange={(chosen) => {
              setFiles(chosen);
              setEdited((names) => new Set([...names, 'files']));
            }}
            error={errorOf('files')}
          />
        ) : null}
        {error && unmatchedServerError ? (
          error instanceof ApiError && error.status === 409 ? (
            <Alert color="orange" role="alert" title={t('work.wrongStage')}>
              {errorText(error)}
            </Alert>
          ) : (
            <ErrorState error={error} />
          )
        ) : null}
        {mutation.isSuccess ? (
          <Text size="sm" c="green.9" role="status">
            {t('common.saved')}
          </Text>
        ) : null}
        <Group>
          <Button type="submit" loading={mutation.isPending}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
