// One run of a deliver binding in a process of its own (the agent, until a test kills it): activity as JSON lines.
import type { DeliverBinding } from '../../../shared/ipc/sync-ipc';
import { DeliveryRunner } from '../../../main/services/sync/delivery-runner';
import { SyncLedger } from '../../../main/services/sync/sync-ledger';
import { PlatformClient } from '../../../main/services/platform/platform-client';
import { TransferRuntime } from '../../../main/services/transfers/transfer-runtime';
import { jobContext, runJob } from './sync-test-kit';

/** What the process runs, passed as JSON in DELIVERY_JOB. */
export interface DeliveryJob {
  readonly ledgerFile: string;
  /** Root of the local-folder my connector. */
  readonly root: string;
  readonly baseUrl: string;
  readonly token: string;
  readonly binding: DeliverBinding;
  /** The global bandwidth limit (slows the copy so the test can kill it midway). */
  readonly bytesPerSecond: number;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.env['DELIVERY_JOB'] ?? '') as DeliveryJob;
  const ledger = new SyncLedger(job.ledgerFile);
  const limits = { concurrency: 3, bandwidthBytesPerSecond: job.bytesPerSecond };
  const runtime = new TransferRuntime({ get: (key) => (key === 'transferLimits' ? limits : undefined), set: () => {} });
  const client = new PlatformClient(job.baseUrl, job.token);
  const summary = await new DeliveryRunner().run(job.binding, jobContext(ledger, job.root, client, runtime));
  process.stdout.write(`${JSON.stringify({ summary })}\n`);
  ledger.close();
}

runJob(main);
