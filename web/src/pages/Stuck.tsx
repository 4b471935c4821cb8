import { Link } from 'react-router';
import { Anchor, Badge, Button, Table, Text, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { ErrorState, Loading, PageTitle, StaffOnly, StageBadge } from '../components.tsx';
import { formatDateTime } from '../format.ts';
import { itemLink } from './Inbox.tsx';

interface StuckItem {
  kind: 'complaint' | 'task';
  id: string;
  title: string;
  team: string;
  stage: string;
  dueAt: string | null;
  reason: string;
}

function StuckList() {
  const { t, i18n } = useTranslation();
  const stuck = useQuery({
    queryKey: ['stuck'],
    queryFn: () => api<{ items: StuckItem[] }>('/api/manager/stuck'),
    refetchInterval: (query) => (query.state.error ? false : 5_000),
  });
  if (stuck.error) return <ErrorState error={stuck.error} />;
  if (stuck.isLoading) return <Loading />;
  const items = stuck.data?.items ?? [];
  if (items.length === 0) return <Text>{t('stuck.empty')}</Text>;
  const now = Date.now();
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped highlightOnHover data-testid="stuck-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('inbox.kind')}</Table.Th>
            <Table.Th scope="col">{t('inbox.id')}</Table.Th>
            <Table.Th scope="col">{t('inbox.subject')}</Table.Th>
            <Table.Th scope="col">{t('stuck.team')}</Table.Th>
            <Table.Th scope="col">{t('inbox.step')}</Table.Th>
            <Table.Th scope="col">{t('inbox.due')}</Table.Th>
            <Table.Th scope="col">{t('stuck.reason')}</Table.Th>
            <Table.Th scope="col">
              <VisuallyHidden>{t('stuck.reassign')}</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item) => {
            const overdue = item.dueAt !== null && new Date(item.dueAt).getTime() < now;
            return (
              <Table.Tr key={`${item.kind}:${item.id}`} data-testid="stuck-item" data-id={item.id}>
                <Table.Td>{t(`inbox.${item.kind}`)}</Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={itemLink(item)}>
                    {item.id}
                  </Anchor>
                </Table.Td>
                <Table.Td>{item.title}</Table.Td>
                <Table.Td>{item.team}</Table.Td>
                <Table.Td>
                  <StageBadge stage={item.stage} />
                </Table.Td>
                <Table.Td>
                  {formatDateTime(item.dueAt, i18n.language)}{' '}
                  {overdue ? (
                    <Badge color="red.9" variant="filled">
                      {t('stuck.overdue')}
                    </Badge>
                  ) : null}
                </Table.Td>
                <Table.Td>{item.reason}</Table.Td>
                <Table.Td>
                  <Button component={Link} to={itemLink(item)} size="compact-sm" variant="default">
                    {item.kind === 'complaint' ? t('stuck.reassign') : t('common.open')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export default function Stuck() {
  const { t } = useTranslation();
  return (
    <>
      <PageTitle lead={t('stuck.lead')}>{t('stuck.title')}</PageTitle>
      <StaffOnly>
        <StuckList />
      </StaffOnly>
    </>
  );
}
