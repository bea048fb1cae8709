// Every error body, Fastify's own included (routing, parsing, limits, the HTTP parser), has a platform error code.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ApiErrorSchema, PLATFORM_ERROR_STATUS } from '../../shared/platform';
import { buildApp } from '../../platform/build-app';
import { openDatabase, type OpenDatabase } from '../../platform/db/open-database';
import { startPlatform, type RunningPlatform } from '../../platform';
import { PASSWORD } from './platform-harness';

/** Checks the error shape and that the code goes with the status; returns the code. */
function codeOf(status: number, body: string): string {
  const parsed = ApiErrorSchema.safeParse(JSON.parse(body));
  expect(parsed.success, body).toBe(true);
  const code = parsed.data?.code as keyof typeof PLATFORM_ERROR_STATUS;
  expect(PLATFORM_ERROR_STATUS[code]).toBe(status);
  return code;
}

describe('error bodies through inject', () => {
  let database: OpenDatabase;
  let app: FastifyInstance;
  let token: string;
  let orgId: string;
  beforeAll(async () => {
    database = await openDatabase({ kind: 'pglite' });
    app = await buildApp({ db: database.db });
    const setup = await app.inject({
      method: 'POST',
      url: '/v1/setup',
      payload: { organisationName: 'Acme', name: 'Ada', email: 'ada@acme.example', password: PASSWORD },
    });
    token = setup.json().token;
    orgId = setup.json().organisation.id;
  });
  afterAll(async () => {
    await app.close();
    await database.close();
  });

  const auth = (): Record<string, string> => ({ authorization: `Bearer ${token}` });

  it('unknown URL: 404 not_found', async () => {
    const res = await app.inject({ method: 'GET', url: '/v2/nothing?x=1' });
    expect(codeOf(res.statusCode, res.body)).toBe('not_found');
    expect(res.statusCode).toBe(404);
  });

  it('known URL, other method: 405 method_not_allowed with Allow', async () => {
    const res = await app.inject({ method: 'PUT', url: `/v1/orgs/${orgId}/members`, headers: auth() });
    expect(codeOf(res.statusCode, res.body)).toBe('method_not_allowed');
    expect(res.headers.allow).toBe('GET, HEAD');
    const setup = await app.inject({ method: 'DELETE', url: '/v1/setup' });
    expect(codeOf(setup.statusCode, setup.body)).toBe('method_not_allowed');
    expect(setup.headers.allow).toBe('GET, HEAD, POST');
  });

  it('malformed JSON and an empty JSON body: 400 malformed_request', async () => {
    for (const payload of ['{"name": ', '']) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/orgs',
        headers: { ...auth(), 'content-type': 'application/json' },
        payload,
      });
      expect(codeOf(res.statusCode, res.body)).toBe('malformed_request');
    }
  });

  it('a path parameter over the length limit: 414 uri_too_long', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/orgs/${'x'.repeat(500)}/members`, headers: auth() });
    expect(codeOf(res.statusCode, res.body)).toBe('uri_too_long');
  });

  it('a body over the limit: 413 payload_too_large', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/orgs',
      headers: { ...auth(), 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(codeOf(res.statusCode, res.body)).toBe('payload_too_large');
  });

  it('a body that is not JSON: 415 unsupported_media_type', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/orgs',
      headers: { ...auth(), 'content-type': 'application/xml' },
      payload: '<name>x</name>',
    });
    expect(codeOf(res.statusCode, res.body)).toBe('unsupported_media_type');
  });

  it('schema validation, authentication, rate limits keep their codes', async () => {
    const invalid = await app.inject({ method: 'POST', url: '/v1/orgs', headers: auth(), payload: { name: '' } });
    expect(codeOf(invalid.statusCode, invalid.body)).toBe('validation_failed');
    const anonymous = await app.inject({ method: 'GET', url: `/v1/orgs/${orgId}/members` });
    expect(codeOf(anonymous.statusCode, anonymous.body)).toBe('unauthenticated');
  });
});

/** Sends raw bytes on a fresh connection and returns the whole answer. */
function raw(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.write(request);
  });
}

function parseRaw(answer: string): { status: number; body: string } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]), body };
}

describe('error bodies over real HTTP (the HTTP parser refuses before Fastify)', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform({ logger: false });
  });
  afterAll(async () => {
    await platform.stop();
  });

  it('headers too large: 431 headers_too_large', async () => {
    const host = new URL(platform.url).host;
    const answer = parseRaw(
      await raw(platform.url, `GET /v1/setup HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`),
    );
    expect(answer.status).toBe(431);
    expect(codeOf(answer.status, answer.body)).toBe('headers_too_large');
  });

  it('malformed HTTP and a NUL in a header: 400 malformed_request', async () => {
    const host = new URL(platform.url).host;
    for (const request of [
      'NOT HTTP AT ALL\r\n\r\n',
      `GET /v1/setup HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer a\u0000b\r\n\r\n`,
    ]) {
      const answer = parseRaw(await raw(platform.url, request));
      expect(answer.status).toBe(400);
      expect(codeOf(answer.status, answer.body)).toBe('malformed_request');
    }
  });

  it('an unknown URL over HTTP: 404 not_found', async () => {
    const res = await fetch(`${platform.url}/nope`);
    expect(codeOf(res.status, await res.text())).toBe('not_found');
  });
});
