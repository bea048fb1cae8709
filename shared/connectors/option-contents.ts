/**
 * What an option that takes the CONTENTS of a file expects: PEM certificate(s), a private key (OpenSSH, PEM or
 * PuTTY), or a JSON document. Such options never read a file themselves: a value that looks like a path is refused
 * with a hint, the same way in forms, config files, environment variables and on the platform (which must never
 * read its own disk on a user's behalf).
 */
export type OptionContents = 'pem-certificate' | 'private-key' | 'json';

/** How the contents are named in listings and messages. */
export function contentsLabel(contents: OptionContents): string {
  switch (contents) {
    case 'pem-certificate':
      return 'PEM certificate text';
    case 'private-key':
      return 'private key text';
    case 'json':
      return 'JSON text';
  }
}

// One line that reads as a file location: absolute, home- or dot-relative, a Windows drive or share, a file URL,
// or a name with a key/certificate/JSON file extension.
const PATH_LIKE =
  /^(?:\/|~(?:[\\/]|$)|\.{1,2}[\\/]|[A-Za-z]:[\\/]|\\\\|file:)|\.(?:pem|crt|cer|key|json|pub|ppk|p12|pfx)$|(?:^|[\\/])id_(?:rsa|dsa|ecdsa|ed25519)$/i;

/** Whether a value is one line that looks like a file path rather than a file's contents. */
export function looksLikePath(value: string): boolean {
  const trimmed = value.trim();
  return trimmed !== '' && !/[\r\n]/.test(trimmed) && !trimmed.includes('-----BEGIN') && PATH_LIKE.test(trimmed);
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
const BASE64_BODY = /^[A-Za-z0-9+/=\s]+$/;

function certificateProblem(value: string): string | undefined {
  if (/PRIVATE KEY-----/.test(value)) {
    return 'holds a private key, not a certificate: give the CA certificate (never a private key) here';
  }
  const blocks = [...value.matchAll(CERTIFICATE_BLOCK)];
  const begins = value.split('-----BEGIN CERTIFICATE-----').length - 1;
  if (blocks.length === 0 || blocks.length !== begins) {
    return 'is not a PEM certificate: expected one or more blocks from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----';
  }
  if (blocks.some((block) => !BASE64_BODY.test(block[1] ?? '') || (block[1] ?? '').trim().length < 64)) {
    return 'is not a PEM certificate: a -----BEGIN CERTIFICATE----- block does not hold base64 data';
  }
  return undefined;
}

function privateKeyProblem(value: string): string | undefined {
  const trimmed = value.trim();
  if (/^-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]+-----END [A-Z0-9 ]*PRIVATE KEY-----$/.test(trimmed))
    return undefined;
  if (/^PuTTY-User-Key-File-\d+:/.test(trimmed)) return undefined;
  if (/^(?:ssh-|ecdsa-sha2-)\S+ AAAA/.test(trimmed) || trimmed.includes('PUBLIC KEY-----')) {
    return 'holds a public key: give the private key (the file without .pub)';
  }
  return 'is not a private key: expected the text of the key file, from -----BEGIN ... PRIVATE KEY----- to its END line';
}

function jsonProblem(value: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return 'is not valid JSON: paste the whole text of the JSON file';
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? undefined
    : 'is not a JSON object: paste the whole text of the JSON file';
}

/**
 * Why a value is not acceptable contents, or undefined when it is (empty values are left to `required`). The
 * message never repeats the value: these options are often secrets.
 */
export function contentsProblem(contents: OptionContents, value: string): string | undefined {
  if (value.trim() === '') return undefined;
  if (looksLikePath(value)) {
    return (
      `takes the file's contents (${contentsLabel(contents)}), not a path to the file: paste the text of the file ` +
      `(from a shell: "$(cat <file>)"); Ferry does not read files named in options`
    );
  }
  switch (contents) {
    case 'pem-certificate':
      return certificateProblem(value);
    case 'private-key':
      return privateKeyProblem(value);
    case 'json':
      return jsonProblem(value);
  }
}
