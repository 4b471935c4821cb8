import { useState } from 'react';
import {
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  NativeSelect,
  PasswordInput,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import {
  endOfKoreanDay,
  koreanDay,
  staffRoles,
  useOrgUnits,
  type OrgUnit,
  type StaffMember,
} from '../admin-directory.ts';
import { ErrorState, Loading, ScrollTable, StaffPage } from '../components.tsx';
import { DirectoryFormEnd, EditButton, useDirectoryForm, useFocusOnOpen } from '../directory-form.tsx';
import { formatDate, localName } from '../format.ts';
import { useMe } from '../session.ts';

function AvailabilityBadge({ member }: { member: StaffMember }) {
  const { t, i18n } = useTranslation();
  if (!member.active)
    return (
      <Badge color="dark.4" variant="filled">
        {t('directory.users.inactive')}
      </Badge>
    );
  if (!member.available)
    return (
      <Badge color="#b3400d" variant="filled">
        {t('directory.users.unavailable')}
      </Badge>
    );
  if (member.absentUntil && new Date(member.absentUntil).getTime() > Date.now())
    return (
      <Badge color="#7a5200" variant="filled">
        {t('directory.users.absent', { date: formatDate(member.absentUntil, i18n.language) })}
      </Badge>
    );
  return (
    <Badge color="#1f7a35" variant="filled">
      {t('directory.users.availableNow')}
    </Badge>
  );
}

interface Draft {
  employeeNo: string;
  nameKo: string;
  nameEn: string;
  email: string;
  unitCode: string;
  role: string;
  payGrade: string;
  skills: string;
  available: boolean;
  absentUntil: string;
  active: boolean;
  password: string;
  reason: string;
}

const draftOf = (member: StaffMember | null, units: OrgUnit[]): Draft => ({
  employeeNo: member?.employeeNo ?? '',
  nameKo: member?.nameKo ?? '',
  nameEn: member?.nameEn ?? '',
  email: member?.email ?? '',
  unitCode: member?.unitCode ?? units.find((u) => u.kind === 'TEAM')?.code ?? '',
  role: member?.role ?? 'STAFF',
  payGrade: member?.payGrade ?? '',
  skills: member?.skills.join(', ') ?? '',
  available: member?.available ?? true,
  absentUntil: koreanDay(member?.absentUntil ?? null),
  active: member?.active ?? true,
  password: '',
  reason: '',
});

const skillList = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const FIELDS = [
  'employeeNo',
  'nameKo',
  'nameEn',
  'email',
  'unitCode',
  'role',
  'payGrade',
  'skills',
  'available',
  'absentUntil',
  'active',
  'password',
  'reason',
];

function StaffForm({
  member,
  units,
  personnelOnly,
  onDone,
}: {
  member: StaffMember | null;
  units: OrgUnit[];
  /** HR issues personnel orders only: unit and role. */
  personnelOnly: boolean;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { draft, set, save, errors, submit } = useDirectoryForm({
    initial: () => draftOf(member, units),
    creating: !member,
    fields: FIELDS,
    send: async (draft) => {
      if (!member) {
        return api<StaffMember>('/api/admin/staff', {
          method: 'POST',
          body: {
            employeeNo: draft.employeeNo.trim(),
            nameKo: draft.nameKo.trim(),
            nameEn: draft.nameEn.trim(),
            email: draft.email.trim(),
            unitCode: draft.unitCode,
            role: draft.role,
            payGrade: draft.payGrade.trim(),
            skills: skillList(draft.skills),
            available: draft.available,
            absentUntil: endOfKoreanDay(draft.absentUntil),
            password: draft.password,
          },
        });
      }
      const original = draftOf(member, units);
      const changed: Record<string, unknown> = {};
      for (const field of ['nameKo', 'nameEn', 'email', 'unitCode', 'role', 'payGrade'] as const)
        if (draft[field].trim() !== original[field]) changed[field] = draft[field].trim();
      if (draft.skills !== original.skills) changed.skills = skillList(draft.skills);
      if (draft.available !== original.available) changed.available = draft.available;
      if (draft.absentUntil !== original.absentUntil) changed.absentUntil = endOfKoreanDay(draft.absentUntil);
      if (draft.active !== original.active) changed.active = draft.active;
      if (Object.keys(changed).length === 0) return member;
      if (draft.reason.trim()) changed.reason = draft.reason.trim();
      return api<StaffMember>(`/api/admin/staff/${member.employeeNo}`, { method: 'PUT', body: changed });
    },
  });
  const heading = useFocusOnOpen<HTMLHeadingElement>();
  const text = (field: 'employeeNo' | 'nameKo' | 'nameEn' | 'email' | 'payGrade', extra: object = {}) => (
    <TextInput
      label={t(`directory.users.${field}`)}
      required
      value={draft[field]}
      onChange={(e) => set(field, e.currentTarget.value)}
      error={errors.errorOf(field)}
      {...extra}
    />
  );
  return (
    <form onSubmit={submit} noValidate data-testid="staff-form">
      <Stack gap="sm">
        <Title order={2} size="h4" ref={heading} tabIndex={-1}>
          {member ? t('directory.users.editUser') : t('directory.users.newUser')}
        </Title>
        {member ? (
          <Text size="sm" c="dimmed">
            {member.employeeNo} · {localName({ nameKo: member.nameKo, nameEn: member.nameEn }, i18n.language)}
          </Text>
        ) : (
          text('employeeNo', { description: 'E1234' })
        )}
        {personnelOnly ? null : (
          <>
            {text('nameKo')}
            {text('nameEn')}
            {text('email', { type: 'email' })}
          </>
        )}
        <NativeSelect
          label={t('directory.users.unit')}
          value={draft.unitCode}
          onChange={(e) => set('unitCode', e.currentTarget.value)}
          data={units.map((u) => ({
            value: u.code,
            label: `${'· '.repeat(u.depth)}${localName(u, i18n.language)} (${u.code})`,
          }))}
          error={errors.errorOf('unitCode')}
        />
        <NativeSelect
          label={t('directory.users.role')}
          value={draft.role}
          onChange={(e) => set('role', e.currentTarget.value)}
          data={staffRoles.map((role) => ({ value: role, label: t(`role.${role}`) }))}
          error={errors.errorOf('role')}
        />
        {personnelOnly ? null : (
          <>
            {text('payGrade', { description: t('directory.users.payGradeHint') })}
            <TextInput
              label={t('directory.users.skills')}
              description={t('directory.users.skillsHint')}
              value={draft.skills}
              onChange={(e) => set('skills', e.currentTarget.value)}
              error={errors.errorOf('skills')}
            />
            <Checkbox
              label={t('directory.users.available')}
              checked={draft.available}
              onChange={(e) => set('available', e.currentTarget.checked)}
              error={errors.errorOf('available')}
            />
            <TextInput
              type="date"
              label={t('directory.users.absentUntil')}
              value={draft.absentUntil}
              onChange={(e) => set('absentUntil', e.currentTarget.value)}
              error={errors.errorOf('absentUntil')}
            />
            {member ? (
              <Checkbox
                label={t('directory.users.accountActive')}
                checked={draft.active}
                onChange={(e) => set('active', e.currentTarget.checked)}
                error={errors.errorOf('active')}
              />
            ) : (
              <PasswordInput
                label={t('directory.users.password')}
                description={t('directory.users.passwordHint')}
                required
                autoComplete="new-password"
                value={draft.password}
                onChange={(e) => set('password', e.currentTarget.value)}
                error={errors.errorOf('password')}
              />
            )}
          </>
        )}
        <DirectoryFormEnd
          editing={member !== null}
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

function StaffTable({ members, onEdit }: { members: StaffMember[]; onEdit: (member: StaffMember) => void }) {
  const { t, i18n } = useTranslation();
  if (members.length === 0) return <Text>{t('directory.users.empty')}</Text>;
  return (
    <ScrollTable
      minWidth={720}
      highlightOnHover
      testId="staff-table"
      columns={[
        t('directory.users.employeeNo'),
        t('directory.users.nameKo'),
        t('directory.users.unit'),
        t('directory.users.role'),
        t('directory.users.payGrade'),
        t('directory.users.availability'),
        t('directory.users.openComplaints'),
        <VisuallyHidden>{t('directory.edit')}</VisuallyHidden>,
      ]}
    >
      {members.map((member) => {
        const name = localName({ nameKo: member.nameKo, nameEn: member.nameEn }, i18n.language);
        return (
          <Table.Tr key={member.employeeNo} data-testid="staff-row" data-employee-no={member.employeeNo}>
            <Table.Td>{member.employeeNo}</Table.Td>
            <Table.Td>
              {name}
              <Text size="xs" c="dimmed">
                {member.email}
              </Text>
            </Table.Td>
            <Table.Td>
              {localName({ nameKo: member.unitName, nameEn: member.unitNameEn }, i18n.language)}
            </Table.Td>
            <Table.Td>{t(`role.${member.role}`)}</Table.Td>
            <Table.Td>{member.payGrade}</Table.Td>
            <Table.Td>
              <AvailabilityBadge member={member} />
            </Table.Td>
            <Table.Td>{member.openComplaints}</Table.Td>
            <Table.Td>
              <EditButton name={name} onClick={() => onEdit(member)} />
            </Table.Td>
          </Table.Tr>
        );
      })}
    </ScrollTable>
  );
}

function Users() {
  const { t, i18n } = useTranslation();
  const { me } = useMe();
  const units = useOrgUnits();
  const [q, setQ] = useState('');
  const [unitCode, setUnitCode] = useState('');
  const [role, setRole] = useState('');
  const [state, setState] = useState('');
  const [search] = useDebouncedValue(q.trim(), 250);
  const [form, setForm] = useState<{ member: StaffMember | null } | null>(null);
  const params = new URLSearchParams();
  if (search) params.set('q', search);
  if (unitCode) params.set('unitCode', unitCode);
  if (role) params.set('role', role);
  if (state) params.set('active', state);
  const staff = useQuery({
    queryKey: ['admin', 'staff', params.toString()],
    queryFn: () => api<{ total: number; staff: StaffMember[] }>(`/api/admin/staff?${params.toString()}`),
    placeholderData: keepPreviousData,
  });
  const personnelOnly = me?.role !== 'ADMIN';
  if (units.error) return <ErrorState error={units.error} />;
  if (!units.data) return <Loading />;
  return (
    <Stack>
      <Card withBorder>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
          <TextInput
            label={t('directory.users.search')}
            type="search"
            value={q}
            onChange={(e) => setQ(e.currentTarget.value)}
            data-testid="staff-search"
          />
          <NativeSelect
            label={t('directory.users.unit')}
            value={unitCode}
            onChange={(e) => setUnitCode(e.currentTarget.value)}
            data={[
              { value: '', label: t('directory.any') },
              ...units.data.units.map((u) => ({
                value: u.code,
                label: `${'· '.repeat(u.depth)}${localName(u, i18n.language)}`,
              })),
            ]}
          />
          <NativeSelect
            label={t('directory.users.role')}
            value={role}
            onChange={(e) => setRole(e.currentTarget.value)}
            data={[
              { value: '', label: t('directory.any') },
              ...staffRoles.map((r) => ({ value: r, label: t(`role.${r}`) })),
            ]}
          />
          <NativeSelect
            label={t('directory.users.state')}
            value={state}
            onChange={(e) => setState(e.currentTarget.value)}
            data={[
              { value: '', label: t('directory.any') },
              { value: 'true', label: t('directory.users.active') },
              { value: 'false', label: t('directory.users.inactive') },
            ]}
          />
        </SimpleGrid>
      </Card>
      {form ? (
        <Card withBorder>
          <StaffForm
            key={form.member?.employeeNo ?? 'new'}
            member={form.member}
            units={units.data.units}
            personnelOnly={personnelOnly}
            onDone={() => setForm(null)}
          />
        </Card>
      ) : personnelOnly ? null : (
        <Group>
          <Button onClick={() => setForm({ member: null })}>{t('directory.users.newUser')}</Button>
        </Group>
      )}
      <Card withBorder>
        {staff.error ? <ErrorState error={staff.error} /> : null}
        {staff.data ? (
          <>
            <Text size="sm" c="dimmed" mb="xs" role="status">
              {t('directory.users.count', { count: staff.data.total })}
            </Text>
            <StaffTable members={staff.data.staff} onEdit={(member) => setForm({ member })} />
          </>
        ) : staff.isLoading ? (
          <Loading />
        ) : null}
      </Card>
    </Stack>
  );
}

export default function AdminUsers() {
  const { t } = useTranslation();
  return (
    <StaffPage title={t('directory.users.title')} lead={t('directory.users.lead')}>
      <Users />
    </StaffPage>
  );
}
