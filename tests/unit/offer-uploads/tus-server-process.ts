// The test tus server in a process of its own (so a memory test measures the uploader alone): prints one JSON line
// with its platform URL, organisation, offer and upload folder, then serves until killed.
import { startTusTestServer } from './tus-test-server';

/** The line the process prints once listening. */
export interface TusServerProcessInfo {
  readonly platformUrl: string;
  readonly orgId: string;
  readonly offerId: string;
}

startTusTestServer()
  .then((server) => {
    const info: TusServerProcessInfo = {
      platformUrl: server.platformUrl,
      orgId: server.orgId,
      offerId: server.offerId,
    };
    process.stdout.write(`${JSON.stringify(info)}\n`);
    process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
  })
  .catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
