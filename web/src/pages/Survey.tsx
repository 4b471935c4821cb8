import { Link, useParams, useSearchParams } from 'react-router';
import { Alert, Button, Card, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.ts';
import { ActionForm } from '../ActionForm.tsx';
import { ErrorState, Loading, PageTitle } from '../components.tsx';
import { formatDateTime } from '../format.ts';

interface SurveyView {
  receiptNo: string;
  title: string;
  stage: string;
  team: { name: string; nameEn: string };
  answer: string | null;
  answeredAt: string | null;
  satisfaction: { score: number; comment: string | null } | null;
  canRate: boolean;
  canReopen: boolean;
}

/**
 * The survey link from the mail: no sign-in, the token in the link authorises the rating and, after a low
 * score, the reopen request. The page shows the answer being rated.
 */
export default function Survey() {
  const { t, i18n } = useTranslation();
  const { receiptNo = '' } = useParams();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const client = useQueryClient();
  const query = `?token=${encodeURIComponent(token)}`;
  const survey = useQuery({
    queryKey: ['survey', receiptNo, token],
    queryFn: () => api<SurveyView>(`/api/complaints/${encodeURIComponent(receiptNo)}/survey${query}`),
    enabled: !!token,
    retry: false,
  });
  const refresh = (view: unknown) => {
    if (view && typeof view === 'object' && 'canRate' in view) {
      client.setQueryData(['survey', receiptNo, token], view);
    }
    void client.invalidateQueries({ queryKey: ['survey', receiptNo, token] });
  };
  const expired =
    !token ||
    (survey.error instanceof ApiError && ['LINK_EXPIRED', 'VALIDATION'].includes(survey.error.code));
  const view = survey.data;
  const english = i18n.language === 'en';
  return (
    <>
      <PageTitle lead={t('survey.lead', { receiptNo })}>{t('survey.title')}</PageTitle>
      <Stack maw={640}>
        {expired ? (
          <Alert color="red" role="alert" data-testid="survey-expired">
            {token ? t('citizen.survey.expired') : t('survey.missingToken')}
          </Alert>
        ) : survey.error ? (
          <ErrorState error={survey.error} />
        ) : null}
        {survey.isLoading ? <Loading /> : null}
        {view ? (
          <>
            <Card withBorder data-testid="survey-answer">
              <Title order={2} size="h5">
                {t('citizen.survey.answerTitle')}: {view.title}
              </Title>
              {view.answeredAt ? (
                <Text size="sm" c="dimmed" mb="xs">
                  {t('citizen.survey.answeredBy', {
                    team: english ? view.team.nameEn : view.team.name,
                    at: formatDateTime(view.answeredAt, i18n.language),
                  })}
                </Text>
              ) : null}
              <Text style={{ whiteSpace: 'pre-wrap' }}>{view.answer ?? t('citizen.survey.noAnswer')}</Text>
            </Card>
            <Card withBorder>
              {view.canRate ? (
                <ActionForm
                  id="survey"
                  fields={[
                    { name: 'score', label: t('survey.score'), kind: 'rating', required: true },
                    { name: 'comment', label: t('survey.comment'), kind: 'textarea' },
                  ]}
                  submitLabel={t('survey.submit')}
                  submit={(body) =>
                    api(`/api/complaints/${encodeURIComponent(receiptNo)}/rating${query}`, { body })
                  }
                  onDone={() => refresh(undefined)}
                />
              ) : view.canReopen ? (
                <Stack data-testid="survey-reopen">
                  <Text role="status" data-testid="survey-thanks">
                    {t('survey.thanks')}
                  </Text>
                  <Alert color="yellow">{t('citizen.survey.lowScore')}</Alert>
                  <ActionForm
                    id="reopen"
                    fields={[
                      {
                        name: 'reason',
                        label: t('citizen.survey.reopenReason'),
                        kind: 'textarea',
                        required: true,
                      },
                    ]}
                    submitLabel={t('citizen.survey.reopen')}
                    submit={(body) =>
                      api(`/api/complaints/${encodeURIComponent(receiptNo)}/survey/reopen${query}`, { body })
                    }
                    onDone={refresh}
                  />
                </Stack>
              ) : view.satisfaction === null && view.stage === 'in_progress' ? (
                <Text role="status" data-testid="survey-reopened">
                  {t('citizen.survey.reopened')}
                </Text>
              ) : view.satisfaction ? (
                <Text role="status" data-testid="survey-thanks">
                  {t('citizen.survey.alreadyRated', { score: view.satisfaction.score })}
                </Text>
              ) : (
                <Text role="status">{t('citizen.survey.closed')}</Text>
              )}
              <Button
                component={Link}
                to={`/my-space?receiptNo=${encodeURIComponent(receiptNo)}`}
                variant="default"
                mt="md"
              >
                {t('nav.mySpace')}
              </Button>
            </Card>
          </>
        ) : null}
      </Stack>
    </>
  );
}
