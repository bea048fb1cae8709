import { Alert, Badge, Button, Card, Center, Group, Loader, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { IconFolders, IconPencil, IconPlugConnected, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectorSummary } from '../../../../shared/ipc/connectors-ipc';
import { notifyError } from '../../notify-error';
import { useBrowserStore } from '../../stores/browser-store';
import { useConnectorActions, useConnectors } from '../../queries/use-connectors';
import { useNavigationStore } from '../../stores/navigation-store';
import { useSettingsStore } from '../../stores/settings-store';
import { ConnectorForm } from './connector-form';
import { kindLabel } from './connector-text';
import { TestDialog } from './test-dialog';

type Editing = { readonly mode: 'none' } | { readonly mode: 'new' } | { readonly mode: 'edit'; readonly id: string };

const where = (c: ConnectorSummary): string => {
  const host = c.options['host'];
  if (typeof host === 'string') return c.options['port'] === undefined ? host : `${host}:${String(c.options['port'])}`;
  const root = c.options['root'];
  return typeof root === 'string' ? root : '';
};

/** My connectors: the list (or what to do when empty), the generated form, tests with step-by-step diagnostics. */
export function ConnectorsScreen() {
  const { t } = useTranslation();
  const state = useConnectors();
  const { remove } = useConnectorActions();
  const settings = useSettingsStore((s) => s.state);
  const go = useNavigationStore((s) => s.go);
  const [editing, setEditing] = useState<Editing>({ mode: 'none' });
  const [testing, setTesting] = useState<ConnectorSummary | undefined>();
  const [deleting, setDeleting] = useState<ConnectorSummary | undefined>();

  if (state.status === 'loading') {
    return (
      <Center aria-busy="true">
        <Loader aria-label={t('app.loading')} />
      </Center>
    );
  }
  if (state.status === 'failed') {
    return (
      <Alert color="red" role="alert" title={t('errors.title')}>
        {t('connectors.loadFailed')}
      </Alert>
    );
  }
  const editingConnector = editing.mode === 'edit' ? state.connectors.find((c) => c.id === editing.id) : undefined;
  const session = settings.status === 'ready' && settings.info.secrets.backend === 'session';

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>{t('connectors.title')}</Title>
        {editing.mode === 'none' && state.connectors.length > 0 && (
          <Button color="blue.8" leftSection={<IconPlus size={16} />} onClick={() => setEditing({ mode: 'new' })}>
            {t('connectors.add')}
          </Button>
        )}
      </Group>
      {session && (
        <Alert color="orange" title={t('connectors.session.title')} data-testid="no-keychain">
          {t('connectors.session.banner', {
            problem: settings.status === 'ready' ? (settings.info.secrets.problem ?? '') : '',
          })}
        </Alert>
      )}
      {editing.mode !== 'none' ? (
        <ConnectorForm
          key={editing.mode === 'edit' ? editing.id : 'new'}
          {...(editingConnector === undefined ? {} : { saved: editingConnector })}
          kinds={state.kinds}
          onCancel={() => setEditing({ mode: 'none' })}
          onSaved={(connector, created) => {
            setEditing({ mode: 'none' });
            if (created) setTesting(connector);
          }}
        />
      ) : state.connectors.length === 0 ? (
        <Card withBorder p="xl">
          <Stack align="center" gap="sm">
            <IconPlugConnected size={40} stroke={1.4} aria-hidden />
            <Title order={3} size="h4">
              {t('connectors.empty.title')}
            </Title>
            <Text c="dimmed" ta="center" maw={480}>
              {t('connectors.empty.text')}
            </Text>
            <Button color="blue.8" leftSection={<IconPlus size={16} />} onClick={() => setEditing({ mode: 'new' })}>
              {t('connectors.add')}
            </Button>
          </Stack>
        </Card>
      ) : (
        <Table striped highlightOnHover aria-label={t('connectors.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('connectors.columns.name')}</Table.Th>
              <Table.Th>{t('connectors.columns.kind')}</Table.Th>
              <Table.Th>{t('connectors.columns.where')}</Table.Th>
              <Table.Th>{t('connectors.columns.secrets')}</Table.Th>
              <Table.Th>{t('connectors.columns.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {state.connectors.map((c) => {
              const secrets = Object.values(c.secrets);
              const set = secrets.filter((s) => s.hasSecret).length;
              return (
                <Table.Tr key={c.id} data-connector={c.name}>
                  <Table.Td fw={600}>
                    {c.name}
                    {c.identity?.refused !== undefined && (
                      <Badge ml="xs" size="sm" variant="light" color="orange" data-testid="identity-badge">
                        {t(`connectors.identity.badge.${c.identity.refused.problem}`)}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{kindLabel(t, c.kind)}</Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {where(c)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {secrets.length === 0 ? (
                      <Text size="sm" c="dimmed">
                        —
                      </Text>
                    ) : (
                      <Badge variant="light" color={set > 0 ? 'green' : 'gray'}>
                        {t('connectors.secretsSet', { count: set })}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button size="compact-sm" variant="light" onClick={() => setTesting(c)}>
                        {t('connectors.test.button')}
                      </Button>
                      <Button
                        size="compact-sm"
                        variant="default"
                        leftSection={<IconFolders size={14} />}
                        onClick={() => {
                          useBrowserStore.getState().open(c.id, '');
                          go('browser');
                        }}
                      >
                        {t('connectors.browse')}
                      </Button>
                      <Button
                        size="compact-sm"
                        variant="default"
                        aria-label={t('connectors.editLabel', { name: c.name })}
                        onClick={() => setEditing({ mode: 'edit', id: c.id })}
                      >
                        <IconPencil size={14} />
                      </Button>
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        color="red"
                        aria-label={t('connectors.deleteLabel', { name: c.name })}
                        onClick={() => setDeleting(c)}
                      >
                        <IconTrash size={14} />
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      {testing !== undefined && <TestDialog connector={testing} onClose={() => setTesting(undefined)} />}
      <Modal
        opened={deleting !== undefined}
        onClose={() => setDeleting(undefined)}
        title={t('connectors.delete.title', { name: deleting?.name ?? '' })}
      >
        <Stack>
          <Text size="sm">{t('connectors.delete.text')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(undefined)}>
              {t('connectors.cancel')}
            </Button>
            <Button
              color="red.8"
              onClick={() => {
                const target = deleting;
                setDeleting(undefined);
                if (target !== undefined) remove(target.id).catch(notifyError);
              }}
            >
              {t('connectors.delete.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
