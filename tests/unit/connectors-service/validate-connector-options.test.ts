import { describe, expect, it } from 'vitest';
import { ConnectorOptionsError, validateConnectorOptions } from '../../../connectors/config/validate-connector-options';
import { ConnectorError } from '../../../connectors/connector-error';
import { createDefaultRegistry } from '../../../connectors/default-registry';

const registry = createDefaultRegistry();

const thrown = (work: () => unknown): ConnectorError => {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    return error as ConnectorError;
  }
  throw new Error('accepted');
};

describe('validateConnectorOptions', () => {
  it('returns the options with defaults applied and strings coerced', () => {
    const options = validateConnectorOptions('sftp', { host: 'h', username: 'u', port: '2222' });
    expect(options).toMatchObject({ host: 'h', username: 'u', port: 2222 });
  });

  it('refuses with the same code, message and hint as the driver registry, listing every problem', () => {
    const bad = { port: 'x', colour: 'red' };
    const own = thrown(() => validateConnectorOptions('sftp', bad));
    const registry_ = thrown(() => registry.create({ kind: 'sftp', options: bad }));
    expect(own).toBeInstanceOf(ConnectorOptionsError);
    expect(own.code).toBe('InvalidInput');
    expect(own.message).toBe(registry_.message);
    expect(own.hint).toBe(registry_.hint);
    expect(own.message).toMatch(/^Invalid SFTP options: host: .*port: .*\(options\): /);
    expect((own as ConnectorOptionsError).problems.map((p) => p.path[0] ?? '')).toContain('host');
  });

  it('checks contents after the schema (an unreadable certificate is InvalidInput naming the option)', () => {
    const ca = `-----BEGIN CERTIFICATE-----\n${Buffer.alloc(300, 7).toString('base64')}\n-----END CERTIFICATE-----\n`;
    const error = thrown(() => validateConnectorOptions('ftps', { host: 'h', username: 'u', password: 'p', ca }));
    expect(error).not.toBeInstanceOf(ConnectorOptionsError);
    expect(error.message).toContain('not a readable X.509 certificate');
  });
});
