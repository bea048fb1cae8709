// When a connector's credentials stop working, read from the credentials themselves (no I/O, no secret returned).
import { X509Certificate } from 'node:crypto';
import { CONNECTOR_DESCRIPTORS, isConnectorKind } from '../../shared/connectors/connector-descriptors';
import { parseSasToken } from '../azure-blob/sas-token';

/** The earliest moment a connector's credentials expire, and the option that carries it (never its value). */
export interface CredentialExpiry {
  readonly expiresAt: Date;
  /** The option name, e.g. `sasToken`, `connectionString`, `ca`: what the admin has to renew. */
  readonly source: string;
}

/** Days before a credential's expiry when its users are warned; 0: once it has expired. */
export const EXPIRY_WARNING_DAYS = [14, 3, 0] as const;

const DAY_MS = 86_400_000;

/** The warning threshold `at` falls in (14, 3, or 0 once expired), or null while the expiry is further away. */
export function expiryThreshold(expiresAt: Date, at: Date): number | null {
  const left = expiresAt.getTime() - at.getTime();
  let reached: number | null = null;
  for (const days of EXPIRY_WARNING_DAYS) if (left <= days * DAY_MS) reached = days;
  return reached;
}

const sasExpiryOf = (token: string): Date | null => parseSasToken(token.trim()).expiresAt ?? null;

function sasUrlExpiry(url: string): Date | null {
  const query = url.indexOf('?');
  return query < 0 ? null : sasExpiryOf(url.slice(query + 1));
}

// `...;SharedAccessSignature=sv=...&se=...&sig=...;BlobEndpoint=...`, read as the driver reads it.
function connectionStringExpiry(connectionString: string): Date | null {
  const sas = /SharedAccessSignature=([^;]+)/i.exec(connectionString)?.[1];
  return sas === undefined ? null : sasExpiryOf(sas);
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The earliest `notAfter` of the PEM certificates in `pem`, or null when none parses. */
export function certificateExpiryOf(pem: string): Date | null {
  let earliest: Date | null = null;
  for (const [block] of pem.matchAll(CERTIFICATE_BLOCK)) {
    let validTo: Date;
    try {
      validTo = new X509Certificate(block).validToDate;
    } catch {
      continue;
    }
    if (earliest === null || validTo < earliest) earliest = validTo;
  }
  return earliest;
}

type Found = { readonly expiresAt: Date; readonly source: string };

function azureExpiries(values: Readonly<Record<string, unknown>>): Found[] {
  const auth = typeof values.auth === 'string' ? values.auth : 'sas';
  const text = (name: string): string | undefined =>
    typeof values[name] === 'string' && values[name] !== '' ? (values[name] as string) : undefined;
  const found: Found[] = [];
  const add = (source: string, expiresAt: Date | null) => {
    if (expiresAt !== null) found.push({ expiresAt, source });
  };
  // Only the credentials the chosen sign-in uses: a stale SAS left beside an account key expires nothing.
  if (auth === 'sas') {
    const url = text('sasUrl');
    const token = text('sasToken');
    if (url !== undefined) add('sasUrl', sasUrlExpiry(url));
    if (token !== undefined) add('sasToken', sasExpiryOf(token));
  } else if (auth === 'connectionString') {
    const connectionString = text('connectionString');
    if (connectionString !== undefined) add('connectionString', connectionStringExpiry(connectionString));
  }
  return found;
}

function certificateExpiries(kind: string, values: Readonly<Record<string, unknown>>): Found[] {
  if (!isConnectorKind(kind)) return [];
  const found: Found[] = [];
  for (const [name, spec] of Object.entries(CONNECTOR_DESCRIPTORS[kind].options)) {
    const value = values[name];
    if (spec.type !== 'string' || spec.contents !== 'pem-certificate' || typeof value !== 'string') continue;
    const expiresAt = certificateExpiryOf(value);
    if (expiresAt !== null) found.push({ expiresAt, source: name });
  }
  return found;
}

/**
 * When a connector's credentials expire, from its options and secrets together (`values`): an Azure SAS's `se=`
 * (SAS URL, SAS token, or the SharedAccessSignature of a connection string) and the `notAfter` of PEM certificates
 * in any option holding certificates (FTPS's CA). The earliest wins. Null when nothing carries an expiry: passwords,
 * account keys, SSH private keys, S3 keys and STS session tokens (opaque) and GCS service-account keys have none
 * readable.
 */
export function credentialExpiryOf(kind: string, values: Readonly<Record<string, unknown>>): CredentialExpiry | null {
  const found = [...(kind === 'azure-blob' ? azureExpiries(values) : []), ...certificateExpiries(kind, values)];
  let earliest: CredentialExpiry | null = null;
  for (const candidate of found) {
    if (earliest === null || candidate.expiresAt < earliest.expiresAt) earliest = candidate;
  }
  return earliest;
}
