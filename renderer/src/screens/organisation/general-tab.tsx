import { Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { Organisation, Role } from '../../../../shared/platform';
import { invoke } from '../../ipc-client';
import { CopyField } from './copy-field';
import { ErrorAlert } from './error-alert';
import { FactsTable } from './facts-table';
import { firstError } from './first-error';
import { formatDateTime } from './format';
import { useOrgMutation } from './use-org-mutation';

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
  const admin = role === 'admin';
  const form = useForm({
    initialValues: { name: organisation.name },
    validate: { name: (name) => (name.trim() ? null : t('organisation.general.nameRequired')) },
  });
  const rename = useOrgMutation(
    (name: string) => invoke('organisation.rename', { name }),
    ['organisation'],
    (renamed) => {
      onRenamed(renamed);
      notifications.show({ color: 'green', message: t('organisation.general.renamed', { name: renamed.name }) });
    },
  );
  return (
    <Stack gap="md" maw={720}>
      <Card withBorder component="section" aria-labelledby="org-name-title">
        <Title order={3} size="h5" id="org-name-title" mb="sm">
          {t('organisation.general.nameTitle')}
        </Title>
        {admin ? (
          <form onSubmit={form.onSubmit((values) => rename.mutate(values.name.trim()))} noValidate>
            <Group align="flex-end" wrap="nowrap">
              <TextInput
                label={t('organisation.general.name')}
                {...form.getInputProps('name')}
                error={undefined}
                style={{ flex: 1 }}
                maxLength={200}
              />
              <Button type="submit" loading={rename.busy} disabled={form.values.name.trim() === organisation.name}>
                {t('organisation.general.save')}
              </Button>
            </Group>
            <ErrorAlert error={firstError(form.errors) ?? rename.error} mt="sm" />
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
        <FactsTable
          labelWidth={220}
          facts={[
            [t('organisation.general.yourRole'), t(`organisation.roles.${role}`)],
            [t('organisation.general.created'), formatDateTime(organisation.createdAt)],
            [
              t('organisation.general.retention'),
              t('organisation.general.retentionDays', { count: organisation.auditRetentionDays }),
            ],
          ]}
        />
      </Card>
    </Stack>
  );
}
