import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/connector-error';
import { ConnectorInputError } from '../../../main/services/connectors/connector-input-error';
import { ConnectorsService } from '../../../main/services/connectors/connectors-service';
import { LOCAL_DISK_CONNECTOR_ID } from '../../../main/services/connectors/driver-provider';
import { localDiskLocation } from '../../../main/services/connectors/local-disk';
import { JsonFileStore } from '../../../main/services/json-file-store';
import { desktopLocations } from '../../../main/services/locations/desktop-locations';
import { MemorySecretStore } from '../../kit/memory-secret-store';

let dir: string;
let secrets: MemorySecretStore;
let service: ConnectorsService;
const storeFile = () => path.join(dir, 'settings.json');

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-connectors-'));
  secrets = new MemorySecretStore();
  service = new ConnectorsService({ store: new JsonFileStore(storeFile()), secrets });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sftpInput = {
  name: 'Partner SFTP',
  kind: 'sftp',
  options: { host: 'sftp.example.com', port: 2222, username: 'data', root: '' },
  secrets: { password: 'pa55-w0rd-secret' },
};

async function refusal(work: Promise<unknown>): Promise<ConnectorInputError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorInputError);
  return error as ConnectorInputError;
}

describe('ConnectorsService', () => {
  it('keeps secrets in the secret store only and tells the renderer that one is set', async () => {
    const created = await service.create(sftpInput);
    expect(created).toMatchObject({
      name: 'Partner SFTP',
      kind: 'sftp',
      options: { host: 'sftp.example.com', port: 2222, username: 'data' },
      secrets: { password: { hasSecret: true }, privateKey: { hasSecret: false }, passphrase: { hasSecret: false } },
    });
    expect(created.options).not.toHaveProperty('root'); // empty: the default applies
    expect(JSON.stringify(created)).not.toContain('pa55-w0rd-secret');
    expect(readFileSync(storeFile(), 'utf8')).not.toContain('pa55-w0rd-secret');
    expect(secrets.values.get(`connector:${created.id}:password`)).toBe('pa55-w0rd-secret');
    expect(await service.list()).toEqual([created]);
  });

  it('refuses invalid input with a reason and saves nothing', async () => {
    const missingHost = await refusal(service.create({ ...sftpInput, options: { username: 'data' } }));
    expect(missingHost.reason).toBe('InvalidOptions');
    expect(missingHost.message).toContain('Host');
    const badPort = await refusal(service.create({ ...sftpInput, options: { ...sftpInput.options, port: 70000 } }));
    expect(badPort.message).toContain('Port');
    const badPin = await refusal(
      service.create({ ...sftpInput, options: { ...sftpInput.options, hostKeyFingerprint: 'md5:aa' } }),
    );
    expect(badPin.message).toContain('Host key fingerprint');
    // A secret must never travel as a plain option (it would be written to the settings file).
    const leaked = await refusal(
      service.create({ ...sftpInput, options: { ...sftpInput.options, password: 'x' }, secrets: {} }),
    );
    expect(leaked.reason).toBe('InvalidOptions');
    expect((await refusal(service.create({ ...sftpInput, kind: 'gopher' }))).reason).toBe('UnknownKind');
    expect((await refusal(service.create({ ...sftpInput, kind: 'memory' }))).reason).not.toBe('UnknownKind');
    expect(await service.list()).toHaveLength(0);
    expect(secrets.values.size).toBe(0);

    await service.create(sftpInput);
    expect((await refusal(service.create({ ...sftpInput, name: ' partner sftp ' }))).reason).toBe('NameTaken');
  });

  it('keeps, replaces and clears secrets on update, and deletes them with the connector', async () => {
    const created = await service.create({ ...sftpInput, secrets: { password: 'one', passphrase: 'phrase' } });
    const key = (option: string) => `connector:${created.id}:${option}`;
    const kept = await service.update({ id: created.id, name: 'Renamed', options: created.options, secrets: {} });
    expect(kept.name).toBe('Renamed');
    expect(secrets.values.get(key('password'))).toBe('one');
    await service.update({ id: created.id, name: 'Renamed', options: created.options, secrets: { password: 'two' } });
    expect(secrets.values.get(key('password'))).toBe('two');
    const cleared = await service.update({
      id: created.id,
      name: 'Renamed',
      options: { ...created.options, port: 22 },
      secrets: { passphrase: null },
    });
    expect(cleared.secrets['passphrase']).toEqual({ hasSecret: false });
    expect(cleared.options['port']).toBe(22);
    expect(secrets.values.has(key('passphrase'))).toBe(false);

    await service.delete(created.id);
    expect(await service.list()).toEqual([]);
    expect([...secrets.values.keys()].filter((k) => k.includes(created.id))).toEqual([]);
    expect((await refusal(service.delete(created.id))).reason).toBe('UnknownConnector');
  });

  it('asks for consent before keeping secrets for the session only', async () => {
    const session = new ConnectorsService({
      store: new JsonFileStore(storeFile()),
      secrets: new MemorySecretStore('session'),
    });
    expect((await refusal(session.create(sftpInput))).reason).toBe('SessionSecretsNotAccepted');
    expect(await session.list()).toEqual([]);
    const created = await session.create({ ...sftpInput, acceptSessionSecrets: true });
    expect(created.secrets['password']).toEqual({ hasSecret: true });
    // Without secrets nothing needs consent.
    await session.update({ id: created.id, name: 'x', options: created.options, secrets: {} });
  });

  it('opens drivers for the transfer queue and says when a required secret is gone', async () => {
    writeFileSync(path.join(dir, 'hello.txt'), 'hello');
    const local = await service.create({ name: 'Here', kind: 'local', options: { root: dir }, secrets: {} });
    const driver = await service.open(local.id);
    try {
      const page = await driver.list('');
      expect(page.entries.map((e) => e.name)).toContain('hello.txt');
    } finally {
      await driver.close();
    }

    const ftps = await service.create({
      name: 'FTPS',
      kind: 'ftps',
      options: { host: 'ftp.example.com', username: 'u' },
      secrets: { password: 'p' },
    });
    secrets.values.delete(`connector:${ftps.id}:password`); // e.g. a session-only secret after a restart
    const missing = await service.open(ftps.id).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(missing).toBeInstanceOf(ConnectorError);
    expect(missing).toMatchObject({ code: 'AuthFailed' });
    expect((missing as Error).message).toContain('Password');
    await expect(service.open('nope')).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('addresses the local disk as a location', async () => {
    const locations = desktopLocations(service);
    expect(locations.localLocation(dir)).toEqual({ connectorId: LOCAL_DISK_CONNECTOR_ID, path: dir.slice(1) });
    expect(localDiskLocation('C:\\Data\\In', 'win32')).toEqual({ connectorId: 'local-disk:C', path: 'Data/In' });
    expect(localDiskLocation('/', 'linux')).toEqual({ connectorId: LOCAL_DISK_CONNECTOR_ID, path: '' });
    expect(() => localDiskLocation('relative/x', 'linux')).toThrow(/absolute/);
    writeFileSync(path.join(dir, 'a.txt'), 'abc');
    const disk = await locations.open(LOCAL_DISK_CONNECTOR_ID);
    try {
      expect((await disk.stat(locations.localLocation(path.join(dir, 'a.txt')).path)).size).toBe(3);
    } finally {
      await disk.close();
    }
  });

  it('lists the kinds users may pick (no test-only kinds)', () => {
    expect(service.kinds()).toEqual(expect.arrayContaining(['local', 'sftp', 'ftps']));
    expect(service.kinds()).not.toContain('memory');
  });
});
