import { Fragment, useState } from 'react';
import { Alert, Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.ts';
import { ErrorState, Loading, ScrollTable, StaffPage } from '../components.tsx';
import { formatNumber, localName } from '../format.ts';
import { useYearParam, YearSelect } from '../performance-work.tsx';
import type { ScoreAdjustment } from '../performance-types.ts';
import { MyDevelopmentPlan } from '../development.tsx';

interface ResultRow {
  employeeNo?: string;
  unitCode?: string;
  code?: string;
  name?: string;
  nameEn?: string;
  unit?: string;
  grade?: string | null;
  finalScore?: number | null;
  performanceScore?: number | null;
  capabilityScore?: number | null;
  performanceResult?: number | null;
  capabilityResult?: number | null;
  light?: string | null;
  score?: number | null;
  why?: unknown;
  explanation?: unknown;
  reasons?: unknown;
}

interface Results {
  year: number;
  status?: string;
  stage?: string;
  finalisedAt?: string | null;
  adjustments?: ScoreAdjustment[];
  units?: ResultRow[];
  individuals?: ResultRow[];
  people?: ResultRow[];
  items?: ResultRow[];
}

function explain(row: ResultRow): string[] {
  const why = row.why ?? row.explanation ?? row.reasons;
  if (!why) return [];
  if (typeof why === 'string') return [why];
  if (Array.isArray(why)) return why.map((w) => (typeof w === 'string' ? w : JSON.stringify(w)));
  return Object.entries(why as Record<string, unknown>).map(
    ([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
  );
}

function ResultTable({ rows, kind }: { rows: ResultRow[]; kind: 'person' | 'unit' }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [open, setOpen] = useState<string | null>(null);
  return (
    <ScrollTable
      minWidth={720}
      testId={`results-${kind}`}
      columns={[
        kind === 'person' ? t('results.person') : t('results.unit'),
        kind === 'person' ? t('results.unit') : null,
        t('results.performance'),
        kind === 'person' ? t('results.capability') : null,
        t('results.final'),
        t('results.grade'),
        t('results.why'),
      ]}
    >
      {rows.map((row, index) => {
        const id = row.employeeNo ?? row.unitCode ?? row.code ?? String(index);
        const reasons = explain(row);
        return (
          <Fragment key={id}>
            <Table.Tr>
              <Table.Td>{localName(row, lang) || id}</Table.Td>
              {kind === 'person' ? <Table.Td>{row.unit ?? row.unitCode}</Table.Td> : null}
              <Table.Td>
                {formatNumber(row.performanceScore ?? row.performanceResult ?? row.score, lang)}
              </Table.Td>
              {kind === 'person' ? (
                <Table.Td>{formatNumber(row.capabilityScore ?? row.capabilityResult, lang)}</Table.Td>
              ) : null}
              <Table.Td>{formatNumber(row.finalScore ?? row.score, lang)}</Table.Td>
              <Table.Td>{row.grade ? <Badge color="indigo.8">{row.grade}</Badge> : '—'}</Table.Td>
              <Table.Td>
                {reasons.length ? (
                  <Button
                    size="compact-xs"
                    variant="default"
                    aria-expanded={open === id}
                    onClick={() => setOpen(open === id ? null : id)}
                  >
                    {t('results.why')}
                  </Button>
                ) : null}
              </Table.Td>
            </Table.Tr>
            {open === id ? (
              <Table.Tr>
                <Table.Td colSpan={7}>
                  <Stack gap={2}>
                    {reasons.map((r) => (
                      <Text key={r} size="sm">
                        {r}
                      </Text>
                    ))}
                  </Stack>
                </Table.Td>
              </Table.Tr>
            ) : null}
          </Fragment>
        );
      })}
    </ScrollTable>
  );
}

function ResultsContent() {
  const { t, i18n } = useTranslation();
  const [year, setYear] = useYearParam();
  const results = useQuery({
    queryKey: ['results', year],
    queryFn: () => api<Results>(`/api/performance/${year}/results`),
  });
  const notFinal =
    results.error instanceof ApiError &&
    !results.error.routeMissing &&
    [404, 409].includes(results.error.status);
  const people = results.data?.individuals ?? results.data?.people ?? results.data?.items ?? [];
  return (
    <Stack>
      <Group>
        <YearSelect year={year} onChange={setYear} />
        {(results.data?.status ?? results.data?.stage) ? (
          <Badge variant="outline" color="gray.8" mt="lg">
            {results.data?.status ?? results.data?.stage}
          </Badge>
        ) : null}
      </Group>
      {notFinal ? (
        <Alert color="gray">{t('results.notFinal')}</Alert>
      ) : results.error ? (
        <ErrorState error={results.error} />
      ) : null}
      {results.isLoading ? <Loading /> : null}
      {results.data?.units?.length ? <ResultTable rows={results.data.units} kind="unit" /> : null}
      {people.length ? <ResultTable rows={people} kind="person" /> : null}
      <MyDevelopmentPlan year={year} />
      {results.data?.adjustments?.length ? (
        <ScrollTable
          minWidth={600}
          testId="adjustments"
          caption={t('results.adjustments')}
          columns={[
            t('results.person'),
            t('results.before'),
            t('results.after'),
            t('work.reason'),
            t('task.reviewer'),
          ]}
        >
          {results.data.adjustments.map((a) => (
            <Table.Tr key={`${a.employeeNo}-${a.at}`}>
              <Table.Td>{a.employeeNo}</Table.Td>
              <Table.Td>{formatNumber(a.before, i18n.language)}</Table.Td>
              <Table.Td>{formatNumber(a.after, i18n.language)}</Table.Td>
              <Table.Td>{a.reason}</Table.Td>
              <Table.Td>{a.actor}</Table.Td>
            </Table.Tr>
          ))}
        </ScrollTable>
      ) : null}
    </Stack>
  );
}

export default function Results() {
  const { t } = useTranslation();
  return (
    <StaffPage title={t('results.title')}>
      <ResultsContent />
    </StaffPage>
  );
}
