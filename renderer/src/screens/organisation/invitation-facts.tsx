import { Alert, Badge, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { EmailStatus, Invitation, InvitationDetail } from '../../../../shared/platform';
import { CopyField } from './copy-field';
import { FactsTable } from './facts-table';
import { formatDateTime } from './format';
import { IdCell } from './id-cell';
import { PersonName } from './person-name';
import { useMemberLookup } from './use-org-names';

/** The colour of the e-mail status alert: queued is neutral until the background job records how it went. */
const EMAIL_STATUS_COLORS: Readonly<Record<EmailStatus, string>> = {
  queued: 'gray',
  sent: 'green',
  outbox: 'blue',
  failed: 'yellow',
};
/** Where an invitation stands. */
export type InvitationStatus = 'pending' | 'accepted' | 'expired';

/** Where an invitation stands now. */
export function statusOf(invitation: Invitation): InvitationStatus {
  if (invitation.acceptedAt !== null) return 'accepted';
  return new Date(invitation.expiresAt) > new Date() ? 'pending' : 'expired';
}

/** An invitation's status as a coloured badge. */
export function StatusBadge({ invitation }: { readonly invitation: Invitation }) {
  const { t } = useTranslation();
  const status = statusOf(invitation);
  const color = status === 'pending' ? 'blue' : status === 'accepted' ? 'green' : 'gray';
  return (
    <Badge variant="light" color={color}>
      {t(`organisation.invitations.status.${status}`)}
    </Badge>
  );
}

/** The invitation's details: role, language, e-mail status and the link to copy. */
export function InvitationFacts({ invitation }: { readonly invitation: InvitationDetail }) {
  const { t } = useTranslation();
  const member = useMemberLookup();
  return (
    <Stack gap="sm">
      <FactsTable
        facts={[
          [t('invitations.id'), <IdCell key="id" id={invitation.id} name={invitation.email} size="sm" />],
          [t('organisation.invitations.email'), invitation.email],
          [t('organisation.invitations.role'), t(`organisation.roles.${invitation.role}`)],
          [t('organisation.invitations.language'), t(`organisation.languages.${invitation.language}`)],
          [
            t('organisation.invitations.sender'),
            <PersonName key="sender" id={null} email={invitation.senderEmail} lookup={member} />,
          ],
          [t('organisation.invitations.expires'), formatDateTime(invitation.expiresAt)],
          [t('organisation.invitations.statusLabel'), <StatusBadge key="status" invitation={invitation} />],
        ]}
      />
      <Alert color={EMAIL_STATUS_COLORS[invitation.emailStatus]}>
        {t(`organisation.invitations.emailStatus.${invitation.emailStatus}`)}
      </Alert>
      {invitation.link ? (
        <div>
          <Text fw={500} size="sm" mb={4}>
            {t('organisation.invitations.link')}
          </Text>
          <CopyField value={invitation.link} label={t('organisation.invitations.link')} />
        </div>
      ) : (
        <Text size="sm" c="dimmed">
          {t('organisation.invitations.noLink')}
        </Text>
      )}
    </Stack>
  );
}
