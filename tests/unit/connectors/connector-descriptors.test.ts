import { describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../../connectors/default-registry';
import { CONNECTOR_DESCRIPTORS } from '../../../shared/connectors/connector-descriptors';
import { envNameOfOption, optionsSchemaOf, secretOptionNames } from '../../../shared/connectors/connector-descriptor';
import { CONNECTOR_ERROR_CODES } from '../../../shared/errors/connector-error-code';
import { ConnectorError } from '../../../connectors/connector-error';
import { mapNodeError } from '../../../connectors/map-node-error';

describe('connector descriptors', () => {
  it('validate options with defaults, coercion and strictness', () => {
    const sftp = optionsSchemaOf(CONNECTOR_DESCRIPTORS.sftp);
    expect(sftp.parse({ host: 'h', username: 'u', port: '2222' })).toEqual({
      host: 'h',
      username: 'u',
      port: 2222,
      root: '.',
    });
    expect(sftp.safeParse({ host: 'h' }).success).toBe(false);
    expect(sftp.safeParse({ host: 'h', username: 'u', hostKeyFingerprint: 'MD5:aa' }).success).toBe(false);
    expect(sftp.safeParse({ host: 'h', username: 'u', hostKeyFingerprint: `SHA256:${'A'.repeat(43)}` }).success).toBe(
      true,
    );
    expect(sftp.safeParse({ host: 'h', username: 'u', colour: 'red' }).success).toBe(false);
    const ftps = optionsSchemaOf(CONNECTOR_DESCRIPTORS.ftps);
    expect(ftps.parse({ host: 'h', username: 'u', password: 'p' }).secure).toBe('explicit');
    expect(ftps.safeParse({ host: 'h', username: 'u', password: 'p', secure: 'none' }).success).toBe(false);
  });

  it('name secrets and environment spellings', () => {
    expect(secretOptionNames(CONNECTOR_DESCRIPTORS.sftp)).toEqual(['password', 'privateKey', 'passphrase']);
    expect(secretOptionNames(CONNECTOR_DESCRIPTORS.ftps)).toEqual(['password']);
    expect(envNameOfOption('hostKeyFingerprint')).toBe('HOST_KEY_FINGERPRINT');
    expect(envNameOfOption('root')).toBe('ROOT');
  });

  it('every descriptor option has a label and help', () => {
    for (const descriptor of Object.values(CONNECTOR_DESCRIPTORS)) {
      for (const [name, spec] of Object.entries(descriptor.options)) {
        expect(spec.label, `${descriptor.kind}.${name}`).not.toBe('');
        expect(spec.help.length, `${descriptor.kind}.${name}`).toBeGreaterThan(10);
      }
    }
  });

  it('the registry refuses invalid options without echoing values', () => {
    const registry = createDefaultRegistry();
    const error = (() => {
      try {
        registry.create({ kind: 'local', options: { root: '', secretish: 'hunter2' } });
      } catch (e) {
        return e as ConnectorError;
      }
      throw new Error('expected a refusal');
    })();
    expect(error.code).toBe('InvalidInput');
    expect(error.message).not.toContain('hunter2');
    expect(() => registry.create({ kind: 'gopher', options: {} })).toThrow(/Unknown connector type/);
  });
});

describe('errors', () => {
  it('map Node errors into the closed set and stay JSON-safe', () => {
    const errno = (code: string): Error => Object.assign(new Error(code), { code });
    expect(mapNodeError(errno('ENOENT'), 'a').code).toBe('NotFound');
    expect(mapNodeError(errno('EACCES')).code).toBe('PermissionDenied');
    expect(mapNodeError(errno('ENOSPC')).code).toBe('QuotaExceeded');
    expect(mapNodeError(errno('ECONNRESET')).code).toBe('Retryable');
    expect(mapNodeError(Object.assign(new Error('x'), { name: 'AbortError' })).code).toBe('Cancelled');
    const json = JSON.parse(JSON.stringify(new ConnectorError('Conflict', 'exists', { hint: 'rename', path: 'a/b' })));
    expect(json).toEqual({ code: 'Conflict', message: 'exists', hint: 'rename', path: 'a/b' });
    expect(CONNECTOR_ERROR_CODES).toHaveLength(10);
  });
});
