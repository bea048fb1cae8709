import { Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, ROLES, type InvitationDetail, type Language, type Role } from '../../../../shared/platform';
import { invoke } from '../../ipc-client';
import { queryKeys } from '../../queries/query-keys';
import { ErrorAlert } from './error-alert';
import { firstError } from './first-error';
import { FormFooter } from './form-footer';
import { InvitationFacts } from './invitation-facts';
import { OrgDialog } from './org-dialog';
import { roleOptions } from './role-options';
import { useOrgMutation } from './use-org-mutation';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

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

/** Invite someone: e-mail, role, language; then the link to copy (from the Invitations and Members tabs). */
export function InviteDialog({ onClose }: { readonly onClose: () => void }) {
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
