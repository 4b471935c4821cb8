import type { ReactNode } from 'react';
import { Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from './api.ts';
import { formatNumber } from './format.ts';

export interface DevelopmentPlanView {
  year: number;
  employeeNo: string;
  name: string;
  unitCode: string;
  status: string;
  leaderOpinion: string | null;
  goals: { competencyCode: string; goal: string }[];
  activities: {
    id: number;
    kind: string;
    title: string;
    competencyCode: string | null;
    plannedHours: number;
    completedHours: number | null;
    completedAt: string | null;
  }[];
  trainingHours: { planned: number; completed: number };
}

export interface CompetencyItem {
  code: string;
  nameKo: string;
  nameEn: string;
}

/** The year's 360° items, to show competencies by name (nobody reads or types an item code). */
export function useCompetencyItems(year: number) {
  const items = useQuery({
    queryKey: ['capability-items', year],
    queryFn: () => api<CompetencyItem[]>(`/api/performance/${year}/capability/items`),
  });
  return items.data ?? [];
}

/** A competency's name in the page's language (its code only while the items load). */
export function useCompetencyName(year: number) {
  const { i18n } = useTranslation();
  const items = useCompetencyItems(year);
  return (code: string) => {
    const item = items.find((i) => i.code === code);
    if (!item) return code;
    return i18n.language === 'en' ? item.nameEn : item.nameKo;
  };
}

interface CompetencyProfile {
  evaluatedYear: number | null;
  status: 'AVAILABLE' | 'NO_RESULT' | 'BELOW_ANONYMITY_THRESHOLD';
  raterCount: number;
  anonymityThreshold: number | null;
  items: (CompetencyItem & {
    score: number | null;
    ministryMean: number | null;
    difference: number | null;
    standing: 'STRENGTH' | 'GAP' | 'TYPICAL' | null;
    hasGoal: boolean;
    plannedHours: number;
    completedHours: number;
  })[];
}

const standingColor = { STRENGTH: 'teal', GAP: 'red', TYPICAL: 'gray' } as const;

/** The person's strengths and gaps on the 360° items against the ministry's means, and what the plan does about them. */
export function CompetencyProfileCard({ year }: { year: number }) {
  const { t, i18n } = useTranslation();
  const profile = useQuery({
    queryKey: ['competency-profile', year],
    queryFn: () => api<CompetencyProfile>(`/api/development/${year}/competency-profile/me`),
  });
  const data = profile.data;
  if (!data) return null;
  const number = (value: number | null, signed = false) =>
    value === null ? '—' : `${signed && value > 0 ? '+' : ''}${formatNumber(value, i18n.language, 1)}`;
  const uncovered = data.items.filter((item) => item.standing === 'GAP' && !item.hasGoal);
  return (
    <Card withBorder data-testid="competency-profile" data-status={data.status}>
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t('development.profile.title', { year: data.evaluatedYear ?? year })}
        </Title>
        {data.status === 'AVAILABLE' ? (
          <>
            <Text size="sm">{t('development.profile.lead', { raters: data.raterCount })}</Text>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('development.profile.item')}</Table.Th>
                  <Table.Th>{t('development.profile.score')}</Table.Th>
                  <Table.Th>{t('development.profile.ministry')}</Table.Th>
                  <Table.Th>{t('development.profile.difference')}</Table.Th>
                  <Table.Th>{t('development.profile.standing')}</Table.Th>
                  <Table.Th>{t('development.profile.plan')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((item) => (
                  <Table.Tr
                    key={item.code}
                    data-testid={`competency-${item.code}`}
                    data-standing={item.standing ?? ''}
                  >
                    <Table.Td>{i18n.language === 'en' ? item.nameEn : item.nameKo}</Table.Td>
                    <Table.Td>{number(item.score)}</Table.Td>
                    <Table.Td>{number(item.ministryMean)}</Table.Td>
                    <Table.Td>{number(item.difference, true)}</Table.Td>
                    <Table.Td>
                      {item.standing ? (
                        <Badge color={standingColor[item.standing]} variant="light">
                          {t(`development.profile.standings.${item.standing}`)}
                        </Badge>
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                    <Table.Td>
                      {item.hasGoal
                        ? t('development.profile.covered', {
                            planned: formatNumber(item.plannedHours, i18n.language, 1),
                            completed: formatNumber(item.completedHours, i18n.language, 1),
                          })
                        : t('development.profile.noGoal')}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {uncovered.length > 0 ? (
              <Text size="sm" c="red" data-testid="competency-uncovered">
                {t('development.profile.uncovered', {
                  items: uncovered.map((i) => (i18n.language === 'en' ? i.nameEn : i.nameKo)).join(', '),
                })}
              </Text>
            ) : null}
          </>
        ) : (
          <Text size="sm">
            {t(`development.profile.${data.status}`, {
              raters: data.raterCount,
              threshold: data.anonymityThreshold ?? 0,
            })}
          </Text>
        )}
      </Stack>
    </Card>
  );
}

/** A development plan as read by its owner, their leader or on the results page. */
export function DevelopmentPlanCard({
  plan,
  title,
  renderActivityAction,
}: {
  plan: DevelopmentPlanView;
  title?: string;
  renderActivityAction?: (activity: DevelopmentPlanView['activities'][number]) => ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const competencyName = useCompetencyName(plan.year);
  const hours = (value: number) => formatNumber(value, i18n.language, 1);
  return (
    <Card withBorder data-testid="development-plan" data-status={plan.status}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={2} size="h4">
            {title ?? `${plan.name} (${plan.employeeNo})`}
          </Title>
          <Badge>{t(`development.status.${plan.status}`)}</Badge>
        </Group>
        {plan.leaderOpinion ? (
          <Text size="sm">{t('development.leaderOpinion', { opinion: plan.leaderOpinion })}</Text>
        ) : null}
        <Text fw={600}>{t('development.goals')}</Text>
        {plan.goals.map((goal) => (
          <Text key={`${goal.competencyCode}:${goal.goal}`}>
            <Badge variant="light" mr="xs">
              {competencyName(goal.competencyCode)}
            </Badge>
            {goal.goal}
          </Text>
        ))}
        <Text fw={600}>{t('development.activities')}</Text>
        {plan.activities.map((activity) => (
          <Group key={activity.id} justify="space-between" data-testid="development-activity">
            <Text>
              [{t(`development.kind.${activity.kind}`)}] {activity.title} ·{' '}
              {t('development.planned', { hours: hours(activity.plannedHours) })}
              {activity.completedHours !== null
                ? ` · ${t('development.completedHours', { hours: hours(activity.completedHours) })}`
                : ''}
            </Text>
            {renderActivityAction?.(activity)}
          </Group>
        ))}
        <Text size="sm" data-testid="development-training-total">
          {t('development.trainingTotal', {
            planned: hours(plan.trainingHours.planned),
            completed: hours(plan.trainingHours.completed),
          })}
        </Text>
      </Stack>
    </Card>
  );
}

/** The person's plan of that year, shown next to their results (the plan page is where it is edited). */
export function MyDevelopmentPlan({ year }: { year: number }) {
  const { t } = useTranslation();
  const plan = useQuery({
    queryKey: ['development-plan', year],
    queryFn: () => api<{ plan: DevelopmentPlanView | null }>(`/api/development/${year}/plans/me`),
  });
  return (
    <Stack>
      <CompetencyProfileCard year={year} />
      {plan.data?.plan ? (
        <DevelopmentPlanCard plan={plan.data.plan} title={t('development.results')} />
      ) : null}
    </Stack>
  );
}
