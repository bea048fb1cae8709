// The headless agent's configuration: the README's example loads as written, the platform comes from the
// environment only (https, or plain http to this machine), and mistakes are refused with what to fix.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAgentBindings, platformFromEnv } from '../../../main/cli/agent-config';

const dir = mkdtempSync(path.join(tmpdir(), 'ferry-agent-config-'));
const write = (name: string, value: unknown) => {
  const file = path.join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};

describe('ferry agent configuration', () => {
  it("loads the README's example: both bindings, ids from their names, defaults applied", async () => {
    const readme = readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Sync agent without a screen'));
    const json = /```json\n([\s\S]*?)```/.exec(section)?.[1];
    expect(json, 'README has no JSON example in its ferry agent section').toBeDefined();
    const bindings = await loadAgentBindings(write('readme.json', json!.replaceAll('…', '1')));
    expect(bindings.map((b) => [b.kind, b.id, b.connectorId, b.folder, b.intervalMinutes, b.enabled])).toEqual([
      ['deliver', 'daily-prices', 'inbox', 'prices', 60, true],
      ['publish', 'our-readings', 'outbox', 'readings', 60, true],
    ]);
    expect(bindings[1]).toMatchObject({ include: ['**/*.csv'], exclude: ['tmp/**'] });
  });

  it('refuses a file without bindings, a binding missing what it needs, and two bindings with one id', async () => {
    await expect(loadAgentBindings(write('none.json', { connectors: {} }))).rejects.toThrow(/has no "agent"/);
    await expect(loadAgentBindings(write('bad.json', '{'))).rejects.toThrow(/Cannot read the agent's bindings/);
    await expect(
      loadAgentBindings(
        write('missing.json', { agent: { bindings: [{ kind: 'deliver', name: 'x', orgId: 'o', connector: 'c' }] } }),
      ),
    ).rejects.toThrow(/Binding "x".*acquisitionId/);
    const twice = { kind: 'publish', name: 'Same', orgId: 'o', offerId: 'f', connector: 'c' };
    await expect(loadAgentBindings(write('twice.json', { agent: { bindings: [twice, twice] } }))).rejects.toThrow(
      /Two bindings .* "same"/,
    );
  });

  it('takes the platform from the environment: https, or http to this machine only, and an API key', () => {
    expect(platformFromEnv({ FERRY_PLATFORM_URL: 'ferry.example.org/', FERRY_API_KEY: 'k' })).toEqual({
      url: 'https://ferry.example.org',
      apiKey: 'k',
    });
    expect(platformFromEnv({ FERRY_PLATFORM_URL: 'http://127.0.0.1:8750', FERRY_API_KEY: 'k' }).url).toBe(
      'http://127.0.0.1:8750',
    );
    expect(() => platformFromEnv({ FERRY_PLATFORM_URL: 'http://ferry.example.org', FERRY_API_KEY: 'k' })).toThrow(
      /plain-http/,
    );
    expect(() => platformFromEnv({ FERRY_API_KEY: 'k' })).toThrow(/FERRY_PLATFORM_URL is not set/);
    expect(() => platformFromEnv({ FERRY_PLATFORM_URL: 'https://x.org' })).toThrow(/FERRY_API_KEY is not set/);
  });
});
