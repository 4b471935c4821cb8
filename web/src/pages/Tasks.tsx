import { Link, useSearchParams } from 'react-router';
import {
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Progress,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { ErrorState, LightBadge, Loading, ScrollTable, StaffPage } from '../components.tsx';
import { formatDateTime } from '../format.ts';
import { useMe } from '../session.ts';
import { FocusBadge, TASK_STAGES, TaskStageBadge, useStepLabel, type TaskListItem } from '../task-view.tsx';

type Scope = 'all' | 'mine' | 'pending';

function TaskTable({ items }: { items: TaskListItem[] }) {
  const { t, i18n } = useTranslation();
  const stepLabel = useStepLabel();
  return (
    <ScrollTable
      minWidth={880}
      highlightOnHover
      verticalSpacing="xs"
      testId="task-table"
      columns={[
        t('tasks.list.light'),
        t('tasks.list.id'),
        t('tasks.list.subject'),
        t('tasks.list.stage'),
        t('tasks.list.step'),
        t('tasks.list.due'),
        t('tasks.list.progress'),
        t('tasks.list.team'),
        t('tasks.list.owner'),
      ]}
    >
      {items.map((task) => (
        <Table.Tr key={task.id} data-testid="task-item" data-id={task.id} data-focus={task.focus}>
          <Table.Td>
            <LightBadge light={task.light} />
          </Table.Td>
          <Table.Td>
            <Anchor component={Link} to={`/tasks/${encodeURIComponent(task.id)}`}>
              {task.id}
            </Anchor>
          </Table.Td>
          <Table.Td>
            <Stack gap={2} align="flex-start">
              <Text size="sm">{task.title}</Text>
              {task.focus ? <FocusBadge /> : null}
            </Stack>
          </Table.Td>
          <Table.Td>
            <TaskStageBadge stage={task.stage} />
          </Table.Td>
          <Table.Td>
            <Text size="sm">{stepLabel(task.step)}</Text>
            {task.assigneeNo ? (
              <Text size="xs" c="dimmed">
                {task.assigneeNo}
              </Text>
            ) : null}
          </Table.Td>
          <Table.Td>
            <Text size="sm">{formatDateTime(task.dueAt, i18n.language)}</Text>
            {task.overdue ? (
              <Badge color="red.9" variant="filled">
                {t('tasks.list.overdue')}
              </Badge>
            ) : null}
          </Table.Td>
          <Table.Td miw={90}>
            <Text size="xs">{Math.round(task.progress)}%</Text>
            <Progress value={task.progress} size="sm" aria-label={`${t('tasks.list.progress')} ${task.id}`} />
          </Table.Td>
          <Table.Td>{task.team}</Table.Td>
          <Table.Td>{task.ownerNo}</Table.Td>
        </Table.Tr>
      ))}
    </ScrollTable>
  );
}

function TaskList() {
  const { t } = useTranslation();
  const { me } = useMe();
  const [params, setParams] = useSearchParams();
  const scope = (
    ['all', 'mine', 'pending'].includes(params.get('scope') ?? '') ? params.get('scope') : 'all'
  ) as Scope;
  const stage = params.get('stage');
  const team = params.get('team');
  const focusOnly = params.get('focus') === 'true';
  const setParam = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  const query = new URLSearchParams();
  if (scope === 'pending') query.set('pendingFor', 'me');
  else {
    if (stage) query.set('stage', stage);
    if (team) query.set('team', team);
    if (focusOnly) query.set('focus', 'true');
  }
  const tasks = useQuery({
    queryKey: ['tasks', query.toString()],
    queryFn: () => api<{ items: TaskListItem[] }>(`/api/tasks?${query.toString()}`),
    refetchInterval: (q) => (q.state.error ? false : 10_000),
  });
  // The unfiltered scope gives the team choices (a director sees the teams of their headquarters).
  const everything = useQuery({
    queryKey: ['tasks', ''],
    queryFn: () => api<{ items: TaskListItem[] }>('/api/tasks'),
  });
  const teams = [...new Set((everything.data?.items ?? []).map((task) => task.team))].sort();

  let items = tasks.data?.items ?? [];
  if (scope === 'mine' && me) items = items.filter((task) => task.ownerNo === me.employeeNo);
  if (scope === 'pending') {
    items = items.filter(
      (task) =>
        (!stage || task.stage === stage) && (!team || task.team === team) && (!focusOnly || task.focus),
    );
  }

  return (
    <Stack>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Group align="flex-end" wrap="wrap" gap="sm">
          <Stack gap={4}>
            <Text size="sm" fw={500} id="task-scope-label">
              {t('tasks.list.scope')}
            </Text>
            <SegmentedControl
              aria-labelledby="task-scope-label"
              value={scope}
              onChange={(value) => setParam('scope', value === 'all' ? null : value)}
              data={[
                { value: 'all', label: t('tasks.list.scopeAll') },
                { value: 'mine', label: t('tasks.list.scopeMine') },
                { value: 'pending', label: t('tasks.list.scopePending') },
              ]}
              data-testid="task-scope"
            />
          </Stack>
          <Select
            label={t('tasks.list.stage')}
            placeholder={t('tasks.list.anyStage')}
            data={TASK_STAGES.map((value) => ({ value, label: t(`tasks.stage.${value}`) }))}
            value={stage}
            onChange={(value) => setParam('stage', value)}
            clearable
            w={180}
            data-testid="task-stage-filter"
          />
          {teams.length > 1 ? (
            <Select
              label={t('tasks.list.team')}
              placeholder={t('tasks.list.anyTeam')}
              data={teams}
              value={team}
              onChange={(value) => setParam('team', value)}
              clearable
              w={140}
            />
          ) : null}
          <Checkbox
            label={t('tasks.list.focusOnly')}
            checked={focusOnly}
            onChange={(e) => setParam('focus', e.currentTarget.checked ? 'true' : null)}
            mb={8}
            data-testid="task-focus-filter"
          />
        </Group>
        <Button component={Link} to="/tasks/new">
          {t('tasks.list.create')}
        </Button>
      </Group>
      {tasks.error ? (
        <ErrorState error={tasks.error} />
      ) : tasks.isLoading ? (
        <Loading />
      ) : items.length === 0 ? (
        <Text>{t('tasks.list.empty')}</Text>
      ) : (
        <>
          <Text size="sm" c="dimmed" role="status">
            {t('tasks.list.count', { count: items.length })}
          </Text>
          <TaskTable items={items} />
        </>
      )}
    </Stack>
  );
}

export default function Tasks() {
  const { t } = useTranslation();
  return (
    <StaffPage title={t('tasks.list.title')} lead={t('tasks.list.lead')}>
      <TaskList />
    </StaffPage>
  );
}
