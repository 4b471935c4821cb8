import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { Alert, Button, Card, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { ActionForm } from '../ActionForm.tsx';
import { PageTitle } from '../components.tsx';

/** The survey link from the mail: no sign-in, the token in the link authorises one rating. */
export default function Survey() {
  const { t } = useTranslation();
  const { receiptNo = '' } = useParams();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [done, setDone] = useState(false);
  return (
    <>
      <PageTitle lead={t('survey.lead', { receiptNo })}>{t('survey.title')}</PageTitle>
      <Card withBorder maw={560}>
        {!token ? (
          <Alert color="red" role="alert">
            {t('survey.missingToken')}
          </Alert>
        ) : done ? (
          <Stack>
            <Text role="status" data-testid="survey-thanks">
              {t('survey.thanks')}
            </Text>
            <Button
              component={Link}
              to={`/my-space?receiptNo=${encodeURIComponent(receiptNo)}`}
              variant="default"
            >
              {t('nav.mySpace')}
            </Button>
          </Stack>
        ) : (
          <ActionForm
            id="survey"
            fields={[
              { name: 'score', label: t('survey.score'), kind: 'rating', required: true },
              { name: 'comment', label: t('survey.comment'), kind: 'textarea' },
            ]}
            submitLabel={t('survey.submit')}
            submit={(body) =>
              api(
                `/api/complaints/${encodeURIComponent(receiptNo)}/rating?token=${encodeURIComponent(token)}`,
                { body },
              )
            }
            onDone={() => setDone(true)}
          />
        )}
      </Card>
    </>
  );
}
