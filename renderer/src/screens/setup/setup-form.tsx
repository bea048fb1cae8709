import { Button, Group, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { usePlatformStore } from '../../stores/platform-store';
import { EMAIL, FormError, MIN_PASSWORD, useFormAction } from './form-action';

/** First run: create the local workspace's organisation and its admin. */
export function SetupForm() {
  const { t } = useTranslation();
  const setupLocal = usePlatformStore((s) => s.setupLocal);
  const { busy, error, run } = useFormAction();
  const required = (value: string) => (value.trim() ? null : t('setup.errors.required'));
  const form = useForm({
    initialValues: { organisationName: '', name: '', email: '', password: '', confirm: '' },
    validate: {
      organisationName: required,
      name: required,
      email: (value) => (EMAIL.test(value.trim()) ? null : t('setup.errors.email')),
      password: (value) =>
        value.length >= MIN_PASSWORD ? null : t('setup.errors.passwordLength', { count: MIN_PASSWORD }),
      confirm: (value, values) => (value === values.password ? null : t('setup.errors.passwordMatch')),
    },
  });
  const submit = form.onSubmit(({ organisationName, name, email, password }) =>
    run(() =>
      setupLocal({ organisationName: organisationName.trim(), name: name.trim(), email: email.trim(), password }),
    ),
  );
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Text size="sm">{t('setup.setupIntro')}</Text>
        <TextInput label={t('setup.organisationName')} required {...form.getInputProps('organisationName')} />
        <TextInput label={t('setup.yourName')} required {...form.getInputProps('name')} />
        <TextInput
          label={t('setup.email')}
          type="email"
          required
          autoComplete="username"
          {...form.getInputProps('email')}
        />
        <PasswordInput
          label={t('setup.password')}
          description={t('setup.passwordHelp', { count: MIN_PASSWORD })}
          required
          autoComplete="new-password"
          {...form.getInputProps('password')}
        />
        <PasswordInput
          label={t('setup.confirmPassword')}
          required
          autoComplete="new-password"
          {...form.getInputProps('confirm')}
        />
        <FormError error={error} />
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            {t('setup.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
