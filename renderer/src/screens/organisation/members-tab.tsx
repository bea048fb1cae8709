import { Alert, Badge, Button, Group, Modal, Select, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OwnedResourcesChoice } from '../../../../shared/ipc/organisation-ipc';
import { ROLES, type Member, type MemberDetail, type Role } from '../../../../shared/platform';
import { type DataColumn, DataTable, type DataTableQuery } from '../../components/data-table';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';
import { formatDateTime } from './format';
import { OwnedResourcesField } from './owned-resources-field';
import { apiPaging, usePagedList } from './use-paged-list';

const SORTS = ['name', 'email', 'role', 'joinedAt'] as const;

/** One member: details, role change and removal (with the ownership-transfer choice), for admins. */
function MemberDialog({
  memberId,
  admin,
  myUserEmail,
  onClose,
  onChanged,
}: {
  readonly memberId: string;
  readonly admin: boolean;
  readonly myUserEmail: string;
  readonly onClose: () => void;
  readonly onChanged: () => void;
}) {
  const { t } = useTranslation();
  const [member, setMember] = useState<MemberDetail | null>(null);
  const [role, setRole] = useState<Role | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [owned, setOwned] = useState<OwnedResourcesChoice | null>(null);
  const onOwned = useCallback((choice: OwnedResourcesChoice | null) => setOwned(choice), []);

  useEffect(() => {
    invoke('members.get', { memberId })
      .then((m) => {
        setMember(m);
        setRole(m.role);
      })
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [memberId]);

  const run = (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    action()
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setBusy(false));
  };
  const saveRole = () =>
    run(async () => {
      if (!role || !member) return;
      const updated = await invoke('members.setRole', { memberId, role });
      setMember({ ...member, role: updated.role });
      notifications.show({ color: 'green', message: t('organisation.members.roleChanged', { name: member.name }) });
      onChanged();
    });
  const remove = () =>
    run(async () => {
      if (!member) return;
      const choice = member.ownedResourceCount > 0 ? owned : { kind: 'none' as const };
      if (!choice) return setError(t('organisation.owned.pickFirst'));
      await invoke('members.remove', { memberId, owned: choice });
      notifications.show({ color: 'green', message: t('organisation.members.removed', { name: member.name }) });
      onChanged();
      onClose();
    });

  const title = removing ? t('organisation.members.removeTitle') : t('organisation.members.detailTitle');
  return (
    <Modal
      opened
      closeButtonProps={{ 'aria-label': t('organisation.closeDialog') }}
      onClose={onClose}
      title={title}
      size="lg"
    >
      {!member ? (
        error ? (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        ) : (
          <Text>{t('app.loading')}</Text>
        )
      ) : removing ? (
        <Stack gap="md">
          <Text>{t('organisation.members.removeConfirm', { name: member.name, email: member.email })}</Text>
          {member.ownedResourceCount > 0 && (
            <OwnedResourcesField count={member.ownedResourceCount} excludeMemberId={member.id} onChange={onOwned} />
          )}
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(false)}>
              {t('organisation.cancel')}
            </Button>
            <Button
              color="red"
              loading={busy}
              onClick={remove}
              disabled={member.ownedResourceCount > 0 && owned === null}
            >
              {t('organisation.members.removeAction')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <Stack gap="md">
          <Table variant="vertical" withTableBorder={false}>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={200}>{t('organisation.members.name')}</Table.Th>
                <Table.Td>{member.name}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('organisation.members.email')}</Table.Th>
                <Table.Td>{member.email}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('organisation.members.id')}</Table.Th>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {member.id}
                  </Text>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('organisation.members.joined')}</Table.Th>
                <Table.Td>{formatDateTime(member.joinedAt)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('organisation.members.owned')}</Table.Th>
                <Table.Td>{member.ownedResourceCount}</Table.Td>
              </Table.Tr>
              {!admin && (
                <Table.Tr>
                  <Table.Th>{t('organisation.members.role')}</Table.Th>
                  <Table.Td>{t(`organisation.roles.${member.role}`)}</Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
          {admin ? (
            <Group align="flex-end">
              <Select
                label={t('organisation.members.role')}
                data={ROLES.map((r) => ({ value: r, label: t(`organisation.roles.${r}`) }))}
                value={role}
                onChange={(value) => setRole(value as Role | null)}
                allowDeselect={false}
                w={200}
              />
              <Button onClick={saveRole} loading={busy} disabled={role === member.role}>
                {t('organisation.members.saveRole')}
              </Button>
            </Group>
          ) : null}
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
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
    </Modal>
  );
}

/** Members: the list (sort, filter by text or role, page, columns) and each member's dialog. */
export function MembersTab({ admin, myUserEmail }: { readonly admin: boolean; readonly myUserEmail: string }) {
  const { t } = useTranslation();
  const [roleFilter, setRoleFilter] = useState<Role | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const fetchPage = useCallback(
    (query: DataTableQuery) =>
      invoke('members.list', {
        query: {
          ...apiPaging(query, SORTS, 'name'),
          ...(query.filter ? { q: query.filter } : {}),
          ...(roleFilter ? { role: roleFilter } : {}),
        },
      }),
    [roleFilter],
  );
  const list = usePagedList(fetchPage);
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
        cell: (m) => (
          <Text size="xs" ff="monospace">
            {m.id}
          </Text>
        ),
        sortable: false,
        hiddenByDefault: true,
      },
      {
        id: 'actions',
        header: t('organisation.actions'),
        sortable: false,
        hideable: false,
        align: 'right',
        cell: (m) => (
          <Button
            size="xs"
            variant="default"
            onClick={(event) => {
              event.stopPropagation();
              setOpen(m.id);
            }}
            aria-label={`${admin ? t('organisation.manage') : t('organisation.view')}: ${m.name}`}
          >
            {admin ? t('organisation.manage') : t('organisation.view')}
          </Button>
        ),
      },
    ],
    [t, admin],
  );
  return (
    <>
      <DataTable
        tableId="members"
        label={t('organisation.tabs.members')}
        columns={columns}
        rows={list.page.items}
        getRowId={(m) => m.id}
        mode={{ kind: 'server', total: list.page.total }}
        onQueryChange={list.onQueryChange}
        defaultSort={{ id: 'name', desc: false }}
        filterLabel={t('organisation.members.filter')}
        loading={list.loading}
        error={list.error}
        empty={<Text c="dimmed">{t('organisation.members.empty')}</Text>}
        toolbar={
          <Select
            aria-label={t('organisation.members.roleFilter')}
            placeholder={t('organisation.members.allRoles')}
            data={ROLES.map((r) => ({ value: r, label: t(`organisation.roles.${r}`) }))}
            value={roleFilter}
            onChange={(value) => setRoleFilter(value as Role | null)}
            clearable
            w={170}
          />
        }
      />
      {open && (
        <MemberDialog
          memberId={open}
          admin={admin}
          myUserEmail={myUserEmail}
          onClose={() => setOpen(null)}
          onChanged={list.reload}
        />
      )}
    </>
  );
}
