import { createHash } from 'node:crypto';

/** OpenSSH's SHA256 fingerprint of a public key blob: 'SHA256:' + unpadded base64, as `ssh-keygen -lf` prints it. */
export function sshFingerprint(keyBlob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Compares two SHA256 host-key fingerprints, tolerating a missing 'SHA256:' prefix and base64 padding. */
export function sameSshFingerprint(a: string, b: string): boolean {
  const canonical = (f: string): string =>
    f
      .trim()
      .replace(/^SHA256:/i, '')
      .replace(/=+$/, '');
  return canonical(a) === canonical(b);
}
