import { useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import {
  Alert,
  Anchor,
  Badge,
  Card,
  Group,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api } from '../api.ts';
import { ActionForm, type FieldSpec } from '../ActionForm.tsx';
import { ErrorState, LightBadge, Loading, ScrollTable, StaffPage } from '../components.tsx';
import { formatDateTime, formatNumber, localName } from '../format.ts';
import { checkMilestoneRows, milestonesValue, rowsOf } from '../MilestonesInput.tsx';
import { useMe, type Me } from '../session.ts';
import { WorkflowHistoryLink } from '../WorkflowHistoryLink.tsx';
import { TaskCustomers } from '../task-customers.tsx';
import { FocusBadge, TaskStageBadge, useStepLabel, type TaskView } from '../task-view.tsx';

/** The forms of the task page; `final-approve` approves or returns a completed task. */
type TaskActionName =
  | 'submit'
  | 'review'
  | 'final-approve'
  | 'report-progress'
  | 'complete-milestone'
  | 'change-plan'
  | 'designate-focus'
  | 'release-focus'
  | 'submit-completion'
  | 'quality-review';

const running = (stage: string) => stage === 'execution' || stage === 'change_review';

/**
 * What the signed-in person may do now, from the task's stage, owner and pending step; mirrors the rules of
 * checkTaskAction in domain/policy-task.ts. The workflow's validator has the last word and its refusal is
 * shown on the form.
 */
function allowedActions(task: TaskView, me: Me): TaskActionName[] {
  const actions: TaskActionName[] = [];
  const owner = task.owner.employeeNo === me.employeeNo;
  const pendingMine = task.pendingStep?.assigneeNo === me.employeeNo;
  const open = task.milestones.filter((m) => !m.completedAt);
  if (pendingMine && (task.stage === 'plan_review' || task.stage === 'change_review')) actions.push('review');
  if (pendingMine && task.stage === 'quality_review') actions.push('quality-review');
  if (pendingMine && task.stage === 'final_approval') actions.push('final-approve');
  if (owner) {
    if (task.stage === 'draft') actions.push('submit');
    if (running(task.stage) || task.stage === 'quality_review') actions.push('report-progress');
    if (running(task.stage) && open.length > 0) actions.push('complete-milestone');
    if (task.stage === 'execution' && open.length === 0) actions.push('submit-completion');
    if (task.stage === 'execution') actions.push('change-plan');
  }
  if (me.role === 'HEAD' || me.role === 'DIRECTOR') {
    if (running(task.stage) && !task.focus) actions.push('designate-focus');
    if ((running(task.stage) || task.stage === 'quality_review') && task.focus) actions.push('release-focus');
  }
  return actions;
}

function actionFields(action: TaskActionName, task: TaskView, t: TFunction): FieldSpec[] {
  const opinion: FieldSpec = {
    name: 'opinion',
    label: t('tasks.field.opinion'),
    kind: 'textarea',
    required: true,
  };
  const plan = (required: boolean): FieldSpec => ({
    name: 'milestones',
    label: t('tasks.create.milestones'),
    kind: 'milestones',
    required,
    initial: milestonesValue(rowsOf(task.milestones)),
    validate: (value) => checkMilestoneRows(value, t),
  });
  switch (action) {
    case 'submit': {
      const returned = task.trail.some((d) => d.phase === 'plan' && d.decision === 'return');
      return [
        { name: 'note', label: t('tasks.field.note'), kind: 'textarea' },
        ...(returned ? [plan(false)] : []),
      ];
    }
    case 'review':
      return [
        {
          name: 'decision',
          label: t('tasks.field.decision'),
          kind: 'choice',
          options: ['approve', 'return', 'reject'].map((value) => ({
            value,
            label: t(`tasks.field.${value}`),
          })),
        },
        opinion,
      ];
    case 'final-approve':
      return [
        {
          name: 'decision',
          label: t('tasks.field.decision'),
          kind: 'choice',
          options: ['approve', 'return'].map((value) => ({ value, label: t(`tasks.field.${value}`) })),
        },
        { name: 'opinion', label: t('tasks.field.finalOpinion'), kind: 'textarea' },
      ];
    case 'quality-review':
      return [
        { name: 'score', label: t('tasks.field.score'), kind: 'number', required: true, min: 0, max: 100 },
        {
          name: 'decision',
          label: t('tasks.field.decision'),
          kind: 'choice',
          options: ['accept', 'return'].map((value) => ({ value, label: t(`tasks.field.${value}`) })),
        },
        opinion,
      ];
    case 'report-progress':
      return [
        { name: 'text', label: t('tasks.field.text'), kind: 'textarea', required: true },
        {
          name: 'progress',
          label: t('tasks.field.progress'),
          kind: 'number',
          required: true,
          min: 0,
          max: 100,
          initial: String(Math.round(task.progress)),
        },
        {
          name: 'kind',
          label: t('tasks.field.kind'),
          kind: 'choice',
          options: [
            { value: 'progress', label: t('tasks.field.kindProgress') },
            { value: 'activity', label: t('tasks.field.kindActivity') },
          ],
        },
      ];
    case 'complete-milestone':
      return [
        {
          name: 'seq',
          label: t('tasks.field.seq'),
          kind: 'choice',
          options: task.milestones
            .filter((m) => !m.completedAt)
            .map((m) => ({ value: String(m.seq), label: `${m.seq}. ${m.title}` })),
        },
        { name: 'evidence', label: t('tasks.field.evidence'), kind: 'textarea', required: true },
      ];
    case 'change-plan':
      return [
        { name: 'reason', label: t('tasks.field.reason'), kind: 'textarea', required: true },
        plan(true),
      ];
    case 'submit-completion':
      return [
        { name: 'summary', label: t('tasks.field.summary'), kind: 'textarea', required: true },
        { name: 'actualValue', label: t('tasks.field.actualValue'), kind: 'number' },
      ];
    case 'designate-focus':
      return [{ name: 'reason', label: t('tasks.field.focusReason'), kind: 'textarea', required: true }];
    case 'release-focus':
      return [{ name: 'reason', label: t('tasks.field.releaseReason'), kind: 'textarea', required: true }];
  }
}

/** Posts one action; a completed task is approved through final-approve and returned through review. */
function postAction(id: string, action: TaskActionName, body: Record<string, unknown>) {
  const url = (name: string) => `/api/tasks/${encodeURIComponent(id)}/actions/${name}`;
  switch (action) {
    case 'final-approve': {
      const { decision, ...rest } = body;
      return decision === 'return'
        ? api<TaskView>(url('review'), { body: { decision: 'return', opinion: rest.opinion ?? '' } })
        : api<TaskView>(url('final-approve'), { body: rest });
    }
    case 'complete-milestone':
      return api<TaskView>(url(action), { body: { ...body, seq: Number(body.seq) } });
    default:
      return api<TaskView>(url(action), { body });
  }
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}

function Overview({ task }: { task: TaskView }) {
  const { t, i18n } = useTranslation();
  const stepLabel = useStepLabel();
  const lang = i18n.language;
  return (
    <Card withBorder data-testid="task-overview" data-stage={task.stage} data-focus={task.focus}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <Title order={2} size="h4">
            <span data-testid="task-id">{task.id}</span> · {task.title}
          </Title>
          <Group gap="xs">
            <TaskStageBadge stage={task.stage} />
            <LightBadge light={task.light} />
            {task.focus ? <FocusBadge /> : null}
          </Group>
        </Group>
        <Text style={{ whiteSpace: 'pre-wrap' }}>{task.purpose}</Text>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
          <Fact label={t('tasks.detail.type')}>
            {t(`tasks.type.${task.taskType}`, { defaultValue: task.taskType })}
          </Fact>
          <Fact label={t('tasks.detail.team')}>
            {localName(task.team, lang)} ({task.team.code})
          </Fact>
          <Fact label={t('tasks.detail.owner')}>
            {localName(task.owner, lang)} ({task.owner.employeeNo})
          </Fact>
          <Fact label={t('tasks.detail.createdAt')}>{formatDateTime(task.createdAt, lang)}</Fact>
          <Fact label={t('tasks.detail.pending')}>
            <span data-testid="task-pending">
              {task.pendingStep
                ? t('tasks.detail.pendingWho', {
                    step: stepLabel(task.pendingStep.step),
                    who: task.pendingStep.assigneeNo,
                    due: formatDateTime(task.pendingStep.dueAt, lang),
                  })
                : '—'}
            </span>
          </Fact>
          <Fact label={t('tasks.detail.progress')}>
            {formatNumber(task.progress, lang)}%
            <Progress value={task.progress} size="sm" mt={4} aria-label={t('tasks.detail.progress')} />
          </Fact>
          <Fact label={t('tasks.detail.planVersion')}>{task.planVersion}</Fact>
          {task.outcomeMeasure ? (
            <Fact label={t('tasks.detail.outcome')}>
              {task.outcomeMeasure} · {t('tasks.detail.target')} {formatNumber(task.outcomeTarget, lang)}
              {task.actualValue !== null
                ? ` · ${t('tasks.detail.actual')} ${formatNumber(task.actualValue, lang)}`
                : ''}
            </Fact>
          ) : null}
          {task.qualityScore !== null ? (
            <Fact label={t('tasks.detail.quality')}>{formatNumber(task.qualityScore, lang)}</Fact>
          ) : null}
        </SimpleGrid>
        {task.completionSummary ? (
          <Fact label={t('tasks.detail.completion')}>
            <span style={{ whiteSpace: 'pre-wrap' }}>{task.completionSummary}</span>
          </Fact>
        ) : null}
        {task.focus ? (
          <Alert color="#b3400d" variant="outline" title={t('tasks.detail.focus')} data-testid="focus-panel">
            <Text size="sm">
              {t('tasks.detail.focusReportDue')}:{' '}
              <strong data-testid="focus-report-due">{formatDateTime(task.focusReportDueAt, lang)}</strong>
            </Text>
            <Text size="sm">{t('tasks.detail.focusHint')}</Text>
          </Alert>
        ) : null}
      </Stack>
    </Card>
  );
}

function Actions({ task, me }: { task: TaskView; me: Me }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [chosen, setChosen] = useState<TaskActionName | null>(null);
  const actions = allowedActions(task, me);
  // The workflow records its start first; acting before then would race it.
  if (task.timeline.length === 0) {
    return (
      <Card withBorder>
        <Text role="status">{t('tasks.detail.starting')}</Text>
      </Card>
    );
  }
  if (actions.length === 0) return null;
  const action = chosen && actions.includes(chosen) ? chosen : actions[0]!;
  // A new form once the facts it offers change (e.g. the milestones still open).
  const openMilestones = task.milestones.filter((m) => !m.completedAt).length;
  return (
    <Card withBorder data-testid="task-actions">
      <Title order={2} size="h5" mb="sm">
        {t('tasks.detail.actions')}
      </Title>
      <Stack>
        <Select
          label={t('tasks.detail.chooseAction')}
          data={actions.map((a) => ({ value: a, label: t(`tasks.action.${a}`) }))}
          value={action}
          onChange={(value) => setChosen(value as TaskActionName | null)}
          allowDeselect={false}
          maw={360}
          data-testid="task-action-select"
        />
        <ActionForm
          key={`${action}-${task.stage}-${task.planVersion}-${task.focus}-${openMilestones}`}
          id={`task-${action}`}
          fields={actionFields(action, task, t)}
          submitLabel={t(`tasks.action.${action}`)}
          submit={(body) => postAction(task.id, action, body)}
          onDone={(result) => {
            client.setQueryData(['task', task.id], result);
            void client.invalidateQueries({ queryKey: ['tasks'] });
            void client.invalidateQueries({ queryKey: ['inbox'] });
          }}
        />
      </Stack>
    </Card>
  );
}

function Milestones({ task }: { task: TaskView }) {
  const { t, i18n } = useTranslation();
  const now = Date.now();
  return (
    <Card withBorder>
      <Title order={2} size="h5" mb="sm">
        {t('tasks.detail.milestones')}
      </Title>
      <ScrollTable
        minWidth={640}
        testId="milestone-table"
        columns={[
          t('tasks.milestone.seq'),
          t('tasks.milestone.name'),
          t('tasks.milestone.dueAt'),
          t('tasks.milestone.weightShort'),
          t('tasks.milestone.status'),
          t('tasks.milestone.evidence'),
        ]}
      >
        {task.milestones.map((m) => {
          const late = !m.completedAt && Date.parse(m.dueAt) <= now;
          return (
            <Table.Tr key={m.seq} data-testid="milestone" data-done={m.completedAt !== null}>
              <Table.Td>{m.seq}</Table.Td>
              <Table.Td>{m.title}</Table.Td>
              <Table.Td>{formatDateTime(m.dueAt, i18n.language)}</Table.Td>
              <Table.Td>{formatNumber(m.weight, i18n.language)}%</Table.Td>
              <Table.Td>
                {m.completedAt ? (
                  <Badge color="#1f7a35" variant="filled">
                    {t('tasks.milestone.done')} · {formatDateTime(m.completedAt, i18n.language)}
                  </Badge>
                ) : late ? (
                  <Badge color="red.9" variant="filled">
                    {t('tasks.milestone.late')}
                  </Badge>
                ) : (
                  <Badge color="gray.7" variant="outline">
                    {t('tasks.milestone.open')}
                  </Badge>
                )}
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{m.evidence ?? ''}</Table.Td>
            </Table.Tr>
          );
        })}
      </ScrollTable>
    </Card>
  );
}

function Reports({ task }: { task: TaskView }) {
  const { t, i18n } = useTranslation();
  return (
    <Card withBorder>
      <Title order={2} size="h5" mb="sm">
        {t('tasks.detail.reports')}
      </Title>
      {task.reports.length === 0 ? (
        <Text size="sm">{t('tasks.detail.noReports')}</Text>
      ) : (
        <ScrollTable
          minWidth={560}
          testId="report-table"
          columns={[
            t('tasks.detail.reportAt'),
            t('tasks.detail.reportKind'),
            t('tasks.detail.reportAuthor'),
            t('tasks.detail.progress'),
            t('tasks.detail.reportText'),
          ]}
        >
          {[...task.reports].reverse().map((r, index) => (
            <Table.Tr key={`${r.at}-${index}`} data-testid="report">
              <Table.Td>{formatDateTime(r.at, i18n.language)}</Table.Td>
              <Table.Td>
                {t(r.kind === 'activity' ? 'tasks.field.kindActivity' : 'tasks.field.kindProgress')}
              </Table.Td>
              <Table.Td>{r.authorNo}</Table.Td>
              <Table.Td>{r.progress === null ? '—' : `${formatNumber(r.progress, i18n.language)}%`}</Table.Td>
              <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{r.text}</Table.Td>
            </Table.Tr>
          ))}
        </ScrollTable>
      )}
    </Card>
  );
}

function Trail({ task }: { task: TaskView }) {
  const { t, i18n } = useTranslation();
  const stepLabel = useStepLabel();
  return (
    <Card withBorder>
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Stack gap={2}>
          <Title order={2} size="h5">
            {t('tasks.detail.trail')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('tasks.detail.trailLead')}
          </Text>
        </Stack>
        <Anchor
          href={`/api/tasks/${encodeURIComponent(task.id)}/trail.csv?lang=${i18n.language === 'en' ? 'en' : 'ko'}`}
          download={`${task.id}-trail.csv`}
          data-testid="trail-csv"
        >
          {t('tasks.detail.trailCsv')}
        </Anchor>
      </Group>
      {task.trail.length === 0 ? (
        <Text size="sm">{t('tasks.detail.noTrail')}</Text>
      ) : (
        <ScrollTable
          minWidth={720}
          testId="trail-table"
          columns={[
            t('tasks.detail.at'),
            t('tasks.detail.phase'),
            t('tasks.detail.reviewer'),
            t('tasks.detail.decisionCol'),
            t('tasks.detail.opinionCol'),
          ]}
        >
          {task.trail.map((d, index) => (
            <Table.Tr key={`${d.at}-${index}`} data-testid="trail-row" data-decision={d.decision}>
              <Table.Td>{formatDateTime(d.at, i18n.language)}</Table.Td>
              <Table.Td>
                {t(`tasks.phase.${d.phase}`, { defaultValue: d.phase })} · {stepLabel(d.step)}
                {d.round > 0 ? ` (${t('tasks.detail.round', { n: d.round })})` : ''}
              </Table.Td>
              <Table.Td>
                {localName(d.reviewer, i18n.language)} ({d.reviewer.employeeNo}) ·{' '}
                {t(`tasks.role.${d.role}`, { defaultValue: d.role })}
              </Table.Td>
              <Table.Td>
                {t(`tasks.decision.${d.decision}`, { defaultValue: d.decision })}
                {d.score !== null ? ` · ${formatNumber(d.score, i18n.language)}` : ''}
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{d.opinion}</Table.Td>
            </Table.Tr>
          ))}
        </ScrollTable>
      )}
    </Card>
  );
}

function Task({ id }: { id: string }) {
  const { t } = useTranslation();
  const { me } = useMe();
  const task = useQuery({
    queryKey: ['task', id],
    queryFn: () => api<TaskView>(`/api/tasks/${encodeURIComponent(id)}`),
    refetchInterval: (query) => (query.state.error ? false : 5_000),
  });
  if (task.error) return <ErrorState error={task.error} />;
  if (!task.data || !me) return <Loading />;
  return (
    <Stack>
      <Group justify="space-between">
        <Anchor component={Link} to="/tasks" size="sm">
          ← {t('tasks.detail.back')}
        </Anchor>
        <WorkflowHistoryLink workflowId={id} me={me} />
      </Group>
      <Overview task={task.data} />
      <Actions task={task.data} me={me} />
      <Milestones task={task.data} />
      <Reports task={task.data} />
      <TaskCustomers taskId={id} isOwner={task.data.owner.employeeNo === me.employeeNo} />
      <Trail task={task.data} />
    </Stack>
  );
}

export default function TaskDetail() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  return (
    <StaffPage title={t('tasks.detail.title')} lead={t('common.liveHint')}>
      {id ? <Task id={id} /> : <Text>{t('tasks.detail.missing')}</Text>}
    </StaffPage>
  );
}
