import { createHash, randomBytes } from 'node:crypto';
import { type BlockBlobClient } from '@azure/storage-blob';
import { z } from 'zod';
import { type ChunkedUploadTarget } from '../chunked-upload/chunked-upload-target';
import { sendParts } from '../chunked-upload/parts-ring';
import { ResumeSlot } from '../chunked-upload/resume-slot';
import { type MultiHasher } from '../hashing';
import { mapAzureError } from './map-azure-error';
import { type SasInfo } from './sas-token';

/** What a staged block upload needs to know about the target. */
export interface BlockTarget extends ChunkedUploadTarget {
  readonly blob: BlockBlobClient;
  /** Container and blob name, for the resume key. */
  readonly container: string;
  readonly name: string;
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

const MAX_BLOCKS = 50_000;

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
  const slot = new ResumeSlot(
    target.resumeStore,
    blockStateKey(target.container, target.name, target.size),
    BlockStateSchema,
  );
  const saved = await slot.load((state) => state.blockSize === target.partSize && state.size === target.size);
  const state: BlockState = saved ?? {
    version: 1,
    tag: randomBytes(4).toString('hex'),
    blockSize: target.partSize,
    size: target.size,
  };
  const staged = saved === undefined ? new Map<string, number>() : await uncommittedBlocks(target);
  if (saved === undefined) await slot.save(state);
  const ids: string[] = [];
  const whole = createHash('md5');
  try {
    const { bytes } = await sendParts(blocks, {
      ...target,
      maxParts: MAX_BLOCKS,
      unit: 'block',
      hasher,
      plan: ({ number, body }) => {
        whole.update(body);
        const md5 = createHash('md5').update(body).digest();
        const id = blockId(state.tag, number - 1, md5);
        ids.push(id);
        if (staged.get(id) === body.length) return { kind: 'skip' };
        return {
          kind: 'send',
          send: () =>
            target.blob.stageBlock(id, body, body.length, { transactionalContentMD5: md5, abortSignal: target.signal }),
        };
      },
    });
    await target.blob.commitBlockList(ids, {
      blobHTTPHeaders: { blobContentMD5: whole.digest() },
      abortSignal: target.signal,
    });
    await slot.remove();
    return { size: bytes };
  } catch (error) {
    // Uncommitted blocks cannot be deleted; the service drops them after a week. Keep the state only to resume.
    throw await slot.settleFailure(error, {
      path: target.path,
      signal: target.signal,
      mapError: (e) => mapAzureError(e, target.path, 'write', target.sas),
    });
  }
}
