// One publish run in a process of its own (the agent, until a test kills it), its uploads slowed by the bandwidth limit.
import type { PublishBinding } from '../../../shared/ipc/sync-ipc';
import { OfferUploader } from '../../../main/services/offer-uploads/offer-uploader';
import { UploadUrlStore } from '../../../main/services/offer-uploads/upload-url-store';
import { PlatformClient } from '../../../main/services/platform/platform-client';
import { PublishRunner } from '../../../main/services/sync/publish-runner';
import { SyncLedger } from '../../../main/services/sync/sync-ledger';
import { TransferRuntime } from '../../../main/services/transfers/transfer-runtime';
import { jobContext, runJob } from './sync-test-kit';

/** What the process runs, passed as JSON in PUBLISH_JOB. */
export interface PublishJob {
  readonly ledgerFile: string;
  readonly storeFile: string;
  /** The local folder connector's root. */
  readonly root: string;
  readonly platformUrl: string;
  readonly token: string;
  readonly binding: PublishBinding;
  readonly bytesPerSecond: number;
  readonly settleMs: number;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.env['PUBLISH_JOB'] ?? '') as PublishJob;
  const ledger = new SyncLedger(job.ledgerFile);
  const store = new UploadUrlStore(job.storeFile);
  const values = new Map<string, unknown>();
  const runtime = new TransferRuntime({ get: (key) => values.get(key), set: (key, value) => values.set(key, value) });
  runtime.setLimits({ bandwidthBytesPerSecond: job.bytesPerSecond });
  const runner = new PublishRunner(new OfferUploader({ store }), { settleMs: job.settleMs });
  const client = new PlatformClient(job.platformUrl, job.token);
  const summary = await runner.run(job.binding, jobContext(ledger, job.root, client, runtime));
  process.stdout.write(`${JSON.stringify({ summary })}\n`);
  store.close();
  ledger.close();
}

runJob(main);
