import path from 'node:path';
import type { DriverProvider } from '../connectors/driver-provider';
import type { KeyValueStore } from '../key-value-store';
import { OfferUploader } from '../offer-uploads/offer-uploader';
import { UploadUrlStore, uploadUrlStorePath } from '../offer-uploads/upload-url-store';
import type { TransferRuntime } from '../transfers/transfer-runtime';
import type { AgentPlatform } from './agent-platform';
import { DeliveryRunner } from './delivery-runner';
import { PublishRunner } from './publish-runner';
import { SyncAgent, type SyncAgentOptions } from './sync-agent';
import type { BindingSource } from './sync-bindings-store';
import { SYNC_LEDGER_FILE, SyncLedger } from './sync-ledger';

/** What the agent is built from: the app's or the headless agent's data folder and services. */
export interface SyncAgentParts {
  /** Where the ledger and the upload store live. */
  readonly dataDir: string;
  readonly bindings: BindingSource;
  readonly drivers: DriverProvider;
  readonly platform: AgentPlatform;
  readonly runtime: TransferRuntime;
  /** Where a pause is remembered (none for the headless agent). */
  readonly store?: KeyValueStore;
  /** When a connector's credentials expire, for the agent's warnings. */
  readonly credentialExpiry?: SyncAgentOptions['credentialExpiry'];
  /** Seconds a new file must stay unchanged before it is published (tests shorten it). */
  readonly settleMs?: number;
  readonly tickMs?: number;
}

/**
 * A sync agent with both runners, its ledger and upload store in `dataDir`. `close` stops it (`graceful`: the
 * current files finish; otherwise they are cut, their partials kept for the next start) and releases the files.
 */
export function createSyncAgent(parts: SyncAgentParts): { agent: SyncAgent; close(graceful: boolean): Promise<void> } {
  const ledger = new SyncLedger(path.join(parts.dataDir, SYNC_LEDGER_FILE));
  const uploads = new UploadUrlStore(uploadUrlStorePath(parts.dataDir));
  const agent = new SyncAgent({
    ledger,
    bindings: parts.bindings,
    drivers: parts.drivers,
    platform: parts.platform,
    runtime: parts.runtime,
    runners: {
      publish: new PublishRunner(new OfferUploader({ store: uploads }), {
        ...(parts.settleMs !== undefined ? { settleMs: parts.settleMs } : {}),
      }),
      deliver: new DeliveryRunner(),
    },
    ...(parts.store !== undefined ? { store: parts.store } : {}),
    ...(parts.credentialExpiry !== undefined ? { credentialExpiry: parts.credentialExpiry } : {}),
    ...(parts.tickMs !== undefined ? { tickMs: parts.tickMs } : {}),
  });
  return {
    agent,
    async close(graceful) {
      await agent.stop(graceful);
      uploads.close();
      ledger.close();
    },
  };
}
