// The FTPS server-hash protocol without a server: which command FEAT allows, how replies are read (servers disagree
// on where the digest goes), and which refusals mean "no server check" rather than an error about the file.
import { FTPError, type FTPResponse } from 'basic-ftp';
import { describe, expect, it } from 'vitest';
import { isConnectorError } from '../../../connectors/connector-error';
import {
  askFtpServerHash,
  ftpHashMethod,
  hashReplyTimeoutMs,
  parseHashReply,
  parseXCommandReply,
} from '../../../connectors/ftps/ftps-server-hash';

const SHA = 'a'.repeat(38) + '0123456789abcdef0123456789';
const MD5 = '5d41402abc4b2a76b9719d911017c592';
const feat = (entries: Record<string, string>): Map<string, string> => new Map(Object.entries(entries));

/** A control connection that answers from a script and records what was sent. */
function scripted(answer: (command: string) => FTPResponse | FTPError) {
  const sent: string[] = [];
  return {
    sent,
    send: async (command: string): Promise<FTPResponse> => {
      sent.push(command);
      const reply = answer(command);
      if (reply instanceof FTPError) throw reply;
      return reply;
    },
  };
}
const ok = (code: number, message: string): FTPResponse => ({ code, message });
const refusal = (code: number, message: string): FTPError => new FTPError({ code, message: `${code} ${message}` });

describe('ftpHashMethod', () => {
  it('prefers HASH when FEAT lists the algorithm (the default is starred), else the X command, else nothing', () => {
    const proftpd = feat({ HASH: 'CRC32;MD5;SHA-1*;SHA-256;SHA-512;', XSHA256: '', XMD5: '' });
    expect(ftpHashMethod(proftpd, 'sha256')).toEqual({ kind: 'hash', name: 'SHA-256', hexLength: 64 });
    expect(ftpHashMethod(proftpd, 'sha1')).toEqual({ kind: 'hash', name: 'SHA-1', hexLength: 40 });
    expect(ftpHashMethod(proftpd, 'crc32c')).toBeUndefined();
    const onlyX = feat({ HASH: 'SHA-1;MD5', XSHA256: '', xmd5: '' });
    expect(ftpHashMethod(onlyX, 'sha256')).toEqual({ kind: 'x-command', command: 'XSHA256', hexLength: 64 });
    expect(ftpHashMethod(feat({ XSHA: '' }), 'sha1')).toEqual({ kind: 'x-command', command: 'XSHA', hexLength: 40 });
    const vsftpd = feat({ AUTH: 'TLS', EPSV: '', MDTM: '', SIZE: '', UTF8: '' });
    expect(ftpHashMethod(vsftpd, 'sha256')).toBeUndefined();
    expect(ftpHashMethod(new Map(), 'md5')).toBeUndefined();
  });
});

describe('reply parsing', () => {
  it('HASH: the last line, the same algorithm, the whole file, the right length', () => {
    const sha256 = { name: 'SHA-256', hexLength: 64 };
    const digest = SHA.toUpperCase();
    expect(parseHashReply(`213-Computing SHA-256 digest\n213 SHA-256 0-5 ${digest} /a b.txt`, sha256)).toBe(SHA);
    expect(parseHashReply(`213 SHA-1 0-5 ${SHA} /a`, sha256)).toBeUndefined();
    expect(parseHashReply(`213 SHA-256 10-20 ${SHA} /a`, sha256)).toBeUndefined();
    expect(parseHashReply(`213 SHA-256 0-5 ${SHA.slice(1)} /a`, sha256)).toBeUndefined();
    expect(parseHashReply('213 SHA-256 0-5 not-hex /a', sha256)).toBeUndefined();
  });

  it('X commands: the digest first, last, alone, or next to a file named like a digest', () => {
    expect(parseXCommandReply(`250-Computing MD5 digest\n250 ${MD5.toUpperCase()}`, '/x', 32)).toBe(MD5);
    expect(parseXCommandReply(`250 ${MD5} /a b.txt`, '/a b.txt', 32)).toBe(MD5);
    expect(parseXCommandReply(`250 /a b.txt ${MD5}`, '/a b.txt', 32)).toBe(MD5);
    expect(parseXCommandReply(`250 "/a b.txt" ${MD5}`, '/a b.txt', 32)).toBe(MD5);
    const named = `/${'f'.repeat(32)}`.slice(1);
    expect(parseXCommandReply(`250 ${MD5} ${named}`, named, 32)).toBe(MD5);
    expect(parseXCommandReply(`250 ${MD5} ${'e'.repeat(32)}`, '/x', 32)).toBeUndefined();
    expect(parseXCommandReply('250 OK', '/x', 32)).toBeUndefined();
  });
});

describe('askFtpServerHash', () => {
  const hash = { kind: 'hash', name: 'SHA-256', hexLength: 64 } as const;
  const x256 = { kind: 'x-command', command: 'XSHA256', hexLength: 64 } as const;

  it('selects the algorithm once per connection, then sends the path as the rest of the line', async () => {
    const client = scripted((command) =>
      command.startsWith('OPTS') ? ok(200, '200 SHA-256') : ok(213, `213 SHA-256 0-5 ${SHA} ${command.slice(5)}`),
    );
    expect(await askFtpServerHash(client, hash, '/-rf #1 100%.bin', '-rf #1 100%.bin')).toEqual({
      kind: 'digest',
      hex: SHA,
    });
    await askFtpServerHash(client, hash, '/été.bin', 'été.bin');
    expect(client.sent).toEqual(['OPTS HASH SHA-256', 'HASH /-rf #1 100%.bin', 'HASH /été.bin']);
  });

  it('quotes a path with spaces for X commands, and gives up on one with both spaces and quotes', async () => {
    const client = scripted(() => ok(250, `250 ${SHA}`));
    await askFtpServerHash(client, x256, '/a b.bin', 'a b.bin');
    await askFtpServerHash(client, x256, '/-ab.bin', '-ab.bin');
    expect(await askFtpServerHash(client, x256, '/say "a b".bin', 'say "a b".bin')).toEqual({
      kind: 'refused',
      lasting: false,
    });
    expect(client.sent).toEqual(['XSHA256 "/a b.bin"', 'XSHA256 /-ab.bin']);
  });

  it('a refused command means no server check; a refusal about the file is a clear error', async () => {
    const answering = (error: FTPError) => scripted(() => error);
    expect(await askFtpServerHash(answering(refusal(500, "'XSHA256' not understood")), x256, '/a', 'a')).toEqual({
      kind: 'refused',
      lasting: true,
    });
    expect(await askFtpServerHash(answering(refusal(550, 'HASH: Operation not permitted')), hash, '/a', 'a')).toEqual({
      kind: 'refused',
      lasting: false,
    });
    const missing = await askFtpServerHash(answering(refusal(550, '/a: No such file or directory')), x256, '/a', 'a')
      .then(() => undefined)
      .catch((error: unknown) => error);
    expect(isConnectorError(missing, 'NotFound')).toBe(true);
    expect((missing as Error).message).toBe('The server could not hash a (550 /a: No such file or directory)');
    const busy = await askFtpServerHash(answering(refusal(450, '/a: file busy')), x256, '/a', 'a').catch(
      (error: unknown) => error,
    );
    expect(isConnectorError(busy, 'Retryable')).toBe(true);
  });

  it('an answer that is not a digest is no server check; a line break never reaches the server', async () => {
    const wrong = scripted((command) => (command.startsWith('OPTS') ? ok(200, '200 SHA-1') : ok(213, '213 ?')));
    expect(await askFtpServerHash(wrong, hash, '/a', 'a')).toEqual({ kind: 'refused', lasting: true });
    const client = scripted(() => ok(250, `250 ${SHA}`));
    const injected = await askFtpServerHash(client, x256, '/a\r\nDELE /b', 'a').catch((error: unknown) => error);
    expect(isConnectorError(injected, 'InvalidInput')).toBe(true);
    expect(client.sent).toEqual([]);
  });
});

describe('hashReplyTimeoutMs', () => {
  it('gives a silent server time to read a large file, and keeps "no timeout" as is', () => {
    expect(hashReplyTimeoutMs(0, 30_000)).toBe(30_000);
    expect(hashReplyTimeoutMs(4 * 1024 ** 3, 30_000)).toBeGreaterThan(200_000);
    expect(hashReplyTimeoutMs(4 * 1024 ** 3, 0)).toBe(0);
  });
});
