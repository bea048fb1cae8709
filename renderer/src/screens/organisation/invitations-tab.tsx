import { Alert, Badge, Button, Group, Modal, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconMailPlus } from '@tabler/icons-react';
import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  LANGUAGES,
  ROLES,
  type Invitation,
  type InvitationDetail,
  type Language,
  type Role,
} from '../../../../shared/platform';
import { type DataColumn, DataTable, type DataTableQuery } from '../../components/data-table';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';
import { CopyField } from './copy-field';
import { formatDateTime } from './format';
import { apiPaging, usePagedList } from './use-paged-list';

const SORTS = ['email', 'createdAt', 'expiresAt'] as const;
type Status = 'pending' | 'accepted' | 'expired';

function statusOf(invitation: Invitation): Status {
  if (invitation.acceptedAt !== null) return 'accepted';
  return new Date(invitation.expiresAt) > new Date() ? 'pending' : 'expired';
}

function StatusBadge({ invitation }: { readonly invitation: Invitation }) {
  const { t } = useTranslation();
  const status = statusOf(invitation);
  const color = status === 'pending' ? 'blue' : status === 'accepted' ? 'green' : 'gray';
  return (
    <Badge variant="light" color={color}>
      {t(`organisation.invitations.status.${status}`)}
    </Badge>
  );
}

/** The invitation's details: role, language, e-mail status and the link to copy. */
function InvitationFacts({ invitation }: { readonly invitation: InvitationDetail }) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm">
      <Table variant="vertical" withTableBorder={false}>
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={200}>{t('organisation.invitations.email')}</Table.Th>
            <Table.Td>{invitation.email}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('organisation.invitations.role')}</Table.Th>
            <Table.Td>{t(`organisation.roles.${invitation.role}`)}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('organisation.invitations.language')}</Table.Th>
            <Table.Td>{t(`organisation.languages.${invitation.language}`)}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('organisation.invitations.sender')}</Table.Th>
            <Table.Td>{invitation.senderEmail ?? '—'}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('organisation.invitations.expires')}</Table.Th>
            <Table.Td>{formatDateTime(invitation.expiresAt)}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('organisation.invitations.statusLabel')}</Table.Th>
            <Table.Td>
              <StatusBadge invitation={invitation} />
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <Alert
        color={invitation.emailStatus === 'sent' ? 'green' : invitation.emailStatus === 'outbox' ? 'blue' : 'yellow'}
      >
        {t(`organisation.invitations.emailStatus.${invitation.emailStatus}`)}
      </Alert>
      {invitation.link ? (
        <div>
          <Text fw={500} size="sm" mb={4}>
            {t('organisation.invitations.link')}
          </Text>
          <CopyField value={invitation.link} label={t('organisation.invitations.link')} />
        </div>
      ) : (
        <Text size="sm" c="dimmed">
          {t('organisation.invitations.noLink')}
        </Text>
      )}
    </Stack>
  );
}

/** Invite someone: e-mail, role, language; then the link to copy. */
function InviteDialog({ onClose, onCreated }: { readonly onClose: () => void; readonly onCreated: () => void }) {
  const { t, i18n } = useTranslation();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [language, setLanguage] = useState<Language>(i18n.language === 'fr' ? 'fr' : 'en');
  const [created, setCreated] = useState<InvitationDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) return setError(t('setup.errors.email'));
    setBusy(true);
    setError(null);
    invoke('invitations.create', { email: email.trim(), role, language })
      .then((invitation) => {
        setCreated(invitation);
        onCreated();
      })
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setBusy(false));
  };
  return (
    <Modal
      opened
      closeButtonProps={{ 'aria-label': t('organisation.closeDialog') }}
      onClose={onClose}
      title={t('organisation.invitations.createTitle')}
      size="lg"
    >
      {created ? (
        <Stack gap="md">
          <Text>{t('organisation.invitations.createdMessage', { email: created.email })}</Text>
          <InvitationFacts invitation={created} />
          <Group justify="flex-end">
            <Button onClick={onClose}>{t('organisation.done')}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <TextInput
              label={t('organisation.invitations.email')}
              type="email"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              data-autofocus
            />
            <Select
              label={t('organisation.invitations.role')}
              data={ROLES.map((r) => ({ value: r, label: t(`organisation.roles.${r}`) }))}
              value={role}
              onChange={(value) => value && setRole(value as Role)}
              allowDeselect={false}
            />
            <Select
              label={t('organisation.invitations.language')}
              description={t('organisation.invitations.languageHelp')}
              data={LANGUAGES.map((l) => ({ value: l, label: t(`organisation.languages.${l}`) }))}
              value={language}
              onChange={(value) => value && setLanguage(value as Language)}
              allowDeselect={false}
            />
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('organisation.cancel')}
              </Button>
              <Button type="submit" loading={busy}>
                {t('organisation.invitations.send')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

/** One invitation: its details and link, and deleting it (with a confirmation). */
function InvitationDialog({
  invitationId,
  onClose,
  onChanged,
}: {
  readonly invitationId: string;
  readonly onClose: () => void;
  readonly onChanged: () => void;
}) {
  const { t } = useTranslation();
  const [invitation, setInvitation] = useState<InvitationDetail | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    invoke('invitations.get', { invitationId })
      .then(setInvitation)
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [invitationId]);
  const remove = () => {
    setBusy(true);
    invoke('invitations.remove', { invitationId })
      .then(() => {
        notifications.show({ color: 'green', message: t('organisation.invitations.deleted') });
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
      title={t('organisation.invitations.detailTitle')}
      size="lg"
    >
      <Stack gap="md">
        {invitation && !confirming && <InvitationFacts invitation={invitation} />}
        {invitation && confirming && (
          <Text>{t('organisation.invitations.deleteConfirm', { email: invitation.email })}</Text>
        )}
        {!invitation && !error && <Text>{t('app.loading')}</Text>}
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
              <Button color="red" loading={busy} onClick={remove}>
                {t('organisation.invitations.deleteAction')}
              </Button>
            </>
          ) : (
            <>
              <Button color="red" variant="light" onClick={() => setConfirming(true)} disabled={!invitation}>
                {t('organisation.invitations.deleteAction')}
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

/** Invitations (admins): the list, inviting someone, each invitation's link and deletion. */
export function InvitationsTab() {
  const { t } = useTranslation();
  const [pending, setPending] = useState<'true' | 'false' | null>(null);
  const [inviting, setInviting] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const fetchPage = useCallback(
    (query: DataTableQuery) =>
      invoke('invitations.list', {
        query: {
          ...apiPaging(query, SORTS, 'createdAt'),
          ...(query.filter ? { q: query.filter } : {}),
          ...(pending ? { pending } : {}),
        },
      }),
    [pending],
  );
  const list = usePagedList(fetchPage);
  const columns = useMemo<DataColumn<Invitation>[]>(
    () => [
      { id: 'email', header: t('organisation.invitations.email'), cell: (i) => i.email, hideable: false },
      {
        id: 'status',
        header: t('organisation.invitations.statusLabel'),
        cell: (i) => <StatusBadge invitation={i} />,
        sortable: false,
      },
      {
        id: 'sender',
        header: t('organisation.invitations.sender'),
        cell: (i) => i.senderEmail ?? '—',
        sortable: false,
      },
      { id: 'createdAt', header: t('organisation.invitations.created'), cell: (i) => formatDateTime(i.createdAt) },
      { id: 'expiresAt', header: t('organisation.invitations.expires'), cell: (i) => formatDateTime(i.expiresAt) },
      {
        id: 'actions',
        header: t('organisation.actions'),
        sortable: false,
        hideable: false,
        align: 'right',
        cell: (i) => (
          <Button
            size="xs"
            variant="default"
            onClick={() => setOpen(i.id)}
            aria-label={`${t('organisation.manage')}: ${i.email}`}
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
        tableId="invitations"
        label={t('organisation.tabs.invitations')}
        columns={columns}
        rows={list.page.items}
        getRowId={(i) => i.id}
        mode={{ kind: 'server', total: list.page.total }}
        onQueryChange={list.onQueryChange}
        defaultSort={{ id: 'createdAt', desc: true }}
        filterLabel={t('organisation.invitations.filter')}
        loading={list.loading}
        error={list.error}
        empty={<Text c="dimmed">{t('organisation.invitations.empty')}</Text>}
        toolbar={
          <>
            <Select
              aria-label={t('organisation.invitations.pendingFilter')}
              placeholder={t('organisation.invitations.allStatuses')}
              data={[
                { value: 'true', label: t('organisation.invitations.onlyPending') },
                { value: 'false', label: t('organisation.invitations.onlyClosed') },
              ]}
              value={pending}
              onChange={(value) => setPending(value as 'true' | 'false' | null)}
              clearable
              w={190}
            />
            <Button leftSection={<IconMailPlus size={16} />} onClick={() => setInviting(true)}>
              {t('organisation.invitations.invite')}
            </Button>
          </>
        }
      />
      {inviting && <InviteDialog onClose={() => setInviting(false)} onCreated={list.reload} />}
      {open && <InvitationDialog invitationId={open} onClose={() => setOpen(null)} onChanged={list.reload} />}
    </>
  );
}
