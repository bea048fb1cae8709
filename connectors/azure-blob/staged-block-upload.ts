import { createHash, randomBytes } from 'node:crypto';
import { type BlockBlobClient } from '@azure/storage-blob';
import { z } from 'zod';
import { cancelledError, ConnectorError } from '../connector-error';
import { type MultiHasher } from '../hashing';
import { type ResumeStateStore, type UploadPartEvent } from '../resume-state-store';
import { mapAzureError } from './map-azure-error';
import { type SasInfo } from './sas-token';

/** What a staged block upload needs to know about the target. */
export interface BlockTarget {
  readonly blob: BlockBlobClient;
  /** Container and blob name, for the resume key. */
  readonly container: string;
  readonly name: string;
  /** Connector path, for messages. */
  readonly path: string;
  readonly blockSize: number;
  readonly concurrency: number;
  /** Called once a block's buffer is no longer read (staged, failed or skipped), so it can be reused. */
  readonly release?: (block: Buffer) => void;
  readonly size?: number;
  readonly resumeStore?: ResumeStateStore;
  readonly onPart?: (event: UploadPartEvent) => void;
  readonly signal?: AbortSignal;
  /** The SAS in use, so an expired one is named as such. */
  readonly sas?: SasInfo;
}

const BlockStateSchema = z.object({
  version: z.literal(1),
  tag: z.string().regex(/^[0-9a-f]{8}$/),
  blockSize: z.number().int().positive(),
  size: z.number().int().nonnegative().optional(),
});

type BlockState = z.infer<typeof BlockStateSchema>;

/** The resume-state key of a block upload: container, blob name and announced size. */
export function blockStateKey(container: string, name: string, size: number | undefined): string {
  return `azure-blob:${container}/${name}#${size ?? 'unknown'}`;
}

/**
 * A block id carries the upload's tag, the block index and the block's MD5, so a resumed upload recognises a
 * staged block with exactly the same bytes from the uncommitted block list alone (the list has no digests).
 * All ids of a blob must have the same length: fixed-width fields.
 */
function blockId(tag: string, index: number, md5: Buffer): string {
  return Buffer.from(`${tag}-${String(index).padStart(6, '0')}-${md5.toString('hex')}`).toString('base64');
}

async function uncommittedBlocks(target: BlockTarget): Promise<Map<string, number>> {
  try {
    const list = await target.blob.getBlockList('uncommitted', { abortSignal: target.signal });
    return new Map((list.uncommittedBlocks ?? []).map((b) => [b.name, b.size]));
  } catch (error) {
    // No blob and no staged blocks yet: nothing to resume.
    if ((error as { statusCode?: number }).statusCode === 404) return new Map();
    throw error;
  }
}

/**
 * Uploads a stream as staged blocks (Put Block with Content-MD5 each) and commits the list with the whole
 * file's MD5 as the blob's Content-MD5; nothing is visible before the commit. With a resume store the upload's
 * tag is saved first, and a later call for the same blob and size stages only the blocks that are not already
 * staged with identical bytes (the MD5 is part of the block id).
 */
export async function stagedBlockUpload(
  target: BlockTarget,
  blocks: AsyncIterator<Buffer>,
  hasher: MultiHasher,
): Promise<{ readonly size: number }> {
  const stateKey = blockStateKey(target.container, target.name, target.size);
  const saved = BlockStateSchema.safeParse(await target.resumeStore?.load(stateKey));
  let state: BlockState;
  let staged = new Map<string, number>();
  if (saved.success && saved.data.blockSize === target.blockSize && saved.data.size === target.size) {
    state = saved.data;
    staged = await uncommittedBlocks(target);
  } else {
    state = { version: 1, tag: randomBytes(4).toString('hex'), blockSize: target.blockSize, size: target.size };
    await target.resumeStore?.save(stateKey, state);
  }
  const ids: string[] = [];
  const whole = createHash('md5');
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let total = 0;
  try {
    for (let index = 0; ; index++) {
      const next = await blocks.next();
      if (next.done === true || failure !== undefined) break;
      const body = next.value;
      if (index >= 50_000) {
        throw new ConnectorError('QuotaExceeded', `More than 50,000 blocks: ${target.path}`, {
          hint: 'Increase the block size, or give the file size so the block size is chosen to fit.',
        });
      }
      hasher.update(body);
      whole.update(body);
      total += body.length;
      const md5 = createHash('md5').update(body).digest();
      const id = blockId(state.tag, index, md5);
      ids.push(id);
      if (staged.get(id) === body.length) {
        target.onPart?.({ kind: 'skipped', part: index + 1, bytes: body.length });
        target.release?.(body);
        continue;
      }
      while (inFlight.size >= target.concurrency) await Promise.race(inFlight);
      if (failure !== undefined) break;
      const task: Promise<void> = target.blob
        .stageBlock(id, body, body.length, { transactionalContentMD5: md5, abortSignal: target.signal })
        .then(
          () => {
            inFlight.delete(task);
            target.release?.(body);
            target.onPart?.({ kind: 'uploaded', part: index + 1, bytes: body.length });
          },
          (error: unknown) => {
            inFlight.delete(task);
            target.release?.(body);
            failure ??= error;
          },
        );
      inFlight.add(task);
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
    if (target.signal?.aborted) throw cancelledError(target.signal, target.path);
    if (target.size !== undefined && total !== target.size) {
      throw new ConnectorError('Integrity', `Expected ${target.size} bytes but received ${total}: ${target.path}`, {
        path: target.path,
      });
    }
    await target.blob.commitBlockList(ids, {
      blobHTTPHeaders: { blobContentMD5: whole.digest() },
      abortSignal: target.signal,
    });
    await target.resumeStore?.remove(stateKey);
    return { size: total };
  } catch (error) {
    await Promise.allSettled(inFlight);
    const mapped = target.signal?.aborted
      ? cancelledError(target.signal, target.path)
      : mapAzureError(error, target.path, 'write', target.sas);
    // Uncommitted blocks cannot be deleted; the service drops them after a week. Keep the state only to resume.
    if (target.resumeStore !== undefined && mapped.code !== 'Cancelled' && mapped.code !== 'Retryable') {
      await target.resumeStore.remove(stateKey);
    }
    throw mapped;
  }
}
