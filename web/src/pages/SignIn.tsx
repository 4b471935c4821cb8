import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Alert, Button, Card, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, fieldErrors } from '../api.ts';
import { ErrorState, PageTitle } from '../components.tsx';
import { fieldIssueText } from '../error-text.ts';
import type { Me } from '../session.ts';

export default function SignIn() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const client = useQueryClient();
  const [employeeNo, setEmployeeNo] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: () => api<Me>('/api/auth/login', { body: { employeeNo: employeeNo.trim(), password } }),
    onSuccess: (me) => {
      client.setQueryData(['me'], me);
      void navigate(params.get('next') ?? '/inbox');
    },
  });
  const errors = fieldErrors(login.error, fieldIssueText);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };
  return (
    <>
      <PageTitle>{t('signIn.title')}</PageTitle>
      <Card withBorder maw={420}>
        <form onSubmit={submit}>
          <Stack>
            <TextInput
              label={t('signIn.employeeNo')}
              value={employeeNo}
              onChange={(e) => setEmployeeNo(e.currentTarget.value)}
              error={errors.employeeNo}
              required
              autoComplete="username"
              placeholder="E1101"
            />
            <PasswordInput
              label={t('signIn.password')}
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              error={errors.password}
              required
              autoComplete="current-password"
            />
            {login.error instanceof ApiError && (login.error.status === 401 || login.error.status === 429) ? (
              <Alert color="red" role="alert" data-testid="signin-refused">
                {login.error.code === 'LOCKED_OUT'
                  ? t('account.lockedOut')
                  : login.error.code === 'RATE_LIMITED'
                    ? t('account.rateLimited')
                    : t('signIn.failed')}
              </Alert>
            ) : login.error && Object.keys(errors).length === 0 ? (
              <ErrorState error={login.error} />
            ) : null}
            <Button type="submit" loading={login.isPending}>
              {t('signIn.submit')}
            </Button>
          </Stack>
        </form>
      </Card>
    </>
  );
}
