import { Button, Card, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { ActionForm } from '../ActionForm.tsx';
import { ErrorState, Loading, StaffPage } from '../components.tsx';
import { currentKstYear } from '../format.ts';
import { useMe } from '../session.ts';
import {
  CompetencyProfileCard,
  DevelopmentPlanCard,
  useCompetencyItems,
  type DevelopmentPlanView,
} from '../development.tsx';

function MyPlan({ year }: { year: number }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const items = useCompetencyItems(year);
  const key = ['development-plan', year];
  const plan = useQuery({
    queryKey: key,
    queryFn: () => api<{ plan: DevelopmentPlanView | null }>(`/api/development/${year}/plans/me`),
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: key });
    void queryClient.invalidateQueries({ queryKey: ['competency-profile', year] });
  };
  if (plan.error) return <ErrorState error={plan.error} />;
  if (!plan.data) return <Loading />;
  const current = plan.data.plan;
  const editable = !current || current.status === 'DRAFT' || current.status === 'RETURNED';
  return (
    <Stack>
      <CompetencyProfileCard year={year} />
      {current ? (
        <DevelopmentPlanCard
          plan={current}
          title={t('development.results')}
          renderActivityAction={(activity) =>
            current.status === 'AGREED' && activity.completedAt === null ? (
              <ActionForm
                id={`development-complete-${activity.id}`}
                fields={[
                  {
                    name: 'hours',
                    label: t('development.fields.hours'),
                    kind: 'number',
                    required: true,
                    min: 0.5,
                    max: 500,
                    initial: String(activity.plannedHours),
                  },
                ]}
                submitLabel={t('development.complete')}
                submit={(body) =>
                  api(`/api/development/${year}/plans/me/activities/${activity.id}/complete`, { body })
                }
                onDone={refresh}
              />
            ) : null
          }
        />
      ) : (
        <Text>{t('development.none')}</Text>
      )}
      {current && editable && current.goals.length > 0 ? (
        <Button
          w="fit-content"
          onClick={() =>
            void api(`/api/development/${year}/plans/me/submit`, { method: 'POST' }).then(refresh)
          }
        >
          {t('development.submit')}
        </Button>
      ) : null}
      {editable ? (
        <Card withBorder>
          <ActionForm
            id="development-plan"
            fields={[
              {
                name: 'competencyCode',
                label: t('development.fields.competencyCode'),
                kind: 'pick',
                required: true,
                options: items.map((item) => ({
                  value: item.code,
                  label: i18n.language === 'en' ? item.nameEn : item.nameKo,
                })),
                initial: current?.goals[0]?.competencyCode ?? '',
              },
              {
                name: 'goal',
                label: t('development.fields.goal'),
                kind: 'textarea',
                required: true,
                initial: current?.goals[0]?.goal ?? '',
              },
              {
                name: 'trainingTitle',
                label: t('development.fields.trainingTitle'),
                kind: 'text',
                required: true,
              },
              {
                name: 'trainingHours',
                label: t('development.fields.trainingHours'),
                kind: 'number',
                required: true,
                min: 1,
                max: 500,
              },
              { name: 'activityTitle', label: t('development.fields.activityTitle'), kind: 'text' },
              {
                name: 'activityHours',
                label: t('development.fields.activityHours'),
                kind: 'number',
                min: 1,
                max: 500,
              },
            ]}
            toBody={(values) => {
              const v = (name: string) => (values[name] ?? '').trim();
              return {
                goals: [{ competencyCode: v('competencyCode'), goal: v('goal') }],
                activities: [
                  {
                    kind: 'TRAINING',
                    title: v('trainingTitle'),
                    competencyCode: v('competencyCode'),
                    plannedHours: Number(v('trainingHours')),
                  },
                  ...(v('activityTitle')
                    ? [
                        {
                          kind: 'ACTIVITY',
                          title: v('activityTitle'),
                          plannedHours: Number(v('activityHours') || 1),
                        },
                      ]
                    : []),
                ],
              };
            }}
            submitLabel={t('development.save')}
            submit={(body) => api(`/api/development/${year}/plans/me`, { method: 'PUT', body })}
            onDone={refresh}
          />
        </Card>
      ) : null}
    </Stack>
  );
}

function TeamPlans({ year }: { year: number }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const key = ['development-team', year];
  const plans = useQuery({
    queryKey: key,
    queryFn: () => api<{ items: DevelopmentPlanView[] }>(`/api/development/${year}/team-plans`),
  });
  if (plans.error) return <ErrorState error={plans.error} />;
  if (!plans.data) return <Loading />;
  return (
    <Stack>
      <Title order={2} size="h3">
        {t('development.team')}
      </Title>
      {plans.data.items.length === 0 ? <Text>{t('development.noTeam')}</Text> : null}
      {plans.data.items.map((plan) => (
        <Stack key={plan.employeeNo}>
          <DevelopmentPlanCard plan={plan} />
          {plan.status === 'SUBMITTED' ? (
            <ActionForm
              id={`development-decide-${plan.employeeNo}`}
              fields={[
                {
                  name: 'decision',
                  label: t('development.fields.decision'),
                  kind: 'choice',
                  options: [
                    { value: 'agree', label: t('development.agree') },
                    { value: 'return', label: t('development.return') },
                  ],
                },
                { name: 'opinion', label: t('development.fields.opinion'), kind: 'textarea' },
              ]}
              submitLabel={t('development.decideTitle', { name: plan.name, employeeNo: plan.employeeNo })}
              submit={(body) => api(`/api/development/${year}/plans/${plan.employeeNo}/decision`, { body })}
              onDone={() => void queryClient.invalidateQueries({ queryKey: key })}
            />
          ) : null}
        </Stack>
      ))}
    </Stack>
  );
}

/** The signed-in person's development plan; a team leader also agrees the members' plans. */
export default function Development() {
  const { t } = useTranslation();
  const { me } = useMe();
  const year = currentKstYear();
  return (
    <StaffPage title={t('development.title', { year })} lead={t('development.lead')}>
      <Stack>
        <MyPlan year={year} />
        {me?.role === 'TEAM_LEADER' ? <TeamPlans year={year} /> : null}
      </Stack>
    </StaffPage>
  );
}
