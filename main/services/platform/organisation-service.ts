import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AuditFilters, OwnedResourcesChoice } from '../../../shared/ipc/organisation-ipc';
import type { CreateApiKeyRequest, CreateInvitationRequest, OwnedResourcesQuery, Role } from '../../../shared/platform';
import type { ApiKeysQuery, AuditQuery, InvitationsQuery, MembersQuery } from './platform-client';
import type { PlatformConnection } from './platform-connection';

/** Asks the user where to save a file (a save dialog in the app, a set path in tests); null when cancelled. */
export type SavePathChooser = (suggestedName: string) => Promise<string | null>;

function ownedQuery(choice: OwnedResourcesChoice): OwnedResourcesQuery {
  switch (choice.kind) {
    case 'none':
      return {};
    case 'transfer':
      return { ownedResources: 'transfer', transferTo: choice.to };
    case 'delete':
      return { ownedResources: 'delete' };
  }
}

/** The organisation screens' actions on the active account's organisation, through the platform API. */
export class OrganisationService {
  constructor(
    private readonly connection: PlatformConnection,
    private readonly chooseSavePath: SavePathChooser,
  ) {}

  /** The organisation and the signed-in role in it (re-read, so a changed role shows at once). */
  get() {
    return this.connection.run(async ({ client, orgId }) => {
      const [organisation, mine] = await Promise.all([client.organisation(orgId), client.organisations()]);
      const role = mine.items.find((o) => o.id === orgId)?.role;
      if (role === undefined) throw new Error('the organisation is not among the account’s organisations');
      return { organisation, role };
    });
  }

  /** Renames the organisation. */
  rename(name: string) {
    return this.connection.run(({ client, orgId }) => client.updateOrganisation(orgId, { name }));
  }

  /** A page of members. */
  members(query: MembersQuery) {
    return this.connection.run(({ client, orgId }) => client.members(orgId, query));
  }

  /** One member. */
  member(memberId: string) {
    return this.connection.run(({ client, orgId }) => client.member(orgId, memberId));
  }

  /** Changes a member's role. */
  setRole(memberId: string, role: Role) {
    return this.connection.run(({ client, orgId }) => client.updateMember(orgId, memberId, role));
  }

  /** Removes a member. */
  async removeMember(memberId: string, owned: OwnedResourcesChoice) {
    await this.connection.run(({ client, orgId }) => client.deleteMember(orgId, memberId, ownedQuery(owned)));
    return { done: true as const };
  }

  /** A page of invitations. */
  invitations(query: InvitationsQuery) {
    return this.connection.run(({ client, orgId }) => client.invitations(orgId, query));
  }

  /** One invitation with its link. */
  invitation(invitationId: string) {
    return this.connection.run(({ client, orgId }) => client.invitation(orgId, invitationId));
  }

  /** Invites someone. */
  invite(request: CreateInvitationRequest) {
    return this.connection.run(({ client, orgId }) => client.createInvitation(orgId, request));
  }

  /** Sends an invitation's e-mail again with the same link. */
  resendInvitation(invitationId: string) {
    return this.connection.run(({ client, orgId }) => client.resendInvitation(orgId, invitationId));
  }

  /** The invitation e-mails not sent (no SMTP, or sending failed), subject and text in the invitee's language. */
  outbox() {
    return this.connection.run(({ client, orgId }) => client.outbox(orgId));
  }

  /** Deletes an invitation. */
  async removeInvitation(invitationId: string) {
    await this.connection.run(({ client, orgId }) => client.deleteInvitation(orgId, invitationId));
    return { done: true as const };
  }

  /** A page of API keys. */
  apiKeys(query: ApiKeysQuery) {
    return this.connection.run(({ client, orgId }) => client.apiKeys(orgId, query));
  }

  /** One API key. */
  apiKey(keyId: string) {
    return this.connection.run(({ client, orgId }) => client.apiKey(orgId, keyId));
  }

  /** Creates an API key; its secret is returned to the caller and kept nowhere. */
  createApiKey(request: CreateApiKeyRequest) {
    return this.connection.run(({ client, orgId }) => client.createApiKey(orgId, request));
  }

  /** Deletes an API key. */
  async removeApiKey(keyId: string, owned: OwnedResourcesChoice) {
    await this.connection.run(({ client, orgId }) => client.deleteApiKey(orgId, keyId, ownedQuery(owned)));
    return { done: true as const };
  }

  /** A page of audit events. */
  audit(query: AuditQuery) {
    return this.connection.run(({ client, orgId }) => client.audit(orgId, query));
  }

  /** Saves the matching audit events as CSV where the user chooses; nothing is written when they cancel. */
  async exportAudit(filters: AuditFilters): Promise<{ saved: true; path: string; bytes: number } | { saved: false }> {
    const { csv, orgId } = await this.connection.run(async ({ client, orgId }) => ({
      csv: await client.auditCsv(orgId, filters),
      orgId,
    }));
    const target = await this.chooseSavePath(`audit-${orgId}.csv`);
    if (target === null) return { saved: false };
    const resolved = path.resolve(target);
    // Written beside the target then renamed, so a failed write never leaves half a file under the chosen name.
    await mkdir(path.dirname(resolved), { recursive: true });
    const temp = `${resolved}.${process.pid}.part`;
    await writeFile(temp, csv, { encoding: 'utf8', mode: 0o600 });
    await rename(temp, resolved);
    return { saved: true, path: resolved, bytes: Buffer.byteLength(csv, 'utf8') };
  }
}
