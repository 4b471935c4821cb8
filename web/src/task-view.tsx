import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { StageBadge, StageBadgeOf } from './components.tsx';

/** GET /api/tasks/:id and GET /api/tasks items, as the API declares them (contracts/tasks.ts). */
export type { TaskListItem, TaskView } from '../../contracts/tasks.ts';

export const TASK_STAGES = [
  'draft',
  'plan_review',
  'execution',
  'change_review',
  'quality_review',
  'final_approval',
  'done',
  'rejected',
] as const;

const stageColor: Record<string, string> = {
  draft: 'gray.7',
  plan_review: 'violet.8',
  execution: 'indigo.8',
  change_review: 'grape.8',
  quality_review: 'teal.9',
  final_approval: 'blue.8',
  done: '#1f7a35',
  rejected: 'dark.4',
};

export function TaskStageBadge({ stage }: { stage: string }) {
  const { t } = useTranslation();
  return (
    <StageBadgeOf
      stage={stage}
      colors={stageColor}
      label={t(`tasks.stage.${stage}`, { defaultValue: stage })}
    />
  );
}

export function FocusBadge() {
  const { t } = useTranslation();
  return (
    <Badge color="#b3400d" variant="filled" data-testid="focus-badge" style={{ minWidth: 'max-content' }}>
      ★ {t('tasks.detail.focusBadge')}
    </Badge>
  );
}

/** A pending step's name: `milestone-2` reads "milestone 2". */
export function useStepLabel() {
  const { t } = useTranslation();
  return (step: string | null | undefined) => {
    if (!step) return '—';
    const milestone = /^milestone-(\d+)$/.exec(step);
    if (milestone) return t('tasks.step.milestone', { n: milestone[1] });
    return t(`tasks.step.${step}`, { defaultValue: step });
  };
}

/** The stage badge of a work item from the inbox or the stuck list, complaint or task. */
export function WorkStageBadge({ kind, stage }: { kind: 'complaint' | 'task'; stage: string }) {
  return kind === 'task' ? <TaskStageBadge stage={stage} /> : <StageBadge stage={stage} />;
}
