import { useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Group,
  NumberInput,
  Radio,
  Rating,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, fieldErrors } from './api.ts';
import { ErrorState } from './components.tsx';

export interface FieldSpec {
  name: string;
  label: string;
  kind: 'text' | 'textarea' | 'number' | 'choice' | 'rating';
  options?: { value: string; label: string }[];
  required?: boolean;
  min?: number;
  max?: number;
}

type Value = string | number | boolean;

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
}: {
  id: string;
  fields: FieldSpec[];
  submitLabel: string;
  submit: (body: Record<string, Value>) => Promise<unknown>;
  onDone?: (result: unknown) => void;
  toBody?: (values: Record<string, string>) => Record<string, Value>;
}) {
  const { t } = useTranslation();
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(fields.map((f) => [f.name, f.kind === 'choice' ? (f.options?.[0]?.value ?? '') : ''])),
  );
  const [missing, setMissing] = useState<Record<string, string>>({});
  const mutation = useMutation({
    mutationFn: () => {
      const body: Record<string, Value> = toBody
        ? toBody(values)
        : Object.fromEntries(
            fields
              .filter((f) => values[f.name] !== '' || f.required)
              .map((f) => [
                f.name,
                f.kind === 'number' || f.kind === 'rating'
                  ? Number(values[f.name])
                  : (values[f.name] ?? '').trim(),
              ]),
          );
      return submit(body);
    },
    onSuccess: (result) => {
      setValues(
        Object.fromEntries(
          fields.map((f) => [f.name, f.kind === 'choice' ? (f.options?.[0]?.value ?? '') : '']),
        ),
      );
      onDone?.(result);
    },
  });
  const serverErrors = fieldErrors(mutation.error);
  const errorOf = (name: string) => missing[name] ?? serverErrors[name];
  const set = (name: string, value: string) => setValues((v) => ({ ...v, [name]: value }));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const empty: Record<string, string> = {};
    for (const field of fields)
      if (field.required && !String(values[field.name] ?? '').trim()) empty[field.name] = t('file.required');
    setMissing(empty);
    if (Object.keys(empty).length === 0) mutation.mutate();
  };

  const error = mutation.error;
  const unmatchedServerError =
    error && Object.keys(serverErrors).filter((k) => fields.some((f) => f.name === k)).length === 0;
  return (
    <form onSubmit={onSubmit} noValidate data-testid={`action-${id}`}>
      <Stack gap="sm">
        {fields.map((field) => {
          const common = { label: field.label, required: field.required, error: errorOf(field.name) };
          switch (field.kind) {
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
        {error && unmatchedServerError ? (
          error instanceof ApiError && error.status === 409 ? (
            <Alert color="orange" role="alert" title={t('work.wrongStage')}>
              {error.message}
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
