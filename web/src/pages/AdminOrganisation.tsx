import { useState } from 'react';
import {
  Badge,
  Button,
  Card,
  Group,
  NativeSelect,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { unitKinds, useOrgUnits, type OrgUnit, type UnitKind } from '../admin-directory.ts';
import { ErrorState, Loading, StaffPage } from '../components.tsx';
import { DirectoryFormEnd, EditButton, useDirectoryForm } from '../directory-form.tsx';
import { localName } from '../format.ts';

function UnitTree({ units, onEdit }: { units: OrgUnit[]; onEdit: (unit: OrgUnit) => void }) {
  const { t, i18n } = useTranslation();
  const children = (parent: string | null) => units.filter((u) => u.parentCode === parent);
  const roots = units.filter((u) => u.parentCode === null || !units.some((p) => p.code === u.parentCode));
  const branch = (list: OrgUnit[], nested: boolean) => (
    <ul
      style={{
        listStyle: 'none',
        margin: 0,
        paddingLeft: nested ? 14 : 0,
        borderLeft: nested ? '2px solid var(--mantine-color-gray-3)' : undefined,
      }}
    >
      {list.map((unit) => (
        <li key={unit.code} data-testid="org-unit" data-code={unit.code}>
          <Group justify="space-between" wrap="nowrap" gap="xs" py={4}>
            <div>
              <Text fw={600} size="sm">
                {localName(unit, i18n.language)}
              </Text>
              <Group gap={6}>
                <Badge size="xs" variant="filled" color="gray.7">
                  {t(`directory.kind.${unit.kind}`)}
                </Badge>
                <Text size="xs" c="dimmed">
                  {unit.code} · {t('directory.org.staffCount', { count: unit.staffCount })}
                </Text>
              </Group>
            </div>
            <EditButton name={localName(unit, i18n.language)} onClick={() => onEdit(unit)} />
          </Group>
          {children(unit.code).length > 0 ? branch(children(unit.code), true) : null}
        </li>
      ))}
    </ul>
  );
  return <nav aria-label={t('directory.org.tree')}>{branch(roots, false)}</nav>;
}

interface UnitDraft {
  code: string;
  kind: UnitKind;
  nameKo: string;
  nameEn: string;
  parentCode: string;
  reason: string;
}

const emptyDraft: UnitDraft = {
  code: '',
  kind: 'TEAM',
  nameKo: '',
  nameEn: '',
  parentCode: '',
  reason: '',
};

function UnitForm({
  units,
  editing,
  onDone,
}: {
  units: OrgUnit[];
  editing: OrgUnit | null;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { draft, set, save, errors, submit, refresh } = useDirectoryForm<UnitDraft>({
    initial: () =>
      editing
        ? {
            code: editing.code,
            kind: editing.kind,
            nameKo: editing.nameKo,
            nameEn: editing.nameEn,
            parentCode: editing.parentCode ?? '',
            reason: '',
          }
        : emptyDraft,
    creating: !editing,
    fields: ['code', 'kind', 'nameKo', 'nameEn', 'parentCode', 'reason'],
    send: (draft) =>
      editing
        ? api<OrgUnit>(`/api/admin/org-units/${editing.code}`, {
            method: 'PUT',
            body: {
              nameKo: draft.nameKo.trim(),
              nameEn: draft.nameEn.trim(),
              parentCode: draft.parentCode || null,
              ...(draft.reason.trim() ? { reason: draft.reason.trim() } : {}),
            },
          })
        : api<OrgUnit>('/api/admin/org-units', {
            method: 'POST',
            body: {
              code: draft.code.trim(),
              kind: draft.kind,
              nameKo: draft.nameKo.trim(),
              nameEn: draft.nameEn.trim(),
              parentCode: draft.parentCode || null,
            },
          }),
  });
  const remove = useMutation({
    mutationFn: () => api(`/api/admin/org-units/${editing!.code}`, { method: 'DELETE' }),
    onSuccess: async () => {
      await refresh();
      onDone();
    },
  });
  // A unit cannot be its own parent; the server also refuses any unit inside its subtree.
  const parents = units.filter((u) => u.code !== editing?.code && u.kind !== 'TEAM');
  return (
    <form onSubmit={submit} noValidate data-testid="unit-form">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {editing ? t('directory.org.editUnit') : t('directory.org.newUnit')}
        </Title>
        {editing ? (
          <Text size="sm" c="dimmed">
            {editing.code} · {t(`directory.kind.${editing.kind}`)}
          </Text>
        ) : (
          <>
            <TextInput
              label={t('directory.org.code')}
              description={t('directory.org.codeHint')}
              required
              value={draft.code}
              onChange={(e) => set('code', e.currentTarget.value.toUpperCase())}
              error={errors.errorOf('code')}
            />
            <NativeSelect
              label={t('directory.org.kind')}
              value={draft.kind}
              onChange={(e) => set('kind', e.currentTarget.value as UnitKind)}
              data={unitKinds.map((kind) => ({ value: kind, label: t(`directory.kind.${kind}`) }))}
              error={errors.errorOf('kind')}
            />
          </>
        )}
        <TextInput
          label={t('directory.org.nameKo')}
          required
          value={draft.nameKo}
          onChange={(e) => set('nameKo', e.currentTarget.value)}
          error={errors.errorOf('nameKo')}
        />
        <TextInput
          label={t('directory.org.nameEn')}
          required
          value={draft.nameEn}
          onChange={(e) => set('nameEn', e.currentTarget.value)}
          error={errors.errorOf('nameEn')}
        />
        <NativeSelect
          label={t('directory.org.parent')}
          value={draft.parentCode}
          onChange={(e) => set('parentCode', e.currentTarget.value)}
          data={[
            { value: '', label: t('directory.org.noParent') },
            ...parents.map((u) => ({
              value: u.code,
              label: `${'· '.repeat(u.depth)}${localName(u, i18n.language)} (${u.code})`,
            })),
          ]}
          error={errors.errorOf('parentCode')}
        />
        <DirectoryFormEnd
          editing={editing !== null}
          reason={draft.reason}
          onReasonChange={(reason) => set('reason', reason)}
          errors={errors}
          save={save}
          otherError={remove.error}
          onCancel={editing ? onDone : null}
        >
          {editing ? (
            <Button
              color="red.8"
              variant="outline"
              loading={remove.isPending}
              onClick={() => remove.mutate()}
            >
              {t('directory.org.delete')}
            </Button>
          ) : null}
        </DirectoryFormEnd>
      </Stack>
    </form>
  );
}

function Organisation() {
  const { t } = useTranslation();
  const units = useOrgUnits();
  const [editing, setEditing] = useState<OrgUnit | null>(null);
  if (units.error) return <ErrorState error={units.error} />;
  if (!units.data) return <Loading />;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <Card withBorder data-testid="org-tree">
        <Title order={2} size="h4" mb="sm">
          {t('directory.org.tree')}
        </Title>
        <UnitTree units={units.data.units} onEdit={setEditing} />
      </Card>
      <Card withBorder>
        {/* A new key per unit starts the form afresh with that unit's values. */}
        <UnitForm
          key={editing?.code ?? 'new'}
          units={units.data.units}
          editing={editing}
          onDone={() => setEditing(null)}
        />
      </Card>
    </SimpleGrid>
  );
}

export default function AdminOrganisation() {
  const { t } = useTranslation();
  return (
    <StaffPage title={t('directory.org.title')} lead={t('directory.org.lead')}>
      <Organisation />
    </StaffPage>
  );
}
