import { List, Select, Text } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api.ts';
import { currentKstYear, formatDateTime } from './format.ts';

/** The performance year a page shows: `?year=` when given (links and bookmarks keep it), else this year. */
export function useYearParam(): [number, (year: number) => void] {
  const [params, setParams] = useSearchParams();
  const fromUrl = Number(params.get('year'));
  const year = Number.isInteger(fromUrl) && fromUrl >= 2000 && fromUrl <= 2100 ? fromUrl : currentKstYear();
  const setYear = (next: number) =>
    setParams(
      (current) => {
        const copy = new URLSearchParams(current);
        copy.set('year', String(next));
        return copy;
      },
      { replace: true },
    );
  return [year, setYear];
}

export function YearSelect({ year, onChange }: { year: number; onChange: (year: number) => void }) {
  const { t } = useTranslation();
  const thisYear = currentKstYear();
  const years = [...new Set([thisYear - 1, thisYear, year])].sort((a, b) => a - b).map(String);
  return (
    <Select
      label={t('perfWork.year')}
      data={years}
      value={String(year)}
      onChange={(value) => value && onChange(Number(value))}
      allowDeselect={false}
      w={120}
      data-testid="year-select"
    />
  );
}

/** Who decided what and when on a piece of performance work, oldest first, with the opinion given. */
export function DecisionHistory({
  title,
  testId,
  decisions,
  actionLabel,
}: {
  title: string;
  testId?: string;
  decisions: { at: string; action: string; actor: string; opinion?: string | null }[];
  actionLabel: (action: string) => string;
}) {
  const { i18n } = useTranslation();
  return (
    <div>
      <Text fw={600} size="sm">
        {title}
      </Text>
      <List size="sm" data-testid={testId}>
        {decisions.map((d) => (
          <List.Item key={`${d.at}-${d.action}`}>
            {formatDateTime(d.at, i18n.language)} · {actionLabel(d.action)} · {d.actor}
            {d.opinion ? ` · “${d.opinion}”` : ''}
          </List.Item>
        ))}
      </List>
    </div>
  );
}

/**
 * A rule the server checks in its workflow (e.g. "a rejection needs an opinion") answers 422 without field
 * details; this pins such an answer to the field it is about, so the form shows it next to that field.
 */
export async function validationOn<T>(field: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ApiError && error.status === 422 && error.details.length === 0) {
      throw new ApiError(error.status, error.code, error.message, [
        { path: `/${field}`, message: error.message },
      ]);
    }
    throw error;
  }
}
