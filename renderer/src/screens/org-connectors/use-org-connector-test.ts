import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { invoke } from '../../ipc-client';
import type { TestState } from '../connectors/use-connector-test';
import { orgConnectorErrorMessage } from './org-connector-error';
import { ORG_CONNECTORS_KEY } from './org-connector-query';
import { testResultOf } from './org-connector-test';

/**
 * An organisation connector's test run by the platform, as the shared test dialog shows it: once on opening, again
 * on demand (with the write probe when asked for), and once more right after the admin confirms the fingerprint
 * shown, so the steps after the identity run.
 */
export function useOrgConnectorTest(connectorId: string) {
  const client = useQueryClient();
  const [state, setState] = useState<TestState>({ status: 'running', afterTrust: false });
  const [write, setWrite] = useState(false);
  const [trusting, setTrusting] = useState(false);
  // A reply to an older run (the admin pressed "Test again" meanwhile) is dropped.
  const runs = useRef(0);

  const start = useCallback(
    (write: boolean) => {
      const mine = ++runs.current;
      invoke('orgConnectors.test', { params: { connectorId }, query: { write: write ? 'true' : 'false' } })
        .then(
          (test) => mine === runs.current && setState({ status: 'done', result: testResultOf(test), write }),
          (error: unknown) =>
            mine === runs.current && setState({ status: 'failed', message: orgConnectorErrorMessage(error) }),
        )
        // The list and the details show the last test and the confirmed identity.
        .finally(() => void client.invalidateQueries({ queryKey: ORG_CONNECTORS_KEY }));
    },
    [client, connectorId],
  );
  useEffect(() => start(false), [start]);
  const run = (options: { readonly write: boolean; readonly afterTrust?: boolean }) => {
    setState({ status: 'running', afterTrust: options.afterTrust === true });
    start(options.write);
  };

  const trust = (fingerprint: string) => {
    setTrusting(true);
    invoke('orgConnectors.trust', { params: { connectorId }, body: { fingerprint } })
      .then(
        () => run({ write, afterTrust: true }),
        (error: unknown) => setState({ status: 'failed', message: orgConnectorErrorMessage(error) }),
      )
      .finally(() => setTrusting(false));
  };

  return { state, write, setWrite, trusting, trust, again: () => run({ write }) };
}
