import { Alert, Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { ActionForm } from '../ActionForm.tsx';
import { ErrorState, Loading, StaffPage } from '../components.tsx';
import { formatDateTime, formatNumber, localName } from '../format.ts';
import { useYearParam, YearSelect } from '../performance-work.tsx';
import { isLeader, useMe } from '../session.ts';

interface Member {
  employeeNo: string;
  name: string;
  nameEn: string;
  role: string;
  payGrade: string;
  evaluation: { score: number; comment: string | null; evaluatorNo: string; at: string } | null;
}

interface CapabilityPart {
  groups: string[];
  raterCount: number;
  mean: number;
}

interface CapabilityItem {
  code: string;
  nameKo: string;
  nameEn: string;
  descriptionKo: string;
  descriptionEn: string;
}

interface CapabilityView {
  cycle: {
    stage: string;
    invited: number;
    submitted: number;
    deadline: string;
    anonymityThreshold?: number;
  } | null;
  items?: CapabilityItem[];
  toRate: { subjectNo: string; name: string; submitted: boolean }[];
  myResult: {
    score: number | null;
    rule: string;
    parts: { parts?: CapabilityPart[]; items?: Record<string, number>; comments?: string[] } | null;
    raterCount: number;
  } | null;
}

function MemberCard({ year, member, onSaved }: { year: number; member: Member; onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const evaluation = member.evaluation;
  return (
    <Card withBorder data-testid={`member-${member.employeeNo}`}>
      <Stack gap="xs">
        <Title order={3} size="h5">
          {localName(member, lang)} ({member.employeeNo}) · {member.payGrade}
        </Title>
        <Text size="sm" data-testid="current-evaluation">
          <Text span fw={600}>
            {t('evaluations.current')}:
          </Text>{' '}
          {evaluation
            ? `${formatNumber(evaluation.score, lang)} · ${t('evaluations.savedAt', {
                at: formatDateTime(evaluation.at, lang),
              })}${evaluation.comment ? ` · “${evaluation.comment}”` : ''}`
            : t('evaluations.notYet')}
        </Text>
        <ActionForm
          // Remounts with the saved values as the new starting point.
          key={evaluation?.at ?? 'none'}
          id={`evaluate-${member.employeeNo}`}
          fields={[
            {
              name: 'score',
              label: t('evaluations.scoreField'),
              kind: 'number',
              min: 0,
              max: 100,
              required: true,
              initial: evaluation ? String(evaluation.score) : undefined,
            },
            {
              name: 'comment',
              label: t('evaluations.comment'),
              kind: 'textarea',
              initial: evaluation?.comment ?? undefined,
            },
          ]}
          submitLabel={t('evaluations.save')}
          submit={(body) =>
            api(`/api/performance/${year}/evaluations/leader/${member.employeeNo}`, { method: 'PUT', body })
          }
          onDone={onSaved}
        />
      </Stack>
    </Card>
  );
}

function LeaderSection({ year }: { year: number }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const members = useQuery({
    queryKey: ['evaluations', year, 'leader'],
    queryFn: () => api<{ members: Member[] }>(`/api/performance/${year}/evaluations/leader`),
  });
  return (
    <Stack gap="sm" data-testid="leader-evaluations">
      <Title order={2} size="h3">
        {t('evaluations.leaderSection')}
      </Title>
      <Text c="dimmed" size="sm">
        {t('evaluations.leaderHint')}
      </Text>
      {members.isLoading ? <Loading /> : null}
      {members.error ? <ErrorState error={members.error} /> : null}
      {members.data?.members.length === 0 ? <Text>{t('evaluations.noMembers')}</Text> : null}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {members.data?.members.map((member) => (
          <MemberCard
            key={member.employeeNo}
            year={year}
            member={member}
            onSaved={() => void client.invalidateQueries({ queryKey: ['evaluations', year, 'leader'] })}
          />
        ))}
      </SimpleGrid>
    </Stack>
  );
}

function CapabilitySection({ year }: { year: number }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const client = useQueryClient();
  const capability = useQuery({
    queryKey: ['evaluations', year, 'capability'],
    queryFn: () => api<CapabilityView>(`/api/performance/${year}/evaluations/capability`),
  });
  const cycle = capability.data?.cycle ?? null;
  const open = cycle?.stage === 'OPEN';
  const mine = capability.data?.myResult ?? null;
  const items = capability.data?.items ?? [];
  const { me } = useMe();
  const hr = !!me && ['HR', 'ADMIN'].includes(me.role);
  const refresh = () => void client.invalidateQueries({ queryKey: ['evaluations', year, 'capability'] });
  const groupsLabel = (groups: string[]) =>
    groups.map((g) => t(`evaluations.group.${g}`, { defaultValue: g })).join(' + ');
  return (
    <Stack gap="sm" data-testid="capability-evaluations">
      <Title order={2} size="h3">
        {t('evaluations.capabilitySection')}
      </Title>
      <Text c="dimmed" size="sm">
        {t('evaluations.capabilityHint')}
      </Text>
      {capability.isLoading ? <Loading /> : null}
      {capability.error ? <ErrorState error={capability.error} /> : null}
      {capability.data && !cycle ? <Text>{t('evaluations.noCycle')}</Text> : null}
      {cycle ? (
        <Group gap="xs">
          <Badge variant="filled" color={open ? 'indigo.8' : 'gray.7'}>
            {t(`evaluations.cycleStage.${cycle.stage}`, { defaultValue: cycle.stage })}
          </Badge>
          <Text size="sm">
            {t('evaluations.cycleInfo', {
              deadline: formatDateTime(cycle.deadline, lang),
              submitted: cycle.submitted,
              invited: cycle.invited,
            })}
          </Text>
        </Group>
      ) : null}
      {hr && capability.data && !cycle ? (
        <Card withBorder data-testid="capability-start">
          <ActionForm
            id="capability-start"
            fields={[
              { name: 'deadline', label: t('fairPay.capabilityDeadline'), kind: 'date', required: true },
            ]}
            submitLabel={t('fairPay.capabilityStart')}
            submit={(body) => api(`/api/performance/${year}/evaluations/capability`, { body })}
            onDone={refresh}
          />
        </Card>
      ) : null}
      {hr && open ? (
        <Card withBorder data-testid="capability-close">
          <ActionForm
            id="capability-close"
            fields={[{ name: 'reason', label: t('fairPay.capabilityCloseReason'), kind: 'textarea' }]}
            submitLabel={t('fairPay.capabilityClose')}
            submit={(body) => api(`/api/performance/${year}/evaluations/capability/close`, { body })}
            onDone={refresh}
          />
        </Card>
      ) : null}
      {cycle && !open && capability.data?.toRate.length ? (
        <Alert color="gray">{t('evaluations.notOpen')}</Alert>
      ) : null}
      {capability.data && cycle && capability.data.toRate.length === 0 ? (
        <Text>{t('evaluations.noneToRate')}</Text>
      ) : null}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {capability.data?.toRate.map((subject) => (
          <Card withBorder key={subject.subjectNo} data-testid={`rate-${subject.subjectNo}`}>
            <Stack gap="xs">
              <Group justify="space-between">
                <Title order={3} size="h5">
                  {subject.name} ({subject.subjectNo})
                </Title>
                <Badge variant="outline" color={subject.submitted ? 'green.9' : 'gray.8'}>
                  {subject.submitted ? t('evaluations.submitted') : t('evaluations.pending')}
                </Badge>
              </Group>
              {open && items.length ? (
                <Stack gap={2}>
                  {items.map((item) => (
                    <Text size="xs" c="dimmed" key={item.code}>
                      <strong>{lang === 'en' ? item.nameEn : item.nameKo}</strong>:{' '}
                      {lang === 'en' ? item.descriptionEn : item.descriptionKo}
                    </Text>
                  ))}
                </Stack>
              ) : null}
              {open ? (
                <ActionForm
                  id={`rate-${subject.subjectNo}`}
                  fields={
                    items.length
                      ? [
                          ...items.map((item) => ({
                            name: `item:${item.code}`,
                            label: lang === 'en' ? item.nameEn : item.nameKo,
                            kind: 'number' as const,
                            min: 0,
                            max: 100,
                            required: true,
                          })),
                          {
                            name: 'comment',
                            label: t('fairPay.capabilityComment'),
                            kind: 'textarea' as const,
                          },
                        ]
                      : [
                          {
                            name: 'score',
                            label: t('evaluations.rateField'),
                            kind: 'number',
                            min: 0,
                            max: 100,
                            required: true,
                          },
                        ]
                  }
                  toBody={
                    items.length
                      ? (values) => ({
                          itemScores: Object.fromEntries(
                            items.map((item) => [item.code, Number(values[`item:${item.code}`])]),
                          ),
                          ...(values.comment?.trim() ? { comment: values.comment.trim() } : {}),
                        })
                      : undefined
                  }
                  submitLabel={t('evaluations.rate')}
                  submit={(body) =>
                    api(`/api/performance/${year}/evaluations/capability/${subject.subjectNo}`, {
                      method: 'PUT',
                      body,
                    })
                  }
                  onDone={() =>
                    void client.invalidateQueries({ queryKey: ['evaluations', year, 'capability'] })
                  }
                />
              ) : null}
            </Stack>
          </Card>
        ))}
      </SimpleGrid>
      {mine ? (
        <Card withBorder data-testid="my-capability">
          <Title order={3} size="h5">
            {t('evaluations.myResult')}
          </Title>
          <Text>
            {formatNumber(mine.score, lang)} ·{' '}
            {t(`evaluations.rule.${mine.rule}`, { defaultValue: mine.rule })} ·{' '}
            {t('evaluations.raterCount', { count: mine.raterCount })}
          </Text>
          {Object.entries(mine.parts?.items ?? {}).map(([code, mean]) => {
            const item = items.find((i) => i.code === code);
            return (
              <Text size="sm" key={code}>
                {item ? (lang === 'en' ? item.nameEn : item.nameKo) : code}: {formatNumber(mean, lang)}
              </Text>
            );
          })}
          {(mine.parts?.comments ?? []).map((comment) => (
            <Text size="sm" key={comment} fs="italic">
              “{comment}”
            </Text>
          ))}
          {(mine.parts?.parts ?? []).map((part) => (
            <Text size="sm" key={part.groups.join('+')}>
              {t('evaluations.part', {
                groups: groupsLabel(part.groups),
                count: part.raterCount,
                mean: formatNumber(part.mean, lang),
              })}
            </Text>
          ))}
        </Card>
      ) : null}
    </Stack>
  );
}

function EvaluationsContent() {
  const { me } = useMe();
  const [year, setYear] = useYearParam();
  return (
    <Stack gap="xl">
      <YearSelect year={year} onChange={setYear} />
      {isLeader(me) ? <LeaderSection year={year} /> : null}
      <CapabilitySection year={year} />
    </Stack>
  );
}

export default function Evaluations() {
  const { t } = useTranslation();
  return (
    <StaffPage title={t('evaluations.title')} lead={t('evaluations.lead')}>
      <EvaluationsContent />
    </StaffPage>
  );
}
