// The issue 12 flow through the HTTP API only: two organisations (a provider and a buyer, each with its own admin),
// their connectors, a published subscription fed by an SFTP folder, its acquisition and delivery target, scans run
// until a file joins the offer, and waits for its delivery. Works on an in-process app (inject) or a real server.
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Driver } from '../../../connectors/driver';
import { sshdSftpOptions, swiftS3Options } from '../../kit/server-options';
import type { SshdServer } from '../../servers/sshd-server';
import type { SwiftServer } from '../../servers/swift-server';

/** A JSON answer, read field by field. */
export interface Answer {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test answers are read field by field
  readonly body: any;
}

/** One call of the platform's API: method, URL, bearer token, JSON body. */
export type Api = (method: string, url: string, token?: string, body?: unknown) => Promise<Answer>;

const parsed = (text: string): unknown => (text === '' ? null : JSON.parse(text));

/** The API of an in-process app, through inject. */
export function injectApi(app: FastifyInstance): Api {
  return async (method, url, token, body) => {
    const res = await app.inject({
      method: method as 'GET',
      url,
      ...(token !== undefined ? { headers: { authorization: `Bearer ${token}` } } : {}),
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    return { status: res.statusCode, body: parsed(res.body) };
  };
}

/** The API of a platform listening at `base`, over HTTP. */
export function httpApi(base: string): Api {
  return async (method, url, token, body) => {
    const res = await fetch(base + url, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: parsed(await res.text()) };
  };
}

/** Expects `status` and returns the body, showing the answer when it differs. */
export async function ok(answer: Promise<Answer>, status: number): Promise<Answer['body']> {
  const res = await answer;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

/** An organisation and the token of one of its admins. */
export interface OrgSession {
  readonly orgId: string;
  readonly token: string;
}

const PASSWORD = 'correct horse battery';

/**
 * First-run setup makes the provider organisation (Ada, its admin); Ada creates the buyer organisation and invites
 * Bob as its admin, who accepts and removes Ada from it: from then on each side is one person's.
 */
export async function twoOrganisations(api: Api): Promise<{ provider: OrgSession; buyer: OrgSession }> {
  const setup = await ok(
    api('POST', '/v1/setup', undefined, {
      organisationName: 'Provider Co',
      name: 'Ada Admin',
      email: 'ada@provider.example',
      password: PASSWORD,
    }),
    201,
  );
  const provider = { orgId: setup.organisation.id as string, token: setup.token as string };
  const buyerOrg = await ok(api('POST', '/v1/orgs', provider.token, { name: 'Buyer Co' }), 201);
  const invited = await ok(
    api('POST', `/v1/orgs/${buyerOrg.id}/invitations`, provider.token, {
      email: 'bob@buyer.example',
      role: 'admin',
      language: 'en',
    }),
    201,
  );
  const token = new URL(invited.link as string).searchParams.get('token');
  const accepted = await ok(
    api('POST', '/v1/invitations/accept', undefined, { token, name: 'Bob Buyer', password: PASSWORD }),
    201,
  );
  const buyer = { orgId: buyerOrg.id as string, token: accepted.token as string };
  // Ada leaves the buyer's organisation (which ends her sessions): the provider's side cannot read the buyer's.
  await ok(api('DELETE', `/v1/orgs/${buyer.orgId}/members/${setup.user.id}`, buyer.token), 204);
  const login = await ok(
    api('POST', '/v1/auth/login', undefined, { email: 'ada@provider.example', password: PASSWORD }),
    200,
  );
  return { provider: { orgId: provider.orgId, token: login.token as string }, buyer };
}

/** An SFTP connector to the test sshd made as an admin does: created, tested (unknown host key), trusted, tested ok. */
export async function sftpConnector(api: Api, org: OrgSession, sshd: SshdServer, name: string): Promise<string> {
  const { password, ...options } = sshdSftpOptions(sshd, { pin: false });
  const base = `/v1/orgs/${org.orgId}/connectors`;
  const created = await ok(api('POST', base, org.token, { name, kind: 'sftp', options, secrets: { password } }), 201);
  const first = await ok(api('POST', `${base}/${created.id}/test`, org.token), 200);
  expect(first.identity?.fingerprint).toBe(sshd.hostKeyFingerprint);
  await ok(api('POST', `${base}/${created.id}/trust`, org.token, { fingerprint: first.identity.fingerprint }), 200);
  const second = await ok(api('POST', `${base}/${created.id}/test`, org.token), 200);
  expect(second.report.ok, JSON.stringify(second.report)).toBe(true);
  return created.id as string;
}

/** An S3 connector on the test Swift's `bucket` (the secret key given as a secret), tested ok. */
export async function s3Connector(
  api: Api,
  org: OrgSession,
  swift: SwiftServer,
  bucket: string,
  name: string,
): Promise<string> {
  const { secretAccessKey, ...options } = swiftS3Options(swift, bucket);
  const base = `/v1/orgs/${org.orgId}/connectors`;
  const created = await ok(
    api('POST', base, org.token, { name, kind: 's3', options, secrets: { secretAccessKey } }),
    201,
  );
  const tested = await ok(api('POST', `${base}/${created.id}/test`, org.token), 200);
  expect(tested.report.ok, JSON.stringify(tested.report)).toBe(true);
  return created.id as string;
}

/** A subscription offer fed by `folder` of the connector (all history to new subscribers), published. */
export async function publishedSubscription(
  api: Api,
  provider: OrgSession,
  connectorId: string,
  folder: string,
  title: string,
): Promise<string> {
  const base = `/v1/orgs/${provider.orgId}/offers`;
  const offer = await ok(
    api('POST', base, provider.token, {
      title,
      kind: 'subscription',
      subscription: {
        source: { type: 'connector', connectorId, folder },
        // Weekly: the minute sweep scans a new offer once, the tests' own scans do the rest.
        scanIntervalMinutes: 7 * 24 * 60,
        historyPolicy: { type: 'all' },
        deliveryFrequency: 'as-added',
      },
    }),
    201,
  );
  const published = await ok(api('POST', `${base}/${offer.id}/publish`, provider.token), 200);
  expect(published.status).toBe('published');
  return offer.id as string;
}

/** The buyer finds the offer in its catalog and subscribes for a month; the acquisition's ID. */
export async function subscribe(api: Api, buyer: OrgSession, offerId: string): Promise<string> {
  const catalog = await ok(api('GET', `/v1/orgs/${buyer.orgId}/catalog?kind=subscription`, buyer.token), 200);
  expect(catalog.items.map((o: { id: string }) => o.id)).toContain(offerId);
  const acquisition = await ok(
    api('POST', `/v1/orgs/${buyer.orgId}/acquisitions`, buyer.token, { offerId, months: 1 }),
    201,
  );
  expect(acquisition).toMatchObject({ kind: 'subscription', status: 'active' });
  return acquisition.id as string;
}

/** A delivery target of the acquisition: the buyer's connector, a folder and a naming pattern; its ID. */
export async function deliveryTarget(
  api: Api,
  buyer: OrgSession,
  acquisitionId: string,
  target: { readonly connectorId: string; readonly folder: string; readonly namingPattern: string },
): Promise<string> {
  const created = await ok(
    api('POST', `/v1/orgs/${buyer.orgId}/acquisitions/${acquisitionId}/targets`, buyer.token, {
      type: 'connector',
      ...target,
    }),
    201,
  );
  return created.id as string;
}

/** Polls `probe` until it returns a value (not undefined); fails naming `what` after `ms`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms: number, everyMs = 200) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) expect.fail(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** An offer file as its provider lists it. */
export interface OfferFileView {
  readonly id: string;
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  readonly status: string;
  readonly origin: string;
}

/** The offer's files at `filePath` (every version), as the provider lists them. */
export async function offerFilesAt(api: Api, provider: OrgSession, offerId: string, filePath: string) {
  const page = await ok(
    api('GET', `/v1/orgs/${provider.orgId}/offers/${offerId}/files?limit=200`, provider.token),
    200,
  );
  return (page.items as OfferFileView[]).filter((f) => f.path === filePath);
}

/**
 * Scans now (POST .../scan) and waits for each scan to end, again until the file at `filePath` with `sha256` is in
 * the offer (stability needs two looks; a scan the minute sweep ran meanwhile counts as one). The offer file.
 */
export async function scanUntilAdded(
  api: Api,
  provider: OrgSession,
  offerId: string,
  filePath: string,
  sha256: string,
  ms = 60_000,
): Promise<OfferFileView> {
  const base = `/v1/orgs/${provider.orgId}/offers/${offerId}`;
  const end = Date.now() + ms;
  for (;;) {
    const found = (await offerFilesAt(api, provider, offerId, filePath)).find((f) => f.sha256 === sha256);
    if (found !== undefined) return found;
    if (Date.now() > end) expect.fail(`no scan added ${filePath} within ${ms} ms`);
    const scan = await ok(api('POST', `${base}/scan`, provider.token), 202);
    await until(
      `scan ${scan.id as string}`,
      async () => {
        const run = await ok(api('GET', `${base}/imports/${scan.id}`, provider.token), 200);
        if (run.status === 'failed') expect.fail(`scan failed: ${run.error}`);
        return run.status === 'succeeded' ? run : undefined;
      },
      Math.max(1000, end - Date.now()),
    );
  }
}

/** One delivery as its buyer lists it. */
export interface DeliveryView {
  readonly id: string;
  readonly targetId: string;
  readonly file: { readonly id: string; readonly name: string; readonly size: number; readonly sha256: string };
  readonly status: string;
  readonly path: string | null;
  readonly conflict: boolean;
  readonly receiptPath: string | null;
  readonly attempts: number;
}

/** Every delivery of the acquisition (up to 200), as the buyer lists them. */
export async function deliveriesOf(api: Api, buyer: OrgSession, acquisitionId: string): Promise<DeliveryView[]> {
  const page = await ok(
    api('GET', `/v1/orgs/${buyer.orgId}/acquisitions/${acquisitionId}/deliveries?limit=200`, buyer.token),
    200,
  );
  return page.items as DeliveryView[];
}

/** Waits until the file's delivery is delivered and returns it (fails at once if it was given up or skipped). */
export function deliveredFile(api: Api, buyer: OrgSession, acquisitionId: string, fileId: string, ms = 60_000) {
  return until(
    `the delivery of ${fileId}`,
    async () => {
      const row = (await deliveriesOf(api, buyer, acquisitionId)).find((d) => d.file.id === fileId);
      if (row?.status === 'failed' || row?.status === 'skipped') expect.fail(`delivery ${row.status}: ${row.id}`);
      return row?.status === 'delivered' ? row : undefined;
    },
    ms,
  );
}

/** SHA-256 of bytes, lower-case hex. */
export const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

function ownedFolders(sshd: SshdServer, relative: string): string {
  const target = path.join(sshd.root, relative);
  let folder = sshd.root;
  for (const part of path.relative(sshd.root, path.dirname(target)).split(path.sep).filter(Boolean)) {
    folder = path.join(folder, part);
    mkdirSync(folder, { recursive: true });
    chownSync(folder, sshd.user.uid, sshd.user.gid);
  }
  return target;
}

/** Makes a folder in the sshd's root, owned by its user. */
export function makeSftpFolder(sshd: SshdServer, relative: string): void {
  ownedFolders(sshd, `${relative}/-`);
}

/** Writes a file in the sshd's root as its user would have uploaded it (folders made and owned). */
export function putSftpFile(sshd: SshdServer, relative: string, bytes: Buffer | string): void {
  const target = ownedFolders(sshd, relative);
  writeFileSync(target, bytes);
  chownSync(target, sshd.user.uid, sshd.user.gid);
}

/** Writes `size` random bytes to the sshd's root in 1 MiB chunks (never the whole file in memory); its SHA-256. */
export async function putLargeSftpFile(sshd: SshdServer, relative: string, size: number): Promise<string> {
  const target = ownedFolders(sshd, relative);
  const hash = createHash('sha256');
  const out = createWriteStream(target);
  const chunk = 1024 * 1024;
  for (let written = 0; written < size; written += chunk) {
    const bytes = randomBytes(Math.min(chunk, size - written));
    hash.update(bytes);
    if (!out.write(bytes)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  chownSync(target, sshd.user.uid, sshd.user.gid);
  return hash.digest('hex');
}

/** Reads a whole (small) file through a driver. */
export async function readAll(driver: Driver, file: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await driver.read(file)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Every file name under a folder of a driver, recursively, relative to it, sorted. */
export async function namesUnder(driver: Driver, folder: string): Promise<string[]> {
  const names: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let cursor: string | undefined;
    do {
      const page = await driver.list(dir, cursor === undefined ? {} : { cursor });
      for (const entry of page.entries) {
        if (entry.type === 'directory') await walk(entry.path);
        else names.push(entry.path.slice(folder === '' ? 0 : folder.length + 1));
      }
      // A name path safety refused is still something at the target: shown, so a test sees it.
      for (const refused of page.rejected) names.push(`refused: ${refused.rawName}`);
      cursor = page.cursor;
    } while (cursor !== undefined);
  };
  await walk(folder);
  return names.sort();
}
