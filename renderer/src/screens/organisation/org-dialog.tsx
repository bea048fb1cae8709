import { Modal } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** The organisation tabs' dialog: always open while mounted, a labelled close button, large. */
export function OrgDialog({
  title,
  onClose,
  closeOnClickOutside,
  children,
}: {
  readonly title: string;
  readonly onClose: () => void;
  readonly closeOnClickOutside?: boolean;
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
      closeOnClickOutside={closeOnClickOutside ?? true}
    >
      {children}
    </Modal>
  );
}
