import { Alert, Card, Code, Group, SegmentedControl, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconShieldCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../../../shared/ipc';
import type { Settings, SettingsPatch } from '../../../shared/settings';
import { notifyError } from '../notify-error';
import { useSettingsStore } from '../stores/settings-store';

const LANGUAGE_OPTIONS = ['system', 'en', 'fr'] as const;
const THEME_OPTIONS = ['system', 'light', 'dark'] as const;

/** Settings: language, theme, close-to-tray, and facts about this installation. */
export function SettingsScreen({ settings, info }: { readonly settings: Settings; readonly info: AppInfo }) {
  const { t } = useTranslation();
  const update = useSettingsStore((s) => s.update);
  const save = (patch: SettingsPatch): void => void update(patch).catch(notifyError);

  return (
    <Stack maw={720} gap="lg">
      <Title order={2}>{t('settings.title')}</Title>

      <Card withBorder component="section" aria-labelledby="settings-appearance">
        <Title order={3} size="h5" id="settings-appearance" mb="sm">
          {t('settings.appearance')}
        </Title>
        <Stack gap="md">
          <div>
            <Text component="label" id="settings-language" fw={500} size="sm">
              {t('settings.language')}
            </Text>
            <SegmentedControl
              aria-labelledby="settings-language"
              fullWidth
              value={settings.language}
              onChange={(value) => save({ language: value as Settings['language'] })}
              data={LANGUAGE_OPTIONS.map((value) => ({ value, label: t(`settings.languages.${value}`) }))}
            />
            <Text size="xs" c="dimmed" mt={4}>
              {t('settings.languageHelp')}
            </Text>
          </div>
          <div>
            <Text component="label" id="settings-theme" fw={500} size="sm">
              {t('settings.theme')}
            </Text>
            <SegmentedControl
              aria-labelledby="settings-theme"
              fullWidth
              value={settings.theme}
              onChange={(value) => save({ theme: value as Settings['theme'] })}
              data={THEME_OPTIONS.map((value) => ({ value, label: t(`settings.themes.${value}`) }))}
            />
          </div>
        </Stack>
      </Card>

      <Card withBorder component="section" aria-labelledby="settings-behaviour">
        <Title order={3} size="h5" id="settings-behaviour" mb="sm">
          {t('settings.behaviour')}
        </Title>
        <Switch
          checked={settings.closeToTray}
          onChange={(event) => save({ closeToTray: event.currentTarget.checked })}
          label={t('settings.closeToTray')}
          description={t('settings.closeToTrayHelp')}
        />
      </Card>

      <Card withBorder component="section" aria-labelledby="settings-about">
        <Title order={3} size="h5" id="settings-about" mb="sm">
          {t('settings.about')}
        </Title>
        <Table variant="vertical" withTableBorder={false}>
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w={180}>{t('settings.version')}</Table.Th>
              <Table.Td>{info.version}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('settings.platform')}</Table.Th>
              <Table.Td>
                {info.platform}
                {info.versions.electron ? ` · Electron ${info.versions.electron}` : ''} · Node {info.versions.node}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('settings.secrets')}</Table.Th>
              <Table.Td>
                <Group gap={6}>
                  {info.secrets.backend === 'keychain' ? (
                    <IconShieldCheck size={16} aria-hidden />
                  ) : (
                    <IconAlertTriangle size={16} aria-hidden />
                  )}
                  {t(`settings.secretsBackend.${info.secrets.backend}`)}
                </Group>
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('settings.dataDir')}</Table.Th>
              <Table.Td>
                <Code>{info.dataDir}</Code>
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
        {info.secrets.backend === 'session' && (
          <Alert color="orange" mt="sm" title={t('settings.noKeychainTitle')}>
            {t('settings.noKeychain')}
            {info.secrets.problem && (
              <Text size="xs" mt={4}>
                {info.secrets.problem}
              </Text>
            )}
          </Alert>
        )}
      </Card>
    </Stack>
  );
}
