import { Fragment, useState } from 'react';
import { Link } from 'react-router';
import { Alert, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.ts';
import { ActionForm } from '../ActionForm.tsx';
import { ErrorState, Loading, ScrollTable, StaffPage } from '../components.tsx';
import { formatDateTime, formatNumber } from '../format.ts';
import type { ResultsView, YearStatusView } from '../performance-types.ts';
import { DecisionHistory, useYearParam, validationOn, YearSelect } from '../performance-work.tsx';
import { useMe } from '../session.ts';

/** Stages after aggregation: the proposed results exist and can be read by HR, the head and admins. */
const REVIEWABLE = ['HR_REVIEW', 'HEAD_APPROVAL', 'FINALISING', 'FINALISED'];
const BUSY = ['AGGREGATING', 'FINALISING'];

const stageColor: Record<string, string> = {
  OPEN: 'gray.7',
  AGGREGATING: 'blue.8',
  HR_REVIEW: 'violet.8',
  HEAD_APPROVAL: 'indigo.8',
  FINALISING: 'teal.9',
  FINALISED: '#1f7a35',
};

function useYearStatus(year: number) {
  return useQuery({
    queryKey: ['year-end', year, 'status'],
    queryFn: async () => {
      try {
        return await api<YearStatusView>(`/api/performance/${year}/year-end`);
      } catch (error) {
        // Nothing recorded for the year yet: it is open and nobody has started its year end.
        if (error instanceof ApiError && error.status === 404 && !error.routeMissing) return null;
        throw error;
      }
    },
    refetchInterval: (query) => (BUSY.includes(query.state.data?.stage ?? '') ? 2_000 : 10_000),
  });
}

function StatusCard({ year, status }: { year: number; status: YearStatusView | null }) {
  const { t } = useTranslation();
  const stage = status?.stage ?? 'OPEN';
  const lastRejection = [...(status?.decisions ?? [])].reverse().find((d) => d.action === 'rejected');
  const rejectionOpinion = stage === 'HR_REVIEW' ? (lastRejection?.opinion ?? status?.headOpinion) : null;
  return (
    <Card withBorder data-testid="year-end-status" data-stage={stage}>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('yearEnd.status')} · {year}
        </Title>
        <Group gap="xs">
          <Text fw={600}>{t('yearEnd.stageLabel')}:</Text>
          <Badge color={stageColor[stage] ?? 'gray.7'} variant="filled" data-testid="year-stage">
            {t(`yearEnd.stage.${stage}`, { defaultValue: stage })}
          </Badge>
        </Group>
        <Text>
          <Text span fw={600}>
            {t('yearEnd.nextLabel')}:
          </Text>{' '}
          {t(`yearEnd.next.${stage}`, { defaultValue: '' })}
        </Text>
        {status === null ? <Text c="dimmed">{t('yearEnd.notStarted')}</Text> : null}
        {rejectionOpinion ? (
          <Alert color="orange" title={t('yearEnd.rejectedTitle')} data-testid="head-opinion">
            {rejectionOpinion}
          </Alert>
        ) : null}
        {status?.decisions.length ? (
          <DecisionHistory
            title={t('yearEnd.decisions')}
            testId="year-decisions"
            decisions={status.decisions}
            actionLabel={(action) => t(`yearEnd.action.${action}`, action)}
          />
        ) : null}
      </Stack>
    </Card>
  );
}

function ReviewTable({
  year,
  review,
  canAdjust,
  onChanged,
}: {
  year: number;
  review: ResultsView;
  canAdjust: boolean;
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [open, setOpen] = useState<string | null>(null);
  const columns = canAdjust ? 11 : 10;
  return (
    <ScrollTable
      minWidth={960}
      testId="year-end-review"
      caption={t('yearEnd.review')}
      columns={[
        t('yearEnd.name'),
        t('yearEnd.unit'),
        t('yearEnd.payGrade'),
        t('yearEnd.performance'),
        t('yearEnd.capability'),
        t('yearEnd.computed'),
        t('yearEnd.final'),
        t('yearEnd.rank'),
        t('yearEnd.grade'),
        t('yearEnd.payout'),
        canAdjust ? t('yearEnd.adjust') : null,
      ]}
    >
      {review.people.map((person) => (
        <Fragment key={person.employeeNo}>
          <Table.Tr data-testid={`person-${person.employeeNo}`}>
            <Table.Td>
              {person.name} ({person.employeeNo})
              {person.promotionCandidate ? (
                <Badge ml={4} size="xs" variant="outline" color="indigo.8">
                  {t('yearEnd.promotion')}
                </Badge>
              ) : null}
            </Table.Td>
            <Table.Td>{person.unitCode}</Table.Td>
            <Table.Td>{person.payGrade}</Table.Td>
            <Table.Td>{formatNumber(person.performanceResult, lang)}</Table.Td>
            <Table.Td>{formatNumber(person.capabilityResult, lang)}</Table.Td>
            <Table.Td>{formatNumber(person.computedFinalScore, lang, 2)}</Table.Td>
            <Table.Td data-testid="final-score">
              {formatNumber(person.finalScore, lang, 2)}
              {person.adjusted ? (
                <Badge ml={4} size="xs" color="#b3400d">
                  {t('yearEnd.adjustedMark')}
                </Badge>
              ) : null}
            </Table.Td>
            <Table.Td>{person.rank ? `${person.rank}/${person.groupSize ?? '—'}` : '—'}</Table.Td>
            <Table.Td data-testid="grade">
              {person.grade ? <Badge color="indigo.8">{person.grade}</Badge> : '—'}
            </Table.Td>
            <Table.Td>
              {person.payout === null
                ? '—'
                : t('yearEnd.won', { amount: formatNumber(person.payout, lang, 0) })}
            </Table.Td>
            {canAdjust ? (
              <Table.Td>
                {person.dataSufficient ? (
                  <Button
                    size="compact-xs"
                    variant="default"
                    aria-expanded={open === person.employeeNo}
                    aria-label={t('yearEnd.adjustFor', { name: person.name })}
                    onClick={() => setOpen(open === person.employeeNo ? null : person.employeeNo)}
                  >
                    {t('yearEnd.adjust')}
                  </Button>
                ) : (
                  t('fairPay.notRanked')
                )}
              </Table.Td>
            ) : null}
          </Table.Tr>
          {canAdjust && open === person.employeeNo ? (
            <Table.Tr>
              <Table.Td colSpan={columns}>
                <Stack gap="xs" maw={520}>
                  <Title order={3} size="h6">
                    {t('yearEnd.adjustFor', { name: `${person.name} (${person.employeeNo})` })}
                  </Title>
                  <ActionForm
                    id={`adjust-${person.employeeNo}`}
                    fields={[
                      {
                        name: 'finalScore',
                        label: t('yearEnd.newScore'),
                        kind: 'number',
                        min: 0,
                        max: 120,
                        required: true,
                      },
                      { name: 'reason', label: t('yearEnd.reason'), kind: 'textarea', required: true },
                    ]}
                    submitLabel={t('yearEnd.saveAdjustment')}
                    toBody={(values) => ({
                      employeeNo: person.employeeNo,
                      finalScore: Number(values.finalScore),
                      reason: (values.reason ?? '').trim(),
                    })}
                    submit={(body) =>
                      validationOn('reason', api(`/api/performance/${year}/year-end/adjustments`, { body }))
                    }
                    onDone={() => {
                      setOpen(null);
                      onChanged();
                    }}
                  />
                </Stack>
              </Table.Td>
            </Table.Tr>
          ) : null}
        </Fragment>
      ))}
    </ScrollTable>
  );
}

/**
 * People below the data minimum: not ranked in the distribution. HR decides a grade (paid at its rate) or
 * no bonus for each, with a reason that is audited.
 */
function NoDataList({
  year,
  review,
  canDecide,
  onChanged,
}: {
  year: number;
  review: ResultsView;
  canDecide: boolean;
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const people = review.people.filter((p) => !p.dataSufficient);
  if (people.length === 0) return null;
  return (
    <Card withBorder data-testid="no-data-list">
      <Title order={2} size="h4" mb="xs">
        {t('fairPay.noData.title')} ({people.length})
      </Title>
      <Text size="sm" mb="sm">
        {t('fairPay.noData.lead')}
      </Text>
      <Stack gap="sm">
        {people.map((person) => (
          <Stack key={person.employeeNo} gap={4} data-testid={`no-data-${person.employeeNo}`}>
            <Text size="sm">
              {person.name} ({person.employeeNo}) · {person.unitCode} · {t('fairPay.noData.measured')}{' '}
              {formatNumber(person.measuredShare ?? 0, lang)}% ·{' '}
              {person.dataDecision
                ? `${t('fairPay.noData.decided')}: ${
                    person.dataDecision === 'NO_BONUS' ? t('fairPay.noData.noBonus') : person.grade
                  } (${person.dataDecisionBy}: ${person.dataDecisionReason})`
                : t('fairPay.noData.pending')}
            </Text>
            {canDecide ? (
              <ActionForm
                id={`no-data-${person.employeeNo}`}
                fields={[
                  {
                    name: 'choice',
                    label: t('fairPay.noData.decision'),
                    kind: 'choice',
                    required: true,
                    options: [
                      ...['S', 'A', 'B', 'C'].map((g) => ({
                        value: g,
                        label: `${t('fairPay.noData.grade')} ${g}`,
                      })),
                      { value: 'NO_BONUS', label: t('fairPay.noData.noBonus') },
                    ],
                    initial: 'B',
                  },
                  { name: 'reason', label: t('fairPay.noData.reason'), kind: 'textarea', required: true },
                ]}
                submitLabel={t('fairPay.noData.decide')}
                toBody={(values) => ({
                  employeeNo: person.employeeNo,
                  decision: values.choice === 'NO_BONUS' ? 'NO_BONUS' : 'GRADE',
                  ...(values.choice === 'NO_BONUS' ? {} : { grade: values.choice }),
                  reason: (values.reason ?? '').trim(),
                })}
                submit={(body) =>
                  validationOn('reason', api(`/api/performance/${year}/year-end/no-data-decisions`, { body }))
                }
                onDone={onChanged}
              />
            ) : null}
          </Stack>
        ))}
      </Stack>
    </Card>
  );
}

function AdjustmentList({ review }: { review: ResultsView }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const nameOf = new Map(review.people.map((p) => [p.employeeNo, p.name]));
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        {t('yearEnd.adjustments')}
      </Title>
      {review.adjustments.length === 0 ? (
        <Text c="dimmed">{t('yearEnd.noAdjustments')}</Text>
      ) : (
        <ScrollTable
          minWidth={640}
          testId="year-end-adjustments"
          columns={[
            t('yearEnd.name'),
            t('yearEnd.before'),
            t('yearEnd.after'),
            t('yearEnd.reasonColumn'),
            t('perfWork.by'),
            t('perfWork.at'),
          ]}
        >
          {review.adjustments.map((a) => (
            <Table.Tr key={`${a.employeeNo}-${a.at}`}>
              <Table.Td>
                {nameOf.get(a.employeeNo) ?? a.employeeNo} ({a.employeeNo})
              </Table.Td>
              <Table.Td>{formatNumber(a.before, lang)}</Table.Td>
              <Table.Td>{formatNumber(a.after, lang)}</Table.Td>
              <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{a.reason}</Table.Td>
              <Table.Td>{a.actor}</Table.Td>
              <Table.Td>{formatDateTime(a.at, lang)}</Table.Td>
            </Table.Tr>
          ))}
        </ScrollTable>
      )}
    </Stack>
  );
}

function HeadSummary({ review }: { review: ResultsView }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const graded = review.people.filter((p) => p.grade);
  const byGrade = ['S', 'A', 'B', 'C'].map((grade) => ({
    grade,
    count: graded.filter((p) => p.grade === grade).length,
  }));
  const total = review.people.reduce((sum, p) => sum + (p.payout ?? 0), 0);
  return (
    <Card withBorder data-testid="head-summary">
      <Title order={2} size="h4" mb="xs">
        {t('yearEnd.summary')}
      </Title>
      <SimpleGrid cols={{ base: 1, xs: 3 }}>
        <Text>
          {t('yearEnd.people')}: <strong>{review.people.length}</strong>
        </Text>
        <Text>
          {t('yearEnd.totalPayout')}:{' '}
          <strong>{t('yearEnd.won', { amount: formatNumber(total, lang, 0) })}</strong>
        </Text>
        <Text>
          {t('yearEnd.adjustments')}: <strong>{review.adjustments.length}</strong>
        </Text>
      </SimpleGrid>
      <Group gap="xs" mt="xs">
        {byGrade.map(({ grade, count }) => (
          <Badge key={grade} variant="outline" color="indigo.8">
            {t('yearEnd.gradeCount', { grade, count })}
          </Badge>
        ))}
      </Group>
    </Card>
  );
}

function YearEndContent() {
  const { t } = useTranslation();
  const { me } = useMe();
  const client = useQueryClient();
  const [year, setYear] = useYearParam();
  const status = useYearStatus(year);
  const stage = status.data?.stage ?? 'OPEN';
  const isHr = me?.role === 'HR' || me?.role === 'ADMIN';
  const isHead = me?.role === 'HEAD';
  const mayReview = isHr || isHead;
  const review = useQuery({
    queryKey: ['year-end', year, 'review'],
    queryFn: () => api<ResultsView>(`/api/performance/${year}/year-end/review`),
    enabled: mayReview && REVIEWABLE.includes(stage),
  });
  const refresh = () => void client.invalidateQueries({ queryKey: ['year-end', year] });

  return (
    <Stack>
      <YearSelect year={year} onChange={setYear} />
      {status.isLoading ? <Loading /> : null}
      {status.error ? <ErrorState error={status.error} /> : null}
      {status.data !== undefined ? <StatusCard year={year} status={status.data} /> : null}

      {isHr && stage === 'OPEN' && status.data !== undefined ? (
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">
            {t('yearEnd.trigger')}
          </Title>
          <Text size="sm" c="dimmed" mb="xs">
            {t('yearEnd.triggering')}
          </Text>
          <ActionForm
            id="year-end-trigger"
            fields={[{ name: 'reason', label: t('yearEnd.triggerReason'), kind: 'text' }]}
            submitLabel={t('yearEnd.trigger')}
            submit={(body) => api(`/api/performance/${year}/year-end`, { body })}
            onDone={refresh}
          />
        </Card>
      ) : null}

      {stage === 'FINALISED' ? (
        <Alert color="green.9" title={t('yearEnd.stage.FINALISED')} data-testid="year-locked">
          <Stack gap="xs" align="flex-start">
            <Text>{t('yearEnd.locked')}</Text>
            <Button component={Link} to={`/performance/results?year=${year}`}>
              {t('yearEnd.toResults')}
            </Button>
          </Stack>
        </Alert>
      ) : null}

      {!mayReview && REVIEWABLE.includes(stage) ? <Text c="dimmed">{t('yearEnd.reviewOnly')}</Text> : null}
      {review.isLoading ? <Loading /> : null}
      {review.error ? <ErrorState error={review.error} /> : null}
      {review.data ? (
        <>
          {isHead && stage === 'HEAD_APPROVAL' ? <HeadSummary review={review.data} /> : null}
          {isHead && stage === 'HEAD_APPROVAL' ? (
            <Card withBorder>
              <Title order={2} size="h4" mb="xs">
                {t('yearEnd.decision')}
              </Title>
              <ActionForm
                id="year-end-decision"
                fields={[
                  {
                    name: 'decision',
                    label: t('yearEnd.decision'),
                    kind: 'choice',
                    required: true,
                    options: [
                      { value: 'approve', label: t('yearEnd.approve') },
                      { value: 'reject', label: t('yearEnd.reject') },
                    ],
                  },
                  { name: 'opinion', label: t('yearEnd.headOpinion'), kind: 'textarea' },
                ]}
                submitLabel={t('yearEnd.decide')}
                submit={(body) =>
                  validationOn('opinion', api(`/api/performance/${year}/year-end/decision`, { body }))
                }
                onDone={refresh}
              />
            </Card>
          ) : null}
          <ReviewTable
            year={year}
            review={review.data}
            canAdjust={isHr && stage === 'HR_REVIEW'}
            onChanged={refresh}
          />
          <NoDataList
            year={year}
            review={review.data}
            canDecide={isHr && stage === 'HR_REVIEW'}
            onChanged={refresh}
          />
          <AdjustmentList review={review.data} />
          {isHr && stage === 'HR_REVIEW' ? (
            <Card withBorder>
              <Title order={2} size="h4" mb="xs">
                {t('yearEnd.submit')}
              </Title>
              <ActionForm
                id="year-end-submit"
                fields={[{ name: 'note', label: t('yearEnd.submitNote'), kind: 'textarea' }]}
                submitLabel={t('yearEnd.submit')}
                submit={(body) => api(`/api/performance/${year}/year-end/submit`, { body })}
                onDone={refresh}
              />
            </Card>
          ) : null}
        </>
      ) : null}
    </Stack>
  );
}

export default function YearEnd() {
  const { t } = useTranslation();
  return (
    <StaffPage title={t('yearEnd.title')} lead={t('yearEnd.lead')}>
      <YearEndContent />
    </StaffPage>
  );
}
