import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Alert, Badge, Card, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.ts';
import { ActionForm } from '../ActionForm.tsx';
import { ErrorState, Loading, PageTitle, ScrollTable } from '../components.tsx';
import { formatDateTime, localName } from '../format.ts';

interface CustomerTaskView {
  customer: { name: string; organisation: string; kind: string };
  task: {
    id: string;
    title: string;
    purpose: string;
    team: { name: string; nameEn: string };
    stage: string;
    progress: number;
    doneAt: string | null;
    completionSummary: string | null;
  };
  milestones: { seq: number; title: string; dueAt: string; completedAt: string | null }[];
  reports: { at: string; kind: string; text: string; progress: number | null }[];
  questions: {
    id: number;
    question: string;
    askedAt: string;
    answer: string | null;
    answeredAt: string | null;
  }[];
  rating: { score: number; ratedAt: string } | null;
}

/**
 * The customer's view of a policy task. The mailed link carries a one-time token: it is exchanged for a
 * customer session at once and dropped from the address bar, so a reload or a shared screen cannot reuse it.
 */
export default function CustomerTask() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const token = params.get('token');
  const [signIn, setSignIn] = useState<{ pending: boolean; error: unknown }>({
    pending: !!token,
    error: null,
  });
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!token) return;
    api<{ taskId: string }>('/api/customer/session', { body: { token } })
      .then(() => setSignIn({ pending: false, error: null }))
      .catch((error: unknown) => setSignIn({ pending: false, error }))
      .finally(() => {
        setParams({}, { replace: true });
        void queryClient.invalidateQueries({ queryKey: ['customer-task'] });
      });
  }, [token, setParams, queryClient]);
  return (
    <>
      <PageTitle lead={t('customers.view.lead')}>{t('customers.view.title')}</PageTitle>
      {signIn.error && !(signIn.error instanceof ApiError && signIn.error.status === 403) ? (
        <ErrorState error={signIn.error} />
      ) : null}
      {signIn.pending ? <Text>{t('customers.view.signingIn')}</Text> : <View />}
    </>
  );
}

function View() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const view = useQuery({
    queryKey: ['customer-task'],
    queryFn: () => api<CustomerTaskView>('/api/customer/task'),
    retry: false,
    refetchInterval: (query) => (query.state.error ? false : 5_000),
  });
  if (view.error instanceof ApiError && view.error.status === 403) {
    return (
      <Alert color="orange" role="alert" data-testid="customer-signed-out">
        {t('customers.view.signedOut')}
      </Alert>
    );
  }
  if (view.error) return <ErrorState error={view.error} />;
  if (!view.data) return <Loading />;
  const { customer, task, milestones, reports, questions, rating } = view.data;
  const lang = i18n.language;
  return (
    <Stack data-testid="customer-task" data-stage={task.stage}>
      <Text c="dimmed">{t('customers.view.welcome', customer)}</Text>
      <Card withBorder>
        <Title order={2} size="h3">
          {task.title}
        </Title>
        <Text size="sm" c="dimmed">
          {task.id}
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 3 }} mt="sm">
          <Text>
            {t('customers.view.stage')}: <Badge>{t(`tasks.stage.${task.stage}`)}</Badge>
          </Text>
          <Text>
            {t('customers.view.team')}: {localName(task.team, lang)}
          </Text>
          <Stack gap={2}>
            <Text>
              {t('customers.view.progress')}: {task.progress}%
            </Text>
            <Progress value={task.progress} aria-label={t('customers.view.progress')} />
          </Stack>
        </SimpleGrid>
        <Text mt="sm">
          {t('customers.view.purpose')}: {task.purpose}
        </Text>
        {task.completionSummary ? (
          <Text mt="sm" data-testid="customer-completion">
            {t('customers.view.completion')}: {task.completionSummary}
          </Text>
        ) : null}
        {rating ? <Text mt="sm">{t('customers.view.rated', { score: rating.score })}</Text> : null}
      </Card>
      <Card withBorder>
        <Title order={2} size="h4" mb="xs">
          {t('customers.view.milestones')}
        </Title>
        <ScrollTable
          minWidth={480}
          columns={[t('customers.view.milestone'), t('customers.view.due'), t('customers.view.completed')]}
        >
          {milestones.map((m) => (
            <Table.Tr key={m.seq} data-testid="customer-milestone">
              <Table.Td>
                {m.seq}. {m.title}
              </Table.Td>
              <Table.Td>{formatDateTime(m.dueAt, lang)}</Table.Td>
              <Table.Td>
                {m.completedAt ? formatDateTime(m.completedAt, lang) : t('customers.view.notYet')}
              </Table.Td>
            </Table.Tr>
          ))}
        </ScrollTable>
      </Card>
      <Card withBorder>
        <Title order={2} size="h4" mb="xs">
          {t('customers.view.reports')}
        </Title>
        {reports.length === 0 ? (
          <Text size="sm">{t('customers.view.noReports')}</Text>
        ) : (
          reports.map((r) => (
            <Text key={r.at} data-testid="customer-report">
              <Badge variant="light" mr="xs">
                {t(`customers.view.reportKind.${r.kind}`)}
              </Badge>
              {formatDateTime(r.at, lang)} — {r.text}
            </Text>
          ))
        )}
      </Card>
      <Card withBorder>
        <Title order={2} size="h4" mb="xs">
          {t('customers.view.questions')}
        </Title>
        {questions.length === 0 ? <Text size="sm">{t('customers.view.noQuestions')}</Text> : null}
        {questions.map((q) => (
          <Stack key={q.id} gap={2} mb="sm" data-testid="customer-question">
            <Text size="sm" c="dimmed">
              {formatDateTime(q.askedAt, lang)}
            </Text>
            <Text>{q.question}</Text>
            <Text data-testid="customer-answer" fw={q.answer ? 600 : undefined}>
              {q.answer ?? t('customers.view.waiting')}
            </Text>
          </Stack>
        ))}
        <ActionForm
          id="customer-question"
          fields={[
            { name: 'question', label: t('customers.fields.question'), kind: 'textarea', required: true },
          ]}
          submitLabel={t('customers.view.ask')}
          submit={(body) => api('/api/customer/questions', { body })}
          onDone={() => void queryClient.invalidateQueries({ queryKey: ['customer-task'] })}
        />
      </Card>
    </Stack>
  );
}
