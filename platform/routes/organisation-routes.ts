import { eq } from 'drizzle-orm';
import {
  CreateOrganisationRequestSchema,
  MyOrganisationSchema,
  OrganisationSchema,
  OrgParamsSchema,
  UpdateOrganisationRequestSchema,
} from '../../shared/platform';
import { z } from 'zod';
import { memberships, organisations } from '../db/schema';
import { toOrganisation } from '../db/to-api';
import { newId } from '../auth/secret-token';
import { auditSuccess } from '../audit/audit-request';
import { ApiError, notFound } from '../http/api-error';
import { BEARER, ERROR_RESPONSES, type PlatformApp } from '../http/platform-app';
import type { PlatformContext } from '../platform-context';

/** Organisations: create another, list mine, view one, rename or change its audit retention. */
export function organisationRoutes(app: PlatformApp, ctx: PlatformContext): void {
  app.post(
    '/v1/orgs',
    {
      config: { access: { kind: 'signed-in', action: 'organisations.create', sessionsOnly: true } },
      schema: {
        summary: 'Create another organisation; the signed-in person becomes its admin',
        tags: ['organisations'],
        security: BEARER,
        body: CreateOrganisationRequestSchema,
        response: { 201: OrganisationSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = request.auth.principal;
      if (principal?.type !== 'user')
        throw new ApiError('forbidden', 'Only a signed-in person can create an organisation.');
      const now = ctx.now();
      const org = await ctx.db.transaction(async (tx) => {
        const [created] = await tx
          .insert(organisations)
          .values({ id: newId('org'), name: request.body.name, createdAt: now })
          .returning();
        if (!created) throw new Error('insert returned nothing');
        await tx
          .insert(memberships)
          .values({ orgId: created.id, userId: principal.userId, role: 'admin', joinedAt: now });
        await auditSuccess(tx, request, now, { type: 'organisation', id: created.id }, created.id);
        return created;
      });
      return reply.code(201).send(toOrganisation(org));
    },
  );

  app.get(
    '/v1/orgs',
    {
      config: { access: { kind: 'signed-in', action: 'organisations.list' } },
      schema: {
        summary: 'The organisations the caller belongs to, with their role in each',
        tags: ['organisations'],
        security: BEARER,
        response: { 200: z.object({ items: z.array(MyOrganisationSchema) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const principal = request.auth.principal;
      if (principal === null) throw new ApiError('unauthenticated', 'Sign in first.');
      if (principal.type === 'api-key') {
        const [org] = await ctx.db.select().from(organisations).where(eq(organisations.id, principal.orgId));
        return { items: org ? [{ ...toOrganisation(org), role: principal.role }] : [] };
      }
      const rows = await ctx.db
        .select({ org: organisations, role: memberships.role })
        .from(memberships)
        .innerJoin(organisations, eq(organisations.id, memberships.orgId))
        .where(eq(memberships.userId, principal.userId))
        .orderBy(organisations.name);
      return { items: rows.map((row) => ({ ...toOrganisation(row.org), role: row.role })) };
    },
  );

  app.get(
    '/v1/orgs/:orgId',
    {
      config: { access: { kind: 'org', action: 'organisations.read', minRole: 'viewer' } },
      schema: {
        summary: 'One organisation: its immutable ID, name and audit retention',
        tags: ['organisations'],
        security: BEARER,
        params: OrgParamsSchema,
        response: { 200: OrganisationSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const [org] = await ctx.db.select().from(organisations).where(eq(organisations.id, request.params.orgId));
      if (!org) throw notFound('Organisation');
      return toOrganisation(org);
    },
  );

  app.patch(
    '/v1/orgs/:orgId',
    {
      config: {
        access: {
          kind: 'org',
          action: 'organisations.update',
          minRole: 'admin',
          target: { type: 'organisation', param: 'orgId' },
        },
      },
      schema: {
        summary: 'Rename the organisation or change how long its audit events are kept (admins)',
        tags: ['organisations'],
        security: BEARER,
        params: OrgParamsSchema,
        body: UpdateOrganisationRequestSchema,
        response: { 200: OrganisationSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const now = ctx.now();
      const org = await ctx.db.transaction(async (tx) => {
        const [updated] = await tx
          .update(organisations)
          .set({
            ...(request.body.name !== undefined ? { name: request.body.name } : {}),
            ...(request.body.auditRetentionDays !== undefined
              ? { auditRetentionDays: request.body.auditRetentionDays }
              : {}),
          })
          .where(eq(organisations.id, request.params.orgId))
          .returning();
        if (!updated) throw notFound('Organisation');
        await auditSuccess(tx, request, now);
        return updated;
      });
      return toOrganisation(org);
    },
  );
}
