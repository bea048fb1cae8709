import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { type ServerProcess, startServerProcess } from './server-process';

/** Azurite's development account (public, documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT = {
  name: 'devstoreaccount1',
  key: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
} as const;

const AZURITE_BLOB = join(process.cwd(), 'node_modules', '.bin', 'azurite-blob');

/** A running Azurite blob service on 127.0.0.1, in memory (or on disk with `persistent`). */
export interface AzuriteServer {
  /** http://127.0.0.1:<port>/devstoreaccount1 */
  readonly accountUrl: string;
  readonly connectionString: string;
  output(): string;
  /** Stops Azurite and removes its data. */
  stop(): Promise<void>;
  /** Kills Azurite, cutting every connection (a crash); with `persistent` the data stays for `start`. */
  kill(): Promise<void>;
  /** Starts Azurite again on the same port (after `kill`). */
  start(): Promise<void>;
}

/** Whether Azurite is installed, and why not when it is missing (throws under CI=true). */
export function azuriteAvailability():
  { readonly available: true } | { readonly available: false; readonly reason: string } {
  if (existsSync(AZURITE_BLOB)) return { available: true };
  const reason = `Azurite is not installed (${AZURITE_BLOB} missing): npm install --save-dev azurite@3.36.0`;
  if (process.env.CI === 'true') throw new Error(`CI=true and a required test server is missing: ${reason}`);
  console.warn(`skipping Azurite tests: ${reason}`);
  return { available: false, reason };
}

/**
 * Starts azurite-blob in the foreground on a free loopback port (or `port`: rclone's emulator mode needs
 * Azurite's default 10000) with in-memory persistence (1.5-4 s), or in a temporary folder with `persistent`
 * (so a killed and restarted Azurite still has its blobs).
 */
export async function startAzurite(
  options: { readonly port?: number; readonly persistent?: boolean } = {},
): Promise<AzuriteServer> {
  const port = options.port ?? (await freePort());
  const accountUrl = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT.name}`;
  const location = options.persistent === true ? mkdtempSync(join(tmpdir(), 'ferry-azurite-')) : undefined;
  const launch = (): Promise<ServerProcess> =>
    startServerProcess(
      'azurite-blob',
      AZURITE_BLOB,
      [
        '--blobHost',
        '127.0.0.1',
        '--blobPort',
        String(port),
        '--disableTelemetry',
        '--skipApiVersionCheck',
        '--silent',
        // Azurite refuses --location together with --inMemoryPersistence.
        ...(location === undefined ? ['--inMemoryPersistence'] : ['--location', location]),
      ],
      // Any HTTP answer (400 for a bare GET) means the service listens.
      async () => (await fetch(`${accountUrl}?comp=list`)).status > 0,
      30_000,
    );
  let running: ServerProcess | undefined = await launch();
  const kill = async (): Promise<void> => {
    const current = running;
    running = undefined;
    await current?.stop();
  };
  return {
    accountUrl,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT.name};AccountKey=${AZURITE_ACCOUNT.key};BlobEndpoint=${accountUrl};`,
    output: () => running?.output() ?? '',
    stop: async () => {
      await kill();
      if (location !== undefined) rmSync(location, { recursive: true, force: true });
    },
    kill,
    start: async () => {
      running ??= await launch();
    },
  };
}
