import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import {
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { ErrorState, Loading, ScrollTable, StageBadge, StaffPage } from '../components.tsx';
import { formatDateTime, localName } from '../format.ts';
import type { Named } from '../types.ts';
import { CannedAnswersAdmin } from '../CannedAnswers.tsx';
import { useMe } from '../session.ts';

interface ListItem {
  receiptNo: string;
  title: string;
  stage: string;
  category: Named;
  team: Named;
  handler: { employeeNo: string; name: string; nameEn: string } | null;
  citizen: string;
  receivedAt: string;
  dueAt: string;
  overdue: boolean;
}

interface Filters {
  queue: string | null;
  q: string;
  stage: string | null;
  overdue: boolean;
  sort: '-receivedAt' | 'dueAt';
}

const stages = [
  'received',
  'assigned',
  'in_progress',
  'waiting_citizen',
  'in_review',
  'awaiting_rating',
  'closed',
  'withdrawn',
];

function query(filters: Filters, cursor: string | null): string {
  const params = new URLSearchParams({ sort: filters.sort, limit: '30' });
  if (filters.queue) params.set('queue', filters.queue);
  if (filters.q.trim().length >= 2) params.set('q', filters.q.trim());
  if (filters.stage) params.set('stage', filters.stage);
  if (filters.overdue) params.set('overdue', 'true');
  if (cursor) params.set('cursor', cursor);
  return `/api/complaints?${params.toString()}`;
}

function Queues({ active, choose }: { active: string | null; choose: (queue: string | null) => void }) {
  const { t } = useTranslation();
  const queues = useQuery({
    queryKey: ['complaint-queues'],
    queryFn: () => api<{ queues: { id: string; count: number }[] }>('/api/complaints/queues'),
    refetchInterval: 30_000,
  });
  if (queues.error) return <ErrorState error={queues.error} />;
  if (!queues.data) return <Loading />;
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
      {queues.data.queues.map((queue) => (
        <UnstyledButton
          key={queue.id}
          onClick={() => choose(active === queue.id ? null : queue.id)}
          aria-pressed={active === queue.id}
          data-testid={`queue-${queue.id}`}
        >
          <Card withBorder bg={active === queue.id ? 'blue.0' : undefined}>
            <Text size="sm">{t(`casework.home.queue.${queue.id}`)}</Text>
            <Text fw={700} size="xl" data-testid="queue-count">
              {t('casework.home.count', { count: queue.count })}
            </Text>
          </Card>
        </UnstyledButton>
      ))}
    </SimpleGrid>
  );
}

function Results({ filters }: { filters: Filters }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const list = useInfiniteQuery({
    queryKey: ['complaints', filters],
    queryFn: ({ pageParam }) =>
      api<{ items: ListItem[]; nextCursor: string | null }>(query(filters, pageParam)),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  if (list.error) return <ErrorState error={list.error} />;
  if (!list.data) return <Loading />;
  const items = list.data.pages.flatMap((page) => page.items);
  if (items.length === 0) return <Text>{t('casework.home.empty')}</Text>;
  return (
    <Stack>
      <ScrollTable
        minWidth={900}
        testId="complaint-list"
        columns={[
          t('casework.home.receiptNo'),
          t('casework.home.subject'),
          t('casework.home.stage'),
          t('casework.home.category'),
          t('casework.home.handler'),
          t('casework.home.citizen'),
          t('casework.home.received'),
          t('casework.home.due'),
        ]}
      >
        {items.map((item) => (
          <Table.Tr key={item.receiptNo} data-testid="complaint-row" data-id={item.receiptNo}>
            <Table.Td>
              <Anchor component={Link} to={`/complaints/${item.receiptNo}`}>
                {item.receiptNo}
              </Anchor>
            </Table.Td>
            <Table.Td>{item.title}</Table.Td>
            <Table.Td>
              <StageBadge stage={item.stage} />
            </Table.Td>
            <Table.Td>{localName(item.category, lang)}</Table.Td>
            <Table.Td>{item.handler ? localName(item.handler, lang) : '—'}</Table.Td>
            <Table.Td>{item.citizen}</Table.Td>
            <Table.Td>{formatDateTime(item.receivedAt, lang)}</Table.Td>
            <Table.Td>
              {formatDateTime(item.dueAt, lang)}{' '}
              {item.overdue ? <Badge color="red.9">{t('stuck.overdue')}</Badge> : null}
            </Table.Td>
          </Table.Tr>
        ))}
      </ScrollTable>
      {list.hasNextPage ? (
        <Group>
          <Button variant="light" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            {t('casework.home.more')}
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}

/** The staff home page: saved queues with counts, then search and filters over what the person may read. */
export default function Casework() {
  const { t } = useTranslation();
  const { me } = useMe();
  const [filters, setFilters] = useState<Filters>({
    queue: null,
    q: '',
    stage: null,
    overdue: false,
    sort: '-receivedAt',
  });
  const [typed, setTyped] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilters((f) => ({ ...f, q: typed }));
  };
  return (
    <StaffPage title={t('casework.home.title')} lead={t('casework.home.lead')}>
      <Stack>
        <Title order={2} size="h4">
          {t('casework.home.queues')}
        </Title>
        <Queues active={filters.queue} choose={(queue) => setFilters((f) => ({ ...f, queue }))} />
        <Card withBorder>
          <form onSubmit={submit}>
            <Group align="end">
              <TextInput
                label={t('casework.home.search')}
                description={t('casework.home.searchHint')}
                value={typed}
                onChange={(e) => setTyped(e.currentTarget.value)}
                data-testid="search"
                miw={260}
              />
              <Select
                label={t('casework.home.stage')}
                placeholder={t('casework.home.anyStage')}
                data={stages.map((stage) => ({ value: stage, label: t(`stage.${stage}`) }))}
                value={filters.stage}
                onChange={(stage) => setFilters((f) => ({ ...f, stage }))}
                clearable
              />
              <Select
                label={t('casework.home.sort')}
                data={[
                  { value: '-receivedAt', label: t('casework.home.sortNewest') },
                  { value: 'dueAt', label: t('casework.home.sortDue') },
                ]}
                value={filters.sort}
                onChange={(sort) =>
                  setFilters((f) => ({ ...f, sort: (sort as Filters['sort']) ?? '-receivedAt' }))
                }
                allowDeselect={false}
              />
              <Checkbox
                label={t('casework.home.overdueOnly')}
                checked={filters.overdue}
                onChange={(e) => setFilters((f) => ({ ...f, overdue: e.currentTarget.checked }))}
                mb={8}
              />
              <Button type="submit">{t('casework.home.search')}</Button>
            </Group>
          </form>
        </Card>
        <Results filters={filters} />
        {me && (me.role === 'TEAM_LEADER' || me.role === 'ADMIN') ? <CannedAnswersAdmin me={me} /> : null}
      </Stack>
    </StaffPage>
  );
}
