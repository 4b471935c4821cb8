import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { Alert, Autocomplete, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { ErrorState, StaffPage } from '../components.tsx';
import { workflowHistoryPath } from '../admin-directory.ts';

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

/** Looks a workflow up by id and opens its timeline page; old `?workflowId=` links still land there. */
function WorkflowLookup() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const linked = params.get('workflowId');
  const [draft, setDraft] = useState('');
  const [typed] = useDebouncedValue(draft.trim(), 250);
  // Complaints by receipt number or a word of their text, tasks by id or title: nobody types a workflow id blind.
  const complaints = useQuery({
    queryKey: ['history-pick', 'complaints', typed],
    queryFn: () =>
      api<{ items: { receiptNo: string; title: string }[] }>(
        `/api/complaints?limit=10&q=${encodeURIComponent(typed)}`,
      ),
    enabled: typed.length >= 2,
  });
  const tasks = useQuery({
    queryKey: ['history-pick', 'tasks'],
    queryFn: () => api<{ items: { id: string; title: string }[] }>('/api/tasks'),
    enabled: typed.length >= 2,
    staleTime: 60_000,
  });
  const needle = typed.toLowerCase();
  const options = [
    ...(complaints.data?.items ?? []).map((c) => ({
      value: c.receiptNo,
      label: `${c.receiptNo} · ${c.title}`,
    })),
    ...(tasks.data?.items ?? [])
      .filter((task) => task.id.toLowerCase().includes(needle) || task.title.toLowerCase().includes(needle))
      .slice(0, 10)
      .map((task) => ({ value: task.id, label: `${task.id} · ${task.title}` })),
  ];
  if (linked) return <Navigate to={workflowHistoryPath(linked)} replace />;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft.trim()) void navigate(workflowHistoryPath(draft.trim()));
  };
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="xs">
        {t('directory.lookup.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('directory.lookup.hint')}
      </Text>
      <form onSubmit={submit} data-testid="workflow-lookup">
        <Group align="flex-end">
          <Autocomplete
            label={t('admin.workflowId')}
            description={t('casework.history.pickHint')}
            value={draft}
            onChange={setDraft}
            // The list shows "id · title"; choosing one keeps only the id.
            data={options.map((o) => o.label)}
            filter={({ options: shown }) => shown}
            onOptionSubmit={(label) => void navigate(workflowHistoryPath(label.split(' · ')[0]!))}
            w={420}
            maw="100%"
            data-testid="workflow-pick"
          />
          <Button type="submit">{t('admin.show')}</Button>
        </Group>
      </form>
    </Card>
  );
}

/** Links to the directory screens (organisation, users, categories). */
function DirectoryLinks() {
  const { t } = useTranslation();
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="sm">
        {t('directory.manage')}
      </Title>
      <Group gap="sm">
        <Button component={Link} to="/admin/organisation" variant="default">
          {t('directory.nav.organisation')}
        </Button>
        <Button component={Link} to="/admin/users" variant="default">
          {t('directory.nav.users')}
        </Button>
        <Button component={Link} to="/admin/categories" variant="default">
          {t('directory.nav.categories')}
        </Button>
      </Group>
    </Card>
  );
}

export default function Admin() {
  const { t } = useTranslation();
  return (
    <StaffPage title={t('admin.title')}>
      <Stack>
        <DirectoryLinks />
        <AuditCheck />
        <WorkflowLookup />
      </Stack>
    </StaffPage>
  );
}
