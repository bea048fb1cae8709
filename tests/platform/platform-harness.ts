// Runs a platform test suite on PGlite and on a real PostgreSQL, with an app instance per database and a movable clock.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type BuildAppOptions } from '../../platform/build-app';
import { openDatabase, type OpenDatabase } from '../../platform/db/open-database';
import type { Database } from '../../platform/db/database';
import { postgresAvailability, startPostgres, type PostgresServer } from '../servers/postgres';
import type { Role } from '../../shared/platform';

/** A clock the tests move forward to expire sessions, keys and invitations. */
export interface TestClock {
  now(): Date;
  advance(ms: number): void;
}

/** One app on one database, and a shortcut to call it. */
export interface TestEnv {
  readonly kind: 'pglite' | 'postgres';
  readonly app: FastifyInstance;
  readonly db: Database;
  readonly clock: TestClock;
  call(method: string, url: string, options?: CallOptions): Promise<LightMyRequestResponse>;
}

/** A request's bearer token, JSON body and client IP. */
export interface CallOptions {
  readonly token?: string;
  readonly body?: unknown;
  readonly ip?: string;
}

/** Extra app options for a suite (SMTP mailer, public URL, rate limit). */
export type SuiteOptions = Omit<BuildAppOptions, 'db' | 'now'>;

const postgres = postgresAvailability();

async function makeEnv(kind: TestEnv['kind'], database: OpenDatabase, options: SuiteOptions): Promise<TestEnv> {
  let offset = 0;
  const clock: TestClock = { now: () => new Date(Date.now() + offset), advance: (ms) => void (offset += ms) };
  const app = await buildApp({
    authRateLimit: { max: 1000, timeWindowMs: 60_000 },
    // DEBUG_PLATFORM_LOG=1 prints the server's errors (a 500's cause) while a test runs.
    ...(process.env.DEBUG_PLATFORM_LOG ? { logger: { level: 'error' } } : {}),
    ...options,
    db: database.db,
    now: clock.now,
  });
  return {
    kind,
    app,
    db: database.db,
    clock,
    call: (method, url, { token, body, ip } = {}) =>
      app.inject({
        method: method as 'GET',
        url,
        ...(token !== undefined ? { headers: { authorization: `Bearer ${token}` } } : {}),
        ...(body !== undefined ? { payload: body as object } : {}),
        ...(ip !== undefined ? { remoteAddress: ip } : {}),
      }),
  };
}

/**
 * Declares `suite` twice: on PGlite (in memory) and on PostgreSQL started for this file. Without PostgreSQL the
 * second run is skipped with a printed reason locally, and fails under CI=true.
 */
export function forEachDatabase(suite: (env: () => TestEnv) => void, options: () => SuiteOptions = () => ({})): void {
  describe('on PGlite', () => {
    let env: TestEnv | undefined;
    let database: OpenDatabase | undefined;
    beforeAll(async () => {
      database = await openDatabase({ kind: 'pglite' });
      env = await makeEnv('pglite', database, options());
    });
    afterAll(async () => {
      await env?.app.close();
      await database?.close();
    });
    suite(() => env as TestEnv);
  });

  describe.skipIf(!postgres.available)('on PostgreSQL', () => {
    let env: TestEnv | undefined;
    let database: OpenDatabase | undefined;
    let server: PostgresServer | undefined;
    beforeAll(async () => {
      if (!postgres.available) return;
      server = await startPostgres(postgres.bin);
      database = await openDatabase({ kind: 'postgres', url: await server.createDatabase() });
      env = await makeEnv('postgres', database, options());
    });
    afterAll(async () => {
      await env?.app.close();
      await database?.close();
      await server?.stop();
    });
    suite(() => env as TestEnv);
  });
}

/** A password good enough for the platform's rules. */
export const PASSWORD = 'correct horse battery';

/** The organisation made by first-run setup, and its admin. */
export interface SetUpOrg {
  readonly orgId: string;
  readonly adminId: string;
  readonly adminToken: string;
  readonly adminEmail: string;
}

/** Runs first-run setup (once per database). */
export async function setUp(env: TestEnv, organisationName = 'Acme'): Promise<SetUpOrg> {
  const adminEmail = 'ada@acme.example';
  const res = await env.call('POST', '/v1/setup', {
    body: { organisationName, name: 'Ada Admin', email: adminEmail, password: PASSWORD },
  });
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json();
  return { orgId: body.organisation.id, adminId: body.user.id, adminToken: body.token, adminEmail };
}

/** A member made through the real flow: an admin invites, the invitee opens the link and accepts. */
export interface TestMember {
  readonly id: string;
  readonly email: string;
  readonly token: string;
}

let counter = 0;

/** Invites `email` (or a fresh one) with `role`, reads the link from the invitation, accepts it. */
export async function addMember(
  env: TestEnv,
  orgId: string,
  adminToken: string,
  role: Role,
  email = `member${++counter}.${role}@example.org`,
): Promise<TestMember> {
  const created = await env.call('POST', `/v1/orgs/${orgId}/invitations`, {
    token: adminToken,
    body: { email, role, language: 'en' },
  });
  expect(created.statusCode, created.body).toBe(201);
  const link = created.json().link as string;
  const token = new URL(link).searchParams.get('token');
  const accepted = await env.call('POST', '/v1/invitations/accept', {
    body: { token, name: `Member ${email}`, password: PASSWORD },
  });
  expect(accepted.statusCode, accepted.body).toBe(201);
  return { id: accepted.json().user.id, email, token: accepted.json().token };
}

/** Creates an API key and returns its ID and secret. */
export async function addApiKey(
  env: TestEnv,
  orgId: string,
  adminToken: string,
  role: 'editor' | 'viewer',
  expiresInMs = 86_400_000,
): Promise<{ id: string; secret: string }> {
  const res = await env.call('POST', `/v1/orgs/${orgId}/api-keys`, {
    token: adminToken,
    body: { name: `${role} key`, role, expiresAt: new Date(env.clock.now().getTime() + expiresInMs).toISOString() },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().apiKey.id, secret: res.json().secret };
}

/** The audit events of an organisation matching a filter (read as its admin). */
export async function auditOf(
  env: TestEnv,
  orgId: string,
  adminToken: string,
  filter: Record<string, string> = {},
): Promise<Array<Record<string, string | null>>> {
  const query = new URLSearchParams({ limit: '200', ...filter }).toString();
  const res = await env.call('GET', `/v1/orgs/${orgId}/audit?${query}`, { token: adminToken });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items;
}
