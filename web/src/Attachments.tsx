import { useEffect, useState } from 'react';
import { Button, Card, FileInput, Group, Image, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  ACCEPTED_EXTENSIONS,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS_PER_MESSAGE,
  extensionOf,
} from '../../domain/attachments.ts';
import { fetchFile } from './api.ts';
import { ErrorState } from './components.tsx';
import type { ComplaintAttachment, ComplaintMessage } from './types.ts';

/** "2.4 MB" / "2.4MB" in the reader's locale. */
export function formatFileSize(bytes: number, lang: string): string {
  const [unit, value] =
    bytes >= 1024 * 1024 ? ['megabyte', bytes / 1024 / 1024] : ['kilobyte', Math.max(bytes / 1024, 0.1)];
  return new Intl.NumberFormat(lang, { style: 'unit', unit, maximumFractionDigits: 1 }).format(value);
}

/** The browser's own check of the limits the server enforces; the server still checks by content. */
export function attachmentProblem(
  files: readonly File[],
  t: (key: string, options?: Record<string, unknown>) => string,
  lang: string,
): string | undefined {
  const size = formatFileSize(MAX_ATTACHMENT_BYTES, lang);
  if (files.length > MAX_ATTACHMENTS_PER_MESSAGE)
    return t('attachments.tooMany', { count: MAX_ATTACHMENTS_PER_MESSAGE });
  const large = files.find((file) => file.size > MAX_ATTACHMENT_BYTES);
  if (large) return t('attachments.tooLarge', { name: large.name, size });
  const wrong = files.find((file) => !ACCEPTED_EXTENSIONS.includes(`.${extensionOf(file.name) ?? ''}`));
  if (wrong) return t('attachments.wrongType', { name: wrong.name });
  return undefined;
}

/** A file picker with the limits shown; `error` is the server's refusal naming a file, when there is one. */
export function FilePicker({
  files,
  onChange,
  error,
}: {
  files: File[];
  onChange: (files: File[]) => void;
  error?: string;
}) {
  const { t, i18n } = useTranslation();
  const problem = attachmentProblem(files, t, i18n.language) ?? error;
  return (
    <FileInput
      multiple
      clearable
      label={t('attachments.pick')}
      placeholder={t('attachments.placeholder')}
      description={t('attachments.limits', {
        count: MAX_ATTACHMENTS_PER_MESSAGE,
        size: formatFileSize(MAX_ATTACHMENT_BYTES, i18n.language),
      })}
      accept={ACCEPTED_EXTENSIONS.join(',')}
      value={files}
      onChange={onChange}
      error={problem}
      data-testid="file-picker"
      // Mantine's placeholder grey (#adb5bd) fails WCAG contrast on white (2.07:1); gray-7 passes.
      styles={{ placeholder: { color: 'var(--mantine-color-gray-7)' } }}
    />
  );
}

function useObjectUrl(path: string, headers: Record<string, string>, enabled: boolean) {
  const blob = useQuery({
    queryKey: ['attachment-blob', path, headers['x-access-code'] ?? ''],
    queryFn: () => fetchFile(path, headers),
    enabled,
    staleTime: Infinity,
  });
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!blob.data) return undefined;
    const made = URL.createObjectURL(blob.data);
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [blob.data]);
  return url;
}

function AttachmentItem({
  receiptNo,
  attachment,
  headers,
  context,
}: {
  receiptNo: string;
  attachment: ComplaintAttachment;
  headers: Record<string, string>;
  context: string;
}) {
  const { t, i18n } = useTranslation();
  const path = `/api/complaints/${encodeURIComponent(receiptNo)}/attachments/${attachment.id}`;
  const thumbnail = useObjectUrl(`${path}/thumbnail`, headers, attachment.hasThumbnail);
  const [error, setError] = useState<unknown>();
  const download = async () => {
    try {
      const url = URL.createObjectURL(await fetchFile(path, headers));
      const link = document.createElement('a');
      link.href = url;
      link.download = attachment.fileName;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <Group gap="sm" wrap="nowrap" data-testid="attachment" data-attachment-id={attachment.id}>
      {attachment.hasThumbnail ? (
        <Image
          src={thumbnail}
          w={72}
          h={72}
          fit="contain"
          radius="sm"
          alt={t('attachments.thumbnail', { name: attachment.fileName })}
          data-testid="attachment-thumbnail"
          bg="gray.1"
        />
      ) : null}
      <Stack gap={2}>
        <Text size="sm" fw={600} data-testid="attachment-name">
          {attachment.fileName}
        </Text>
        <Text size="xs" c="dimmed">
          {formatFileSize(attachment.size, i18n.language)} · {context}
        </Text>
        <Group>
          <Button size="compact-xs" variant="light" onClick={() => void download()}>
            {t('attachments.download')}
          </Button>
        </Group>
        {error ? <ErrorState error={error} /> : null}
      </Stack>
    </Group>
  );
}

/** Every file the reader may see, with a thumbnail for pictures; downloads go with the reader's credentials. */
export function AttachmentsCard({
  receiptNo,
  attachments,
  messages,
  accessCode,
}: {
  receiptNo: string;
  attachments: ComplaintAttachment[];
  messages: ComplaintMessage[];
  accessCode?: string;
}) {
  const { t } = useTranslation();
  const headers: Record<string, string> = accessCode ? { 'x-access-code': accessCode } : {};
  const contextOf = (attachment: ComplaintAttachment) => {
    const message = messages.find((m) => m.id === attachment.messageId);
    if (!message) return t('attachments.filed');
    return t('attachments.onMessage', {
      kind: t(`casework.kind.${message.kind}`, { defaultValue: message.kind }),
    });
  };
  return (
    <Card withBorder data-testid="attachments">
      <Title order={2} size="h5" mb="sm">
        {t('attachments.title')}
      </Title>
      {attachments.length === 0 ? <Text size="sm">{t('attachments.none')}</Text> : null}
      <Stack gap="sm">
        {attachments.map((attachment) => (
          <AttachmentItem
            key={attachment.id}
            receiptNo={receiptNo}
            attachment={attachment}
            headers={headers}
            context={contextOf(attachment)}
          />
        ))}
      </Stack>
    </Card>
  );
}
