import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from './api.ts';
import { ErrorState, Loading } from './components.tsx';
import { formatDateTime } from './format.ts';
import type { ComplaintView } from './types.ts';

interface CitizenComplaint {
  receiptNo: string;
  title: string;
  stage: string;
  category: { code: string; name: string; nameEn: string };
  receivedAt: string;
}

/**
 * The citizen's session from a mailed sign-in link. A `token` in the address is spent once (the server
 * refuses it a second time) and then removed from the address bar.
 */
export function useCitizenSession() {
  const client = useQueryClient();
  const [params, setParams] = useSearchParams();
  const token = params.get('token');
  const spent = useRef<string | null>(null);
  const open = useMutation({
    mutationFn: (linkToken: string) =>
      api<{ email: string }>('/api/citizen/session', { body: { token: linkToken } }),
    onSettled: () => void client.invalidateQueries({ queryKey: ['citizen-session'] }),
  });
  useEffect(() => {
    if (!token || spent.current === token) return;
    spent.current = token;
    open.mutate(token, {
      onSettled: () =>
        setParams(
          (current) => {
            current.delete('token');
            return current;
          },
          { replace: true },
        ),
    });
  }, [token, open, setParams]);
  const session = useQuery({
    queryKey: ['citizen-session'],
    queryFn: () => api<{ email: string | null }>('/api/citizen/session'),
    staleTime: 60_000,
  });
  const signOut = async () => {
    await api('/api/citizen/session', { method: 'DELETE' });
    await client.invalidateQueries({ queryKey: ['citizen-session'] });
    client.removeQueries({ queryKey: ['citizen-complaints'] });
  };
  return {
    email: session.data?.email ?? null,
    opening: open.isPending || (!!token && spent.current !== token),
    linkRefused: open.error instanceof ApiError && open.error.code === 'LINK_EXPIRED',
    linkError:
      open.error && !(open.error instanceof ApiError && open.error.code === 'LINK_EXPIRED')
        ? open.error
        : null,
    signOut,
  };
}

/** "Send me a sign-in link": the same answer whether or not the address is known. */
export function SignInLinkForm() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const send = useMutation({
    mutationFn: () => api('/api/citizen/sign-in-link', { body: { email: email.trim() } }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (email.trim()) send.mutate();
  };
  return (
    <Card withBorder maw={520} data-testid="sign-in-link">
      <form onSubmit={submit}>
        <Stack>
          <Title order={2} size="h4">
            {t('citizen.signIn.title')}
          </Title>
          <Text size="sm">{t('citizen.signIn.lead')}</Text>
          <TextInput
            label={t('citizen.signIn.email')}
            type="email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            required
            autoComplete="email"
          />
          {send.isSuccess ? (
            <Alert color="green" role="status" data-testid="sign-in-link-sent">
              {t('citizen.signIn.sent')}
            </Alert>
          ) : null}
          {send.error ? <ErrorState error={send.error} /> : null}
          <Group>
            <Button type="submit" variant="light" loading={send.isPending}>
              {t('citizen.signIn.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/** Every complaint filed with the signed-in address, newest first. */
export function MyComplaints({ email, onSignOut }: { email: string; onSignOut: () => void }) {
  const { t, i18n } = useTranslation();
  const complaints = useQuery({
    queryKey: ['citizen-complaints', email],
    queryFn: () => api<CitizenComplaint[]>('/api/citizen/complaints'),
  });
  return (
    <Card withBorder data-testid="my-complaints">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          {t('citizen.signIn.list')}
        </Title>
        <Group gap="xs">
          <Text size="sm">{t('citizen.signIn.signedInAs', { email })}</Text>
          <Button variant="subtle" size="compact-sm" onClick={onSignOut}>
            {t('citizen.signIn.signOut')}
          </Button>
        </Group>
      </Group>
      {complaints.isLoading ? <Loading /> : null}
      {complaints.error ? <ErrorState error={complaints.error} /> : null}
      {complaints.data && complaints.data.length === 0 ? <Text>{t('citizen.signIn.empty')}</Text> : null}
      {complaints.data && complaints.data.length > 0 ? (
        <Table.ScrollContainer minWidth={480}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('citizen.signIn.receiptNo')}</Table.Th>
                <Table.Th>{t('citizen.signIn.subject')}</Table.Th>
                <Table.Th>{t('citizen.signIn.stage')}</Table.Th>
                <Table.Th>{t('citizen.signIn.receivedAt')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {complaints.data.map((c) => (
                <Table.Tr key={c.receiptNo} data-testid="my-complaint" data-id={c.receiptNo}>
                  <Table.Td>
                    <Anchor component={Link} to={`/my-space?receiptNo=${encodeURIComponent(c.receiptNo)}`}>
                      {c.receiptNo}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{c.title}</Table.Td>
                  <Table.Td>
                    <Badge variant="light">{t(`stage.${c.stage}`)}</Badge>
                  </Table.Td>
                  <Table.Td>{formatDateTime(c.receivedAt, i18n.language)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
    </Card>
  );
}

/** The phone and place the citizen gave when filing. */
export function FiledDetails({ complaint }: { complaint: ComplaintView }) {
  const { t } = useTranslation();
  const { citizenPhone, location } = complaint;
  if (!citizenPhone && !location) return null;
  return (
    <Card withBorder data-testid="filed-details">
      <Title order={2} size="h5" mb="xs">
        {t('citizen.details.title')}
      </Title>
      {citizenPhone ? (
        <Text size="sm">
          {t('citizen.details.phone')}: {citizenPhone}
        </Text>
      ) : null}
      {location?.address ? (
        <Text size="sm">
          {t('citizen.details.place')}: {location.address}
        </Text>
      ) : null}
      {location && location.latitude !== null && location.longitude !== null ? (
        <Text size="sm">
          {t('citizen.details.coordinates')}: {location.latitude}, {location.longitude}
        </Text>
      ) : null}
    </Card>
  );
}
