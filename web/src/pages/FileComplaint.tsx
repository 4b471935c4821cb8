import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Code,
  Fieldset,
  Group,
  List,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { api, fieldErrors, withFiles } from '../api.ts';
import { FilePicker, attachmentProblem } from '../Attachments.tsx';
import { ErrorState, PageTitle } from '../components.tsx';
import { fieldIssueText } from '../error-text.ts';
import { formatDate, formatDateTime } from '../format.ts';
import { rememberAccess } from './MySpace.tsx';
import { CONSENT_VERSION } from '../locales/citizen.ts';

const PHONE = /^\+?[0-9][0-9 -]{6,18}[0-9]$/;

interface Category {
  code: string;
  name: string;
  nameEn: string;
  kind: string;
  team: string;
  teamName: string;
  slaDays: number;
}

interface SimilarOwn {
  receiptNo: string;
  title: string;
  stage: string;
  receivedAt: string;
  answeredAt: string | null;
}

/**
 * While the citizen types: their own open or recent complaints like this one (§23 repeats). Only a citizen
 * signed in by the mailed link gets any; an e-mail typed into the form proves nothing.
 */
function SimilarOwnComplaints({
  categoryCode,
  title,
  body,
}: {
  categoryCode: string;
  title: string;
  body: string;
}) {
  const { t, i18n } = useTranslation();
  const [text] = useDebouncedValue(`${title.trim()}\u0000${body.trim()}`, 500);
  const [debouncedTitle = '', debouncedBody = ''] = text.split('\u0000');
  const similar = useQuery({
    queryKey: ['citizen-similar', categoryCode, text],
    queryFn: () =>
      api<{ signedIn: boolean; similar: SimilarOwn[] }>('/api/citizen/similar', {
        body: {
          ...(categoryCode ? { categoryCode } : {}),
          title: debouncedTitle,
          body: debouncedBody,
        },
      }),
    enabled: debouncedTitle.length + debouncedBody.length >= 4,
    staleTime: 30_000,
  });
  if (!similar.data) return null;
  if (!similar.data.signedIn) {
    return (
      <Text size="sm" c="dimmed" data-testid="similar-sign-in-hint">
        {t('repeat.filing.signInHint')}
      </Text>
    );
  }
  if (similar.data.similar.length === 0) return null;
  return (
    <Alert color="blue" title={t('repeat.filing.title')} data-testid="similar-own">
      <Stack gap={4}>
        {similar.data.similar.map((item) => (
          <Text size="sm" key={item.receiptNo} data-testid="similar-own-item">
            {t('repeat.filing.item', {
              date: formatDate(item.receivedAt, i18n.language),
              receiptNo: item.receiptNo,
              stage: t(`stage.${item.stage}`, { defaultValue: item.stage }),
            })}{' '}
            <Anchor component={Link} to={`/my-space?receiptNo=${encodeURIComponent(item.receiptNo)}`}>
              {t('repeat.filing.open')}
            </Anchor>
          </Text>
        ))}
        <Text size="sm">{t('repeat.filing.hint')}</Text>
      </Stack>
    </Alert>
  );
}

interface Filed {
  receiptNo: string;
  accessCode: string;
  stage: string;
  dueAt: string;
}

export default function FileComplaint() {
  const { t, i18n } = useTranslation();
  const categories = useQuery({
    queryKey: ['categories'],
    queryFn: () => api<Category[]>('/api/categories'),
    staleTime: 300_000,
  });
  const [form, setForm] = useState({
    categoryCode: '',
    title: '',
    body: '',
    name: '',
    email: '',
    phone: '',
    address: '',
    latitude: '',
    longitude: '',
  });
  const [consented, setConsented] = useState(false);
  const [files, setFiles] = useState<File[]>([]);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const file = useMutation({
    mutationFn: () =>
      api<Filed>('/api/complaints', {
        body: withFiles(
          {
            categoryCode: form.categoryCode,
            title: form.title.trim(),
            body: form.body.trim(),
            citizen: {
              name: form.name.trim(),
              email: form.email.trim(),
              ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
            },
            ...(form.address.trim() || form.latitude.trim()
              ? {
                  location: {
                    ...(form.address.trim() ? { address: form.address.trim() } : {}),
                    ...(form.latitude.trim()
                      ? { latitude: Number(form.latitude), longitude: Number(form.longitude) }
                      : {}),
                  },
                }
              : {}),
            consent: { version: CONSENT_VERSION, agreed: consented },
          },
          files,
        ),
        headers: { 'idempotency-key': idempotencyKey },
      }),
    onSuccess: (filed) => rememberAccess(filed.receiptNo, filed.accessCode),
  });

  const serverErrors = fieldErrors(file.error, fieldIssueText);
  const errorOf = (field: string) => localErrors[field] ?? serverErrors[field];
  const set = (field: keyof typeof form) => (value: string) => setForm((f) => ({ ...f, [field]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const missing: Record<string, string> = {};
    if (!form.categoryCode) missing.categoryCode = t('file.required');
    if (!form.title.trim()) missing.title = t('file.required');
    if (!form.body.trim()) missing.body = t('file.required');
    if (!form.name.trim()) missing['citizen.name'] = t('file.required');
    if (!form.email.trim()) missing['citizen.email'] = t('file.required');
    if (form.phone.trim() && !PHONE.test(form.phone.trim()))
      missing['citizen.phone'] = t('citizen.filing.phoneInvalid');
    if (!form.latitude.trim() !== !form.longitude.trim())
      missing['location.latitude'] = t('citizen.filing.coordinatesTogether');
    if (!consented) missing['consent.agreed'] = t('citizen.filing.consentRequired');
    const fileProblem = attachmentProblem(files, t, i18n.language);
    if (fileProblem) missing.files = fileProblem;
    setLocalErrors(missing);
    if (Object.keys(missing).length === 0) file.mutate();
  };

  if (file.data) {
    const filed = file.data;
    return (
      <>
        <PageTitle>{t('file.done')}</PageTitle>
        <Paper withBorder p="lg" maw={560} data-testid="filed">
          <Stack gap="sm">
            <Text>
              {t('file.receiptNo')}:{' '}
              <Code fz="lg" data-testid="receipt-no">
                {filed.receiptNo}
              </Code>
            </Text>
            <Text>
              {t('file.accessCode')}:{' '}
              <Code fz="lg" data-testid="access-code">
                {filed.accessCode}
              </Code>
            </Text>
            <Text>
              {t('file.dueAt')}: {formatDateTime(filed.dueAt, i18n.language)}
            </Text>
            <Alert color="yellow">{t('file.keepCode')}</Alert>
            <Group>
              <Button component={Link} to={`/my-space?receiptNo=${encodeURIComponent(filed.receiptNo)}`}>
                {t('file.goMySpace')}
              </Button>
            </Group>
          </Stack>
        </Paper>
      </>
    );
  }

  const chosen = categories.data?.find((c) => c.code === form.categoryCode);
  const generalError = file.error && Object.keys(serverErrors).length === 0 ? file.error : null;
  return (
    <>
      <PageTitle>{t('file.title')}</PageTitle>
      <form onSubmit={submit} noValidate>
        <Stack maw={640}>
          {categories.error ? <ErrorState error={categories.error} /> : null}
          <Select
            label={t('file.category')}
            description={
              chosen
                ? t('file.categoryInfo', { team: chosen.teamName, days: chosen.slaDays })
                : t('file.categoryHint')
            }
            data={(categories.data ?? []).map((c) => ({
              value: c.code,
              label: i18n.language === 'en' ? c.nameEn : c.name,
            }))}
            value={form.categoryCode || null}
            onChange={(value) => set('categoryCode')(value ?? '')}
            error={errorOf('categoryCode')}
            required
            searchable
            data-testid="category"
          />
          <TextInput
            label={t('file.subject')}
            value={form.title}
            onChange={(e) => set('title')(e.currentTarget.value)}
            error={errorOf('title')}
            required
            maxLength={200}
          />
          <Textarea
            label={t('file.body')}
            value={form.body}
            onChange={(e) => set('body')(e.currentTarget.value)}
            error={errorOf('body')}
            required
            autosize
            minRows={5}
          />
          <SimilarOwnComplaints categoryCode={form.categoryCode} title={form.title} body={form.body} />
          <Group grow align="flex-start">
            <TextInput
              label={t('file.name')}
              value={form.name}
              onChange={(e) => set('name')(e.currentTarget.value)}
              error={errorOf('citizen.name')}
              required
              autoComplete="name"
            />
            <TextInput
              label={t('file.email')}
              type="email"
              description={t('file.emailHint')}
              value={form.email}
              onChange={(e) => set('email')(e.currentTarget.value)}
              error={errorOf('citizen.email')}
              required
              autoComplete="email"
            />
          </Group>
          <TextInput
            label={t('citizen.filing.phone')}
            description={t('citizen.filing.phoneHint')}
            type="tel"
            value={form.phone}
            onChange={(e) => set('phone')(e.currentTarget.value)}
            error={errorOf('citizen.phone')}
            autoComplete="tel"
            maxLength={20}
          />
          <Fieldset legend={t('citizen.filing.place')}>
            <Stack gap="xs">
              <Text size="sm" c="dimmed">
                {t('citizen.filing.placeHint')}
              </Text>
              <TextInput
                label={t('citizen.filing.address')}
                value={form.address}
                onChange={(e) => set('address')(e.currentTarget.value)}
                error={errorOf('location.address')}
                maxLength={300}
              />
              <Group grow align="flex-start">
                <TextInput
                  label={t('citizen.filing.latitude')}
                  inputMode="decimal"
                  value={form.latitude}
                  onChange={(e) => set('latitude')(e.currentTarget.value)}
                  error={errorOf('location.latitude') ?? errorOf('location')}
                />
                <TextInput
                  label={t('citizen.filing.longitude')}
                  inputMode="decimal"
                  value={form.longitude}
                  onChange={(e) => set('longitude')(e.currentTarget.value)}
                  error={errorOf('location.longitude')}
                />
              </Group>
            </Stack>
          </Fieldset>
          <FilePicker files={files} onChange={setFiles} error={errorOf('files')} />
          <Fieldset legend={t('citizen.filing.consentTitle')} data-testid="consent">
            <List size="sm" spacing={4} mb="sm">
              <List.Item>{t('citizen.filing.consentPurpose')}</List.Item>
              <List.Item>{t('citizen.filing.consentItems')}</List.Item>
              <List.Item>{t('citizen.filing.consentRetention')}</List.Item>
              <List.Item>{t('citizen.filing.consentRefusal')}</List.Item>
            </List>
            <Checkbox
              label={t('citizen.filing.consentAgree')}
              checked={consented}
              onChange={(e) => {
                setConsented(e.currentTarget.checked);
                setLocalErrors(({ ['consent.agreed']: _done, ...rest }) => rest);
              }}
              error={errorOf('consent.agreed')}
              required
            />
          </Fieldset>
          {generalError ? <ErrorState error={generalError} /> : null}
          <Group>
            <Button type="submit" loading={file.isPending}>
              {t('file.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </>
  );
}
