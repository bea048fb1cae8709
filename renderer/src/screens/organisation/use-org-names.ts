import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { ApiKey, Invitation, Member, Page } from '../../../../shared/platform';
import { invoke } from '../../ipc-client';
import { queryKeys } from '../../queries/query-keys';
import type { AuditNames } from './audit-sentence';

/** The most rows read to resolve names (the API pages by 200); beyond, IDs show as IDs. */
const MAX_ROWS = 2000;
const PAGE = 200;

// Names of members seen while Ferry runs: a member removed since still has a name in the audit log's sentences.
const remembered = new Map<string, string>();

/** Every row of a list, a page at a time, up to MAX_ROWS. */
async function readAll<T>(fetchPage: (offset: number) => Promise<Page<T>>): Promise<T[]> {
  const rows: T[] = [];
  for (let offset = 0; offset < MAX_ROWS; offset += PAGE) {
    const page = await fetchPage(offset);
    rows.push(...page.items);
    if (page.items.length < PAGE || rows.length >= page.total) break;
  }
  return rows;
}

/**
 * All members of the organisation (for names, the actor picker), cached under the members domain so a change of
 * members reloads it.
 */
export function useAllMembers(enabled = true) {
  return useQuery({
    queryKey: [...queryKeys.members, 'all'],
    queryFn: async () => {
      const rows = await readAll<Member>((offset) =>
        invoke('members.list', { query: { limit: PAGE, offset, sort: 'name', order: 'asc' } }),
      );
      for (const member of rows) remembered.set(member.id, member.name);
      return rows;
    },
    enabled,
    staleTime: 30_000,
  });
}

/** All API keys (admins only), cached under the API keys domain. */
export function useAllApiKeys(enabled = true) {
  return useQuery({
    queryKey: [...queryKeys.apiKeys, 'all'],
    queryFn: () =>
      readAll<ApiKey>((offset) =>
        invoke('apiKeys.list', { query: { limit: PAGE, offset, sort: 'name', order: 'asc' } }),
      ),
    enabled,
    staleTime: 30_000,
  });
}

/** All invitations (admins only), cached under the invitations domain. */
function useAllInvitations(enabled: boolean) {
  return useQuery({
    queryKey: [...queryKeys.invitations, 'all'],
    queryFn: () =>
      readAll<Invitation>((offset) =>
        invoke('invitations.list', { query: { limit: PAGE, offset, sort: 'createdAt', order: 'desc' } }),
      ),
    enabled,
    staleTime: 30_000,
  });
}

/** Offers' titles and organisation connectors' names by ID, for the audit log's targets (cached with the audit). */
function useResourceNames() {
  const offers = useQuery({
    queryKey: [...queryKeys.audit, 'names', 'offers'],
    queryFn: () =>
      readAll((offset) => invoke('offers.list', { query: { limit: PAGE, offset, sort: 'title', order: 'asc' } })),
    staleTime: 30_000,
  });
  const connectors = useQuery({
    queryKey: [...queryKeys.audit, 'names', 'connectors'],
    queryFn: () =>
      readAll((offset) => invoke('orgConnectors.list', { query: { limit: PAGE, offset, sort: 'name', order: 'asc' } })),
    staleTime: 30_000,
  });
  return useMemo(
    () => ({
      offers: new Map((offers.data ?? []).map((o) => [o.id, o.title])),
      connectors: new Map((connectors.data ?? []).map((c) => [c.id, c.name])),
    }),
    [offers.data, connectors.data],
  );
}

/** A member by ID and by e-mail, from the cached list of all members. */
export function useMemberLookup() {
  const members = useAllMembers();
  return useMemo(() => {
    const rows = members.data ?? [];
    const byId = new Map(rows.map((m) => [m.id, m]));
    const byEmail = new Map(rows.map((m) => [m.email.toLowerCase(), m]));
    return {
      byId: (id: string | null | undefined) => (id ? byId.get(id) : undefined),
      byEmail: (email: string | null | undefined) => (email ? byEmail.get(email.toLowerCase()) : undefined),
    };
  }, [members.data]);
}

/** The names the audit sentences use (members, API keys, invitations' e-mails, offers, connectors), for admins. */
export function useAuditNames(): { names: AuditNames; members: readonly Member[]; apiKeys: readonly ApiKey[] } {
  const members = useAllMembers();
  const apiKeys = useAllApiKeys();
  const invitations = useAllInvitations(true);
  const resources = useResourceNames();
  return useMemo(() => {
    const memberNames = new Map((members.data ?? []).map((m) => [m.id, m.name]));
    const keyNames = new Map((apiKeys.data ?? []).map((k) => [k.id, k.name]));
    const invitationNames = new Map((invitations.data ?? []).map((i) => [i.id, i.email]));
    return {
      names: {
        member: (id) => memberNames.get(id) ?? remembered.get(id),
        apiKey: (id) => keyNames.get(id),
        invitation: (id) => invitationNames.get(id),
        offer: (id) => resources.offers.get(id),
        connector: (id) => resources.connectors.get(id),
      },
      members: members.data ?? [],
      apiKeys: apiKeys.data ?? [],
    };
  }, [members.data, apiKeys.data, invitations.data, resources]);
}
