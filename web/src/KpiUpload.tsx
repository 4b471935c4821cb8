import { useState } from 'react';
import { Alert, Badge, Button, FileInput, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from './api.ts';
import { ScrollTable } from './components.tsx';
import { formatNumber } from './format.ts';

interface UploadRow {
  row: number;
  kpiCode: string;
  kpiName: string | null;
  kpiNameEn: string | null;
  value: number | null;
  note: string | null;
  errors: { ko: string; en: string }[];
  entryId: number | null;
}
interface UploadResult {
  fileName: string;
  committed: boolean;
  rows: UploadRow[];
  valid: number;
  invalid: number;
}

/**
 * KPI values from an XLSX or CSV sheet (columns 지표코드/kpiCode, 실적값/value, 비고/note): a preview with
 * what is wrong in each row, then every row entered at once as a pending entry, or none.
 */
export function KpiUpload({ year, onDone }: { year: number; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<UploadResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function send(commit: boolean) {
    if (!file) return;
    const form = new FormData();
    form.append('payload', JSON.stringify({ commit }));
    form.append('files', file, file.name);
    setBusy(true);
    setError(null);
    try {
      const answer = await api<UploadResult>(`/api/performance/${year}/kpi-entries/upload`, { body: form });
      setResult(answer);
      if (answer.committed) onDone();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack gap="sm" data-testid="kpi-upload">
      <Title order={2} size="h3">
        {t('kpiUpload.title')}
      </Title>
      <Text size="sm">{t('kpiUpload.help')}</Text>
      <Group align="end">
        <FileInput
          label={t('kpiUpload.file')}
          accept=".xlsx,.csv"
          value={file}
          onChange={(chosen) => {
            setFile(chosen);
            setResult(null);
            setError(null);
          }}
          w={320}
        />
        <Button variant="default" disabled={!file || busy} onClick={() => void send(false)}>
          {t('kpiUpload.preview')}
        </Button>
        <Button
          disabled={!file || busy || !result || result.committed || result.invalid > 0}
          onClick={() => void send(true)}
        >
          {t('kpiUpload.commit')}
        </Button>
      </Group>
      {error ? (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      ) : null}
      {result ? (
        <>
          <Text size="sm" data-testid="kpi-upload-summary">
            {result.committed
              ? t('kpiUpload.committed', { count: result.valid })
              : t('kpiUpload.summary', { valid: result.valid, invalid: result.invalid })}
          </Text>
          <ScrollTable
            minWidth={640}
            testId="kpi-upload-rows"
            columns={[
              t('kpiUpload.row'),
              t('kpiEntry.kpi'),
              t('kpiEntry.value'),
              t('kpiEntry.note'),
              t('kpiUpload.check'),
            ]}
          >
            {result.rows.map((row) => (
              <Table.Tr key={row.row} data-testid={`upload-row-${row.row}`}>
                <Table.Td>{formatNumber(row.row, lang)}</Table.Td>
                <Table.Td>
                  {(lang === 'en' ? row.kpiNameEn : row.kpiName) ?? ''} ({row.kpiCode || '—'})
                </Table.Td>
                <Table.Td>{row.value === null ? '—' : formatNumber(row.value, lang)}</Table.Td>
                <Table.Td>{row.note ?? ''}</Table.Td>
                <Table.Td>
                  {row.errors.length === 0 ? (
                    <Badge color="#1f7a35" variant="filled">
                      {result.committed ? t('kpiUpload.entered') : t('kpiUpload.ok')}
                    </Badge>
                  ) : (
                    row.errors.map((issue) => (
                      <Text key={issue.en} size="sm" c="red.9">
                        {lang === 'en' ? issue.en : issue.ko}
                      </Text>
                    ))
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </ScrollTable>
        </>
      ) : null}
    </Stack>
  );
}
