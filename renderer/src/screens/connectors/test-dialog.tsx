import { Alert, Button, Checkbox, Code, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconShieldQuestion } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { ConnectorSummary, ServerIdentityIssue } from '../../../../shared/ipc/connectors-ipc';
import { CheckReportView } from './check-report-view';
import { stepViews } from './step-view';
import { type TestState, useConnectorTest } from './use-connector-test';

const whatKey = (issue: ServerIdentityIssue) => (issue.what === 'host key' ? 'hostKey' : 'certificate');

/** First use: the fingerprint to compare out of band, and the choice to trust it (then the test goes on). */
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
  const what = t(`connectors.identity.what.${whatKey(issue)}`);
  return (
    <Alert
      color="blue"
      icon={<IconShieldQuestion />}
      title={t('connectors.identity.unknownTitle', { what })}
      role="alert"
      data-testid="confirm-identity"
    >
      <Stack gap="xs">
        <Text size="sm">{t('connectors.identity.unknownText', { what, server: issue.server })}</Text>
        <Code block data-testid="presented-fingerprint">
          {issue.fingerprint}
        </Code>
        <Text size="sm">{t('connectors.identity.compare')}</Text>
        <Text size="sm">{t('connectors.identity.thenRest')}</Text>
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
  const what = t(`connectors.identity.what.${whatKey(issue)}`);
  return (
    <Alert
      color="red"
      icon={<IconAlertTriangle />}
      title={t('connectors.identity.changedTitle', { what })}
      role="alert"
      data-testid="identity-changed"
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

/** What a finished test says on top: nothing while an identity waits for confirmation (the prompt says it all). */
function OutcomeBanner({ outcome }: { readonly outcome: string }) {
  const { t } = useTranslation();
  if (outcome === 'confirm-identity') return null;
  const ok = outcome === 'ok';
  const title = ok
    ? t('connectors.test.ok')
    : outcome === 'identity-changed'
      ? t('connectors.test.refused')
      : t('connectors.test.failed');
  return <Alert color={ok ? 'green' : 'red'} title={title} data-testid="test-outcome" />;
}

/** The dialog's content for one state of the test (rendered alone in tests). */
export function TestDialogBody({
  connector,
  state,
  write,
  onWriteChange,
  trusting,
  onTrust,
  onAgain,
  onClose,
}: {
  /** The connector tested (mine or the organisation's): its name, kind and non-secret options. */
  readonly connector: Pick<ConnectorSummary, 'name' | 'kind' | 'options'>;
  readonly state: TestState;
  readonly write: boolean;
  readonly onWriteChange: (write: boolean) => void;
  readonly trusting: boolean;
  readonly onTrust: (fingerprint: string) => void;
  readonly onAgain: () => void;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Stack>
      {state.status === 'running' && (
        <Group aria-busy="true">
          <Loader size="sm" />
          <Text size="sm">{t(state.afterTrust ? 'connectors.test.runningRest' : 'connectors.test.running')}</Text>
        </Group>
      )}
      {state.status === 'failed' && (
        <Alert color="red" role="alert" data-testid="test-error">
          {state.message}
        </Alert>
      )}
      {state.status === 'done' && (
        <>
          {state.result.outcome === 'confirm-identity' && state.result.identity !== undefined && (
            <UnknownIdentity
              issue={state.result.identity}
              trusting={trusting}
              onTrust={() => onTrust(state.result.identity!.fingerprint)}
            />
          )}
          {state.result.outcome === 'identity-changed' && state.result.identity !== undefined && (
            <ChangedIdentity issue={state.result.identity} />
          )}
          <OutcomeBanner outcome={state.result.outcome} />
          <CheckReportView
            steps={stepViews(t, {
              outcome: state.result.outcome,
              steps: state.result.report.steps,
              connector,
              write: state.write,
            })}
          />
        </>
      )}
      <Checkbox
        label={t('connectors.test.alsoWrite')}
        description={t('connectors.test.alsoWriteHelp')}
        checked={write}
        onChange={(e) => onWriteChange(e.currentTarget.checked)}
        data-testid="also-write"
      />
      <Group justify="flex-end">
        <Button variant="default" onClick={onAgain} disabled={state.status === 'running'}>
          {t('connectors.test.again')}
        </Button>
        <Button color="blue.8" onClick={onClose}>
          {t('connectors.close')}
        </Button>
      </Group>
    </Stack>
  );
}

/**
 * Tests a connector step by step, the server's identity first: a new host key or certificate is shown for the user
 * to confirm, and once trusted the remaining steps run.
 */
export function TestDialog({
  connector,
  onClose,
}: {
  readonly connector: ConnectorSummary;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation();
  const test = useConnectorTest(connector);
  return (
    <Modal opened onClose={onClose} size="lg" title={t('connectors.test.title', { name: connector.name })}>
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
