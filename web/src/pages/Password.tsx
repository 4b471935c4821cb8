import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert, Button, Card, PasswordInput, Stack } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.ts';
import { ErrorState, PageTitle } from '../components.tsx';

const MIN_LENGTH = 10;

/**
 * One page for both ways to a new password: `/account/password` for a signed-in member (the current
 * password is asked), `/reset-password?token=…` from an admin's reset mail (the token is asked instead).
 */
export default function Password() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token');
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () =>
      token
        ? api<void>('/api/auth/password-reset', { body: { token, newPassword } })
        : api<void>('/api/auth/password', { body: { currentPassword, newPassword } }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (newPassword.length < MIN_LENGTH) return setLocalError(t('account.tooShort'));
    if (newPassword !== confirm) return setLocalError(t('account.mismatch'));
    setLocalError(null);
    save.mutate();
  };
  const error = save.error;
  const known =
    error instanceof ApiError
      ? error.code === 'LOCKED_OUT'
        ? t('account.lockedOut')
        : error.code === 'RATE_LIMITED'
          ? t('account.rateLimited')
          : token && error.status === 404
            ? t('account.linkInvalid')
            : !token && error.status === 401
              ? t('account.wrongCurrent')
              : error.status === 422 && !token && newPassword === currentPassword
                ? t('account.sameAsCurrent')
                : null
      : null;
  return (
    <>
      <PageTitle>{token ? t('account.resetTitle') : t('account.changeTitle')}</PageTitle>
      <Card withBorder maw={420}>
        {save.isSuccess ? (
          <Stack>
            <Alert color="green" role="status" data-testid="password-saved">
              {token ? t('account.resetDone') : t('account.changed')}
            </Alert>
            {token ? <Link to="/signin">{t('account.toSignIn')}</Link> : null}
          </Stack>
        ) : (
          <form onSubmit={submit}>
            <Stack>
              {token ? null : (
                <PasswordInput
                  label={t('account.currentPassword')}
                  value={currentPassword}
                  onChange={(e) => setCurrentPassword(e.currentTarget.value)}
                  required
                  autoComplete="current-password"
                />
              )}
              <PasswordInput
                label={t('account.newPassword')}
                value={newPassword}
                onChange={(e) => setNewPassword(e.currentTarget.value)}
                required
                minLength={MIN_LENGTH}
                autoComplete="new-password"
              />
              <PasswordInput
                label={t('account.confirmPassword')}
                value={confirm}
                onChange={(e) => setConfirm(e.currentTarget.value)}
                required
                autoComplete="new-password"
              />
              {localError || known ? (
                <Alert color="red" role="alert">
                  {localError ?? known}
                </Alert>
              ) : error ? (
                <ErrorState error={error} />
              ) : null}
              <Button type="submit" loading={save.isPending}>
                {t('account.submit')}
              </Button>
            </Stack>
          </form>
        )}
      </Card>
    </>
  );
}
