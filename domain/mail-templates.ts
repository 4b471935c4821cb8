/** Notification texts, Korean first with English below. Pure: rendered inside the mail activity. */

/** `title` is filled in by the mail activity from the database, so it never enters workflow history. */
interface ComplaintMail {
  receiptNo: string;
  title?: string;
}
export interface MailTemplates {
  'complaint-received': ComplaintMail & { dueAt: string; accessHint: string; statusUrl: string };
  'complaint-assigned': ComplaintMail & { dueAt: string; reason: string; inboxUrl: string };
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
const ko = (iso: string) => kstFormat.format(new Date(iso));
const en = (iso: string) => `${kstFormatEn.format(new Date(iso))} KST`;

const renderers: { [K in MailTemplateName]: (data: MailTemplates[K]) => RenderedMail } = {
  'complaint-received': (d) => ({
    subject: `[민원 접수] ${d.receiptNo} 접수되었습니다 / Complaint received`,
    text: [
      `민원이 접수되었습니다.`,
      `접수번호: ${d.receiptNo}`,
      `제목: ${d.title ?? ''}`,
      `처리기한: ${ko(d.dueAt)}`,
      `${d.accessHint}`,
      `나만의 공간에서 진행 상황을 확인하세요: ${d.statusUrl}`,
      ``,
      `Your complaint has been received.`,
      `Receipt number: ${d.receiptNo}`,
      `Due: ${en(d.dueAt)}`,
      `Follow it in My Space: ${d.statusUrl}`,
    ].join('\n'),
  }),
  'complaint-assigned': (d) => ({
    subject: `[민원 배정] ${d.receiptNo} 담당자로 지정되었습니다 / Complaint assigned to you`,
    text: [
      `새 민원이 배정되었습니다.`,
      `접수번호: ${d.receiptNo}`,
      `제목: ${d.title ?? ''}`,
      `처리기한: ${ko(d.dueAt)}`,
      `배정 사유: ${d.reason}`,
      `업무함: ${d.inboxUrl}`,
      ``,
      `A complaint has been assigned to you: ${d.receiptNo}, due ${en(d.dueAt)}.`,
    ].join('\n'),
  }),
};

export function renderMail<K extends MailTemplateName>(template: K, data: MailTemplates[K]): RenderedMail {
  return renderers[template](data);
}
