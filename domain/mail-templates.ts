/** Notification texts, Korean first with English below. Pure: rendered inside the mail activity. */
import { kstMinute } from './workflow-summaries.ts';

/** `title` is filled in by the mail activity from the database, so it never enters workflow history. */
interface ComplaintMail {
  receiptNo: string;
  title?: string;
  dueAt: string;
}
export interface MailTemplates {
  'complaint-received': ComplaintMail & { accessHint: string; statusUrl: string };
  'complaint-assigned': ComplaintMail & { reason: string; inboxUrl: string };
  'complaint-transferred': ComplaintMail & { teamName: string };
  'complaint-review-requested': ComplaintMail & { round: number };
  'complaint-returned': ComplaintMail & { opinion: string };
  'complaint-answered': ComplaintMail & { surveyUrl: string; expiresAt: string };
  'complaint-survey-reminder': ComplaintMail & { surveyUrl: string; expiresAt: string };
  'complaint-extension-consent': ComplaintMail & { reason: string; newDueAt: string };
  'complaint-extended': ComplaintMail & { reason: string; newDueAt: string };
  'complaint-extension-refused': ComplaintMail;
  'complaint-info-requested': ComplaintMail & { question: string; deadlineAt: string };
  'complaint-info-reminder': ComplaintMail & { deadlineAt?: string };
  'complaint-info-deadline': ComplaintMail;
  'complaint-info-added': ComplaintMail;
  'complaint-consultation-requested': ComplaintMail & { message: string };
  'complaint-consultation-answered': ComplaintMail & { reply: string };
  'complaint-interim': ComplaintMail;
  'complaint-reminder': ComplaintMail;
  'complaint-escalated': ComplaintMail & { level: 'team-leader' | 'director' };
  'complaint-withdrawn': ComplaintMail & { reason: string };
  'complaint-reopened': ComplaintMail & { reason: string };
  'complaint-unassigned': ComplaintMail & { teamCode: string };
  /** A public reply from staff on the case file. */
  'complaint-reply': ComplaintMail & { reply: string; statusUrl: string };
  /**
   * Closed as a repeat (§23): the handler's reason, the earlier receipt number and its answer (the mail
   * activity reads the earlier answer from the database; it is the same citizen's).
   */
  'complaint-closed-repeated': ComplaintMail & {
    reason: string;
    earlierReceiptNo: string;
    earlierAnswer?: string;
    earlierAnsweredAt?: string;
    statusUrl: string;
  };
}
export type MailTemplateName = keyof MailTemplates;

export interface RenderedMail {
  subject: string;
  text: string;
}

const kstFormat = new Intl.DateTimeFormat('ko-KR', {
  timeZone: 'Asia/Seoul',
  dateStyle: 'long',
  timeStyle: 'short',
});
const kstFormatEn = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Seoul',
  dateStyle: 'long',
  timeStyle: 'short',
});
const ko = (iso: string | undefined) => (iso ? kstFormat.format(new Date(iso)) : '-');
const en = (iso: string | undefined) => (iso ? `${kstFormatEn.format(new Date(iso))} KST` : '-');

/** One mail: a Korean part, then the English part. */
function mail(
  subjectKo: string,
  subjectEn: string,
  d: ComplaintMail,
  linesKo: string[],
  linesEn: string[],
): RenderedMail {
  return {
    subject: `[민원 ${d.receiptNo}] ${subjectKo} / ${subjectEn}`,
    text: [
      ...linesKo,
      `접수번호: ${d.receiptNo}`,
      `제목: ${d.title ?? ''}`,
      '',
      '---',
      ...linesEn,
      `Receipt number: ${d.receiptNo}`,
    ].join('\n'),
  };
}

/** Performance-management mails (issue 5), merged into MailTemplates. */
export interface MailTemplates {
  'kpi-red-warning': {
    year: number;
    kpiCode: string;
    kpiName: string;
    unitCode: string;
    actual: number | null;
    target: number;
    achievement: number | null;
    scorecardUrl: string;
    /** The how-manieth time this year the KPI turned red, and when (so a repeat warning reads as one). */
    transition?: number;
    at?: string;
  };
  'performance-result': {
    year: number;
    grade: string | null;
    finalScore: number | null;
    rank: number | null;
    groupSize: number | null;
    payout: number | null;
    resultsUrl: string;
  };
  'capability-invitation': { year: number; pending: number; deadline: string; evaluationUrl: string };
  'capability-reminder': { year: number; pending: number; deadline: string; evaluationUrl: string };
  /** A KPI owner's manual values of the month are still missing (domain/bsc-cycle.ts). */
  'kpi-entry-reminder': {
    year: number;
    month: number;
    /** YYYY-MM-DD (KST) of the closing business day; entries are due by its 18:00. */
    closesOn: string;
    round: 'lead' | 'closing-day';
    kpis: { code: string; name: string; nameEn: string }[];
    entryUrl: string;
  };
  /** A unit's monthly briefing is archived; its head gets the figures and the links. */
  'bsc-monthly-briefing': {
    year: number;
    month: number;
    unitCode: string;
    unitName: string;
    unitNameEn: string;
    score: number | null;
    light: string | null;
    insufficientData: boolean;
    redKpis: { code: string; name: string; nameEn: string; achievement: number | null }[];
    briefingsUrl: string;
  };
}
type PerformanceMailName =
  | 'kpi-red-warning'
  | 'performance-result'
  | 'capability-invitation'
  | 'capability-reminder'
  | 'kpi-entry-reminder'
  | 'bsc-monthly-briefing';

const LIGHT_WORDS: Record<string, [string, string]> = {
  GREEN: ['정상', 'green'],
  YELLOW: ['주의', 'yellow'],
  RED: ['적색', 'red'],
};
/** A YYYY-MM-DD date as "2026년 12월 31일 (목)" / "Thu 31 December 2026". */
const kstDay = (date: string, lang: 'ko' | 'en') =>
  new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'ko-KR', {
    timeZone: 'Asia/Seoul',
    dateStyle: 'full',
  }).format(new Date(`${date}T12:00:00+09:00`));

const fixed = (value: number | null, decimals = 1) => (value === null ? '-' : value.toFixed(decimals));

const performanceRenderers: { [K in PerformanceMailName]: (data: MailTemplates[K]) => RenderedMail } = {
  'kpi-red-warning': (d) => ({
    subject: `[성과 조기경보] ${d.kpiCode} 지표가 적색으로 바뀌었습니다 / KPI turned red`,
    text: [
      `${d.year}년 성과지표가 적색(미달)으로 바뀌었습니다.`,
      `지표: ${d.kpiName} (${d.kpiCode}), 조직: ${d.unitCode}`,
      `실적: ${fixed(d.actual, 2)} / 목표: ${d.target}, 달성률: ${fixed(d.achievement)}%`,
      ...(d.transition && d.at ? [`올해 ${d.transition}번째 적색 전환 (${kstMinute(d.at)})`] : []),
      `성과표: ${d.scorecardUrl}`,
      ``,
      `Early warning: KPI ${d.kpiCode} of ${d.unitCode} turned red (achievement ${fixed(d.achievement)}%)` +
        (d.transition && d.at ? `, time ${d.transition} this year, at ${kstMinute(d.at)}.` : '.'),
    ].join('\n'),
  }),
  'performance-result': (d) => ({
    subject: `[성과평가] ${d.year}년 성과평가 결과가 확정되었습니다 / Your ${d.year} results are final`,
    text: [
      `${d.year}년 성과평가 결과가 확정되었습니다.`,
      `최종점수: ${fixed(d.finalScore, 2)}, 등급: ${d.grade ?? '-'}, 순위: ${d.rank ?? '-'} / ${d.groupSize ?? '-'}`,
      `성과상여금: ${d.payout === null ? '-' : `${d.payout.toLocaleString('en-US')}원`}`,
      `상세 근거: ${d.resultsUrl}`,
      ``,
      `Your final score is ${fixed(d.finalScore, 2)}, bonus grade ${d.grade ?? '-'}. Details: ${d.resultsUrl}`,
    ].join('\n'),
  }),
  'capability-invitation': (d) => ({
    subject: `[다면평가] ${d.year}년 역량 다면평가 참여 요청 / 360° evaluation invitation`,
    text: [
      `${d.year}년 역량 다면평가에 평가자로 선정되었습니다. 평가 대상: ${d.pending}명`,
      `마감: ${ko(d.deadline)}. 평가자는 익명으로 처리됩니다.`,
      `평가하기: ${d.evaluationUrl}`,
      ``,
      `You were selected to rate ${d.pending} colleague(s) by ${en(d.deadline)}. Ratings are anonymous.`,
    ].join('\n'),
  }),
  'capability-reminder': (d) => ({
    subject: `[다면평가 알림] 마감 전 미제출 평가 ${d.pending}건 / 360° evaluation reminder`,
    text: [
      `역량 다면평가 마감이 다가옵니다. 미제출: ${d.pending}건, 마감: ${ko(d.deadline)}`,
      `평가하기: ${d.evaluationUrl}`,
      ``,
      `Reminder: ${d.pending} rating(s) pending, due ${en(d.deadline)}.`,
    ].join('\n'),
  }),
  'kpi-entry-reminder': (d) => ({
    subject:
      d.round === 'closing-day'
        ? `[성과지표 실적 입력] 오늘 18:00 마감: ${d.year}년 ${d.month}월 미입력 ${d.kpis.length}건 / KPI values due today`
        : `[성과지표 실적 입력] ${d.year}년 ${d.month}월 실적 입력 마감 안내 (미입력 ${d.kpis.length}건) / KPI values due soon`,
    text: [
      `${d.year}년 ${d.month}월 성과지표 실적 입력이 ${kstDay(d.closesOn, 'ko')} 18:00에 마감됩니다.`,
      `아직 이번 달 실적이 입력되지 않은 지표 (${d.kpis.length}건):`,
      ...d.kpis.map((kpi) => `- ${kpi.name} (${kpi.code})`),
      `실적 입력: ${d.entryUrl}`,
      ``,
      `The ${d.year}-${String(d.month).padStart(2, '0')} values of ${d.kpis.length} KPI(s) you own are due by 18:00 KST on ${kstDay(d.closesOn, 'en')}:`,
      ...d.kpis.map((kpi) => `- ${kpi.nameEn} (${kpi.code})`),
      `Enter them at ${d.entryUrl}`,
    ].join('\n'),
  }),
  'bsc-monthly-briefing': (d) => {
    const light = (lang: 0 | 1) =>
      d.insufficientData
        ? ['자료 부족', 'insufficient data'][lang]
        : (LIGHT_WORDS[d.light ?? '']?.[lang] ?? '-');
    return {
      subject: `[월간 성과 브리핑] ${d.unitName} ${d.year}년 ${d.month}월 / Monthly briefing ${d.year}-${String(d.month).padStart(2, '0')}`,
      text: [
        `${d.unitName} (${d.unitCode})의 ${d.year}년 ${d.month}월 성과 브리핑이 작성되었습니다.`,
        `종합 점수: ${fixed(d.score)} (${light(0)}), 적색 지표: ${d.redKpis.length}건`,
        ...d.redKpis.map((kpi) => `- ${kpi.name} (${kpi.code}) 달성률 ${fixed(kpi.achievement)}%`),
        `브리핑 내려받기(PDF·엑셀): ${d.briefingsUrl}`,
        ``,
        `The ${d.year}-${String(d.month).padStart(2, '0')} briefing of ${d.unitNameEn} (${d.unitCode}) is ready: score ${fixed(d.score)} (${light(1)}), ${d.redKpis.length} red KPI(s).`,
        ...d.redKpis.map((kpi) => `- ${kpi.nameEn} (${kpi.code}) ${fixed(kpi.achievement)}%`),
        `Download (PDF, XLSX): ${d.briefingsUrl}`,
      ].join('\n'),
    };
  },
};

/** Policy-task mails (issue 4), merged into MailTemplates. Task titles are business data, not personal. */
interface TaskMail {
  taskId: string;
  title: string;
  taskUrl: string;
}
export interface MailTemplates {
  'task-review-requested': TaskMail & { step: string; phase: string; dueAt: string };
  'task-decision': TaskMail & { phase: string; decision: string; reviewerNo: string; opinion: string };
  'task-milestone-reminder': TaskMail & { seq: number; milestoneTitle: string; dueAt: string };
  'task-milestone-overdue': TaskMail & {
    seq: number;
    milestoneTitle: string;
    dueAt: string;
    level: 'owner' | 'team-leader' | 'director';
  };
  'task-review-reminder': TaskMail & { step: string; reviewerNo: string; since: string; dueAt: string };
  'task-review-overdue': TaskMail & { step: string; reviewerNo: string; since: string; dueAt: string };
  'task-focus': TaskMail & { designated: boolean; reason: string; reportDueAt: string | null };
  'task-focus-report-due': TaskMail & { dueAt: string };
  'task-focus-report-missed': TaskMail & { dueAt: string; missed: number };
  'task-done': TaskMail & { goalAchievement: number; timeliness: number; quality: number; opinion: string };
}
type TaskMailName = Extract<keyof MailTemplates, `task-${string}`>;

const taskSubject = (d: TaskMail, ko: string, en: string) => `[정책과제 ${d.taskId}] ${ko} / ${en}`;
const taskText = (d: TaskMail, linesKo: string[], linesEn: string[]) =>
  [`과제: ${d.title} (${d.taskId})`, ...linesKo, `과제 보기: ${d.taskUrl}`, '', '---', ...linesEn].join('\n');
const decisionKo: Record<string, string> = {
  approve: '승인',
  return: '보완 요청(반려)',
  reject: '불승인',
  accept: '수용',
};
const levelKo = { owner: '담당자', 'team-leader': '팀장 보고', director: '본부장 보고' } as const;

const taskRenderers: { [K in TaskMailName]: (data: MailTemplates[K]) => RenderedMail } = {
  'task-review-requested': (d) => ({
    subject: taskSubject(d, '검토 요청', 'Review requested'),
    text: taskText(
      d,
      [`검토 단계: ${d.step}`, `검토 기한: ${ko(d.dueAt)}`],
      [`Your review (${d.step}) is requested by ${en(d.dueAt)}.`],
    ),
  }),
  'task-decision': (d) => ({
    subject: taskSubject(
      d,
      `검토 결과: ${decisionKo[d.decision] ?? d.decision}`,
      `Review decision: ${d.decision}`,
    ),
    text: taskText(
      d,
      [
        `단계: ${d.phase}`,
        `검토자: ${d.reviewerNo}`,
        `결정: ${decisionKo[d.decision] ?? d.decision}`,
        `의견: ${d.opinion}`,
      ],
      [`${d.reviewerNo} decided '${d.decision}' (${d.phase}). Opinion: ${d.opinion}`],
    ),
  }),
  'task-milestone-reminder': (d) => ({
    subject: taskSubject(d, `중간목표 기한 임박: ${d.milestoneTitle}`, 'Milestone due soon'),
    text: taskText(
      d,
      [`중간목표 ${d.seq}: ${d.milestoneTitle}`, `기한: ${ko(d.dueAt)}`],
      [`Milestone ${d.seq} is due ${en(d.dueAt)}.`],
    ),
  }),
  'task-milestone-overdue': (d) => ({
    subject: taskSubject(d, `중간목표 기한 경과 (${levelKo[d.level]})`, `Milestone overdue (${d.level})`),
    text: taskText(
      d,
      [`중간목표 ${d.seq}: ${d.milestoneTitle}`, `기한: ${ko(d.dueAt)}이 지났습니다.`],
      [`Milestone ${d.seq} passed its due time (${en(d.dueAt)}); escalated to: ${d.level}.`],
    ),
  }),
  'task-review-reminder': (d) => ({
    subject: taskSubject(d, '검토 대기 알림', 'Review waiting'),
    text: taskText(
      d,
      [`검토 단계 ${d.step}이(가) ${ko(d.since)}부터 대기 중입니다. 기한: ${ko(d.dueAt)}`],
      [`The review step ${d.step} has waited since ${en(d.since)}; due ${en(d.dueAt)}.`],
    ),
  }),
  'task-review-overdue': (d) => ({
    subject: taskSubject(d, '검토 기한 경과', 'Review overdue'),
    text: taskText(
      d,
      [`검토자 ${d.reviewerNo}의 ${d.step} 단계가 기한(${ko(d.dueAt)})을 넘겼습니다.`],
      [`Reviewer ${d.reviewerNo} has not decided step ${d.step}, due ${en(d.dueAt)}.`],
    ),
  }),
  'task-focus': (d) => ({
    subject: taskSubject(
      d,
      d.designated ? '중점관리 과제 지정' : '중점관리 해제',
      d.designated ? 'Under focus management' : 'Focus management released',
    ),
    text: taskText(
      d,
      [`사유: ${d.reason}`, ...(d.reportDueAt ? [`주간 진행보고 기한: ${ko(d.reportDueAt)}`] : [])],
      [
        `Reason: ${d.reason}`,
        ...(d.reportDueAt ? [`A progress report is due every week; next by ${en(d.reportDueAt)}.`] : []),
      ],
    ),
  }),
  'task-focus-report-due': (d) => ({
    subject: taskSubject(d, '중점관리 주간보고 기한 임박', 'Weekly focus report due'),
    text: taskText(
      d,
      [`진행보고 기한: ${ko(d.dueAt)}`],
      [`Your weekly progress report is due ${en(d.dueAt)}.`],
    ),
  }),
  'task-focus-report-missed': (d) => ({
    subject: taskSubject(d, '중점관리 주간보고 누락', 'Weekly focus report missed'),
    text: taskText(
      d,
      [`${ko(d.dueAt)}까지의 진행보고가 제출되지 않았습니다. 누락 ${d.missed}회`],
      [`The progress report due ${en(d.dueAt)} is missing (${d.missed} missed).`],
    ),
  }),
  'task-done': (d) => ({
    subject: taskSubject(d, '과제 완료 승인', 'Task approved as done'),
    text: taskText(
      d,
      [
        `목표 달성도: ${d.goalAchievement}`,
        `적시성: ${d.timeliness}`,
        `품질: ${d.quality}`,
        `최종 의견: ${d.opinion}`,
      ],
      [`Done. Goal achievement ${d.goalAchievement}, timeliness ${d.timeliness}, quality ${d.quality}.`],
    ),
  }),
};

/** Citizen channel mails (issue 18), merged into MailTemplates. */
export interface MailTemplates {
  'citizen-sign-in-link': { signInUrl: string; expiresAt: string; complaints: number };
}

const citizenRenderers: { [K in 'citizen-sign-in-link']: (data: MailTemplates[K]) => RenderedMail } = {
  'citizen-sign-in-link': (d) => ({
    subject: '[행정혁신포털] 나만의 공간 로그인 링크 / Your sign-in link to My Space',
    text: [
      `아래 링크를 열면 이 전자우편 주소로 신청한 민원 ${d.complaints}건을 나만의 공간에서 볼 수 있습니다.`,
      `로그인 링크(한 번만 사용 가능): ${d.signInUrl}`,
      `유효 기한: ${ko(d.expiresAt)}`,
      '직접 요청하지 않으셨다면 이 메일을 무시하셔도 됩니다.',
      '',
      '---',
      `Open this link to see your ${d.complaints} complaint(s) filed with this address in My Space (single use):`,
      d.signInUrl,
      `Valid until ${en(d.expiresAt)}. If you did not ask for it, ignore this mail.`,
    ].join('\n'),
  }),
};

const renderers: { [K in MailTemplateName]: (data: MailTemplates[K]) => RenderedMail } = {
  ...taskRenderers,
  ...citizenRenderers,
  ...performanceRenderers,
  'complaint-received': (d) =>
    mail(
      '접수되었습니다',
      'Complaint received',
      d,
      [
        '민원이 접수되었습니다.',
        `처리기한: ${ko(d.dueAt)}`,
        d.accessHint,
        `나만의 공간에서 진행 상황을 확인하세요: ${d.statusUrl}`,
      ],
      ['Your complaint has been received.', `Due: ${en(d.dueAt)}`, `Follow it in My Space: ${d.statusUrl}`],
    ),
  'complaint-assigned': (d) =>
    mail(
      '담당자로 지정되었습니다',
      'Complaint assigned to you',
      d,
      [
        '새 민원이 배정되었습니다.',
        `처리기한: ${ko(d.dueAt)}`,
        `배정 사유: ${d.reason}`,
        `업무함: ${d.inboxUrl}`,
      ],
      [`A complaint has been assigned to you, due ${en(d.dueAt)}.`, `Reason: ${d.reason}`],
    ),
  'complaint-transferred': (d) =>
    mail(
      '담당 부서가 변경되었습니다',
      'Transferred to another team',
      d,
      [`민원이 ${d.teamName}(으)로 이송되었습니다. 처리기한은 ${ko(d.dueAt)}입니다.`],
      [`Your complaint was transferred to ${d.teamName}. It is still due ${en(d.dueAt)}.`],
    ),
  'complaint-review-requested': (d) =>
    mail(
      '답변 검토 요청',
      'Answer awaits your review',
      d,
      [`담당자가 답변안을 작성했습니다(${d.round}차). 검토해 주세요. 처리기한: ${ko(d.dueAt)}`],
      [`A draft answer (round ${d.round}) awaits your review. Due ${en(d.dueAt)}.`],
    ),
  'complaint-returned': (d) =>
    mail(
      '답변안이 반려되었습니다',
      'Draft answer returned',
      d,
      ['팀장이 답변안을 반려했습니다.', `의견: ${d.opinion}`],
      ['Your team leader returned the draft answer.', `Opinion: ${d.opinion}`],
    ),
  'complaint-answered': (d) =>
    mail(
      '답변이 등록되었습니다',
      'Your answer is ready',
      d,
      [
        '민원에 대한 답변이 등록되었습니다. 나만의 공간에서 확인하시고 만족도를 평가해 주세요.',
        `만족도 평가(로그인 불필요): ${d.surveyUrl}`,
        `평가 기한: ${ko(d.expiresAt)}`,
      ],
      [
        'Your complaint has been answered. Please rate the answer (no sign-in needed):',
        d.surveyUrl,
        `Until ${en(d.expiresAt)}`,
      ],
    ),
  'complaint-survey-reminder': (d) =>
    mail(
      '만족도 평가를 부탁드립니다',
      'Please rate the answer',
      d,
      [
        '답변에 대한 만족도 평가를 아직 하지 않으셨습니다.',
        `만족도 평가: ${d.surveyUrl}`,
        `평가 기한: ${ko(d.expiresAt)}`,
      ],
      ['You have not rated the answer yet.', d.surveyUrl],
    ),
  'complaint-extension-consent': (d) =>
    mail(
      '처리기한 재연장 동의 요청',
      'Consent to a second extension',
      d,
      [
        '담당자가 처리기한의 재연장을 요청했습니다. 나만의 공간에서 동의 여부를 알려주세요.',
        `사유: ${d.reason}`,
        `새 처리기한: ${ko(d.newDueAt)}`,
      ],
      [
        'The handler asks to extend the due date a second time. Please consent or refuse in My Space.',
        `Reason: ${d.reason}`,
        `New due date: ${en(d.newDueAt)}`,
      ],
    ),
  'complaint-extended': (d) =>
    mail(
      '처리기한이 연장되었습니다',
      'Due date extended',
      d,
      [`처리기한이 ${ko(d.newDueAt)}(으)로 연장되었습니다.`, `사유: ${d.reason}`],
      [`The due date was extended to ${en(d.newDueAt)}.`, `Reason: ${d.reason}`],
    ),
  'complaint-extension-refused': (d) =>
    mail(
      '민원인이 재연장에 동의하지 않았습니다',
      'Citizen refused the extension',
      d,
      [`처리기한은 ${ko(d.dueAt)} 그대로입니다.`],
      [`The due date stays ${en(d.dueAt)}.`],
    ),
  'complaint-info-requested': (d) =>
    mail(
      '보완 요청',
      'Supplementary information requested',
      d,
      [
        '민원 처리를 위해 보완이 필요합니다. 나만의 공간에서 답변해 주세요. 보완 기간 동안 처리기한은 멈춥니다.',
        `요청 내용: ${d.question}`,
        `보완 기한: ${ko(d.deadlineAt)}`,
      ],
      [
        'We need more information to handle your complaint. The processing clock stops until you answer.',
        `Question: ${d.question}`,
        `Answer by ${en(d.deadlineAt)}`,
      ],
    ),
  'complaint-info-reminder': (d) =>
    mail(
      '보완 기한이 다가옵니다',
      'Supplementary information still needed',
      d,
      [`보완 기한: ${ko(d.deadlineAt)}`],
      [`Please answer by ${en(d.deadlineAt)}.`],
    ),
  'complaint-info-deadline': (d) =>
    mail(
      '보완 기한이 지났습니다',
      'Information deadline passed',
      d,
      ['민원인이 보완 기한까지 답하지 않았습니다. 종결 또는 계속 처리를 결정해 주세요.'],
      ['The citizen did not answer by the deadline. Decide to close or continue, with a reason.'],
    ),
  'complaint-info-added': (d) =>
    mail(
      '민원인이 내용을 보완했습니다',
      'Citizen added information',
      d,
      ['민원인이 추가 정보를 제출했습니다. 업무함에서 확인하세요.'],
      ['The citizen added information.'],
    ),
  'complaint-consultation-requested': (d) =>
    mail(
      '상담 요청',
      'Consultation requested',
      d,
      ['민원인이 담당자와의 상담을 요청했습니다.', `내용: ${d.message}`],
      ['The citizen asks you for a consultation.', `Message: ${d.message}`],
    ),
  'complaint-consultation-answered': (d) =>
    mail(
      '상담 답변',
      'Reply to your consultation request',
      d,
      [`담당자 답변: ${d.reply}`],
      [`Handler's reply: ${d.reply}`],
    ),
  'complaint-interim': (d) =>
    mail(
      '중간 처리 상황 안내',
      'Progress notice',
      d,
      [`민원을 처리하고 있습니다. 처리기한: ${ko(d.dueAt)}`],
      [`Your complaint is being handled. Due ${en(d.dueAt)}.`],
    ),
  'complaint-reminder': (d) =>
    mail(
      '처리기한 임박',
      'Due soon',
      d,
      [`처리기한이 곧 도래합니다: ${ko(d.dueAt)}`],
      [`This complaint is due ${en(d.dueAt)}.`],
    ),
  'complaint-escalated': (d) =>
    mail(
      d.level === 'director' ? '처리기한 경과 — 본부장 보고' : '처리기한 경과 — 팀장 보고',
      'Overdue complaint escalated',
      d,
      [`처리기한(${ko(d.dueAt)})이 지났습니다. 재배정 또는 조치가 필요합니다.`],
      [`This complaint passed its due time (${en(d.dueAt)}) and is escalated to you (${d.level}).`],
    ),
  'complaint-unassigned': (d) =>
    mail(
      '배정 가능한 담당자 없음 — 팀장 확인 필요',
      'No handler available',
      d,
      [
        `팀(${d.teamCode})에 지금 배정할 수 있는 담당자가 없어 민원이 대기 중입니다. 담당자가 복귀하면 자동으로 배정됩니다.`,
      ],
      [
        `Nobody in team ${d.teamCode} can take this complaint now; it is assigned as soon as someone is available.`,
      ],
    ),
  'complaint-withdrawn': (d) =>
    mail('민원이 취하되었습니다', 'Complaint withdrawn', d, [`사유: ${d.reason}`], [`Reason: ${d.reason}`]),
  'complaint-reply': (d) =>
    mail(
      '담당자 답글',
      'A message from the handler',
      d,
      ['담당자가 민원에 답글을 남겼습니다.', d.reply, '', `나만의 공간: ${d.statusUrl}`],
      [
        'The handler wrote to you about your complaint (see the Korean text above).',
        `My Space: ${d.statusUrl}`,
      ],
    ),
  'complaint-closed-repeated': (d) =>
    mail(
      '반복 민원으로 종결되었습니다',
      'Closed as a repeated complaint',
      d,
      [
        `이 민원은 이미 답변드린 민원(접수번호 ${d.earlierReceiptNo}, 답변일 ${ko(d.earlierAnsweredAt)})과 같은 내용이어서,`,
        '「민원 처리에 관한 법률」 제23조에 따라 이전 답변으로 갈음하고 종결 처리하였습니다.',
        `종결 사유: ${d.reason}`,
        '',
        `이전 답변(${d.earlierReceiptNo}):`,
        d.earlierAnswer ?? '-',
        '',
        `이전 민원 보기: ${d.statusUrl}`,
      ],
      [
        `This complaint repeats your complaint ${d.earlierReceiptNo}, answered ${en(d.earlierAnsweredAt)}.`,
        'Under Article 23 of the Civil Petitions Treatment Act it was closed with reference to that answer',
        '(the reason and the earlier answer are in the Korean text above).',
        `Earlier complaint: ${d.statusUrl}`,
      ],
    ),
  'complaint-reopened': (d) =>
    mail(
      '민원이 재개되었습니다',
      'Complaint reopened',
      d,
      [
        '민원인이 답변에 만족하지 않아 재처리를 요청했습니다.',
        `사유: ${d.reason}`,
        `새 처리기한: ${ko(d.dueAt)}`,
      ],
      [
        'The citizen was dissatisfied and asked to reopen.',
        `Reason: ${d.reason}`,
        `New due date: ${en(d.dueAt)}`,
      ],
    ),
};

/**
 * What a mail to a citizen may carry, per template: only these fields reach the text, whatever else the
 * caller passed (a review opinion, an assignment reason, a role code). A template not listed here sends
 * the citizen nothing but the receipt number, title and due time.
 */
const citizenCommon = ['receiptNo', 'title', 'dueAt'] as const;
export const citizenMailFields: Partial<Record<MailTemplateName, readonly string[]>> = {
  'complaint-received': ['accessHint', 'statusUrl'],
  'complaint-transferred': ['teamName'],
  'complaint-answered': ['surveyUrl', 'expiresAt'],
  'complaint-survey-reminder': ['surveyUrl', 'expiresAt'],
  'complaint-extension-consent': ['reason', 'newDueAt'],
  'complaint-extended': ['reason', 'newDueAt'],
  'complaint-info-requested': ['question', 'deadlineAt'],
  'complaint-info-reminder': ['deadlineAt'],
  'complaint-consultation-answered': ['reply'],
  'complaint-interim': [],
  'complaint-withdrawn': ['reason'],
  'complaint-reply': ['reply', 'statusUrl'],
  'complaint-closed-repeated': [
    'reason',
    'earlierReceiptNo',
    'earlierAnswer',
    'earlierAnsweredAt',
    'statusUrl',
  ],
};

export function citizenMailData(template: MailTemplateName, data: object): Record<string, unknown> {
  const allowed = [...citizenCommon, ...(citizenMailFields[template] ?? [])];
  const source = data as Record<string, unknown>;
  return Object.fromEntries(allowed.filter((key) => key in source).map((key) => [key, source[key]]));
}

/** Links in workflow data are paths (workflow code knows no host); mails carry them absolute. */
export function absoluteLinks<T extends object>(data: T, publicUrl: string): T {
  const base = publicUrl.replace(/\/+$/, '');
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [
      key,
      key.endsWith('Url') && typeof value === 'string' && value.startsWith('/') ? `${base}${value}` : value,
    ]),
  ) as T;
}

export function renderMail<K extends MailTemplateName>(template: K, data: MailTemplates[K]): RenderedMail {
  return renderers[template](data);
}
