import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/connector-error';
import type { Driver, DriverContext } from '../../../connectors/driver';
import { DriverRegistry } from '../../../connectors/driver-registry';
import { ConnectorsService } from '../../../main/services/connectors/connectors-service';
import { JsonFileStore } from '../../../main/services/json-file-store';
import { MemorySecretStore } from '../../kit/memory-secret-store';

let dir: string;
let secrets: MemorySecretStore;
let contexts: DriverContext[];
let service: ConnectorsService;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-credentials-'));
  secrets = new MemorySecretStore();
  contexts = [];
  // A factory that only records the context a driver would get.
  const registry = new DriverRegistry().register({
    kind: 'sftp',
    create: (_options, context) => {
      contexts.push(context);
      return { close: async () => undefined } as unknown as Driver;
    },
  });
  service = new ConnectorsService({ store: new JsonFileStore(path.join(dir, 'settings.json')), secrets, registry });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('credential port of my connectors', () => {
  it('lets a driver save a renewed secret in the secret store, under its connector, and nothing else', async () => {
    const created = await service.create({
      name: 'Partner',
      kind: 'sftp',
      options: { host: 'sftp.example.com', username: 'data' },
      secrets: { password: 'old' },
    });
    await service.open(created.id);
    const credentials = contexts[0]!.credentials!;
    await credentials.save('password', 'renewed');
    expect(secrets.values.get(`connector:${created.id}:password`)).toBe('renewed');
    const refused = await credentials.save('host', 'elsewhere').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConnectorError);
    expect((refused as ConnectorError).code).toBe('InvalidInput');
    expect((await service.get(created.id)).options['host']).toBe('sftp.example.com');
  });
});
