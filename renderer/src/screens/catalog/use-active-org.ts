import { type Role, roleAtLeast } from '../../../../shared/platform';
import { activeMembership, usePlatformStore } from '../../stores/platform-store';

/** The signed-in organisation and role, or null when no account is signed in to one (the screens say so). */
export function useActiveOrg(): { readonly orgId: string; readonly role: Role } | null {
  const state = usePlatformStore((s) => s.state);
  if (state.status !== 'ready') return null;
  const membership = activeMembership(state.platform);
  return membership ? { orgId: membership.orgId, role: membership.role } : null;
}

/** Whether a role may acquire offers and set deliveries (the platform asks for editor or admin). */
export function canEdit(role: Role): boolean {
  return roleAtLeast(role, 'editor');
}
