import { Alert, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { OutboxMessage } from '../../../../shared/platform';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';
import { queryKeys } from '../../queries/query-keys';
import { CopyField } from './copy-field';
import { formatDateTime } from './format';

/** One e-mail waiting in the outbox: recipient, subject and text (in the invitee's language), each to copy. */
function OutboxCard({ message }: { readonly message: OutboxMessage }) {
  const { t } = useTranslation();
  return (
    <Card withBorder padding="md" data-testid="outbox-message">
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Text fw={500}>
            {t('invitations.outboxTo')} {message.to}
          </Text>
          <Group gap="xs" wrap="nowrap">
            <Badge variant="light" color={message.status === 'failed' ? 'yellow' : 'blue'} tt="none">
              {t(`invitations.outboxStatus.${message.status}`)}
            </Badge>
            <Text size="xs" c="dimmed">
              {formatDateTime(message.createdAt)}
            </Text>
          </Group>
        </Group>
        {message.error && (
          <Text size="sm" c="red">
            {t('invitations.outboxFailed', { error: message.error })}
          </Text>
        )}
        <Text size="sm" fw={500}>
          {t('invitations.outboxSubject')}
        </Text>
        <CopyField value={message.subject} label={`${t('invitations.outboxSubject')} (${message.to})`} />
        <Text size="sm" fw={500}>
          {t('invitations.outboxText')}
        </Text>
        <CopyField value={message.text} label={`${t('invitations.outboxText')} (${message.to})`} />
      </Stack>
    </Card>
  );
}

/** The invitation e-mails not sent (no mail server, or sending failed), shown for the admin to send them. */
export function OutboxPanel() {
  const { t } = useTranslation();
  const outbox = useQuery({
    queryKey: [...queryKeys.invitations, 'outbox'],
    queryFn: () => invoke('invitations.outbox', {}),
  });
  return (
    <Stack gap="sm" component="section" aria-labelledby="outbox-title">
      <Title order={3} id="outbox-title" size="h4">
        {t('invitations.outboxTitle')}
      </Title>
      {outbox.isError && (
        <Alert color="red" role="alert">
          {errorMessage(outbox.error)}
        </Alert>
      )}
      {outbox.data && outbox.data.items.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('invitations.outboxEmpty')}
        </Text>
      )}
      {outbox.data && outbox.data.items.length > 0 && (
        <>
          <Text size="sm">{t('invitations.outboxIntro')}</Text>
          {outbox.data.items.map((message) => (
            <OutboxCard key={message.invitationId} message={message} />
          ))}
        </>
      )}
    </Stack>
  );
}
