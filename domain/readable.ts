/**
 * Words and times for what the server itself writes for people (exports, reasons): Korean first, English
 * on request, times in Korea time. The portal has its own copy of these words in web/src/i18n.ts; this
 * module serves texts that leave the server without the portal (CSV files, the stuck list's reason).
 */
export type Lang = 'ko' | 'en';

export const langOf = (value: unknown): Lang => (value === 'en' ? 'en' : 'ko');

const exportFormat = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Seoul',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});
const koFormat = new Intl.DateTimeFormat('ko-KR', {
  timeZone: 'Asia/Seoul',
  dateStyle: 'medium',
  timeStyle: 'short',
});
const enFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Seoul',
  dateStyle: 'medium',
  timeStyle: 'short',
});

/** `2026-12-03 09:30:00` in Korea time: sortable in a spreadsheet; the column header says KST. */
export function exportTime(iso: string | Date | null | undefined): string {
  if (!iso) return '';
  return exportFormat.format(new Date(iso));
}

/** A readable Korea time: `2026. 12. 3. 오전 9:30` or `3 Dec 2026, 09:30 KST`. */
export function kstTime(iso: string | Date | null | undefined, lang: Lang): string {
  if (!iso) return '-';
  const date = new Date(iso);
  return lang === 'en' ? `${enFormat.format(date)} KST` : koFormat.format(date);
}

type Words = Readonly<Record<string, readonly [ko: string, en: string]>>;

const complaintStages: Words = {
  received: ['접수', 'Received'],
  assigned: ['배정', 'Assigned'],
  in_progress: ['처리 중', 'In progress'],
  waiting_citizen: ['보완 요청(민원인)', 'Waiting for the citizen'],
  in_review: ['팀장 검토', 'In review'],
  answered: ['답변 완료', 'Answered'],
  awaiting_rating: ['만족도 평가 대기', 'Awaiting rating'],
  closed: ['종결', 'Closed'],
  withdrawn: ['취하', 'Withdrawn'],
};

const taskStages: Words = {
  draft: ['작성 중', 'Draft'],
  plan_review: ['계획 검토', 'Plan review'],
  execution: ['추진 중', 'Execution'],
  change_review: ['변경 검토', 'Change review'],
  quality_review: ['품질 검토', 'Quality review'],
  final_approval: ['최종 승인 대기', 'Final approval'],
  done: ['완료', 'Done'],
  rejected: ['불승인', 'Rejected'],
};

const roles: Words = {
  OWNER: ['담당자', 'Owner'],
  STAFF: ['직원', 'Staff'],
  TEAM_LEADER: ['팀장', 'Team leader'],
  DIRECTOR: ['본부장', 'Director'],
  HEAD: ['장관', 'Head of ministry'],
  HR: ['인사 담당', 'HR'],
  ADMIN: ['관리자', 'Administrator'],
};

const decisions: Words = {
  submit: ['제출', 'Submitted'],
  approve: ['승인', 'Approved'],
  return: ['반려', 'Returned'],
  reject: ['불승인', 'Rejected'],
  accept: ['적합', 'Accepted'],
  designate: ['중점관리 지정', 'Focus designated'],
  release: ['중점관리 해제', 'Focus released'],
  continue: ['계속 처리', 'Continued'],
  close: ['종결', 'Closed'],
};

const phases: Words = {
  plan: ['계획 검토', 'Plan review'],
  change: ['변경 검토', 'Change review'],
  quality: ['품질 검토', 'Quality review'],
  final: ['최종 승인', 'Final approval'],
  focus: ['중점관리', 'Focus management'],
};

const taskSteps: Words = {
  submit: ['계획 제출', 'Submit the plan'],
  'change-plan': ['계획 변경 제출', 'Submit a plan change'],
  'designate-focus': ['중점관리 지정', 'Focus designated'],
  'release-focus': ['중점관리 해제', 'Focus released'],
  'submit-plan': ['계획 제출', 'Submit the plan'],
  'revise-plan': ['계획 보완 후 재제출', 'Revise and resubmit the plan'],
  'leader-review': ['팀장 검토', "Team leader's review"],
  'director-review': ['본부장 검토', "Director's review"],
  'head-review': ['장관 검토', "Head's review"],
  'quality-review': ['품질 검토', 'Quality review'],
  'final-approval': ['최종 승인', 'Final approval'],
  'focus-report': ['중점관리 주간 보고', 'Weekly focus report'],
  'submit-completion': ['완료 보고', 'Completion report'],
  'customer-question': ['고객 질문 답변', "Answer a customer's question"],
};

const historyKinds: Words = {
  'workflow.started': ['워크플로 시작', 'Workflow started'],
  'workflow.completed': ['워크플로 완료', 'Workflow completed'],
  'workflow.failed': ['워크플로 실패', 'Workflow failed'],
  'workflow.continued-as-new': ['새 실행으로 이어짐', 'Continued as new'],
  'workflow.terminated': ['워크플로 강제 종료', 'Workflow terminated'],
  'workflow.canceled': ['워크플로 취소', 'Workflow cancelled'],
  'workflow.timed-out': ['워크플로 시간 초과', 'Workflow timed out'],
  'activity.scheduled': ['작업 예약', 'Activity scheduled'],
  'activity.completed': ['작업 완료', 'Activity completed'],
  'activity.failed': ['작업 실패', 'Activity failed'],
  'activity.timed-out': ['작업 시간 초과', 'Activity timed out'],
  'timer.started': ['타이머 설정', 'Timer started'],
  'timer.fired': ['타이머 도래', 'Timer fired'],
  'timer.canceled': ['타이머 취소', 'Timer cancelled'],
  'update.accepted': ['처리 요청 접수', 'Action accepted'],
  'update.completed': ['처리 완료', 'Action completed'],
  signal: ['알림 수신', 'Signal received'],
  'signal.sent': ['알림 발송', 'Signal sent'],
  'child.started': ['하위 워크플로 시작', 'Child workflow started'],
  'child.completed': ['하위 워크플로 완료', 'Child workflow completed'],
};

function word(words: Words, code: string | null | undefined, lang: Lang): string {
  if (code === null || code === undefined || code === '') return '';
  const found = words[code];
  return found ? found[lang === 'en' ? 1 : 0] : code;
}

export const stageLabel = (kind: 'complaint' | 'task', stage: string, lang: Lang) =>
  word(kind === 'task' ? taskStages : complaintStages, stage, lang);
export const roleLabel = (role: string | null | undefined, lang: Lang) => word(roles, role, lang);
export const decisionLabel = (decision: string | null | undefined, lang: Lang) =>
  word(decisions, decision, lang);
export const phaseLabel = (phase: string | null | undefined, lang: Lang) => word(phases, phase, lang);
export const taskStepLabel = (step: string | null | undefined, lang: Lang) => word(taskSteps, step, lang);
export const historyKindLabel = (kind: string, lang: Lang) => word(historyKinds, kind, lang);

/** Why a complaint or task shows in the stuck list: a code the portal translates, and when it started. */
export type StuckReasonCode =
  | 'complaint-overdue'
  | 'complaint-idle'
  | 'milestone-overdue'
  | 'review-late'
  | 'no-activity'
  | 'kpi-red'
  | 'overdue';

export interface StuckReason {
  code: StuckReasonCode;
  /** When the condition began (the due time passed, the stage was entered, the last activity). */
  since: string | null;
  escalationLevel?: number;
  stage?: string;
  milestone?: number;
  reviewer?: string;
  days?: number;
  /** The red KPI a task is linked to (code and name in both languages). */
  kpi?: string;
  kpiName?: string;
  kpiNameEn?: string;
}

/** The reason as one sentence in the language asked for, times in Korea time. */
export function stuckReasonText(reason: StuckReason, lang: Lang, kind: 'complaint' | 'task'): string {
  const at = kstTime(reason.since, lang);
  const en = lang === 'en';
  switch (reason.code) {
    case 'complaint-overdue': {
      const level =
        reason.escalationLevel === 2
          ? en
            ? 'escalated to the director'
            : '본부장 보고'
          : reason.escalationLevel === 1
            ? en
              ? 'escalated to the team leader'
              : '팀장 보고'
            : '';
      return en
        ? `Overdue since ${at}${level ? `, ${level}` : ''}`
        : `처리기한 경과 (${at}부터)${level ? `, ${level}` : ''}`;
    }
    case 'complaint-idle': {
      const stage = stageLabel(kind, reason.stage ?? '', lang);
      return en
        ? `No progress for ${reason.days} business days or more (${stage} since ${at})`
        : `같은 단계에 ${reason.days}영업일 이상 정체 (${at}부터 ${stage})`;
    }
    case 'milestone-overdue':
      return en
        ? `Milestone ${reason.milestone} overdue since ${at}`
        : `중간목표 ${reason.milestone} 기한 경과 (${at}부터)`;
    case 'review-late':
      return en
        ? `Review by ${reason.reviewer} late since ${at}`
        : `검토 지연: ${reason.reviewer} (${at} 기한 경과)`;
    case 'no-activity':
      return en
        ? `No activity for ${reason.days} days (last ${at})`
        : `${reason.days}일 이상 활동 없음 (마지막 활동 ${at})`;
    case 'kpi-red':
      return en
        ? `Linked KPI ${reason.kpiNameEn ?? reason.kpi} is red (as of ${at}): proposed for focus management`
        : `연계 성과지표 ${reason.kpiName ?? reason.kpi} 적색 (${at} 기준): 중점관리 지정 제안`;
    case 'overdue':
      return en ? 'Overdue' : '기한 경과';
  }
}
