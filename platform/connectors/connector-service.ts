// Organisation connectors: create, list, read, update, delete, resume; secrets in the vault with their row.
import { and, eq, ilike, sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { secretOptionNames } from '../../shared/connectors/connector-descriptor';
import type {
  ConnectorDetail,
  ConnectorPage,
  ConnectorView,
  CreateConnectorRequest,
  ListConnectorsQuery,
  Role,
  UpdateConnectorRequest,
} from '../../shared/platform';
import { auditSuccess } from '../audit/audit-request';
import { newId } from '../auth/secret-token';
import { countRows } from '../db/count-rows';
import type { Executor } from '../db/database';
import { containsPattern } from '../db/like-pattern';
import { paged } from '../db/paged';
import { orgConnectors } from '../db/schema';
import { notFound } from '../http/api-error';
import type { PlatformContext } from '../platform-context';
import { forgetOwnership, ownerOf, recordOwnership } from '../resources/owned-resources';
import type { VaultService } from '../vault/vault-service';
import {
  descriptorFor,
  invalid,
  isUniqueViolation,
  keptOptions,
  validateAll,
  withKeptPin,
  type StoredOptions,
} from './connector-input';
import { toBrief, toDetail, toSummary, type ConnectorRow } from './connector-views';
import { deleteConnectorRows } from './delete-connector-rows';
import { requireVault } from './require-vault';
import { storedSecretsOf } from './stored-secrets';
import { refreshCredentialExpiry } from './health/credential-expiry-watch';

const ofOrg = (orgId: string, connectorId: string) =>
  and(eq(orgConnectors.orgId, orgId), eq(orgConnectors.id, connectorId));

const nameTaken = (name: string) => invalid('body.name', `A connector named "${name}" already exists.`);

/** Organisation connectors: only admins change them; editors see them in detail, viewers their names and kinds. */
export class ConnectorService {
  constructor(private readonly ctx: PlatformContext) {}

  /** The vault, or vault_unavailable: every connector route needs it. */
  vault(): VaultService {
    return requireVault(this.ctx);
  }

  /** The connector's row, or not_found (also for another organisation's). */
  async find(orgId: string, connectorId: string, db: Executor = this.ctx.db, lock = false): Promise<ConnectorRow> {
    const query = db.select().from(orgConnectors).where(ofOrg(orgId, connectorId));
    const [row] = lock ? await query.for('update') : await query;
    if (row === undefined) throw notFound('Connector');
    return row;
  }

  /** One connector in detail (never a secret value). */
  async detail(orgId: string, connectorId: string, db: Executor = this.ctx.db): Promise<ConnectorDetail> {
    const row = await this.find(orgId, connectorId, db);
    const secrets = await storedSecretsOf(db, this.vault(), orgId, [row.id]);
    return toDetail(row, secrets.get(row.id)!, {
      owner: await ownerOf(db, 'connector', row.id),
      usages: await this.ctx.connectorUsages.of(db, orgId, row.id),
      outgoingAddresses: this.ctx.outgoingAddresses(),
    });
  }

  /** Creates a connector owned by its creator (an admin); its secrets go to the vault in the same transaction. */
  async create(
    request: FastifyRequest,
    orgId: string,
    creatorId: string,
    body: CreateConnectorRequest,
  ): Promise<ConnectorDetail> {
    const vault = this.vault();
    const descriptor = descriptorFor(body.kind, this.ctx.localConnectors);
    const options = keptOptions(descriptor, body.options, body.secrets);
    validateAll(descriptor, options, body.secrets);
    const now = this.ctx.now();
    const id = newId('con');
    try {
      await this.ctx.db.transaction(async (tx) => {
        if (await this.nameInUse(tx, orgId, body.name)) throw nameTaken(body.name);
        await tx.insert(orgConnectors).values({
          id,
          orgId,
          name: body.name,
          kind: body.kind,
          options,
          creatorId,
          createdAt: now,
          updatedAt: now,
        });
        for (const [option, value] of Object.entries(body.secrets)) {
          await vault.put({ orgId, connectorId: id, option }, value, tx);
        }
        await refreshCredentialExpiry(this.ctx.vault, tx, { id, orgId, kind: body.kind, options });
        await recordOwnership(tx, orgId, 'connector', id, { type: 'user', id: creatorId });
        await auditSuccess(tx, request, now, { type: 'connector', id });
      });
    } catch (error) {
      throw isUniqueViolation(error) ? nameTaken(body.name) : error;
    }
    return this.detail(orgId, id);
  }

  /** A page of connectors: summaries for editors and admins, names and kinds for viewers. */
  async list(orgId: string, role: Role, query: ListConnectorsQuery): Promise<ConnectorPage> {
    const vault = this.vault();
    const { q, kind, limit, offset, sort } = query;
    const where = and(
      eq(orgConnectors.orgId, orgId),
      q ? ilike(orgConnectors.name, containsPattern(q)) : undefined,
      kind !== undefined ? eq(orgConnectors.kind, kind) : undefined,
    );
    const column = { name: orgConnectors.name, kind: orgConnectors.kind, createdAt: orgConnectors.createdAt }[sort];
    const rows = await paged(
      this.ctx.db.select().from(orgConnectors).where(where).$dynamic(),
      column,
      orgConnectors.id,
      query,
    );
    const total = await countRows(this.ctx.db, orgConnectors, where);
    if (role === 'viewer') return { items: rows.map(toBrief), total, limit, offset };
    const ids = rows.map((r) => r.id);
    const secrets = await storedSecretsOf(this.ctx.db, vault, orgId, ids);
    // One query per usage source for the whole page, never one per connector.
    const usages = await this.ctx.connectorUsages.ofAll(this.ctx.db, orgId, ids);
    return {
      items: rows.map((row) => toSummary(row, secrets.get(row.id)!, usages.get(row.id) ?? [])),
      total,
      limit,
      offset,
    };
  }

  /** One connector: in detail for editors and admins, its name and kind for viewers. */
  async read(orgId: string, connectorId: string, role: Role): Promise<ConnectorView> {
    this.vault();
    if (role === 'viewer') return toBrief(await this.find(orgId, connectorId));
    return this.detail(orgId, connectorId);
  }

  /**
   * Changes the name, the non-secret options (as a whole; the pin is kept for the same server) and secrets (a value
   * replaces, null clears, absent keeps). Everything is validated together before anything changes.
   */
  async update(
    request: FastifyRequest,
    orgId: string,
    connectorId: string,
    body: UpdateConnectorRequest,
  ): Promise<ConnectorDetail> {
    const vault = this.vault();
    const now = this.ctx.now();
    try {
      await this.ctx.db.transaction(async (tx) => {
        const row = await this.find(orgId, connectorId, tx, true);
        const descriptor = descriptorFor(row.kind, this.ctx.localConnectors);
        const changes = body.secrets ?? {};
        const old = row.options as StoredOptions;
        const options =
          body.options === undefined
            ? keptOptions(descriptor, old, changes)
            : withKeptPin(row.kind, old, keptOptions(descriptor, body.options, changes), body.options);
        validateAll(descriptor, options, await this.effectiveSecrets(tx, row, changes));
        if (body.name !== undefined && (await this.nameInUse(tx, orgId, body.name, connectorId))) {
          throw nameTaken(body.name);
        }
        await tx
          .update(orgConnectors)
          .set({ name: body.name ?? row.name, options, updatedAt: now })
          .where(ofOrg(orgId, connectorId));
        for (const [option, value] of Object.entries(changes)) {
          const ref = { orgId, connectorId, option };
          if (value === null) await vault.remove(ref, tx);
          else await vault.put(ref, value, tx);
        }
        await refreshCredentialExpiry(this.ctx.vault, tx, { id: connectorId, orgId, kind: row.kind, options });
        await auditSuccess(tx, request, now);
      });
    } catch (error) {
      throw isUniqueViolation(error) ? nameTaken(body.name ?? '') : error;
    }
    return this.detail(orgId, connectorId);
  }

  /** Deletes a connector and its secrets; refused with connector_in_use while something uses it (named). */
  async remove(request: FastifyRequest, orgId: string, connectorId: string): Promise<void> {
    this.vault();
    const now = this.ctx.now();
    await this.ctx.db.transaction(async (tx) => {
      const row = await this.find(orgId, connectorId, tx, true);
      await this.ctx.connectorUsages.refuseIfUsed(tx, orgId, connectorId, row.name);
      await deleteConnectorRows(tx, orgId, connectorId);
      await forgetOwnership(tx, 'connector', connectorId);
      await auditSuccess(tx, request, now);
    });
  }

  /** Makes a paused connector active again, its failure count back to zero. */
  async resume(request: FastifyRequest, orgId: string, connectorId: string): Promise<ConnectorDetail> {
    this.vault();
    const now = this.ctx.now();
    await this.ctx.db.transaction(async (tx) => {
      await this.find(orgId, connectorId, tx, true);
      await tx
        .update(orgConnectors)
        .set({ status: 'active', pausedReason: null, pausedAt: null, consecutiveFailures: 0, updatedAt: now })
        .where(ofOrg(orgId, connectorId));
      await auditSuccess(tx, request, now);
    });
    return this.detail(orgId, connectorId);
  }

  private async nameInUse(db: Executor, orgId: string, name: string, except?: string): Promise<boolean> {
    const [row] = await db
      .select({ id: orgConnectors.id })
      .from(orgConnectors)
      .where(and(eq(orgConnectors.orgId, orgId), sql`lower(${orgConnectors.name}) = lower(${name})`));
    return row !== undefined && row.id !== except;
  }

  /**
   * The secrets the connector will have after `changes`, for validation: given ones, else the stored ones. One that
   * cannot be read counts as present (a placeholder) unless its contents are checked, so renaming a connector
   * restored without its key is not refused; using it is, until the secret is entered again.
   */
  private async effectiveSecrets(
    db: Executor,
    row: ConnectorRow,
    changes: Readonly<Record<string, string | null>>,
  ): Promise<Record<string, string>> {
    const descriptor = descriptorFor(row.kind, this.ctx.localConnectors);
    const effective: Record<string, string> = {};
    for (const option of secretOptionNames(descriptor)) {
      const given = changes[option];
      if (given === null) continue;
      if (given !== undefined) {
        effective[option] = given;
        continue;
      }
      const stored = await this.vault().get({ orgId: row.orgId, connectorId: row.id, option }, db);
      const spec = descriptor.options[option];
      if (stored.kind === 'found') effective[option] = stored.value;
      else if (stored.kind === 'unreadable' && spec?.type === 'string' && spec.contents === undefined) {
        effective[option] = 'unreadable';
      }
    }
    return effective;
  }
}
