import { ActionIcon, Button, Fieldset, Group, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { koreaDateInput, koreaEndOfWorkday } from './format.ts';

/** One row of a milestone plan as the form holds it; `completed` rows are kept as they are. */
export interface MilestoneRow {
  seq: number;
  title: string;
  due: string;
  weight: string;
  completed?: boolean;
}

/** The form keeps every field's value as a string; a plan travels as JSON. */
export const milestonesValue = (rows: MilestoneRow[]) => JSON.stringify(rows);

export function milestoneRows(value: string | undefined): MilestoneRow[] {
  try {
    const rows = JSON.parse(value || '[]') as unknown;
    return Array.isArray(rows) ? (rows as MilestoneRow[]) : [];
  } catch {
    return [];
  }
}

/** A task's milestones as rows to edit (for a change of plan). */
export const rowsOf = (
  milestones: { seq: number; title: string; dueAt: string; weight: number; completedAt: string | null }[],
): MilestoneRow[] =>
  milestones.map((m) => ({
    seq: m.seq,
    title: m.title,
    due: koreaDateInput(m.dueAt),
    weight: String(m.weight),
    completed: m.completedAt !== null,
  }));

/** The API's milestone list: due at 18:00 Korea time on the chosen date. */
export const milestonesBody = (value: string) =>
  milestoneRows(value).map((row) => ({
    seq: row.seq,
    title: row.title.trim(),
    dueAt: koreaEndOfWorkday(row.due),
    weight: Number(row.weight),
  }));

/** What the browser can tell before asking the server: every row filled in, weights adding up to 100. */
export function checkMilestoneRows(
  value: string,
  t: (key: string, options?: Record<string, unknown>) => string,
): string | undefined {
  const rows = milestoneRows(value);
  if (rows.length === 0) return t('file.required');
  const incomplete = rows.findIndex((row) => !row.title.trim() || !row.due || !(Number(row.weight) > 0));
  if (incomplete >= 0) return `${t('tasks.milestone.title', { n: incomplete + 1 })}: ${t('file.required')}`;
  const sum = rows.reduce((total, row) => total + Number(row.weight), 0);
  if (Math.abs(sum - 100) > 0.01) return t('tasks.milestone.weightSum', { sum });
  return undefined;
}

/**
 * The milestone list of a plan: title, due date and weight per row, each with its own label and with the
 * server's error for that row (`<name>.<index>.<field>`) next to it.
 */
export function MilestonesInput({
  id,
  name,
  label,
  value,
  onChange,
  errors,
  required,
}: {
  id: string;
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  errors: Record<string, string | undefined>;
  required?: boolean;
}) {
  const { t } = useTranslation();
  const rows = milestoneRows(value);
  const update = (index: number, patch: Partial<MilestoneRow>) =>
    onChange(milestonesValue(rows.map((row, i) => (i === index ? { ...row, ...patch } : row))));
  const add = () =>
    onChange(
      milestonesValue([
        ...rows,
        { seq: rows.reduce((max, row) => Math.max(max, row.seq), 0) + 1, title: '', due: '', weight: '' },
      ]),
    );
  const remove = (index: number) => onChange(milestonesValue(rows.filter((_, i) => i !== index)));
  const groupError = errors[name];
  return (
    <Fieldset legend={required ? `${label} *` : label} data-testid={`${id}-milestones`}>
      <Stack gap="xs">
        <Text size="sm" c="dimmed">
          {t('tasks.create.milestonesHint')}
        </Text>
        {rows.map((row, index) => {
          const n = index + 1;
          const error = (field: string) => errors[`${name}.${index}.${field}`];
          return (
            <Group key={row.seq} align="flex-start" gap="xs" wrap="wrap" data-testid="milestone-row">
              <TextInput
                label={t('tasks.milestone.title', { n })}
                value={row.title}
                disabled={row.completed}
                onChange={(e) => update(index, { title: e.currentTarget.value })}
                error={error('title')}
                style={{ flex: '2 1 220px' }}
              />
              <TextInput
                type="date"
                label={t('tasks.milestone.due', { n })}
                value={row.due}
                disabled={row.completed}
                onChange={(e) => update(index, { due: e.currentTarget.value })}
                error={error('dueAt')}
                style={{ flex: '1 1 150px' }}
              />
              <NumberInput
                label={t('tasks.milestone.weight', { n })}
                value={row.weight === '' ? '' : Number(row.weight)}
                min={1}
                max={100}
                disabled={row.completed}
                onChange={(weight) => update(index, { weight: weight === '' ? '' : String(weight) })}
                error={error('weight')}
                style={{ flex: '1 1 120px' }}
              />
              {row.completed || rows.length <= 1 ? null : (
                <ActionIcon
                  variant="default"
                  size="lg"
                  mt={24}
                  aria-label={t('tasks.milestone.remove', { n })}
                  onClick={() => remove(index)}
                >
                  ×
                </ActionIcon>
              )}
            </Group>
          );
        })}
        {groupError ? (
          <Text size="sm" c="red.8" role="alert">
            {groupError}
          </Text>
        ) : null}
        <Group>
          <Button variant="default" size="xs" onClick={add} disabled={rows.length >= 20}>
            {t('tasks.milestone.add')}
          </Button>
        </Group>
      </Stack>
    </Fieldset>
  );
}
