// `ferry platform vault <command>` (npm run platform -- vault rotate): key maintenance with the server's data options.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/open-database';
import { vaultKeyProvider, type VaultDataLocation } from './vault-key-provider';
import { DEFAULT_RETIRE_GRACE_MS, rotateVault } from './vault-rotation';

/** The subcommand's help. */
export const VAULT_HELP = `Ferry platform vault

Usage: npm run platform -- vault rotate [options]

  rotate                  add a key version, re-wrap every secret's data key with it now, then remove the
                          versions no secret uses (with FERRY_VAULT_KEY: put the new key first yourself)
Options:
  --data-dir <dir>        embedded database folder (default ~/.ferry/platform); the server must be stopped
  --database-url <url>    PostgreSQL instead (or env DATABASE_URL); servers on it may keep running
  --vault-key-file <f>    key file (or env FERRY_VAULT_KEY_FILE; default beside the data folder,
                          <data-dir>.vault-keys.json); env FERRY_VAULT_KEY overrides both
  --batch-size <n>        data keys re-wrapped per batch (default 200)
  --help                  this text
`;

/** Runs `vault <args>`, writing a summary (key IDs and counts, never keys or secrets) to `out`. */
export async function runVaultCommand(
  args: readonly string[],
  out: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      'vault-key-file': { type: 'string' },
      'batch-size': { type: 'string', default: '200' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help || positionals.length === 0) {
    out(VAULT_HELP);
    return;
  }
  const [command, ...extra] = positionals;
  if (command !== 'rotate' || extra.length > 0) throw new Error(`unknown vault command: ${positionals.join(' ')}`);
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`--batch-size must be a positive integer`);
  // An empty DATABASE_URL means unset, as for the server.
  const databaseUrl = values['database-url'] ?? (process.env.DATABASE_URL || undefined);
  const dataDir = path.resolve(values['data-dir'] ?? path.join(os.homedir(), '.ferry', 'platform'));
  const location: VaultDataLocation =
    databaseUrl !== undefined ? { kind: 'postgres' } : { kind: 'data-folder', dataDir };
  const keys = vaultKeyProvider(location, {
    ...(values['vault-key-file'] !== undefined ? { keyFile: values['vault-key-file'] } : {}),
  });
  const database = await openDatabase(
    databaseUrl !== undefined
      ? { kind: 'postgres', url: databaseUrl }
      : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') },
  );
  try {
    // A data folder is locked by this process: no server can hold an old key version in memory, so retire now.
    const retireGraceMs = databaseUrl !== undefined ? DEFAULT_RETIRE_GRACE_MS : 0;
    const report = await rotateVault(database.db, keys, { batchSize, retireGraceMs });
    out(`vault keys: ${keys.description}`);
    if (report.added !== null) out(`added key version ${report.added} (active)`);
    else out(`active key version ${report.active} (${keys.description} is managed outside Ferry)`);
    out(`re-wrapped ${report.rewrapped} data key(s)`);
    if (report.resealed > 0) out(`re-sealed ${report.resealed} pending invitation token(s)`);
    if (report.refused > 0)
      out(`${report.refused} secret(s) could not be opened (altered): they must be entered again`);
    if (report.retired.length > 0) out(`retired key version(s) no secret uses: ${report.retired.join(', ')}`);
    if (retireGraceMs > 0 && report.added !== null) {
      out(
        `versions replaced less than ${retireGraceMs / 60_000} minutes ago are kept (running servers may still ` +
          'use them); the next `vault rotate` or the scheduled re-wrap retires them',
      );
    }
    if (report.removable.length > 0) {
      out(
        `no secret uses these key versions any more; remove them from ${keys.description}: ${report.removable.join(', ')}`,
      );
    }
  } finally {
    await database.close();
  }
}
