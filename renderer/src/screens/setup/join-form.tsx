import { Alert, Button, Group, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { InvitationPreview } from '../../../../shared/platform';
import { invoke } from '../../ipc-client';
import { usePlatformStore } from '../../stores/platform-store';
import { FormError, MIN_PASSWORD, useFormAction } from './form-action';

/**
 * Join an organisation with an invitation link: check it, then choose a name and a password. A link brought by a
 * ferry://join deep link (`initialLink`) is filled in and checked at once.
 */
export function JoinForm({ initialLink }: { readonly initialLink: string | null }) {
  const { t } = useTranslation();
  const acceptInvitation = usePlatformStore((s) => s.acceptInvitation);
  const { busy, error, run } = useFormAction();
  const [preview, setPreview] = useState<InvitationPreview | null>(null);
  const linkForm = useForm({
    initialValues: { link: initialLink ?? '' },
    validate: { link: (value) => (value.trim() ? null : t('setup.errors.link')) },
  });
  const joinForm = useForm({
    initialValues: { name: '', password: '' },
    validate: {
      name: (value) => (value.trim() ? null : t('setup.errors.required')),
      password: (value) =>
        value.length >= MIN_PASSWORD ? null : t('setup.errors.passwordLength', { count: MIN_PASSWORD }),
    },
  });
  const check = (link: string) =>
    run(async () => setPreview(await invoke('platform.previewInvitation', { link: link.trim() })));
  useEffect(() => {
    if (initialLink) check(initialLink);
    // Once per link: the form is keyed by it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initialLink]);

  if (!preview) {
    return (
      <form onSubmit={linkForm.onSubmit(({ link }) => check(link))} noValidate>
        <Stack gap="sm">
          <TextInput
            label={t('setup.invitationLink')}
            description={t('setup.invitationLinkHelp')}
            required
            {...linkForm.getInputProps('link')}
          />
          <FormError error={error} />
          <Group justify="flex-end">
            <Button type="submit" loading={busy}>
              {t('setup.checkLink')}
            </Button>
          </Group>
        </Stack>
      </form>
    );
  }
  const join = joinForm.onSubmit(({ name, password }) =>
    run(() => acceptInvitation({ link: linkForm.getValues().link.trim(), name: name.trim(), password })),
  );
  return (
    <form onSubmit={join} noValidate>
      <Stack gap="sm">
        <Alert color="blue">
          {t('setup.invitationPreview', {
            organisation: preview.organisationName,
            email: preview.email,
            role: t(`organisation.roles.${preview.role}`),
          })}
        </Alert>
        <TextInput label={t('setup.yourName')} required {...joinForm.getInputProps('name')} />
        {/* The preview does not say whether the address has an account: one password field serves both cases. */}
        <PasswordInput
          label={t('setup.password')}
          description={t('setup.joinPasswordHelp', { count: MIN_PASSWORD })}
          required
          {...joinForm.getInputProps('password')}
        />
        <FormError error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setPreview(null)}>
            {t('setup.back')}
          </Button>
          <Button type="submit" loading={busy}>
            {t('setup.join')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
