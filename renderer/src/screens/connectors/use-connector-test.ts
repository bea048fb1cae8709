import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { MethodOutput } from '../../../../shared/ipc';
import type { ConnectorSummary } from '../../../../shared/ipc/connectors-ipc';
import { invoke } from '../../ipc-client';
import { queryKeys } from '../../queries/query-keys';
import { describeError } from './connector-error-message';

/** Where a test dialog is: running (after a confirmation, the remaining steps), done, or refused by main. */
export type TestState =
  | { readonly status: 'running'; readonly afterTrust: boolean }
  | { readonly status: 'done'; readonly result: MethodOutput<'connectors.test'>; readonly write: boolean }
  | { readonly status: 'failed'; readonly message: string };

/**
 * A connector's test as the dialog runs it: once on opening, again on demand (with the write probe when asked for),
 * and once more right after the user trusts the fingerprint shown, so the steps after the identity run.
 */
export function useConnectorTest(connector: ConnectorSummary) {
  const client = useQueryClient();
  const [state, setState] = useState<TestState>({ status: 'running', afterTrust: false });
  const [write, setWrite] = useState(false);
  const [trusting, setTrusting] = useState(false);
  // A reply to an older run (the user pressed "Test again" meanwhile) is dropped.
  const runs = useRef(0);

  // The connector as last given, for messages; the test itself depends on its id only (the list reloads often).
  const latest = useRef(connector);
  useEffect(() => {
    latest.current = connector;
  }, [connector]);
  const id = connector.id;

  // Results arrive asynchronously; the running state is set by whoever starts a test (the first one starts so).
  const start = useCallback(
    (write: boolean) => {
      const mine = ++runs.current;
      invoke('connectors.test', { id, write })
        .then(
          (result) => mine === runs.current && setState({ status: 'done', result, write }),
          (error: unknown) =>
            mine === runs.current && setState({ status: 'failed', message: describeError(error, latest.current) }),
        )
        // The list shows what is trusted or refused now.
        .finally(() => void client.invalidateQueries({ queryKey: queryKeys.connectors }));
    },
    [client, id],
  );
  useEffect(() => start(false), [start]);
  const run = (options: { readonly write: boolean; readonly afterTrust?: boolean }) => {
    setState({ status: 'running', afterTrust: options.afterTrust === true });
    start(options.write);
  };

  const trust = (fingerprint: string) => {
    setTrusting(true);
    invoke('connectors.trustIdentity', { id, fingerprint })
      .then(
        () => run({ write, afterTrust: true }),
        (error: unknown) => setState({ status: 'failed', message: describeError(error, latest.current) }),
      )
      .finally(() => setTrusting(false));
  };

  return { state, write, setWrite, trusting, trust, again: () => run({ write }) };
}
