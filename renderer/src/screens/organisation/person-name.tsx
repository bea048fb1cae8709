import type { Member } from '../../../../shared/platform';
import { NamedId } from './named-id';

/** Finds members by ID or e-mail (useMemberLookup). */
export interface MemberLookup {
  readonly byId: (id: string | null | undefined) => Member | undefined;
  readonly byEmail: (email: string | null | undefined) => Member | undefined;
}

/**
 * A person the platform names by ID and/or e-mail (an owner, a creator, a sender): their member name with the ID in
 * a tooltip; the e-mail, or the bare ID, when they are no longer a member; a dash when there is nobody.
 */
export function PersonName({
  id,
  email,
  lookup,
}: {
  readonly id: string | null;
  readonly email: string | null;
  readonly lookup: MemberLookup;
}) {
  const member = lookup.byId(id) ?? lookup.byEmail(email);
  if (member) return <NamedId name={member.name} id={member.id} />;
  if (email) return <NamedId name={email} id={id} />;
  if (id) return <NamedId name={id} id={null} />;
  return <>—</>;
}
