import type { Organisation, User } from '../../shared/platform';
import type { organisations, users } from './schema';

/** An organisation row as the API shows it. */
export function toOrganisation(row: typeof organisations.$inferSelect): Organisation {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    auditRetentionDays: row.auditRetentionDays,
  };
}

/** A user row as the API shows it (never the password hash). */
export function toUser(row: Pick<typeof users.$inferSelect, 'id' | 'email' | 'name'>): User {
  return { id: row.id, email: row.email, name: row.name };
}

/** A timestamp as the API shows it, null kept. */
export function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
