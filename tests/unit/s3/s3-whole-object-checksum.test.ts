import { createHash } from 'node:crypto';
import { type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { wholeObjectChecksum } from '../../../connectors/s3/s3-whole-object-checksum';

const bytes = Buffer.from('The quick brown fox jumps over the lazy dog');
const response = (fields: Partial<GetObjectCommandOutput>): GetObjectCommandOutput =>
  ({ $metadata: {}, ...fields }) as GetObjectCommandOutput;

/** Feeds the bytes in two pieces (as ranges arrive) and says whether the check passes. */
function passes(fields: Partial<GetObjectCommandOutput>, data = bytes): boolean {
  const result = wholeObjectChecksum(response(fields));
  if (result.kind !== 'digest') throw new Error(`expected a digest check, got ${result.kind}`);
  result.check.update(data.subarray(0, 10));
  result.check.update(data.subarray(10));
  return result.check.matches();
}

describe('wholeObjectChecksum (what a split S3 read keeps of ChecksumMode)', () => {
  it('computes CRC32, SHA-1 and SHA-256 over the bytes in order, as S3 encodes them', () => {
    // Reference value: CRC32 0x414fa339 of this sentence, big-endian base64 as S3 sends.
    expect(passes({ ChecksumCRC32: Buffer.from('414fa339', 'hex').toString('base64') })).toBe(true);
    const sha1 = createHash('sha1').update(bytes).digest('base64');
    const sha256 = createHash('sha256').update(bytes).digest('base64');
    expect(passes({ ChecksumSHA1: sha1 })).toBe(true);
    expect(passes({ ChecksumSHA256: sha256 })).toBe(true);
    expect(passes({ ChecksumSHA256: sha256 }, Buffer.from('The quick brown fox jumps over the lazy cog'))).toBe(false);
    expect(passes({ ChecksumCRC32: Buffer.from('414fa338', 'hex').toString('base64') })).toBe(false);
  });

  it('prefers the checksum the SDK would check (SHA-256 first)', () => {
    const result = wholeObjectChecksum(
      response({ ChecksumSHA256: createHash('sha256').update(bytes).digest('base64'), ChecksumCRC32: 'AAAAAA==' }),
    );
    expect(result.kind === 'digest' && result.check.label).toBe('SHA256');
  });

  it('checks nothing for a multipart checksum (the SDK skips it too) or none at all', () => {
    expect(wholeObjectChecksum(response({ ChecksumCRC32: 'QU+jOQ==-3' })).kind).toBe('none');
    expect(wholeObjectChecksum(response({})).kind).toBe('none');
  });

  it('keeps the single GET for CRC32C and CRC64NVME, which only the SDK computes here', () => {
    expect(wholeObjectChecksum(response({ ChecksumCRC64NVME: 'AAAAAAAAAAA=' })).kind).toBe('sdk-only');
    expect(wholeObjectChecksum(response({ ChecksumCRC32C: 'ImIEBA==' })).kind).toBe('sdk-only');
  });
});
