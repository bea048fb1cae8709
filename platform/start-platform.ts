import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { buildApp } from './build-app';
import { openDatabase } from './db/open-database';
import { smtpMailer, type SmtpOptions } from './mail/mailer';
import { TokenSealer } from './auth/token-sealer';
import { purgeAllAudit } from './audit/audit-log';
import type { LoggerSetting } from './http/log-options';

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
  /** Base URL put in links (default: the URL the server listens on). */
  readonly publicUrl?: string;
  /** File holding the 32-byte key that seals invitation tokens (default `<dataDir>/sealing.key`). */
  readonly sealingKeyFile?: string;
  readonly logger?: LoggerSetting;
  /** Folder of the SQL migrations (default platform/migrations next to the sources; bundlers must copy it). */
  readonly migrationsFolder?: string;
  /** Attempts per IP per window on login, setup and invitation acceptance. */
  readonly authRateLimit?: { readonly max: number; readonly timeWindowMs: number };
}

/** A running platform: its base URL and how to stop it (closes connections, then the database). */
export interface RunningPlatform {
  readonly url: string;
  stop(): Promise<void>;
}

const HOUR = 3_600_000;

/** Starts the platform server (the desktop embeds it in-process; the CLI runs it standalone). */
export async function startPlatform(options: StartPlatformOptions = {}): Promise<RunningPlatform> {
  const host = options.host ?? '127.0.0.1';
  const database = await openDatabase(
    options.databaseUrl !== undefined
      ? { kind: 'postgres', url: options.databaseUrl }
      : { kind: 'pglite', ...(options.dataDir !== undefined ? { dataDir: path.join(options.dataDir, 'pglite') } : {}) },
    options.migrationsFolder,
  );
  let keyFile = options.sealingKeyFile;
  if (keyFile === undefined && options.dataDir !== undefined && options.databaseUrl === undefined) {
    mkdirSync(options.dataDir, { recursive: true });
    keyFile = path.join(options.dataDir, 'sealing.key');
  }
  const sealer = keyFile !== undefined ? TokenSealer.fromKeyFile(keyFile) : TokenSealer.ephemeral();

  // The public URL defaults to the listening address, known only after listen: links read it lazily.
  let publicUrl = options.publicUrl ?? '';
  const app = await buildApp({
    db: database.db,
    sealer,
    publicUrl: () => publicUrl,
    ...(options.smtp !== undefined ? { mailer: smtpMailer(options.smtp) } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    ...(options.authRateLimit !== undefined ? { authRateLimit: options.authRateLimit } : {}),
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await app.listen({ port: options.port ?? 0, host });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
    const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    if (publicUrl === '') publicUrl = url;
    const purge = () =>
      purgeAllAudit(database.db, new Date()).then(
        (n) => n > 0 && app.log.info({ purged: n }, 'purged audit events past retention'),
        (error: unknown) => app.log.error({ err: error }, 'audit purge failed'),
      );
    await purge();
    timer = setInterval(() => void purge(), HOUR);
    timer.unref();
    let stopping: Promise<void> | undefined;
    return {
      url,
      stop: () =>
        (stopping ??= (async () => {
          clearInterval(timer);
          await app.close();
          await database.close();
        })()),
    };
  } catch (error) {
    clearInterval(timer);
    await app.close();
    await database.close();
    throw error;
  }
}
