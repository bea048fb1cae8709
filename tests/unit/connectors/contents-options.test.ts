import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/connector-error';
import { createDefaultRegistry } from '../../../connectors/default-registry';
import { optionsSchemaOf } from '../../../shared/connectors/connector-descriptor';
import { CONNECTOR_DESCRIPTORS } from '../../../shared/connectors/connector-descriptors';
import { contentsProblem, looksLikePath } from '../../../shared/connectors/option-contents';
import { generateCertificate, type TestCertificate } from '../../servers/tls-certificate';

const registry = createDefaultRegistry();
const sftp = { host: '127.0.0.1', username: 'u' };
const ftps = { host: '127.0.0.1', username: 'u', password: 'p' };

const refusal = (kind: string, options: Record<string, unknown>): ConnectorError => {
  try {
    registry.create({ kind, options });
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('InvalidInput');
    return error as ConnectorError;
  }
  throw new Error(`${kind} options were accepted`);
};

const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

describe('options that take the contents of a file', () => {
  let dir = '';
  let cert: TestCertificate;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-contents-'));
    cert = generateCertificate(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('descriptors say which options take contents, and what kind', () => {
    expect(CONNECTOR_DESCRIPTORS.sftp.options.privateKey.contents).toBe('private-key');
    expect(CONNECTOR_DESCRIPTORS.ftps.options.ca.contents).toBe('pem-certificate');
    expect(CONNECTOR_DESCRIPTORS.gcs.options.serviceAccountJson.contents).toBe('json');
  });

  it('recognises file paths on every platform, and not contents', () => {
    for (const path of [
      '/root/.ssh/id_ed25519',
      '~/.ssh/id_rsa',
      './ca.pem',
      '..\\keys\\k.key',
      'C:\\Users\\me\\sa.json',
    ]) {
      expect(looksLikePath(path), path).toBe(true);
    }
    for (const path of ['\\\\server\\share\\ca.crt', 'file:///etc/ssl/ca.pem', 'id_ed25519', 'service-account.json']) {
      expect(looksLikePath(path), path).toBe(true);
    }
    expect(looksLikePath(privateKey)).toBe(false);
    expect(looksLikePath('{"type":"service_account"}')).toBe(false);
  });

  it('refuses a path given for a private key, with a hint and without repeating the value', () => {
    for (const path of ['/home/me/.ssh/id_ed25519', '~/.ssh/id_rsa', 'C:\\keys\\deploy.pem']) {
      const error = refusal('sftp', { ...sftp, privateKey: path });
      expect(error.message).toContain("takes the file's contents");
      expect(error.message).toContain('not a path');
      expect(error.message).toContain('$(cat <file>)');
      expect(error.message).not.toContain(path);
    }
  });

  it('accepts the text of a private key, and refuses a public key or other text', () => {
    expect(() => registry.create({ kind: 'sftp', options: { ...sftp, privateKey } })).not.toThrow();
    expect(refusal('sftp', { ...sftp, privateKey: publicKey }).message).toContain('public key');
    expect(refusal('sftp', { ...sftp, privateKey: 'ssh-ed25519 AAAAC3Nza me@host' }).message).toContain('public key');
    expect(refusal('sftp', { ...sftp, privateKey: 'hunter2' }).message).toContain('is not a private key');
    expect(refusal('sftp', { ...sftp, privateKey: 'hunter2' }).message).not.toContain('hunter2');
  });

  it('refuses a CA that is a path, not PEM, a private key or an unreadable certificate; accepts a real one', () => {
    expect(refusal('ftps', { ...ftps, ca: '/etc/ssl/private-ca.pem' }).message).toContain('not a path');
    expect(refusal('ftps', { ...ftps, ca: 'my company CA' }).message).toContain('is not a PEM certificate');
    expect(refusal('ftps', { ...ftps, ca: privateKey }).message).toContain('private key, not a certificate');
    const garbled = `-----BEGIN CERTIFICATE-----\n${Buffer.alloc(300, 7).toString('base64')}\n-----END CERTIFICATE-----\n`;
    const unreadable = refusal('ftps', { ...ftps, ca: garbled });
    expect(unreadable.message).toContain('not a readable X.509 certificate');
    const truncated = cert.caPem.slice(0, cert.caPem.length - 30);
    expect(refusal('ftps', { ...ftps, ca: truncated }).message).toContain('is not a PEM certificate');
    expect(() => registry.create({ kind: 'ftps', options: { ...ftps, ca: cert.caPem } })).not.toThrow();
    expect(() =>
      registry.create({ kind: 'ftps', options: { ...ftps, ca: `${cert.caPem}\n${cert.certPem}` } }),
    ).not.toThrow();
  });

  it('refuses a path or non-JSON for a service-account key, in the schema forms and the desktop use too', () => {
    const schema = optionsSchemaOf(CONNECTOR_DESCRIPTORS.gcs);
    const path = schema.safeParse({ bucket: 'my-bucket', serviceAccountJson: '/secrets/sa.json' });
    expect(path.success).toBe(false);
    expect(path.error?.issues[0]?.message).toContain('not a path');
    const text = schema.safeParse({ bucket: 'my-bucket', serviceAccountJson: 'not json' });
    expect(text.error?.issues[0]?.message).toContain('is not valid JSON');
    expect(schema.safeParse({ bucket: 'my-bucket', serviceAccountJson: '{"type":"service_account"}' }).success).toBe(
      true,
    );
    expect(contentsProblem('json', '')).toBeUndefined();
  });
});
