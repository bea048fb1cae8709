// Publishing hashes a file it saw stable: bytes that differ from the size it was seen with mean it is still changing.
import type { Driver } from '../../../connectors/driver';
import { hashReadable } from '../../../connectors/hashing';

/** The file changed while it was hashed: not stable, taken once it stops changing. */
export class ChangedWhileHashing extends Error {
  override readonly name = 'ChangedWhileHashing';
}

/** SHA-256 of a file in one streaming pass; its byte count must be the size it was seen with. */
export async function hashFile(driver: Driver, path: string, size: number, signal: AbortSignal): Promise<string> {
  const { size: bytes, hashes } = await hashReadable(await driver.read(path, { signal }), ['sha256']);
  if (bytes !== size) throw new ChangedWhileHashing(`${path} changed while it was being hashed.`);
  return hashes.sha256!;
}
