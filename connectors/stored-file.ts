import { createHash } from 'node:crypto';
import { hasHash } from './capabilities';
import { isConnectorError } from './connector-error';
import type { Driver, Entry } from './driver';

/** The stat of a path, or null when nothing is there. */
export async function statOrNull(driver: Driver, path: string, signal?: AbortSignal): Promise<Entry | null> {
  try {
    return await driver.stat(path, signal !== undefined ? { signal } : {});
  } catch (error) {
    if (isConnectorError(error, 'NotFound')) return null;
    throw error;
  }
}

/** SHA-256 of a stored file: the storage's own when it has one, else read back through the driver. */
export async function storedSha256(driver: Driver, path: string, signal?: AbortSignal): Promise<string> {
  const options = signal !== undefined ? { signal } : {};
  if (hasHash(driver) && driver.capabilities.hashes.includes('sha256')) return driver.hash(path, 'sha256', options);
  const hash = createHash('sha256');
  for await (const chunk of await driver.read(path, options)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
