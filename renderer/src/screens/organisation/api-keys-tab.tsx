import { Alert, Badge, Button, Checkbox, Group, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconKey } from '@tabler/icons-react';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OwnedResourcesChoice } from '../../../../shared/ipc/organisation-ipc';
import { API_KEY_ROLES, type ApiKey, type ApiKeyRole } from '../../../../shared/platform';
import type { DataColumn, DataTableQuery } from '../../components/data-table';
import { invoke } from '../../ipc-client';
import { queryKeys } from '../../queries/query-keys';
import { CopyField } from './copy-field';
import { DeleteFooter } from './delete-footer';
import { ErrorAlert } from './error-alert';
import { FactsTable } from './facts-table';
import { FilterSelect } from './filter-select';
import { firstError } from './first-error';
import { FormFooter } from './form-footer';
import { formatDateTime } from './format';
import { manageColumn } from './manage-column';
import { IdCell } from './id-cell';
import { MonoText } from './mono-text';
import { OrgDialog } from './org-dialog';
import { OrgTable } from './org-table';
import { OwnedResourcesField } from './owned-resources-field';
import { PersonName } from './person-name';
import { roleOptions } from './role-options';
import { useOrgDetail } from './use-org-detail';
import { useMemberLookup } from './use-org-names';
import { useOrgMutation } from './use-org-mutation';
import { apiPaging, usePagedList } from './use-paged-list';

const SORTS = ['name', 'createdAt', 'expiresAt', 'lastUsedAt'] as const;
const DAY_MS = 86_400_000;

/** The secret of a key just created, shown this once; closing waits for "I have stored it". */
function SecretView({
  secret,
  saved,
  onSaved,
  onClose,
}: {
  readonly secret: { name: string; value: string };
  readonly saved: boolean;
  readonly onSaved: (saved: boolean) => void;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap="md">
      <Alert color="yellow" title={t('organisation.apiKeys.onceTitle')} role="alert">
        {t('organisation.apiKeys.onceWarning', { name: secret.name })}
      </Alert>
      <CopyField value={secret.value} label={t('organisation.apiKeys.secret')} />
      <Checkbox
        label={t('organisation.apiKeys.savedIt')}
        checked={saved}
        onChange={(e) => onSaved(e.currentTarget.checked)}
      />
      <Group justify="space-between" wrap="nowrap">
        {saved ? (
          <span />
        ) : (
          <Text size="sm" c="dimmed">
            {t('organisation.apiKeys.storeFirst')}
          </Text>
        )}
        <Button onClick={onClose} disabled={!saved}>
          {t('organisation.done')}
        </Button>
      </Group>
    </Stack>
  );
}

/**
 * Create an API key: name, role, lifetime; then its secret, shown this once with a copy button and a warning.
 * Closing the dialog drops the secret from memory; it is never shown again.
 */
function CreateKeyDialog({ onClose }: { readonly onClose: () => void }) {
  const { t } = useTranslation();
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [saved, setSaved] = useState(false);
  const form = useForm({
    initialValues: { name: '', role: 'viewer' as ApiKeyRole, days: 90 as number | string },
    validate: {
      name: (name) => (name.trim() ? null : t('organisation.apiKeys.nameRequired')),
      days: (value) => {
        const days = typeof value === 'number' ? value : Number(value);
        // 0 days would make a key that is dead on arrival: refused with its own message.
        if (value !== '' && days === 0) return t('organisation.apiKeys.expiryZero');
        return Number.isInteger(days) && days >= 1 && days <= 1825 ? null : t('organisation.apiKeys.expiryRange');
      },
    },
  });
  const create = useOrgMutation(
    (values: typeof form.values) =>
      invoke('apiKeys.create', {
        name: values.name.trim(),
        role: values.role,
        expiresAt: new Date(Date.now() + Number(values.days) * DAY_MS).toISOString(),
      }),
    ['apiKeys'],
    (created) => setSecret({ name: created.apiKey.name, value: created.secret }),
  );
  const close = () => {
    setSecret(null);
    onClose();
  };
  const title = secret ? t('organisation.apiKeys.secretTitle') : t('organisation.apiKeys.createTitle');
  return (
    // The secret is never shown again: Escape, a click outside or a close button must not lose it unstored.
    <OrgDialog onClose={close} title={title} dismissible={!secret || saved}>
      {secret ? (
        <SecretView secret={secret} saved={saved} onSaved={setSaved} onClose={close} />
      ) : (
        <form onSubmit={form.onSubmit((values) => create.mutate(values))} noValidate>
          <Stack gap="sm">
            <TextInput
              label={t('organisation.apiKeys.name')}
              description={t('organisation.apiKeys.nameHelp')}
              required
              {...form.getInputProps('name')}
              error={undefined}
              maxLength={200}
              data-autofocus
            />
            <Select
              label={t('organisation.apiKeys.role')}
              description={t('organisation.apiKeys.roleHelp')}
              data={roleOptions(t, API_KEY_ROLES)}
              value={form.values.role}
              onChange={(value) => value && form.setFieldValue('role', value as ApiKeyRole)}
              allowDeselect={false}
            />
            <NumberInput
              label={t('organisation.apiKeys.expiresInDays')}
              description={t('organisation.apiKeys.expiryHelp')}
              min={1}
              max={1825}
              {...form.getInputProps('days')}
              // The message is in the alert below; the field is marked invalid. No clamping: 0 stays 0 and is refused.
              error={form.errors['days'] ? true : undefined}
              clampBehavior="none"
              allowDecimal={false}
              allowNegative={false}
            />
            <ErrorAlert error={firstError(form.errors) ?? create.error} />
            <FormFooter submitLabel={t('organisation.apiKeys.create')} busy={create.busy} onCancel={close} />
          </Stack>
        </form>
      )}
    </OrgDialog>
  );
}

/** One API key: details, and deletion with what it owns transferred or deleted. */
function KeyDialog({ keyId, onClose }: { readonly keyId: string; readonly onClose: () => void }) {
  const { t } = useTranslation();
  const detail = useOrgDetail('apiKeys', keyId, () => invoke('apiKeys.get', { keyId }));
  const key = detail.data;
  const member = useMemberLookup();
  const [confirming, setConfirming] = useState(false);
  const [owned, setOwned] = useState<OwnedResourcesChoice | null>(null);
  const onOwned = useCallback((choice: OwnedResourcesChoice | null) => setOwned(choice), []);
  const [pickFirst, setPickFirst] = useState(false);
  const remove = useOrgMutation(
    (choice: OwnedResourcesChoice) => invoke('apiKeys.remove', { keyId, owned: choice }),
    ['apiKeys'],
    () => {
      notifications.show({ color: 'green', message: t('organisation.apiKeys.deleted', { name: key?.name }) });
      detail.forget();
      onClose();
    },
  );
  const confirm = () => {
    if (!key) return;
    const choice = key.ownedResourceCount > 0 ? owned : { kind: 'none' as const };
    setPickFirst(!choice);
    if (choice) remove.mutate(choice);
  };
  const error = detail.error ?? (pickFirst ? t('organisation.owned.pickFirst') : remove.error);
  return (
    <OrgDialog onClose={onClose} title={t('organisation.apiKeys.detailTitle')}>
      <Stack gap="md">
        {key && !confirming && (
          <FactsTable
            facts={(
              [
                ['name', key.name],
                ['id', <IdCell key="id" id={key.id} name={key.name} size="sm" />],
                ['prefix', `${key.prefix}…`],
                ['role', t(`organisation.roles.${key.role}`)],
                ['creator', <PersonName key="creator" id={key.creatorId} email={key.creatorEmail} lookup={member} />],
                ['created', formatDateTime(key.createdAt)],
                ['expires', formatDateTime(key.expiresAt)],
                ['lastUsed', formatDateTime(key.lastUsedAt)],
                ['owned', String(key.ownedResourceCount)],
                ['owner', <PersonName key="owner" id={key.ownerId} email={null} lookup={member} />],
              ] as const
            ).map(([field, value]) => [t(`organisation.apiKeys.${field}`), value] as const)}
          />
        )}
        {key && confirming && (
          <Stack gap="sm">
            <Text>{t('organisation.apiKeys.deleteConfirm', { name: key.name })}</Text>
            {key.ownedResourceCount > 0 && <OwnedResourcesField count={key.ownedResourceCount} onChange={onOwned} />}
          </Stack>
        )}
        {!key && !error && <Text>{t('app.loading')}</Text>}
        <ErrorAlert error={error} />
        <DeleteFooter
          label={t('organisation.apiKeys.deleteAction')}
          confirming={confirming}
          onConfirming={setConfirming}
          onDelete={confirm}
          onClose={onClose}
          ready={!!key}
          busy={remove.busy}
          blocked={!!key && key.ownedResourceCount > 0 && owned === null}
        />
      </Stack>
    </OrgDialog>
  );
}

/** API keys (admins): the list (never a secret), creating one (its secret shown once), details and deletion. */
export function ApiKeysTab() {
  const { t } = useTranslation();
  const member = useMemberLookup();
  const [roleFilter, setRoleFilter] = useState<ApiKeyRole | null>(null);
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const list = usePagedList([...queryKeys.apiKeys, roleFilter], (query: DataTableQuery) =>
    invoke('apiKeys.list', {
      query: {
        ...apiPaging(query, SORTS, 'createdAt'),
        ...(query.filter ? { q: query.filter } : {}),
        ...(roleFilter ? { role: roleFilter } : {}),
      },
    }),
  );
  const columns = useMemo<DataColumn<ApiKey>[]>(
    () => [
      { id: 'name', header: t('organisation.apiKeys.name'), cell: (k) => k.name, hideable: false },
      {
        id: 'id',
        header: t('organisation.apiKeys.id'),
        cell: (k) => <IdCell id={k.id} name={k.name} />,
        sortable: false,
        // Optional (the Columns menu shows it): at 1200 px the dates need the room.
        hiddenByDefault: true,
      },
      {
        id: 'prefix',
        header: t('organisation.apiKeys.prefix'),
        cell: (k) => <MonoText value={`${k.prefix}…`} />,
        sortable: false,
      },
      {
        id: 'role',
        header: t('organisation.apiKeys.role'),
        cell: (k) => <Badge variant="light">{t(`organisation.roles.${k.role}`)}</Badge>,
        sortable: false,
      },
      {
        id: 'creator',
        header: t('organisation.apiKeys.creator'),
        cell: (k) => <PersonName id={k.creatorId} email={k.creatorEmail} lookup={member} />,
        sortable: false,
      },
      { id: 'createdAt', header: t('organisation.apiKeys.created'), cell: (k) => formatDateTime(k.createdAt) },
      { id: 'expiresAt', header: t('organisation.apiKeys.expires'), cell: (k) => formatDateTime(k.expiresAt) },
      { id: 'lastUsedAt', header: t('organisation.apiKeys.lastUsed'), cell: (k) => formatDateTime(k.lastUsedAt) },
      manageColumn<ApiKey>(
        t('organisation.actions'),
        t('organisation.manage'),
        (k) => k.name,
        (k) => setOpen(k.id),
      ),
    ],
    [t, member],
  );
  return (
    <>
      <OrgTable
        tab="apiKeys"
        tableId="api-keys"
        columns={columns}
        list={list}
        defaultSort={{ id: 'createdAt', desc: true }}
        toolbar={
          <>
            <FilterSelect
              label={t('organisation.apiKeys.roleFilter')}
              placeholder={t('organisation.members.allRoles')}
              data={roleOptions(t, API_KEY_ROLES)}
              value={roleFilter}
              onChange={setRoleFilter}
              width={170}
            />
            <Button leftSection={<IconKey size={16} />} onClick={() => setCreating(true)}>
              {t('organisation.apiKeys.create')}
            </Button>
          </>
        }
      />
      {creating && <CreateKeyDialog onClose={() => setCreating(false)} />}
      {open && <KeyDialog keyId={open} onClose={() => setOpen(null)} />}
    </>
  );
}
