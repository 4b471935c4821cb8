import { useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Anchor, Badge, Card, Select, Stack, Tabs, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, withFiles } from '../api.ts';
import { ActionForm } from '../ActionForm.tsx';
import { ComplaintDetails } from '../ComplaintDetails.tsx';
import { ErrorState, Loading, StaffPage } from '../components.tsx';
import { formatDateTime, localName } from '../format.ts';
import { useMe, type Me } from '../session.ts';
import { WorkflowHistoryLink } from '../WorkflowHistoryLink.tsx';
import { openStages, type ComplaintView } from '../types.ts';
import { actionsForStep, type StaffAction } from '../../../contracts/complaint-actions.ts';
import { staffActionFields, type Pickers } from '../complaint-action-forms.ts';

type ActionName = StaffAction;

interface AssignableStaff {
  employeeNo: string;
  name: string;
  nameEn: string;
  team: { code: string; name: string; nameEn: string };
  openLoad: number;
  available: boolean;
}

function usePickers(receiptNo: string, teamCode: string | undefined, lang: string): Pickers {
  const { t } = useTranslation();
  const related = useSimilar(receiptNo);
  const everyone = useQuery({
    queryKey: ['assignable'],
    queryFn: () => api<{ staff: AssignableStaff[] }>('/api/staff/assignable'),
    staleTime: 60_000,
  });
  const staff = everyone.data?.staff ?? [];
  const teams = new Map(staff.map((s) => [s.team.code, s.team]));
  return {
    teams: [...teams.values()]
      .filter((team) => team.code !== teamCode)
      .map((team) => ({ value: team.code, label: localName(team, lang) })),
    people: staff
      .filter((s) => s.team.code === teamCode)
      .map((s) => ({
        value: s.employeeNo,
        label:
          t('casework.picker.load', { name: localName(s, lang), count: s.openLoad }) +
          (s.available ? '' : ` · ${t('casework.picker.unavailable')}`),
      })),
    earlier: (related.data?.similar ?? [])
      .filter((s) => s.why === 'same-citizen' && s.answeredAt)
      .map((s) => ({
        value: s.receiptNo,
        label: t('repeat.option', {
          receiptNo: s.receiptNo,
          title: s.title,
          date: formatDateTime(s.receivedAt, lang),
        }),
      })),
  };
}

const stepActions = (step: string): readonly StaffAction[] =>
  step in actionsForStep ? actionsForStep[step as keyof typeof actionsForStep] : [];

/** The pending step's actions for its holder; leaders also review, managers reassign. The workflow decides in the end. */
function likelyActions(complaint: ComplaintView, me: Me, canCloseAsRepeat: boolean): ActionName[] {
  const step = complaint.pendingStep ?? null;
  const mine = complaint.handler?.employeeNo === me.employeeNo;
  const manages = me.role !== 'STAFF' && !mine;
  const actions = new Set<ActionName>();
  if (step && step !== 'review' && mine) for (const a of stepActions(step)) actions.add(a);
  if (step === 'review' && me.role !== 'STAFF') actions.add('review');
  if (manages && openStages.includes(complaint.stage))
    for (const a of actionsForStep.escalated) actions.add(a);
  const leads = me.role === 'TEAM_LEADER' && me.unitCode === complaint.team.code;
  if (leads && openStages.includes(complaint.stage) && complaint.stage !== 'received')
    actions.add('close-as-repeated');
  if (!canCloseAsRepeat) actions.delete('close-as-repeated');
  return [...actions];
}

interface CannedAnswer {
  id: number;
  title: string;
  usageCount: number;
}

/** Inserts a category's canned answer, filled for this case, into the draft (the use is counted). */
function CannedAnswerPicker({
  complaint,
  onInsert,
}: {
  complaint: ComplaintView;
  onInsert: (inserted: { id: number; text: string }) => void;
}) {
  const { t } = useTranslation();
  const answers = useQuery({
    queryKey: ['canned-answers', complaint.category.code],
    queryFn: () =>
      api<{ items: CannedAnswer[] }>(
        `/api/canned-answers?category=${encodeURIComponent(complaint.category.code)}`,
      ),
  });
  const items = answers.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <Select
      label={t('casework.canned.insert')}
      placeholder={t('casework.canned.choose')}
      data={items.map((a) => ({
        value: String(a.id),
        label: t('casework.canned.option', { title: a.title, count: a.usageCount }),
      }))}
      value={null}
      searchable
      onChange={(value) => {
        if (!value) return;
        void api<{ text: string }>(`/api/canned-answers/${value}/use`, {
          body: { receiptNo: complaint.receiptNo },
        }).then((used) => onInsert({ id: Date.now(), text: used.text }));
      }}
      maw={480}
      data-testid="canned-answer"
    />
  );
}

interface Similar {
  receiptNo: string;
  title: string;
  stage: string;
  receivedAt: string;
  answeredAt: string | null;
  why: 'same-citizen' | 'similar-text';
  similarity: number;
}
interface LinkView {
  receiptNo: string;
  title: string;
  kind: string;
  reason: string;
  by: string;
  at: string;
}

const useSimilar = (receiptNo: string) =>
  useQuery({
    queryKey: ['complaint', receiptNo, 'similar'],
    queryFn: () =>
      api<{ similar: Similar[]; links: LinkView[] }>(
        `/api/complaints/${encodeURIComponent(receiptNo)}/similar`,
      ),
  });

/** Possibly repeated or duplicate complaints, and the links a handler recorded. */
function RelatedCases({ receiptNo }: { receiptNo: string }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const related = useSimilar(receiptNo);
  if (!related.data) return null;
  const { similar, links } = related.data;
  if (similar.length === 0 && links.length === 0) return null;
  return (
    <Card withBorder data-testid="related-cases">
      <Title order={2} size="h5" mb="sm">
        {t('casework.related.title')}
      </Title>
      <Stack gap="xs">
        {links.map((link) => (
          <Text size="sm" key={`link-${link.receiptNo}`} data-testid="complaint-link">
            <Anchor component={Link} to={`/complaints/${link.receiptNo}`}>
              {link.receiptNo}
            </Anchor>{' '}
            · {link.title} · {t(`casework.related.kind.${link.kind}`)} · {link.reason} ({link.by},{' '}
            {formatDateTime(link.at, i18n.language)})
          </Text>
        ))}
        {similar.map((item) => (
          <Text size="sm" key={item.receiptNo} data-testid="similar-case">
            <Anchor component={Link} to={`/complaints/${item.receiptNo}`}>
              {item.receiptNo}
            </Anchor>{' '}
            · {item.title} · {t(`stage.${item.stage}`)} ·{' '}
            <Badge size="sm" color="gray.7">
              {t(`casework.related.why.${item.why}`)}
            </Badge>
          </Text>
        ))}
      </Stack>
      {similar.length > 0 ? (
        <ActionForm
          id="link"
          fields={[
            {
              name: 'relatedReceiptNo',
              label: t('casework.related.pick'),
              kind: 'pick',
              options: similar.map((s) => ({ value: s.receiptNo, label: `${s.receiptNo} · ${s.title}` })),
              required: true,
            },
            {
              name: 'kind',
              label: t('casework.related.kindLabel'),
              kind: 'choice',
              options: ['related', 'duplicate', 'repeated'].map((k) => ({
                value: k,
                label: t(`casework.related.kind.${k}`),
              })),
            },
            { name: 'reason', label: t('work.reason'), kind: 'textarea', required: true },
          ]}
          submitLabel={t('casework.related.link')}
          submit={(body) => api(`/api/complaints/${encodeURIComponent(receiptNo)}/links`, { body })}
          onDone={() => void client.invalidateQueries({ queryKey: ['complaint', receiptNo, 'similar'] })}
        />
      ) : null}
    </Card>
  );
}

/** Internal notes and public replies: no workflow step, so always at hand for staff in scope. */
function WriteOnCase({ receiptNo }: { receiptNo: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  // One key per message being written: a retried send after a lost answer is stored once.
  const keys = useRef({ notes: crypto.randomUUID(), replies: crypto.randomUUID() });
  const form = (path: 'notes' | 'replies', label: string, submitLabel: string) => (
    <ActionForm
      id={path}
      fields={[{ name: 'body', label, kind: 'textarea', required: true }]}
      submitLabel={submitLabel}
      withFiles
      submit={(body, files) =>
        api(`/api/complaints/${encodeURIComponent(receiptNo)}/${path}`, {
          body: withFiles(body, files),
          headers: { 'idempotency-key': keys.current[path] },
        })
      }
      onDone={() => {
        keys.current[path] = crypto.randomUUID();
        void client.invalidateQueries({ queryKey: ['complaint', receiptNo] });
      }}
    />
  );
  return (
    <Card withBorder>
      <Title order={2} size="h5" mb="sm">
        {t('casework.write')}
      </Title>
      <Tabs defaultValue="note">
        <Tabs.List>
          <Tabs.Tab value="note">{t('casework.note')}</Tabs.Tab>
          <Tabs.Tab value="reply">{t('casework.reply')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="note" pt="sm">
          {form('notes', t('casework.noteLabel'), t('casework.noteSubmit'))}
        </Tabs.Panel>
        <Tabs.Panel value="reply" pt="sm">
          {form('replies', t('casework.replyLabel'), t('casework.replySubmit'))}
        </Tabs.Panel>
      </Tabs>
    </Card>
  );
}

function Work({ receiptNo }: { receiptNo: string }) {
  const { t, i18n } = useTranslation();
  const { me } = useMe();
  const client = useQueryClient();
  const complaint = useQuery({
    queryKey: ['complaint', receiptNo, 'staff'],
    queryFn: () => api<ComplaintView>(`/api/complaints/${encodeURIComponent(receiptNo)}`),
    refetchInterval: (query) => (query.state.error ? false : 4_000),
  });
  const [chosen, setChosen] = useState<ActionName | null>(null);
  const [inserted, setInserted] = useState<{ id: number; text: string } | null>(null);
  const pickers = usePickers(receiptNo, complaint.data?.team.code, i18n.language);
  // One key per action being written: a retried submit after a lost answer is applied once.
  const actionKey = useRef(crypto.randomUUID());
  if (complaint.error) return <ErrorState error={complaint.error} />;
  if (!complaint.data || !me) return <Loading />;
  const actions = likelyActions(complaint.data, me, pickers.earlier.length > 0);
  const action = chosen && actions.includes(chosen) ? chosen : (actions[0] ?? null);
  return (
    <Stack>
      <WorkflowHistoryLink workflowId={receiptNo} me={me} />
      {actions.length > 0 && action ? (
        <Card withBorder>
          <Title order={2} size="h5" mb="sm">
            {t('work.chooseAction')}
          </Title>
          <Stack>
            <Select
              label={t('work.chooseAction')}
              data={actions.map((a) => ({ value: a, label: t(`work.${a}`) }))}
              value={action}
              onChange={(value) => setChosen(value as ActionName | null)}
              allowDeselect={false}
              maw={360}
              data-testid="action-select"
            />
            {action === 'draft-answer' ? (
              <CannedAnswerPicker complaint={complaint.data} onInsert={setInserted} />
            ) : null}
            <ActionForm
              key={`${action}-${complaint.data.stage}-${inserted?.id ?? 0}`}
              id={action}
              fields={staffActionFields(action, t, pickers, inserted?.text)}
              submitLabel={t(`work.${action}`)}
              withFiles={action === 'draft-answer'}
              submit={(body, files) =>
                api(`/api/complaints/${encodeURIComponent(receiptNo)}/actions/${action}`, {
                  body: withFiles(body, files),
                  headers: { 'idempotency-key': actionKey.current },
                })
              }
              onDone={() => {
                actionKey.current = crypto.randomUUID();
                void client.invalidateQueries({ queryKey: ['complaint', receiptNo] });
                void client.invalidateQueries({ queryKey: ['inbox'] });
              }}
            />
          </Stack>
        </Card>
      ) : null}
      <ComplaintDetails complaint={complaint.data} />
      <RelatedCases receiptNo={receiptNo} />
      <WriteOnCase receiptNo={receiptNo} />
    </Stack>
  );
}

export default function ComplaintWork() {
  const { t } = useTranslation();
  const { receiptNo = '' } = useParams();
  return (
    <StaffPage title={t('work.title')} lead={t('common.liveHint')}>
      <Work receiptNo={receiptNo} />
    </StaffPage>
  );
}
