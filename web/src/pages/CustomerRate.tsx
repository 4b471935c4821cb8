import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { Alert, Card, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { ActionForm } from '../ActionForm.tsx';
import { ErrorState, Loading, PageTitle } from '../components.tsx';
import { formatDateTime } from '../format.ts';

interface RatingView {
  taskId: string;
  title: string;
  closesAt: string;
  rated: { score: number; comment: string | null } | null;
}

/** The rating link from the completion mail: no sign-in, the token authorises one rating. */
export default function CustomerRate() {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [done, setDone] = useState(false);
  const link = useQuery({
    queryKey: ['customer-rating', token],
    queryFn: () => api<RatingView>(`/api/customer/rating?token=${encodeURIComponent(token)}`),
    enabled: !!token,
    retry: false,
  });
  return (
    <>
      <PageTitle lead={link.data ? t('customers.rate.lead', { title: link.data.title }) : undefined}>
        {t('customers.rate.title')}
      </PageTitle>
      <Card withBorder maw={560}>
        {!token ? (
          <Alert color="red" role="alert">
            {t('customers.rate.missingToken')}
          </Alert>
        ) : link.error ? (
          <ErrorState error={link.error} />
        ) : !link.data ? (
          <Loading />
        ) : done ? (
          <Text role="status" data-testid="customer-rating-thanks">
            {t('customers.rate.thanks')}
          </Text>
        ) : link.data.rated ? (
          <Text role="status">{t('customers.rate.already', { score: link.data.rated.score })}</Text>
        ) : (
          <Stack>
            <Text size="sm">
              {t('customers.rate.closes', { at: formatDateTime(link.data.closesAt, i18n.language) })}
            </Text>
            <ActionForm
              id="customer-rating"
              fields={[
                { name: 'score', label: t('customers.fields.score'), kind: 'rating', required: true },
                { name: 'comment', label: t('customers.fields.comment'), kind: 'textarea' },
              ]}
              submitLabel={t('customers.rate.submit')}
              submit={(body) => api('/api/customer/rating', { body: { ...body, token } })}
              onDone={() => setDone(true)}
            />
          </Stack>
        )}
      </Card>
    </>
  );
}
