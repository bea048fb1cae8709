import type { Harness } from '../harness/harness';
import { expect } from './harness-fixture';

/** Calls the harness's local platform as the signed-in person (the session main keeps), answering the parsed JSON. */
export async function platformCall(harness: Harness, method: string, route: string, body?: unknown): Promise<unknown> {
  const { client } = await harness.services.platform.active();
  const response = await fetch(`${client.baseUrl}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${client.token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  expect(response.ok, `${method} ${route}: ${response.status} ${text}`).toBe(true);
  return text === '' ? null : JSON.parse(text);
}
