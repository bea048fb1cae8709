import { Button, Group } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCopy, IconSend } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Invitation } from '../../../../shared/platform';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';
import { statusOf } from './invitation-facts';
import { useOrgMutation } from './use-org-mutation';

/** A pending invitation's row buttons: copy its link (read from the platform, never kept) and resend its e-mail. */
export function InvitationRowActions({ invitation }: { readonly invitation: Invitation }) {
  const { t } = useTranslation();
  const [copying, setCopying] = useState(false);
  const email = invitation.email;
  const resend = useOrgMutation(
    () => invoke('invitations.resend', { invitationId: invitation.id }),
    ['invitations'],
    (detail) =>
      notifications.show({
        color: detail.emailStatus === 'queued' ? 'green' : 'blue',
        message: t(detail.emailStatus === 'queued' ? 'invitations.resent' : 'invitations.resentOutbox', { email }),
      }),
  );
  if (statusOf(invitation) !== 'pending') return null;
  const copy = async () => {
    setCopying(true);
    try {
      const { link } = await invoke('invitations.get', { invitationId: invitation.id });
      if (link === null) {
        notifications.show({ color: 'yellow', message: t('invitations.noLink', { email }) });
        return;
      }
      await navigator.clipboard.writeText(link).then(
        () => notifications.show({ color: 'green', message: t('invitations.linkCopied', { email }) }),
        () => notifications.show({ color: 'red', message: t('invitations.copyFailed') }),
      );
    } catch (error) {
      notifications.show({ color: 'red', message: errorMessage(error) });
    } finally {
      setCopying(false);
    }
  };
  return (
    <Group gap={6} wrap="nowrap">
      <Button
        size="xs"
        variant="default"
        leftSection={<IconCopy size={14} />}
        loading={copying}
        onClick={(event) => {
          event.stopPropagation();
          void copy();
        }}
        aria-label={t('invitations.copyLinkOf', { email })}
      >
        {t('invitations.copyLink')}
      </Button>
      <Button
        size="xs"
        variant="default"
        leftSection={<IconSend size={14} />}
        loading={resend.busy}
        onClick={(event) => {
          event.stopPropagation();
          resend.mutate(undefined, {
            onError: (error) => notifications.show({ color: 'red', message: errorMessage(error) }),
          });
        }}
        aria-label={t('invitations.resendOf', { email })}
      >
        {t('invitations.resend')}
      </Button>
    </Group>
  );
}
