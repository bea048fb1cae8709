// What scans saw in a subscription's source (source_observations): a file is taken once it looks the same twice.
import { and, eq, inArray } from 'drizzle-orm';
import type { Entry } from '../../connectors/driver';
import type { Executor } from '../db/database';
import { sourceObservations } from '../db/schema';

/** One observation row. */
export type Observation = typeof sourceObservations.$inferSelect;

/** The storage's own digests of a file (an S3 ETag's MD5...) as one comparable string, or null without any. */
export function etagOf(entry: Entry): string | null {
  const hashes = entry.hashes ?? {};
  const names = Object.keys(hashes).sort();
  return names.length === 0 ? null : names.map((name) => `${name}:${hashes[name as keyof typeof hashes]}`).join(',');
}

/** Whether a file still looks as the last look recorded it: same size, mtime and ETag. */
export function looksSame(observation: Observation, entry: Entry): boolean {
  return (
    observation.size === (entry.size ?? 0) &&
    observation.mtimeMs === (entry.mtimeMs ?? null) &&
    observation.etag === etagOf(entry)
  );
}

/** The observations of `paths` (relative to the source folder) of an offer, by path. */
export async function observationsOf(
  db: Executor,
  offerId: string,
  paths: readonly string[],
): Promise<Map<string, Observation>> {
  if (paths.length === 0) return new Map();
  const rows = await db
    .select()
    .from(sourceObservations)
    .where(and(eq(sourceObservations.offerId, offerId), inArray(sourceObservations.path, [...paths])));
  return new Map(rows.map((row) => [row.path, row]));
}

/**
 * What the next scan does with a file given its observation: `first` (record it, waiting), `changed` (record the
 * new look, waiting again), `stable` (unchanged since a waiting look: take it) or `done` (taken or skipped before).
 */
export function lookAt(observation: Observation | undefined, entry: Entry): 'first' | 'changed' | 'stable' | 'done' {
  if (observation === undefined) return 'first';
  if (!looksSame(observation, entry)) return 'changed';
  return observation.outcome === 'waiting' ? 'stable' : 'done';
}
