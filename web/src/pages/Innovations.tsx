import { Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { ActionForm, type FieldSpec } from '../ActionForm.tsx';
import { ErrorState, Loading, StaffPage } from '../components.tsx';
import { formatDateTime, formatNumber } from '../format.ts';
import { DecisionHistory, useYearParam, validationOn, YearSelect } from '../performance-work.tsx';
import { useMe, type Me } from '../session.ts';

interface Innovation {
  id: string;
  unitCode: string;
  proposerNo: string;
  title: string;
  description: string;
  stage: string;
  score: number | null;
  opinions: { at: string; by: string; action: string; opinion: string | null }[] | null;
  createdAt: string;
}

type Action = 'review' | 'adopt' | 'reject' | 'implement' | 'score';

/** Mirrors innovationTransitions in domain/performance.ts: the actions each stage allows. */
const nextActions: Record<string, Action[]> = {
  PROPOSED: ['review'],
  REVIEWED: ['adopt', 'reject'],
  ADOPTED: ['implement'],
  IMPLEMENTED: ['score'],
};

const stageColor: Record<string, string> = {
  PROPOSED: 'gray.7',
  REVIEWED: 'blue.8',
  ADOPTED: 'indigo.8',
  IMPLEMENTED: 'violet.8',
  SCORED: '#1f7a35',
  REJECTED: 'dark.4',
};

/**
 * Who the server lets act (api/routes/performance.ts): the unit's head, the director above it or HR review
 * and adopt; the proposer or the unit's head implement; HR or the unit's head score. The browser cannot
 * see the unit tree, so a director is offered the review actions and the server decides.
 */
function mayAct(me: Me, activity: Innovation, action: Action): boolean {
  const isHr = me.role === 'HR' || me.role === 'ADMIN';
  const isUnitHead =
    me.unitCode === activity.unitCode && ['TEAM_LEADER', 'DIRECTOR', 'HEAD'].includes(me.role);
  if (action === 'implement') return me.employeeNo === activity.proposerNo || isUnitHead;
  if (action === 'score') return isHr || isUnitHead;
  return isHr || isUnitHead || me.role === 'DIRECTOR';
}

function fieldsFor(action: Action, t: (key: string) => string): FieldSpec[] {
  if (action === 'score')
    return [
      { name: 'score', label: t('innovation.scoreField'), kind: 'number', min: 0, max: 100, required: true },
      { name: 'opinion', label: t('innovation.opinion'), kind: 'textarea' },
    ];
  if (action === 'review' || action === 'reject')
    return [{ name: 'opinion', label: t('innovation.opinionRequired'), kind: 'textarea', required: true }];
  return [{ name: 'opinion', label: t('innovation.opinion'), kind: 'textarea' }];
}

function InnovationCard({ year, activity, me }: { year: number; activity: Innovation; me: Me }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const client = useQueryClient();
  const actions = (nextActions[activity.stage] ?? []).filter((action) => mayAct(me, activity, action));
  const opinions = activity.opinions ?? [];
  return (
    <Card withBorder data-testid={`innovation-${activity.id}`} data-stage={activity.stage}>
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start">
          <Title order={3} size="h5">
            {activity.title}
          </Title>
          <Group gap="xs">
            <Badge variant="filled" color={stageColor[activity.stage] ?? 'gray.7'}>
              {t(`innovation.stage.${activity.stage}`, { defaultValue: activity.stage })}
            </Badge>
            {activity.score !== null ? (
              <Badge variant="outline" color="indigo.8">
                {t('innovation.scoreOf', { score: formatNumber(activity.score, lang) })}
              </Badge>
            ) : null}
          </Group>
        </Group>
        <Text size="sm" c="dimmed">
          {t('innovation.proposer', {
            who: activity.proposerNo,
            unit: activity.unitCode,
            at: formatDateTime(activity.createdAt, lang),
          })}
        </Text>
        <Text style={{ whiteSpace: 'pre-wrap' }}>{activity.description}</Text>
        {opinions.length ? (
          <DecisionHistory
            title={t('innovation.history')}
            decisions={opinions.map((o) => ({ ...o, actor: o.by }))}
            actionLabel={(action) => t(`innovation.actionLabel.${action}`, action)}
          />
        ) : null}
        {actions.map((action) => (
          <Card key={action} withBorder bg="gray.0" p="sm">
            <Text size="sm" fw={600} mb={4}>
              {t('innovation.nextActions')}: {t(`innovation.actionLabel.${action}`)}
            </Text>
            <ActionForm
              id={`innovation-${activity.id}-${action}`}
              fields={fieldsFor(action, t)}
              submitLabel={t(`innovation.actionLabel.${action}`)}
              submit={(body) =>
                validationOn(
                  action === 'score' && !('score' in body) ? 'score' : 'opinion',
                  api(
                    `/api/performance/${year}/innovations/${encodeURIComponent(activity.id)}/actions/${action}`,
                    {
                      body,
                    },
                  ),
                )
              }
              onDone={() => void client.invalidateQueries({ queryKey: ['innovations', year] })}
            />
          </Card>
        ))}
      </Stack>
    </Card>
  );
}

function InnovationsContent() {
  const { t } = useTranslation();
  const { me } = useMe();
  const client = useQueryClient();
  const [year, setYear] = useYearParam();
  const list = useQuery({
    queryKey: ['innovations', year],
    queryFn: () => api<Innovation[]>(`/api/performance/${year}/innovations`),
  });
  if (!me) return null;
  return (
    <Stack gap="xl">
      <YearSelect year={year} onChange={setYear} />
      <Card withBorder>
        <Title order={2} size="h3" mb="xs">
          {t('innovation.propose')}
        </Title>
        <ActionForm
          id="innovation-propose"
          fields={[
            { name: 'title', label: t('innovation.titleField'), kind: 'text', required: true },
            { name: 'description', label: t('innovation.description'), kind: 'textarea', required: true },
          ]}
          submitLabel={t('innovation.submit')}
          submit={(body) => api(`/api/performance/${year}/innovations`, { body })}
          onDone={() => void client.invalidateQueries({ queryKey: ['innovations', year] })}
        />
      </Card>
      <Stack gap="sm">
        <Title order={2} size="h3">
          {t('innovation.list')}
        </Title>
        {list.isLoading ? <Loading /> : null}
        {list.error ? <ErrorState error={list.error} /> : null}
        {list.data?.length === 0 ? <Text>{t('innovation.empty')}</Text> : null}
        {[...(list.data ?? [])].reverse().map((activity) => (
          <InnovationCard key={activity.id} year={year} activity={activity} me={me} />
        ))}
      </Stack>
    </Stack>
  );
}

export default function Innovations() {
  const { t } = useTranslation();
  return (
    <StaffPage title={t('innovation.title')} lead={t('innovation.lead')}>
      <InnovationsContent />
    </StaffPage>
  );
}
