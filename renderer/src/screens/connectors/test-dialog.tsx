import { Alert, Button, Code, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconShieldQuestion } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectorSummary, ServerIdentityIssue } from '../../../../shared/ipc/connectors-ipc';
import { describeError as errorMessage } from './connector-error-message';
import { type ConnectorTestResult, useConnectorActions } from '../../queries/use-connectors';
import { CheckReportView } from './check-report-view';

type TestState =
  | { readonly status: 'running' }
  | { readonly status: 'done'; readonly result: ConnectorTestResult }
  | { readonly status: 'failed'; readonly message: string };

/** First use: the fingerprint to compare out of band, and the choice to trust it. */
function UnknownIdentity({
  issue,
  onTrust,
  trusting,
}: {
  readonly issue: ServerIdentityIssue;
  readonly onTrust: () => void;
  readonly trusting: boolean;
}) {
  const { t } = useTranslation();
  const what = t(`connectors.identity.what.${issue.what === 'host key' ? 'hostKey' : 'certificate'}`);
  return (
    <Alert
      color="blue"
      icon={<IconShieldQuestion />}
      title={t('connectors.identity.unknownTitle', { what })}
      role="alert"
    >
      <Stack gap="xs">
        <Text size="sm">{t('connectors.identity.unknownText', { what, server: issue.server })}</Text>
        <Code block data-testid="presented-fingerprint">
          {issue.fingerprint}
        </Code>
        <Text size="sm">{t('connectors.identity.compare')}</Text>
        <Group>
          <Button color="blue.8" onClick={onTrust} loading={trusting}>
            {t('connectors.identity.trust')}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

/** A changed identity: refused, with both fingerprints and what to do. Never offered for trust. */
function ChangedIdentity({ issue }: { readonly issue: ServerIdentityIssue }) {
  const { t } = useTranslation();
  const what = t(`connectors.identity.what.${issue.what === 'host key' ? 'hostKey' : 'certificate'}`);
  return (
    <Alert
      color="red"
      icon={<IconAlertTriangle />}
      title={t('connectors.identity.changedTitle', { what })}
      role="alert"
    >
      <Stack gap="xs">
        <Text size="sm">{t('connectors.identity.changedText', { what, server: issue.server })}</Text>
        <Text size="sm" fw={600}>
          {t('connectors.identity.presented')}
        </Text>
        <Code block data-testid="presented-fingerprint">
          {issue.fingerprint}
        </Code>
        {issue.expected !== undefined && (
          <>
            <Text size="sm" fw={600}>
              {t('connectors.identity.expected')}
            </Text>
            <Code block>{issue.expected}</Code>
          </>
        )}
        <Text size="sm">{t('connectors.identity.changedAdvice', { what })}</Text>
      </Stack>
    </Alert>
  );
}

/** Tests a connector step by step; a new host key or certificate is shown for the user to confirm. */
export function TestDialog({
  connector,
  onClose,
}: {
  readonly connector: ConnectorSummary;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation();
  const { test, trust } = useConnectorActions();
  const [state, setState] = useState<TestState>({ status: 'running' });
  const [trusting, setTrusting] = useState(false);

  // Results arrive asynchronously; the running state is set by whoever starts a test.
  const start = useCallback(() => {
    test(connector.id).then(
      (result) => setState({ status: 'done', result }),
      (error: unknown) => setState({ status: 'failed', message: errorMessage(error) }),
    );
  }, [connector.id, test]);
  useEffect(start, [start]);
  const run = () => {
    setState({ status: 'running' });
    start();
  };

  const onTrust = (fingerprint: string) => {
    setTrusting(true);
    trust(connector.id, fingerprint)
      .then(run, (error: unknown) => setState({ status: 'failed', message: errorMessage(error) }))
      .finally(() => setTrusting(false));
  };

  return (
    <Modal opened onClose={onClose} size="lg" title={t('connectors.test.title', { name: connector.name })}>
      <Stack>
        {state.status === 'running' && (
          <Group aria-busy="true">
            <Loader size="sm" />
            <Text size="sm">{t('connectors.test.running')}</Text>
          </Group>
        )}
        {state.status === 'failed' && (
          <Alert color="red" role="alert">
            {state.message}
          </Alert>
        )}
        {state.status === 'done' && (
          <>
            {state.result.identity?.problem === 'unknown' && (
              <UnknownIdentity
                issue={state.result.identity}
                trusting={trusting}
                onTrust={() => onTrust(state.result.identity!.fingerprint)}
              />
            )}
            {state.result.identity?.problem === 'changed' && <ChangedIdentity issue={state.result.identity} />}
            <Alert
              color={state.result.report.ok ? 'green' : 'red'}
              title={t(state.result.report.ok ? 'connectors.test.ok' : 'connectors.test.failed')}
              data-testid="test-outcome"
            />
            <CheckReportView report={state.result.report} />
          </>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={run} disabled={state.status === 'running'}>
            {t('connectors.test.again')}
          </Button>
          <Button color="blue.8" onClick={onClose}>
            {t('connectors.close')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
