import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';

/** A throwaway PostgreSQL server on 127.0.0.1 (trust auth, temp data dir) and how to get fresh databases on it. */
export interface PostgresServer {
  readonly port: number;
  /** Creates an empty database and returns its connection URL. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/** Where PostgreSQL's binaries are, or why they are missing. */
export type PostgresAvailability =
  { readonly available: true; readonly bin: string } | { readonly available: false; readonly reason: string };

const INSTALL = 'flock /tmp/ferry-apt.lock apt-get install -y --no-install-recommends postgresql';

/**
 * Finds the newest installed PostgreSQL (Debian layout, /usr/lib/postgresql/<version>/bin). Locally a missing one
 * gives a reason to skip with; under CI=true it throws, never skips.
 */
export function postgresAvailability(): PostgresAvailability {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  let reason: string | null = null;
  if (versions.length === 0) reason = `PostgreSQL is not installed (no ${root}/<version>/bin/initdb): ${INSTALL}`;
  else if (process.getuid?.() !== 0)
    reason = 'the PostgreSQL tests need root (they run the server as the postgres user)';
  if (reason === null) return { available: true, bin: path.join(root, versions[0] as string, 'bin') };
  if (process.env.CI === 'true') throw new Error(`CI=true and a required test server is missing: ${reason}`);
  console.warn(`skipping PostgreSQL tests: ${reason}`);
  return { available: false, reason };
}

function asPostgres(bin: string, args: readonly string[]): void {
  const result = spawnSync('runuser', ['-u', 'postgres', '--', bin, ...args], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${path.basename(bin)} failed (${result.status}): ${result.stderr || result.stdout}`.trim());
  }
}

/** initdb into a temp dir owned by postgres, then pg_ctl start on a free loopback port (retried on a clash). */
export async function startPostgres(bin: string): Promise<PostgresServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-pg-'));
  const { uid, gid } = postgresIds();
  chownSync(dir, uid, gid);
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  try {
    asPostgres(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    let port = 0;
    for (let attempt = 0; ; attempt++) {
      port = await freePort();
      // fsync off: a test database needs no durability, and the 2 shared cores thank us.
      const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off`;
      try {
        asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', log, '-w', '-t', '30', 'start']);
        break;
      } catch (error) {
        if (attempt >= 3) throw new Error(`${String(error)}\n${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
      }
    }
    const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
    let stopped = false;
    return {
      port,
      async createDatabase() {
        const name = `ferry_${randomBytes(6).toString('hex')}`;
        const client = new Client({ connectionString: admin });
        await client.connect();
        try {
          await client.query(`create database ${name}`);
        } finally {
          await client.end();
        }
        return `postgres://postgres@127.0.0.1:${port}/${name}`;
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function postgresIds(): { uid: number; gid: number } {
  const result = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const group = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (result.status !== 0 || group.status !== 0) throw new Error('the postgres system user does not exist');
  return { uid: Number(result.stdout.trim()), gid: Number(group.stdout.trim()) };
}
