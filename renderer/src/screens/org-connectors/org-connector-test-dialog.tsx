import { Modal } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ConnectorDetail } from '../../../../shared/platform';
import { TestDialogBody } from '../connectors/test-dialog';
import { useOrgConnectorTest } from './use-org-connector-test';

/**
 * Tests an organisation connector step by step on the platform, the server identity first: a new host key is shown
 * for the admin to confirm (pinned on the platform), then the remaining steps run. The same steps as my connectors.
 */
export function OrgConnectorTestDialog({
  connector,
  onClose,
}: {
  readonly connector: ConnectorDetail;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation();
  const test = useOrgConnectorTest(connector.id);
  return (
    <Modal
      opened
      onClose={onClose}
      size="lg"
      title={t('orgConnectors.test.title', { name: connector.name })}
      closeButtonProps={{ 'aria-label': t('orgConnectors.closeDialog') }}
    >
      <TestDialogBody
        connector={connector}
        state={test.state}
        write={test.write}
        onWriteChange={test.setWrite}
        trusting={test.trusting}
        onTrust={test.trust}
        onAgain={test.again}
        onClose={onClose}
      />
    </Modal>
  );
}
