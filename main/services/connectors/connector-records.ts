import { z } from 'zod';
import type { KeyValueStore } from '../key-value-store';

const KEY = 'myConnectors';

/** A connector's non-secret settings as saved on this machine (its secrets live in the SecretStore). */
export const ConnectorRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  createdAt: z.number(),
  updatedAt: z.number(),
});
/** A connector's non-secret settings as saved. */
export type ConnectorRecord = z.infer<typeof ConnectorRecordSchema>;

/** My connectors' non-secret settings in the KeyValueStore (electron-store in the app, a JSON file elsewhere). */
export class ConnectorRecords {
  constructor(private readonly store: KeyValueStore) {}

  /** Every saved connector; entries that no longer parse are skipped, never thrown on. */
  all(): ConnectorRecord[] {
    const stored = this.store.get(KEY);
    if (!Array.isArray(stored)) return [];
    return stored.flatMap((item) => {
      const parsed = ConnectorRecordSchema.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** One connector, or undefined. */
  get(id: string): ConnectorRecord | undefined {
    return this.all().find((r) => r.id === id);
  }

  /** Adds or replaces a connector (by id). */
  put(record: ConnectorRecord): void {
    const others = this.all().filter((r) => r.id !== record.id);
    this.store.set(KEY, [...others, record]);
  }

  /** Forgets a connector. */
  remove(id: string): void {
    this.store.set(
      KEY,
      this.all().filter((r) => r.id !== id),
    );
  }
}
