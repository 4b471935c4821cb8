import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Anchor, Badge, Card, Stack, Stepper, Text, Timeline, Title, Typography } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { StageBadge } from './components.tsx';
import { AttachmentsCard } from './Attachments.tsx';
import { formatDateTime, localName } from './format.ts';
import {
  progressStages,
  type CaseFile,
  type ComplaintMessage,
  type ComplaintView,
  type TimelineEntry,
} from './types.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** Event details as "label: value" pairs: dates in Korea time, people by name, known keys translated. */
function describeDetail(
  detail: unknown,
  lang: string,
  t: (key: string, options?: Record<string, unknown>) => string,
): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail !== 'object') return String(detail);
  const show = (value: unknown): string => {
    if (typeof value === 'string') return ISO_DATE.test(value) ? formatDateTime(value, lang) : value;
    if (value && typeof value === 'object' && 'name' in value)
      return localName(value as { name: string; nameEn?: string }, lang);
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  };
  return Object.entries(detail as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${t(`detail.${k}`, { defaultValue: k })}: ${show(v)}`)
    .join(' · ');
}

/** "안지훈 (팀장)" for an official, "민원인" / "시스템" otherwise; never a bare role code. */
function describeActor(entry: TimelineEntry, t: (key: string, options?: Record<string, unknown>) => string) {
  const role = /\((\w+)\)$/.exec(entry.actor)?.[1];
  if (entry.actorName)
    return role ? `${entry.actorName} (${t(`role.${role}`, { defaultValue: role })})` : entry.actorName;
  return t(`casework.actor.${entry.actor}`, { defaultValue: entry.actor });
}

function TimelineItem({ entry, lang }: { entry: TimelineEntry; lang: string }) {
  const { t } = useTranslation();
  const detail = describeDetail(entry.detail, lang, t);
  return (
    <>
      <Text size="sm" fw={600}>
        {t(`timeline.${entry.type}`, { defaultValue: entry.type.replaceAll('-', ' ').replaceAll('_', ' ') })}{' '}
        · {t(`stage.${entry.stage}`, { defaultValue: entry.stage })}
      </Text>
      <Text size="xs" c="dimmed">
        {formatDateTime(entry.at, lang)} · {describeActor(entry, t)}
      </Text>
      {detail ? (
        <Text size="sm" mt={2}>
          {detail}
        </Text>
      ) : null}
    </>
  );
}

/** Staff only: what the citizen wrote, how to reach them and where it happened. */
function CaseFileCard({ caseFile }: { caseFile: CaseFile }) {
  const { t } = useTranslation();
  const place = caseFile.place;
  const coordinates =
    place && place.latitude !== null && place.longitude !== null
      ? `${place.latitude.toFixed(5)}, ${place.longitude.toFixed(5)}`
      : null;
  return (
    <Card withBorder data-testid="case-file">
      <Title order={2} size="h5" mb="sm">
        {t('casework.caseFile')}
      </Title>
      <p style={{ whiteSpace: 'pre-wrap', marginTop: 0 }} data-testid="case-body">
        {caseFile.body}
      </p>
      <dl className="facts">
        <div>
          <dt>{t('casework.citizenName')}</dt>
          <dd>{caseFile.citizen.name}</dd>
        </div>
        <div>
          <dt>{t('casework.email')}</dt>
          <dd>{caseFile.citizen.email}</dd>
        </div>
        <div>
          <dt>{t('casework.phone')}</dt>
          <dd>{caseFile.citizen.phone ?? t('casework.noPhone')}</dd>
        </div>
        {place?.address ? (
          <div>
            <dt>{t('casework.place')}</dt>
            <dd>{place.address}</dd>
          </div>
        ) : null}
        {coordinates ? (
          <div>
            <dt>{t('casework.coordinates')}</dt>
            <dd>{coordinates}</dd>
          </div>
        ) : null}
      </dl>
    </Card>
  );
}

/** Every message in order; internal ones marked as such (the citizen's view has none). */
function MessagesCard({ messages }: { messages: ComplaintMessage[] }) {
  const { t, i18n } = useTranslation();
  return (
    <Card withBorder data-testid="messages">
      <Title order={2} size="h5" mb="sm">
        {t('casework.messages')}
      </Title>
      {messages.length === 0 ? <Text size="sm">{t('casework.noMessages')}</Text> : null}
      <Stack gap="sm">
        {messages.map((message) => (
          <div
            key={message.id}
            data-testid="message"
            data-visibility={message.visibility}
            data-kind={message.kind}
          >
            <Text size="sm" fw={600}>
              {t(`casework.kind.${message.kind}`, { defaultValue: message.kind })}{' '}
              <Badge size="sm" color={message.visibility === 'INTERNAL' ? 'orange.9' : 'blue.8'}>
                {message.visibility === 'INTERNAL' ? t('casework.internal') : t('casework.public')}
              </Badge>
            </Text>
            <Text size="xs" c="dimmed">
              {formatDateTime(message.at, i18n.language)} ·{' '}
              {t(`casework.actor.${message.author}`, { defaultValue: message.author })}
            </Text>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {message.body}
            </Text>
          </div>
        ))}
      </Stack>
    </Card>
  );
}

/** A repeat closed under §23: why, the earlier receipt number (a link) and the answer it refers to. */
function RepeatOfCard({ repeatOf }: { repeatOf: NonNullable<ComplaintView['repeatOf']> }) {
  const { t, i18n } = useTranslation();
  return (
    <Card withBorder data-testid="repeat-of">
      <Title order={2} size="h5" mb="xs">
        {t('repeat.title')}
      </Title>
      <Text size="sm" mb="sm">
        {t('repeat.lead')}
      </Text>
      <dl className="facts">
        <div>
          <dt>{t('repeat.earlierReceipt')}</dt>
          <dd>
            <Anchor component={Link} to={`/my-space?receiptNo=${encodeURIComponent(repeatOf.receiptNo)}`}>
              {repeatOf.receiptNo}
            </Anchor>
          </dd>
        </div>
        <div>
          <dt>{t('repeat.earlierAnsweredAt')}</dt>
          <dd>{formatDateTime(repeatOf.answeredAt, i18n.language)}</dd>
        </div>
      </dl>
      {repeatOf.answer ? (
        <>
          <Text size="sm" fw={600} mt="sm">
            {t('repeat.earlierAnswer')}
          </Text>
          <p style={{ whiteSpace: 'pre-wrap', margin: 0 }} data-testid="repeat-of-answer">
            {repeatOf.answer}
          </p>
        </>
      ) : null}
    </Card>
  );
}

/** What a citizen and staff both see of a complaint: stage, handler, dates, progress, timeline, answer. */
export function ComplaintDetails({
  complaint,
  accessCode,
}: {
  complaint: ComplaintView;
  /** The citizen's access code, for downloading attachments (staff and signed-in citizens use cookies). */
  accessCode?: string;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const step = progressStages.indexOf(complaint.stage as (typeof progressStages)[number]);
  const active =
    complaint.stage === 'closed'
      ? progressStages.length
      : step >= 0
        ? step
        : complaint.stage === 'waiting_citizen'
          ? 2
          : 0;
  const facts: [string, ReactNode][] = [
    [t('my.stage'), <StageBadge key="stage" stage={complaint.stage} />],
    [t('my.handler'), complaint.handler ? localName(complaint.handler, lang) : t('my.noHandler')],
    [t('my.team'), localName(complaint.team, lang)],
    [t('my.receivedAt'), formatDateTime(complaint.receivedAt, lang)],
    [t('my.dueAt'), formatDateTime(complaint.dueAt, lang)],
    [t('my.answeredAt'), formatDateTime(complaint.answeredAt, lang)],
  ];
  if (complaint.closedAt) facts.push([t('my.closedAt'), formatDateTime(complaint.closedAt, lang)]);
  if (complaint.infoDeadlineAt)
    facts.push([t('my.infoDeadlineAt'), formatDateTime(complaint.infoDeadlineAt, lang)]);
  if (complaint.extensionCount) facts.push([t('my.extensions'), String(complaint.extensionCount)]);
  if (complaint.overdue)
    facts.push([
      t('stuck.overdue'),
      <Badge key="overdue" color="red.9">
        {t('stuck.overdue')}
      </Badge>,
    ]);
  if (complaint.escalationLevel)
    facts.push([t('my.escalation'), t(`my.escalationLevel${complaint.escalationLevel}`)]);
  return (
    <Stack data-testid="complaint-details" data-stage={complaint.stage}>
      <Card withBorder>
        <Title order={2} size="h4" mb="xs">
          {complaint.receiptNo} · {complaint.title}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {localName(complaint.category, lang)}
        </Text>
        <dl className="facts">
          {facts.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd data-testid={`fact-${label}`}>{value}</dd>
            </div>
          ))}
        </dl>
      </Card>

      {complaint.caseFile ? <CaseFileCard caseFile={complaint.caseFile} /> : null}
      {complaint.messages && (complaint.messages.length > 0 || complaint.caseFile) ? (
        <MessagesCard messages={complaint.messages} />
      ) : null}
      {complaint.attachments && (complaint.attachments.length > 0 || complaint.caseFile) ? (
        <AttachmentsCard
          receiptNo={complaint.receiptNo}
          attachments={complaint.attachments}
          messages={complaint.messages ?? []}
          accessCode={accessCode}
        />
      ) : null}

      {complaint.stage !== 'withdrawn' ? (
        <Card withBorder>
          <Title order={2} size="h5" mb="sm">
            {t('my.progress')}
          </Title>
          <Stepper
            active={active}
            size="xs"
            allowNextStepsSelect={false}
            orientation="horizontal"
            styles={{ steps: { flexWrap: 'wrap', rowGap: 8 } }}
          >
            {progressStages.map((stage) => (
              <Stepper.Step key={stage} label={t(`stage.${stage}`)} />
            ))}
          </Stepper>
        </Card>
      ) : null}

      {complaint.draftAnswer && !complaint.answer ? (
        <Card withBorder bg="gray.0">
          <Title order={2} size="h5" mb="sm">
            {t('my.draftAnswer')}
          </Title>
          <p style={{ whiteSpace: 'pre-wrap', margin: 0 }} data-testid="draft-answer">
            {complaint.draftAnswer}
          </p>
        </Card>
      ) : null}

      {complaint.repeatOf ? <RepeatOfCard repeatOf={complaint.repeatOf} /> : null}

      <Card withBorder>
        <Title order={2} size="h5" mb="sm">
          {t('my.answer')}
        </Title>
        {complaint.answer ? (
          <Typography>
            <p style={{ whiteSpace: 'pre-wrap', margin: 0 }} data-testid="answer">
              {complaint.answer}
            </p>
          </Typography>
        ) : (
          <Text size="sm">{t('my.noAnswer')}</Text>
        )}
        {complaint.satisfaction ? (
          <Text size="sm" mt="sm" data-testid="satisfaction">
            {t('my.satisfaction')}: {'★'.repeat(complaint.satisfaction.score)}
            {'☆'.repeat(Math.max(0, 5 - complaint.satisfaction.score))} ({complaint.satisfaction.score}/5)
            {complaint.satisfaction.comment ? ` · ${complaint.satisfaction.comment}` : ''}
          </Text>
        ) : null}
      </Card>

      <Card withBorder>
        <Title order={2} size="h5" mb="sm">
          {t('my.timeline')}
        </Title>
        <Timeline active={complaint.timeline.length - 1} bulletSize={14} lineWidth={2}>
          {complaint.timeline.map((entry, index) => (
            <Timeline.Item key={`${entry.at}-${index}`}>
              <TimelineItem entry={entry} lang={lang} />
            </Timeline.Item>
          ))}
        </Timeline>
      </Card>
    </Stack>
  );
}
