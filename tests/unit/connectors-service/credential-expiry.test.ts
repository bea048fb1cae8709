import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  ContainerSASPermissions,
  generateAccountSASQueryParameters,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { afterAll, describe, expect, it } from 'vitest';
import { certificateExpiryOf, credentialExpiryOf } from '../../../connectors/config/credential-expiry';
import { AZURITE_ACCOUNT } from '../../servers/azurite-server';
import { generateCertificate } from '../../servers/tls-certificate';
import { runTool } from '../../servers/run-tool';

const key = new StorageSharedKeyCredential(AZURITE_ACCOUNT.name, AZURITE_ACCOUNT.key);
// The SDK writes `se` to the second: compare at that precision.
const inDays = (days: number) => new Date(Math.floor((Date.now() + days * 86_400_000) / 1000) * 1000);

function containerSas(expiresOn: Date): string {
  return generateBlobSASQueryParameters(
    { containerName: 'data', permissions: ContainerSASPermissions.parse('rl'), expiresOn },
    key,
  ).toString();
}

function accountSas(expiresOn: Date): string {
  return generateAccountSASQueryParameters(
    {
      expiresOn,
      permissions: AccountSASPermissions.parse('rl'),
      resourceTypes: AccountSASResourceTypes.parse('sco').toString(),
      services: AccountSASServices.parse('b').toString(),
    },
    key,
  ).toString();
}

const dir = mkdtempSync(join(tmpdir(), 'ferry-expiry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed certificate valid for `days` days, made by openssl. */
function certificateFor(days: number, name: string): string {
  const path = join(dir, `${name}.pem`);
  runTool('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout',
    join(dir, `${name}-key.pem`), '-out', path, '-days', String(days), '-subj', `/CN=${name}`,
  ]); // prettier-ignore
  return readFileSync(path, 'utf8');
}

describe('credentialExpiryOf: Azure SAS', () => {
  it('reads se= of a SAS token, with or without the leading "?"', () => {
    const expires = inDays(10);
    const token = containerSas(expires);
    expect(token).toMatch(/(^|&)se=/);
    expect(credentialExpiryOf('azure-blob', { auth: 'sas', sasToken: token })).toEqual({
      expiresAt: expires,
      source: 'sasToken',
    });
    expect(credentialExpiryOf('azure-blob', { sasToken: `?${token}` })?.expiresAt).toEqual(expires);
  });

  it('reads se= of a container SAS URL and of an account SAS URL', () => {
    const expires = inDays(3);
    const url = `https://acme.blob.core.windows.net/data?${containerSas(expires)}`;
    expect(credentialExpiryOf('azure-blob', { auth: 'sas', sasUrl: url })).toEqual({
      expiresAt: expires,
      source: 'sasUrl',
    });
    const later = inDays(40);
    const account = `https://acme.blob.core.windows.net?${accountSas(later)}`;
    expect(credentialExpiryOf('azure-blob', { sasUrl: account })?.expiresAt).toEqual(later);
  });

  it('reads the SharedAccessSignature of a connection string, and nothing from an account key one', () => {
    const expires = inDays(1);
    const connectionString = `BlobEndpoint=https://acme.blob.core.windows.net/;SharedAccessSignature=${accountSas(expires)}`;
    expect(credentialExpiryOf('azure-blob', { auth: 'connectionString', connectionString })).toEqual({
      expiresAt: expires,
      source: 'connectionString',
    });
    const withKey = `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${AZURITE_ACCOUNT.key};EndpointSuffix=core.windows.net`;
    expect(credentialExpiryOf('azure-blob', { auth: 'connectionString', connectionString: withKey })).toBeNull();
  });

  it('takes only the chosen sign-in method, and the earliest of its credentials', () => {
    const sooner = inDays(2);
    const sasToken = containerSas(sooner);
    expect(credentialExpiryOf('azure-blob', { auth: 'accountKey', accountKey: 'x', sasToken })).toBeNull();
    const sasUrl = `https://acme.blob.core.windows.net/data?${containerSas(inDays(20))}`;
    expect(credentialExpiryOf('azure-blob', { sasUrl, sasToken })).toEqual({
      expiresAt: inDays(2),
      source: 'sasToken',
    });
  });

  it('is null for a SAS under a stored access policy (no se=), and for a broken one', () => {
    expect(credentialExpiryOf('azure-blob', { sasToken: 'sv=2022-11-02&si=policy1&sr=c&sig=abc%3D' })).toBeNull();
    expect(credentialExpiryOf('azure-blob', { sasToken: 'sv=2022-11-02&se=tomorrow&sig=abc' })).toBeNull();
    expect(credentialExpiryOf('azure-blob', { sasUrl: 'https://acme.blob.core.windows.net/data' })).toBeNull();
  });

  it('reads an already expired SAS as its past expiry', () => {
    const past = inDays(-2);
    expect(credentialExpiryOf('azure-blob', { sasToken: containerSas(past) })?.expiresAt).toEqual(past);
  });
});

describe('credentialExpiryOf: certificates', () => {
  it('reads the notAfter of an FTPS CA certificate (an openssl-made CA and server certificate)', () => {
    const generated = generateCertificate(dir);
    const expiry = credentialExpiryOf('ftps', { host: 'h', username: 'u', ca: generated.caPem });
    expect(expiry?.source).toBe('ca');
    expect(Math.abs((expiry?.expiresAt.getTime() ?? 0) - inDays(30).getTime())).toBeLessThan(120_000);
  });

  it('takes the earliest certificate of a bundle', () => {
    const bundle = `${certificateFor(90, 'later')}\n${certificateFor(5, 'sooner')}`;
    const expiry = certificateExpiryOf(bundle);
    expect(Math.abs((expiry?.getTime() ?? 0) - inDays(5).getTime())).toBeLessThan(120_000);
    expect(credentialExpiryOf('ftps', { ca: bundle })?.expiresAt).toEqual(expiry);
  });

  it('is null where nothing carries an expiry', () => {
    expect(credentialExpiryOf('ftps', { host: 'h', username: 'u', password: 'p' })).toBeNull();
    expect(credentialExpiryOf('sftp', { host: 'h', username: 'u', password: 'p' })).toBeNull();
    expect(
      credentialExpiryOf('s3', { bucket: 'b', accessKeyId: 'AKIA', secretAccessKey: 's', sessionToken: 't' }),
    ).toBeNull();
    const serviceAccountJson = JSON.stringify({ type: 'service_account', private_key: 'x', client_email: 'a@b' });
    expect(credentialExpiryOf('gcs', { bucket: 'b', serviceAccountJson })).toBeNull();
    expect(credentialExpiryOf('unknown-kind', { ca: certificateFor(5, 'other') })).toBeNull();
    expect(certificateExpiryOf('-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----')).toBeNull();
  });
});
