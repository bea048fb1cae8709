import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** The kinds of bearer secrets the platform issues, each with its recognisable prefix. */
export const TOKEN_PREFIXES = {
  session: 'ferry_st_',
  apiKey: 'ferry_ak_',
  invitation: 'ferry_inv_',
  passwordReset: 'ferry_pr_',
} as const;

/** A kind of bearer secret. */
export type TokenKind = keyof typeof TOKEN_PREFIXES;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_CHARS = 43; // 62^43 > 2^256
const CHECKSUM_CHARS = 6; // 62^6 > 2^32

function base62(value: bigint, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = ALPHABET[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out;
}

function checksum(body: string): string {
  return base62(BigInt(crc32(body)), CHECKSUM_CHARS);
}

/**
 * A new secret: prefix + 256 random bits in base62 + a CRC32 checksum of both (base62), like GitHub's tokens, so
 * secret scanners recognise it and a mistyped one is refused before any database lookup.
 */
export function newSecretToken(kind: TokenKind): string {
  const body = TOKEN_PREFIXES[kind] + base62(BigInt('0x' + randomBytes(32).toString('hex')), RANDOM_CHARS);
  return body + checksum(body);
}

/** Which kind a well-formed secret is (prefix, length, alphabet and checksum all right), or null. */
export function tokenKindOf(token: string): TokenKind | null {
  for (const kind of Object.keys(TOKEN_PREFIXES) as TokenKind[]) {
    const prefix = TOKEN_PREFIXES[kind];
    if (!token.startsWith(prefix) || token.length !== prefix.length + RANDOM_CHARS + CHECKSUM_CHARS) continue;
    const body = token.slice(0, -CHECKSUM_CHARS);
    if (!/^[0-9A-Za-z]+$/.test(token.slice(prefix.length))) return null;
    return checksum(body) === token.slice(-CHECKSUM_CHARS) ? kind : null;
  }
  return null;
}

/** The stored form of a secret: its sha256 in hex (256-bit secrets need no salt or slow hash). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A random opaque identifier with a readable prefix (`org_`, `usr_`, ...): 128 random bits in base62. */
export function newId(prefix: string): string {
  return prefix + '_' + base62(BigInt('0x' + randomBytes(16).toString('hex')), 22);
}
