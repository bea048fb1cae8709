// Two platform instances on one real PostgreSQL (one vault key set between them): a sweep tick checks each
// connector exactly once between the two instances (counted from both instances' logs).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../platform/build-app';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import { ManagedKeyProvider, memoryKeyStore } from '../../../platform/vault/managed-key-provider';
import { sshdSftpOptions } from '../../kit/server-options';
import { freePort } from '../../servers/free-port';
import { postgresAvailability, startPostgres, type PostgresServer } from '../../servers/postgres';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';
import { FAST } from '../jobs/jobs-harness';
import { PASSWORD } from '../platform-harness';
import { sweepDriver, type SweepDriver } from './health-kit';

const postgres = postgresAvailability();
const sshdAvailable = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');

describe.skipIf(!postgres.available || !sshdAvailable.available)('two instances on one PostgreSQL', () => {
  let server: PostgresServer | undefined;
  let sshd: SshdServer | undefined;
  const databases: OpenDatabase[] = [];
  const apps: FastifyInstance[] = [];
  // Which connector each instance checked, from its log lines.
  const checked: Array<{ instance: number; connectorId: string }> = [];
  let sweeps: SweepDriver | undefined;
  const ids: string[] = [];

  beforeAll(async () => {
    if (!postgres.available) return;
    [server, sshd] = await Promise.all([startPostgres(postgres.bin), startSshd()]);
    const url = await server.createDatabase();
    const keys = new ManagedKeyProvider(memoryKeyStore());
    for (const instance of [0, 1]) {
      const database = await openDatabase({ kind: 'postgres', url });
      databases.push(database);
      const stream = {
        write(line: string) {
          const entry = JSON.parse(line) as { msg?: string; connectorId?: string };
          if (entry.msg === 'connector checked' && entry.connectorId !== undefined) {
            checked.push({ instance, connectorId: entry.connectorId });
          }
        },
      };
      apps.push(await buildApp({ db: database.db, vault: keys, jobs: FAST, logger: { level: 'info', stream } }));
    }
    const call = (method: 'GET' | 'POST', url: string, body?: object, token?: string) =>
      apps[0]!.inject({
        method,
        url,
        ...(body !== undefined ? { payload: body } : {}),
        ...(token !== undefined ? { headers: { authorization: `Bearer ${token}` } } : {}),
      });
    const setup = await call('POST', '/v1/setup', {
      organisationName: 'Acme',
      name: 'Ada Admin',
      email: 'ada@acme.example',
      password: PASSWORD,
    });
    expect(setup.statusCode, setup.body).toBe(201);
    const { token, organisation } = setup.json();
    const { password, ...options } = sshdSftpOptions(sshd);
    const ports = [sshd.port, sshd.port, await freePort(), await freePort()];
    for (const [n, port] of ports.entries()) {
      const res = await call(
        'POST',
        `/v1/orgs/${organisation.id}/connectors`,
        { name: `SFTP ${n}`, kind: 'sftp', options: { ...options, port }, secrets: { password } },
        token,
      );
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json().id);
    }
    sweeps = await sweepDriver(databases[0]!.db);
  }, 120_000);

  afterAll(async () => {
    await sweeps?.stop();
    for (const app of apps) await app.close();
    for (const database of databases) await database.close();
    await Promise.all([server?.stop(), sshd?.dispose()]);
  });

  it('checks each connector once per tick between the two instances', async () => {
    for (const tick of [1, 2]) {
      await sweeps!.tick();
      // Both instances poll for another second and a half: no check runs a second time.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const counts = new Map<string, number>();
      for (const run of checked) counts.set(run.connectorId, (counts.get(run.connectorId) ?? 0) + 1);
      expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(ids.map((id) => [id, tick])));
    }
  }, 60_000);
});
