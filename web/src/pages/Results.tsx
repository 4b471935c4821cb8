import { Fragment, useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.ts';
import { ErrorState, Loading, ScrollTable, StaffPage } from '../components.tsx';
import { formatDateTime, formatNumber } from '../format.ts';
import { useYearParam, YearSelect } from '../performance-work.tsx';
import type { PersonResultView, ResultsView, UnitResultView } from '../performance-types.ts';
import { MyDevelopmentPlan } from '../development.tsx';

/** One row of a results table: a unit's or a person's year-end result as the table shows it. */
interface ResultRow {
  id: string;
  name: string;
  /** A person's unit; units have none. */
  unitCode: string | null;
  performance: number | null;
  /** A person's capability result; units have none. */
  capability: number | null;
  final: number | null;
  grade: string | null;
  /** A unit with too little of its KPI weight measured: no score, no light. */
  insufficientData: boolean;
  measuredKpiShare: number | null;
  /** A person not ranked for lack of data (HR decides). */
  notRanked: boolean;
  /** "Why this grade" in words, per language; the score it explains is the final score. */
  explanation: { ko: string[]; en: string[] } | null;
  /** Set for people: their evidence can be opened. */
  employeeNo: string | null;
}

const unitRow = (unit: UnitResultView): ResultRow => ({
  id: unit.unitCode,
  name: unit.unitCode,
  unitCode: null,
  performance: unit.score,
  capability: null,
  final: unit.score,
  grade: null,
  insufficientData: unit.insufficientData,
  measuredKpiShare: unit.measuredKpiShare,
  notRanked: false,
  explanation: null,
  employeeNo: null,
});

const personRow = (person: PersonResultView): ResultRow => ({
  id: person.employeeNo,
  name: person.name,
  unitCode: person.unitCode,
  performance: person.performanceResult,
  capability: person.capabilityResult,
  final: person.finalScore,
  grade: person.grade,
  insufficientData: false,
  measuredKpiShare: null,
  notRanked: !person.dataSufficient,
  explanation: person.explanation,
  employeeNo: person.employeeNo,
});

interface Evidence {
  complaints: {
    receiptNo: string;
    slaMet: boolean;
    satisfaction: number | null;
    businessDaysTaken: number | null;
  }[];
  tasks: {
    taskId: string;
    goalAchievement: number | null;
    timeliness: number | null;
    quality: number | null;
  }[];
  innovations: { activityId: string; title: string; score: number | null }[];
  leaderEvaluations: { evaluatorNo: string; score: number; previousScore: number | null; at: string }[];
  capability: { score: number | null; rule: string; raterCount: number } | null;
}

function explain(row: ResultRow, lang: string): string[] {
  if (!row.explanation) return [];
  return lang === 'en' ? row.explanation.en : row.explanation.ko;
}

/** The complaints, tasks and innovation items that moved each part of one person's result. */
function EvidencePanel({ year, employeeNo }: { year: number; employeeNo: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const evidence = useQuery({
    queryKey: ['evidence', year, employeeNo],
    queryFn: () => api<Evidence>(`/api/performance/${year}/results/${employeeNo}/evidence`),
  });
  if (evidence.isLoading) return <Loading />;
  if (evidence.error) return <ErrorState error={evidence.error} />;
  const data = evidence.data;
  if (!data) return null;
  const empty = <Text size="sm">{t('fairPay.noEvidence')}</Text>;
  return (
    <Stack gap={4} data-testid={`evidence-${employeeNo}`}>
      <Text fw={600} size="sm">
        {t('fairPay.evidence')}
      </Text>
      <Text size="sm" fw={500}>
        {t('fairPay.complaints')}
      </Text>
      {data.complaints.length
        ? data.complaints.map((c) => (
            <Text key={c.receiptNo} size="sm">
              <Anchor component={Link} to={`/complaints/${c.receiptNo}`}>
                {c.receiptNo}
              </Anchor>{' '}
              {c.slaMet ? t('fairPay.slaMet') : t('fairPay.slaMissed')}
              {c.satisfaction !== null ? ` · ${formatNumber(c.satisfaction, lang)}/5` : ''}
            </Text>
          ))
        : empty}
      <Text size="sm" fw={500}>
        {t('fairPay.tasks')}
      </Text>
      {data.tasks.length
        ? data.tasks.map((task) => (
            <Text key={task.taskId} size="sm">
              <Anchor component={Link} to={`/tasks/${task.taskId}`}>
                {task.taskId}
              </Anchor>{' '}
              {[task.goalAchievement, task.timeliness, task.quality]
                .map((v) => formatNumber(v, lang))
                .join(' / ')}
            </Text>
          ))
        : empty}
      <Text size="sm" fw={500}>
        {t('fairPay.innovations')}
      </Text>
      {data.innovations.length
        ? data.innovations.map((item) => (
            <Text key={item.activityId} size="sm">
              {item.activityId} {item.title} · {formatNumber(item.score, lang)}
            </Text>
          ))
        : empty}
      <Text size="sm" fw={500}>
        {t('fairPay.leaderEvaluations')}
      </Text>
      {data.leaderEvaluations.length
        ? data.leaderEvaluations.map((e) => (
            <Text key={e.at} size="sm">
              {formatDateTime(e.at, lang)} {e.evaluatorNo}: {formatNumber(e.previousScore, lang)} →{' '}
              {formatNumber(e.score, lang)}
            </Text>
          ))
        : empty}
      <Text size="sm" fw={500}>
        {t('fairPay.capability')}
      </Text>
      {data.capability ? (
        <Text size="sm">
          {formatNumber(data.capability.score, lang, 2)} ·{' '}
          {t('fairPay.raters', { count: data.capability.raterCount })}
        </Text>
      ) : (
        empty
      )}
    </Stack>
  );
}

function ResultTable({ rows, kind, year }: { rows: ResultRow[]; kind: 'person' | 'unit'; year: number }) {
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
      {rows.map((row) => {
        const id = row.id;
        const reasons = explain(row, lang);
        return (
          <Fragment key={id}>
            <Table.Tr>
              <Table.Td>{row.name}</Table.Td>
              {kind === 'person' ? <Table.Td>{row.unitCode}</Table.Td> : null}
              <Table.Td>{formatNumber(row.performance, lang)}</Table.Td>
              {kind === 'person' ? <Table.Td>{formatNumber(row.capability, lang)}</Table.Td> : null}
              <Table.Td>
                {row.insufficientData ? (
                  <Badge
                    color="gray.7"
                    variant="outline"
                    title={t('fairPay.insufficientDataHint', {
                      share: formatNumber(row.measuredKpiShare ?? 0, lang),
                    })}
                  >
                    {t('fairPay.insufficientData')}
                  </Badge>
                ) : (
                  formatNumber(row.final, lang, 2)
                )}
              </Table.Td>
              <Table.Td>
                {row.grade ? <Badge color="indigo.8">{row.grade}</Badge> : null}
                {row.notRanked ? (
                  <Badge color="gray.7" variant="outline">
                    {t('fairPay.notRanked')}
                  </Badge>
                ) : null}
                {!row.grade && !row.notRanked ? '—' : null}
              </Table.Td>
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
                  <Stack gap={2} data-testid={`why-${id}`}>
                    {reasons.map((r) => (
                      <Text key={r} size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                        {r}
                      </Text>
                    ))}
                    {row.employeeNo ? <EvidencePanel year={year} employeeNo={row.employeeNo} /> : null}
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
    queryFn: () => api<ResultsView>(`/api/performance/${year}/results`),
  });
  const notFinal =
    results.error instanceof ApiError &&
    !results.error.routeMissing &&
    [404, 409].includes(results.error.status);
  const units = results.data?.units.map(unitRow) ?? [];
  const people = results.data?.people.map(personRow) ?? [];
  return (
    <Stack>
      <Group>
        <YearSelect year={year} onChange={setYear} />
        {results.data ? (
          <Badge variant="outline" color="gray.8" mt="lg">
            {results.data.stage}
          </Badge>
        ) : null}
      </Group>
      {notFinal ? (
        <Alert color="gray">{t('results.notFinal')}</Alert>
      ) : results.error ? (
        <ErrorState error={results.error} />
      ) : null}
      {results.isLoading ? <Loading /> : null}
      {units.length ? <ResultTable rows={units} kind="unit" year={year} /> : null}
      {people.length ? <ResultTable rows={people} kind="person" year={year} /> : null}
      <MyDevelopmentPlan year={year} />
      {results.data?.adjustments.length ? (
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
