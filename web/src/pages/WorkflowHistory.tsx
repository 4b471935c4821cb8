import { useState } from 'react';
import { Link, useParams } from 'react-router';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Code,
  Group,
  MultiSelect,
  Stack,
  Table,
  Text,
  Timeline,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.ts';
import { ErrorState, Loading, PageTitle, ScrollTable, StaffOnly } from '../components.tsx';
import { formatDateTime } from '../format.ts';

/** One entry of GET /api/admin/workflows/:workflowId/history (api/workflow-timeline.ts TimelineEntry). */
interface TimelineEntry {
  eventId: number;
  at: string;
  kind: string;
  name: string | null;
  action: string | null;
  actor: string | null;
  actorRole: string | null;
  decision: string | null;
  reason: string | null;
  summary: string;
  /** Which run of a workflow that continued as new; event ids restart per run. */
  run?: number;
}

/** A decision (api/routes/admin-history.ts Decision): the audit log and the system's own decisions. */
interface Decision {
  at: string;
  actor: string;
  actorName: string | null;
  actorRole: string | null;
  action: string;
  decision: string | null;
  reason: string | null;
  source: 'audit' | 'timeline';
}

interface History {
  decisions?: Decision[];
  workflowId: string;
  runId: string | null;
  workflowType: string | null;
  status: string;
  events: number;
  timeline: TimelineEntry[];
}

const kindColor = (kind: string) =>
  kind.startsWith('update') || kind.startsWith('signal')
    ? 'indigo.8'
    : kind.startsWith('timer')
      ? '#b3400d'
      : kind.endsWith('failed') || kind.endsWith('timed-out') || kind === 'workflow.terminated'
        ? 'red.8'
        : kind.startsWith('workflow')
          ? '#1f7a35'
          : 'gray.7';

function Entry({ entry }: { entry: TimelineEntry }) {
  const { t, i18n } = useTranslation();
  const kindLabel = t(`wfHistory.kind.${entry.kind.replaceAll('.', '_')}`, { defaultValue: entry.kind });
  const facts: Array<[string, string]> = [];
  if (entry.actor)
    facts.push([
      t('wfHistory.actor'),
      entry.actorRole
        ? `${entry.actor} (${t(`role.${entry.actorRole}`, { defaultValue: entry.actorRole })})`
        : entry.actor,
    ]);
  if (entry.action) facts.push([t('wfHistory.action'), entry.action]);
  if (entry.decision) facts.push([t('wfHistory.decision'), entry.decision]);
  if (entry.reason) facts.push([t('wfHistory.reason'), entry.reason]);
  return (
    <Stack gap={2} data-testid="history-entry" data-kind={entry.kind}>
      <Text size="xs" c="dimmed">
        <time dateTime={entry.at}>{formatDateTime(entry.at, i18n.language)}</time> ·{' '}
        {entry.run ? `${entry.run}/` : ''}#{entry.eventId}
      </Text>
      <Group gap={6}>
        <Badge size="sm" variant="filled" color={kindColor(entry.kind)}>
          {kindLabel}
        </Badge>
        {entry.name ? <Code>{entry.name}</Code> : null}
      </Group>
      {facts.length > 0 ? (
        <dl style={{ margin: 0 }}>
          {facts.map(([label, value]) => (
            <Text key={label} size="sm" component="div">
              <Text fw={600} size="sm" component="dt" style={{ display: 'inline' }}>
                {label}:
              </Text>{' '}
              <Text size="sm" component="dd" style={{ display: 'inline', margin: 0 }}>
                {value}
              </Text>
            </Text>
          ))}
        </dl>
      ) : null}
      <Text size="sm" c="dimmed" lang="en">
        {entry.summary}
      </Text>
    </Stack>
  );
}

/** Who, when, what, why: what an auditor reads first. */
function Decisions({ decisions }: { decisions: Decision[] }) {
  const { t, i18n } = useTranslation();
  const who = (d: Decision) =>
    d.actorName
      ? `${d.actorName} (${t(`role.${d.actorRole}`, { defaultValue: d.actorRole ?? '' })})`
      : d.actor === 'system'
        ? t('casework.history.system')
        : d.actor === 'citizen'
          ? t('casework.history.citizen')
          : d.actor;
  return (
    <Card withBorder data-testid="decisions">
      <Title order={2} size="h4" mb={4}>
        {t('casework.history.decisions')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('casework.history.decisionsLead')}
      </Text>
      {decisions.length === 0 ? (
        <Text>{t('casework.history.noDecisions')}</Text>
      ) : (
        <ScrollTable
          minWidth={720}
          columns={[
            t('casework.history.when'),
            t('casework.history.who'),
            t('casework.history.what'),
            t('casework.history.outcome'),
            t('casework.history.why'),
          ]}
        >
          {decisions.map((d, index) => (
            <Table.Tr key={`${d.at}-${index}`} data-testid="decision" data-action={d.action}>
              <Table.Td>{formatDateTime(d.at, i18n.language)}</Table.Td>
              <Table.Td>{who(d)}</Table.Td>
              <Table.Td>
                {t(`casework.history.action.${d.action.replaceAll('.', '_')}`, { defaultValue: d.action })}
              </Table.Td>
              <Table.Td>
                {d.decision
                  ? t(`work.${d.decision}`, {
                      defaultValue: t(`stage.${d.decision}`, { defaultValue: d.decision }),
                    })
                  : '—'}
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{d.reason ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </ScrollTable>
      )}
    </Card>
  );
}

function HistoryView({ workflowId }: { workflowId: string }) {
  const { t, i18n } = useTranslation();
  const [showEngine, setShowEngine] = useState(false);
  const [kinds, setKinds] = useState<string[]>([]);
  const history = useQuery({
    queryKey: ['workflow-history', workflowId],
    queryFn: () => api<History>(`/api/admin/workflows/${encodeURIComponent(workflowId)}/history`),
  });
  if (history.error) {
    return history.error instanceof ApiError &&
      history.error.status === 404 &&
      !history.error.routeMissing ? (
      <Alert color="yellow" role="alert">
        {t('wfHistory.notFound')}
      </Alert>
    ) : (
      <ErrorState error={history.error} />
    );
  }
  if (!history.data) return <Loading />;
  const data = history.data;
  const allKinds = [...new Set(data.timeline.map((e) => e.kind))].sort();
  const shown = kinds.length ? data.timeline.filter((e) => kinds.includes(e.kind)) : data.timeline;
  return (
    <Stack>
      {data.decisions ? <Decisions decisions={data.decisions} /> : null}
      <Group>
        <Button variant="light" onClick={() => setShowEngine((v) => !v)} data-testid="toggle-engine">
          {showEngine
            ? t('casework.history.hideEngine')
            : t('casework.history.engine', { count: data.timeline.length })}
        </Button>
      </Group>
      <Card withBorder>
        <Group justify="space-between" wrap="wrap" gap="sm">
          <Stack gap={2}>
            <Text size="sm">
              {t('wfHistory.type')}: <Code>{data.workflowType ?? '—'}</Code>
            </Text>
            <Text size="sm">
              {t('wfHistory.status')}:{' '}
              <Code data-testid="history-status" data-status={data.status}>
                {t(`wfStatus.${data.status}`, { defaultValue: data.status })}
              </Code>{' '}
              · {t('wfHistory.events', { count: data.events })}
            </Text>
          </Stack>
          <Anchor
            href={`/api/admin/workflows/${encodeURIComponent(workflowId)}/history?format=csv&lang=${i18n.language === 'en' ? 'en' : 'ko'}`}
            download={`${workflowId}-history.csv`}
            data-testid="history-csv"
          >
            {t('wfHistory.csv')}
          </Anchor>
        </Group>
      </Card>
      {!data.decisions || showEngine ? (
        <Card withBorder>
          <Title order={2} size="h4" mb="md">
            {workflowId}
          </Title>
          <MultiSelect
            label={t('casework.history.kinds')}
            data={allKinds.map((kind) => ({
              value: kind,
              label: t(`wfHistory.kind.${kind.replaceAll('.', '_')}`, { defaultValue: kind }),
            }))}
            value={kinds}
            onChange={setKinds}
            clearable
            mb="md"
            maw={520}
            data-testid="kind-filter"
          />
          {shown.length === 0 ? (
            <Text>{t('wfHistory.empty')}</Text>
          ) : (
            <Timeline active={shown.length - 1} bulletSize={14} lineWidth={2} data-testid="workflow-timeline">
              {shown.map((entry) => (
                <Timeline.Item key={`${entry.run ?? 1}-${entry.eventId}`}>
                  <Entry entry={entry} />
                </Timeline.Item>
              ))}
            </Timeline>
          )}
        </Card>
      ) : null}
    </Stack>
  );
}

export default function WorkflowHistory() {
  const { t } = useTranslation();
  const { workflowId = '' } = useParams();
  return (
    <>
      <PageTitle lead={t('wfHistory.lead', { workflowId })}>{t('wfHistory.title')}</PageTitle>
      <Anchor component={Link} to="/admin" size="sm" mb="md" display="inline-block">
        {t('wfHistory.back')}
      </Anchor>
      <StaffOnly>
        <HistoryView workflowId={workflowId} />
      </StaffOnly>
    </>
  );
}
