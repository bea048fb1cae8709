import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PlatformTargetSchema, type PlatformTarget } from '../../../shared/ipc/platform-ipc';
import { MembershipSchema, type Membership } from '../../../shared/platform';
import type { KeyValueStore } from '../key-value-store';

const KEY = 'platform';

/** An account as stored (non-secret): where, who, their organisations, the one shown. The token is elsewhere. */
export const StoredAccountSchema = z.object({
  id: z.string().min(1).max(64),
  target: PlatformTargetSchema,
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  memberships: z.array(MembershipSchema),
  orgId: z.string().nullable(),
});
/** An account as stored. */
export type StoredAccount = z.infer<typeof StoredAccountSchema>;

const StoredSchema = z.object({ accounts: z.array(StoredAccountSchema), activeId: z.string().nullable() });
type Stored = z.infer<typeof StoredSchema>;

/** Whether two targets are the same platform (the local workspace, or the same URL). */
export function sameTarget(a: PlatformTarget, b: PlatformTarget): boolean {
  return a.kind === 'local' ? b.kind === 'local' : b.kind === 'remote' && a.url === b.url;
}

/** The organisation to show: the remembered one if the person still belongs to it, else their first. */
export function pickOrganisation(memberships: readonly Membership[], preferred: string | null): string | null {
  return memberships.some((m) => m.orgId === preferred) ? preferred : (memberships[0]?.orgId ?? null);
}

/** The configured accounts and the active one, kept in the KeyValueStore (electron-store / JSON file). */
export class AccountRegistry {
  constructor(private readonly store: KeyValueStore) {}

  private read(): Stored {
    const parsed = StoredSchema.safeParse(this.store.get(KEY));
    return parsed.success ? parsed.data : { accounts: [], activeId: null };
  }

  private write(stored: Stored): void {
    this.store.set(KEY, stored);
  }

  /** Every account, in the order they were added. */
  list(): readonly StoredAccount[] {
    return this.read().accounts;
  }

  /** The active account's ID (null when none, or when it was removed). */
  activeId(): string | null {
    const stored = this.read();
    return stored.accounts.some((a) => a.id === stored.activeId) ? stored.activeId : null;
  }

  /** One account by ID. */
  get(id: string): StoredAccount | undefined {
    return this.read().accounts.find((a) => a.id === id);
  }

  /**
   * Adds the person on that platform, or updates their existing account (same target and user), and makes it
   * active. Returns the account with its ID.
   */
  upsert(account: Omit<StoredAccount, 'id'>): StoredAccount {
    const stored = this.read();
    const existing = stored.accounts.find((a) => sameTarget(a.target, account.target) && a.userId === account.userId);
    const saved: StoredAccount = { ...account, id: existing?.id ?? randomUUID() };
    const accounts = existing
      ? stored.accounts.map((a) => (a.id === saved.id ? saved : a))
      : [...stored.accounts, saved];
    this.write({ accounts, activeId: saved.id });
    return saved;
  }

  /** Changes some fields of an account. */
  update(id: string, patch: Partial<Omit<StoredAccount, 'id'>>): void {
    const stored = this.read();
    this.write({ ...stored, accounts: stored.accounts.map((a) => (a.id === id ? { ...a, ...patch } : a)) });
  }

  /** Makes an account the active one. */
  activate(id: string): void {
    this.write({ ...this.read(), activeId: id });
  }

  /** Removes an account; if it was active, the first remaining one becomes active. */
  remove(id: string): void {
    const stored = this.read();
    const accounts = stored.accounts.filter((a) => a.id !== id);
    this.write({ accounts, activeId: stored.activeId === id ? (accounts[0]?.id ?? null) : stored.activeId });
  }
}
