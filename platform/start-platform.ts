import path from 'node:path';
import { chmodSync, mkdirSync } from 'node:fs';
import { buildApp } from './build-app';
import { openDatabase } from './db/open-database';
import { smtpMailer, type SmtpOptions } from './mail/mailer';
import { TokenSealer } from './auth/token-sealer';
import { purgeAllAudit } from './audit/audit-log';
import type { LoggerSetting } from './http/log-options';
import { ownHosts } from './http/host-guard';
import { loggableError } from './http/loggable-error';
import { vaultKeyProvider, VAULT_KEY_FILE_ENV, type VaultDataLocation } from './vault/vault-key-provider';
import { VAULT_KEY_ENV } from './vault/env-key-provider';
import type { KeyProvider } from './vault/key-provider';
import type { OfferStorageSetting } from './offers/offer-storage';

/** How to run the platform: where it listens, where its data lives, how it sends e-mail, how it logs. */
export interface StartPlatformOptions {
  /** TCP port; 0 or omitted picks a free one. */
  readonly port?: number;
  /** Interface to listen on (default 127.0.0.1: the local workspace is never reachable from the network). */
  readonly host?: string;
  /** Folder of the embedded database (PGlite) and the link-sealing key. Ignored when databaseUrl is set. */
  readonly dataDir?: string;
  /** PostgreSQL connection URL (a shared server); without it and without dataDir, the data lives in memory. */
  readonly databaseUrl?: string;
  /** SMTP for invitation e-mails; without it they wait in the outbox. */
  readonly smtp?: SmtpOptions;
  /** Base URL put in links (default: the URL the server listens on); its host is also answered to. */
  readonly publicUrl?: string;
  /**
   * More Host header values to answer (`name` on any port, `name:port`, `*` for any: only behind a proxy that checks
   * them). The loopback names on the server's port and the public URL's host are always answered.
   */
  readonly allowedHosts?: readonly string[];
  /**
   * The former key file of invitation links (default `<dataDir>/sealing.key`): read, if it exists, only to open links
   * sealed before the vault's keys sealed them; never created nor used for new seals.
   */
  readonly sealingKeyFile?: string;
  /**
   * The vault's key file (default: FERRY_VAULT_KEY_FILE, else `<dataDir>.vault-keys.json` beside the data folder);
   * FERRY_VAULT_KEY wins over both. On PostgreSQL without either, organisation connectors are refused.
   */
  readonly vaultKeyFile?: string;
  /** The addresses the platform connects to storages from, shown for IP filters (default: detected). */
  readonly outgoingAddresses?: readonly string[];
  readonly logger?: LoggerSetting;
  /** Folder of the SQL migrations (default platform/migrations next to the sources; bundlers must copy it). */
  readonly migrationsFolder?: string;
  /** Attempts per IP per window on login, setup and invitation acceptance. */
  readonly authRateLimit?: { readonly max: number; readonly timeWindowMs: number };
  /**
   * Where offer files are kept (default `<dataDir>/offer-files`; without a data folder a temporary folder removed at
   * stop). Several instances on one PostgreSQL share an S3 bucket.
   */
  readonly offerStorage?: OfferStorageSetting;
}

/** The offer storage a start uses: as configured, else a folder in the data folder (owner-only), else none (temporary). */
function offerStorageOf(options: StartPlatformOptions): OfferStorageSetting | undefined {
  if (options.offerStorage !== undefined) return options.offerStorage;
  if (options.dataDir === undefined) return undefined;
  const folder = path.join(options.dataDir, 'offer-files');
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  return { kind: 'local', folder };
}

/** A running platform: its base URL and how to stop it (closes connections, then the database). */
export interface RunningPlatform {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts the platform server (the desktop embeds it in-process; the CLI runs it standalone). */
export async function startPlatform(options: StartPlatformOptions = {}): Promise<RunningPlatform> {
  const host = options.host ?? '127.0.0.1';
  if (options.dataDir !== undefined && options.databaseUrl === undefined) {
    // The data folder holds the database and the sealing key: owner-only, also when it existed before.
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    if (process.platform !== 'win32') chmodSync(options.dataDir, 0o700);
  }
  const database = await openDatabase(
    options.databaseUrl !== undefined
      ? { kind: 'postgres', url: options.databaseUrl }
      : { kind: 'pglite', ...(options.dataDir !== undefined ? { dataDir: path.join(options.dataDir, 'pglite') } : {}) },
    options.migrationsFolder,
  );
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    let legacyKeyFile = options.sealingKeyFile;
    if (legacyKeyFile === undefined && options.dataDir !== undefined && options.databaseUrl === undefined) {
      legacyKeyFile = path.join(options.dataDir, 'sealing.key');
    }
    const legacyKey = legacyKeyFile !== undefined ? TokenSealer.readLegacyKey(legacyKeyFile) : null;
    const vault = vaultOf(options);
    // Read now: a malformed key or an unreadable key file stops the start with its reason (the file is made if new).
    if (!('unavailable' in vault)) await vault.activeKeyId();
    // Without the vault's keys (PostgreSQL, no key configured) tokens and queued e-mails are sealed with keys of this
    // process: links cannot be copied again after a restart, and another instance cannot send this one's e-mails.
    const sealer = 'unavailable' in vault ? TokenSealer.ephemeral() : new TokenSealer(vault, legacyKey);

    // The public URL and the port are known only after listen: links and the host check read them lazily.
    let publicUrl = options.publicUrl ?? '';
    const offerStorage = offerStorageOf(options);
    let hosts: readonly string[] = [];
    app = await buildApp({
      db: database.db,
      sealer,
      vault,
      // Instances on one PostgreSQL run on several machines: a folder is one machine's.
      localConnectors: options.databaseUrl === undefined,
      ...(options.outgoingAddresses !== undefined ? { outgoingAddresses: options.outgoingAddresses } : {}),
      publicUrl: () => publicUrl,
      allowedHosts: () => hosts,
      ...(options.smtp !== undefined ? { mailer: smtpMailer(options.smtp) } : {}),
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
      ...(options.authRateLimit !== undefined ? { authRateLimit: options.authRateLimit } : {}),
      ...(offerStorage !== undefined ? { offerStorage } : {}),
    });
    if ('unavailable' in vault) app.log.warn(vault.unavailable);
    if (offerStorage === undefined && options.databaseUrl !== undefined) {
      app.log.warn(
        'offer files and uploads are kept in a temporary folder removed at stop: give --offer-files <dir> (one ' +
          'instance) or an S3 bucket (--offer-files-s3-bucket, shared by every instance on this database)',
      );
    } else if (offerStorage?.kind === 'local' && options.databaseUrl !== undefined) {
      app.log.warn(
        `offer files and uploads are kept in ${offerStorage.folder} on this machine: run one instance on this ` +
          'database, or give every instance the same S3 bucket (--offer-files-s3-bucket)',
      );
    }
    await app.listen({ port: options.port ?? 0, host });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
    const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    if (publicUrl === '') publicUrl = url;
    hosts = [...ownHosts(address.port, options.publicUrl, host), ...(options.allowedHosts ?? [])];
    const running = app;
    const purge = () =>
      purgeAllAudit(database.db, new Date()).then(
        (n) => n > 0 && running.log.info({ purged: n }, 'purged audit events past retention'),
        (error: unknown) => running.log.error({ err: loggableError(error) }, 'audit purge failed'),
      );
    // At start here; then hourly by the maintenance job (platform/jobs), once for every instance on the database.
    await purge();
    let stopping: Promise<void> | undefined;
    return {
      url,
      stop: () =>
        (stopping ??= (async () => {
          // Closing the app stops the jobs runtime (running jobs finish) before the database closes.
          await running.close();
          await database.close();
        })()),
    };
  } catch (error) {
    await app?.close();
    await database.close();
    throw error;
  }
}

/** The vault's keys for where the data lives, or (PostgreSQL without a key configured) why there are none. */
function vaultOf(options: StartPlatformOptions): KeyProvider | { readonly unavailable: string } {
  const location: VaultDataLocation =
    options.databaseUrl !== undefined
      ? { kind: 'postgres' }
      : options.dataDir !== undefined
        ? { kind: 'data-folder', dataDir: options.dataDir }
        : { kind: 'memory' };
  const keyFile = options.vaultKeyFile !== undefined ? { keyFile: options.vaultKeyFile } : {};
  const configured = (process.env[VAULT_KEY_ENV] ?? '') !== '' || (process.env[VAULT_KEY_FILE_ENV] ?? '') !== '';
  if (location.kind === 'postgres' && options.vaultKeyFile === undefined && !configured) {
    return {
      unavailable:
        `the vault has no key: organisation connectors are refused (vault_unavailable) until ${VAULT_KEY_ENV} ` +
        `(base64 of 32 random bytes, the same on every instance) or ${VAULT_KEY_FILE_ENV} / --vault-key-file (a ` +
        'file every instance reads) is set; invitation links can then not be copied again after a restart either',
    };
  }
  return vaultKeyProvider(location, keyFile);
}
