import { Fragment, useState } from 'react';
import { Link } from 'react-router';
import { Accordion, Anchor, Badge, Group, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { ErrorState, Loading, PageTitle } from '../components.tsx';
import { formatDateTime } from '../format.ts';

interface Mail {
  id: number;
  receivedAt: string;
  from: string;
  to: string;
  subject: string;
  text: string;
}

const URL_PATTERN = /(https?:\/\/[^\s]+|\/(?:my-space|survey|inbox|complaints|tasks|customer)[^\s]*)/g;

/** Links in mails point at PUBLIC_URL; inside the portal they open as in-app pages. */
function MailText({ text }: { text: string }) {
  const parts = text.split(URL_PATTERN);
  return (
    <pre className="mail-text">
      {parts.map((part, index) => {
        if (index % 2 === 0) return <Fragment key={index}>{part}</Fragment>;
        const url = new URL(part, window.location.origin);
        const inApp = /^\/(my-space|survey|inbox|complaints|tasks|customer)/.test(url.pathname);
        return inApp ? (
          <Anchor key={index} component={Link} to={`${url.pathname}${url.search}`}>
            {part}
          </Anchor>
        ) : (
          <Anchor key={index} href={part}>
            {part}
          </Anchor>
        );
      })}
    </pre>
  );
}

export default function Mailbox() {
  const { t, i18n } = useTranslation();
  const [to, setTo] = useState('');
  const [debouncedTo] = useDebouncedValue(to.trim(), 300);
  const mails = useQuery({
    queryKey: ['mailbox', debouncedTo],
    queryFn: () =>
      api<{ mails: Mail[] }>(
        `/api/dev/mailbox?limit=100${debouncedTo ? `&to=${encodeURIComponent(debouncedTo)}` : ''}`,
      ),
    refetchInterval: 4_000,
  });
  return (
    <>
      <PageTitle lead={t('mailbox.lead')}>{t('mailbox.title')}</PageTitle>
      <Stack>
        <TextInput
          label={t('mailbox.filter')}
          value={to}
          onChange={(e) => setTo(e.currentTarget.value)}
          maw={360}
          type="search"
        />
        {mails.error ? <ErrorState error={mails.error} /> : null}
        {mails.isLoading ? <Loading /> : null}
        {mails.data?.mails.length === 0 ? <Text>{t('mailbox.empty')}</Text> : null}
        <Accordion variant="separated" multiple data-testid="mails">
          {mails.data?.mails.map((mail) => (
            <Accordion.Item key={mail.id} value={String(mail.id)} data-testid="mail">
              <Accordion.Control>
                <Group gap="xs" wrap="wrap">
                  <Text fw={600} size="sm">
                    {mail.subject}
                  </Text>
                  <Badge variant="outline" color="gray.8" tt="none">
                    {mail.to}
                  </Badge>
                  <Text size="xs" c="dimmed">
                    {formatDateTime(mail.receivedAt, i18n.language)}
                  </Text>
                </Group>
              </Accordion.Control>
              <Accordion.Panel>
                <Text size="xs" c="dimmed" mb="xs">
                  {t('mailbox.from')}: {mail.from}
                </Text>
                <MailText text={mail.text} />
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
      </Stack>
    </>
  );
}
