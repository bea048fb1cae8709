import type { IpcHandlers } from '../../ipc/ipc-dispatcher';
import type { OrganisationService } from './organisation-service';
import type { PlatformConnection } from './platform-connection';
import { refusing } from './platform-refusal';

type Handlers<P extends string> = Pick<IpcHandlers, Extract<keyof IpcHandlers, `${P}.${string}`>>;

/** The platform connection's IPC handlers: accounts, local workspace, sign-in and sign-out. */
export function platformHandlers(connection: PlatformConnection): Handlers<'platform'> {
  return {
    'platform.state': () => connection.state(),
    'platform.localStatus': refusing(() => connection.localStatus()),
    'platform.setupLocal': refusing((input) => connection.setupLocal(input)),
    'platform.signIn': refusing(({ target, email, password }) => connection.signIn(target, email, password)),
    'platform.previewInvitation': refusing(({ link }) => connection.previewInvitation(link)),
    'platform.acceptInvitation': refusing(({ link, name, password }) =>
      connection.acceptInvitation(link, name, password),
    ),
    'platform.localSettings': refusing(() => connection.localSettings()),
    'platform.configureLocal': refusing((patch) => connection.configureLocal(patch)),
    'platform.refresh': refusing(() => connection.refresh()),
    'platform.switchAccount': refusing(({ accountId }) => connection.switchAccount(accountId)),
    'platform.switchOrganisation': refusing(({ orgId }) => connection.switchOrganisation(orgId)),
    'platform.signOut': refusing(({ accountId }) => connection.signOut(accountId)),
    'platform.removeAccount': refusing(({ accountId }) => connection.removeAccount(accountId)),
  };
}

/** The organisation screens' IPC handlers (organisation, members, invitations, API keys, audit). */
export function organisationHandlers(
  service: OrganisationService,
): Handlers<'organisation' | 'members' | 'invitations' | 'apiKeys' | 'audit'> {
  return {
    'organisation.get': refusing(() => service.get()),
    'organisation.rename': refusing(({ name }) => service.rename(name)),
    'members.list': refusing(({ query }) => service.members(query)),
    'members.get': refusing(({ memberId }) => service.member(memberId)),
    'members.setRole': refusing(({ memberId, role }) => service.setRole(memberId, role)),
    'members.remove': refusing(({ memberId, owned }) => service.removeMember(memberId, owned)),
    'invitations.list': refusing(({ query }) => service.invitations(query)),
    'invitations.get': refusing(({ invitationId }) => service.invitation(invitationId)),
    'invitations.create': refusing((input) => service.invite(input)),
    'invitations.remove': refusing(({ invitationId }) => service.removeInvitation(invitationId)),
    'invitations.resend': refusing(({ invitationId }) => service.resendInvitation(invitationId)),
    'invitations.outbox': refusing(() => service.outbox()),
    'apiKeys.list': refusing(({ query }) => service.apiKeys(query)),
    'apiKeys.get': refusing(({ keyId }) => service.apiKey(keyId)),
    'apiKeys.create': refusing((input) => service.createApiKey(input)),
    'apiKeys.remove': refusing(({ keyId, owned }) => service.removeApiKey(keyId, owned)),
    'audit.list': refusing(({ query }) => service.audit(query)),
    'audit.export': refusing(({ filters }) => service.exportAudit(filters)),
  };
}
