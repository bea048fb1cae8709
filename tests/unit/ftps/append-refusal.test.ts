import { FTPError } from 'basic-ftp';
import { describe, expect, it } from 'vitest';
import { appendRefusalReply } from '../../../connectors/ftps/append-refusal';

describe('appendRefusalReply', () => {
  it('reads a refusal to append from the reply or a reset data connection', () => {
    const proftpd = new FTPError({ code: 451, message: '451 a.bin: Append/Restart not permitted, try again' });
    expect(appendRefusalReply(proftpd)).toBe('451 a.bin: Append/Restart not permitted, try again');
    expect(appendRefusalReply(new FTPError({ code: 550, message: 'APPE not allowed' }))).toBe('550 APPE not allowed');
    const reset = Object.assign(new Error('read ECONNRESET (data socket)'), { code: 'ECONNRESET' });
    expect(appendRefusalReply(reset)).toBe('the data connection was reset (ECONNRESET)');
  });

  it('leaves other failures alone', () => {
    expect(appendRefusalReply(new FTPError({ code: 451, message: '451 Local error in processing' }))).toBeUndefined();
    expect(appendRefusalReply(new FTPError({ code: 552, message: '552 Quota exceeded' }))).toBeUndefined();
    expect(appendRefusalReply(new FTPError({ code: 226, message: '226 Restart not permitted' }))).toBeUndefined();
    expect(appendRefusalReply(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }))).toBeUndefined();
    expect(appendRefusalReply(new Error('Client is closed'))).toBeUndefined();
  });
});
