import { Badge, Group, List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ConnectorUsage } from '../../../../shared/platform';

/** What uses a connector, one line each: its kind as a badge and a sentence naming the offer, in the user's language. */
export function ConnectorUsageList({ usages }: { readonly usages: readonly ConnectorUsage[] }) {
  const { t } = useTranslation();
  return (
    <List size="sm" data-testid="usages">
      {usages.map((usage) => (
        <List.Item key={`${usage.kind}:${usage.id}`} data-usage={usage.kind}>
          <Group gap="xs" wrap="nowrap">
            <Badge size="sm" variant="default">
              {t(`orgConnectors.usage.label.${usage.kind}`)}
            </Badge>
            <Text size="sm">{t(`orgConnectors.usage.text.${usage.kind}`, { title: usage.title })}</Text>
          </Group>
        </List.Item>
      ))}
    </List>
  );
}
