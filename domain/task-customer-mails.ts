/**
 * Mails to the customers of a policy task (issue 20), Korean first with English below. Only public facts of
 * the task go into them (title, milestones, the owner's answer); review opinions never do.
 */
import type { RenderedMail } from './mail-templates.ts';

interface CustomerMailBase {
  taskId: string;
  title: string;
  customerName: string;
}
export type CustomerMail =
  | (CustomerMailBase & { kind: 'welcome'; signInUrl: string; linkExpiresAt: string })
  | (CustomerMailBase & {
      kind: 'milestone';
      seq: number;
      milestoneTitle: string;
      signInUrl: string;
      linkExpiresAt: string;
    })
  | (CustomerMailBase & {
      kind: 'answer';
      question: string;
      answer: string;
      signInUrl: string;
      linkExpiresAt: string;
    })
  | (CustomerMailBase & {
      kind: 'rating-invitation' | 'rating-reminder';
      ratingUrl: string;
      closesAt: string;
    });

const kst = new Intl.DateTimeFormat('ko-KR', {
  timeZone: 'Asia/Seoul',
  dateStyle: 'long',
  timeStyle: 'short',
});
const kstEn = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Seoul',
  dateStyle: 'long',
  timeStyle: 'short',
});
const ko = (iso: string) => kst.format(new Date(iso));
const en = (iso: string) => `${kstEn.format(new Date(iso))} KST`;

const subject = (d: CustomerMailBase, textKo: string, textEn: string) =>
  `[정책과제 ${d.taskId}] ${textKo} / ${textEn}`;

export function renderCustomerMail(d: CustomerMail): RenderedMail {
  const head = [`${d.customerName}님, 안녕하십니까.`, `정책과제: ${d.title} (${d.taskId})`];
  const lines = (linesKo: string[], linesEn: string[]) =>
    [...head, ...linesKo, '', '---', ...linesEn].join('\n');
  switch (d.kind) {
    case 'welcome':
      return {
        subject: subject(d, '정책고객으로 등록되었습니다', 'You follow this policy task'),
        text: lines(
          [
            '이 정책과제의 고객으로 등록되었습니다. 아래 링크로 진행 상황을 보고 질문할 수 있습니다.',
            `바로 보기(1회용 링크): ${d.signInUrl}`,
            `링크 유효기간: ${ko(d.linkExpiresAt)}`,
          ],
          [
            `You can follow the task and ask questions: ${d.signInUrl} (one-time link, until ${en(d.linkExpiresAt)})`,
          ],
        ),
      };
    case 'milestone':
      return {
        subject: subject(d, `중간목표 달성: ${d.milestoneTitle}`, 'Milestone reached'),
        text: lines(
          [
            `중간목표 ${d.seq} "${d.milestoneTitle}"을(를) 달성했습니다.`,
            `진행 상황 보기(1회용 링크): ${d.signInUrl}`,
          ],
          [`Milestone ${d.seq} "${d.milestoneTitle}" is complete. Follow the task: ${d.signInUrl}`],
        ),
      };
    case 'answer':
      return {
        subject: subject(d, '질문에 답변이 등록되었습니다', 'Your question was answered'),
        text: lines(
          [`질문: ${d.question}`, `답변: ${d.answer}`, `과제 보기(1회용 링크): ${d.signInUrl}`],
          [`Question: ${d.question}`, `Answer: ${d.answer}`, d.signInUrl],
        ),
      };
    case 'rating-invitation':
    case 'rating-reminder':
      return {
        subject:
          d.kind === 'rating-invitation'
            ? subject(d, '과제가 완료되었습니다. 결과를 평가해 주세요', 'The task is done: please rate it')
            : subject(d, '결과 평가를 부탁드립니다', 'Reminder: please rate the result'),
        text: lines(
          [
            d.kind === 'rating-invitation'
              ? '정책과제가 완료되었습니다. 결과에 대한 만족도(1~5점)를 평가해 주세요. 평가는 성과에 반영됩니다.'
              : '아직 결과를 평가하지 않으셨습니다.',
            `결과 평가(로그인 불필요): ${d.ratingUrl}`,
            `평가 마감: ${ko(d.closesAt)}`,
          ],
          [`Please rate the result (1–5), no sign-in needed: ${d.ratingUrl}`, `Closes ${en(d.closesAt)}`],
        ),
      };
  }
}

/** A notice that is not part of the task workflow's own steps: sent by the API through a small workflow. */
export type DirectCustomerNotice =
  | { key: string; kind: 'welcome'; customerId: number }
  | { key: string; kind: 'answer'; customerId: number; questionId: number };

export const TASK_CUSTOMER_NOTICE_WORKFLOW_TYPE = 'taskCustomerNoticeWorkflow';
