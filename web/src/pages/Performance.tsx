import '@mantine/charts/styles.css';
import { useEffect, useState } from 'react';
import { useLocation, useParams } from 'react-router';
import { BarChart } from '@mantine/charts';
import { Button, Card, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { ErrorState, LightBadge, Loading, ScrollTable, StaffPage } from '../components.tsx';
import { currentKstYear, formatDateTime, formatNumber, localName } from '../format.ts';
import {
  perspectiveKey,
  perspectiveOrder,
  type KpiView,
  type PerformanceUnitView,
  type Scorecard,
  type StrategyMapView,
} from '../performance-types.ts';
import { useMe } from '../session.ts';
import { StrategyMap } from '../StrategyMap.tsx';

function KpiTable({ kpis }: { kpis: KpiView[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return (
    <ScrollTable
      minWidth={560}
      verticalSpacing={4}
      fz="sm"
      columns={[t('perf.kpi'), t('perf.target'), t('perf.actual'), t('perf.achievement'), t('inbox.light')]}
    >
      {kpis.map((kpi) => (
        <Table.Tr key={kpi.code} data-testid="kpi-row" data-light={kpi.light ?? ''}>
          <Table.Td>{localName(kpi, lang)}</Table.Td>
          <Table.Td>
            {formatNumber(kpi.target, lang)} {kpi.unitLabel}
          </Table.Td>
          <Table.Td>{formatNumber(kpi.value, lang)}</Table.Td>
          <Table.Td>{kpi.achievement === null ? '—' : `${formatNumber(kpi.achievement, lang)}%`}</Table.Td>
          <Table.Td>
            <LightBadge light={kpi.light} />
          </Table.Td>
        </Table.Tr>
      ))}
    </ScrollTable>
  );
}

/** Every KPI's achievement against the light thresholds. (Measurement trends are in the monthly briefing.) */
function AchievementChart({ scorecard }: { scorecard: Scorecard }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const kpis = scorecard.perspectives.flatMap((p) => p.objectives.flatMap((o) => o.kpis));
  const { green, yellow } = scorecard.config.lightThresholds;
  return (
    <Card withBorder>
      <Title order={2} size="h5" mb="sm">
        {t('perf.chart')}
      </Title>
      <BarChart
        h={Math.max(220, 48 + kpis.length * 40)}
        data={kpis.map((k) => ({ kpi: localName(k, lang), achievement: k.achievement }))}
        dataKey="kpi"
        orientation="vertical"
        series={[{ name: 'achievement', label: t('perf.achievement'), color: 'indigo.7' }]}
        referenceLines={[
          { x: green, color: 'green.8', label: t('perf.greenLine'), labelPosition: 'insideBottomLeft' },
          { x: yellow, color: 'red.8', label: t('perf.redLine'), labelPosition: 'insideBottomRight' },
        ]}
        withBarValueLabel
        valueFormatter={(value) => (typeof value === 'number' ? `${formatNumber(value, lang)}%` : '')}
        xAxisLabel={t('perf.achievementAxis')}
        yAxisLabel={t('perf.kpiAxis')}
        xAxisProps={{ domain: [0, 120], allowDataOverflow: true, ticks: [0, 30, 60, 90, 120] }}
        yAxisProps={{ width: 170, interval: 0, fontSize: 11 }}
        role="figure"
        aria-label={t('perf.chart')}
      />
      <Text size="xs" mt="xs">
        {t('perf.thresholds', { green, yellow })}
      </Text>
    </Card>
  );
}

function ScorecardView({ year, unit }: { year: number; unit: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const scorecard = useQuery({
    queryKey: ['scorecard', year, unit],
    queryFn: () => api<Scorecard>(`/api/performance/${year}/scorecards/${encodeURIComponent(unit)}`),
    refetchInterval: (query) => (query.state.error ? false : 15_000),
  });
  const map = useQuery({
    queryKey: ['strategy-map', year, unit],
    queryFn: () => api<StrategyMapView>(`/api/performance/${year}/strategy-maps/${encodeURIComponent(unit)}`),
    retry: false,
  });
  if (scorecard.error) return <ErrorState error={scorecard.error} />;
  if (!scorecard.data) return <Loading />;
  const data = scorecard.data;
  const perspectives = [...data.perspectives].sort(
    (a, b) => perspectiveOrder.indexOf(perspectiveKey(a)) - perspectiveOrder.indexOf(perspectiveKey(b)),
  );
  return (
    <Stack>
      <Group>
        <Text fw={700}>
          {t('perf.score')}: {formatNumber(data.score, lang)}
        </Text>
        <LightBadge light={data.light} />
      </Group>
      <Card withBorder>
        <Title order={2} size="h5">
          {t('perf.map')}
        </Title>
        <Text size="sm" mb="sm">
          {t('perf.mapHint')}
        </Text>
        {map.data ? (
          <Stack gap={2} mb="sm" data-testid="mission">
            <Text size="sm">
              <b>{t('perf.mission')}</b> {lang === 'en' ? map.data.mission.en : map.data.mission.ko}
            </Text>
            <Text size="sm">
              <b>{t('perf.vision')}</b> {lang === 'en' ? map.data.vision.en : map.data.vision.ko}
            </Text>
            <Text size="sm">
              <b>{t('perf.strategies')}</b>{' '}
              {map.data.strategies.map((s) => (lang === 'en' ? s.nameEn : s.nameKo)).join(' · ')}
            </Text>
          </Stack>
        ) : null}
        <StrategyMap scorecard={data} />
      </Card>
      <AchievementChart scorecard={data} />
      <Title order={2} size="h4">
        {t('perf.scorecard')}
      </Title>
      {perspectives.map((perspective) => {
        const key = perspectiveKey(perspective);
        return (
          <Card withBorder key={key} data-testid="perspective">
            <Group justify="space-between" mb="xs">
              <Title order={3} size="h5">
                {t(`perf.perspective.${key}`, { defaultValue: key })} · {t('perf.weight')}{' '}
                {perspective.weight}%
              </Title>
              <Group gap="xs">
                <Text size="sm">{formatNumber(perspective.score, lang)}</Text>
                <LightBadge light={perspective.light} />
              </Group>
            </Group>
            {perspective.objectives.map((objective) => (
              <Stack key={objective.code} gap={4} mb="sm">
                <Group gap="xs">
                  <Text fw={600} size="sm">
                    {localName(objective, lang)}
                  </Text>
                  {objective.light ? <LightBadge light={objective.light} /> : null}
                </Group>
                <KpiTable kpis={objective.kpis} />
              </Stack>
            ))}
          </Card>
        );
      })}
    </Stack>
  );
}

interface ArchivedBriefing {
  month: number;
  generatedAt: string;
  score: number | null;
  light: string | null;
  redKpis: number;
  files: { format: string; lang: string }[];
}

/** The unit's briefings as the schedule archived them, each month's files in both languages. */
function BriefingArchive({ year, unit }: { year: number; unit: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { hash } = useLocation();
  const archive = useQuery({
    queryKey: ['briefing-archive', year, unit],
    queryFn: () =>
      api<ArchivedBriefing[]>(`/api/performance/${year}/briefings/${encodeURIComponent(unit)}/archive`),
  });
  // A briefing mail links to this list (#briefings): bring it into view once it is there.
  useEffect(() => {
    if (hash === '#briefings' && archive.data) document.getElementById('briefings')?.scrollIntoView();
  }, [hash, archive.data]);
  const fileLabel = (file: { format: string; lang: string }) =>
    `${file.format.toUpperCase()} · ${file.lang === 'en' ? 'English' : '한국어'}`;
  return (
    <Card withBorder id="briefings" data-testid="briefing-archive">
      <Title order={4}>{t('perf.archive')}</Title>
      <Text size="sm" c="dimmed" mb="xs">
        {t('perf.archiveHint')}
      </Text>
      {archive.isPending ? (
        <Loading />
      ) : archive.isError ? (
        <ErrorState error={archive.error} />
      ) : archive.data.length === 0 ? (
        <Text size="sm">{t('perf.archiveEmpty')}</Text>
      ) : (
        <ScrollTable
          minWidth={560}
          fz="sm"
          columns={[
            t('perf.archiveMonthColumn'),
            t('perf.score'),
            t('perf.archiveRed'),
            t('perf.archiveGenerated'),
            t('perf.archiveFiles'),
          ]}
        >
          {archive.data.map((row) => (
            <Table.Tr key={row.month} data-month={row.month}>
              <Table.Td>{t('perf.archiveMonth', { year, month: row.month })}</Table.Td>
              <Table.Td>
                {row.score === null ? (
                  // A month without enough measured KPIs has no score and no light: say so, not "—".
                  <Text size="sm">{t('fairPay.insufficientData')}</Text>
                ) : (
                  <Group gap="xs">
                    {formatNumber(row.score, lang)}
                    <LightBadge light={row.light} />
                  </Group>
                )}
              </Table.Td>
              <Table.Td>{formatNumber(row.redKpis, lang, 0)}</Table.Td>
              <Table.Td>{formatDateTime(row.generatedAt, lang)}</Table.Td>
              <Table.Td>
                <Group gap={6}>
                  {row.files.map((file) => (
                    <Button
                      key={`${file.format}-${file.lang}`}
                      component="a"
                      size="compact-xs"
                      variant="light"
                      download
                      href={`/api/performance/${year}/briefings/${encodeURIComponent(unit)}/archive/${row.month}?format=${file.format}&lang=${file.lang}`}
                    >
                      {fileLabel(file)}
                    </Button>
                  ))}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </ScrollTable>
      )}
    </Card>
  );
}

function PerformanceContent() {
  const { t, i18n } = useTranslation();
  const { me } = useMe();
  // /performance/:year/scorecards/:unitCode (the link in KPI warnings and briefing mails) opens that unit.
  const params = useParams<{ year?: string; unitCode?: string }>();
  const [year, setYear] = useState(
    params.year && /^\d{4}$/.test(params.year) ? params.year : String(currentKstYear()),
  );
  const unitList = useQuery({
    queryKey: ['performance-units', year],
    queryFn: () => api<PerformanceUnitView[]>(`/api/performance/${year}/units`),
  });
  const known = unitList.data ?? [];
  const codes = new Set(known.map((u) => u.code));
  const defaultUnit =
    me?.unitCode && codes.has(me.unitCode)
      ? me.unitCode
      : me?.headquartersCode && codes.has(me.headquartersCode)
        ? me.headquartersCode
        : (known[0]?.code ?? me?.unitCode ?? 'MIN');
  const [chosenUnit, setUnit] = useState<string | null>(params.unitCode ?? null);
  const unit = chosenUnit ?? defaultUnit;
  // Units by name, the code after it; a unit without a scorecard this year is still offered as itself.
  const units = [
    ...known.map((u) => ({ value: u.code, label: `${localName(u, i18n.language)} (${u.code})` })),
    ...(codes.has(unit) ? [] : [{ value: unit, label: unit }]),
  ];
  const thisYear = currentKstYear();
  return (
    <Stack>
      <Group align="end">
        <Select
          label={t('perf.year')}
          data={[...new Set([thisYear - 1, thisYear, thisYear + 1, Number(year)])].sort().map(String)}
          value={year}
          onChange={(v) => setYear(v ?? year)}
          allowDeselect={false}
          w={120}
        />
        <Select
          label={t('perf.unit')}
          data={units}
          value={unit}
          onChange={(v) => setUnit(v ?? unit)}
          allowDeselect={false}
          searchable
          w={280}
        />
        <Button
          component="a"
          variant="default"
          href={`/api/performance/${year}/briefings/${encodeURIComponent(unit)}?lang=${i18n.language === 'en' ? 'en' : 'ko'}`}
          download
          data-testid="briefing-download"
        >
          {t('perf.briefing')}
        </Button>
        <Button
          component="a"
          variant="default"
          href={`/api/performance/${year}/briefings/${encodeURIComponent(unit)}?format=pdf&lang=${i18n.language === 'en' ? 'en' : 'ko'}`}
          download
          data-testid="briefing-download-pdf"
        >
          {t('perf.briefingPdf')}
        </Button>
      </Group>
      <ScorecardView year={Number(year)} unit={unit} />
      <BriefingArchive year={Number(year)} unit={unit} />
    </Stack>
  );
}

export default function Performance() {
  const { t } = useTranslation();
  return (
    <StaffPage title={t('perf.title')}>
      <PerformanceContent />
    </StaffPage>
  );
}
