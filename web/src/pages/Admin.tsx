import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { Alert, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
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
          <TextInput
            label={t('admin.workflowId')}
            value={draft}
            onChange={(e) => setDraft(e.currentTarget.value)}
            w={280}
            maw="100%"
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
