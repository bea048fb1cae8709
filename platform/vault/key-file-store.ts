// The vault's key file: JSON, mode 0600, several key versions and the active one; rewritten atomically.
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { KeyRing, keyVersion } from './key-ring';
import type { KeyStore } from './managed-key-provider';

/** The first line of defence against reading some other JSON file as keys. */
export const KEY_FILE_FORMAT = 'ferry-vault-keys/1';

/** The key file's shape: `{ format, active, keys: [{ version, key (base64 of 32 bytes), createdAt }] }`. */
interface KeyFileContent {
  readonly format: typeof KEY_FILE_FORMAT;
  readonly active: number;
  readonly keys: ReadonlyArray<{ readonly version: number; readonly key: string; readonly createdAt: string }>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

// Never echoes the content: the message names the file and what is wrong only.
function parse(file: string, text: string): KeyRing {
  const bad = (what: string) =>
    new Error(`the vault key file ${file} is not a Ferry key file (${what}); restore it from your backup`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  if (!isRecord(json) || json.format !== KEY_FILE_FORMAT) throw bad(`format is not ${KEY_FILE_FORMAT}`);
  if (!Number.isInteger(json.active) || !Array.isArray(json.keys)) throw bad('active or keys missing');
  const versions = json.keys.map((entry: unknown, index: number) => {
    if (!isRecord(entry) || !Number.isInteger(entry.version) || typeof entry.key !== 'string') {
      throw bad(`key ${index + 1} has no version or key`);
    }
    const bytes = Buffer.from(entry.key, 'base64');
    if (bytes.length !== 32) throw bad(`key version ${String(entry.version)} is not 32 bytes of base64`);
    const createdAt = typeof entry.createdAt === 'string' ? new Date(entry.createdAt) : new Date(0);
    return keyVersion(entry.version as number, bytes, Number.isNaN(createdAt.getTime()) ? new Date(0) : createdAt);
  });
  if (!versions.some((v) => v.version === json.active)) throw bad(`active version ${String(json.active)} is absent`);
  return new KeyRing(versions, json.active as number);
}

function serialise(ring: KeyRing): string {
  const content: KeyFileContent = {
    format: KEY_FILE_FORMAT,
    active: ring.active.version,
    keys: ring.versions.map((v) => ({
      version: v.version,
      key: v.key.toString('base64'),
      createdAt: v.createdAt.toISOString(),
    })),
  };
  return JSON.stringify(content, null, 2) + '\n';
}

// Written beside the target with 0600 from the first byte, flushed, then renamed over it: never a half-written file.
function writeAtomically(file: string, text: string, exclusive: boolean): void {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    // A first key file never replaces one another process made meanwhile: link fails with EEXIST if one exists.
    if (exclusive) linkSync(temp, file);
    else renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
}

const LOCK_WAIT_MS = 10_000;
const LOCK_STALE_MS = 30_000;

// Blocks briefly without spinning: key file changes are rare (rotation) and short.
const pause = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

// An exclusive `<file>.lock` for a read-change-write of the key file; a lock left by a crashed process goes stale.
function withLock<T>(file: string, run: () => T): T {
  const lock = `${file}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      if (age > LOCK_STALE_MS) rmSync(lock, { force: true });
      else if (Date.now() > deadline) {
        throw new Error(`the vault key file ${file} is being changed by another process (or remove ${lock})`);
      } else pause(50);
    }
  }
  try {
    return run();
  } finally {
    rmSync(lock, { force: true });
  }
}

/**
 * A key store over `file`: created 0600 with one random version when missing, tightened to 0600 when wider, read
 * again whenever it changes on disk (another process rotated).
 */
export function keyFileStore(file: string): KeyStore {
  let cached: { readonly stamp: string; readonly ring: KeyRing } | undefined;
  const stampOf = (): string | null => {
    try {
      const s = statSync(file);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  };
  const load = (): KeyRing => {
    let stamp = stampOf();
    if (stamp === null) {
      const first = new KeyRing([keyVersion(1, randomBytes(32))], 1);
      try {
        writeAtomically(file, serialise(first), true);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      stamp = stampOf();
    }
    if (cached?.stamp === stamp) return cached.ring;
    if (process.platform !== 'win32') chmodSync(file, 0o600);
    const ring = parse(file, readFileSync(file, 'utf8'));
    cached = { stamp: stamp ?? '', ring };
    return ring;
  };
  return {
    description: `the key file ${file}`,
    load,
    update: (change) =>
      withLock(file, () => {
        cached = undefined; // the latest on disk, not what this process saw last
        const current = load();
        const next = change(current);
        if (next !== current) writeAtomically(file, serialise(next), false);
        return next;
      }),
  };
}
