import { Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from './api.ts';
import { ActionForm } from './ActionForm.tsx';
import { ErrorState, Loading, ScrollTable } from './components.tsx';
import { formatDateTime, formatNumber } from './format.ts';

export const CUSTOMER_KINDS = ['MINISTRY_OFFICIAL', 'EXPERT', 'CITIZEN'] as const;

interface CustomersView {
  taskId: string;
  publishedAt: string | null;
  satisfaction: number | null;
  customers: {
    id: number;
    name: string;
    organisation: string;
    email: string;
    kind: string;
    origin: string;
    rating: { score: number; comment: string | null; ratedAt: string } | null;
  }[];
  questions: {
    id: number;
    customerName: string;
    organisation: string;
    question: string;
    askedAt: string;
    answer: string | null;
    answeredAt: string | null;
  }[];
}

/** The fields a customer gives about themselves (named by the owner or asking to follow). */
export function useCustomerFields() {
  const { t } = useTranslation();
  return [
    { name: 'name', label: t('customers.fields.name'), kind: 'text' as const, required: true },
    {
      name: 'organisation',
      label: t('customers.fields.organisation'),
      kind: 'text' as const,
      required: true,
    },
    { name: 'email', label: t('customers.fields.email'), kind: 'text' as const, required: true },
    {
      name: 'kind',
      label: t('customers.fields.kind'),
      kind: 'choice' as const,
      options: CUSTOMER_KINDS.map((kind) => ({ value: kind, label: t(`customers.kind.${kind}`) })),
    },
  ];
}

/** The task page's customers section: who follows the task, their questions and ratings (issue 20). */
export function TaskCustomers({ taskId, isOwner }: { taskId: string; isOwner: boolean }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const fields = useCustomerFields();
  const key = ['task-customers', taskId];
  const view = useQuery({
    queryKey: key,
    queryFn: () => api<CustomersView>(`/api/tasks/${encodeURIComponent(taskId)}/customers`),
    refetchInterval: (query) => (query.state.error ? false : 5_000),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: key });
  if (view.error) return <ErrorState error={view.error} />;
  if (!view.data) return <Loading />;
  const data = view.data;
  const base = `/api/tasks/${encodeURIComponent(taskId)}`;
  return (
    <Card withBorder data-testid="task-customers">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h3">
            {t('customers.panel.title')}
          </Title>
          <Badge color={data.publishedAt ? 'teal' : 'gray'} data-testid="task-published">
            {data.publishedAt ? t('customers.panel.published') : t('customers.panel.unpublished')}
          </Badge>
        </Group>
        <Text size="sm">{t('customers.panel.lead')}</Text>
        {data.satisfaction !== null ? (
          <Text fw={600} data-testid="task-customer-satisfaction">
            {t('customers.panel.satisfaction', { value: formatNumber(data.satisfaction, i18n.language, 2) })}
          </Text>
        ) : null}
        {isOwner ? (
          <Group>
            <Button
              variant="default"
              onClick={() =>
                void api(`${base}/publication`, { body: { published: !data.publishedAt } }).then(refresh)
              }
            >
              {data.publishedAt ? t('customers.panel.unpublish') : t('customers.panel.publish')}
            </Button>
          </Group>
        ) : null}
        {data.customers.length === 0 ? (
          <Text size="sm">{t('customers.panel.empty')}</Text>
        ) : (
          <ScrollTable
            minWidth={640}
            columns={[
              t('customers.fields.name'),
              t('customers.fields.organisation'),
              t('customers.fields.kind'),
              t('customers.panel.rating'),
              ...(isOwner ? [''] : []),
            ]}
          >
            {data.customers.map((c) => (
              <Table.Tr key={c.id} data-testid="task-customer">
                <Table.Td>{c.name}</Table.Td>
                <Table.Td>{c.organisation}</Table.Td>
                <Table.Td>
                  {t(`customers.kind.${c.kind}`)} · {t(`customers.origin.${c.origin}`)}
                </Table.Td>
                <Table.Td>
                  {c.rating
                    ? `${c.rating.score} / 5${c.rating.comment ? ` — ${c.rating.comment}` : ''}`
                    : t('customers.panel.notRated')}
                </Table.Td>
                {isOwner ? (
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      onClick={() => {
                        if (!window.confirm(t('customers.panel.removeConfirm', { name: c.name }))) return;
                        void api(`${base}/customers/${c.id}`, { method: 'DELETE' }).then(refresh);
                      }}
                    >
                      {t('customers.panel.remove')}
                    </Button>
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </ScrollTable>
        )}
        {isOwner ? (
          <Card withBorder>
            <Title order={3} size="h4" mb="xs">
              {t('customers.panel.addTitle')}
            </Title>
            <ActionForm
              id="task-customer-add"
              fields={fields}
              submitLabel={t('customers.panel.add')}
              submit={(body) => api(`${base}/customers`, { body })}
              onDone={() => void refresh()}
            />
          </Card>
        ) : null}
        <Title order={3} size="h4">
          {t('customers.panel.questions')}
        </Title>
        {data.questions.length === 0 ? (
          <Text size="sm">{t('customers.panel.noQuestions')}</Text>
        ) : (
          data.questions.map((q) => (
            <Card withBorder key={q.id} data-testid="task-customer-question">
              <Text size="sm" c="dimmed">
                {q.customerName} ({q.organisation}) · {formatDateTime(q.askedAt, i18n.language)}
              </Text>
              <Text>{q.question}</Text>
              {q.answer ? (
                <Text mt="xs">
                  <Badge mr="xs">{t('customers.panel.answered')}</Badge>
                  {q.answer}
                </Text>
              ) : isOwner ? (
                <ActionForm
                  id={`task-customer-answer-${q.id}`}
                  fields={[
                    { name: 'answer', label: t('customers.fields.answer'), kind: 'textarea', required: true },
                  ]}
                  submitLabel={t('customers.panel.answerTitle', { name: q.customerName })}
                  submit={(body) => api(`${base}/customer-questions/${q.id}/answer`, { body })}
                  onDone={() => void refresh()}
                />
              ) : null}
            </Card>
          ))
        )}
      </Stack>
    </Card>
  );
}
