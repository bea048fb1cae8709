import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Seals short secrets (invitation tokens) with AES-256-GCM under a key kept outside the database, so an admin can
 * copy an invitation link again while a database reader alone cannot use it.
 */
export class TokenSealer {
  private readonly key: Buffer;

  /** Uses a 32-byte key. */
  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new Error('the sealing key must be 32 bytes');
    this.key = Buffer.from(key);
  }

  /** A sealer with a random key that lives as long as the process (links cannot be shown after a restart). */
  static ephemeral(): TokenSealer {
    return new TokenSealer(randomBytes(32));
  }

  /** A sealer whose key is read from a file, created (mode 0600) with a random key if missing. */
  static fromKeyFile(file: string): TokenSealer {
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    else chmodSync(file, 0o600);
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
    return new TokenSealer(key);
  }

  /** `v1.<iv>.<ciphertext+tag>` in base64url. */
  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `v1.${iv.toString('base64url')}.${data.toString('base64url')}`;
  }

  /** The plain text, or null when it was sealed under another key or altered. */
  open(sealed: string): string | null {
    const [version, iv, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !data) return null;
    const bytes = Buffer.from(data, 'base64url');
    if (bytes.length < 16) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
