import { Link } from 'react-router';
import { Anchor, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { ActionForm } from '../ActionForm.tsx';
import { ErrorState, LightBadge, Loading, StaffPage, StageBadge } from '../components.tsx';
import { formatDateTime } from '../format.ts';
import type { ComplaintView } from '../types.ts';
import { reviewFields } from '../review-fields.ts';
import { itemLink, useInbox, type InboxItem } from './Inbox.tsx';

const isReview = (item: InboxItem) => item.actions.some((a) => /review|approv/.test(a));

/**
 * A task's pending step (`leader-review`, `final-approval`, …) answered here with approve/return and an
 * opinion through the task's `review` action; a quality review needs a score and opens on the task page.
 */
const answeredHere = (item: InboxItem) =>
  item.kind === 'complaint' || /^(leader|director|head)-review$|^final-approval$/.test(item.step);

function DraftPreview({ receiptNo }: { receiptNo: string }) {
  const { t } = useTranslation();
  const complaint = useQuery({
    queryKey: ['complaint', receiptNo, 'staff'],
    queryFn: () => api<ComplaintView>(`/api/complaints/${receiptNo}`),
  });
  const draft = complaint.data?.draftAnswer ?? complaint.data?.answer;
  if (!draft) return null;
  return (
    <Card withBorder bg="gray.0" p="sm">
      <Text size="sm" fw={600}>
        {t('work.answer')}
      </Text>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
        {draft}
      </Text>
    </Card>
  );
}

function ReviewCard({ item }: { item: InboxItem }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const url =
    item.kind === 'task'
      ? `/api/tasks/${encodeURIComponent(item.id)}/actions/review`
      : `/api/complaints/${encodeURIComponent(item.id)}/actions/review`;
  return (
    <Card withBorder data-testid="review-item" data-id={item.id}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h5">
            <Anchor component={Link} to={itemLink(item)}>
              {item.id}
            </Anchor>{' '}
            · {item.title}
          </Title>
          <Group gap="xs">
            <StageBadge stage={item.stage} />
            <LightBadge light={item.light} />
            <Text size="sm">{formatDateTime(item.dueAt, i18n.language)}</Text>
          </Group>
        </Group>
        {item.kind === 'complaint' ? <DraftPreview receiptNo={item.id} /> : null}
        {answeredHere(item) ? (
          <ActionForm
            id={`review-${item.id}`}
            fields={reviewFields(t)}
            submitLabel={t('work.run')}
            submit={(body) => api(url, { body })}
            onDone={() => void client.invalidateQueries({ queryKey: ['inbox'] })}
          />
        ) : (
          <Group>
            <Button component={Link} to={itemLink(item)} variant="default">
              {t('common.open')}
            </Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}

function ReviewQueue() {
  const { t } = useTranslation();
  const inbox = useInbox();
  if (inbox.error) return <ErrorState error={inbox.error} />;
  if (inbox.isLoading) return <Loading />;
  const items = (inbox.data ?? []).filter(isReview);
  if (items.length === 0) return <Text>{t('reviews.empty')}</Text>;
  return (
    <Stack>
      {items.map((item) => (
        <ReviewCard key={`${item.kind}:${item.id}`} item={item} />
      ))}
    </Stack>
  );
}

export default function Reviews() {
  const { t } = useTranslation();
  return (
    <StaffPage title={t('reviews.title')} lead={t('reviews.lead')}>
      <ReviewQueue />
    </StaffPage>
  );
}
