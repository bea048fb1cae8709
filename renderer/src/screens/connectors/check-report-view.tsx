import { List, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconCheck, IconMinus, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { CheckReport } from '../../../../shared/connectors/check-report';
import { assertNever } from '../../../../shared/assert-never';

function StatusIcon({ status }: { readonly status: CheckReport['steps'][number]['status'] }) {
  switch (status) {
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
    case 'skipped':
      return (
        <ThemeIcon color="gray" size={22} radius="xl" aria-hidden>
          <IconMinus size={14} />
        </ThemeIcon>
      );
    default:
      return assertNever(status);
  }
}

/** A check's steps in order: each one's outcome, what happened, and what to do when it failed. */
export function CheckReportView({ report }: { readonly report: CheckReport }) {
  const { t } = useTranslation();
  return (
    <List spacing="sm" listStyleType="none" aria-label={t('connectors.test.steps')}>
      {report.steps.map((step) => (
        <List.Item
          key={step.id}
          icon={<StatusIcon status={step.status} />}
          data-step={step.id}
          data-status={step.status}
        >
          <Stack gap={2}>
            <Text size="sm" fw={600}>
              {t(`connectors.test.step.${step.id}`)} — {t(`connectors.test.status.${step.status}`)}
              {step.status !== 'skipped' && (
                <Text span size="xs" c="dimmed">
                  {' '}
                  ({step.durationMs} ms)
                </Text>
              )}
            </Text>
            <Text size="sm">{step.detail}</Text>
            {step.status === 'failed' && step.hint !== undefined && (
              <Text size="sm" c="var(--mantine-color-error)" data-hint>
                {t('connectors.test.whatToDo')} {step.hint}
              </Text>
            )}
          </Stack>
        </List.Item>
      ))}
    </List>
  );
}
