// Platform failures reach the renderer as typed refusals it can translate, never as Internal with a leaked message.
import { describe, expect, it, vi } from 'vitest';
import { type IpcHandlers, createDispatcher } from '../../../main/ipc/ipc-dispatcher';
import { PlatformApiError, PlatformUnreachableError } from '../../../main/services/platform/platform-api-error';
import { NotSignedInError, PlatformAddressError } from '../../../main/services/platform/platform-connection';
import { refusing } from '../../../main/services/platform/platform-refusal';

function dispatchThrowing(error: unknown) {
  const log = vi.fn();
  const handlers = { 'platform.refresh': refusing(() => Promise.reject(error)) } as unknown as IpcHandlers;
  return { log, result: createDispatcher(handlers, log)('platform.refresh', {}) };
}

describe('platform refusals over IPC', () => {
  it.each([
    [new PlatformApiError('last_admin', 409, 'last admin'), { code: 'PlatformRefused', reason: 'last_admin' }],
    [new PlatformApiError('forbidden', 403, 'needs admin'), { code: 'PlatformRefused', reason: 'forbidden' }],
    [new PlatformUnreachableError('https://p.example', 'no answer'), { code: 'PlatformUnreachable' }],
    [new NotSignedInError('signed out'), { code: 'NotSignedIn' }],
    [new PlatformAddressError('plain-http'), { code: 'InvalidInput', reason: 'url-plain-http' }],
  ])('%s becomes %o', async (error, expected) => {
    const { result, log } = dispatchThrowing(error);
    expect(await result).toMatchObject({ ok: false, error: expected });
    expect(log).not.toHaveBeenCalled();
  });

  it('anything else stays an Internal error, logged, its message not sent', async () => {
    const { result, log } = dispatchThrowing(new Error('database password is hunter2'));
    const envelope = await result;
    expect(envelope).toMatchObject({ ok: false, error: { code: 'Internal' } });
    expect(JSON.stringify(envelope)).not.toContain('hunter2');
    expect(log).toHaveBeenCalledOnce();
  });
});
