import { Alert, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Organisation, Role } from '../../../../shared/platform';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';
import { CopyField } from './copy-field';
import { formatDateTime } from './format';

/** General: the organisation's name (admins rename it) and its ID with a copy button. */
export function GeneralTab({
  organisation,
  role,
  onRenamed,
}: {
  readonly organisation: Organisation;
  readonly role: Role;
  readonly onRenamed: (organisation: Organisation) => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(organisation.name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const admin = role === 'admin';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return setError(t('organisation.general.nameRequired'));
    setBusy(true);
    setError(null);
    invoke('organisation.rename', { name: name.trim() })
      .then((renamed) => {
        onRenamed(renamed);
        notifications.show({ color: 'green', message: t('organisation.general.renamed', { name: renamed.name }) });
      })
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setBusy(false));
  };
  return (
    <Stack gap="md" maw={720}>
      <Card withBorder component="section" aria-labelledby="org-name-title">
        <Title order={3} size="h5" id="org-name-title" mb="sm">
          {t('organisation.general.nameTitle')}
        </Title>
        {admin ? (
          <form onSubmit={submit} noValidate>
            <Group align="flex-end" wrap="nowrap">
              <TextInput
                label={t('organisation.general.name')}
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                style={{ flex: 1 }}
                maxLength={200}
              />
              <Button type="submit" loading={busy} disabled={name.trim() === organisation.name}>
                {t('organisation.general.save')}
              </Button>
            </Group>
            {error && (
              <Alert color="red" role="alert" mt="sm">
                {error}
              </Alert>
            )}
          </form>
        ) : (
          <Stack gap={4}>
            <Text fw={600}>{organisation.name}</Text>
            <Text size="sm" c="dimmed">
              {t('organisation.general.adminsOnly')}
            </Text>
          </Stack>
        )}
      </Card>
      <Card withBorder component="section" aria-labelledby="org-id-title">
        <Title order={3} size="h5" id="org-id-title" mb="xs">
          {t('organisation.general.idTitle')}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t('organisation.general.idHelp')}
        </Text>
        <CopyField value={organisation.id} label={t('organisation.general.idTitle')} />
      </Card>
      <Card withBorder component="section" aria-labelledby="org-facts-title">
        <Title order={3} size="h5" id="org-facts-title" mb="sm">
          {t('organisation.general.factsTitle')}
        </Title>
        <Table variant="vertical" withTableBorder={false}>
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w={220}>{t('organisation.general.yourRole')}</Table.Th>
              <Table.Td>{t(`organisation.roles.${role}`)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('organisation.general.created')}</Table.Th>
              <Table.Td>{formatDateTime(organisation.createdAt)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('organisation.general.retention')}</Table.Th>
              <Table.Td>{t('organisation.general.retentionDays', { count: organisation.auditRetentionDays })}</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}
