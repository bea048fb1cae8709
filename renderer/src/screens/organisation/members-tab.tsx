import { Badge, Button, Group, Select, Stack, Text } from '@mantine/core';
import { IconMailPlus } from '@tabler/icons-react';
import { notifications } from '@mantine/notifications';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OwnedResourcesChoice } from '../../../../shared/ipc/organisation-ipc';
import { ROLES, type Member, type Role } from '../../../../shared/platform';
import type { DataColumn, DataTableQuery } from '../../components/data-table';
import { invoke } from '../../ipc-client';
import { queryKeys } from '../../queries/query-keys';
import { ErrorAlert } from './error-alert';
import { FactsTable } from './facts-table';
import { FilterSelect } from './filter-select';
import { formatDateTime } from './format';
import { InviteDialog } from './invite-dialog';
import { manageColumn } from './manage-column';
import { IdCell } from './id-cell';
import { OrgDialog } from './org-dialog';
import { OrgTable } from './org-table';
import { OwnedResourcesField } from './owned-resources-field';
import { roleOptions } from './role-options';
import { useOrgDetail } from './use-org-detail';
import { useOrgMutation } from './use-org-mutation';
import { apiPaging, usePagedList } from './use-paged-list';

const SORTS = ['name', 'email', 'role', 'joinedAt'] as const;

/** One member: details, role change and removal (with the ownership-transfer choice), for admins. */
function MemberDialog({
  memberId,
  admin,
  myUserEmail,
  onClose,
}: {
  readonly memberId: string;
  readonly admin: boolean;
  readonly myUserEmail: string;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation();
  const detail = useOrgDetail('members', memberId, () => invoke('members.get', { memberId }));
  const member = detail.data;
  const [chosenRole, setRole] = useState<Role | null>(null);
  const role = chosenRole ?? member?.role ?? null;
  const [removing, setRemoving] = useState(false);
  const [owned, setOwned] = useState<OwnedResourcesChoice | null>(null);
  const onOwned = useCallback((choice: OwnedResourcesChoice | null) => setOwned(choice), []);
  const [pickFirst, setPickFirst] = useState(false);
  const saveRole = useOrgMutation(
    (next: Role) => invoke('members.setRole', { memberId, role: next }),
    ['members'],
    () =>
      notifications.show({ color: 'green', message: t('organisation.members.roleChanged', { name: member?.name }) }),
  );
  const remove = useOrgMutation(
    (choice: OwnedResourcesChoice) => invoke('members.remove', { memberId, owned: choice }),
    ['members'],
    () => {
      notifications.show({ color: 'green', message: t('organisation.members.removed', { name: member?.name }) });
      detail.forget();
      onClose();
    },
  );
  const confirmRemove = () => {
    if (!member) return;
    const choice = member.ownedResourceCount > 0 ? owned : { kind: 'none' as const };
    setPickFirst(!choice);
    if (choice) remove.mutate(choice);
  };
  const busy = saveRole.busy || remove.busy;
  const error = pickFirst ? t('organisation.owned.pickFirst') : (remove.error ?? saveRole.error);

  const title = removing ? t('organisation.members.removeTitle') : t('organisation.members.detailTitle');
  return (
    <OrgDialog onClose={onClose} title={title}>
      {!member ? (
        detail.error ? (
          <ErrorAlert error={detail.error} />
        ) : (
          <Text>{t('app.loading')}</Text>
        )
      ) : removing ? (
        <Stack gap="md">
          <Text>{t('organisation.members.removeConfirm', { name: member.name, email: member.email })}</Text>
          {member.ownedResourceCount > 0 && (
            <OwnedResourcesField count={member.ownedResourceCount} excludeMemberId={member.id} onChange={onOwned} />
          )}
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(false)}>
              {t('organisation.cancel')}
            </Button>
            <Button
              color="red"
              loading={busy}
              onClick={confirmRemove}
              disabled={member.ownedResourceCount > 0 && owned === null}
            >
              {t('organisation.members.removeAction')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <Stack gap="md">
          <FactsTable
            facts={[
              [t('organisation.members.name'), member.name],
              [t('organisation.members.email'), member.email],
              [t('organisation.members.id'), <IdCell key="id" id={member.id} name={member.name} size="sm" />],
              [t('organisation.members.joined'), formatDateTime(member.joinedAt)],
              [t('organisation.members.owned'), member.ownedResourceCount],
              ...(admin ? [] : [[t('organisation.members.role'), t(`organisation.roles.${member.role}`)] as const]),
            ]}
          />
          {admin ? (
            <Group align="flex-end">
              <Select
                label={t('organisation.members.role')}
                data={roleOptions(t, ROLES)}
                value={role}
                onChange={(value) => setRole(value as Role | null)}
                allowDeselect={false}
                w={200}
              />
              <Button onClick={() => role && saveRole.mutate(role)} loading={busy} disabled={role === member.role}>
                {t('organisation.members.saveRole')}
              </Button>
            </Group>
          ) : null}
          <ErrorAlert error={error} />
          <Group justify="space-between">
            {admin && member.email !== myUserEmail ? (
              <Button color="red" variant="light" onClick={() => setRemoving(true)}>
                {t('organisation.members.removeAction')}
              </Button>
            ) : (
              <span />
            )}
            <Button variant="default" onClick={onClose}>
              {t('organisation.close')}
            </Button>
          </Group>
        </Stack>
      )}
    </OrgDialog>
  );
}

/** Members: the list (sort, filter by text or role, page, columns) and each member's dialog. */
export function MembersTab({ admin, myUserEmail }: { readonly admin: boolean; readonly myUserEmail: string }) {
  const { t } = useTranslation();
  const [roleFilter, setRoleFilter] = useState<Role | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [inviting, setInviting] = useState(false);
  const list = usePagedList([...queryKeys.members, roleFilter], (query: DataTableQuery) =>
    invoke('members.list', {
      query: {
        ...apiPaging(query, SORTS, 'name'),
        ...(query.filter ? { q: query.filter } : {}),
        ...(roleFilter ? { role: roleFilter } : {}),
      },
    }),
  );
  const columns = useMemo<DataColumn<Member>[]>(
    () => [
      { id: 'name', header: t('organisation.members.name'), cell: (m) => m.name, hideable: false },
      { id: 'email', header: t('organisation.members.email'), cell: (m) => m.email },
      {
        id: 'role',
        header: t('organisation.members.role'),
        cell: (m) => (
          <Badge variant="light" color={m.role === 'admin' ? 'grape' : m.role === 'editor' ? 'blue' : 'gray'}>
            {t(`organisation.roles.${m.role}`)}
          </Badge>
        ),
      },
      { id: 'joinedAt', header: t('organisation.members.joined'), cell: (m) => formatDateTime(m.joinedAt) },
      {
        id: 'id',
        header: t('organisation.members.id'),
        cell: (m) => <IdCell id={m.id} name={m.name} />,
        sortable: false,
        hiddenByDefault: true,
      },
      manageColumn<Member>(
        t('organisation.actions'),
        admin ? t('organisation.manage') : t('organisation.view'),
        (m) => m.name,
        (m) => setOpen(m.id),
      ),
    ],
    [t, admin],
  );
  return (
    <>
      <OrgTable
        tab="members"
        tableId="members"
        columns={columns}
        list={list}
        defaultSort={{ id: 'name', desc: false }}
        toolbar={
          <>
            <FilterSelect
              label={t('organisation.members.roleFilter')}
              placeholder={t('organisation.members.allRoles')}
              data={roleOptions(t, ROLES)}
              value={roleFilter}
              onChange={setRoleFilter}
              width={170}
            />
            {/* Inviting is the admins' (the Invitations tab holds the rest); reachable from here too. */}
            {admin && (
              <Button leftSection={<IconMailPlus size={16} />} onClick={() => setInviting(true)}>
                {t('invitations.inviteFromMembers')}
              </Button>
            )}
          </>
        }
      />
      {inviting && <InviteDialog onClose={() => setInviting(false)} />}
      {open && <MemberDialog memberId={open} admin={admin} myUserEmail={myUserEmail} onClose={() => setOpen(null)} />}
    </>
  );
}
