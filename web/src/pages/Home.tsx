import { Link } from 'react-router';
import { Button, Card, SimpleGrid, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageTitle } from '../components.tsx';
import { useMe } from '../session.ts';

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
    </>
  );
}
