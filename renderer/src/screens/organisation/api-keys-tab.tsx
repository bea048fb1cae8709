import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconKey } from '@tabler/icons-react';
import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OwnedResourcesChoice } from '../../../../shared/ipc/organisation-ipc';
import { API_KEY_ROLES, type ApiKey, type ApiKeyDetail, type ApiKeyRole } from '../../../../shared/platform';
import { type DataColumn, DataTable, type DataTableQuery } from '../../components/data-table';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';
import { CopyField } from './copy-field';
import { formatDateTime } from './format';
import { OwnedResourcesField } from './owned-resources-field';
import { apiPaging, usePagedList } from './use-paged-list';

const SORTS = ['name', 'createdAt', 'expiresAt', 'lastUsedAt'] as const;
const DAY_MS = 86_400_000;

/**
 * Create an API key: name, role, lifetime; then its secret, shown this once with a copy button and a warning.
 * Closing the dialog drops the secret from memory; it is never shown again.
 */
function CreateKeyDialog({ onClose, onCreated }: { readonly onClose: () => void; readonly onCreated: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [role, setRole] = useState<ApiKeyRole>('viewer');
  const [days, setDays] = useState<number>(90);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return setError(t('organisation.apiKeys.nameRequired'));
    if (!Number.isInteger(days) || days < 1 || days > 1825) return setError(t('organisation.apiKeys.expiryRange'));
    setBusy(true);
    setError(null);
    invoke('apiKeys.create', { name: name.trim(), role, expiresAt: new Date(Date.now() + days * DAY_MS).toISOString() })
      .then((created) => {
        setSecret({ name: created.apiKey.name, value: created.secret });
        onCreated();
      })
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setBusy(false));
  };
  const close = () => {
    setSecret(null);
    onClose();
  };
  return (
    <Modal
      opened
      closeButtonProps={{ 'aria-label': t('organisation.closeDialog') }}
      onClose={close}
      title={secret ? t('organisation.apiKeys.secretTitle') : t('organisation.apiKeys.createTitle')}
      size="lg"
      closeOnClickOutside={!secret}
    >
      {secret ? (
        <Stack gap="md">
          <Alert color="yellow" title={t('organisation.apiKeys.onceTitle')} role="alert">
            {t('organisation.apiKeys.onceWarning', { name: secret.name })}
          </Alert>
          <CopyField value={secret.value} label={t('organisation.apiKeys.secret')} />
          <Checkbox
            label={t('organisation.apiKeys.savedIt')}
            checked={saved}
            onChange={(e) => setSaved(e.currentTarget.checked)}
          />
          <Group justify="flex-end">
            <Button onClick={close} disabled={!saved}>
              {t('organisation.done')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <TextInput
              label={t('organisation.apiKeys.name')}
              description={t('organisation.apiKeys.nameHelp')}
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              maxLength={200}
              data-autofocus
            />
            <Select
              label={t('organisation.apiKeys.role')}
              description={t('organisation.apiKeys.roleHelp')}
              data={API_KEY_ROLES.map((r) => ({ value: r, label: t(`organisation.roles.${r}`) }))}
              value={role}
              onChange={(value) => value && setRole(value as ApiKeyRole)}
              allowDeselect={false}
            />
            <NumberInput
              label={t('organisation.apiKeys.expiresInDays')}
              description={t('organisation.apiKeys.expiryHelp')}
              min={1}
              max={1825}
              value={days}
              onChange={(value) => setDays(typeof value === 'number' ? value : Number(value))}
              allowDecimal={false}
            />
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('organisation.cancel')}
              </Button>
              <Button type="submit" loading={busy}>
                {t('organisation.apiKeys.create')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

/** One API key: details, and deletion with what it owns transferred or deleted. */
function KeyDialog({
  keyId,
  onClose,
  onChanged,
}: {
  readonly keyId: string;
  readonly onClose: () => void;
  readonly onChanged: () => void;
}) {
  const { t } = useTranslation();
  const [key, setKey] = useState<ApiKeyDetail | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [owned, setOwned] = useState<OwnedResourcesChoice | null>(null);
  const onOwned = useCallback((choice: OwnedResourcesChoice | null) => setOwned(choice), []);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    invoke('apiKeys.get', { keyId })
      .then(setKey)
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [keyId]);
  const remove = () => {
    if (!key) return;
    const choice = key.ownedResourceCount > 0 ? owned : { kind: 'none' as const };
    if (!choice) return setError(t('organisation.owned.pickFirst'));
    setBusy(true);
    invoke('apiKeys.remove', { keyId, owned: choice })
      .then(() => {
        notifications.show({ color: 'green', message: t('organisation.apiKeys.deleted', { name: key.name }) });
        onChanged();
        onClose();
      })
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setBusy(false));
  };
  return (
    <Modal
      opened
      closeButtonProps={{ 'aria-label': t('organisation.closeDialog') }}
      onClose={onClose}
      title={t('organisation.apiKeys.detailTitle')}
      size="lg"
    >
      <Stack gap="md">
        {key && !confirming && (
          <Table variant="vertical" withTableBorder={false}>
            <Table.Tbody>
              {(
                [
                  ['name', key.name],
                  ['prefix', `${key.prefix}…`],
                  ['role', t(`organisation.roles.${key.role}`)],
                  ['creator', key.creatorEmail ?? '—'],
                  ['created', formatDateTime(key.createdAt)],
                  ['expires', formatDateTime(key.expiresAt)],
                  ['lastUsed', formatDateTime(key.lastUsedAt)],
                  ['owned', String(key.ownedResourceCount)],
                  ['owner', key.ownerId ?? '—'],
                ] as const
              ).map(([field, value]) => (
                <Table.Tr key={field}>
                  <Table.Th w={200}>{t(`organisation.apiKeys.${field}`)}</Table.Th>
                  <Table.Td>{value}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {key && confirming && (
          <Stack gap="sm">
            <Text>{t('organisation.apiKeys.deleteConfirm', { name: key.name })}</Text>
            {key.ownedResourceCount > 0 && <OwnedResourcesField count={key.ownedResourceCount} onChange={onOwned} />}
          </Stack>
        )}
        {!key && !error && <Text>{t('app.loading')}</Text>}
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <Group justify="space-between">
          {confirming ? (
            <>
              <Button variant="default" onClick={() => setConfirming(false)}>
                {t('organisation.cancel')}
              </Button>
              <Button
                color="red"
                loading={busy}
                onClick={remove}
                disabled={!!key && key.ownedResourceCount > 0 && owned === null}
              >
                {t('organisation.apiKeys.deleteAction')}
              </Button>
            </>
          ) : (
            <>
              <Button color="red" variant="light" onClick={() => setConfirming(true)} disabled={!key}>
                {t('organisation.apiKeys.deleteAction')}
              </Button>
              <Button variant="default" onClick={onClose}>
                {t('organisation.close')}
              </Button>
            </>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}

/** API keys (admins): the list (never a secret), creating one (its secret shown once), details and deletion. */
export function ApiKeysTab() {
  const { t } = useTranslation();
  const [roleFilter, setRoleFilter] = useState<ApiKeyRole | null>(null);
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const fetchPage = useCallback(
    (query: DataTableQuery) =>
      invoke('apiKeys.list', {
        query: {
          ...apiPaging(query, SORTS, 'createdAt'),
          ...(query.filter ? { q: query.filter } : {}),
          ...(roleFilter ? { role: roleFilter } : {}),
        },
      }),
    [roleFilter],
  );
  const list = usePagedList(fetchPage);
  const columns = useMemo<DataColumn<ApiKey>[]>(
    () => [
      { id: 'name', header: t('organisation.apiKeys.name'), cell: (k) => k.name, hideable: false },
      {
        id: 'prefix',
        header: t('organisation.apiKeys.prefix'),
        cell: (k) => (
          <Text size="sm" ff="monospace">
            {k.prefix}…
          </Text>
        ),
        sortable: false,
      },
      {
        id: 'role',
        header: t('organisation.apiKeys.role'),
        cell: (k) => <Badge variant="light">{t(`organisation.roles.${k.role}`)}</Badge>,
        sortable: false,
      },
      { id: 'creator', header: t('organisation.apiKeys.creator'), cell: (k) => k.creatorEmail ?? '—', sortable: false },
      { id: 'createdAt', header: t('organisation.apiKeys.created'), cell: (k) => formatDateTime(k.createdAt) },
      { id: 'expiresAt', header: t('organisation.apiKeys.expires'), cell: (k) => formatDateTime(k.expiresAt) },
      { id: 'lastUsedAt', header: t('organisation.apiKeys.lastUsed'), cell: (k) => formatDateTime(k.lastUsedAt) },
      {
        id: 'actions',
        header: t('organisation.actions'),
        sortable: false,
        hideable: false,
        align: 'right',
        cell: (k) => (
          <Button
            size="xs"
            variant="default"
            onClick={() => setOpen(k.id)}
            aria-label={`${t('organisation.manage')}: ${k.name}`}
          >
            {t('organisation.manage')}
          </Button>
        ),
      },
    ],
    [t],
  );
  return (
    <>
      <DataTable
        tableId="api-keys"
        label={t('organisation.tabs.apiKeys')}
        columns={columns}
        rows={list.page.items}
        getRowId={(k) => k.id}
        mode={{ kind: 'server', total: list.page.total }}
        onQueryChange={list.onQueryChange}
        defaultSort={{ id: 'createdAt', desc: true }}
        filterLabel={t('organisation.apiKeys.filter')}
        loading={list.loading}
        error={list.error}
        empty={<Text c="dimmed">{t('organisation.apiKeys.empty')}</Text>}
        toolbar={
          <>
            <Select
              aria-label={t('organisation.apiKeys.roleFilter')}
              placeholder={t('organisation.members.allRoles')}
              data={API_KEY_ROLES.map((r) => ({ value: r, label: t(`organisation.roles.${r}`) }))}
              value={roleFilter}
              onChange={(value) => setRoleFilter(value as ApiKeyRole | null)}
              clearable
              w={170}
            />
            <Button leftSection={<IconKey size={16} />} onClick={() => setCreating(true)}>
              {t('organisation.apiKeys.create')}
            </Button>
          </>
        }
      />
      {creating && <CreateKeyDialog onClose={() => setCreating(false)} onCreated={list.reload} />}
      {open && <KeyDialog keyId={open} onClose={() => setOpen(null)} onChanged={list.reload} />}
    </>
  );
}
