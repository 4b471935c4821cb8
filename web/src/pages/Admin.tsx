import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Alert, Button, Card, Group, Stack, Text, TextInput, Timeline, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { ErrorState, Loading, PageTitle, StaffOnly } from '../components.tsx';
import { formatDateTime } from '../format.ts';

interface HistoryEvent {
  id?: number | string;
  eventId?: number | string;
  at?: string;
  time?: string;
  type?: string;
  title?: string;
  summary?: string;
  text?: string;
  detail?: unknown;
  actor?: string;
}

interface History {
  workflowId: string;
  status?: string;
  events?: HistoryEvent[];
  timeline?: HistoryEvent[];
}

function AuditCheck() {
  const { t } = useTranslation();
  const verify = useMutation({
    mutationFn: () =>
      api<{ ok: boolean; entries: number; brokenAt: string | null }>('/api/admin/audit/verify'),
  });
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="sm">
        {t('admin.audit')}
      </Title>
      <Stack>
        <Group>
          <Button onClick={() => verify.mutate()} loading={verify.isPending}>
            {t('admin.verify')}
          </Button>
        </Group>
        {verify.data ? (
          <Alert color={verify.data.ok ? 'green' : 'red'} role="status" data-testid="audit-result">
            {verify.data.ok
              ? t('admin.ok', { entries: verify.data.entries })
              : t('admin.broken', { entries: verify.data.entries, brokenAt: verify.data.brokenAt })}
          </Alert>
        ) : null}
        {verify.error ? <ErrorState error={verify.error} /> : null}
      </Stack>
    </Card>
  );
}

function WorkflowHistory() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const workflowId = params.get('workflowId') ?? '';
  const [draft, setDraft] = useState(workflowId);
  const history = useQuery({
    queryKey: ['history', workflowId],
    queryFn: () => api<History>(`/api/admin/workflows/${encodeURIComponent(workflowId)}/history`),
    enabled: !!workflowId,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft.trim()) setParams({ workflowId: draft.trim() });
  };
  const events = history.data?.events ?? history.data?.timeline ?? [];
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="sm">
        {t('admin.history')}
      </Title>
      <form onSubmit={submit}>
        <Group align="flex-end" mb="md">
          <TextInput
            label={t('admin.workflowId')}
            value={draft}
            onChange={(e) => setDraft(e.currentTarget.value)}
            w={280}
          />
          <Button type="submit">{t('admin.show')}</Button>
        </Group>
      </form>
      {history.error ? <ErrorState error={history.error} /> : null}
      {history.isLoading ? <Loading /> : null}
      {history.data ? (
        events.length === 0 ? (
          <Text>{t('admin.empty')}</Text>
        ) : (
          <Timeline active={events.length - 1} bulletSize={12} data-testid="workflow-history">
            {events.map((event, index) => (
              <Timeline.Item
                key={String(event.eventId ?? event.id ?? index)}
                title={event.title ?? event.summary ?? event.type}
              >
                <Text size="xs" c="dimmed">
                  {formatDateTime(event.at ?? event.time, i18n.language)}
                  {event.actor ? ` · ${event.actor}` : ''}
                  {event.type && (event.title ?? event.summary) ? ` · ${event.type}` : ''}
                </Text>
                {event.text ??
                  (event.detail ? (
                    <Text size="sm">
                      {typeof event.detail === 'string' ? event.detail : JSON.stringify(event.detail)}
                    </Text>
                  ) : null)}
              </Timeline.Item>
            ))}
          </Timeline>
        )
      ) : null}
    </Card>
  );
}

export default function Admin() {
  const { t } = useTranslation();
  return (
    <>
      <PageTitle>{t('admin.title')}</PageTitle>
      <StaffOnly>
        <Stack>
          <AuditCheck />
          <WorkflowHistory />
        </Stack>
      </StaffOnly>
    </>
  );
}
