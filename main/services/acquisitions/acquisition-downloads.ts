import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { DownloadResult } from '../../../shared/ipc/acquisitions-ipc';
import { API } from '../../../shared/platform';
import { IpcRefusal } from '../../ipc/ipc-dispatcher';
import type { PlatformConnection } from '../platform/platform-connection';
import type { SavePathChooser } from '../platform/organisation-service';

/** One entitled file to save: its acquisition, its ID, the name suggested in the save dialog, its expected SHA-256. */
export interface DownloadRequest {
  readonly acquisitionId: string;
  readonly fileId: string;
  readonly name: string;
  readonly sha256: string;
}

const DOWNLOADS_PATH = '/v1/downloads/';

/** The suggested file name without folders or characters a save dialog would refuse. */
function suggestedName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const base = path.basename(name.replace(/\\/g, '/')).replace(/[<>:"|?*\u0000-\u001f]/g, '-');
  return base === '' || base === '.' || base === '..' ? 'download' : base;
}

/**
 * Saves entitled files on this computer: asks the platform for a download link, streams it to a file beside the
 * path the user picks (renamed once complete and its SHA-256 checked), so a cut or altered download never takes the
 * chosen name.
 */
export class AcquisitionDownloads {
  constructor(
    private readonly connection: PlatformConnection,
    private readonly chooseSavePath: SavePathChooser,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** Downloads one file where the user chooses; nothing is written when they cancel. */
  async download(request: DownloadRequest): Promise<DownloadResult> {
    // The link first: a refusal (cancelled acquisition, removed file) is said before any dialog opens.
    const { url } = await this.connection.run(async ({ client, orgId }) => {
      const link = await client.call(API.acquisitions.link, {
        params: { orgId, acquisitionId: request.acquisitionId, fileId: request.fileId },
      });
      // The link names the platform's public address; this app already reaches the platform at its own base URL.
      const pathname = new URL(link.url).pathname;
      const at = pathname.indexOf(DOWNLOADS_PATH);
      return { url: at < 0 ? link.url : `${client.baseUrl}${pathname.slice(at)}` };
    });
    const target = await this.chooseSavePath(suggestedName(request.name));
    if (target === null) return { saved: false };
    const resolved = path.resolve(target);
    await mkdir(path.dirname(resolved), { recursive: true });
    const temp = `${resolved}.${process.pid}.part`;
    try {
      const { bytes, sha256 } = await this.fetchTo(url, temp);
      if (request.sha256 !== '' && sha256 !== request.sha256) {
        throw new IpcRefusal(
          'PlatformUnreachable',
          `The downloaded file's SHA-256 ${sha256} is not the offer's ${request.sha256}.`,
          'download-mismatch',
        );
      }
      await rename(temp, resolved);
      return { saved: true, path: resolved, bytes, sha256 };
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  private async fetchTo(url: string, file: string): Promise<{ bytes: number; sha256: string }> {
    let response: Response;
    try {
      response = await this.fetchImpl(url, { redirect: 'error' });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new IpcRefusal('PlatformUnreachable', `The download did not start (${reason}).`, 'download-failed');
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      throw new IpcRefusal('PlatformUnreachable', `The download answered HTTP ${response.status}.`, 'download-failed');
    }
    const hash = createHash('sha256');
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(
        Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
        counter,
        createWriteStream(file, { mode: 0o600 }),
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new IpcRefusal('PlatformUnreachable', `The download was cut (${reason}).`, 'download-failed');
    }
    return { bytes, sha256: hash.digest('hex') };
  }
}
