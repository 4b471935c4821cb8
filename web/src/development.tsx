import type { ReactNode } from 'react';
import { Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
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
              {goal.competencyCode}
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
  if (!plan.data?.plan) return null;
  return <DevelopmentPlanCard plan={plan.data.plan} title={t('development.results')} />;
}
