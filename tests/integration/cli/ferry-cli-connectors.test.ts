import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFerry, type FerryRun } from '../../kit/ferry-process';

let base = '';

/** Runs the real `ferry` launcher with only the given connector variables. */
const ferry = (args: readonly string[], env: Record<string, string> = {}): Promise<FerryRun> =>
  runFerry(args, { cwd: base, configHome: path.join(base, 'xdg'), env });

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'ferry-cli-connectors-'));
});
afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});

describe('ferry connectors and options that take contents', () => {
  it('lists each option with its values, default, and whether it takes the text of a file', async () => {
    const run = await ferry(['connectors']);
    expect(run.code).toBe(0);
    const line = (env: string): string => run.stdout.split('\n').find((l) => l.trim().startsWith(`${env} `)) ?? '';
    expect(line('SECURE')).toContain('one of explicit, implicit; default explicit');
    expect(line('AUTH')).toContain('one of sas, accountKey, connectionString; default sas');
    expect(line('PORT')).toContain('integer 1-65535; default 22');
    expect(line('PRIVATE_KEY')).toContain('private key text, not a file path; secret');
    expect(line('CA')).toContain('PEM certificate text, not a file path');
    expect(line('SERVICE_ACCOUNT_JSON*')).toContain('JSON text, not a file path');
    expect(run.stdout).toContain('"$(cat ~/.ssh/id_ed25519)"');

    const json = await ferry(['connectors', '--json']);
    const parsed = JSON.parse(json.stdout) as {
      types: { type: string; options: { name: string; contents?: string; default?: unknown; values?: string[] }[] }[];
    };
    const option = (type: string, name: string) =>
      parsed.types.find((t) => t.type === type)?.options.find((o) => o.name === name);
    expect(option('sftp', 'privateKey')).toMatchObject({ contents: 'private-key', secret: true, env: 'PRIVATE_KEY' });
    expect(option('ftps', 'ca')).toMatchObject({ contents: 'pem-certificate' });
    expect(option('ftps', 'secure')).toMatchObject({ values: ['explicit', 'implicit'], default: 'explicit' });
    expect(option('sftp', 'port')).toMatchObject({ default: 22, min: 1, max: 65535 });
  });

  it('refuses a key path given where the key text belongs, saying how to pass the text', async () => {
    const run = await ferry(['ls', 'box:'], {
      FERRY_CONNECTOR_BOX_TYPE: 'sftp',
      FERRY_CONNECTOR_BOX_HOST: '127.0.0.1',
      FERRY_CONNECTOR_BOX_USERNAME: 'data',
      FERRY_CONNECTOR_BOX_PRIVATE_KEY: '/home/data/.ssh/id_ed25519',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Private key takes the file's contents (private key text), not a path to the file");
    expect(run.stderr).toContain('"$(cat <file>)"');
    expect(run.stderr).not.toContain('/home/data/.ssh');
  });

  it('refuses a CA that is not a PEM certificate instead of ignoring it', async () => {
    const run = await ferry(['check', 'ftp'], {
      FERRY_CONNECTOR_FTP_TYPE: 'ftps',
      FERRY_CONNECTOR_FTP_HOST: '127.0.0.1',
      FERRY_CONNECTOR_FTP_USERNAME: 'data',
      FERRY_CONNECTOR_FTP_PASSWORD: 'secret',
      FERRY_CONNECTOR_FTP_CA: 'Our company CA',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Certificate authority is not a PEM certificate');
  });

  it('suggests AUTH=connectionString when Azure has only a connection string', async () => {
    const run = await ferry(['check', 'blob'], {
      FERRY_CONNECTOR_BLOB_TYPE: 'azure-blob',
      FERRY_CONNECTOR_BLOB_CONTAINER: 'exchange',
      FERRY_CONNECTOR_BLOB_CONNECTION_STRING:
        'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;',
    });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain('FERRY_CONNECTOR_<NAME>_AUTH=connectionString');
    expect(run.stdout + run.stderr).not.toContain('a2V5');
  });
});
