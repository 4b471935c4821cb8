/** Mails about a staff account, Korean first with English below. Pure. */

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

export function passwordResetMail(input: { name: string; resetUrl: string; expiresAt: Date }): {
  subject: string;
  text: string;
} {
  return {
    subject: '[행정혁신포털] 비밀번호 재설정 안내 (Password reset)',
    text: [
      `${input.name}님, 관리자가 비밀번호 재설정을 요청했습니다.`,
      `아래 링크에서 새 비밀번호를 정하세요. 링크는 한 번만 쓸 수 있고 ${kstFormat.format(input.expiresAt)}까지 유효합니다.`,
      input.resetUrl,
      '요청한 적이 없다면 관리자에게 알려 주세요.',
      '',
      'An administrator asked for your portal password to be reset.',
      `Choose a new password at the link above. It works once and expires on ${kstFormatEn.format(input.expiresAt)} KST.`,
      'If you did not expect this, tell your administrator.',
    ].join('\n'),
  };
}
