import { List, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconCheck, IconHourglass, IconMinus, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { assertNever } from '../../../../shared/assert-never';
import type { StepDisplay, StepView } from './step-view';

function StatusIcon({ display }: { readonly display: StepDisplay }) {
  switch (display) {
    case 'ok':
      return (
        <ThemeIcon color="green" size={22} radius="xl" aria-hidden>
          <IconCheck size={14} />
        </ThemeIcon>
      );
    case 'failed':
      return (
        <ThemeIcon color="red" size={22} radius="xl" aria-hidden>
          <IconX size={14} />
        </ThemeIcon>
      );
    case 'awaiting':
      return (
        <ThemeIcon color="blue" size={22} radius="xl" aria-hidden>
          <IconHourglass size={14} />
        </ThemeIcon>
      );
    case 'skipped':
      return (
        <ThemeIcon color="gray" size={22} radius="xl" aria-hidden>
          <IconMinus size={14} />
        </ThemeIcon>
      );
    default:
      return assertNever(display);
  }
}

/** A test's steps in order: each one's outcome in words, its measured time, what to do when it failed. */
export function CheckReportView({ steps }: { readonly steps: readonly StepView[] }) {
  const { t, i18n } = useTranslation();
  const ms = new Intl.NumberFormat(i18n.language);
  return (
    <List spacing="sm" listStyleType="none" aria-label={t('connectors.test.steps')}>
      {steps.map((step) => (
        <List.Item
          key={step.id}
          icon={<StatusIcon display={step.display} />}
          data-step={step.id}
          data-status={step.display}
        >
          <Stack gap={2}>
            <Text size="sm" fw={600}>
              {t(`connectors.test.step.${step.id}`)} — {t(`connectors.test.status.${step.display}`)}
              {step.durationMs !== undefined && (
                <Text span size="xs" c="dimmed" data-duration>
                  {' '}
                  ({t('connectors.test.duration', { ms: ms.format(step.durationMs) })})
                </Text>
              )}
            </Text>
            <Text size="sm">{step.text}</Text>
            {step.hint !== undefined && (
              <Text size="sm" c="var(--mantine-color-error)" data-hint>
                {t('connectors.test.whatToDo')} {step.hint}
              </Text>
            )}
            {step.detail !== undefined && step.detail !== '' && (
              <Text size="xs" c="dimmed" data-detail>
                {t('connectors.test.detail', { detail: step.detail })}
              </Text>
            )}
          </Stack>
        </List.Item>
      ))}
    </List>
  );
}
