// What the sync suites and their job processes share: temp folders, hashes, file listings, job processes and their context.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { guardDriver } from '../../../connectors/guarded-driver';
import { LocalDriver } from '../../../connectors/local/local-driver';
import type { PlatformClient } from '../../../main/services/platform/platform-client';
import { fixedPlatform } from '../../../main/services/sync/agent-platform';
import type { RunContext } from '../../../main/services/sync/binding-runner';
import type { SyncLedger } from '../../../main/services/sync/sync-ledger';
import type { TransferRuntime } from '../../../main/services/transfers/transfer-runtime';

/** One mebibyte. */
export const MiB = 1024 * 1024;

// Job processes run from the repository's root (tsx resolves the script and the project from there).
const ROOT = path.resolve(__dirname, '../../..');

/** The SHA-256 of bytes, in hex. */
export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Temporary folders of one suite, removed together when it ends. */
export class TempFolders {
  private readonly made: string[] = [];

  /** A new empty folder in the system's temp folder, its name starting with `prefix`. */
  make(prefix: string): string {
    const folder = mkdtempSync(path.join(tmpdir(), prefix));
    this.made.push(folder);
    return folder;
  }

  /** Removes every folder made, with what is in it. */
  removeAll(): void {
    for (const folder of this.made) rmSync(folder, { recursive: true, force: true });
  }
}

/** A job process a test started (and may kill): the child, all it printed so far, and its exit. */
export interface JobProcess {
  readonly child: ChildProcess;
  /** Its standard output and error, as printed so far. */
  readonly output: () => string;
  readonly exited: Promise<unknown>;
}

/** Runs `script` (a file of this folder) through tsx, its job given as JSON in the environment variable `variable`. */
export function startJobProcess(script: string, variable: string, job: unknown): JobProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', `tests/unit/sync/${script}`], {
    cwd: ROOT,
    env: { ...process.env, [variable]: JSON.stringify(job) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { child, output: () => output, exited };
}

/** A job process's run context: one local-folder connector, the platform through `client`, activity as JSON lines. */
export function jobContext(
  ledger: SyncLedger,
  root: string,
  client: PlatformClient,
  runtime: TransferRuntime,
): RunContext {
  return {
    ledger,
    drivers: {
      open: async () => guardDriver(new LocalDriver({ root })),
      localLocation: () => {
        throw new Error('not used');
      },
    },
    platform: fixedPlatform(client),
    runtime,
    report: (entry) => process.stdout.write(`${JSON.stringify(entry)}\n`),
    signal: new AbortController().signal,
    stopping: () => false,
  };
}

/** Runs a job process's work; a failure is printed and exits with 1 (the test reads it in the output). */
export function runJob(work: () => Promise<void>): void {
  work().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}

/** Every file under a folder, relative and sorted, hidden ones (staging, partials) included; [] when it is absent. */
export function filesUnder(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else found.push(path.relative(root, full));
    }
  };
  if (existsSync(root)) walk(root);
  return found.sort();
}
