import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Accordion, Alert, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, withFiles } from '../api.ts';
import { ActionForm, type FieldSpec } from '../ActionForm.tsx';
import type { CitizenAction } from '../../../contracts/complaint-actions.ts';
import { citizenActionFields } from '../complaint-action-forms.ts';
import { ComplaintDetails } from '../ComplaintDetails.tsx';
import { ErrorState, Loading, PageTitle } from '../components.tsx';
import { openStages, type ComplaintView } from '../types.ts';
import { FiledDetails, MyComplaints, SignInLinkForm, useCitizenSession } from '../CitizenSignIn.tsx';

const ACCESS_KEY = 'portal.access';

/** Keeps the access code for this browser tab only, so My Space opens straight after filing. */
export function rememberAccess(receiptNo: string, accessCode: string) {
  try {
    const all = JSON.parse(sessionStorage.getItem(ACCESS_KEY) ?? '{}') as Record<string, string>;
    all[receiptNo] = accessCode;
    sessionStorage.setItem(ACCESS_KEY, JSON.stringify(all));
  } catch {
    // without storage the citizen types the code
  }
}
function recalledAccess(receiptNo: string): string {
  try {
    return (
      (JSON.parse(sessionStorage.getItem(ACCESS_KEY) ?? '{}') as Record<string, string>)[receiptNo] ?? ''
    );
  } catch {
    return '';
  }
}

function Lookup({
  initialReceiptNo,
  onFound,
}: {
  initialReceiptNo: string;
  onFound: (receiptNo: string, code: string) => void;
}) {
  const { t } = useTranslation();
  const [receiptNo, setReceiptNo] = useState(initialReceiptNo);
  const [code, setCode] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (receiptNo.trim() && code.trim()) onFound(receiptNo.trim().toUpperCase(), code.trim().toUpperCase());
  };
  return (
    <Card withBorder maw={520}>
      <form onSubmit={submit}>
        <Stack>
          <Title order={2} size="h4">
            {t('my.lookup')}
          </Title>
          <TextInput
            label={t('my.receiptNo')}
            placeholder="MW-2026-0000001"
            value={receiptNo}
            onChange={(e) => setReceiptNo(e.currentTarget.value)}
            required
          />
          <TextInput
            label={t('my.accessCode')}
            value={code}
            onChange={(e) => setCode(e.currentTarget.value)}
            required
            autoComplete="off"
          />
          <Group>
            <Button type="submit">{t('my.show')}</Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function CitizenActions({ complaint, accessCode }: { complaint: ComplaintView; accessCode: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const post =
    (action: CitizenAction) =>
    (body: Record<string, unknown>, files: File[] = []) =>
      api(`/api/complaints/${complaint.receiptNo}/citizen/${action}`, {
        body: withFiles(body, files),
        // Without a code, the session of a mailed sign-in link authorises (issue 18).
        headers: accessCode ? { 'x-access-code': accessCode } : {},
      });
  const refresh = () => void client.invalidateQueries({ queryKey: ['complaint', complaint.receiptNo] });
  const open = openStages.includes(complaint.stage);
  const lastConsentAsk = complaint.timeline.findLastIndex((e) => e.type === 'extension-consent-requested');
  const extensionPending =
    open &&
    lastConsentAsk >= 0 &&
    !complaint.timeline
      .slice(lastConsentAsk + 1)
      .some((e) => ['extended', 'extension-refused'].includes(e.type));
  const forms: {
    id: string;
    title: string;
    fields: FieldSpec[];
    submit: (b: Record<string, unknown>, files: File[]) => Promise<unknown>;
    withFiles?: boolean;
    toBody?: (v: Record<string, string>) => Record<string, string | number | boolean>;
  }[] = [];
  if (complaint.stage === 'awaiting_rating') {
    forms.push({
      id: 'rate',
      title: t('my.rate'),
      fields: citizenActionFields('rating', t),
      submit: (body) =>
        api(`/api/complaints/${complaint.receiptNo}/rating`, {
          body,
          headers: accessCode ? { 'x-access-code': accessCode } : {},
        }),
    });
  }
  if (open) {
    forms.push(
      {
        id: 'add-info',
        title: t('my.addInfo'),
        fields: citizenActionFields('add-info', t),
        submit: post('add-info'),
        withFiles: true,
      },
      {
        id: 'request-consultation',
        title: t('my.consult'),
        fields: citizenActionFields('request-consultation', t),
        submit: post('request-consultation'),
      },
    );
    if (extensionPending) {
      forms.push({
        id: 'consent-extension',
        title: t('my.consent'),
        fields: citizenActionFields('consent-extension', t),
        submit: post('consent-extension'),
        toBody: (v) => ({ consent: v.consent === 'yes' }),
      });
    }
    forms.push({
      id: 'withdraw',
      title: t('my.withdraw'),
      fields: citizenActionFields('withdraw', t),
      submit: post('withdraw'),
    });
  }
  if (complaint.stage === 'awaiting_rating' || complaint.stage === 'closed') {
    forms.push({
      id: 'reopen',
      title: t('my.reopen'),
      fields: citizenActionFields('reopen', t),
      submit: post('reopen'),
    });
  }
  if (forms.length === 0) return null;
  return (
    <Card withBorder>
      <Title order={2} size="h5" mb="sm">
        {t('my.actions')}
      </Title>
      <Accordion variant="separated" defaultValue={complaint.stage === 'awaiting_rating' ? 'rate' : null}>
        {forms.map((form) => (
          <Accordion.Item key={form.id} value={form.id}>
            <Accordion.Control>{form.title}</Accordion.Control>
            <Accordion.Panel>
              <ActionForm
                id={form.id}
                fields={form.fields}
                submitLabel={t('common.submit')}
                submit={form.submit}
                withFiles={form.withFiles}
                toBody={form.toBody}
                onDone={refresh}
              />
            </Accordion.Panel>
          </Accordion.Item>
        ))}
      </Accordion>
    </Card>
  );
}

export default function MySpace() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const receiptNo = params.get('receiptNo') ?? '';
  const [accessCode, setAccessCode] = useState(() => (receiptNo ? recalledAccess(receiptNo) : ''));
  const [codeFor, setCodeFor] = useState(receiptNo);
  const effectiveCode = codeFor === receiptNo ? accessCode : recalledAccess(receiptNo);
  const citizen = useCitizenSession();
  const signedIn = !!citizen.email;

  const complaint = useQuery({
    queryKey: ['complaint', receiptNo, effectiveCode, citizen.email],
    queryFn: () =>
      api<ComplaintView>(`/api/complaints/${encodeURIComponent(receiptNo)}`, {
        headers: effectiveCode ? { 'x-access-code': effectiveCode } : {},
      }),
    enabled: !!receiptNo && (!!effectiveCode || signedIn),
    refetchInterval: (query) => (query.state.error ? false : 4_000),
  });

  const found = (no: string, code: string) => {
    rememberAccess(no, code);
    setAccessCode(code);
    setCodeFor(no);
    setParams({ receiptNo: no });
  };

  const showLookup =
    (!receiptNo && !signedIn) || (!!receiptNo && !effectiveCode && !signedIn) || complaint.error;
  return (
    <>
      <PageTitle lead={receiptNo && (effectiveCode || signedIn) ? t('common.liveHint') : undefined}>
        {t('my.title')}
      </PageTitle>
      <Stack>
        {citizen.opening ? <Loading /> : null}
        {citizen.linkRefused ? (
          <Alert color="red" role="alert" data-testid="sign-in-link-refused">
            {t('citizen.signIn.expired')}
          </Alert>
        ) : null}
        {citizen.linkError ? <ErrorState error={citizen.linkError} /> : null}
        {complaint.error instanceof ApiError &&
        complaint.error.status === 404 &&
        !complaint.error.routeMissing ? (
          <Alert color="red" role="alert">
            {t('my.notFound')}
          </Alert>
        ) : complaint.error ? (
          <ErrorState error={complaint.error} />
        ) : null}
        {signedIn && !receiptNo ? (
          <MyComplaints email={citizen.email!} onSignOut={() => void citizen.signOut()} />
        ) : null}
        {showLookup ? <Lookup key={receiptNo} initialReceiptNo={receiptNo} onFound={found} /> : null}
        {showLookup && !signedIn ? <SignInLinkForm /> : null}
        {complaint.isLoading ? <Loading /> : null}
        {complaint.data ? (
          <>
            <ComplaintDetails complaint={complaint.data} accessCode={effectiveCode || undefined} />
            <FiledDetails complaint={complaint.data} />
            {effectiveCode || signedIn ? (
              <CitizenActions complaint={complaint.data} accessCode={effectiveCode} />
            ) : (
              <Text size="sm" c="dimmed">
                {t('citizen.signIn.actionsNeedCode')}
              </Text>
            )}
            <Text size="sm">
              <Button variant="subtle" size="compact-sm" onClick={() => setParams({})}>
                {signedIn ? t('citizen.signIn.back') : t('my.other')}
              </Button>
            </Text>
          </>
        ) : null}
      </Stack>
    </>
  );
}
