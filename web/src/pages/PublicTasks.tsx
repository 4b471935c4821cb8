import { useState } from 'react';
import { Alert, Card, Progress, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { ActionForm } from '../ActionForm.tsx';
import { ErrorState, Loading, PageTitle } from '../components.tsx';
import { localName } from '../format.ts';
import { useCustomerFields } from '../task-customers.tsx';

interface PublicTask {
  id: string;
  title: string;
  purpose: string;
  team: { name: string; nameEn: string };
  stage: string;
  progress: number;
}

/** Published policy tasks: anyone may ask to follow one and gets a one-time link by mail. */
export default function PublicTasks() {
  const { t, i18n } = useTranslation();
  const fields = useCustomerFields();
  const [mailed, setMailed] = useState<string | null>(null);
  const tasks = useQuery({
    queryKey: ['public-tasks'],
    queryFn: () => api<{ items: PublicTask[] }>('/api/public/tasks'),
  });
  return (
    <>
      <PageTitle lead={t('customers.public.lead')}>{t('customers.public.title')}</PageTitle>
      {tasks.error ? <ErrorState error={tasks.error} /> : null}
      {!tasks.data ? (
        <Loading />
      ) : tasks.data.items.length === 0 ? (
        <Text>{t('customers.public.empty')}</Text>
      ) : (
        <Stack>
          {tasks.data.items.map((task) => (
            <Card withBorder key={task.id} data-testid="public-task" data-id={task.id}>
              <Stack gap="xs">
                <Title order={2} size="h3">
                  {task.title}
                </Title>
                <Text size="sm" c="dimmed">
                  {task.id} · {t('customers.public.team')}: {localName(task.team, i18n.language)} ·{' '}
                  {t(`tasks.stage.${task.stage}`)}
                </Text>
                <Text>{task.purpose}</Text>
                <Progress
                  value={task.progress}
                  aria-label={t('customers.public.progress', { value: task.progress })}
                />
                {mailed === task.id ? (
                  <Alert color="teal" role="status" data-testid="follow-mailed">
                    {t('customers.public.mailed')}
                  </Alert>
                ) : (
                  <ActionForm
                    id={`follow-${task.id}`}
                    fields={fields}
                    submitLabel={t('customers.public.follow')}
                    submit={(body) =>
                      api(`/api/public/tasks/${encodeURIComponent(task.id)}/follow`, { body })
                    }
                    onDone={() => setMailed(task.id)}
                  />
                )}
              </Stack>
            </Card>
          ))}
        </Stack>
      )}
    </>
  );
}
