import { Link } from 'react-router';
import { Anchor } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { workflowHistoryPath } from './admin-directory.ts';
import type { Me } from './session.ts';

/** For admins (and directors, whose headquarters' work the history route also shows): the workflow's timeline. */
export function WorkflowHistoryLink({ workflowId, me }: { workflowId: string; me: Me | null }) {
  const { t } = useTranslation();
  if (!me || (me.role !== 'ADMIN' && me.role !== 'DIRECTOR')) return null;
  return (
    <Anchor
      component={Link}
      to={workflowHistoryPath(workflowId)}
      size="sm"
      data-testid="workflow-history-link"
    >
      {t('wfHistory.open')}
    </Anchor>
  );
}
