import { useState } from 'react';
import { Button, Card, Group, Select, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from './api.ts';
import { ActionForm } from './ActionForm.tsx';
import { ErrorState } from './components.tsx';
import { localName } from './format.ts';
import type { Me } from './session.ts';

interface Category {
  code: string;
  name: string;
  nameEn: string;
  team: string;
}
interface CannedAnswer {
  id: number;
  title: string;
  body: string;
  usageCount: number;
}

/** A team leader's canned answers for their team's categories (an admin's for every category). */
export function CannedAnswersAdmin({ me }: { me: Me }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const categories = useQuery({
    queryKey: ['categories'],
    queryFn: () => api<Category[]>('/api/categories'),
  });
  const mine = (categories.data ?? []).filter((c) => me.role === 'ADMIN' || c.team === me.unitCode);
  const [chosen, setChosen] = useState<string | null>(null);
  const category = chosen ?? mine[0]?.code ?? null;
  const answers = useQuery({
    queryKey: ['canned-answers', category],
    queryFn: () =>
      api<{ items: CannedAnswer[] }>(`/api/canned-answers?category=${encodeURIComponent(category!)}`),
    enabled: !!category,
  });
  const refresh = () => void client.invalidateQueries({ queryKey: ['canned-answers', category] });
  if (mine.length === 0) return null;
  return (
    <Card withBorder data-testid="canned-answers-admin">
      <Title order={2} size="h4" mb={4}>
        {t('casework.canned.manage')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('casework.canned.manageLead')}
      </Text>
      <Stack>
        <Select
          label={t('casework.canned.category')}
          data={mine.map((c) => ({ value: c.code, label: localName(c, i18n.language) }))}
          value={category}
          onChange={setChosen}
          allowDeselect={false}
          maw={360}
        />
        {answers.error ? <ErrorState error={answers.error} /> : null}
        {answers.data?.items.length === 0 ? <Text size="sm">{t('casework.canned.none')}</Text> : null}
        {answers.data?.items.map((answer) => (
          <Card key={answer.id} withBorder padding="sm" data-testid="canned-answer-item">
            <Group justify="space-between" align="start">
              <Stack gap={2}>
                <Text fw={600} size="sm">
                  {answer.title} · {t('casework.canned.usage', { count: answer.usageCount })}
                </Text>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {answer.body}
                </Text>
              </Stack>
              <Button
                variant="subtle"
                color="red.8"
                size="compact-sm"
                onClick={() =>
                  void api(`/api/canned-answers/${answer.id}`, { method: 'DELETE' }).then(refresh)
                }
              >
                {t('casework.canned.retire')}
              </Button>
            </Group>
          </Card>
        ))}
        {category ? (
          <ActionForm
            key={category}
            id="canned-answer-add"
            fields={[
              { name: 'title', label: t('casework.canned.title'), kind: 'text', required: true },
              { name: 'body', label: t('casework.canned.body'), kind: 'textarea', required: true },
            ]}
            submitLabel={t('casework.canned.add')}
            submit={(body) => api('/api/canned-answers', { body: { ...body, categoryCode: category } })}
            onDone={refresh}
          />
        ) : null}
      </Stack>
    </Card>
  );
}
