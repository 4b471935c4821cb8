import { Link } from 'react-router';
import { Anchor, Badge, Group, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { ErrorState, LightBadge, Loading, ScrollTable, StaffPage } from '../components.tsx';
import { formatDateTime } from '../format.ts';
import { useStepLabel, WorkStageBadge } from '../task-view.tsx';

export interface InboxItem {
  kind: 'complaint' | 'task';
  id: string;
  title: string;
  step: string;
  stage: string;
  dueAt: string | null;
  light: 'GREEN' | 'YELLOW' | 'RED';
  actions: string[];
}

export function useInbox() {
  return useQuery({
    queryKey: ['inbox'],
    queryFn: () => api<{ items: InboxItem[] }>('/api/inbox'),
    refetchInterval: (query) => (query.state.error ? false : 5_000),
    select: (data) => [...data.items].sort((a, b) => (a.dueAt ?? '9999').localeCompare(b.dueAt ?? '9999')),
  });
}

export const itemLink = (item: Pick<InboxItem, 'kind' | 'id'>) =>
  item.kind === 'task'
    ? `/tasks/${encodeURIComponent(item.id)}`
    : `/complaints/${encodeURIComponent(item.id)}`;

export function InboxTable({ items }: { items: InboxItem[] }) {
  const { t, i18n } = useTranslation();
  const taskStep = useStepLabel();
  const stepLabel = (item: InboxItem) =>
    item.kind === 'task'
      ? taskStep(item.step)
      : t(`inbox.stepName.${item.step}`, { defaultValue: item.step });
  // A task's only action is its pending step itself; a complaint's are the work forms of its step.
  const actionLabel = (item: InboxItem, action: string) =>
    item.kind === 'task' ? taskStep(action) : t(`work.${action}`, { defaultValue: action });
  return (
    <ScrollTable
      minWidth={720}
      highlightOnHover
      verticalSpacing="xs"
      testId="inbox-table"
      columns={[
        t('inbox.light'),
        t('inbox.kind'),
        t('inbox.id'),
        t('inbox.subject'),
        t('inbox.step'),
        t('inbox.due'),
        t('inbox.actions'),
      ]}
    >
      {items.map((item) => (
        <Table.Tr key={`${item.kind}:${item.id}:${item.step}`} data-testid="inbox-item" data-id={item.id}>
          <Table.Td>
            <LightBadge light={item.light} />
          </Table.Td>
          <Table.Td>{t(`inbox.${item.kind}`)}</Table.Td>
          <Table.Td>
            <Anchor component={Link} to={itemLink(item)}>
              {item.id}
            </Anchor>
          </Table.Td>
          <Table.Td>{item.title}</Table.Td>
          <Table.Td>
            <WorkStageBadge kind={item.kind} stage={item.stage} />{' '}
            <Text span size="sm">
              {stepLabel(item)}
            </Text>
          </Table.Td>
          <Table.Td>{formatDateTime(item.dueAt, i18n.language)}</Table.Td>
          <Table.Td>
            <Group gap={4}>
              {item.actions.map((action) => (
                <Badge key={action} variant="outline" color="gray.8" tt="none">
                  {actionLabel(item, action)}
                </Badge>
              ))}
            </Group>
          </Table.Td>
        </Table.Tr>
      ))}
    </ScrollTable>
  );
}

function InboxContent() {
  const { t } = useTranslation();
  const inbox = useInbox();
  if (inbox.error) return <ErrorState error={inbox.error} />;
  if (inbox.isLoading) return <Loading />;
  const items = inbox.data ?? [];
  return items.length === 0 ? <Text>{t('inbox.empty')}</Text> : <InboxTable items={items} />;
}

export default function Inbox() {
  const { t } = useTranslation();
  return (
    <StaffPage title={t('inbox.title')} lead={t('inbox.lead')}>
      <InboxContent />
    </StaffPage>
  );
}
