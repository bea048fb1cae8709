import { Button, Group, PasswordInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { usePlatformStore } from '../../stores/platform-store';
import { EMAIL, FormError, useFormAction } from './form-action';

/** Sign in to the local workspace or to a shared platform by URL. */
export function SignInForm({ localReady }: { readonly localReady: boolean }) {
  const { t } = useTranslation();
  const signIn = usePlatformStore((s) => s.signIn);
  const { busy, error, run } = useFormAction();
  const form = useForm({
    initialValues: { where: (localReady ? 'local' : 'remote') as 'local' | 'remote', url: '', email: '', password: '' },
    validate: {
      url: (value, values) => (values.where === 'local' || value.trim() ? null : t('setup.errors.url')),
      email: (value) => (EMAIL.test(value.trim()) ? null : t('setup.errors.email')),
      password: (value) => (value ? null : t('setup.errors.required')),
    },
  });
  const { where } = form.getValues();
  const submit = form.onSubmit(({ url, email, password }) => {
    const target = where === 'local' ? ({ kind: 'local' } as const) : ({ kind: 'remote', url: url.trim() } as const);
    run(() => signIn({ target, email: email.trim(), password }));
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <div>
          <Text component="label" id="signin-where" fw={500} size="sm">
            {t('setup.where')}
          </Text>
          <SegmentedControl
            aria-labelledby="signin-where"
            fullWidth
            value={where}
            onChange={(value) => form.setFieldValue('where', value as 'local' | 'remote')}
            data={[
              { value: 'local', label: t('setup.local') },
              { value: 'remote', label: t('setup.remote') },
            ]}
          />
        </div>
        {where === 'remote' && (
          <TextInput
            label={t('setup.url')}
            description={t('setup.urlHelp')}
            placeholder="https://ferry.example.org"
            required
            {...form.getInputProps('url')}
          />
        )}
        <TextInput
          label={t('setup.email')}
          type="email"
          required
          autoComplete="username"
          {...form.getInputProps('email')}
        />
        <PasswordInput
          label={t('setup.password')}
          required
          autoComplete="current-password"
          {...form.getInputProps('password')}
        />
        <FormError error={error} />
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            {t('setup.signIn')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
