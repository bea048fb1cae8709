import { type TFunction } from 'i18next';

const WAYS = ['server', 'store', 'read-back', 'client'] as const;

/**
 * How a finished transfer was checked, in words: '<by>:<algorithm>' (who vouched for the digest), 'size', 'mixed' for
 * a folder checked several ways, or a bare algorithm recorded by earlier versions.
 */
export function verificationLabel(t: TFunction, verification: string): string {
  if (verification === 'size' || verification === 'mixed') return t(`transfers.verifiedBy.${verification}`);
  const [by, algorithm] = verification.split(':');
  const way = WAYS.find((w) => w === by);
  if (way === undefined || algorithm === undefined) return t('transfers.verified', { method: verification });
  return t(`transfers.verifiedBy.${way}`, { algorithm });
}
