import { eq, sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type {
  MyOrganisation,
  Organisation,
  SetupRequest,
  SetupResponse,
  UpdateOrganisationRequest,
} from '../../shared/platform';
import { memberships, organisations, users } from '../db/schema';
import { toOrganisation, toUser } from '../db/to-api';
import { hashPassword } from '../auth/password';
import type { Principal } from '../auth/principal';
import { newId } from '../auth/secret-token';
import { createSession } from '../auth/sessions';
import { auditSuccess } from '../audit/audit-request';
import { organisationsOf } from '../members/membership-queries';
import { ApiError, notFound } from '../http/api-error';
import type { PlatformContext } from '../platform-context';

/** Organisations: first-run setup, creating another, listing a caller's, reading, renaming. */
export class OrganisationService {
  constructor(private readonly ctx: PlatformContext) {}

  /** Whether no organisation exists yet. */
  async setupRequired(): Promise<boolean> {
    const [row] = await this.ctx.db.select({ n: sql<number>`count(*)::int` }).from(organisations);
    return (row?.n ?? 0) === 0;
  }

  /** Creates the first organisation and its admin with a session; refused once any organisation exists. */
  async setup(request: FastifyRequest, body: SetupRequest): Promise<SetupResponse> {
    const passwordHash = await hashPassword(body.password);
    const now = this.ctx.now();
    const result = await this.ctx.db.transaction(async (tx) => {
      // Serialises concurrent setups: only the first one sees an empty table.
      await tx.execute(sql`lock table ${organisations} in exclusive mode`);
      const [count] = await tx.select({ n: sql<number>`count(*)::int` }).from(organisations);
      if ((count?.n ?? 0) > 0)
        throw new ApiError('already_set_up', 'This platform is already set up; sign in instead.');
      const [org] = await tx
        .insert(organisations)
        .values({ id: newId('org'), name: body.organisationName, createdAt: now })
        .returning();
      const [user] = await tx
        .insert(users)
        .values({ id: newId('usr'), email: body.email.toLowerCase(), name: body.name, passwordHash, createdAt: now })
        .returning();
      if (!org || !user) throw new Error('insert returned nothing');
      await tx.insert(memberships).values({ orgId: org.id, userId: user.id, role: 'admin', joinedAt: now });
      const session = await createSession(tx, user.id, now, this.ctx.sessionTtlMs);
      request.auth.principal = { type: 'user', userId: user.id, email: user.email, name: user.name, sessionId: '' };
      await auditSuccess(tx, request, now, { type: 'organisation', id: org.id }, org.id);
      return { org, user, session };
    });
    return {
      token: result.session.token,
      expiresAt: result.session.expiresAt.toISOString(),
      user: toUser(result.user),
      organisation: toOrganisation(result.org),
    };
  }

  /** Creates another organisation with `userId` as its admin. */
  async create(request: FastifyRequest, userId: string, name: string): Promise<Organisation> {
    const now = this.ctx.now();
    const org = await this.ctx.db.transaction(async (tx) => {
      const [created] = await tx
        .insert(organisations)
        .values({ id: newId('org'), name, createdAt: now })
        .returning();
      if (!created) throw new Error('insert returned nothing');
      await tx.insert(memberships).values({ orgId: created.id, userId, role: 'admin', joinedAt: now });
      await auditSuccess(tx, request, now, { type: 'organisation', id: created.id }, created.id);
      return created;
    });
    return toOrganisation(org);
  }

  /** The organisations a principal belongs to with its role in each (an API key: its own organisation). */
  async listFor(principal: Principal): Promise<{ items: MyOrganisation[] }> {
    if (principal.type === 'api-key') {
      const [org] = await this.ctx.db.select().from(organisations).where(eq(organisations.id, principal.orgId));
      return { items: org ? [{ ...toOrganisation(org), role: principal.role }] : [] };
    }
    const rows = await organisationsOf(this.ctx.db, principal.userId);
    return { items: rows.map((row) => ({ ...toOrganisation(row.org), role: row.role })) };
  }

  /** One organisation. */
  async read(orgId: string): Promise<Organisation> {
    const [org] = await this.ctx.db.select().from(organisations).where(eq(organisations.id, orgId));
    if (!org) throw notFound('Organisation');
    return toOrganisation(org);
  }

  /** Renames the organisation or changes its audit retention. */
  async update(request: FastifyRequest, orgId: string, patch: UpdateOrganisationRequest): Promise<Organisation> {
    const now = this.ctx.now();
    const org = await this.ctx.db.transaction(async (tx) => {
      const [updated] = await tx
        .update(organisations)
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.auditRetentionDays !== undefined ? { auditRetentionDays: patch.auditRetentionDays } : {}),
        })
        .where(eq(organisations.id, orgId))
        .returning();
      if (!updated) throw notFound('Organisation');
      await auditSuccess(tx, request, now);
      return updated;
    });
    return toOrganisation(org);
  }
}
