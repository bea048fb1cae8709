// tus's Locker over PostgreSQL advisory locks: any instance may take the next chunk of an upload, never two at once.
import { createHash } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Client, Pool, type ClientConfig } from 'pg';
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/utils';
import type { Database } from '../db/database';

/** The channel on which an instance asks the others to let go of an upload's lock (the payload is the upload ID). */
export const RELEASE_CHANNEL = 'ferry_tus_lock_release';

/** The few things the locker needs of one database session (its advisory locks live as long as the session). */
export interface LockSession {
  /** pg_try_advisory_lock(key): whether this session now holds it. */
  tryLock(key: string): Promise<boolean>;
  /** pg_advisory_unlock(key). */
  unlock(key: string): Promise<void>;
  /** NOTIFY on RELEASE_CHANNEL. */
  notify(payload: string): Promise<void>;
  /** LISTEN on RELEASE_CHANNEL. */
  listen(onPayload: (payload: string) => void): Promise<void>;
  close(): Promise<void>;
}

/** How long a request waits for an upload's lock before tus answers ERR_LOCK_TIMEOUT, and how often it looks. */
export interface AdvisoryLockerOptions {
  /** Default 30 s, tus's own. */
  readonly acquireTimeoutMs?: number;
  /** Default 100 ms. */
  readonly pollMs?: number;
}

/** The 64-bit advisory lock key of an upload (namespaced so no other lock of the platform collides in practice). */
export function lockKeyOf(uploadId: string): string {
  const digest = createHash('sha256').update(`ferry-tus:${uploadId}`).digest();
  return digest.readBigInt64BE(0).toString();
}

/**
 * One dedicated PostgreSQL connection per instance, reconnected after a loss. A connection lost while holding locks
 * loses them (PostgreSQL releases a session's locks): the requests holding them still run, the worst case being a
 * concurrent PATCH that tus's offset check then refuses with 409.
 */
export class PgLockSession implements LockSession {
  private client: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private onPayload: ((payload: string) => void) | null = null;

  constructor(private readonly config: ClientConfig) {}

  private async connected(): Promise<Client> {
    if (this.client !== null) return this.client;
    this.connecting ??= (async () => {
      const client = new Client(this.config);
      client.on('error', () => {
        // The next call reconnects; locks held on the lost session are already gone on the server.
        if (this.client === client) this.client = null;
      });
      client.on('notification', (message) => {
        if (message.channel === RELEASE_CHANNEL && message.payload !== undefined) this.onPayload?.(message.payload);
      });
      try {
        await client.connect();
        if (this.onPayload !== null) await client.query(`LISTEN ${RELEASE_CHANNEL}`);
      } catch (error) {
        await client.end().catch(() => undefined);
        throw error;
      }
      this.client = client;
      return client;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  async tryLock(key: string): Promise<boolean> {
    const client = await this.connected();
    const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key]);
    return result.rows[0]?.locked === true;
  }

  async unlock(key: string): Promise<void> {
    const client = await this.connected();
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
  }

  async notify(payload: string): Promise<void> {
    const client = await this.connected();
    await client.query('SELECT pg_notify($1, $2)', [RELEASE_CHANNEL, payload]);
  }

  async listen(onPayload: (payload: string) => void): Promise<void> {
    this.onPayload = onPayload;
    const client = await this.connected();
    await client.query(`LISTEN ${RELEASE_CHANNEL}`);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.onPayload = null;
    await client?.end().catch(() => undefined);
  }
}

/** PGlite: the one embedded session of this process (its advisory locks are re-entrant, the local map decides). */
export class PgliteLockSession implements LockSession {
  private unsubscribe: (() => Promise<void>) | null = null;

  constructor(private readonly client: PGlite) {}

  async tryLock(key: string): Promise<boolean> {
    const result = await this.client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [
      key,
    ]);
    return result.rows[0]?.locked === true;
  }

  async unlock(key: string): Promise<void> {
    await this.client.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
  }

  async notify(payload: string): Promise<void> {
    await this.client.query('SELECT pg_notify($1, $2)', [RELEASE_CHANNEL, payload]);
  }

  async listen(onPayload: (payload: string) => void): Promise<void> {
    this.unsubscribe = await this.client.listen(RELEASE_CHANNEL, onPayload);
  }

  async close(): Promise<void> {
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = null;
    // PGlite may already be closed by then (the database closes after the app).
    await unsubscribe?.().catch(() => undefined);
  }
}

/** The lock session over the platform's own database: a dedicated connection for PostgreSQL, the PGlite instance. */
export function lockSessionOf(database: Database): LockSession {
  const client = (database as unknown as { readonly $client?: unknown }).$client;
  if (client instanceof PGlite) return new PgliteLockSession(client);
  if (client instanceof Pool) return new PgLockSession({ ...(client as unknown as { options: ClientConfig }).options });
  throw new Error('the upload locker needs a database opened by openDatabase (PGlite or a PostgreSQL pool)');
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * tus's Locker with the same semantics as its MemoryLocker (a waiter asks the holder to release: the holder's request
 * stops reading and unlocks; no lock within the timeout -> ERR_LOCK_TIMEOUT), across instances: a lock is an upload
 * held in this process's map AND, for the other instances, a session advisory lock on the shared database; release
 * requests for a holder elsewhere go by NOTIFY.
 */
export class AdvisoryLocker implements Locker {
  private readonly held = new Map<string, RequestRelease>();
  private listening: Promise<void> | null = null;
  readonly acquireTimeoutMs: number;
  readonly pollMs: number;

  constructor(
    private readonly session: LockSession,
    options: AdvisoryLockerOptions = {},
  ) {
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? 30_000;
    this.pollMs = options.pollMs ?? 100;
  }

  /** A lock on one upload. */
  newLock(id: string): Lock {
    return new AdvisoryLock(this, id);
  }

  /** How many uploads this process holds locked (a stopping server waits for none). */
  get heldCount(): number {
    return this.held.size;
  }

  /** Whether this process holds the upload's lock (tests, diagnostics). */
  holds(id: string): boolean {
    return this.held.has(id);
  }

  /** Stops listening and closes the session (at app close). */
  async close(): Promise<void> {
    await this.session.close();
  }

  private startListening(): Promise<void> {
    this.listening ??= this.session
      .listen((id) => {
        // Another instance waits for an upload this one holds: ask the holding request to finish.
        void Promise.resolve(this.held.get(id)?.()).catch(() => undefined);
      })
      .catch((error: unknown) => {
        this.listening = null;
        throw error;
      });
    return this.listening;
  }

  /** @internal Takes the lock now or says it is taken (here or on another instance). */
  async tryAcquire(id: string, requestRelease: RequestRelease): Promise<boolean> {
    await this.startListening();
    if (this.held.has(id)) return false;
    // Reserved before the query so two requests of this process never both reach the (re-entrant) session lock.
    this.held.set(id, requestRelease);
    let locked = false;
    try {
      locked = await this.session.tryLock(lockKeyOf(id));
    } finally {
      if (!locked) this.held.delete(id);
    }
    return locked;
  }

  /** @internal Asks the holder, in this process or elsewhere, to let go. */
  async askRelease(id: string): Promise<void> {
    const local = this.held.get(id);
    if (local !== undefined) await local();
    else await this.session.notify(id);
  }

  /** @internal Releases the upload's lock. */
  async release(id: string): Promise<void> {
    if (!this.held.delete(id)) throw new Error('Releasing an unlocked lock!');
    await this.session.unlock(lockKeyOf(id));
  }
}

class AdvisoryLock implements Lock {
  constructor(
    private readonly locker: AdvisoryLocker,
    private readonly id: string,
  ) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const deadline = Date.now() + this.locker.acquireTimeoutMs;
    let askedAt = 0;
    for (;;) {
      if (signal.aborted) throw ERRORS.ERR_LOCK_TIMEOUT;
      if (await this.locker.tryAcquire(this.id, requestRelease)) return;
      // Ask again now and then: the holder may have been between chunks when first asked.
      if (Date.now() - askedAt >= 1000) {
        askedAt = Date.now();
        await this.locker.askRelease(this.id);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw ERRORS.ERR_LOCK_TIMEOUT;
      await sleep(Math.min(this.locker.pollMs, left), signal);
    }
  }

  async unlock(): Promise<void> {
    await this.locker.release(this.id);
  }
}
