import { useNavigate } from 'react-router';
import { Card } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { ActionForm } from '../ActionForm.tsx';
import { StaffPage } from '../components.tsx';
import { koreaDateInput } from '../format.ts';
import { checkMilestoneRows, milestonesValue } from '../MilestonesInput.tsx';

const DAY = 24 * 3600_000;

/** Two rows to start from: a month and two months ahead, 40/60. */
const startingPlan = () =>
  milestonesValue([
    { seq: 1, title: '', due: koreaDateInput(new Date(Date.now() + 30 * DAY).toISOString()), weight: '40' },
    { seq: 2, title: '', due: koreaDateInput(new Date(Date.now() + 60 * DAY).toISOString()), weight: '60' },
  ]);

function CreateForm() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  return (
    <Card withBorder maw={880}>
      <ActionForm
        id="task-create"
        fields={[
          { name: 'title', label: t('tasks.create.subject'), kind: 'text', required: true },
          { name: 'purpose', label: t('tasks.create.purpose'), kind: 'textarea', required: true },
          {
            name: 'taskType',
            label: t('tasks.create.taskType'),
            kind: 'choice',
            options: ['standard', 'team', 'flagship'].map((value) => ({
              value,
              label: t(`tasks.type.${value}`),
            })),
          },
          { name: 'outcomeMeasure', label: t('tasks.create.outcomeMeasure'), kind: 'text' },
          { name: 'outcomeTarget', label: t('tasks.create.outcomeTarget'), kind: 'number' },
          { name: 'kpiCode', label: t('tasks.create.kpiCode'), kind: 'text' },
          {
            name: 'milestones',
            label: t('tasks.create.milestones'),
            kind: 'milestones',
            required: true,
            initial: startingPlan(),
            validate: (value) => checkMilestoneRows(value, t),
          },
        ]}
        submitLabel={t('tasks.create.save')}
        submit={(body) => api<{ id: string }>('/api/tasks', { body })}
        onDone={(result) => {
          void client.invalidateQueries({ queryKey: ['tasks'] });
          void navigate(`/tasks/${encodeURIComponent((result as { id: string }).id)}`);
        }}
      />
    </Card>
  );
}

export default function NewTask() {
  const { t } = useTranslation();
  return (
    <StaffPage title={t('tasks.create.title')} lead={t('tasks.create.lead')}>
      <CreateForm />
    </StaffPage>
  );
}
