import { Alert, Badge, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { IconMailPlus } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  LANGUAGES,
  ROLES,
  type EmailStatus,
  type Invitation,
  type InvitationDetail,
  type Language,
  type Role,
} from '../../../../shared/platform';
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
import { OrgDialog } from './org-dialog';
import { OrgTable } from './org-table';
import { roleOptions } from './role-options';
import { useOrgDetail } from './use-org-detail';
import { useOrgMutation } from './use-org-mutation';
import { apiPaging, usePagedList } from './use-paged-list';

const SORTS = ['email', 'createdAt', 'expiresAt'] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** The colour of the e-mail status alert: queued is neutral until the background job records how it went. */
const EMAIL_STATUS_COLORS: Readonly<Record<EmailStatus, string>> = {
  queued: 'gray',
  sent: 'green',
  outbox: 'blue',
  failed: 'yellow',
};
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
      <FactsTable
        facts={[
          [t('organisation.invitations.email'), invitation.email],
          [t('organisation.invitations.role'), t(`organisation.roles.${invitation.role}`)],
          [t('organisation.invitations.language'), t(`organisation.languages.${invitation.language}`)],
          [t('organisation.invitations.sender'), invitation.senderEmail ?? '—'],
          [t('organisation.invitations.expires'), formatDateTime(invitation.expiresAt)],
          [t('organisation.invitations.statusLabel'), <StatusBadge key="status" invitation={invitation} />],
        ]}
      />
      <Alert color={EMAIL_STATUS_COLORS[invitation.emailStatus]}>
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

/** How often the invite dialog asks again while the e-mail job has not recorded how the sending went. */
const QUEUED_POLL_MS = 1000;

/** The created invitation, read again while its e-mail is queued so the dialog shows when it was sent or failed. */
function useSendingStatus(created: InvitationDetail | null): InvitationDetail | null {
  const latest = useQuery({
    queryKey: [...queryKeys.invitations, 'detail', created?.id ?? ''],
    queryFn: () => invoke('invitations.get', { invitationId: created?.id ?? '' }),
    enabled: created?.emailStatus === 'queued',
    refetchInterval: (query) => ((query.state.data?.emailStatus ?? 'queued') === 'queued' ? QUEUED_POLL_MS : false),
  });
  return latest.data ?? created;
}

/** Invite someone: e-mail, role, language; then the link to copy. */
function InviteDialog({ onClose }: { readonly onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [created, setCreated] = useState<InvitationDetail | null>(null);
  const form = useForm({
    initialValues: {
      email: '',
      role: 'viewer' as Role,
      language: (i18n.language === 'fr' ? 'fr' : 'en') as Language,
    },
    validate: { email: (email) => (EMAIL.test(email.trim()) ? null : t('setup.errors.email')) },
  });
  const create = useOrgMutation(
    (values: typeof form.values) => invoke('invitations.create', { ...values, email: values.email.trim() }),
    ['invitations'],
    setCreated,
  );
  const shown = useSendingStatus(created);
  return (
    <OrgDialog onClose={onClose} title={t('organisation.invitations.createTitle')}>
      {shown ? (
        <Stack gap="md">
          <Text>{t('organisation.invitations.createdMessage', { email: shown.email })}</Text>
          <InvitationFacts invitation={shown} />
          <Group justify="flex-end">
            <Button onClick={onClose}>{t('organisation.done')}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={form.onSubmit((values) => create.mutate(values))} noValidate>
          <Stack gap="sm">
            <TextInput
              label={t('organisation.invitations.email')}
              type="email"
              required
              {...form.getInputProps('email')}
              error={undefined}
              data-autofocus
            />
            <Select
              label={t('organisation.invitations.role')}
              data={roleOptions(t, ROLES)}
              value={form.values.role}
              onChange={(value) => value && form.setFieldValue('role', value as Role)}
              allowDeselect={false}
            />
            <Select
              label={t('organisation.invitations.language')}
              description={t('organisation.invitations.languageHelp')}
              data={LANGUAGES.map((l) => ({ value: l, label: t(`organisation.languages.${l}`) }))}
              value={form.values.language}
              onChange={(value) => value && form.setFieldValue('language', value as Language)}
              allowDeselect={false}
            />
            <ErrorAlert error={firstError(form.errors) ?? create.error} />
            <FormFooter submitLabel={t('organisation.invitations.send')} busy={create.busy} onCancel={onClose} />
          </Stack>
        </form>
      )}
    </OrgDialog>
  );
}

/** One invitation: its details and link, and deleting it (with a confirmation). */
function InvitationDialog({ invitationId, onClose }: { readonly invitationId: string; readonly onClose: () => void }) {
  const { t } = useTranslation();
  const detail = useOrgDetail('invitations', invitationId, () => invoke('invitations.get', { invitationId }));
  const invitation = detail.data;
  const [confirming, setConfirming] = useState(false);
  const remove = useOrgMutation(
    () => invoke('invitations.remove', { invitationId }),
    ['invitations'],
    () => {
      notifications.show({ color: 'green', message: t('organisation.invitations.deleted') });
      onClose();
    },
  );
  const error = detail.error ?? remove.error;
  return (
    <OrgDialog onClose={onClose} title={t('organisation.invitations.detailTitle')}>
      <Stack gap="md">
        {invitation && !confirming && <InvitationFacts invitation={invitation} />}
        {invitation && confirming && (
          <Text>{t('organisation.invitations.deleteConfirm', { email: invitation.email })}</Text>
        )}
        {!invitation && !error && <Text>{t('app.loading')}</Text>}
        <ErrorAlert error={error} />
        <DeleteFooter
          label={t('organisation.invitations.deleteAction')}
          confirming={confirming}
          onConfirming={setConfirming}
          onDelete={() => remove.mutate(undefined)}
          onClose={onClose}
          ready={!!invitation}
          busy={remove.busy}
        />
      </Stack>
    </OrgDialog>
  );
}

/** Invitations (admins): the list, inviting someone, each invitation's link and deletion. */
export function InvitationsTab() {
  const { t } = useTranslation();
  const [pending, setPending] = useState<'true' | 'false' | null>(null);
  const [inviting, setInviting] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const list = usePagedList([...queryKeys.invitations, pending], (query: DataTableQuery) =>
    invoke('invitations.list', {
      query: {
        ...apiPaging(query, SORTS, 'createdAt'),
        ...(query.filter ? { q: query.filter } : {}),
        ...(pending ? { pending } : {}),
      },
    }),
  );
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
      manageColumn<Invitation>(
        t('organisation.actions'),
        t('organisation.manage'),
        (i) => i.email,
        (i) => setOpen(i.id),
      ),
    ],
    [t],
  );
  return (
    <>
      <OrgTable
        tab="invitations"
        tableId="invitations"
        columns={columns}
        list={list}
        defaultSort={{ id: 'createdAt', desc: true }}
        toolbar={
          <>
            <FilterSelect
              label={t('organisation.invitations.pendingFilter')}
              placeholder={t('organisation.invitations.allStatuses')}
              data={[
                { value: 'true' as const, label: t('organisation.invitations.onlyPending') },
                { value: 'false' as const, label: t('organisation.invitations.onlyClosed') },
              ]}
              value={pending}
              onChange={setPending}
              width={190}
            />
            <Button leftSection={<IconMailPlus size={16} />} onClick={() => setInviting(true)}>
              {t('organisation.invitations.invite')}
            </Button>
          </>
        }
      />
      {inviting && <InviteDialog onClose={() => setInviting(false)} />}
      {open && <InvitationDialog invitationId={open} onClose={() => setOpen(null)} />}
    </>
  );
}
