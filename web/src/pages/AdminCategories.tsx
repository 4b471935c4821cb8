import { useState } from 'react';
import {
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  NativeSelect,
  NumberInput,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import {
  complaintKinds,
  useOrgUnits,
  type Category,
  type ComplaintKind,
  type OrgUnit,
  type SlaLimits,
} from '../admin-directory.ts';
import { ErrorState, Loading, ScrollTable, StaffPage } from '../components.tsx';
import { DirectoryFormEnd, EditButton, useDirectoryForm, useFocusOnOpen } from '../directory-form.tsx';
import { localName } from '../format.ts';

interface Draft {
  code: string;
  nameKo: string;
  nameEn: string;
  kind: ComplaintKind;
  teamCode: string;
  slaDays: number | '';
  skill: string;
  active: boolean;
  reason: string;
}

const draftOf = (category: Category | null, teams: OrgUnit[]): Draft => ({
  code: category?.code ?? '',
  nameKo: category?.nameKo ?? '',
  nameEn: category?.nameEn ?? '',
  kind: category?.kind ?? 'QUESTION',
  teamCode: category?.teamCode ?? teams[0]?.code ?? '',
  slaDays: category?.slaDays ?? 7,
  skill: category?.skill ?? '',
  active: category?.active ?? true,
  reason: '',
});

const FIELDS = ['code', 'nameKo', 'nameEn', 'kind', 'teamCode', 'slaDays', 'skill', 'active', 'reason'];

function CategoryForm({
  category,
  teams,
  limits,
  onDone,
}: {
  category: Category | null;
  teams: OrgUnit[];
  limits: SlaLimits;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { draft, set, save, errors, submit } = useDirectoryForm({
    initial: () => draftOf(category, teams),
    creating: !category,
    fields: FIELDS,
    send: async (draft) => {
      const fields = {
        nameKo: draft.nameKo.trim(),
        nameEn: draft.nameEn.trim(),
        kind: draft.kind,
        teamCode: draft.teamCode,
        slaDays: draft.slaDays === '' ? undefined : draft.slaDays,
        skill: draft.skill.trim() || null,
        active: draft.active,
      };
      if (!category) {
        return api<Category>('/api/admin/categories', {
          method: 'POST',
          body: { code: draft.code.trim(), ...fields },
        });
      }
      const original = draftOf(category, teams);
      const changed: Record<string, unknown> = {};
      for (const [field, value] of Object.entries(fields)) {
        const before = field === 'skill' ? original.skill || null : original[field as keyof Draft];
        if (value !== before) changed[field] = value;
      }
      if (Object.keys(changed).length === 0) return category;
      if (draft.reason.trim()) changed.reason = draft.reason.trim();
      return api<Category>(`/api/admin/categories/${category.code}`, { method: 'PUT', body: changed });
    },
  });
  const heading = useFocusOnOpen<HTMLHeadingElement>();
  const limit = limits[draft.kind];
  return (
    <form onSubmit={submit} noValidate data-testid="category-form">
      <Stack gap="sm">
        <Title order={2} size="h4" ref={heading} tabIndex={-1}>
          {category ? t('directory.categories.editCategory') : t('directory.categories.newCategory')}
        </Title>
        {category ? (
          <Text size="sm" c="dimmed">
            {category.code}
          </Text>
        ) : (
          <TextInput
            label={t('directory.categories.code')}
            description={t('directory.categories.codeHint')}
            required
            value={draft.code}
            onChange={(e) => set('code', e.currentTarget.value.toUpperCase())}
            error={errors.errorOf('code')}
          />
        )}
        <TextInput
          label={t('directory.categories.nameKo')}
          required
          value={draft.nameKo}
          onChange={(e) => set('nameKo', e.currentTarget.value)}
          error={errors.errorOf('nameKo')}
        />
        <TextInput
          label={t('directory.categories.nameEn')}
          required
          value={draft.nameEn}
          onChange={(e) => set('nameEn', e.currentTarget.value)}
          error={errors.errorOf('nameEn')}
        />
        <NativeSelect
          label={t('directory.categories.kind')}
          value={draft.kind}
          onChange={(e) => set('kind', e.currentTarget.value as ComplaintKind)}
          data={complaintKinds.map((kind) => ({ value: kind, label: t(`directory.complaintKind.${kind}`) }))}
          error={errors.errorOf('kind')}
        />
        <NativeSelect
          label={t('directory.categories.team')}
          value={draft.teamCode}
          onChange={(e) => set('teamCode', e.currentTarget.value)}
          data={teams.map((team) => ({
            value: team.code,
            label: `${localName(team, i18n.language)} (${team.code})`,
          }))}
          error={errors.errorOf('teamCode')}
        />
        <NumberInput
          label={t('directory.categories.slaDays')}
          description={
            limit
              ? t('directory.categories.slaHint', {
                  kind: t(`directory.complaintKind.${draft.kind}`),
                  min: limit.min,
                  max: limit.max,
                })
              : undefined
          }
          required
          min={1}
          max={90}
          allowDecimal={false}
          value={draft.slaDays}
          onChange={(value) =>
            set('slaDays', typeof value === 'number' ? value : value === '' ? '' : Number(value))
          }
          error={errors.errorOf('slaDays')}
        />
        <TextInput
          label={t('directory.categories.skill')}
          value={draft.skill}
          onChange={(e) => set('skill', e.currentTarget.value)}
          error={errors.errorOf('skill')}
        />
        <Checkbox
          label={t('directory.categories.active')}
          checked={draft.active}
          onChange={(e) => set('active', e.currentTarget.checked)}
          error={errors.errorOf('active')}
        />
        <DirectoryFormEnd
          editing={category !== null}
          reason={draft.reason}
          onReasonChange={(reason) => set('reason', reason)}
          errors={errors}
          save={save}
          onCancel={onDone}
        />
      </Stack>
    </form>
  );
}

function CategoryTable({ categories, onEdit }: { categories: Category[]; onEdit: (c: Category) => void }) {
  const { t, i18n } = useTranslation();
  if (categories.length === 0) return <Text>{t('directory.categories.empty')}</Text>;
  return (
    <ScrollTable
      minWidth={720}
      highlightOnHover
      testId="category-table"
      columns={[
        t('directory.categories.code'),
        t('directory.categories.nameKo'),
        t('directory.categories.kind'),
        t('directory.categories.team'),
        t('directory.categories.slaDays'),
        t('directory.categories.state'),
        <VisuallyHidden>{t('directory.edit')}</VisuallyHidden>,
      ]}
    >
      {categories.map((category) => {
        const name = localName({ nameKo: category.nameKo, nameEn: category.nameEn }, i18n.language);
        return (
          <Table.Tr key={category.code} data-testid="category-row" data-code={category.code}>
            <Table.Td>{category.code}</Table.Td>
            <Table.Td>{name}</Table.Td>
            <Table.Td>{t(`directory.complaintKind.${category.kind}`)}</Table.Td>
            <Table.Td>
              {localName({ nameKo: category.teamName, nameEn: category.teamNameEn }, i18n.language)}
            </Table.Td>
            <Table.Td>{category.slaDays}</Table.Td>
            <Table.Td>
              {category.active ? (
                <Badge color="#1f7a35" variant="filled">
                  {t('directory.categories.activeState')}
                </Badge>
              ) : (
                <Badge color="dark.4" variant="filled">
                  {t('directory.categories.inactiveState')}
                </Badge>
              )}
            </Table.Td>
            <Table.Td>
              <EditButton name={name} onClick={() => onEdit(category)} />
            </Table.Td>
          </Table.Tr>
        );
      })}
    </ScrollTable>
  );
}

function Categories() {
  const { t } = useTranslation();
  const units = useOrgUnits();
  const categories = useQuery({
    queryKey: ['admin', 'categories'],
    queryFn: () => api<{ categories: Category[]; limits: SlaLimits }>('/api/admin/categories'),
  });
  const [form, setForm] = useState<{ category: Category | null } | null>(null);
  const error = units.error ?? categories.error;
  if (error) return <ErrorState error={error} />;
  if (!units.data || !categories.data) return <Loading />;
  const teams = units.data.units.filter((u) => u.kind === 'TEAM');
  return (
    <Stack>
      {form ? (
        <Card withBorder>
          <CategoryForm
            key={form.category?.code ?? 'new'}
            category={form.category}
            teams={teams}
            limits={categories.data.limits}
            onDone={() => setForm(null)}
          />
        </Card>
      ) : (
        <Group>
          <Button onClick={() => setForm({ category: null })}>{t('directory.categories.newCategory')}</Button>
        </Group>
      )}
      <Card withBorder>
        <CategoryTable categories={categories.data.categories} onEdit={(category) => setForm({ category })} />
      </Card>
    </Stack>
  );
}

export default function AdminCategories() {
  const { t } = useTranslation();
  return (
    <StaffPage title={t('directory.categories.title')} lead={t('directory.categories.lead')}>
      <Categories />
    </StaffPage>
  );
}
