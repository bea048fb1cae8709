import { mkdir } from 'node:fs/promises';
import { hasMkdir } from '../../connectors/capabilities';
import { mapNodeError } from '../../connectors/map-node-error';
import { type LoggingIo } from './cli-log';
import { type CliSession } from './cli-session';

/**
 * `ferry mkdir <location>`: creates a folder and its parents. On stores whose folders are key prefixes (S3, Azure,
 * GCS) there is nothing to create: a folder exists through its files, which the message says.
 */
export async function mkdirCommand(session: CliSession, io: LoggingIo, argument: string): Promise<void> {
  const local = session.localPath(argument);
  if (local !== undefined) {
    // A local location's driver is rooted at its parent, which may not exist yet: create the whole chain.
    await mkdir(local, { recursive: true }).catch((error: unknown) => {
      throw mapNodeError(error, local);
    });
    io.out(`Created ${local}`);
    return;
  }
  const at = await session.location(argument);
  if (!hasMkdir(at.driver)) {
    io.out(
      `${at.label}: folders on this storage exist through the files in them; nothing to create. Copy a file into it.`,
    );
    return;
  }
  await at.driver.mkdir(at.path, io.signal === undefined ? {} : { signal: io.signal });
  io.out(`Created ${at.label}`);
}
