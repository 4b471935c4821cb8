import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import {
  Alert,
  Badge,
  Button,
  Center,
  Loader,
  Table,
  Title,
  Stack,
  Text,
  type TableProps,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api.ts';
import { errorText } from './error-text.ts';
import { useMe } from './session.ts';

// Explicit shades: white text on them stays above 4.5:1 (Mantine's green.9 is 4.4:1).
const lightColor: Record<string, string> = { GREEN: '#1f7a35', YELLOW: '#ffd43b', RED: '#c92a2a' };

export function LightBadge({ light }: { light: string | null | undefined }) {
  const { t } = useTranslation();
  if (!light) return <Text span>—</Text>;
  const symbol = light === 'GREEN' ? '●' : light === 'YELLOW' ? '▲' : '■';
  return (
    <Badge
      color={lightColor[light] ?? 'gray.7'}
      variant="filled"
      data-light={light}
      aria-label={t(`light.${light}`)}
    >
      {symbol} {t(`light.${light}`, { defaultValue: light })}
    </Badge>
  );
}

const stageColor: Record<string, string> = {
  received: 'gray.7',
  assigned: 'blue.8',
  in_progress: 'indigo.8',
  waiting_citizen: '#b3400d',
  in_review: 'violet.8',
  awaiting_rating: 'teal.9',
  closed: '#1f7a35',
  withdrawn: 'dark.4',
};

/** A filled badge naming a workflow stage, in that stage's colour (`colors`), unwrapped on narrow screens. */
export function StageBadgeOf({
  stage,
  colors,
  label,
}: {
  stage: string;
  colors: Record<string, string>;
  label: string;
}) {
  return (
    <Badge
      color={colors[stage] ?? 'gray.7'}
      variant="filled"
      data-stage={stage}
      style={{ minWidth: 'max-content' }}
    >
      {label}
    </Badge>
  );
}

export function StageBadge({ stage }: { stage: string }) {
  const { t } = useTranslation();
  return (
    <StageBadgeOf stage={stage} colors={stageColor} label={t(`stage.${stage}`, { defaultValue: stage })} />
  );
}

export function PageTitle({ children, lead }: { children: ReactNode; lead?: ReactNode }) {
  return (
    <Stack gap={4} mb="md">
      <Title order={1} size="h2">
        {children}
      </Title>
      {lead ? <Text c="dimmed">{lead}</Text> : null}
    </Stack>
  );
}

/** A staff page: its one `<h1>` (with an optional lead) and, below it, the content for signed-in staff. */
export function StaffPage({
  title,
  lead,
  children,
}: {
  title: ReactNode;
  lead?: ReactNode;
  children: ReactNode;
}) {
  return (
    <>
      <PageTitle lead={lead}>{title}</PageTitle>
      <StaffOnly>{children}</StaffOnly>
    </>
  );
}

/**
 * A striped table that scrolls sideways on a narrow screen, headed by one row of column names (a `null`
 * column is left out); `children` are its body rows.
 */
export function ScrollTable({
  minWidth,
  columns,
  caption,
  testId,
  children,
  ...table
}: Omit<TableProps, 'children' | 'captionSide'> & {
  minWidth: number;
  columns: ReactNode[];
  caption?: ReactNode;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table striped {...table} data-testid={testId}>
        {caption ? <Table.Caption>{caption}</Table.Caption> : null}
        <Table.Thead>
          <Table.Tr>
            {columns
              .filter((column) => column !== null)
              .map((column, index) => (
                <Table.Th key={index} scope="col">
                  {column}
                </Table.Th>
              ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{children}</Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <Center py="xl" role="status">
      <Loader size="sm" aria-hidden />
      <Text ml="sm">{t('common.loading')}</Text>
    </Center>
  );
}

/** Shows a failed call: "not available" when the route is not deployed yet, the server's message otherwise. */
export function ErrorState({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (error instanceof ApiError && (error.routeMissing || error.status === 501)) {
    return (
      <Alert color="gray" title={t('common.notAvailableTitle')} data-testid="not-available">
        {t('common.notAvailable')}
      </Alert>
    );
  }
  if (error instanceof ApiError && error.status === 401) {
    return (
      <Alert color="yellow" title={t('common.error')}>
        {t('common.signInFirst')}
      </Alert>
    );
  }
  if (error instanceof ApiError && error.status === 403) {
    return (
      <Alert color="red" title={t('common.error')}>
        {t('common.forbidden')}
      </Alert>
    );
  }
  return (
    <Alert color="red" title={t('common.error')} role="alert">
      {errorText(error)}
    </Alert>
  );
}

/** Staff pages: a sign-in prompt for visitors, the page for signed-in staff. */
export function StaffOnly({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { me, loading } = useMe();
  const location = useLocation();
  if (loading) return <Loading />;
  if (!me) {
    return (
      <Alert color="yellow" title={t('common.signInFirst')}>
        <Button
          component={Link}
          to={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`}
          mt="xs"
        >
          {t('nav.signIn')}
        </Button>
      </Alert>
    );
  }
  return <>{children}</>;
}
