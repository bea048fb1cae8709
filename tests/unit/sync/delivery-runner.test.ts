// The sync agent's deliver side against the real platform (buildApp on PGlite, listening): a provider's subscription
// offer with files, a buyer's acquisition and editor API key; files delivered into a local folder and a real SFTP
// server (OpenSSH) byte for byte with receipts and acknowledgements, once; a conflict copy beside a different file;
// a file deleted locally not sent again unless asked; a run killed (-9) mid-copy finished by the next, exactly once;
// the platform unreachable or cut midway, then a later run delivering the rest; a failed file retried next run.
import { randomBytes, randomUUID } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, connect, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/connector-error';
import type { Driver } from '../../../connectors/driver';
import { guardDriver, type GuardedDriver } from '../../../connectors/guarded-driver';
import { LocalDriver } from '../../../connectors/local/local-driver';
import { SftpDriver } from '../../../connectors/sftp/sftp-driver';
import { PlatformClient } from '../../../main/services/platform/platform-client';
import { fixedPlatform } from '../../../main/services/sync/agent-platform';
import type { RunContext } from '../../../main/services/sync/binding-runner';
import { bindingState } from '../../../main/services/sync/binding-state';
import { askRedelivery, deliveredRecord } from '../../../main/services/sync/delivery-records';
import { DeliveryRunner } from '../../../main/services/sync/delivery-runner';
import { openPlatformFiles } from '../../../main/services/sync/platform-file-driver';
import { SyncLedger } from '../../../main/services/sync/sync-ledger';
import { TransferRuntime } from '../../../main/services/transfers/transfer-runtime';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import type { JobsRuntime } from '../../../platform/jobs/jobs-runtime';
import { addOfferFile } from '../../../platform/offers/offer-file-ledger';
import { type ActivityInput, type DeliverBinding, DeliverBindingSchema } from '../../../shared/ipc/sync-ipc';
import { sshdSftpOptions } from '../../kit/server-options';
import { addApiKey, setUp } from '../../platform/platform-harness';
import { listeningPlatform, type ListeningPlatform } from '../../platform/uploads/upload-kit';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';
import type { DeliveryJob } from './delivery-process';
import { filesUnder, MiB, sha256, startJobProcess, TempFolders } from './sync-test-kit';

const sshd = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
// The deliveries job the offer-file ledger queues is the platform's own delivery: not this suite's subject.
const noJobs = { send: async () => undefined } as unknown as JobsRuntime;
const today = () => new Date().toISOString().slice(0, 10);

const temp = new TempFolders();

/** A TCP relay in front of the platform that the test cuts (every connection dropped, none taken) and restores. */
interface Relay {
  readonly url: string;
  /** Bytes the platform sent through the relay so far. */
  readonly received: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

async function relayTo(targetPort: number): Promise<Relay> {
  let server: Server | undefined;
  let port = 0;
  let received = 0;
  const sockets = new Set<Socket>();
  const relay: Relay = {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get received() {
      return received;
    },
    start: () =>
      new Promise((resolve) => {
        server = createServer((client) => {
          const upstream = connect(targetPort, '127.0.0.1');
          const drop = () => {
            client.destroy();
            upstream.destroy();
            sockets.delete(client);
            sockets.delete(upstream);
          };
          sockets.add(client).add(upstream);
          client.on('error', drop).on('close', drop).pipe(upstream);
          upstream.on('data', (chunk: Buffer) => void (received += chunk.length));
          upstream.on('error', drop).on('close', drop).pipe(client);
        });
        server.listen(port, '127.0.0.1', () => {
          const address = server!.address();
          if (address !== null && typeof address === 'object') port = address.port;
          resolve();
        });
      }),
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        sockets.clear();
        if (server === undefined) return resolve();
        server.close(() => resolve());
      }),
  };
  await relay.start();
  return relay;
}

/** Polls until `probe` gives a value (or fails after `ms`). */
async function until<T>(probe: () => T | undefined, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The size of the hidden partial copy in `dir`, once there is one. */
function partialSize(dir: string): number | undefined {
  if (!existsSync(dir)) return undefined;
  const name = readdirSync(dir).find((n) => n.startsWith('.ferry-partial-'));
  return name === undefined ? undefined : statSync(path.join(dir, name)).size;
}

/** A guarded driver whose renames onto names `refuse` picks are refused (a name the user locked). */
function refusingRenames(inner: GuardedDriver, refuse: (to: string) => boolean): Driver {
  return {
    ...inner,
    rename: async (from: string, to: string, options?: { readonly signal?: AbortSignal }) => {
      if (refuse(to)) throw new ConnectorError('PermissionDenied', `Moving to ${to} was refused.`);
      return inner.rename!(from, to, options);
    },
  } as Driver;
}

describe('the sync agent delivers an acquisition into a my-connector folder (real platform, PGlite)', () => {
  let database: OpenDatabase;
  let env: ListeningPlatform;
  let storage: string;
  let provider: string;
  let buyer: string;
  let admin: string;
  let editorKey: string;
  let sftp: SshdServer | undefined;
  const runtime = new TransferRuntime({ get: () => undefined, set: () => undefined });
  let bindings = 0;

  beforeAll(async () => {
    storage = temp.make('ferry-sync-offer-storage-');
    database = await openDatabase({ kind: 'pglite' });
    env = await listeningPlatform(database.db, 'pglite', { offerStorage: { kind: 'local', folder: storage } });
    const org = await setUp(env, 'Buyer Co');
    buyer = org.orgId;
    admin = org.adminToken;
    const created = await env.call('POST', '/v1/orgs', { token: admin, body: { name: 'Provider Co' } });
    expect(created.statusCode, created.body).toBe(201);
    provider = created.json().id as string;
    editorKey = (await addApiKey(env, buyer, admin, 'editor')).secret;
    if (sshd.available) sftp = await startSshd();
  });
  afterAll(async () => {
    await sftp?.dispose();
    await env?.app.close();
    await database?.close();
    temp.removeAll();
  });

  /** Adds a file to the provider's offer (stored in the offer storage, available at once); its ID. */
  async function addFile(offerId: string, filePath: string, bytes: Buffer): Promise<string> {
    const key = `agent/${randomUUID()}`;
    mkdirSync(path.join(storage, 'agent'), { recursive: true });
    writeFileSync(path.join(storage, key), bytes);
    return env.db.transaction((tx) =>
      addOfferFile(
        tx,
        { now: () => new Date(), jobs: noJobs },
        {
          offerId,
          orgId: provider,
          path: filePath,
          size: bytes.length,
          sha256: sha256(bytes),
          storageKey: key,
          origin: 'agent',
          pending: false,
        },
      ),
    );
  }

  /** A published subscription offer of the provider with these files, acquired by the buyer. */
  async function acquisitionOf(title: string, files: ReadonlyArray<readonly [string, Buffer]>) {
    const created = await env.call('POST', `/v1/orgs/${provider}/offers`, {
      token: admin,
      body: {
        title,
        kind: 'subscription',
        subscription: { source: { type: 'agent' }, staging: false, historyPolicy: { type: 'all' } },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const offerId = created.json().id as string;
    const fileIds: string[] = [];
    for (const [filePath, bytes] of files) fileIds.push(await addFile(offerId, filePath, bytes));
    const published = await env.call('POST', `/v1/orgs/${provider}/offers/${offerId}/publish`, { token: admin });
    expect(published.statusCode, published.body).toBe(200);
    const acquired = await env.call('POST', `/v1/orgs/${buyer}/acquisitions`, {
      token: admin,
      body: { offerId, months: 1 },
    });
    expect(acquired.statusCode, acquired.body).toBe(201);
    return { offerId, acquisitionId: acquired.json().id as string, fileIds };
  }

  function bindingOf(acquisitionId: string, connectorId: string, folder = 'incoming'): DeliverBinding {
    return DeliverBindingSchema.parse({
      kind: 'deliver',
      id: `deliver-${++bindings}`,
      name: 'Prices',
      orgId: buyer,
      connectorId,
      folder,
      acquisitionId,
    });
  }

  function contextOf(
    ledger: SyncLedger,
    drivers: Record<string, () => Driver>,
    options: { client?: PlatformClient; runtime?: TransferRuntime; reports?: ActivityInput[] } = {},
  ): { context: RunContext; reports: ActivityInput[] } {
    const reports = options.reports ?? [];
    const context: RunContext = {
      ledger,
      drivers: {
        open: async (id) => {
          const make = drivers[id];
          if (make === undefined) throw new ConnectorError('NotFound', `No connector ${id}.`);
          return make();
        },
        localLocation: () => {
          throw new Error('not used');
        },
      },
      platform: fixedPlatform(options.client ?? new PlatformClient(env.base, editorKey)),
      runtime: options.runtime ?? runtime,
      report: (entry) => reports.push(entry),
      signal: new AbortController().signal,
      stopping: () => false,
    };
    return { context, reports };
  }

  const localDriver = (root: string) => (): GuardedDriver => guardDriver(new LocalDriver({ root }));

  async function targetsOf(acquisitionId: string) {
    const res = await env.call('GET', `/v1/orgs/${buyer}/acquisitions/${acquisitionId}/targets`, { token: admin });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as Array<{ id: string; type: string; folder: string; namingPattern: string }>;
  }

  async function deliveriesOf(acquisitionId: string, targetId: string) {
    const res = await env.call(
      'GET',
      `/v1/orgs/${buyer}/acquisitions/${acquisitionId}/deliveries?targetId=${targetId}&limit=100`,
      { token: admin },
    );
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as Array<{
      file: { id: string };
      status: string;
      path: string | null;
      conflict: boolean;
      acknowledgedAt: string | null;
    }>;
  }

  /** The acknowledged deliveries of the binding's one agent target: fileId -> path, conflict. */
  async function acknowledged(acquisitionId: string) {
    const targets = await targetsOf(acquisitionId);
    expect(targets).toHaveLength(1);
    expect(targets[0]!.type).toBe('agent');
    const rows = await deliveriesOf(acquisitionId, targets[0]!.id);
    const acked = rows.filter((r) => r.status === 'delivered' && r.acknowledgedAt !== null);
    return {
      targetId: targets[0]!.id,
      rows,
      acked: Object.fromEntries(acked.map((r) => [r.file.id, { path: r.path, conflict: r.conflict }])),
    };
  }

  const runner = new DeliveryRunner();

  it("reads the platform's files as a driver: stat with the SHA-256, ranges, refusals as connector errors", async () => {
    const bytes = randomBytes(100_000);
    const acq = await acquisitionOf('Driver', [['d.bin', bytes]]);
    const fileId = acq.fileIds[0]!;
    const files = (token: string) =>
      openPlatformFiles({ baseUrl: env.base, token, orgId: buyer, acquisitionId: acq.acquisitionId });
    const driver = files(editorKey);
    expect(await driver.stat(fileId)).toMatchObject({
      type: 'file',
      size: bytes.length,
      hashes: { sha256: sha256(bytes) },
    });
    const read = async (range?: { offset: number; length?: number }) => {
      const chunks: Buffer[] = [];
      for await (const chunk of await driver.read(fileId, range === undefined ? {} : { range })) chunks.push(chunk);
      return Buffer.concat(chunks);
    };
    expect(await read()).toEqual(bytes);
    expect(await read({ offset: 70_000 })).toEqual(bytes.subarray(70_000));
    expect(await read({ offset: 10, length: 20 })).toEqual(bytes.subarray(10, 30));
    expect(await read({ offset: bytes.length })).toEqual(Buffer.alloc(0));
    await expect(files('not-a-key').stat(fileId)).rejects.toMatchObject({ code: 'AuthFailed', hint: /Sign in again/ });
    await expect(files('not-a-key').read(fileId)).rejects.toMatchObject({ code: 'AuthFailed' });
    await expect(driver.stat('ofl_0000000000000000000000')).rejects.toMatchObject({ code: 'NotFound' });
    await expect(driver.write('x', Readable.from([]))).rejects.toMatchObject({ code: 'Unsupported' });
    await expect(driver.remove(fileId)).rejects.toMatchObject({ code: 'Unsupported' });
    await expect(driver.list('')).rejects.toMatchObject({ code: 'Unsupported' });
    const unreachable = openPlatformFiles({ baseUrl: 'http://127.0.0.1:9', orgId: buyer, acquisitionId: 'acq_x' });
    await expect(unreachable.stat(fileId)).rejects.toMatchObject({ code: 'Retryable' });
    // A consumer that stops reading ends the download (no hang, no error).
    const stream = await driver.read(fileId);
    stream.destroy();
    const cancelled = await env.call('POST', `/v1/orgs/${buyer}/acquisitions/${acq.acquisitionId}/cancel`, {
      token: admin,
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    await expect(driver.read(fileId)).rejects.toMatchObject({ code: 'PermissionDenied', message: /cancelled/ });
  });

  it('a download that stalls fails as Retryable after the idle timeout, however long the file', async () => {
    // A server that sends the headers and two bytes, then nothing.
    const stalling = createHttpServer((_request, response) => {
      response.writeHead(200, { 'content-length': '1000' });
      response.write('ab');
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    const { port } = stalling.address() as { port: number };
    try {
      const driver = openPlatformFiles({
        baseUrl: `http://127.0.0.1:${port}`,
        token: 't',
        orgId: 'org_x',
        acquisitionId: 'acq_x',
        idleTimeoutMs: 300,
      });
      const started = Date.now();
      const chunks: Buffer[] = [];
      const failure = await (async () => {
        for await (const chunk of await driver.read('ofl_x')) chunks.push(chunk);
      })().catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: 'Retryable', message: /sent nothing/ });
      expect(Buffer.concat(chunks).toString()).toBe('ab');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      stalling.closeAllConnections();
      await new Promise((resolve) => stalling.close(resolve));
    }
  });

  it('an abort stops the copy under way and keeps its partial; the next run finishes the file', async () => {
    const big = randomBytes(6 * MiB);
    const acq = await acquisitionOf('Aborted', [['big.bin', big]]);
    const root = temp.make('ferry-sync-local-');
    const ledger = new SyncLedger(':memory:');
    const binding = bindingOf(acq.acquisitionId, 'drop', '');
    const slow = new TransferRuntime({
      get: () => ({ concurrency: 3, bandwidthBytesPerSecond: 3 * MiB }),
      set: () => undefined,
    });
    const abort = new AbortController();
    const { context, reports } = contextOf(ledger, { drop: localDriver(root) }, { runtime: slow });
    const running = runner.run(binding, { ...context, signal: abort.signal });
    const dir = path.join(root, 'Aborted');
    await until(() => ((partialSize(dir) ?? 0) >= MiB ? true : undefined), 20_000, 'big.bin to be under way');
    abort.abort();
    expect(await running).toEqual({ sent: 0, bytes: 0, failed: 0 });
    expect(reports).toEqual([]);
    expect(partialSize(dir)).toBeGreaterThan(0);
    expect(await runner.run(binding, context)).toMatchObject({ sent: 1, failed: 0 });
    expect(filesUnder(dir)).toEqual(['big.bin', 'big.bin.ferry-receipt.json']);
    expect(sha256(readFileSync(path.join(dir, 'big.bin')))).toBe(sha256(big));
    ledger.close();
  });

  it('delivers two files into a local folder byte for byte with receipts, acknowledged; a second run sends nothing', async () => {
    const a = randomBytes(300_000);
    const b = Buffer.from('day,price\n1,10\n2,11\n');
    const acq = await acquisitionOf('Daily: prices', [
      ['2026/a.bin', a],
      ['b.csv', b],
    ]);
    const root = temp.make('ferry-sync-local-');
    const ledger = new SyncLedger(path.join(temp.make('ferry-sync-ledger-'), 'sync-ledger.sqlite'));
    const binding = bindingOf(acq.acquisitionId, 'drop');
    const { context, reports } = contextOf(ledger, { drop: localDriver(root) });
    const pathA = 'incoming/Daily- prices/a.bin';
    const pathB = 'incoming/Daily- prices/b.csv';

    // The dry run touches nothing: no file, no target made, nothing recorded.
    const preview = await runner.preview(binding, context);
    expect(preview).toEqual({
      bindingId: binding.id,
      wouldSend: [
        { path: pathA, size: a.length },
        { path: pathB, size: b.length },
      ],
      skipped: [],
      warning: null,
      truncatedAt: null,
    });
    // A preview bounded to one file per list says where it stopped (the run still takes both).
    const short = await new DeliveryRunner({ previewLimit: 1, pageSize: 1 }).preview(binding, context);
    expect(short).toMatchObject({ wouldSend: [{ path: pathA, size: a.length }], skipped: [], truncatedAt: 1 });
    expect(filesUnder(root)).toEqual([]);
    expect(await targetsOf(acq.acquisitionId)).toEqual([]);
    expect(bindingState(ledger, binding.id)).toMatchObject({ feedAfter: 0, targetId: null });

    const summary = await runner.run(binding, context);
    expect(summary).toEqual({ sent: 2, bytes: a.length + b.length, failed: 0 });
    expect(reports).toEqual([
      { kind: 'delivered', bindingId: binding.id, path: pathA, size: a.length },
      { kind: 'delivered', bindingId: binding.id, path: pathB, size: b.length },
    ]);
    expect(filesUnder(root)).toEqual([pathA, `${pathA}.ferry-receipt.json`, pathB, `${pathB}.ferry-receipt.json`]);
    expect(readFileSync(path.join(root, pathA))).toEqual(a);
    expect(readFileSync(path.join(root, pathB))).toEqual(b);

    const { targetId, acked } = await acknowledged(acq.acquisitionId);
    expect((await targetsOf(acq.acquisitionId))[0]).toMatchObject({
      folder: 'incoming',
      namingPattern: '{offer}/{name}',
    });
    expect(acked).toEqual({
      [acq.fileIds[0]!]: { path: pathA, conflict: false },
      [acq.fileIds[1]!]: { path: pathB, conflict: false },
    });
    const receipt = JSON.parse(readFileSync(path.join(root, `${pathA}.ferry-receipt.json`), 'utf8'));
    expect(receipt).toMatchObject({
      ferryDeliveryReceipt: 1,
      file: { id: acq.fileIds[0], name: 'a.bin', pathInOffer: '2026/a.bin' },
      path: pathA,
      conflict: false,
      size: a.length,
      sha256: sha256(a),
      offer: { id: acq.offerId, title: 'Daily: prices' },
      acquisition: { id: acq.acquisitionId },
      providerOrgId: provider,
      buyerOrgId: buyer,
      deliveryId: `agent:${targetId}:${acq.fileIds[0]}`,
    });
    expect(bindingState(ledger, binding.id)).toMatchObject({ feedAfter: expect.any(Number), targetId });
    expect(deliveredRecord(ledger, binding.id, acq.fileIds[1]!)).toMatchObject({ path: pathB, sha256: sha256(b) });

    // Again: nothing to send, nothing said, nothing written; the same target.
    reports.length = 0;
    expect(await runner.run(binding, context)).toEqual({ sent: 0, bytes: 0, failed: 0 });
    expect(reports).toEqual([]);
    expect(filesUnder(root)).toHaveLength(4);
    expect(await runner.preview(binding, context)).toMatchObject({ wouldSend: [], warning: null });
    expect((await acknowledged(acq.acquisitionId)).targetId).toBe(targetId);
    ledger.close();
  });

  it.skipIf(!sshd.available)(
    'on SFTP: a different file already at the name gets a conflict copy beside it, the original untouched',
    async () => {
      const server = sftp!;
      const report = Buffer.from('quarter,revenue\nQ3,12\n');
      const other = randomBytes(200_000);
      const acq = await acquisitionOf('Quarterly', [
        ['report.csv', report],
        ['other.bin', other],
      ]);
      // The user's own report.csv, written before Ferry came.
      const dir = path.join(server.root, 'drop', 'Quarterly');
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'report.csv'), 'mine, not the provider one\n');
      for (const p of [path.join(server.root, 'drop'), dir, path.join(dir, 'report.csv')]) {
        chownSync(p, server.user.uid, server.user.gid);
      }
      const ledger = new SyncLedger(':memory:');
      const binding = bindingOf(acq.acquisitionId, 'sftp', 'drop');
      const { context, reports } = contextOf(ledger, { sftp: () => new SftpDriver(sshdSftpOptions(server)) });

      expect(await runner.run(binding, context)).toMatchObject({ sent: 2, failed: 0 });
      const copy = `drop/Quarterly/report (conflict from Ferry ${today()}).csv`;
      expect(reports).toEqual([
        { kind: 'conflict', bindingId: binding.id, path: copy, size: report.length },
        { kind: 'delivered', bindingId: binding.id, path: 'drop/Quarterly/other.bin', size: other.length },
      ]);
      expect(readFileSync(path.join(dir, 'report.csv'), 'utf8')).toBe('mine, not the provider one\n');
      expect(readFileSync(path.join(server.root, copy))).toEqual(report);
      expect(readFileSync(path.join(dir, 'other.bin'))).toEqual(other);
      expect(filesUnder(dir)).toEqual([
        'other.bin',
        'other.bin.ferry-receipt.json',
        'report (conflict from Ferry ' + today() + ').csv',
        `report (conflict from Ferry ${today()}).csv.ferry-receipt.json`,
        'report.csv',
      ]);
      expect((await acknowledged(acq.acquisitionId)).acked).toEqual({
        [acq.fileIds[0]!]: { path: copy, conflict: true },
        [acq.fileIds[1]!]: { path: 'drop/Quarterly/other.bin', conflict: false },
      });

      reports.length = 0;
      expect(await runner.run(binding, context)).toMatchObject({ sent: 0, failed: 0 });
      expect(reports).toEqual([]);
      expect(filesUnder(dir)).toHaveLength(5);
      ledger.close();
    },
  );

  it('a file the user deleted after its delivery is not sent again, unless a redelivery is asked', async () => {
    const bytes = Buffer.from('id,name\n1,alpha\n');
    const acq = await acquisitionOf('Names', [['names.csv', bytes]]);
    const root = temp.make('ferry-sync-local-');
    const ledger = new SyncLedger(':memory:');
    const binding = bindingOf(acq.acquisitionId, 'drop', '');
    const { context, reports } = contextOf(ledger, { drop: localDriver(root) });
    expect(await runner.run(binding, context)).toMatchObject({ sent: 1 });
    rmSync(path.join(root, 'Names/names.csv'));

    reports.length = 0;
    expect(await runner.run(binding, context)).toMatchObject({ sent: 0, failed: 0 });
    expect(reports).toEqual([]);
    expect(filesUnder(root)).toEqual(['Names/names.csv.ferry-receipt.json']);

    expect(askRedelivery(ledger, binding.id, acq.fileIds[0]!)).toBe(true);
    expect((await runner.preview(binding, context)).wouldSend).toEqual([
      { path: 'Names/names.csv', size: bytes.length },
    ]);
    expect(await runner.run(binding, context)).toMatchObject({ sent: 1, failed: 0 });
    expect(reports).toEqual([
      { kind: 'delivered', bindingId: binding.id, path: 'Names/names.csv', size: bytes.length },
    ]);
    expect(readFileSync(path.join(root, 'Names/names.csv'))).toEqual(bytes);
    expect(filesUnder(root)).toEqual(['Names/names.csv', 'Names/names.csv.ferry-receipt.json']);

    // Served: the next run leaves it again.
    reports.length = 0;
    expect(await runner.run(binding, context)).toMatchObject({ sent: 0 });
    expect(reports).toEqual([]);
    ledger.close();
  });

  it('stops between files when the agent is stopping; the next run delivers the rest', async () => {
    const acq = await acquisitionOf('Pair', [
      ['1.csv', Buffer.from('1\n')],
      ['2.csv', Buffer.from('2\n')],
    ]);
    const root = temp.make('ferry-sync-local-');
    const ledger = new SyncLedger(':memory:');
    const binding = bindingOf(acq.acquisitionId, 'drop', '');
    const { context, reports } = contextOf(ledger, { drop: localDriver(root) });
    // SIGTERM arrives while the first file is delivered: it finishes, no other starts.
    const stopping = { ...context, stopping: () => reports.length > 0 };
    expect(await runner.run(binding, stopping)).toEqual({ sent: 1, bytes: 2, failed: 0 });
    expect(filesUnder(root)).toEqual(['Pair/1.csv', 'Pair/1.csv.ferry-receipt.json']);
    reports.length = 0;
    expect(await runner.run(binding, context)).toMatchObject({ sent: 1 });
    expect(reports.map((r) => r.path)).toEqual(['Pair/2.csv']);
    ledger.close();
  });

  it('warns once when the acquisition is cancelled, and stops when its delivery target was deleted', async () => {
    const acq = await acquisitionOf('Ending', [['e.csv', Buffer.from('e\n')]]);
    const root = temp.make('ferry-sync-local-');
    const ledger = new SyncLedger(':memory:');
    const binding = bindingOf(acq.acquisitionId, 'drop', '');
    const { context, reports } = contextOf(ledger, { drop: localDriver(root) });
    expect(await runner.run(binding, context)).toMatchObject({ sent: 1 });
    const { targetId } = await acknowledged(acq.acquisitionId);
    const base = `/v1/orgs/${buyer}/acquisitions/${acq.acquisitionId}`;

    const deleted = await env.call('DELETE', `${base}/targets/${targetId}`, { token: admin });
    expect(deleted.statusCode, deleted.body).toBe(204);
    reports.length = 0;
    expect(await runner.run(binding, context)).toMatchObject({ sent: 0, stoppedBy: 'target-missing' });
    expect(reports).toEqual([expect.objectContaining({ kind: 'warning', reason: 'target-missing' })]);
    expect(await runner.preview(binding, context)).toMatchObject({ warning: 'target-missing' });
    // Not made again behind the user's back.
    expect(await targetsOf(acq.acquisitionId)).toEqual([]);

    const other = bindingOf(acq.acquisitionId, 'drop', 'again');
    const cancelled = await env.call('POST', `${base}/cancel`, { token: admin });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    reports.length = 0;
    expect(await runner.run(other, context)).toMatchObject({ sent: 0, stoppedBy: 'acquisition-ended' });
    expect(await runner.run(other, context)).toMatchObject({ sent: 0, stoppedBy: 'acquisition-ended' });
    expect(reports).toEqual([{ kind: 'warning', bindingId: other.id, reason: 'acquisition-ended' }]);
    expect(filesUnder(root)).toEqual(['Ending/e.csv', 'Ending/e.csv.ferry-receipt.json']);
    ledger.close();
  });

  it('a failed file is tried again next run while the files after it are delivered in the same run', async () => {
    const files = ['a.csv', 'b.csv', 'c.csv'].map((name) => [name, Buffer.from(`${name}\n`)] as const);
    const acq = await acquisitionOf('Letters', files);
    const root = temp.make('ferry-sync-local-');
    const ledger = new SyncLedger(':memory:');
    const binding = bindingOf(acq.acquisitionId, 'drop', 'in');
    let refuse = true;
    // b.csv cannot be moved into place (as if the user locked that name): its staged copy is left behind.
    const drivers = { drop: () => refusingRenames(localDriver(root)(), (to) => refuse && to.endsWith('/b.csv')) };
    const { context, reports } = contextOf(ledger, drivers, {});
    const first = await runner.run(binding, context);
    expect(first).toMatchObject({ sent: 2, failed: 1 });
    expect(reports.map((r) => [r.kind, r.path, r.code])).toEqual([
      ['delivered', 'in/Letters/a.csv', undefined],
      ['failed', 'in/Letters/b.csv', 'PermissionDenied'],
      ['delivered', 'in/Letters/c.csv', undefined],
    ]);
    const seqA = deliveredRecord(ledger, binding.id, acq.fileIds[0]!)!.seq;
    expect(bindingState(ledger, binding.id).feedAfter).toBe(seqA);

    refuse = false;
    reports.length = 0;
    expect(await runner.run(binding, context)).toMatchObject({ sent: 1, failed: 0 });
    expect(reports).toEqual([{ kind: 'delivered', bindingId: binding.id, path: 'in/Letters/b.csv', size: 6 }]);
    expect(bindingState(ledger, binding.id).feedAfter).toBe(deliveredRecord(ledger, binding.id, acq.fileIds[2]!)!.seq);
    expect(filesUnder(path.join(root, 'in/Letters'))).toEqual(
      ['a.csv', 'b.csv', 'c.csv'].flatMap((n) => [n, `${n}.ferry-receipt.json`]),
    );
    expect(Object.keys((await acknowledged(acq.acquisitionId)).acked).sort()).toEqual([...acq.fileIds].sort());
    ledger.close();
  });

  it('a run cut after the file was placed (no receipt, no record yet): the next run finds it, one copy', async () => {
    const bytes = randomBytes(50_000);
    const acq = await acquisitionOf('Placed', [['p.bin', bytes]]);
    const root = temp.make('ferry-sync-local-');
    const ledger = new SyncLedger(':memory:');
    const binding = bindingOf(acq.acquisitionId, 'drop', '');
    let refuse = true;
    const drivers = {
      drop: (): Driver => {
        const inner = localDriver(root)();
        return {
          ...inner,
          write: async (p, source, options) => {
            if (!refuse || !p.endsWith('.ferry-receipt.json')) return inner.write(p, source, options);
            source.destroy();
            throw new ConnectorError('Retryable', 'The connection dropped.');
          },
        } as Driver;
      },
    };
    const { context, reports } = contextOf(ledger, drivers);
    expect(await runner.run(binding, context)).toMatchObject({ sent: 0, failed: 1 });
    expect(filesUnder(root)).toEqual(['Placed/p.bin']);
    expect(deliveredRecord(ledger, binding.id, acq.fileIds[0]!)).toBeUndefined();
    refuse = false;
    reports.length = 0;
    expect(await runner.run(binding, context)).toEqual({ sent: 1, bytes: 0, failed: 0 });
    expect(reports).toEqual([{ kind: 'delivered', bindingId: binding.id, path: 'Placed/p.bin', size: bytes.length }]);
    expect(filesUnder(root)).toEqual(['Placed/p.bin', 'Placed/p.bin.ferry-receipt.json']);
    expect(readFileSync(path.join(root, 'Placed/p.bin'))).toEqual(bytes);
    expect(Object.keys((await acknowledged(acq.acquisitionId)).acked)).toEqual(acq.fileIds);
    ledger.close();
  });

  it('an agent killed (-9) while copying a large file: the next run finishes it, every file exactly once', async () => {
    const large = randomBytes(24 * MiB);
    const small = Buffer.from('small\n');
    const acq = await acquisitionOf('Large', [
      ['large.bin', large],
      ['small.csv', small],
    ]);
    const root = temp.make('ferry-sync-local-');
    const ledgerFile = path.join(temp.make('ferry-sync-ledger-'), 'sync-ledger.sqlite');
    const binding = bindingOf(acq.acquisitionId, 'drop');
    const job: DeliveryJob = {
      ledgerFile,
      root,
      baseUrl: env.base,
      token: editorKey,
      binding,
      bytesPerSecond: 6 * MiB,
    };
    const { child, output, exited } = startJobProcess('delivery-process.ts', 'DELIVERY_JOB', job);
    const dir = path.join(root, 'incoming', 'Large');
    try {
      await until(() => ((partialSize(dir) ?? 0) >= 4 * MiB ? true : undefined), 30_000, 'the partial copy to grow');
    } finally {
      child.kill('SIGKILL');
    }
    await exited;
    expect(output()).toBe('');
    const left = filesUnder(dir);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^\.ferry-partial-[0-9a-f]{16}\.part$/);
    const partial = partialSize(dir)!;
    expect(partial).toBeLessThan(large.length);

    const ledger = new SyncLedger(ledgerFile);
    const relay = await relayTo(Number(new URL(env.base).port));
    const client = new PlatformClient(relay.url, editorKey);
    const { context, reports } = contextOf(ledger, { drop: localDriver(root) }, { client });
    const summary = await runner.run(binding, context);
    expect(summary).toMatchObject({ sent: 2, failed: 0 });
    // Resumed from the partial: only the rest of the file came over the second time (plus small JSON answers).
    expect(relay.received).toBeLessThan(large.length - partial + 256 * 1024);
    await relay.stop();
    expect(reports).toEqual([
      { kind: 'delivered', bindingId: binding.id, path: 'incoming/Large/large.bin', size: large.length },
      { kind: 'delivered', bindingId: binding.id, path: 'incoming/Large/small.csv', size: small.length },
    ]);
    expect(filesUnder(root)).toEqual([
      'incoming/Large/large.bin',
      'incoming/Large/large.bin.ferry-receipt.json',
      'incoming/Large/small.csv',
      'incoming/Large/small.csv.ferry-receipt.json',
    ]);
    expect(sha256(readFileSync(path.join(dir, 'large.bin')))).toBe(sha256(large));
    const { rows, acked } = await acknowledged(acq.acquisitionId);
    expect(rows).toHaveLength(2);
    expect(Object.keys(acked).sort()).toEqual([...acq.fileIds].sort());
    reports.length = 0;
    const again = contextOf(ledger, { drop: localDriver(root) }, { reports }).context;
    expect(await runner.run(binding, again)).toMatchObject({ sent: 0 });
    expect(reports).toEqual([]);
    ledger.close();
  });

  it('the platform unreachable, then cut mid-copy: failures reported, nothing lost, a later run delivers the rest', async () => {
    const one = Buffer.from('one\n');
    const two = randomBytes(8 * MiB);
    const acq = await acquisitionOf('Cut', [
      ['one.csv', one],
      ['two.bin', two],
    ]);
    const port = Number(new URL(env.base).port);
    const relay = await relayTo(port);
    const client = new PlatformClient(relay.url, editorKey);
    const root = temp.make('ferry-sync-local-');
    const ledger = new SyncLedger(':memory:');
    const binding = bindingOf(acq.acquisitionId, 'drop');
    const slow = new TransferRuntime({
      get: () => ({ concurrency: 3, bandwidthBytesPerSecond: 2 * MiB }),
      set: () => undefined,
    });
    const cutRunner = new DeliveryRunner({ copyRetry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 50 } });
    const { context, reports } = contextOf(ledger, { drop: localDriver(root) }, { client, runtime: slow });
    try {
      await relay.stop();
      expect(await cutRunner.run(binding, context)).toEqual({
        sent: 0,
        bytes: 0,
        failed: 0,
        stoppedBy: 'source-unreachable',
      });
      expect(reports).toEqual([
        expect.objectContaining({
          kind: 'failed',
          bindingId: binding.id,
          reason: 'source-unreachable',
          code: 'platform_unreachable',
          hint: expect.any(String),
        }),
      ]);
      expect(filesUnder(root)).toEqual([]);
      expect(bindingState(ledger, binding.id).feedAfter).toBe(0);
      expect(await cutRunner.preview(binding, context)).toMatchObject({ warning: 'source-unreachable' });

      // Back, then cut while two.bin is being copied.
      await relay.start();
      reports.length = 0;
      const dir = path.join(root, 'incoming', 'Cut');
      const running = cutRunner.run(binding, context);
      await until(() => ((partialSize(dir) ?? 0) >= MiB ? true : undefined), 20_000, 'two.bin to be under way');
      await relay.stop();
      expect(await running).toMatchObject({ sent: 1, failed: 1 });
      expect(reports.map((r) => [r.kind, r.path, r.code])).toEqual([
        ['delivered', 'incoming/Cut/one.csv', undefined],
        ['failed', 'incoming/Cut/two.bin', 'Retryable'],
      ]);
      expect(readFileSync(path.join(dir, 'one.csv'))).toEqual(one);
      expect(existsSync(path.join(dir, 'two.bin'))).toBe(false);
      expect(bindingState(ledger, binding.id).feedAfter).toBe(
        deliveredRecord(ledger, binding.id, acq.fileIds[0]!)!.seq,
      );

      await relay.start();
      reports.length = 0;
      const fast = contextOf(ledger, { drop: localDriver(root) }, { client });
      expect(await cutRunner.run(binding, fast.context)).toMatchObject({ sent: 1, failed: 0 });
      expect(fast.reports).toEqual([
        { kind: 'delivered', bindingId: binding.id, path: 'incoming/Cut/two.bin', size: two.length },
      ]);
      expect(filesUnder(dir)).toEqual([
        'one.csv',
        'one.csv.ferry-receipt.json',
        'two.bin',
        'two.bin.ferry-receipt.json',
      ]);
      expect(sha256(readFileSync(path.join(dir, 'two.bin')))).toBe(sha256(two));
      expect(Object.keys((await acknowledged(acq.acquisitionId)).acked).sort()).toEqual([...acq.fileIds].sort());
    } finally {
      await relay.stop();
      ledger.close();
    }
  });
});
