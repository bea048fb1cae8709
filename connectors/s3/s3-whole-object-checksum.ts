import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { type DigestCheck } from '../object-store/pipe-object-body';

/**
 * What becomes of the full-object checksum a whole GET's response carries (ChecksumMode on AWS) when the read is
 * split into ranges, whose responses carry none: `none` when there is nothing to check (no checksum, or only a
 * multipart one the SDK skips too), `digest` when Ferry computes the same checksum over the bytes in order, and
 * `sdk-only` when only the SDK computes it here (CRC32C, CRC64NVME), so the read must stay the one GET the SDK checks.
 */
export type WholeObjectChecksum =
  { readonly kind: 'none' } | { readonly kind: 'digest'; readonly check: DigestCheck } | { readonly kind: 'sdk-only' };

// A checksum of parts ("...-3") is not one of the bytes: the SDK does not check it either.
const isComposite = (value: string): boolean => /-\d+$/.test(value);

const bigEndian32 = (value: number): string => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes.toString('base64');
};

/** The check a split read keeps for a whole GET's `response`, in the SDK's order of preference. */
export function wholeObjectChecksum(response: GetObjectCommandOutput): WholeObjectChecksum {
  const present = (value: string | undefined): value is string => value !== undefined && !isComposite(value);
  const expected = (label: string, value: string, update: (chunk: Buffer) => void, digest: () => string) => ({
    kind: 'digest' as const,
    check: { label, update, matches: () => digest() === value },
  });
  for (const [label, value] of [
    ['SHA256', response.ChecksumSHA256],
    ['SHA1', response.ChecksumSHA1],
  ] as const) {
    if (present(value)) {
      const hash = createHash(label === 'SHA256' ? 'sha256' : 'sha1');
      return expected(
        label,
        value,
        (chunk) => hash.update(chunk),
        () => hash.digest('base64'),
      );
    }
  }
  if (present(response.ChecksumCRC32)) {
    let crc = 0;
    return expected(
      'CRC32',
      response.ChecksumCRC32,
      (chunk) => (crc = crc32(chunk, crc)),
      () => bigEndian32(crc),
    );
  }
  // Node computes neither (CRC32C would load Cloud Storage's SDK into every S3 process): the SDK's one GET checks them.
  if (present(response.ChecksumCRC32C) || present(response.ChecksumCRC64NVME)) return { kind: 'sdk-only' };
  return { kind: 'none' };
}
