import type { TFunction } from 'i18next';
import type { Role } from '../../../../shared/platform';

/** Roles as select options labelled in the UI language. */
export function roleOptions<R extends Role>(t: TFunction, roles: readonly R[]) {
  return roles.map((r) => ({ value: r, label: t(`organisation.roles.${r as Role}`) }));
}
