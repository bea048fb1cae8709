import { type Client, FTPError } from 'basic-ftp';
import { type HashAlgorithm } from '../../shared/connectors/hash-algorithm';
import { ConnectorError } from '../connector-error';
import { mapFtpError } from './map-ftp-error';

/** How an FTP server can hash a stored file: the HASH command (draft-bryan-ftpext-hash) or an X command. */
export type FtpHashMethod =
  | { readonly kind: 'hash'; readonly name: string; readonly hexLength: number }
  | { readonly kind: 'x-command'; readonly command: string; readonly hexLength: number };

/** What the server answered: a digest, or a refusal of the command itself (`lasting`: for every file). */
export type FtpHashAnswer =
  { readonly kind: 'digest'; readonly hex: string } | { readonly kind: 'refused'; readonly lasting: boolean };

// The HASH draft's names, the X commands servers (proftpd mod_digest, Serv-U, FileZilla Server) offer, hex lengths.
const NAMES: Partial<
  Record<HashAlgorithm, { readonly hash: string; readonly commands: readonly string[]; readonly hexLength: number }>
> = {
  sha256: { hash: 'SHA-256', commands: ['XSHA256'], hexLength: 64 },
  sha1: { hash: 'SHA-1', commands: ['XSHA1', 'XSHA'], hexLength: 40 },
  md5: { hash: 'MD5', commands: ['XMD5'], hexLength: 32 },
};

/**
 * The way to ask this server for `algorithm`, from its FEAT (basic-ftp's map: `HASH` -> `CRC32;MD5;SHA-1*;SHA-256;`):
 * HASH when it lists the algorithm, else the matching X command, else undefined.
 */
export function ftpHashMethod(
  features: ReadonlyMap<string, string>,
  algorithm: HashAlgorithm,
): FtpHashMethod | undefined {
  const spec = NAMES[algorithm];
  if (spec === undefined) return undefined;
  const upper = new Map([...features].map(([key, value]) => [key.toUpperCase(), value]));
  const offered = (upper.get('HASH') ?? '')
    .split(';')
    .map((name) => name.trim().replace(/\*$/, '').toUpperCase())
    .filter((name) => name !== '');
  if (upper.has('HASH') && offered.includes(spec.hash)) {
    return { kind: 'hash', name: spec.hash, hexLength: spec.hexLength };
  }
  const command = spec.commands.find((name) => upper.has(name));
  return command === undefined ? undefined : { kind: 'x-command', command, hexLength: spec.hexLength };
}

// The last line of a (possibly multi-line) reply, without its code: `213-Computing...` lines come first.
function finalLine(message: string): string {
  const lines = message.split(/\r?\n/).filter((line) => line.trim() !== '');
  return (lines.at(-1) ?? '').replace(/^\d{3}[ -]?/, '').trim();
}

/** The digest in a HASH reply (`213 SHA-256 0-<end> <hex> <path>`) for the whole file, or undefined. */
export function parseHashReply(
  message: string,
  method: { readonly name: string; readonly hexLength: number },
): string | undefined {
  const match = /^(\S+) (\d+)-(\d+) ([0-9a-fA-F]+) /.exec(`${finalLine(message)} `);
  if (match === null || match[1]?.toUpperCase() !== method.name || match[2] !== '0') return undefined;
  const hex = match[4] ?? '';
  return hex.length === method.hexLength ? hex.toLowerCase() : undefined;
}

/**
 * The digest in an X command's reply: `250 <hex>`, `250 <hex> <path>` or `250 <path> <hex>` depending on the server;
 * the path is removed first (a file may be named like a digest), then exactly one hex word of the right length.
 */
export function parseXCommandReply(message: string, path: string, hexLength: number): string | undefined {
  let text = finalLine(message);
  for (const named of [`"${path}"`, path]) {
    if (text.endsWith(` ${named}`)) text = text.slice(0, -named.length - 1);
    else if (text.startsWith(`${named} `)) text = text.slice(named.length + 1);
  }
  const words = new Set(
    text
      .split(/\s+/)
      .filter((word) => word.length === hexLength && /^[0-9a-fA-F]+$/.test(word))
      .map((word) => word.toLowerCase()),
  );
  return words.size === 1 ? [...words][0] : undefined;
}

// Slowest hashing rate a server is given time for: proftpd sends nothing while it reads (measured ~100 MB/s here).
const SLOWEST_HASH_BYTES_PER_MS = 20_000;

/**
 * How long to wait for a hash reply on a connection whose idle timeout is `idleMs` (0: none): the server stays
 * silent while it reads the file, so a 4 GiB file would otherwise hit a 30 s timeout, and every retry with it.
 */
export function hashReplyTimeoutMs(size: number, idleMs: number): number {
  return idleMs === 0 ? 0 : idleMs + Math.ceil(size / SLOWEST_HASH_BYTES_PER_MS);
}

// The HASH algorithm selected on each control connection (OPTS HASH is per session; proftpd starts with SHA-1).
const selected = new WeakMap<Client, string>();

// Refusals of the command itself rather than of this file: not implemented, or not allowed for this account.
const COMMAND_MISSING = new Set([500, 502, 504]);
const NOT_ALLOWED = /not permitted|permission|denied|not allowed/i;

/**
 * Asks the server for the digest of the file at `remote` (an absolute path, the rest of the line: FTP has no quoting;
 * X commands get double quotes around a path with spaces, as proftpd reads their arguments as words).
 * A refusal of the command (500/502/504, "not permitted") or an answer that is not a digest is `refused`: the copy
 * then falls back to its other checks. A refusal about the file (550 missing, 553 not a file, 45x busy) is a
 * ConnectorError, as the file was just written and the copy must not pass as merely unverified.
 */
export async function askFtpServerHash(
  client: Pick<Client, 'send'>,
  method: FtpHashMethod,
  remote: string,
  path: string,
): Promise<FtpHashAnswer> {
  if (/[\r\n\0]/.test(remote)) {
    throw new ConnectorError('InvalidInput', `A path with a line break cannot be sent to an FTP server: ${path}`, {
      path,
    });
  }
  try {
    if (method.kind === 'hash') {
      if (selected.get(client as Client) !== method.name) {
        const reply = await client.send(`OPTS HASH ${method.name}`);
        if (finalLine(reply.message).toUpperCase() !== method.name) return { kind: 'refused', lasting: true };
        selected.set(client as Client, method.name);
      }
      const hex = parseHashReply((await client.send(`HASH ${remote}`)).message, method);
      return hex === undefined ? { kind: 'refused', lasting: true } : { kind: 'digest', hex };
    }
    if (/\s/.test(remote) && remote.includes('"')) return { kind: 'refused', lasting: false };
    const argument = /\s/.test(remote) ? `"${remote}"` : remote;
    const hex = parseXCommandReply(
      (await client.send(`${method.command} ${argument}`)).message,
      remote,
      method.hexLength,
    );
    return hex === undefined ? { kind: 'refused', lasting: true } : { kind: 'digest', hex };
  } catch (error) {
    if (!(error instanceof FTPError)) throw error;
    if (COMMAND_MISSING.has(error.code)) return { kind: 'refused', lasting: true };
    if (error.code === 501 || (error.code >= 500 && NOT_ALLOWED.test(error.message))) {
      return { kind: 'refused', lasting: false };
    }
    const mapped = mapFtpError(error, path);
    const reply = error.message.replace(/\s+/g, ' ').trim();
    throw new ConnectorError(mapped.code, `The server could not hash ${path} (${reply})`, { path, cause: error });
  }
}
