import { useState } from 'react';
import { Link } from 'react-router';
import { Anchor, Badge, Button, Group, Modal, Table, Text, VisuallyHidden } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { ActionForm } from '../ActionForm.tsx';
import { ErrorState, Loading, ScrollTable, StaffPage } from '../components.tsx';
import { formatDateTime } from '../format.ts';
import { useMe } from '../session.ts';
import { FocusBadge, WorkStageBadge, type TaskListItem } from '../task-view.tsx';
import { itemLink } from './Inbox.tsx';
import type { StuckReason } from '../../../domain/readable.ts';

interface StuckItem {
  kind: 'complaint' | 'task';
  id: string;
  title: string;
  team: string;
  stage: string;
  dueAt: string | null;
  /** Tasks: the server says whether the stage lets a director designate it for focus management. */
  focusDesignable?: boolean;
  reason: string;
  reasons?: StuckReason[];
}

/** The server's reason codes in the page's language, times in Korea time, stages by name. */
function reasonText(
  item: StuckItem,
  t: (key: string, options?: Record<string, unknown>) => string,
  lang: string,
): string {
  if (!item.reasons?.length) return item.reason;
  return item.reasons
    .map((reason) => {
      const text = t(`stuckReason.${reason.code}`, {
        since: formatDateTime(reason.since, lang),
        stage: reason.stage
          ? item.kind === 'task'
            ? t(`tasks.stage.${reason.stage}`, { defaultValue: reason.stage })
            : t(`stage.${reason.stage}`, { defaultValue: reason.stage })
          : '',
        days: reason.days,
        milestone: reason.milestone,
        reviewer: reason.reviewer,
        kpiName: (lang === 'en' ? reason.kpiNameEn : reason.kpiName) ?? reason.kpi,
      });
      return reason.escalationLevel ? `${text}, ${t(`stuckReason.level${reason.escalationLevel}`)}` : text;
    })
    .join('; ');
}

/** A director's (or the head's) quick action: put a lagging task under focus management, with a reason. */
function DesignateFocus({ item, onClose }: { item: StuckItem; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  return (
    <Modal opened onClose={onClose} title={t('tasks.stuck.designateTitle', { id: item.id })} size="lg">
      <Text size="sm" mb="sm">
        {item.title}
      </Text>
      <ActionForm
        id={`focus-${item.id}`}
        fields={[{ name: 'reason', label: t('tasks.field.focusReason'), kind: 'textarea', required: true }]}
        submitLabel={t('tasks.stuck.designate')}
        submit={(body) => api(`/api/tasks/${encodeURIComponent(item.id)}/actions/designate-focus`, { body })}
        onDone={() => {
          void client.invalidateQueries({ queryKey: ['tasks'] });
          void client.invalidateQueries({ queryKey: ['task', item.id] });
          onClose();
        }}
      />
    </Modal>
  );
}

function StuckList() {
  const { t, i18n } = useTranslation();
  const { me } = useMe();
  const managesFocus = me?.role === 'DIRECTOR' || me?.role === 'HEAD';
  const [designating, setDesignating] = useState<StuckItem | null>(null);
  const stuck = useQuery({
    queryKey: ['stuck'],
    queryFn: () => api<{ items: StuckItem[] }>('/api/manager/stuck'),
    refetchInterval: (query) => (query.state.error ? false : 5_000),
  });
  const focused = useQuery({
    queryKey: ['tasks', 'focus=true'],
    queryFn: () => api<{ items: TaskListItem[] }>('/api/tasks?focus=true'),
    enabled: managesFocus,
    refetchInterval: (query) => (query.state.error ? false : 5_000),
  });
  const focusIds = new Set((focused.data?.items ?? []).map((task) => task.id));
  if (stuck.error) return <ErrorState error={stuck.error} />;
  if (stuck.isLoading) return <Loading />;
  const items = stuck.data?.items ?? [];
  if (items.length === 0) return <Text>{t('stuck.empty')}</Text>;
  const now = Date.now();
  return (
    <>
      <ScrollTable
        minWidth={760}
        highlightOnHover
        testId="stuck-table"
        columns={[
          t('inbox.kind'),
          t('inbox.id'),
          t('inbox.subject'),
          t('stuck.team'),
          t('inbox.step'),
          t('inbox.due'),
          t('stuck.reason'),
          <VisuallyHidden>{t('stuck.reassign')}</VisuallyHidden>,
        ]}
      >
        {items.map((item) => {
          const overdue = item.dueAt !== null && new Date(item.dueAt).getTime() < now;
          return (
            <Table.Tr key={`${item.kind}:${item.id}`} data-testid="stuck-item" data-id={item.id}>
              <Table.Td>{t(`inbox.${item.kind}`)}</Table.Td>
              <Table.Td>
                <Anchor component={Link} to={itemLink(item)}>
                  {item.id}
                </Anchor>
              </Table.Td>
              <Table.Td>{item.title}</Table.Td>
              <Table.Td>{item.team}</Table.Td>
              <Table.Td>
                <WorkStageBadge kind={item.kind} stage={item.stage} />
              </Table.Td>
              <Table.Td>
                {formatDateTime(item.dueAt, i18n.language)}{' '}
                {overdue ? (
                  <Badge color="red.9" variant="filled">
                    {t('stuck.overdue')}
                  </Badge>
                ) : null}
              </Table.Td>
              <Table.Td data-testid="stuck-reason">{reasonText(item, t, i18n.language)}</Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <Button component={Link} to={itemLink(item)} size="compact-sm" variant="default">
                    {item.kind === 'complaint' ? t('stuck.reassign') : t('common.open')}
                  </Button>
                  {item.kind === 'task' && focusIds.has(item.id) ? <FocusBadge /> : null}
                  {item.kind === 'task' &&
                  managesFocus &&
                  focused.isSuccess &&
                  !focusIds.has(item.id) &&
                  item.focusDesignable ? (
                    <Button size="compact-sm" color="#b3400d" onClick={() => setDesignating(item)}>
                      {t('tasks.stuck.designate')}
                    </Button>
                  ) : null}
                </Group>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </ScrollTable>
      {designating ? <DesignateFocus item={designating} onClose={() => setDesignating(null)} /> : null}
    </>
  );
}

export default function Stuck() {
  const { t } = useTranslation();
  return (
    <StaffPage title={t('stuck.title')} lead={t('stuck.lead')}>
      <StuckList />
    </StaffPage>
  );
}
