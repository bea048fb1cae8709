import { Alert, Code, Loader, ScrollArea, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BrowserEntry, BrowserPreview } from '../../../../shared/ipc/browser-ipc';
import { invoke } from '../../ipc-client';
import { describeError as errorMessage } from '../connectors/connector-error-message';
import { formatSize } from '../../../../shared/format/format-size';
import { formatDate } from './format';

type PreviewState =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly preview: BrowserPreview }
  | { readonly status: 'failed'; readonly message: string };

function Preview({ connectorId, entry }: { readonly connectorId: string; readonly entry: BrowserEntry }) {
  const { t, i18n } = useTranslation();
  const [state, setState] = useState<PreviewState>({ status: 'loading' });
  useEffect(() => {
    let current = true;
    invoke('browser.preview', { connectorId, path: entry.path }).then(
      (preview) => current && setState({ status: 'ready', preview }),
      (error: unknown) => current && setState({ status: 'failed', message: errorMessage(error) }),
    );
    return () => {
      current = false;
    };
  }, [connectorId, entry.path]);
  if (state.status === 'loading') return <Loader size="sm" aria-label={t('browser.preview.loading')} />;
  if (state.status === 'failed') return <Alert color="red">{state.message}</Alert>;
  const { preview } = state;
  const note = preview.truncated ? (
    <Text size="xs" c="dimmed">
      {t('browser.preview.truncated', { bytes: preview.bytes.toLocaleString(i18n.language) })}
    </Text>
  ) : null;
  switch (preview.kind) {
    case 'empty':
      return <Text size="sm">{t('browser.preview.empty')}</Text>;
    case 'binary':
      return <Text size="sm">{t('browser.preview.binary')}</Text>;
    case 'text':
      return (
        <Stack gap={4}>
          {note}
          <ScrollArea.Autosize mah={320}>
            <Code block data-testid="text-preview">
              {preview.text}
            </Code>
          </ScrollArea.Autosize>
        </Stack>
      );
    case 'csv': {
      const [header, ...rows] = preview.rows ?? [];
      return (
        <Stack gap={4}>
          {note}
          <ScrollArea.Autosize mah={320}>
            <Table withTableBorder withColumnBorders striped data-testid="csv-preview" fz="xs">
              <Table.Thead>
                <Table.Tr>
                  {(header ?? []).map((cell, i) => (
                    <Table.Th key={i}>{cell}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row, r) => (
                  <Table.Tr key={r}>
                    {row.map((cell, i) => (
                      <Table.Td key={i}>{cell}</Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
        </Stack>
      );
    }
  }
}

/** The focused entry's facts, and a preview of a file's first bytes (text, or CSV as a table). */
export function DetailsPanel({
  connectorId,
  entry,
  selectedCount,
}: {
  readonly connectorId: string;
  readonly entry: BrowserEntry | undefined;
  readonly selectedCount: number;
}) {
  const { t, i18n } = useTranslation();
  return (
    <Stack gap="sm" component="aside" aria-label={t('browser.details.title')}>
      <Title order={3} size="h5">
        {t('browser.details.title')}
      </Title>
      {selectedCount > 1 && <Text size="sm">{t('browser.details.selected', { count: selectedCount })}</Text>}
      {entry === undefined ? (
        <Text size="sm" c="dimmed">
          {t('browser.details.none')}
        </Text>
      ) : (
        <>
          <Table variant="vertical" fz="sm" data-testid="details">
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={110}>{t('browser.columns.name')}</Table.Th>
                <Table.Td style={{ wordBreak: 'break-all' }}>{entry.name}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('browser.details.path')}</Table.Th>
                <Table.Td style={{ wordBreak: 'break-all' }}>/{entry.path}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('browser.details.type')}</Table.Th>
                <Table.Td>{t(`browser.details.${entry.type}`)}</Table.Td>
              </Table.Tr>
              {entry.type === 'file' && (
                <Table.Tr>
                  <Table.Th>{t('browser.columns.size')}</Table.Th>
                  <Table.Td>
                    {formatSize(entry.size, i18n.language)} ({(entry.size ?? 0).toLocaleString(i18n.language)})
                  </Table.Td>
                </Table.Tr>
              )}
              <Table.Tr>
                <Table.Th>{t('browser.columns.modified')}</Table.Th>
                <Table.Td>{formatDate(entry.mtimeMs, i18n.language)}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          {entry.type === 'file' && (
            <>
              <Title order={4} size="h6">
                {t('browser.preview.title')}
              </Title>
              <Preview key={`${connectorId}\n${entry.path}`} connectorId={connectorId} entry={entry} />
            </>
          )}
        </>
      )}
    </Stack>
  );
}
