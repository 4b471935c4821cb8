import { useState } from 'react';
import { useParams } from 'react-router';
import { Card, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { ActionForm } from '../ActionForm.tsx';
import { ErrorState, LightBadge, Loading, PageTitle, StaffOnly, StageBadge } from '../components.tsx';
import { formatDateTime } from '../format.ts';

interface Decision {
  reviewer?: string;
  reviewerNo?: string;
  reviewerName?: string;
  step?: string;
  decision: string;
  opinion?: string | null;
  at: string;
}

interface TaskView {
  id: string;
  title: string;
  stage: string;
  light?: string;
  dueAt?: string | null;
  owner?: { employeeNo: string; name: string } | string | null;
  focus?: boolean;
  decisionTrail?: Decision[];
  reviews?: Decision[];
  actions?: string[];
}

function Task({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const task = useQuery({
    queryKey: ['task', id],
    queryFn: () => api<TaskView>(`/api/tasks/${encodeURIComponent(id)}`),
    refetchInterval: (query) => (query.state.error ? false : 5_000),
  });
  const [action, setAction] = useState<string | null>(null);
  if (task.error) return <ErrorState error={task.error} />;
  if (!task.data) return <Loading />;
  const trail = task.data.decisionTrail ?? task.data.reviews ?? [];
  const actions = task.data.actions ?? [];
  const current = action ?? actions[0] ?? null;
  return (
    <Stack>
      <Card withBorder>
        <Title order={2} size="h4">
          {task.data.id} · {task.data.title}
        </Title>
        <Text mt="xs">
          <StageBadge stage={task.data.stage} /> <LightBadge light={task.data.light} />{' '}
          {formatDateTime(task.data.dueAt, i18n.language)}
        </Text>
      </Card>
      {current ? (
        <Card withBorder>
          <Stack>
            <Select
              label={t('work.chooseAction')}
              data={actions}
              value={current}
              onChange={setAction}
              allowDeselect={false}
              maw={360}
            />
            <ActionForm
              key={current}
              id={`task-${current}`}
              fields={[
                ...(/review|approve/.test(current)
                  ? [
                      {
                        name: 'decision',
                        label: t('work.decision'),
                        kind: 'choice' as const,
                        options: [
                          { value: 'approve', label: t('work.approve') },
                          { value: 'return', label: t('work.return') },
                        ],
                      },
                    ]
                  : []),
                { name: 'opinion', label: t('work.opinion'), kind: 'textarea' as const },
              ]}
              submitLabel={current}
              submit={(body) =>
                api(`/api/tasks/${encodeURIComponent(id)}/actions/${encodeURIComponent(current)}`, { body })
              }
              onDone={() => void client.invalidateQueries({ queryKey: ['task', id] })}
            />
          </Stack>
        </Card>
      ) : null}
      <Card withBorder>
        <Title order={2} size="h5" mb="sm">
          {t('task.trail')}
        </Title>
        <Table.ScrollContainer minWidth={560}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('task.at')}</Table.Th>
                <Table.Th scope="col">{t('task.reviewer')}</Table.Th>
                <Table.Th scope="col">{t('task.decision')}</Table.Th>
                <Table.Th scope="col">{t('task.opinion')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {trail.map((d, index) => (
                <Table.Tr key={index}>
                  <Table.Td>{formatDateTime(d.at, i18n.language)}</Table.Td>
                  <Table.Td>{d.reviewerName ?? d.reviewer ?? d.reviewerNo}</Table.Td>
                  <Table.Td>
                    {d.step ? `${d.step}: ` : ''}
                    {d.decision}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{d.opinion}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
    </Stack>
  );
}

export default function TaskDetail() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  return (
    <>
      <PageTitle>{t('task.title')}</PageTitle>
      <StaffOnly>
        <Task id={id} />
      </StaffOnly>
    </>
  );
}
