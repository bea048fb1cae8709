// A real tus server (@tus/server + @tus/file-store on node:http) shaped like the platform's offer upload endpoint:
// bearer token checked on every request, a maximum size, the SHA-256 of the metadata checked on completion.
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { FileStore } from '@tus/file-store';
import { Server } from '@tus/server';

/** An upload the server finished (its SHA-256 matched the metadata). */
export interface FinishedUpload {
  readonly id: string;
  readonly size: number;
  readonly metadata: Readonly<Record<string, string | null>>;
  readonly sha256: string;
}

/** What the server does; tests change these while it runs. */
export interface TusTestServerBehaviour {
  /** Throttles what the store receives (so a test can stop an upload half-way). */
  bytesPerSecond: number | null;
  /** Accepted bearer token; another token is answered 401. */
  token: string;
  /** A token that is recognised but may not upload (403). */
  viewerToken: string;
  maxSize: number;
}

/** A running test tus server. */
export interface TusTestServer {
  /** The platform URL to give the uploader (the endpoint lives under it). */
  readonly platformUrl: string;
  readonly orgId: string;
  readonly offerId: string;
  readonly behaviour: TusTestServerBehaviour;
  /** Bytes the store received from PATCH bodies since the last `resetCounters`. */
  received: number;
  /** Uploads created since the last `resetCounters`. */
  created: number;
  /** Uploads that completed with a matching SHA-256. */
  readonly finished: FinishedUpload[];
  /** Uploads that completed with another SHA-256 than their metadata said. */
  readonly mismatched: string[];
  resetCounters(): void;
  /** Bytes stored so far for an upload URL (the offset a HEAD reports). */
  offsetOf(uploadUrl: string): Promise<number>;
  /** The file holding an upload's bytes. */
  fileOf(uploadUrl: string): string;
  /** Stops listening and drops open connections (the platform is down). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

const ORG_ID = 'org-1';
const OFFER_ID = 'offer-1';

/** Starts the server on 127.0.0.1 with a fresh upload folder. */
export async function startTusTestServer(changes: Partial<TusTestServerBehaviour> = {}): Promise<TusTestServer> {
  const directory = mkdtempSync(path.join(tmpdir(), 'ferry-tus-'));
  const behaviour: TusTestServerBehaviour = {
    bytesPerSecond: null,
    token: 'editor-token',
    viewerToken: 'viewer-token',
    maxSize: 1024 * 1024 * 1024,
    ...changes,
  };
  const counters = { received: 0, created: 0 };
  const finished: FinishedUpload[] = [];
  const mismatched: string[] = [];

  // Counts (and optionally throttles) every byte the store writes, whichever request carries it.
  class CountingFileStore extends FileStore {
    override write(readable: http.IncomingMessage | Readable, id: string, offset: number): Promise<number> {
      const counting = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          counters.received += chunk.length;
          const rate = behaviour.bytesPerSecond;
          if (rate === null) callback(null, chunk);
          else void delay((chunk.length / rate) * 1000).then(() => callback(null, chunk));
        },
      });
      readable.once('error', (error) => counting.destroy(error));
      readable.pipe(counting);
      return super.write(counting, id, offset);
    }
  }

  const route = `/v1/orgs/${ORG_ID}/offers/${OFFER_ID}/uploads`;
  const tus = new Server({
    path: route,
    datastore: new CountingFileStore({ directory }),
    maxSize: () => behaviour.maxSize,
    onIncomingRequest: (req) => {
      const authorization = req.headers.get('authorization');
      if (authorization === `Bearer ${behaviour.viewerToken}`) {
        throw { status_code: 403, body: JSON.stringify({ code: 'forbidden', message: 'Viewers cannot upload.' }) };
      }
      if (authorization !== `Bearer ${behaviour.token}`) {
        throw { status_code: 401, body: JSON.stringify({ code: 'unauthenticated', message: 'Sign in.' }) };
      }
      return Promise.resolve();
    },
    onUploadCreate: (_req, upload) => {
      counters.created += 1;
      const sha256 = upload.metadata?.['sha256'];
      if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) {
        throw { status_code: 400, body: 'sha256 metadata required' };
      }
      return Promise.resolve({});
    },
    onUploadFinish: async (_req, upload) => {
      const sha256 = await sha256Of(path.join(directory, upload.id));
      if (sha256 !== upload.metadata?.['sha256']) {
        mismatched.push(upload.id);
        throw { status_code: 460, body: 'Checksum Mismatch' };
      }
      finished.push({ id: upload.id, size: upload.size ?? 0, metadata: { ...upload.metadata }, sha256 });
      return {};
    },
  });

  const server = http.createServer((req, res) => void tus.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const idOf = (uploadUrl: string): string => new URL(uploadUrl).pathname.split('/').pop()!;

  const stop = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };
  return {
    platformUrl: `http://127.0.0.1:${port}`,
    orgId: ORG_ID,
    offerId: OFFER_ID,
    behaviour,
    get received() {
      return counters.received;
    },
    set received(value: number) {
      counters.received = value;
    },
    get created() {
      return counters.created;
    },
    set created(value: number) {
      counters.created = value;
    },
    finished,
    mismatched,
    resetCounters() {
      counters.received = 0;
      counters.created = 0;
    },
    async offsetOf(uploadUrl) {
      return (await stat(path.join(directory, idOf(uploadUrl)))).size;
    },
    fileOf: (uploadUrl) => path.join(directory, idOf(uploadUrl)),
    stop,
    async start() {
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    async close() {
      if (server.listening) await stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** SHA-256 hex of a file, streamed. */
export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
