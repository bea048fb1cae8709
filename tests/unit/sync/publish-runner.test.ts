// The sync agent's publish side against the real platform (buildApp on PGlite, listening): a subscription offer fed
// by an agent, an editor API key; files of a local folder and of a real SFTP server (OpenSSH) published once with
// their SHA-256 and origin 'agent'; stability, globs, touched and changed files, an emptied or unreachable source,
// a file the platform made before the record was written, stopping between files, an aborted upload and a run
// killed (-9) mid-upload each resumed by the next run.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../../../connectors/driver';
import { guardDriver } from '../../../connectors/guarded-driver';
import { LocalDriver } from '../../../connectors/local/local-driver';
import { SftpDriver } from '../../../connectors/sftp/sftp-driver';
import { OfferUploader } from '../../../main/services/offer-uploads/offer-uploader';
import { UploadUrlStore } from '../../../main/services/offer-uploads/upload-url-store';
import { PlatformClient } from '../../../main/services/platform/platform-client';
import { fixedPlatform } from '../../../main/services/sync/agent-platform';
import type { RunContext, RunSummary } from '../../../main/services/sync/binding-runner';
import { PublishRecords } from '../../../main/services/sync/publish-records';
import { PublishRunner } from '../../../main/services/sync/publish-runner';
import { SyncLedger } from '../../../main/services/sync/sync-ledger';
import { TransferRuntime } from '../../../main/services/transfers/transfer-runtime';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import {
  type ActivityInput,
  type PublishBinding,
  PublishBindingSchema,
  type SyncPreview,
} from '../../../shared/ipc/sync-ipc';
import { sshdSftpOptions } from '../../kit/server-options';
import { addApiKey, setUp, type SetUpOrg } from '../../platform/platform-harness';
import { listeningPlatform, type ListeningPlatform } from '../../platform/uploads/upload-kit';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';
import { type ReadRecord, recordReads } from '../offer-uploads/offer-upload-kit';
import type { PublishJob } from './publish-process';
import { type JobProcess, MiB, sha256, startJobProcess, TempFolders } from './sync-test-kit';

const SETTLE_MS = 200;
const sshd = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');

const temp = new TempFolders();

/** Writes a file (and its folders) under a root. */
function put(root: string, relative: string, bytes: Buffer | string): void {
  mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
  writeFileSync(path.join(root, relative), bytes);
}

/** Every file under a folder with its size. */
function sizesUnder(root: string): Map<string, number> {
  const sizes = new Map<string, number>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      const stat = statSync(full);
      if (stat.isDirectory()) walk(full);
      else sizes.set(full, stat.size);
    }
  };
  if (existsSync(root)) walk(root);
  return sizes;
}

/** From now on: the size of the largest file made under the folder since (an upload's stored bytes), 0 when none. */
function newBytesUnder(root: string): () => number {
  const known = new Set(sizesUnder(root).keys());
  return () => Math.max(0, ...[...sizesUnder(root)].filter(([file]) => !known.has(file)).map(([, size]) => size));
}

type PlatformFile = { id: string; path: string; size: number; sha256: string; origin: string };

describe('publishing a my-connector folder to a subscription offer (real platform, PGlite)', () => {
  let database: OpenDatabase;
  let env: ListeningPlatform;
  let storage: string;
  let org: SetUpOrg;
  let apiKey: string;

  beforeAll(async () => {
    storage = temp.make('ferry-publish-storage-');
    database = await openDatabase({ kind: 'pglite' });
    env = await listeningPlatform(database.db, 'pglite', { offerStorage: { kind: 'local', folder: storage } });
    org = await setUp(env);
    apiKey = (await addApiKey(env, org.orgId, org.adminToken, 'editor')).secret;
  });
  afterAll(async () => {
    await env?.app.close();
    await database?.close();
    temp.removeAll();
  });

  /** A subscription offer whose source is a desktop agent, made with the editor key. */
  async function agentOffer(): Promise<string> {
    const res = await env.call('POST', `/v1/orgs/${org.orgId}/offers`, {
      token: apiKey,
      body: {
        title: `Agent feed ${randomBytes(3).toString('hex')}`,
        kind: 'subscription',
        subscription: { source: { type: 'agent' } },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }

  /** The offer's files as the platform lists them, by path. */
  async function platformFiles(offerId: string): Promise<PlatformFile[]> {
    const res = await env.call('GET', `/v1/orgs/${org.orgId}/offers/${offerId}/files?sort=path&limit=200`, {
      token: apiKey,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as PlatformFile[];
  }

  function bindingOf(offerId: string, connectorId: string, changes: Partial<PublishBinding> = {}): PublishBinding {
    return PublishBindingSchema.parse({
      kind: 'publish',
      id: `pub-${randomUUID()}`,
      name: 'Prices feed',
      orgId: org.orgId,
      connectorId,
      folder: '',
      offerId,
      ...changes,
    });
  }

  /** An agent's state on this machine: its ledger, upload store, activity, and the reads its drivers served. */
  class Agent {
    readonly dataDir = temp.make('ferry-publish-agent-');
    readonly ledger = new SyncLedger(path.join(this.dataDir, 'sync-ledger.sqlite'));
    readonly store = new UploadUrlStore(path.join(this.dataDir, 'offer-uploads.sqlite'));
    readonly records = new PublishRecords(this.ledger);
    readonly reports: ActivityInput[] = [];
    readonly reads: ReadRecord[] = [];
    readonly runner = new PublishRunner(new OfferUploader({ store: this.store }), { settleMs: SETTLE_MS });
    private readonly values = new Map<string, unknown>();
    readonly runtime = new TransferRuntime({
      get: (key) => this.values.get(key),
      set: (key, value) => this.values.set(key, value),
    });

    constructor(private readonly connectors: Readonly<Record<string, () => Driver>>) {}

    context(): RunContext {
      return {
        ledger: this.ledger,
        drivers: {
          open: async (id) => {
            const make = this.connectors[id];
            if (make === undefined) throw new Error(`unknown connector ${id}`);
            return recordReads(make(), this.reads);
          },
          localLocation: () => {
            throw new Error('not used');
          },
        },
        platform: fixedPlatform(new PlatformClient(env.base, apiKey)),
        runtime: this.runtime,
        report: (entry) => this.reports.push(entry),
        signal: new AbortController().signal,
        stopping: () => false,
      };
    }

    run(binding: PublishBinding, changes: Partial<RunContext> = {}): Promise<RunSummary> {
      this.reports.length = 0;
      this.reads.length = 0;
      return this.runner.run(binding, { ...this.context(), ...changes });
    }

    preview(binding: PublishBinding): Promise<SyncPreview> {
      return this.runner.preview(binding, this.context());
    }

    /** Every row of the binding's observations and published records (to prove nothing changed). */
    rows(bindingId: string): unknown[] {
      return [
        ...this.ledger.db.prepare('SELECT * FROM observations WHERE binding_id = ? ORDER BY path').all(bindingId),
        ...this.ledger.db.prepare('SELECT * FROM published WHERE binding_id = ? ORDER BY id').all(bindingId),
      ];
    }

    close(): void {
      this.store.close();
      this.ledger.close();
    }
  }

  function localAgent(root: string): Agent {
    return new Agent({ local: () => guardDriver(new LocalDriver({ root })) });
  }

  it('publishes two stable files once with their SHA-256 and origin agent; a preview first; a second run sends nothing and hashes nothing', async () => {
    const root = temp.make('ferry-publish-src-');
    const a = randomBytes(300_000);
    const b = randomBytes(123_456);
    put(root, 'prices.csv', a);
    put(root, '2026/12/volumes.csv', b);
    const offerId = await agentOffer();
    const binding = bindingOf(offerId, 'local');
    const agent = localAgent(root);
    try {
      const preview = await agent.preview(binding);
      expect(preview).toEqual({
        bindingId: binding.id,
        wouldSend: expect.arrayContaining([
          { path: 'prices.csv', size: a.length },
          { path: '2026/12/volumes.csv', size: b.length },
        ]) as unknown,
        skipped: [],
        warning: null,
        truncatedAt: null,
      });
      expect(preview.wouldSend).toHaveLength(2);
      // A preview bounded to one file says where it stopped (the run still takes both).
      const bounded = new PublishRunner(new OfferUploader({ store: agent.store }), {
        settleMs: SETTLE_MS,
        previewMaxFiles: 1,
      });
      const short = await bounded.preview(binding, agent.context());
      expect(short.wouldSend.length + short.skipped.length).toBe(1);
      expect(short.truncatedAt).toBe(1);
      expect(agent.rows(binding.id)).toEqual([]);
      expect(await platformFiles(offerId)).toEqual([]);

      expect(await agent.run(binding)).toEqual({ sent: 2, bytes: a.length + b.length, failed: 0 });
      expect(agent.reports).toEqual(
        expect.arrayContaining([
          { kind: 'published', bindingId: binding.id, path: 'prices.csv', size: a.length },
          { kind: 'published', bindingId: binding.id, path: '2026/12/volumes.csv', size: b.length },
        ]),
      );
      expect(agent.reports).toHaveLength(2);
      const files = await platformFiles(offerId);
      expect(files).toEqual([
        expect.objectContaining({ path: '2026/12/volumes.csv', size: b.length, sha256: sha256(b), origin: 'agent' }),
        expect.objectContaining({ path: 'prices.csv', size: a.length, sha256: sha256(a), origin: 'agent' }),
      ]);
      expect(
        agent.records
          .allPublished(binding.id)
          .map((r) => [r.path, r.sha256, r.offerFileId])
          .sort(),
      ).toEqual(files.map((f) => [f.path, f.sha256, f.id]).sort());
      expect(await agent.store.findAllUploads()).toEqual([]);

      expect(await agent.run(binding)).toEqual({ sent: 0, bytes: 0, failed: 0 });
      expect(agent.reports).toEqual([]);
      // Unchanged looks with a known SHA-256: not a byte read again.
      expect(agent.reads).toEqual([]);
      expect(await platformFiles(offerId)).toHaveLength(2);
      expect((await agent.preview(binding)).skipped).toEqual(
        expect.arrayContaining([
          { path: 'prices.csv', reason: 'already-published' },
          { path: '2026/12/volumes.csv', reason: 'already-published' },
        ]),
      );
    } finally {
      agent.close();
    }
  });

  it('a file still being written waits (not-stable-yet) and is published whole once it stops changing', async () => {
    const root = temp.make('ferry-publish-src-');
    put(root, 'growing.bin', randomBytes(64 * 1024));
    const offerId = await agentOffer();
    const binding = bindingOf(offerId, 'local');
    const agent = localAgent(root);
    const writer = setInterval(() => appendFileSync(path.join(root, 'growing.bin'), randomBytes(16 * 1024)), 20);
    try {
      expect(await agent.run(binding)).toEqual({ sent: 0, bytes: 0, failed: 0 });
      expect(agent.reports).toEqual([
        { kind: 'skipped', bindingId: binding.id, path: 'growing.bin', reason: 'not-stable-yet' },
      ]);
      expect(await platformFiles(offerId)).toEqual([]);
      clearInterval(writer);
      const whole = statSync(path.join(root, 'growing.bin')).size;
      expect(await agent.run(binding)).toMatchObject({ sent: 1, bytes: whole });
      const [file] = await platformFiles(offerId);
      expect(file).toMatchObject({ path: 'growing.bin', size: whole });
      expect(await platformFiles(offerId)).toHaveLength(1);
    } finally {
      clearInterval(writer);
      agent.close();
    }
  });

  it('publishes only what the globs keep, never Ferry’s own partial, staging and receipt files', async () => {
    const root = temp.make('ferry-publish-src-');
    put(root, 'data/a.csv', 'a');
    put(root, 'data/deep/b.csv', 'b');
    put(root, 'data/c.tmp', 'c');
    put(root, 'notes.txt', 'n');
    put(root, 'data/.ferry-partial-0123456789abcdef.part', 'p');
    put(root, 'data/.ferry-delivery-dlv_1-1.part', 's');
    put(root, 'data/a.csv.ferry-receipt.json', '{}');
    put(root, 'data/bad\\name.csv', 'refused by path safety');
    const offerId = await agentOffer();
    const binding = bindingOf(offerId, 'local', { include: ['data/**'], exclude: ['**/*.tmp'] });
    const agent = localAgent(root);
    try {
      const preview = await agent.preview(binding);
      expect(preview.wouldSend.map((f) => f.path).sort()).toEqual(['data/a.csv', 'data/deep/b.csv']);
      expect(preview.skipped.sort((x, y) => x.path.localeCompare(y.path))).toEqual([
        { path: 'data/c.tmp', reason: 'excluded' },
        { path: 'notes.txt', reason: 'excluded' },
      ]);
      expect(await agent.run(binding)).toMatchObject({ sent: 2, failed: 0 });
      expect((await platformFiles(offerId)).map((f) => f.path)).toEqual(['data/a.csv', 'data/deep/b.csv']);
      // The name path safety refused is reported once, never published.
      expect(agent.reports.filter((r) => r.kind !== 'published')).toEqual([
        expect.objectContaining({ kind: 'skipped', path: expect.stringContaining('name.csv'), code: 'unsafe_name' }),
      ]);
      expect(await agent.run(binding)).toEqual({ sent: 0, bytes: 0, failed: 0 });
      expect(agent.reports).toEqual([]);
    } finally {
      agent.close();
    }
  });

  it('a touched file with the same bytes is not published again; changed bytes are', async () => {
    const root = temp.make('ferry-publish-src-');
    put(root, 'daily.csv', 'day one');
    const offerId = await agentOffer();
    const binding = bindingOf(offerId, 'local');
    const agent = localAgent(root);
    try {
      expect(await agent.run(binding)).toMatchObject({ sent: 1 });
      const later = new Date(Date.now() + 60_000);
      utimesSync(path.join(root, 'daily.csv'), later, later);
      expect((await agent.preview(binding)).skipped).toEqual([{ path: 'daily.csv', reason: 'already-published' }]);
      expect(await agent.run(binding)).toEqual({ sent: 0, bytes: 0, failed: 0 });
      // The new look was hashed (read once) and found published.
      expect(agent.reads.map((r) => r.path)).toEqual(['daily.csv']);
      expect(await platformFiles(offerId)).toHaveLength(1);

      put(root, 'daily.csv', 'day two!');
      expect(await agent.run(binding)).toMatchObject({ sent: 1, bytes: 8 });
      const files = await platformFiles(offerId);
      expect(files.map((f) => [f.path, f.sha256]).sort()).toEqual(
        [
          ['daily.csv', sha256('day one')],
          ['daily.csv', sha256('day two!')],
        ].sort(),
      );
    } finally {
      agent.close();
    }
  });

  it('an emptied folder stops the run with source-empty and changes nothing; a first run on an empty folder does not', async () => {
    const root = temp.make('ferry-publish-src-');
    const offerId = await agentOffer();
    const binding = bindingOf(offerId, 'local');
    const agent = localAgent(root);
    try {
      expect(await agent.run(binding)).toEqual({ sent: 0, bytes: 0, failed: 0 });
      expect(agent.reports).toEqual([]);
      put(root, 'only.csv', 'one');
      expect(await agent.run(binding)).toMatchObject({ sent: 1 });
      rmSync(path.join(root, 'only.csv'));
      const before = agent.rows(binding.id);
      expect(await agent.run(binding)).toEqual({ sent: 0, bytes: 0, failed: 0, stoppedBy: 'source-empty' });
      expect(agent.reports).toEqual([{ kind: 'warning', bindingId: binding.id, reason: 'source-empty' }]);
      expect(agent.rows(binding.id)).toEqual(before);
      expect((await agent.preview(binding)).warning).toBe('source-empty');
      // Still empty: still a warning (the last complete scan saw a file).
      expect(await agent.run(binding)).toMatchObject({ stoppedBy: 'source-empty' });
      expect(await platformFiles(offerId)).toHaveLength(1);
    } finally {
      agent.close();
    }
  });

  it('a file the platform made before a killed run could record it is recorded, not uploaded again', async () => {
    const root = temp.make('ferry-publish-src-');
    put(root, 'late.csv', 'recorded late');
    const offerId = await agentOffer();
    const binding = bindingOf(offerId, 'local');
    const agent = localAgent(root);
    try {
      // The killed run's upload: finished on the platform, no published record on this machine.
      await new OfferUploader({ store: agent.store }).upload(
        { platformUrl: env.base, orgId: org.orgId, offerId, token: apiKey },
        { driver: guardDriver(new LocalDriver({ root })), path: 'late.csv', origin: 'agent' },
      );
      expect(await agent.run(binding)).toMatchObject({ sent: 1, failed: 0 });
      const files = await platformFiles(offerId);
      expect(files).toEqual([expect.objectContaining({ path: 'late.csv', sha256: sha256('recorded late') })]);
      expect(agent.records.allPublished(binding.id)).toEqual([
        expect.objectContaining({ path: 'late.csv', offerFileId: files[0]!.id }),
      ]);
    } finally {
      agent.close();
    }
  });

  it('the platform records origin agent only for an offer an agent feeds: elsewhere the claim is dropped', async () => {
    const root = temp.make('ferry-publish-src-');
    put(root, 'claim.csv', 'says agent');
    const res = await env.call('POST', `/v1/orgs/${org.orgId}/offers`, {
      token: apiKey,
      body: { title: `One-shot ${randomBytes(3).toString('hex')}`, kind: 'one-shot' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const oneShot = res.json().id as string;
    const store = new UploadUrlStore(':memory:');
    try {
      await new OfferUploader({ store }).upload(
        { platformUrl: env.base, orgId: org.orgId, offerId: oneShot, token: apiKey },
        { driver: guardDriver(new LocalDriver({ root })), path: 'claim.csv', origin: 'agent' },
      );
    } finally {
      store.close();
    }
    expect(await platformFiles(oneShot)).toEqual([expect.objectContaining({ path: 'claim.csv', origin: 'upload' })]);
  });

  it('a failing file is reported with its code and the run goes on; a refused sign-in stops the run; both retried next run', async () => {
    const root = temp.make('ferry-publish-src-');
    put(root, 'a-large.bin', randomBytes(MiB + 1));
    put(root, 'b.csv', 'small');
    const res = await env.call('POST', `/v1/orgs/${org.orgId}/offers`, {
      token: apiKey,
      body: {
        title: `Small files ${randomBytes(3).toString('hex')}`,
        kind: 'subscription',
        maxFileSize: MiB,
        subscription: { source: { type: 'agent' } },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const offerId = res.json().id as string;
    const binding = bindingOf(offerId, 'local');
    const agent = localAgent(root);
    try {
      const revoked = fixedPlatform(new PlatformClient(env.base, 'not-a-valid-key'));
      expect(await agent.run(binding, { platform: revoked })).toEqual({ sent: 0, bytes: 0, failed: 1 });
      expect(agent.reports).toEqual([
        expect.objectContaining({ kind: 'failed', path: 'a-large.bin', code: expect.any(String) }),
      ]);

      expect(await agent.run(binding)).toEqual({ sent: 1, bytes: 5, failed: 1 });
      expect(agent.reports).toEqual([
        expect.objectContaining({ kind: 'failed', path: 'a-large.bin', code: 'too_large' }),
        { kind: 'published', bindingId: binding.id, path: 'b.csv', size: 5 },
      ]);
      expect((await platformFiles(offerId)).map((f) => f.path)).toEqual(['b.csv']);
      expect(await agent.run(binding)).toEqual({ sent: 0, bytes: 0, failed: 1 });
    } finally {
      agent.close();
    }
  });

  it('stops between files once the agent is stopping; an abort stops an upload, which the next run resumes', async () => {
    const root = temp.make('ferry-publish-src-');
    const big = randomBytes(24 * MiB);
    put(root, 'a.csv', 'first');
    put(root, 'b.csv', 'second');
    put(root, 'c.bin', big);
    const offerId = await agentOffer();
    const binding = bindingOf(offerId, 'local');
    const agent = localAgent(root);
    try {
      const stopping = () => agent.reports.some((r) => r.kind === 'published');
      expect(await agent.run(binding, { stopping })).toEqual({ sent: 1, bytes: 5, failed: 0 });
      expect((await platformFiles(offerId)).map((f) => f.path)).toEqual(['a.csv']);

      agent.runtime.setLimits({ bandwidthBytesPerSecond: 8 * MiB });
      const stored = newBytesUnder(storage);
      const controller = new AbortController();
      const watch = setInterval(() => {
        if (stored() > 9 * MiB) controller.abort();
      }, 25);
      try {
        expect(await agent.run(binding, { signal: controller.signal })).toEqual({ sent: 1, bytes: 6, failed: 0 });
      } finally {
        clearInterval(watch);
      }
      expect(controller.signal.aborted).toBe(true);
      expect(agent.reports.map((r) => r.kind)).toEqual(['published']);
      expect((await platformFiles(offerId)).map((f) => f.path)).toEqual(['a.csv', 'b.csv']);
      expect(await agent.store.findAllUploads()).toHaveLength(1);

      agent.runtime.setLimits({ bandwidthBytesPerSecond: null });
      expect(await agent.run(binding)).toEqual({ sent: 1, bytes: big.length, failed: 0 });
      expect(agent.reads[0]).toMatchObject({ path: 'c.bin' });
      expect(agent.reads[0]!.offset).toBeGreaterThan(0);
      expect((await platformFiles(offerId)).map((f) => [f.path, f.sha256])).toEqual([
        ['a.csv', sha256('first')],
        ['b.csv', sha256('second')],
        ['c.bin', sha256(big)],
      ]);
    } finally {
      agent.close();
    }
  });

  it('a run killed (-9) mid-upload: the next run resumes the upload from the platform offset, the file exactly once', async () => {
    const root = temp.make('ferry-publish-src-');
    const data = randomBytes(40 * MiB);
    put(root, 'big/dataset.bin', data);
    const offerId = await agentOffer();
    const binding = bindingOf(offerId, 'local');
    const agent = localAgent(root);
    const job: PublishJob = {
      ledgerFile: agent.ledger.file,
      storeFile: path.join(agent.dataDir, 'offer-uploads.sqlite'),
      root,
      platformUrl: env.base,
      token: apiKey,
      binding,
      bytesPerSecond: 16 * MiB,
      settleMs: SETTLE_MS,
    };
    const stored = newBytesUnder(storage);
    let agentProcess: JobProcess | undefined;
    try {
      agentProcess = startJobProcess('publish-process.ts', 'PUBLISH_JOB', job);
      const { child, output, exited } = agentProcess;
      // Killed once the platform holds more than a chunk of it, well before the end.
      for (const deadline = Date.now() + 30_000; stored() < 10 * MiB;) {
        expect(Date.now(), output()).toBeLessThan(deadline);
        expect(child.exitCode, output()).toBeNull();
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      child.kill('SIGKILL');
      await exited;
      expect(output()).not.toContain('"published"');
      expect(await platformFiles(offerId)).toEqual([]);
      const [remembered] = await agent.store.findAllUploads();
      expect(remembered?.metadata).toMatchObject({ path: 'big/dataset.bin', sha256: sha256(data), origin: 'agent' });
      // The platform's offset once it stored what arrived before the kill.
      let offset = -1;
      for (let size = stored(); size !== offset;) {
        offset = size;
        await new Promise((resolve) => setTimeout(resolve, 200));
        size = stored();
      }
      expect(offset).toBeGreaterThan(8 * MiB);
      expect(offset).toBeLessThan(data.length);

      expect(await agent.run(binding)).toEqual({ sent: 1, bytes: data.length, failed: 0 });
      // The killed run had hashed it: no hashing pass, ranged reads from the platform's offset only.
      expect(agent.reads[0]).toMatchObject({ path: 'big/dataset.bin', offset });
      expect(agent.reads.every((r) => r.offset >= offset)).toBe(true);
      const files = await platformFiles(offerId);
      expect(files).toEqual([
        expect.objectContaining({ path: 'big/dataset.bin', size: data.length, sha256: sha256(data), origin: 'agent' }),
      ]);
      expect(agent.records.allPublished(binding.id)).toEqual([
        expect.objectContaining({ path: 'big/dataset.bin', uploadUrl: remembered!.uploadUrl }),
      ]);
      expect(await agent.run(binding)).toEqual({ sent: 0, bytes: 0, failed: 0 });
      expect(await platformFiles(offerId)).toHaveLength(1);
    } finally {
      agentProcess?.child.kill('SIGKILL');
      agent.close();
    }
  }, 60_000);

  describe.skipIf(!sshd.available)('from an SFTP connector (OpenSSH)', () => {
    let sftp: SshdServer;
    beforeAll(async () => {
      sftp = await startSshd();
    });
    afterAll(async () => sftp?.dispose());

    it('publishes two files from SFTP; with the server down the run stops with source-unreachable, nothing changed', async () => {
      const a = randomBytes(200_000);
      const b = randomBytes(70_000);
      mkdirSync(path.join(sftp.root, 'out'));
      chownSync(path.join(sftp.root, 'out'), sftp.user.uid, sftp.user.gid);
      for (const [name, bytes] of [
        ['out/a.bin', a],
        ['out/b.bin', b],
      ] as const) {
        put(sftp.root, name, bytes);
        chownSync(path.join(sftp.root, name), sftp.user.uid, sftp.user.gid);
      }
      const offerId = await agentOffer();
      const binding = bindingOf(offerId, 'sftp', { folder: 'out' });
      const agent = new Agent({ sftp: () => guardDriver(new SftpDriver(sshdSftpOptions(sftp))) });
      try {
        expect(await agent.run(binding)).toEqual({ sent: 2, bytes: a.length + b.length, failed: 0 });
        expect(await platformFiles(offerId)).toEqual([
          expect.objectContaining({ path: 'a.bin', sha256: sha256(a), origin: 'agent' }),
          expect.objectContaining({ path: 'b.bin', sha256: sha256(b), origin: 'agent' }),
        ]);

        await sftp.stop();
        const before = agent.rows(binding.id);
        const summary = await agent.run(binding);
        expect(summary).toEqual({ sent: 0, bytes: 0, failed: 0, stoppedBy: 'source-unreachable' });
        expect(agent.reports).toEqual([
          expect.objectContaining({ kind: 'warning', reason: 'source-unreachable', code: expect.any(String) }),
        ]);
        expect(agent.rows(binding.id)).toEqual(before);
        expect((await agent.preview(binding)).warning).toBe('source-unreachable');
        expect(await platformFiles(offerId)).toHaveLength(2);
      } finally {
        await sftp.start();
        agent.close();
      }
    });
  });
});
