import { Link } from 'react-router';
import { Button, Card, SimpleGrid, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { formatNumber } from '../format.ts';
import { PageTitle } from '../components.tsx';
import { useMe } from '../session.ts';

interface ComplaintFigures {
  closed: number;
  averageBusinessDays: number | null;
  averageSatisfaction: number | null;
  slaMetRate: number | null;
}

/** The live figures the ministry is judged by: processing time, satisfaction and timeliness. */
function ComplaintStats() {
  const { t, i18n } = useTranslation();
  const stats = useQuery({
    queryKey: ['complaint-stats'],
    queryFn: () => api<{ year: number; overall: ComplaintFigures }>('/api/stats/complaints'),
    refetchInterval: 30_000,
  });
  if (!stats.data) return null;
  const { year, overall } = stats.data;
  const figures = [
    { label: t('home.statsClosed'), value: formatNumber(overall.closed, i18n.language, 0) },
    { label: t('home.statsDays'), value: formatNumber(overall.averageBusinessDays, i18n.language, 1) },
    {
      label: t('home.statsSatisfaction'),
      value: formatNumber(overall.averageSatisfaction, i18n.language, 1),
    },
    {
      label: t('home.statsSla'),
      value:
        overall.slaMetRate === null ? '-' : `${formatNumber(overall.slaMetRate * 100, i18n.language, 0)}%`,
    },
  ];
  return (
    <Card withBorder padding="lg" mt="lg" aria-labelledby="complaint-stats-title">
      <Title id="complaint-stats-title" order={2} size="h4" mb="sm">
        {t('home.statsTitle', { year })}
      </Title>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        {figures.map((figure) => (
          <div key={figure.label}>
            <Text size="xl" fw={700}>
              {figure.value}
            </Text>
            <Text size="sm">{figure.label}</Text>
          </div>
        ))}
      </SimpleGrid>
    </Card>
  );
}

export function Home() {
  const { t } = useTranslation();
  const { me } = useMe();
  const cards = [
    { title: t('home.fileCta'), text: t('home.fileText'), to: '/file' },
    { title: t('home.myCta'), text: t('home.myText'), to: '/my-space' },
    me
      ? { title: t('nav.inbox'), text: t('inbox.lead'), to: '/inbox' }
      : { title: t('home.staffCta'), text: t('home.staffText'), to: '/signin' },
  ];
  return (
    <>
      <PageTitle lead={t('home.lead')}>{t('home.title')}</PageTitle>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        {cards.map((card) => (
          <Card key={card.to} withBorder padding="lg">
            <Title order={2} size="h4" mb="xs">
              {card.title}
            </Title>
            <Text size="sm" mb="md">
              {card.text}
            </Text>
            <Button component={Link} to={card.to} mt="auto">
              {card.title}
            </Button>
          </Card>
        ))}
      </SimpleGrid>
      <ComplaintStats />
    </>
  );
}
