import { defineBundle } from './bundle.ts';

/** Sign-in refusals and the password pages: change one's own password, set one from a reset link. */
export const accountBundle = defineBundle(
  {
    account: {
      lockedOut:
        '로그인에 여러 번 실패해 계정이 잠시 잠겼습니다. 15분 뒤에 다시 시도하거나 관리자에게 비밀번호 재설정을 요청하세요.',
      rateLimited: '요청이 너무 많습니다. 잠시 뒤에 다시 시도하세요.',
      changeTitle: '비밀번호 변경',
      resetTitle: '새 비밀번호 설정',
      currentPassword: '현재 비밀번호',
      newPassword: '새 비밀번호 (10자 이상)',
      confirmPassword: '새 비밀번호 확인',
      mismatch: '새 비밀번호가 서로 다릅니다.',
      tooShort: '새 비밀번호는 10자 이상이어야 합니다.',
      wrongCurrent: '현재 비밀번호가 틀렸습니다.',
      sameAsCurrent: '새 비밀번호는 현재 비밀번호와 달라야 합니다.',
      linkInvalid: '재설정 링크가 없거나 이미 사용되었거나 만료되었습니다. 관리자에게 새 링크를 요청하세요.',
      changed: '비밀번호를 바꾸었습니다. 다른 기기의 로그인은 종료되었습니다.',
      resetDone: '새 비밀번호를 설정했습니다. 이제 로그인하세요.',
      submit: '저장',
      toSignIn: '로그인하러 가기',
    },
  },
  {
    account: {
      lockedOut:
        'Too many failed sign-ins: the account is locked for a while. Try again in 15 minutes or ask an administrator for a password reset.',
      rateLimited: 'Too many requests. Please try again shortly.',
      changeTitle: 'Change password',
      resetTitle: 'Choose a new password',
      currentPassword: 'Current password',
      newPassword: 'New password (at least 10 characters)',
      confirmPassword: 'Repeat the new password',
      mismatch: 'The new passwords differ.',
      tooShort: 'The new password needs at least 10 characters.',
      wrongCurrent: 'The current password is wrong.',
      sameAsCurrent: 'The new password must differ from the current one.',
      linkInvalid: 'This reset link is unknown, used or expired. Ask an administrator for a new one.',
      changed: 'Your password was changed. Sessions on other devices were ended.',
      resetDone: 'Your new password is set. You can sign in now.',
      submit: 'Save',
      toSignIn: 'Go to sign-in',
    },
  },
);
