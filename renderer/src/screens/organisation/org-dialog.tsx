import { Modal } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The organisation tabs' dialog: always open while mounted, a labelled close button, large. Not `dismissible`, it has
 * no close button and ignores Escape and clicks outside (the dialog's own buttons close it).
 */
export function OrgDialog({
  title,
  onClose,
  closeOnClickOutside,
  dismissible = true,
  children,
}: {
  readonly title: string;
  readonly onClose: () => void;
  readonly closeOnClickOutside?: boolean;
  readonly dismissible?: boolean;
  readonly children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      opened
      closeButtonProps={{ 'aria-label': t('organisation.closeDialog') }}
      onClose={onClose}
      title={title}
      size="lg"
      closeOnClickOutside={dismissible && (closeOnClickOutside ?? true)}
      closeOnEscape={dismissible}
      withCloseButton={dismissible}
    >
      {children}
    </Modal>
  );
}
