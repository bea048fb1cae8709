// One offer upload in a process of its own (the app, until a test kills it): progress as JSON lines on stdout.
import { createDefaultRegistry } from '../../../connectors/default-registry';
import { OfferUploader, type OfferUploadTarget } from '../../../main/services/offer-uploads/offer-uploader';
import { UploadUrlStore } from '../../../main/services/offer-uploads/upload-url-store';

/** What the process uploads, passed as JSON in OFFER_UPLOAD_JOB. */
export interface UploadJob {
  readonly storeFile: string;
  readonly root: string;
  readonly path: string;
  readonly target: OfferUploadTarget;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.env['OFFER_UPLOAD_JOB'] ?? '') as UploadJob;
  const store = new UploadUrlStore(job.storeFile);
  const driver = createDefaultRegistry().create({ kind: 'local', options: { root: job.root } });
  const uploader = new OfferUploader({ store, progressIntervalMs: 20 });
  const result = await uploader.upload(job.target, {
    driver,
    path: job.path,
    onProgress: (progress) => process.stdout.write(`${JSON.stringify(progress)}\n`),
  });
  process.stdout.write(`${JSON.stringify({ done: result.uploadUrl })}\n`);
  store.close();
  await driver.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
