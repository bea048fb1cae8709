import { z } from 'zod';

/** Hash algorithms a storage may offer, weakest first (the order verification picks "the strongest" by). */
export const HASH_ALGORITHMS = ['crc32c', 'md5', 'sha1', 'sha256'] as const;

/** A hash algorithm a storage may offer. */
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

/** Zod schema of a hash algorithm name. */
export const HashAlgorithmSchema = z.enum(HASH_ALGORITHMS);

/** Digests by algorithm, lower-case hex. */
export type Hashes = { readonly [A in HashAlgorithm]?: string };

/** The strongest algorithm present in both lists, or undefined when they share none. */
export function strongestCommonHash(
  a: readonly HashAlgorithm[],
  b: readonly HashAlgorithm[],
): HashAlgorithm | undefined {
  for (let i = HASH_ALGORITHMS.length - 1; i >= 0; i--) {
    const algorithm = HASH_ALGORITHMS[i]!;
    if (a.includes(algorithm) && b.includes(algorithm)) return algorithm;
  }
  return undefined;
}
