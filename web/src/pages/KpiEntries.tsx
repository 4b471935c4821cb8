import { Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { ActionForm } from '../ActionForm.tsx';
import { ErrorState, LightBadge, Loading, ScrollTable, StaffPage } from '../components.tsx';
import { formatDateTime, formatNumber, localName } from '../format.ts';
import { useYearParam, YearSelect } from '../performance-work.tsx';
import { KpiUpload } from '../KpiUpload.tsx';

interface ManualKpi {
  code: string;
  name: string;
  nameEn: string;
  unitCode: string;
  unitLabel: string;
  target: number;
  value: number | null;
  light: string | null;
}

interface Entry {
  id: number;
  kpiCode: string;
  kpiName: string;
  kpiNameEn: string;
  unitCode: string;
  unitLabel: string;
  target: number;
  value: number;
  note: string | null;
  submittedBy: string;
  submittedAt: string;
  status: string;
  decidedBy: string | null;
  opinion: string | null;
}

interface EntriesView {
  ownKpis: ManualKpi[];
  mine: Entry[];
  toDecide: Entry[];
}

const statusColor: Record<string, string> = { PENDING: 'gray.8', APPROVED: '#1f7a35', REJECTED: 'red.9' };

function KpiEntriesContent() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const client = useQueryClient();
  const [year, setYear] = useYearParam();
  const entries = useQuery({
    queryKey: ['kpi-entries', year],
    queryFn: () => api<EntriesView>(`/api/performance/${year}/kpi-entries`),
  });
  const refresh = () => void client.invalidateQueries({ queryKey: ['kpi-entries', year] });
  const kpiName = (e: Entry) => localName({ name: e.kpiName, nameEn: e.kpiNameEn }, lang);
  const data = entries.data;

  return (
    <Stack gap="xl">
      <YearSelect year={year} onChange={setYear} />
      {entries.isLoading ? <Loading /> : null}
      {entries.error ? <ErrorState error={entries.error} /> : null}
      {data ? (
        <>
          <Stack gap="sm">
            <Title order={2} size="h3">
              {t('kpiEntry.own')}
            </Title>
            {data.ownKpis.length === 0 ? <Text>{t('kpiEntry.noOwn')}</Text> : null}
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              {data.ownKpis.map((kpi) => (
                <Card withBorder key={kpi.code} data-testid={`own-kpi-${kpi.code}`}>
                  <Stack gap="xs">
                    <Group justify="space-between">
                      <Title order={3} size="h5">
                        {localName(kpi, lang)} ({kpi.code})
                      </Title>
                      <LightBadge light={kpi.light} />
                    </Group>
                    <Text size="sm">
                      {t('kpiEntry.target', { target: formatNumber(kpi.target, lang), unit: kpi.unitLabel })}{' '}
                      · {t('kpiEntry.current')}: {formatNumber(kpi.value, lang)}
                    </Text>
                    <ActionForm
                      id={`enter-${kpi.code}`}
                      fields={[
                        { name: 'value', label: t('kpiEntry.value'), kind: 'number', required: true },
                        { name: 'note', label: t('kpiEntry.note'), kind: 'text' },
                      ]}
                      submitLabel={t('kpiEntry.enter')}
                      submit={(body) =>
                        api(`/api/performance/${year}/kpis/${encodeURIComponent(kpi.code)}/entries`, { body })
                      }
                      onDone={refresh}
                    />
                  </Stack>
                </Card>
              ))}
            </SimpleGrid>
          </Stack>

          {data.ownKpis.length > 0 ? <KpiUpload year={year} onDone={refresh} /> : null}

          <Stack gap="sm">
            <Title order={2} size="h3">
              {t('kpiEntry.toDecide')}
            </Title>
            {data.toDecide.length === 0 ? <Text>{t('kpiEntry.noPending')}</Text> : null}
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              {data.toDecide.map((entry) => (
                <Card withBorder key={entry.id} data-testid={`decide-entry-${entry.id}`}>
                  <Stack gap="xs">
                    <Title order={3} size="h5">
                      {kpiName(entry)} ({entry.kpiCode}) · {entry.unitCode}
                    </Title>
                    <Text size="sm">
                      {formatNumber(entry.value, lang)} {entry.unitLabel} (
                      {t('kpiEntry.target', {
                        target: formatNumber(entry.target, lang),
                        unit: entry.unitLabel,
                      })}
                      ) · {t('kpiEntry.submittedBy')} {entry.submittedBy} ·{' '}
                      {formatDateTime(entry.submittedAt, lang)}
                    </Text>
                    {entry.note ? <Text size="sm">“{entry.note}”</Text> : null}
                    <ActionForm
                      id={`decide-${entry.id}`}
                      fields={[
                        {
                          name: 'decision',
                          label: t('kpiEntry.decision'),
                          kind: 'choice',
                          required: true,
                          options: [
                            { value: 'approve', label: t('kpiEntry.approve') },
                            { value: 'reject', label: t('kpiEntry.reject') },
                          ],
                        },
                        { name: 'opinion', label: t('kpiEntry.opinion'), kind: 'text' },
                      ]}
                      submitLabel={t('kpiEntry.decide')}
                      submit={(body) =>
                        api(`/api/performance/${year}/kpi-entries/${entry.id}/decision`, { body })
                      }
                      onDone={refresh}
                    />
                  </Stack>
                </Card>
              ))}
            </SimpleGrid>
          </Stack>

          {data.mine.length ? (
            <Stack gap="sm">
              <Title order={2} size="h3">
                {t('kpiEntry.mine')}
              </Title>
              <ScrollTable
                minWidth={640}
                testId="my-kpi-entries"
                columns={[
                  t('kpiEntry.kpi'),
                  t('kpiEntry.value'),
                  t('perfWork.at'),
                  t('kpiEntry.status'),
                  t('perfWork.opinion'),
                ]}
              >
                {data.mine.map((entry) => (
                  <Table.Tr key={entry.id} data-testid={`my-entry-${entry.id}`}>
                    <Table.Td>
                      {kpiName(entry)} ({entry.kpiCode})
                    </Table.Td>
                    <Table.Td>
                      {formatNumber(entry.value, lang)} {entry.unitLabel}
                    </Table.Td>
                    <Table.Td>{formatDateTime(entry.submittedAt, lang)}</Table.Td>
                    <Table.Td>
                      <Badge variant="filled" color={statusColor[entry.status] ?? 'gray.8'}>
                        {t(`kpiEntry.statusOf.${entry.status}`, { defaultValue: entry.status })}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {entry.decidedBy
                        ? `${entry.decidedBy}${entry.opinion ? `: ${entry.opinion}` : ''}`
                        : '—'}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </ScrollTable>
            </Stack>
          ) : null}
        </>
      ) : null}
    </Stack>
  );
}

export default function KpiEntries() {
  const { t } = useTranslation();
  return (
    <StaffPage title={t('kpiEntry.title')} lead={t('kpiEntry.lead')}>
      <KpiEntriesContent />
    </StaffPage>
  );
}
