import type { ApiKeyRole, Role } from '../../shared/platform';

/** Who a request acts as: a signed-in person (through a session) or an API key of one organisation. */
export type Principal =
  | {
      readonly type: 'user';
      readonly userId: string;
      readonly email: string;
      readonly name: string;
      readonly sessionId: string;
    }
  | {
      readonly type: 'api-key';
      readonly keyId: string;
      readonly name: string;
      readonly orgId: string;
      readonly role: ApiKeyRole;
    };

/** What the access hook learnt about a request, for handlers and for the audit log. */
export interface RequestAuth {
  principal: Principal | null;
  /** A label for a refused principal that never became a Principal (e-mail of a failed login, a deleted key). */
  refusedPrincipal: { type: 'user' | 'api-key'; id: string; label: string; orgId: string | null } | null;
  /** The organisation the request acts in, once the principal's membership there is checked. */
  orgId: string | null;
  role: Role | null;
  /** Set once the request's outcome is in the audit log, so the error handler does not record it twice. */
  audited: boolean;
}

/** The audit log's view of a principal: type, ID and a readable label. */
export function auditPrincipal(principal: Principal): { type: 'user' | 'api-key'; id: string; label: string } {
  return principal.type === 'user'
    ? { type: 'user', id: principal.userId, label: principal.email }
    : { type: 'api-key', id: principal.keyId, label: principal.name };
}
