import { Badge, Button, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconMailPlus } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Invitation } from '../../../../shared/platform';
import type { DataColumn, DataTableQuery } from '../../components/data-table';
import { invoke } from '../../ipc-client';
import { queryKeys } from '../../queries/query-keys';
import { activeAccount, usePlatformStore } from '../../stores/platform-store';
import { DeleteFooter } from './delete-footer';
import { ErrorAlert } from './error-alert';
import { FilterSelect } from './filter-select';
import { formatDateTime } from './format';
import { InvitationFacts, StatusBadge } from './invitation-facts';
import { InvitationRowActions } from './invitation-row-actions';
import { InviteDialog } from './invite-dialog';
import { LocalWorkspaceNotice } from './local-workspace-notice';
import { manageColumn } from './manage-column';
import { IdCell } from './id-cell';
import { OrgDialog } from './org-dialog';
import { OrgTable } from './org-table';
import { OutboxPanel } from './outbox-panel';
import { PersonName } from './person-name';
import { useOrgDetail } from './use-org-detail';
import { useMemberLookup } from './use-org-names';
import { useOrgMutation } from './use-org-mutation';
import { apiPaging, usePagedList } from './use-paged-list';

const SORTS = ['email', 'createdAt', 'expiresAt'] as const;

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
      detail.forget();
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

/**
 * Invitations (admins): the list (ID, e-mail, role, status; copy the link and resend per row), inviting someone, each
 * invitation's details and deletion; for a local workspace, where its links work; the outbox of unsent e-mails.
 */
export function InvitationsTab() {
  const { t } = useTranslation();
  const [pending, setPending] = useState<'true' | 'false' | null>(null);
  const [inviting, setInviting] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const member = useMemberLookup();
  const local = usePlatformStore((s) =>
    s.state.status === 'ready' ? activeAccount(s.state.platform)?.target.kind === 'local' : false,
  );
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
        id: 'id',
        header: t('invitations.id'),
        cell: (i) => <IdCell id={i.id} name={i.email} />,
        sortable: false,
        // Optional (the Columns menu shows it): at 1200 px the role and status badges need the room.
        hiddenByDefault: true,
      },
      {
        id: 'role',
        header: t('invitations.role'),
        cell: (i) => (
          <Badge variant="default" tt="none">
            {t(`organisation.roles.${i.role}`)}
          </Badge>
        ),
        sortable: false,
      },
      {
        id: 'status',
        header: t('organisation.invitations.statusLabel'),
        cell: (i) => <StatusBadge invitation={i} />,
        sortable: false,
      },
      {
        id: 'sender',
        header: t('organisation.invitations.sender'),
        cell: (i) => <PersonName id={null} email={i.senderEmail} lookup={member} />,
        sortable: false,
        hiddenByDefault: true,
      },
      {
        id: 'createdAt',
        header: t('organisation.invitations.created'),
        cell: (i) => formatDateTime(i.createdAt),
        hiddenByDefault: true,
      },
      { id: 'expiresAt', header: t('organisation.invitations.expires'), cell: (i) => formatDateTime(i.expiresAt) },
      {
        id: 'link',
        header: t('invitations.rowActions'),
        cell: (i) => <InvitationRowActions invitation={i} />,
        sortable: false,
        hideable: false,
      },
      manageColumn<Invitation>(
        t('organisation.actions'),
        t('organisation.manage'),
        (i) => i.email,
        (i) => setOpen(i.id),
      ),
    ],
    [t, member],
  );
  return (
    <Stack gap="md">
      {local && <LocalWorkspaceNotice />}
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
      <OutboxPanel />
      {inviting && <InviteDialog onClose={() => setInviting(false)} />}
      {open && <InvitationDialog invitationId={open} onClose={() => setOpen(null)} />}
    </Stack>
  );
}
