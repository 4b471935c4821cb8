import { Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { ErrorState, Loading, ScrollTable, StaffPage } from '../components.tsx';
import { currentKstYear, formatNumber, localName } from '../format.ts';
import { useCompetencyName } from '../development.tsx';

interface Needs {
  competencies: { competencyCode: string; people: number; plannedHours: number; completedHours: number }[];
  units: {
    unitCode: string;
    name: string;
    nameEn: string;
    people: number;
    plans: number;
    agreed: number;
    trainingHours: number;
  }[];
}

function NeedsContent({ year }: { year: number }) {
  const { t, i18n } = useTranslation();
  const competencyName = useCompetencyName(year);
  const lang = i18n.language;
  const needs = useQuery({
    queryKey: ['development-needs', year],
    queryFn: () => api<Needs>(`/api/development/${year}/needs`),
  });
  if (needs.error) return <ErrorState error={needs.error} />;
  if (!needs.data) return <Loading />;
  return (
    <Stack>
      {needs.data.competencies.length === 0 ? <Text>{t('development.needs.empty')}</Text> : null}
      <ScrollTable
        minWidth={560}
        testId="development-needs"
        columns={[
          t('development.needs.competency'),
          t('development.needs.people'),
          t('development.needs.plannedHours'),
          t('development.needs.completedHours'),
        ]}
      >
        {needs.data.competencies.map((row) => (
          <Table.Tr key={row.competencyCode} data-testid="development-need">
            <Table.Td>{competencyName(row.competencyCode)}</Table.Td>
            <Table.Td>{formatNumber(row.people, lang, 0)}</Table.Td>
            <Table.Td>{formatNumber(row.plannedHours, lang, 1)}</Table.Td>
            <Table.Td>{formatNumber(row.completedHours, lang, 1)}</Table.Td>
          </Table.Tr>
        ))}
      </ScrollTable>
      <Title order={2} size="h3">
        {t('development.needs.unit')}
      </Title>
      <ScrollTable
        minWidth={640}
        columns={[
          t('development.needs.unit'),
          t('development.needs.members'),
          t('development.needs.plans'),
          t('development.needs.agreed'),
          t('development.needs.trainingHours'),
        ]}
      >
        {needs.data.units.map((unit) => (
          <Table.Tr key={unit.unitCode}>
            <Table.Td>{localName(unit, lang)}</Table.Td>
            <Table.Td>{formatNumber(unit.people, lang, 0)}</Table.Td>
            <Table.Td>{formatNumber(unit.plans, lang, 0)}</Table.Td>
            <Table.Td>{formatNumber(unit.agreed, lang, 0)}</Table.Td>
            <Table.Td>{formatNumber(unit.trainingHours, lang, 1)}</Table.Td>
          </Table.Tr>
        ))}
      </ScrollTable>
    </Stack>
  );
}

/** HR's view of development needs across the ministry. */
export default function DevelopmentNeeds() {
  const { t } = useTranslation();
  const year = currentKstYear();
  return (
    <StaffPage title={t('development.needs.title', { year })} lead={t('development.needs.lead')}>
      <NeedsContent year={year} />
    </StaffPage>
  );
}
