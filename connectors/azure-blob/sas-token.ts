/** SAS permission letters Ferry may need, with what each allows. */
export const SAS_PERMISSIONS = {
  r: 'read',
  w: 'write',
  l: 'list',
  d: 'delete',
  c: 'create',
} as const;

/** A SAS permission letter. */
export type SasPermission = keyof typeof SAS_PERMISSIONS;

/** What a SAS token says about itself (nothing here is verified: the service checks the signature). */
export interface SasInfo {
  /** `sp`: the granted permission letters. */
  readonly permissions: string;
  /** `se`: when the token stops working, or undefined when it has no expiry (stored access policy). */
  readonly expiresAt: Date | undefined;
  /** `st`: when it starts working. */
  readonly startsAt: Date | undefined;
  /** Container (`sr=c`), blob (`sr=b`), account (`srt`), or unknown. */
  readonly scope: 'container' | 'blob' | 'account' | 'unknown';
}

/** Parses a SAS token (with or without the leading '?'). */
export function parseSasToken(token: string): SasInfo {
  const params = new URLSearchParams(token.startsWith('?') ? token.slice(1) : token);
  const date = (value: string | null): Date | undefined => {
    if (value === null) return undefined;
    const parsed = new Date(value);
    return Number.isNaN(parsed.getTime()) ? undefined : parsed;
  };
  const sr = params.get('sr');
  const scope = params.has('srt') ? 'account' : sr === 'c' ? 'container' : sr === 'b' ? 'blob' : 'unknown';
  return {
    permissions: params.get('sp') ?? '',
    expiresAt: date(params.get('se')),
    startsAt: date(params.get('st')),
    scope,
  };
}

/** Permissions Ferry needs: listing and reading always, writing and deleting for a write check. */
export function requiredSasPermissions(write: boolean): readonly SasPermission[] {
  return write ? ['r', 'l', 'w', 'd'] : ['r', 'l'];
}

/** The needed letters the token lacks (`c` create stands in for `w` only for new blobs, so `w` is required). */
export function missingSasPermissions(info: SasInfo, needed: readonly SasPermission[]): SasPermission[] {
  return needed.filter((p) => !info.permissions.includes(p));
}

/** "d (delete), w (write)" */
export function describeSasPermissions(letters: readonly SasPermission[]): string {
  return letters.map((p) => `${p} (${SAS_PERMISSIONS[p]})`).join(', ');
}
