import { randomBytes } from 'node:crypto';
import { ConnectorError } from '../connector-error';
import { type ByteRange } from '../driver';
import { baseName } from '../path-safety';

/** The offset and length of a read, refused with InvalidInput when they are not whole non-negative numbers. */
export function checkedRange(
  path: string,
  range: ByteRange | undefined,
): { readonly offset: number; readonly length: number | undefined } {
  const offset = range?.offset ?? 0;
  const length = range?.length;
  if (
    !Number.isSafeInteger(offset) ||
    offset < 0 ||
    (length !== undefined && (!Number.isSafeInteger(length) || length < 0))
  ) {
    throw new ConnectorError('InvalidInput', `Invalid byte range for ${path}.`, { path });
  }
  return { offset, length };
}

/** The hidden name a file is uploaded under, next to its final name, before the rename into place. */
export function temporaryName(path: string): string {
  return `.${baseName(path).slice(0, 200)}.ferry-${randomBytes(6).toString('hex')}.part`;
}

/** Conflict when a resumed write's offset is not the size the file has on the server. */
export function checkResumeOffset(path: string, offset: number, current: number): void {
  if (current === offset) return;
  throw new ConnectorError('Conflict', `Cannot resume ${path} at ${offset}: it holds ${current} bytes.`, {
    path,
    hint: 'Start the transfer again from the size the file has now.',
  });
}

/** Integrity when the source gave another byte count than the caller announced. */
export function checkReceivedSize(path: string, expected: number | undefined, written: number): void {
  if (expected === undefined || written === expected) return;
  throw new ConnectorError('Integrity', `Expected ${expected} bytes for ${path} but received ${written}.`, { path });
}

/** Retryable: the server's size of the file after a write is not what was sent. */
export function storedSizeError(path: string, stored: number, expected: number, hint?: string): ConnectorError {
  return new ConnectorError('Retryable', `The server stored ${stored} bytes of ${path} instead of ${expected}.`, {
    path,
    ...(hint === undefined ? {} : { hint }),
  });
}
